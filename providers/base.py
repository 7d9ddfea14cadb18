"""The one chat interface: `ChatProvider` and the shared reply, usage, delta and conversation types.

Every chat adapter (Coze, Tongyi Xingchen, GPTBots) takes the same inputs and returns the same
records, so application code changes one string to change provider:

```python
async with providers.open("xingchen", api_key="lm-...", character_id="c1") as bot:
    reply = await bot.chat("hello")
    async with bot.stream(["hi", {"role": "assistant", "content": "hello"}, "how are you?"]) as s:
        async for delta in s:
            print(delta.text, end="")
    print(s.reply.usage.total_tokens)
```

Messages are a plain string (one user message), a ``{"role", "content"}`` mapping, or a list of
either. A `Conversation` keeps talking in the same provider conversation or session.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import TracebackType
from typing import Any, Protocol, TypeAlias, runtime_checkable

from coze_client._models import CallMeta
from coze_client.errors import StreamError, ValidationError
from coze_client.ledger.base import UsageLedger
from coze_client.ledger.prices import Cost
from coze_client.limits.base import RateLimiter

__all__ = [
    "ChatDelta",
    "ChatMessage",
    "ChatProvider",
    "ChatReply",
    "ChatStream",
    "ChatUsage",
    "Conversation",
    "MessageInput",
    "MessagesInput",
    "normalize_messages",
]

#: One message as callers may give it: a user's text, or a ``{"role", "content"}`` mapping.
MessageInput: TypeAlias = "str | Mapping[str, Any]"
#: What ``chat()`` and ``stream()`` accept: one message or a list of them.
MessagesInput: TypeAlias = "str | Mapping[str, Any] | Sequence[MessageInput]"

_ROLES = ("user", "assistant", "system")


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """A normalised message (role ``user``, ``assistant`` or ``system``).

    Args:
        role: who speaks: ``"user"``, ``"assistant"`` or ``"system"``.
        content: the message text.

    Examples:
        ```python
        ChatMessage("user", "hi").as_dict()
        # {'role': 'user', 'content': 'hi'}
        ```
    """

    role: str
    content: str

    def as_dict(self) -> dict[str, str]:
        """The ``{"role", "content"}`` mapping most wire formats use."""
        return {"role": self.role, "content": self.content}


def normalize_messages(messages: MessagesInput, *, roles: Sequence[str] = _ROLES) -> list[ChatMessage]:
    """Validate messages: strings are user messages; mappings need ``role`` and a string ``content``.

    Raises `ValidationError` (nothing is sent) for an empty list, an unknown
    role, a role the provider does not accept, non-text content, or a list whose last message is not
    the user's (every provider answers the latest user message).

    Args:
        messages: one user message as a string, one ``{"role", "content"}`` mapping (``role`` defaults to
            ``"user"``), or a non-empty list of either.
        roles: the roles this provider accepts (default: ``user``, ``assistant`` and ``system``).

    Returns:
        The messages as `ChatMessage` records, in order.

    Examples:
        ```python
        [m.role for m in normalize_messages(["hi", {"role": "assistant", "content": "yo"}, "and?"])]
        # ['user', 'assistant', 'user']
        ```
    """
    if isinstance(messages, (str, Mapping)):
        items: Sequence[Any] = [messages]
    elif isinstance(messages, Sequence) and not isinstance(messages, (bytes, bytearray)):
        items = messages
    else:
        raise ValidationError(f"messages must be a string, a mapping or a list of them, got {type(messages).__name__}")
    if not items:
        raise ValidationError("messages must hold at least one message")
    out: list[ChatMessage] = []
    for i, item in enumerate(items):
        if isinstance(item, str):
            out.append(ChatMessage("user", item))
            continue
        if not isinstance(item, Mapping):
            raise ValidationError(f"messages[{i}] must be a string or a mapping, got {type(item).__name__}")
        role = item.get("role", "user")
        content = item.get("content")
        if role not in _ROLES:
            raise ValidationError(f"messages[{i}].role must be one of {list(_ROLES)}, got {role!r}")
        if role not in roles:
            raise ValidationError(f"messages[{i}].role {role!r} is not accepted by this provider (use {list(roles)})")
        if not isinstance(content, str):
            raise ValidationError(f"messages[{i}].content must be a string")
        out.append(ChatMessage(str(role), content))
    if out[-1].role != "user":
        raise ValidationError("the last message must be the user's (the provider answers it)")
    if not out[-1].content.strip():
        raise ValidationError("the last user message must not be empty")
    return out


@dataclass(slots=True)
class ChatUsage:
    """What one chat consumed, as the provider reported it.

    Args:
        input_tokens: tokens the provider counted in the prompt.
        output_tokens: tokens the provider counted in the answer.
        credits: GPTBots' own charge in credits (0 for the other providers).
        extra: any other usage figure the provider reported, by name.

    Examples:
        ```python
        ChatUsage(input_tokens=10, output_tokens=5).total_tokens
        # 15
        ```
    """

    input_tokens: int = 0
    output_tokens: int = 0
    credits: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def total_tokens(self) -> int:
        """Input plus output tokens."""
        return self.input_tokens + self.output_tokens


@dataclass(slots=True)
class Conversation:
    """A handle on one provider conversation (Coze conversation, Xingchen session, GPTBots conversation).

    Pass it as ``conversation=`` to ``chat()`` / ``stream()`` to keep talking in it; the adapter fills
    in ``id`` after the first turn when the provider assigns one. ``history`` holds the turns of this
    handle (Xingchen resends them: its chat API takes the whole dialogue); ``options`` holds the
    provider-specific settings it was opened with (``character_id``, ``conversation_config`` ...).

    Args:
        provider: the adapter's name (``"coze"``, ``"xingchen"`` or ``"gptbots"``).
        user_id: the end user the conversation belongs to, as the provider knows them.
        id: the provider's conversation or session id; ``None`` until the provider assigns one.
        history: the turns sent and answered through this handle so far.
        options: the provider-specific settings the conversation was opened with.

    Examples:
        ```python
        conv = Conversation(provider="gptbots", user_id="u1")
        conv.id is None
        # True
        ```
    """

    provider: str
    user_id: str
    id: str | None = None
    history: list[ChatMessage] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)

    def record(self, sent: Sequence[ChatMessage], answer: str) -> None:
        """Remember one turn: the messages sent and the answer.

        Args:
            sent: the messages sent in this turn.
            answer: the answer text, kept as an ``assistant`` message.
        """
        self.history.extend(sent)
        self.history.append(ChatMessage("assistant", answer))


@dataclass(slots=True)
class ChatReply:
    """The answer to one chat, the same shape for every provider.

    Args:
        text: the answer text (several outputs joined with newlines).
        usage: input/output tokens (and GPTBots credits).
        cost: estimated cost from ``coze_client.ledger.prices`` at list price (yuan for Xingchen, credits for
            GPTBots; Coze publishes no per-call price: amount 0, currency ``""``). The ledger's cost is
            what is billed and leaves out free quotas (Xingchen's free tokens), so it can be lower.
        provider: ``"coze"``, ``"xingchen"`` or ``"gptbots"``.
        model: the model that answered, when known.
        conversation_id: the provider's conversation / session id.
        message_id: the answer message id.
        request_id: the provider's request or chat id (quote it to support).
        ids: every other id the provider returned.
        raw: the provider's response (the blocking body, or the list of stream events).
        meta: what the corridor did (attempts, limiter wait, retries).
        conversation: the `Conversation` this turn belongs to, when one was used.
    """

    text: str
    usage: ChatUsage
    cost: Cost
    provider: str
    model: str | None = None
    conversation_id: str | None = None
    message_id: str | None = None
    request_id: str | None = None
    ids: dict[str, str] = field(default_factory=dict)
    raw: Any = field(default=None, repr=False)
    meta: CallMeta | None = field(default=None, repr=False)
    conversation: Conversation | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class ChatDelta:
    """A piece of answer text as it streams in.

    Args:
        text: the text received in this piece (append it to what came before).

    Examples:
        ```python
        str(ChatDelta("Hel"))
        # 'Hel'
        ```
    """

    text: str

    def __str__(self) -> str:
        return self.text


StreamSource: TypeAlias = "Callable[[ChatStream], AsyncIterator[ChatDelta | ChatReply]]"


class ChatStream:
    """A streamed chat: ``async with`` it, iterate its `ChatDelta` items, then read ``reply``.

    Leaving the block (or breaking out of the loop) closes the connection and settles the call in
    the limiter and ledger at once. ``await stream.final_reply()`` reads whatever is left and returns
    the reply.

    Examples:
        ```python
        async def main(bot):
            async with bot.stream("hi") as s:
                async for delta in s:
                    print(delta.text, end="")
            print(s.reply.usage)
        ```

    Args:
        source: called once, with the stream, on first iteration; yields the `ChatDelta` pieces and then one
            `ChatReply`. Adapters build it; applications get streams from ``stream()``.
    """

    def __init__(self, source: StreamSource) -> None:
        self._source = source
        self._gen: AsyncIterator[ChatDelta | ChatReply] | None = None
        self._reply: ChatReply | None = None
        self._iterating = False
        self._closed = False
        self._parts: list[str] = []

    @property
    def reply(self) -> ChatReply | None:
        """The final reply (None until the stream has ended)."""
        return self._reply

    @property
    def text(self) -> str:
        """The answer text received so far."""
        return "".join(self._parts)

    async def __aenter__(self) -> ChatStream:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    def __aiter__(self) -> AsyncIterator[ChatDelta]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[ChatDelta]:
        if self._iterating:
            raise StreamError("a stream can be iterated only once")
        if self._closed:
            raise StreamError("stream already closed")
        self._iterating = True
        self._gen = self._source(self)
        try:
            async for item in self._gen:
                if isinstance(item, ChatReply):
                    self._reply = item
                elif item.text:
                    self._parts.append(item.text)
                    yield item
        finally:
            await self.aclose()
        if self._reply is None:
            raise StreamError("the stream ended without a final reply")

    async def final_reply(self) -> ChatReply:
        """Read the rest of the stream (if any) and return the final reply."""
        if self._reply is None and not self._iterating:
            async for _ in self:
                pass
        if self._reply is None:
            raise StreamError("the stream was closed before its final reply")
        return self._reply

    async def aclose(self) -> None:
        """Close the connection and settle the call (idempotent)."""
        if self._closed:
            return
        self._closed = True
        gen = self._gen
        if gen is not None and hasattr(gen, "aclose"):
            await gen.aclose()


@runtime_checkable
class ChatProvider(Protocol):
    """What every chat adapter offers (``providers.open("coze" | "xingchen" | "gptbots", ...)``).

    Examples:
        ```python
        async def ask(bot: ChatProvider) -> str:
            conv = await bot.new_conversation(user_id="u1")
            await bot.chat("My name is Ann.", conversation=conv)
            return (await bot.chat("What is my name?", conversation=conv)).text
        ```
    """

    name: str

    @property
    def ledger(self) -> UsageLedger:
        """The usage ledger the adapter counts in (shared when you passed one in)."""
        ...

    @property
    def limiter(self) -> RateLimiter:
        """The rate limiter the adapter paces with."""
        ...

    async def chat(
        self, messages: MessagesInput, *, conversation: Conversation | None = None, **options: Any
    ) -> ChatReply:
        """Send ``messages`` and wait for the whole answer.

        Args:
            messages: one user message as a string, a ``{"role", "content"}`` mapping, or a list of either
                (the last must be the user's).
            conversation: the `Conversation` to continue (from ``new_conversation()``); ``None`` for a
                one-off exchange.
            **options: provider-specific settings for this call (see each adapter).
        """
        ...

    def stream(
        self, messages: MessagesInput, *, conversation: Conversation | None = None, **options: Any
    ) -> ChatStream:
        """Send ``messages`` and stream the answer (validated at once, sent on first iteration).

        Args:
            messages: one user message as a string, a ``{"role", "content"}`` mapping, or a list of either
                (the last must be the user's).
            conversation: the `Conversation` to continue (from ``new_conversation()``); ``None`` for a
                one-off exchange.
            **options: provider-specific settings for this call (see each adapter).
        """
        ...

    def new_conversation(self, *, user_id: str | None = None, **options: Any) -> Awaitable[Conversation]:
        """Open a conversation handle (GPTBots creates it on the server at once).

        Args:
            user_id: the end user the conversation belongs to; ``None`` uses the adapter's own ``user_id``.
            **options: provider-specific settings kept on the handle (see each adapter).
        """
        ...

    async def aclose(self) -> None:
        """Close the HTTP client, limiter and ledger the adapter built (never an instance passed in)."""
        ...

    async def __aenter__(self) -> Any: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


def zero_cost(currency: str = "") -> Cost:
    """A zero `Cost` (providers without per-call prices).

    Args:
        currency: the currency to label it with (``""`` when unknown).
    """
    return Cost(Decimal(0), currency)
