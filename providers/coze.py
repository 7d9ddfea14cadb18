"""Coze bots behind the one chat interface, built on `coze_client.AsyncCoze`.

Both ``chat()`` and ``stream()`` use the v3 chat stream (``POST /v3/chat`` with ``stream: true``): a
blocking v3 chat would have to be polled at most once a second, while the stream ends as soon as the
answer is complete. The answer is the text of the ``answer`` message deltas; usage comes from
``conversation.chat.completed``. The limiter, ledger (the free plan's 500-call lock-out guard) and
retries are ``AsyncCoze``'s own.

Examples:
    ```python
    async def main() -> None:
        async with CozeProvider(token="pat_...", bot_id="7351...", plan="coze.personal_free") as bot:
            print((await bot.chat("What is Coze?")).text)
    ```
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any

import httpx

from coze_client import AsyncCoze
from coze_client.errors import ValidationError
from coze_client.ledger.base import UsageLedger
from coze_client.limits.base import RateLimiter
from coze_client.types import ChatEvent

from .base import (
    ChatDelta,
    ChatMessage,
    ChatReply,
    ChatStream,
    ChatUsage,
    Conversation,
    MessagesInput,
    normalize_messages,
    zero_cost,
)

__all__ = ["CozeProvider"]

_CHAT_OPTIONS = frozenset({"bot_id", "user_id", "conversation_id", "custom_variables", "meta_data",
                           "extra_params", "parameters", "publish_status", "bot_version", "auto_save_history"})


class CozeProvider:
    """A Coze bot behind the `ChatProvider` interface.

    Args:
        bot_id: the bot that answers (each call may override it with ``bot_id=``).
        token: personal/service access token or TokenProvider (default ``COZE_API_TOKEN``).
        user_id: the user id chats are filed under.
        client: an existing `AsyncCoze` to use (not closed by `aclose`).
        **client_options: ``AsyncCoze`` options when no client is given: ``base_url``, ``plan``
            (``"coze.personal_free"`` by default), ``account``, ``limiter``, ``ledger``,
            ``http_client``, ``timeout``, ``max_retries``.

    Examples:
        ```python
        bot = CozeProvider(token="pat_exampleexample", bot_id="7351", ledger="memory://")
        bot.client.plan.name
        # 'coze.personal_free'
        ```
    """

    name = "coze"

    def __init__(
        self,
        *,
        bot_id: str,
        token: Any = None,
        user_id: str = "coze-client-user",
        client: AsyncCoze | None = None,
        **client_options: Any,
    ) -> None:
        if not isinstance(bot_id, str) or not bot_id.strip():
            raise ValidationError("bot_id is required")
        if not isinstance(user_id, str) or not user_id.strip():
            raise ValidationError("user_id is required")
        self.bot_id = bot_id
        self.user_id = user_id
        self._own = client is None
        if client is not None and (token is not None or client_options):
            raise ValidationError("pass either client= or token/client options, not both")
        self.client = client if client is not None else AsyncCoze(token=token, **client_options)

    @property
    def ledger(self) -> UsageLedger:
        """The usage ledger of the client (as every adapter exposes it)."""
        return self.client.ledger

    @property
    def limiter(self) -> RateLimiter:
        """The rate limiter of the client."""
        return self.client.limiter

    async def aclose(self) -> None:
        """Close the ``AsyncCoze`` client (unless it was passed in)."""
        if self._own:
            await self.client.aclose()

    async def __aenter__(self) -> CozeProvider:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"CozeProvider(bot_id={self.bot_id!r}, client={self.client!r})"

    async def new_conversation(self, *, user_id: str | None = None, bot_id: str | None = None,
                               **options: Any) -> Conversation:
        """A conversation handle; the first chat in it creates the Coze conversation (its id is kept).

        Args:
            user_id: the user id this conversation's chats are filed under (default: the provider's ``user_id``).
            bot_id: the bot that answers in it (default: the provider's ``bot_id``).
            **options: Coze chat fields every chat in it sends (same names as `chat`'s ``**options``).

        Examples:
            ```python
            conv = await bot.new_conversation(user_id="u1")
            ```
        """
        unknown = set(options) - _CHAT_OPTIONS
        if unknown:
            raise ValidationError(f"unknown Coze conversation options: {sorted(unknown)}")
        opts = dict(options)
        if bot_id is not None:
            opts["bot_id"] = bot_id
        return Conversation(provider=self.name, user_id=user_id or self.user_id, options=opts)

    def stream(
        self, messages: MessagesInput, *, conversation: Conversation | None = None,
        timeout: float | httpx.Timeout | None = None, max_retries: int | None = None, max_wait: float | None = None,
        **options: Any,
    ) -> ChatStream:
        """Stream a chat: answer deltas, then the reply with token usage.

        Args:
            messages: one user message as a string, a ``{"role", "content"}`` mapping, or a list of either
                (roles ``user`` and ``assistant``; the last must be the user's).
            conversation: the `Conversation` to continue (from `new_conversation`); its id is filled in after
                the first turn. ``None`` starts a new Coze conversation each call.
            timeout: this call's timeout (seconds or ``httpx.Timeout``; default: the client's).
            max_retries: this call's retries (default: the client's).
            max_wait: fail at once with `RateLimitWaitError` when the limiter would wait longer (seconds).
            **options: Coze chat fields for this call, overriding the conversation's: ``bot_id``, ``user_id``,
                ``conversation_id``, ``custom_variables``, ``meta_data``, ``extra_params``, ``parameters``,
                ``publish_status``, ``bot_version``, ``auto_save_history`` (any other name raises
                `ValidationError`).

        Examples:
            ```python
            async with bot.stream("hi") as s:
                async for delta in s:
                    print(delta.text, end="")
            ```
        """
        new = normalize_messages(messages, roles=("user", "assistant"))
        if conversation is not None and conversation.provider != self.name:
            raise ValidationError(f"this conversation belongs to {conversation.provider!r}, not coze")
        opt = {**(conversation.options if conversation is not None else {}), **options}
        unknown = set(opt) - _CHAT_OPTIONS
        if unknown:
            raise ValidationError(f"unknown Coze chat options: {sorted(unknown)}")
        bot_id = opt.pop("bot_id", None) or self.bot_id
        user_id = opt.pop("user_id", None) or (conversation.user_id if conversation is not None else self.user_id)
        conv_id = opt.pop("conversation_id", None) or (conversation.id if conversation is not None else None)
        # Validated here (ValidationError at once); the request is sent on first iteration.
        events = self.client.chat.stream(
            bot_id=bot_id, user_id=user_id, additional_messages=[m.as_dict() for m in new],
            conversation_id=conv_id, timeout=timeout, max_retries=max_retries, max_wait=max_wait, **opt,
        )
        return ChatStream(lambda _: self._source(events, new, conversation, bot_id))

    async def _source(self, events: Any, new: list[ChatMessage], conversation: Conversation | None,
                      bot_id: str) -> AsyncIterator[ChatDelta | ChatReply]:
        raw: list[ChatEvent] = []
        parts: list[str] = []
        answer_id: str | None = None
        chat_id: str | None = None
        conv_id: str | None = None
        completed = None
        async with events:
            async for event in events:
                raw.append(event)
                event.raise_for_failure()
                if event.chat is not None:
                    chat_id = event.chat.id or chat_id
                    conv_id = event.chat.conversation_id or conv_id
                    if event.event == "conversation.chat.completed":
                        completed = event.chat
                msg = event.message
                if event.event == "conversation.message.delta" and msg is not None and msg.type == "answer":
                    answer_id = msg.id or answer_id
                    if msg.content:
                        parts.append(msg.content)
                        yield ChatDelta(msg.content)
        text = "".join(parts)
        usage = completed.usage if completed is not None else None
        if conversation is not None:
            conversation.record(new, text)
            if conv_id:
                conversation.id = conv_id
        ids = {k: v for k, v in (("chat_id", chat_id), ("conversation_id", conv_id), ("message_id", answer_id),
                                 ("bot_id", bot_id)) if v}
        yield ChatReply(
            text=text,
            usage=ChatUsage(input_tokens=usage.input_count if usage else 0,
                            output_tokens=usage.output_count if usage else 0),
            cost=zero_cost(),  # Coze publishes no per-call price (prices.currency_for("coze") == "")
            provider=self.name, model=None, conversation_id=conv_id, message_id=answer_id, request_id=chat_id,
            ids=ids, raw=raw, meta=events.meta, conversation=conversation,
        )

    async def chat(
        self, messages: MessagesInput, *, conversation: Conversation | None = None,
        timeout: float | httpx.Timeout | None = None, max_retries: int | None = None, max_wait: float | None = None,
        **options: Any,
    ) -> ChatReply:
        """Send a chat and return the whole answer (read from the stream; see the module docstring).

        Args:
            messages: one user message as a string, a ``{"role", "content"}`` mapping, or a list of either
                (roles ``user`` and ``assistant``; the last must be the user's).
            conversation: the `Conversation` to continue (from `new_conversation`); its id is filled in after
                the first turn. ``None`` starts a new Coze conversation each call.
            timeout: this call's timeout (seconds or ``httpx.Timeout``; default: the client's).
            max_retries: this call's retries (default: the client's).
            max_wait: fail at once with `RateLimitWaitError` when the limiter would wait longer (seconds).
            **options: Coze chat fields for this call, overriding the conversation's: ``bot_id``, ``user_id``,
                ``conversation_id``, ``custom_variables``, ``meta_data``, ``extra_params``, ``parameters``,
                ``publish_status``, ``bot_version``, ``auto_save_history`` (any other name raises
                `ValidationError`).

        Examples:
            ```python
            reply = await bot.chat("What is Coze?")
            reply.usage.total_tokens
            # 57
            ```
        """
        stream = self.stream(messages, conversation=conversation, timeout=timeout, max_retries=max_retries,
                             max_wait=max_wait, **options)
        async with stream:
            return await stream.final_reply()
