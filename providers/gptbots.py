"""GPTBots agents behind the one chat interface, through the coze-client corridor.

Wire facts: the GPTBots API docs; limits and credits: the providers' pricing pages ("GPTBots").
A conversation is created on the server (``POST /v1/conversation``) and messages are sent with
``POST /v2/conversation/message`` (``response_mode`` ``blocking`` or ``streaming``). Streams are one
JSON object per line, with or without ``data:`` (code 11 message info, 3 text delta, 10 flow output,
4 token cost, 0 end). The credits a blocking answer reports (``usage.credits.total_credits``) go into
the ledger; streams report tokens only, so their credits are estimated from the price table when the
agent's ``model`` is known (reconcile with `GPTBotsProvider.credits_total`).

Examples:
    ```python
    async def main() -> None:
        async with GPTBotsProvider(api_key="app-...", region="sg") as bot:
            conv = await bot.new_conversation(user_id="u1")
            print((await bot.chat("hello", conversation=conv)).text)
    ```
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from typing import Any, TypeVar

import httpx
from pydantic import Field

from coze_client._auth import StaticToken
from coze_client._call import Usage
from coze_client._models import CozeModel, ListResult
from coze_client._request import Endpoint
from coze_client._response import logid_of, retry_after_of
from coze_client._secrets import fingerprint
from coze_client._sse import ServerSentEvent
from coze_client._streaming import END, EventStream, _End
from coze_client.errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    InsufficientBalanceError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    StreamError,
    ValidationError,
    error_class_for,
)
from coze_client.ledger.base import UsageLedger
from coze_client.ledger.prices import KeyMode, estimate_cost
from coze_client.limits.base import RateLimiter
from coze_client.limits.plans import Plan

from ._pipeline import Payload, Pipeline, PipelineOwner, call_options, env_secret, estimate_tokens
from .base import (
    ChatDelta,
    ChatMessage,
    ChatReply,
    ChatStream,
    ChatUsage,
    Conversation,
    MessagesInput,
    normalize_messages,
)

__all__ = [
    "ERROR_CLASSES",
    "REGIONS",
    "GPTBotsCreditPage",
    "GPTBotsCredits",
    "GPTBotsMessage",
    "GPTBotsMessages",
    "GPTBotsProvider",
    "gptbots_error",
]

# providers-api.md §B.1: https://api-{endpoint}.gptbots.ai; sg is the default data centre.
REGIONS: Mapping[str, str] = {
    "sg": "https://api-sg.gptbots.ai",
    "th": "https://api-th.gptbots.ai",
    "jp": "https://api-jp.gptbots.ai",
}

# providers-api.md §B.5: GPTBots codes -> the existing error classes. Data, kept once.
ERROR_CLASSES: Mapping[int, type[APIError]] = {
    40000: BadRequestError,  # parameter error
    40005: BadRequestError,  # pagination beyond the count
    40127: AuthenticationError,  # developer authentication failed (bad key)
    40356: NotFoundError,  # conversation does not exist
    40358: BadRequestError,  # conversation does not match the agent or user
    40364: BadRequestError,  # the model takes no image input
    40378: NotFoundError,  # agent deleted (create conversation)
    20059: NotFoundError,  # agent deleted (list and messages)
    40379: InsufficientBalanceError,  # insufficient credits (suggestions, referenced knowledge)
    20022: InsufficientBalanceError,  # insufficient credits (send message)
    20040: BadRequestError,  # question too long
    20055: PermissionDeniedError,  # API switch not enabled
    200222: BadRequestError,  # agent settings do not support this
    50000: ServerError,  # internal error
    429: RateLimitError,  # no documented code: 429 in the body as in the status (§B.5)
}

# Conversation-type endpoints (create, send message, messages) share the per-bot window of about
# 100 requests a minute (GPTBots "call-gptbots-api" skill notes): group "conversation", the group of
# the plan's chat_rpm. Sending is also "chat" (the calls that run a model). Account-level credit
# queries are outside that window.
CREATE_CONVERSATION = Endpoint("POST", "/v1/conversation", groups=("conversation",), envelope="top",
                               idempotent=False)
SEND = Endpoint("POST", "/v2/conversation/message", groups=("chat", "conversation"), envelope="top",
                idempotent=False)
# The same endpoint streaming: its JSON lines may come labelled application/json (the docs do not say).
SEND_STREAM = Endpoint("POST", "/v2/conversation/message", groups=("chat", "conversation"), envelope="top",
                       idempotent=False, json_stream=True)
MESSAGES = Endpoint("GET", "/v2/messages", groups=("conversation",), envelope="top")
BILL_TOTAL = Endpoint("GET", "/v1/account/bill/total", envelope="top")
BILL_PAGE = Endpoint("GET", "/v1/account/bill/page", envelope="top")
CONVERSATION_CREDITS = Endpoint("GET", "/v1/account/agent/conversation/credits", envelope="top")
WORKFLOW_CREDITS = Endpoint("GET", "/v1/account/workflow/run/credits", envelope="top")

_M = TypeVar("_M", bound=CozeModel)

_STREAM_CODES = frozenset({0, 3, 4, 5, 6, 10, 11, 20, 39, 41, 83})


def gptbots_error(response: httpx.Response, body: Any) -> APIError | None:
    """The typed error of a GPTBots answer (``{code, message}``), or None for a success.

    A success body has no ``code`` (or 0); the class comes from the code table first, the HTTP
    status second (429 -> RateLimitError, 401 -> AuthenticationError, 5xx -> ServerError).

    Args:
        response: the HTTP response (its status, request id and ``Retry-After`` header are read).
        body: the decoded body (a dict, or the text when it was not JSON).

    Examples:
        ```python
        err = gptbots_error(httpx.Response(400), {"code": 20022, "message": "insufficient credits"})
        type(err).__name__, err.code
        # ('InsufficientBalanceError', 20022)
        gptbots_error(httpx.Response(200), {"conversation_id": "c1"}) is None
        # True
        ```
    """
    status = response.status_code
    code: int | None = None
    msg = ""
    if isinstance(body, dict):
        raw = body.get("code")
        if isinstance(raw, int) and not isinstance(raw, bool):
            code = raw
        msg = str(body.get("message") or body.get("msg") or "")
    elif isinstance(body, str):
        msg = body.strip()[:500]
    if 200 <= status < 300 and not code:
        return None
    cls = ERROR_CLASSES.get(code) if code is not None else None
    if cls is None:
        cls = error_class_for(None, status)
        if cls is APIError and status < 400:
            cls = BadRequestError
    return cls(msg or f"HTTP {status}", code=code, status_code=status, logid=logid_of(response, body),
               retry_after=retry_after_of(response), body=body)


class GPTBotsMessage(CozeModel):
    """One stored message of a conversation: ids, ``role``, ``create_time`` (ms) and its ``content`` parts."""

    message_id: str | None = None
    parent_message_id: str | None = None
    create_time: int | None = None
    role: str | None = None
    content: list[Any] = Field(default_factory=list)


class GPTBotsMessages(CozeModel):
    """A page of a conversation's messages (``GET /v2/messages``); ``.meta`` tells how the call went.

    Examples:
        ```python
        page = GPTBotsMessages.model_validate({"total": 1, "conversation_content": [{"message_id": "m1"}]})
        page.conversation_content[0].message_id
        # 'm1'
        ```
    """

    total: int = 0
    conversation_content: list[GPTBotsMessage] = Field(default_factory=list)


class GPTBotsCredits(CozeModel):
    """Credits used in a time range, by billing type (``/v1/account/bill/total``); ``.meta`` of the call."""

    start_date: str | int | None = None
    end_date: str | int | None = None
    total: float = 0.0
    chat: float = 0.0
    knowledge_doc_indexing: float = 0.0
    knowledge_doc_storage: float = 0.0
    rerank: float = 0.0
    database_processing: float = 0.0
    tool_call: float = 0.0
    asr: float = 0.0
    tts: float = 0.0


class GPTBotsCreditPage(CozeModel):
    """Daily credit rows (``/v1/account/bill/page``): ``items`` (the wire's ``list``) and ``total``."""

    items: list[dict[str, Any]] = Field(default_factory=list, alias="list")
    total: int | None = None


def _typed(cls: type[_M], payload: Payload) -> _M:
    """``payload`` as ``cls`` (lenient: a non-object answer gives the defaults), carrying the call's meta."""
    result = cls.model_validate(payload.data if isinstance(payload.data, dict) else {})
    object.__setattr__(result, "_meta", payload.meta)
    return result


def _rows(payload: Payload) -> ListResult[dict[str, Any]]:
    """A list answer (or ``{list: [...]}``) as a list of rows that carries the call's meta."""
    data = payload.data
    if isinstance(data, dict):
        data = data.get("list") or data.get("data") or []
    rows = [row for row in data if isinstance(row, dict)] if isinstance(data, list) else []
    return ListResult(rows, meta=payload.meta)


def _tokens(data: Any, model: str | None) -> Usage | None:
    if not isinstance(data, dict):
        return None
    return Usage(input_tokens=int(data.get("prompt_tokens") or 0),
                 output_tokens=int(data.get("completion_tokens") or 0), model=model)


def _blocking_usage(body: Any, model: str | None) -> Usage | None:
    usage = body.get("usage") if isinstance(body, dict) else None
    if not isinstance(usage, dict):
        return None
    tokens = _tokens(usage.get("tokens"), model) or Usage(model=model)
    credits = usage.get("credits")
    if isinstance(credits, dict):
        # providers-api.md §B.3: usage.credits.total_credits is the per-call charge for the ledger.
        tokens.credits = float(credits.get("total_credits") or 0.0)
    return tokens


def _output_text(body: Any) -> str:
    outputs = body.get("output") if isinstance(body, dict) else None
    texts: list[str] = []
    for out in outputs or []:
        content = out.get("content") if isinstance(out, dict) else None
        text = content.get("text") if isinstance(content, dict) else None
        if isinstance(text, str) and text:
            texts.append(text)
    return "\n".join(texts)


def _decode(sse: ServerSentEvent, stream: EventStream[Any]) -> dict[str, Any] | _End | None:
    """One streamed line ``{code, message, data}``: 0 ends the stream, error codes raise."""
    text = sse.data.strip()
    if not text or text == "[DONE]":
        return None
    try:
        event = json.loads(text)
    except ValueError:
        raise StreamError(f"malformed stream line: {text[:200]!r}", logid=stream.logid) from None
    if not isinstance(event, dict):
        return None
    code = event.get("code")
    if code == 0:
        return END
    if isinstance(code, int) and code not in _STREAM_CODES and (code in ERROR_CLASSES or code >= 10000):
        # Error codes are the 5-digit ones of §B.5 (or 429); other small codes are events we do not use.
        cls = ERROR_CLASSES.get(code, StreamError)
        raise cls(str(event.get("message") or "stream error"), code=code, logid=stream.logid, body=event)
    return event


class GPTBotsProvider(PipelineOwner):
    """GPTBots behind the `ChatProvider` interface.

    Args:
        api_key: the agent's API key (``app-...``; default ``GPTBOTS_API_KEY``). Never logged.
        region: ``"sg"`` (default), ``"th"`` or ``"jp"`` (a key works only in its organisation's region).
        base_url: overrides the region (e.g. ``https://api.gptbots.ai``).
        user_id: the developer-defined user of new conversations (at most 32 characters).
        conversation_config: default ``conversation_config`` (``short_term_memory``, ``long_term_memory``,
            ``knowledge``, ``custom_variables``, ``corner_citation``).
        model: the agent's model, for credit estimates of streams (``"gpt-4o-mini-128k"``).
        key_mode: ``"gptbots"`` (platform keys) or ``"own"`` (your keys): the price column.
        plan: ``"gptbots.default"`` (about 100 requests a minute per bot).
        account: the bot the limits belong to (default: a fingerprint of the key: keys are per agent).
        limiter: a URL (``"memory://"``, ``"sqlite:///path"``; closed by `aclose`) or an instance
            (shared; never closed here).
        ledger: a URL (``"memory://"``, ``"sqlite:///path"``; closed by `aclose`) or an instance
            (shared; never closed here).
        http_client: an ``httpx.AsyncClient`` to send through (shared; never closed here); default: one of
            its own.
        timeout: the default timeout of each call (seconds or ``httpx.Timeout``; default 600 s, 5 s to connect).
        max_retries: how many times a failed call that may be retried is sent again (default 2).

    Examples:
        ```python
        bot = GPTBotsProvider(api_key="app-exampleexample12", region="jp", ledger="memory://")
        bot.base_url
        # 'https://api-jp.gptbots.ai'
        ```
    """

    name = "gptbots"

    def __init__(
        self,
        *,
        api_key: str | None = None,
        region: str = "sg",
        base_url: str | None = None,
        user_id: str = "coze-client-user",
        conversation_config: Mapping[str, Any] | None = None,
        model: str | None = None,
        key_mode: KeyMode = "gptbots",
        plan: str | Plan | None = "gptbots.default",
        account: str | None = None,
        limiter: str | RateLimiter | None = None,
        ledger: str | UsageLedger | None = None,
        http_client: httpx.AsyncClient | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = 2,
    ) -> None:
        key = env_secret(api_key, "GPTBOTS_API_KEY", "GPTBots API key")
        if base_url is None:
            if region not in REGIONS:
                raise ValidationError(f"unknown GPTBots region {region!r}; use one of {sorted(REGIONS)} or base_url=")
            base_url = REGIONS[region]
        _check_user(user_id)
        if key_mode not in ("gptbots", "own"):
            raise ValidationError("key_mode must be 'gptbots' or 'own'")
        self.base_url = base_url.rstrip("/")
        self.user_id = user_id
        self.conversation_config = dict(conversation_config or {})
        self.model = model
        self.key_mode: KeyMode = key_mode
        self._pipe = Pipeline(
            provider="gptbots", base_url=self.base_url, auth=StaticToken(key), account=account or fingerprint(key),
            plan=plan, limiter=limiter, ledger=ledger, http_client=http_client, timeout=timeout,
            max_retries=max_retries, headers={"Content-Type": "application/json"}, parse_error=gptbots_error,
            key_mode=key_mode if key_mode != "gptbots" else None,
        )

    # -- plumbing
    def __repr__(self) -> str:
        plan = self._pipe.plan.name if self._pipe.plan is not None else None
        return f"GPTBotsProvider(base_url={self.base_url!r}, plan={plan!r}, account={self._pipe.account!r})"

    # -- conversations
    async def create_conversation(self, *, user_id: str | None = None) -> str:
        """Create a conversation on the server; returns its id.

        Args:
            user_id: the developer-defined user it belongs to (1-32 characters; default: the provider's
                ``user_id``).

        Examples:
            ```python
            conv_id = await bot.create_conversation(user_id="u1")
            ```
        """
        user = user_id or self.user_id
        _check_user(user)
        payload = await self._pipe.corridor.request(CREATE_CONVERSATION, Payload, json={"user_id": user})
        conv_id = payload.data.get("conversation_id") if isinstance(payload.data, dict) else None
        if not conv_id:
            raise APIError("create conversation returned no conversation_id", body=payload.data)
        return str(conv_id)

    async def new_conversation(self, *, user_id: str | None = None,
                               conversation_config: Mapping[str, Any] | None = None,
                               **options: Any) -> Conversation:
        """Create a server conversation and return its handle (``conversation_config`` applies to its turns).

        Args:
            user_id: the developer-defined user it belongs to (1-32 characters; default: the provider's
                ``user_id``).
            conversation_config: ``conversation_config`` for its turns, merged over the provider's default
                (``short_term_memory``, ``long_term_memory``, ``knowledge``, ``custom_variables``,
                ``corner_citation``).
            **options: none are accepted (any name raises `ValidationError`); kept for the `ChatProvider`
                interface.

        Examples:
            ```python
            conv = await bot.new_conversation(
                user_id="u1", conversation_config={"long_term_memory": True})
            ```
        """
        if options:
            raise ValidationError(f"unknown GPTBots conversation options: {sorted(options)}")
        user = user_id or self.user_id
        conv_id = await self.create_conversation(user_id=user)
        opts: dict[str, Any] = {}
        if conversation_config:
            opts["conversation_config"] = dict(conversation_config)
        return Conversation(provider=self.name, user_id=user, id=conv_id, options=opts)

    def _prepare(self, messages: MessagesInput, conversation: Conversation | None, mode: str,
                 options: Mapping[str, Any]) -> tuple[dict[str, Any], list[ChatMessage], int]:
        new = normalize_messages(messages, roles=("user", "assistant"))
        unknown = set(options) - {"conversation_config", "conversation_id"}
        if unknown:
            raise ValidationError(f"unknown GPTBots chat options: {sorted(unknown)}")
        if conversation is not None and conversation.provider != self.name:
            raise ValidationError(f"this conversation belongs to {conversation.provider!r}, not gptbots")
        config = {**self.conversation_config,
                  **(conversation.options.get("conversation_config", {}) if conversation is not None else {}),
                  **(options.get("conversation_config") or {})}
        body: dict[str, Any] = {
            "conversation_id": options.get("conversation_id") or (conversation.id if conversation else None),
            "response_mode": mode,
            "messages": [m.as_dict() for m in new],
            "conversation_config": config or None,
        }
        return body, new, estimate_tokens(*(m.content for m in new))

    async def _ensure_conversation(self, body: dict[str, Any], conversation: Conversation | None) -> None:
        if body.get("conversation_id"):
            return
        # GPTBots needs a conversation for every message: a one-off chat gets its own.
        conv_id = await self.create_conversation(user_id=conversation.user_id if conversation else None)
        body["conversation_id"] = conv_id
        if conversation is not None:
            conversation.id = conv_id

    def _reply(self, text: str, usage: Usage | None, body: Any, conv_id: str | None, message_id: str | None,
               conversation: Conversation | None, new: list[ChatMessage], meta: Any) -> ChatReply:
        used = usage or Usage()
        cost = estimate_cost("gptbots", model=self.model, input_tokens=used.input_tokens,
                             output_tokens=used.output_tokens, credits=used.credits, key_mode=self.key_mode)
        if conversation is not None:
            conversation.record(new, text)
        ids = {k: v for k, v in (("conversation_id", conv_id), ("message_id", message_id)) if v}
        return ChatReply(
            text=text,
            usage=ChatUsage(input_tokens=used.input_tokens, output_tokens=used.output_tokens, credits=used.credits),
            cost=cost, provider=self.name, model=self.model, conversation_id=conv_id, message_id=message_id,
            request_id=message_id, ids=ids, raw=body, meta=meta, conversation=conversation,
        )

    # -- chat
    async def chat(
        self, messages: MessagesInput, *, conversation: Conversation | None = None,
        timeout: float | httpx.Timeout | None = None, max_retries: int | None = None, max_wait: float | None = None,
        **options: Any,
    ) -> ChatReply:
        """Send a message v2, blocking. Options: ``conversation_config``, ``conversation_id``.

        Without a conversation a new one is created first (GPTBots requires one).

        Args:
            messages: one user message as a string, a ``{"role", "content"}`` mapping, or a list of either
                (roles ``user`` and ``assistant``; the last must be the user's).
            conversation: the `Conversation` to continue (from `new_conversation`); ``None`` creates a
                one-off server conversation first.
            timeout: this call's timeout (seconds or ``httpx.Timeout``; default: the client's).
            max_retries: this call's retries (default: the client's).
            max_wait: fail at once with `RateLimitWaitError` when the limiter would wait longer (seconds).
            **options: ``conversation_config`` (merged over the conversation's and the provider's) and
                ``conversation_id`` (a server conversation to post in); any other name raises `ValidationError`.

        Examples:
            ```python
            reply = await bot.chat("hello", conversation=conv)
            reply.usage.credits
            # 0.0021
            ```
        """
        body, new, est = self._prepare(messages, conversation, "blocking", options)
        await self._ensure_conversation(body, conversation)
        model = self.model
        payload = await self._pipe.corridor.request(
            SEND, Payload, json=body, est_tokens=est, model=model,
            usage=lambda b: _blocking_usage(b, model), options=call_options(timeout, max_retries, max_wait),
        )
        data = payload.data
        conv_id = (data.get("conversation_id") if isinstance(data, dict) else None) or body["conversation_id"]
        message_id = data.get("message_id") if isinstance(data, dict) else None
        return self._reply(_output_text(data), _blocking_usage(data, model), data, conv_id, message_id,
                           conversation, new, payload.meta)

    def stream(
        self, messages: MessagesInput, *, conversation: Conversation | None = None,
        timeout: float | httpx.Timeout | None = None, max_retries: int | None = None, max_wait: float | None = None,
        **options: Any,
    ) -> ChatStream:
        """Send a message v2, streaming: text deltas (codes 3 and 10), then the reply (tokens from code 4).

        Args:
            messages: one user message as a string, a ``{"role", "content"}`` mapping, or a list of either
                (roles ``user`` and ``assistant``; the last must be the user's).
            conversation: the `Conversation` to continue (from `new_conversation`); ``None`` creates a
                one-off server conversation first.
            timeout: this call's timeout (seconds or ``httpx.Timeout``; default: the client's).
            max_retries: this call's retries (default: the client's).
            max_wait: fail at once with `RateLimitWaitError` when the limiter would wait longer (seconds).
            **options: ``conversation_config`` (merged over the conversation's and the provider's) and
                ``conversation_id`` (a server conversation to post in); any other name raises `ValidationError`.

        Examples:
            ```python
            async with bot.stream("hello", conversation=conv) as s:
                async for delta in s:
                    print(delta.text, end="")
            ```
        """
        body, new, est = self._prepare(messages, conversation, "streaming", options)
        corridor = self._pipe.corridor
        call_opts = call_options(timeout, max_retries, max_wait)
        model = self.model

        def usage_of(event: Any) -> Usage | None:
            return _tokens(event.get("data"), model) if event.get("code") == 4 else None

        async def source(_: ChatStream) -> AsyncIterator[ChatDelta | ChatReply]:
            await self._ensure_conversation(body, conversation)
            events: EventStream[Any] = EventStream(
                corridor,
                lambda: corridor.open_stream(SEND_STREAM, json=body, est_tokens=est, model=model, options=call_opts),
                _decode, usage_of=usage_of, framing="lines",
            )
            raw: list[Any] = []
            parts: list[str] = []
            message_id: str | None = None
            async with events:
                async for event in events:
                    raw.append(event)
                    code = event.get("code")
                    data = event.get("data")
                    if code == 11 and isinstance(data, dict):
                        message_id = str(data.get("message_id") or "") or None
                    elif code == 3 and isinstance(data, str):
                        parts.append(data)
                        yield ChatDelta(data)
                    elif code == 10 and isinstance(data, list):
                        for out in data:
                            text = out.get("content") if isinstance(out, dict) else None
                            if isinstance(text, str) and text:
                                parts.append(text)
                                yield ChatDelta(text)
            yield self._reply("".join(parts), events.usage, raw, body["conversation_id"], message_id, conversation,
                              new, events.meta)

        return ChatStream(source)

    # -- messages and credits
    async def messages(self, conversation_id: str, *, page: int = 1, page_size: int = 20) -> GPTBotsMessages:
        """The messages of a conversation (``GET /v2/messages``): ``total`` and ``conversation_content``.

        Args:
            conversation_id: the server conversation to read.
            page: the page number, from 1.
            page_size: messages per page (1-100).

        Examples:
            ```python
            page = await bot.messages(conv.id)
            page.conversation_content[0].role, page.meta.attempts
            # ('user', 1)
            ```
        """
        if not conversation_id:
            raise ValidationError("conversation_id is required")
        if not 1 <= page_size <= 100:
            raise ValidationError("page_size must be between 1 and 100")
        payload = await self._pipe.corridor.request(
            MESSAGES, Payload, params={"conversation_id": conversation_id, "page": page, "page_size": page_size})
        return _typed(GPTBotsMessages, payload)

    async def credits_total(self, *, start_time: int, end_time: int) -> GPTBotsCredits:
        """Credits used between two epoch-millisecond times, by billing type (``/v1/account/bill/total``).

        The range may span at most 365 days. Use it to reconcile the ledger's estimates.

        Args:
            start_time: start of the range, in milliseconds since the epoch.
            end_time: end of the range, in milliseconds since the epoch (after ``start_time``).

        Examples:
            ```python
            (await bot.credits_total(start_time=t0, end_time=t1)).chat
            # 10.0
            ```
        """
        if end_time <= start_time:
            raise ValidationError("end_time must be after start_time")
        if end_time - start_time > 365 * 86_400_000:
            raise ValidationError("the range may span at most 365 days")
        payload = await self._pipe.corridor.request(BILL_TOTAL, Payload,
                                                    params={"start_time": start_time, "end_time": end_time})
        return _typed(GPTBotsCredits, payload)

    async def credits_daily(self, *, start_time: int, end_time: int, page: int = 1,
                            page_size: int = 100) -> GPTBotsCreditPage:
        """Daily credit rows (``/v1/account/bill/page``).

        Args:
            start_time: start of the range, in milliseconds since the epoch.
            end_time: end of the range, in milliseconds since the epoch.
            page: the page number, from 1.
            page_size: rows per page.
        """
        payload = await self._pipe.corridor.request(
            BILL_PAGE, Payload,
            params={"start_time": start_time, "end_time": end_time, "page": page, "page_size": page_size})
        return _typed(GPTBotsCreditPage, payload)

    async def conversation_credits(self, **params: Any) -> ListResult[dict[str, Any]]:
        """Credits per conversation over the last 30 days (``/v1/account/agent/conversation/credits``).

        A list of rows that also carries the call's ``.meta``.

        Args:
            **params: query parameters sent as they are (e.g. ``page``, ``page_size``); none by default.
        """
        return _rows(await self._pipe.corridor.request(CONVERSATION_CREDITS, Payload, params=params or None))

    async def workflow_credits(self, **params: Any) -> ListResult[dict[str, Any]]:
        """Credits per workflow run over the last 30 days (``/v1/account/workflow/run/credits``), with ``.meta``.

        Args:
            **params: query parameters sent as they are (e.g. ``page``, ``page_size``); none by default.
        """
        return _rows(await self._pipe.corridor.request(WORKFLOW_CREDITS, Payload, params=params or None))


def _check_user(user_id: Any) -> None:
    if not isinstance(user_id, str) or not 1 <= len(user_id) <= 32:
        raise ValidationError("user_id must be 1-32 characters (GPTBots)")
