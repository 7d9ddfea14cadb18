"""Alibaba Tongyi Xingchen (通义星尘) character chat, through the coze-client corridor.

Wire facts: the Xingchen API docs; limits, quota and prices: the providers' pricing pages
("Alibaba Tongyi Xingchen"). Every call carries ``x-fag-appcode: aca`` and the endpoint's
``x-fag-servicename``; streaming is switched on by the ``X-AcA-SSE: enable`` header (the body never
says so). Before anything is sent the request's tokens are estimated with the published rule
(1 token ≈ 1 CJK character, ≈ 3-4 English letters) and checked against the model's input limit
(6.5k tokens; 30k for ``xingchen-plus-v2``) and the 32000-token request cap; the estimate goes to the
limiter (TPM 1000 by default) and is corrected by the ``inputTokens``/``outputTokens`` of the answer.

Examples:
    ```python
    async def main() -> None:
        async with XingchenProvider(api_key="lm-...", character_id="40f70d5466e1429ba9aa755842b35d9f") as bot:
            conv = await bot.new_conversation(user_id="u1")
            print((await bot.chat("你好", conversation=conv)).text)
    ```
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, Generic, TypeVar

import httpx
from pydantic import ConfigDict, Field
from pydantic.alias_generators import to_camel

from coze_client._auth import StaticToken
from coze_client._call import Usage
from coze_client._models import CallMeta, CozeModel, ResponseModel
from coze_client._request import Endpoint
from coze_client._response import logid_of, retry_after_of
from coze_client._secrets import fingerprint
from coze_client._sse import ServerSentEvent
from coze_client._streaming import EventStream
from coze_client.errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    InsufficientBalanceError,
    LimitUnsatisfiableError,
    RateLimitError,
    StreamError,
    ValidationError,
    error_class_for,
)
from coze_client.ledger.base import UsageLedger
from coze_client.ledger.prices import estimate_cost
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
    "DEFAULT_BASE_URL",
    "MAX_INPUT_TOKENS",
    "Character",
    "CharacterKey",
    "HistoryMessage",
    "XingchenCharacters",
    "XingchenPage",
    "XingchenProvider",
    "XingchenResult",
    "xingchen_error",
]

DEFAULT_BASE_URL = "https://nlp.aliyuncs.com"  # providers-api.md §A.1
# Max input tokens per model (plans.md Xingchen table; providers-api.md §A.3): 8k-context models take
# at most 6.5k input, plus-v2 (32k context) 30k. Models without a published figure are not checked here
# (the plan's 32000-token request cap still is).
MAX_INPUT_TOKENS: Mapping[str, int] = {
    "xingchen-base": 6500,
    "xingchen-plus": 6500,
    "xingchen-max": 6500,
    "xingchen-plus-v2": 30000,
}
# plans.md: "at most 32000 tokens sent in one request"; used when no plan carries the figure.
REQUEST_TOKEN_CAP = 32000
# The output cap sent as ``parameters.maxLength`` when the caller gives none: at most this, and at most
# half of what one request may use (so that on xingchen.default, 1000 TPM, input keeps the other half).
# The cap is always sent: an estimate is an upper bound only when the output is capped.
DEFAULT_MAX_OUTPUT_TOKENS = 1000
# The model a character answers with when none is named: priced and limit-checked as this tier
# (plans.md lists plus as the default tier of the prices).
ASSUMED_MODEL = "xingchen-plus"


def _ep(method: str, path: str, service: str, *, groups: tuple[str, ...] = (), idempotent: bool | None = None,
        sse: bool = False) -> Endpoint:
    headers = {"x-fag-appcode": "aca", "x-fag-servicename": service}
    if sse:
        # providers-api.md §A.1: the SDK sends both toggles; the docs list X-AcA-SSE.
        headers.update({"X-AcA-SSE": "enable", "X-DashScope-SSE": "enable", "Accept": "text/event-stream"})
    return Endpoint(method, path, groups=groups, envelope="top", idempotent=idempotent, headers=headers)


# Only chat sends are in the plan's "chat" group (QPS 1, QPM 60, TPM 1000 per main account).
CHAT = _ep("POST", "/v2/api/chat/send", "aca-chat-send", groups=("chat",), idempotent=False)
CHAT_SSE = _ep("POST", "/v2/api/chat/send", "aca-chat-send-sse", groups=("chat",), idempotent=False, sse=True)
CHAR_CREATE = _ep("POST", "/v2/api/character/create", "aca-character-create", idempotent=False)
CHAR_UPDATE = _ep("POST", "/v2/api/character/update", "aca-character-update", idempotent=True)
CHAR_DETAILS = _ep("GET", "/v2/api/character/details", "aca-character-details")
CHAR_DELETE = _ep("POST", "/v2/api/character/delete", "aca-character-delete", idempotent=True)
CHAR_SEARCH = _ep("POST", "/v2/api/character/search", "aca-character-search", idempotent=True)
HISTORY = _ep("POST", "/v2/api/chat/message/histories", "aca-message-history", idempotent=True)
RATING = _ep("POST", "/v2/api/chat/rating", "aca-message-rating", idempotent=True)
RESET = _ep("POST", "/v2/api/chat/reset", "aca-chat-reset", idempotent=True)

T = TypeVar("T")


# ---------------------------------------------------------------------------------------------- models
class XingchenModel(ResponseModel):
    """Base of Xingchen records: snake_case attributes over the wire's camelCase; unknown fields kept."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, alias_generator=to_camel, protected_namespaces=())


class CharacterKey(XingchenModel):
    """What ``create`` returns: the new character's id and version.

    Examples:
        ```python
        CharacterKey.model_validate({"characterId": "c9", "version": 1}).character_id
        # 'c9'
        ```
    """

    character_id: str = ""
    version: int | None = None


class Character(XingchenModel):
    """A character (CharacterDTO, abbreviated; other fields are kept as extras)."""

    character_id: str = ""
    name: str = ""
    version: int | None = None
    basic_information: str | None = None
    opening_line: str | None = None
    traits: str | None = None
    type: str | None = None


class HistoryMessage(XingchenModel):
    """One stored chat message (ChatMessageDTO)."""

    content: str | None = None
    message_type: str | None = None
    message_id: str | None = None
    session_id: str | None = None
    chat_id: str | None = None
    gmt_create: Any = None
    rating: int | None = None


class XingchenPage(XingchenModel, Generic[T]):
    """A PageResult: ``list``, ``page``, ``page_size``, ``total``."""

    items: list[T] = Field(default_factory=list, alias="list")
    page: int | None = None
    page_size: int | None = None
    total: int | None = None


class XingchenResult(CozeModel):
    """The answer of an operation the API answers with a bare boolean (reset, rate, update, delete).

    ``ok`` is that boolean, ``request_id`` the service's id for a support ticket, ``.meta`` what the
    corridor did (``.logid`` is the request id when no log-id header came). True in a boolean context.

    Examples:
        ```python
        result = XingchenResult(ok=True, request_id="r1")
        bool(result), result.request_id
        # (True, 'r1')
        ```
    """

    ok: bool = False
    request_id: str | None = None

    def __bool__(self) -> bool:
        return self.ok


# ---------------------------------------------------------------------------------------------- errors
_THROTTLING = ("Throttling",)


def xingchen_error(response: httpx.Response, body: Any) -> APIError | None:
    """The typed error in a Xingchen answer (the Xingchen API docs), or None for a success.

    Success is ``success: true`` (or no ``errorCode``) under a 2xx status. Errors are classified by
    ``errorName``/``code`` first (the DashScope conventions: ``Throttling*`` -> RateLimitError,
    ``Arrearage`` -> InsufficientBalanceError, ``DataInspectionFailed`` -> BadRequestError), then by the
    "apikey is invalid" message, then by HTTP status (``httpStatusCode`` in the body when HTTP said 200).

    Args:
        response: the HTTP response (its status and ``Retry-After`` header are read).
        body: the decoded body (a dict, or the text when it was not JSON).

    Examples:
        ```python
        body = {"success": False, "errorCode": 429, "errorName": "Throttling.RateQuota", "requestId": "r1"}
        err = xingchen_error(httpx.Response(429), body)
        type(err).__name__, err.logid
        # ('RateLimitError', 'r1')
        xingchen_error(httpx.Response(200), {"success": True, "code": 200, "data": {}}) is None
        # True
        ```
    """
    status = response.status_code
    if not isinstance(body, dict):
        if 200 <= status < 300:
            return None
        msg = body.strip()[:500] if isinstance(body, str) and body.strip() else f"HTTP {status}"
        return error_class_for(None, status)(msg, status_code=status, body=body,
                                             retry_after=retry_after_of(response))
    success = body.get("success")
    err_code = body.get("errorCode")
    if 200 <= status < 300 and (success is True or (success is None and not err_code)):
        return None
    name = str(body.get("errorName") or (body.get("code") if isinstance(body.get("code"), str) else "") or "")
    msg = str(body.get("errorMessage") or body.get("message") or name or err_code or f"HTTP {status}")
    http = body.get("httpStatusCode")
    effective = http if isinstance(http, int) and http >= 400 else status
    cls: type[APIError]
    if name.startswith(_THROTTLING) or effective == 429:
        cls = RateLimitError
    elif name == "Arrearage":
        cls = InsufficientBalanceError
    elif name == "DataInspectionFailed":
        cls = BadRequestError
    elif "apikey is invalid" in msg.lower() or "unauthorized" in msg.lower():
        cls = AuthenticationError
    else:
        cls = error_class_for(None, effective)
        if cls is APIError and effective < 400:
            cls = BadRequestError  # success=false under HTTP 200: the request was refused
    code = err_code if isinstance(err_code, int) and not isinstance(err_code, bool) else None
    return cls(msg, code=code, status_code=status, logid=_request_id(body) or logid_of(response, body),
               retry_after=retry_after_of(response), body=body)


def _request_id(body: Any) -> str | None:
    if isinstance(body, dict):
        rid = body.get("requestId") or body.get("request_id")
        return str(rid) if rid else None
    return None


# ---------------------------------------------------------------------------------------------- helpers
def _camel(fields: Mapping[str, Any]) -> dict[str, Any]:
    """snake_case keyword fields to the wire's camelCase (camelCase keys pass as they are)."""
    return {to_camel(k) if "_" in k else k: v for k, v in fields.items()}


def _first_message(result: Any) -> tuple[str, str | None]:
    """(content, stopReason) of ``choices[0].messages[0]`` of a ChatResult."""
    if not isinstance(result, dict):
        return "", None
    choices = result.get("choices") or []
    if not choices or not isinstance(choices[0], dict):
        return "", None
    choice = choices[0]
    messages = choice.get("messages") or []
    first = messages[0] if messages and isinstance(messages[0], dict) else {}
    stop = choice.get("stopReason") or first.get("finishReason")
    content = first.get("content")
    return (content if isinstance(content, str) else ""), (str(stop) if stop else None)


def _usage(result: Any, model: str | None) -> Usage | None:
    usage = result.get("usage") if isinstance(result, dict) else None
    if not isinstance(usage, dict):
        return None
    # providers-api.md §A.4: inputTokens / outputTokens (camelCase), no total; TPM counts both.
    return Usage(input_tokens=int(usage.get("inputTokens") or 0), output_tokens=int(usage.get("outputTokens") or 0),
                 model=model)


def _context_ids(result: Any) -> dict[str, str]:
    ctx = result.get("context") if isinstance(result, dict) else None
    if not isinstance(ctx, dict):
        return {}
    keys = ("sessionId", "chatId", "messageId", "replyMessageId", "queryId", "answerId", "requestId",
            "modelRequestId", "chatRoomId")
    return {k: str(ctx[k]) for k in keys if ctx.get(k) not in (None, "", 0)}


def _decode(sse: ServerSentEvent, stream: EventStream[Any]) -> Any:
    """One SSE event: a bare ChatResult, or an error envelope (§A.5: ``errorCode`` ends the stream)."""
    if not sse.data.strip():
        return None
    try:
        data = json.loads(sse.data)
    except ValueError:
        raise StreamError(f"malformed event data: {sse.data[:200]!r}", logid=stream.logid) from None
    if isinstance(data, dict) and (data.get("errorCode") or data.get("success") is False):
        body = data
        msg = str(body.get("errorMessage") or body.get("errorName") or "stream error")
        raise StreamError(msg, code=body.get("errorCode") if isinstance(body.get("errorCode"), int) else None,
                          logid=_request_id(body) or stream.logid, body=body)
    return data


# ---------------------------------------------------------------------------------------------- provider
class XingchenProvider(PipelineOwner):
    """Tongyi Xingchen behind the `ChatProvider` interface.

    Args:
        api_key: the Xingchen console key (``lm-...``; default ``XINGCHEN_API_KEY``). Never logged.
        character_id: the platform character to talk to (``botProfile.characterId``).
        character_version: the character's version (``botProfile.version``).
        bot_profile: an ad-hoc persona instead (``{"name": ..., "content": ...}``; content must not be empty).
        user_id: ``userProfile.userId`` (required by the API).
        user_name: ``userProfile.userName``.
        user_info: ``userProfile.basicInfo``.
        model: the model to force (default: the character's own; priced and limit-checked as
            ``xingchen-plus`` then).
        incremental_output: ask for incremental stream events (True) or cumulative ones (False);
            `stream` yields deltas either way.
        use_chat_history: let the server add its stored history (True) instead of resending the
            `Conversation`'s turns (False, the default: the API takes the whole dialogue).
        parameters: extra model ``parameters`` (camelCase or snake_case: ``top_p``, ``temperature``, ...).
        data_inspection: send ``X-AcA-DataInspection: enable`` (content-safety inspection).
        max_output_tokens: the output cap sent as ``parameters.maxLength`` when a call sets none
            (default: 1000, or half of what one request may use under the plan: 500 on
            ``xingchen.default``). Every estimate is input + this cap, an upper bound.
        history_budget: at most this many input tokens per request (default: what the plan and
            the model allow: TPM minus the output cap, the 32000-token request cap, the model's input
            limit). A `Conversation` that outgrows it is sent without its oldest turns (the
            conversation itself keeps them all); only a newest turn that cannot fit alone is refused.
        base_url: the API host (default ``https://nlp.aliyuncs.com``).
        plan: limits and quotas (``"xingchen.default"``: 1 QPS, 60 QPM, 1000 TPM, 1,000,000 free tokens).
        account: the main account the limits belong to (default: a fingerprint of the key). Give
            every key of one main account the same name: the limits are per main account.
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
        bot = XingchenProvider(api_key="lm-exampleexample==", character_id="c1", ledger="memory://")
        bot
        # XingchenProvider(character_id='c1', plan='xingchen.default', key=lm-…969d43)
        ```
    """

    name = "xingchen"

    def __init__(
        self,
        *,
        api_key: str | None = None,
        character_id: str | None = None,
        character_version: int | None = None,
        bot_profile: Mapping[str, Any] | None = None,
        user_id: str = "coze-client-user",
        user_name: str | None = None,
        user_info: str | None = None,
        model: str | None = None,
        incremental_output: bool = True,
        use_chat_history: bool = False,
        parameters: Mapping[str, Any] | None = None,
        data_inspection: bool = False,
        max_output_tokens: int | None = None,
        history_budget: int | None = None,
        base_url: str = DEFAULT_BASE_URL,
        plan: str | Plan | None = "xingchen.default",
        account: str | None = None,
        limiter: str | RateLimiter | None = None,
        ledger: str | UsageLedger | None = None,
        http_client: httpx.AsyncClient | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = 2,
    ) -> None:
        key = env_secret(api_key, "XINGCHEN_API_KEY", "Xingchen API key")
        if not user_id or not isinstance(user_id, str):
            raise ValidationError("user_id is required (userProfile.userId)")
        # A display form: the key's kind ("lm-") and a one-way fingerprint, never the key.
        self._key_mask = (key.split("-", 1)[0] + "-" if "-" in key[:4] else "") + "…" + fingerprint(key)[:6]
        self.character_id = character_id
        self.character_version = character_version
        self.bot_profile = dict(bot_profile) if bot_profile else None
        if self.bot_profile is not None and not str(self.bot_profile.get("content") or "").strip():
            raise ValidationError("an ad-hoc bot_profile needs a non-empty 'content' (the persona)")
        self.user_id = user_id
        self.user_name = user_name
        self.user_info = user_info
        self.model = model
        self.incremental_output = incremental_output
        self.use_chat_history = use_chat_history
        self.parameters = _camel(parameters or {})
        self.max_output_tokens = _positive_or_none("max_output_tokens", max_output_tokens)
        self.history_budget = _positive_or_none("history_budget", history_budget)
        headers = {"X-AcA-DataInspection": "enable"} if data_inspection else {}
        self._pipe = Pipeline(
            provider="xingchen", base_url=base_url, auth=StaticToken(key), account=account or fingerprint(key),
            plan=plan, limiter=limiter, ledger=ledger, http_client=http_client, timeout=timeout,
            max_retries=max_retries, headers=headers, parse_error=xingchen_error,
        )
        self.characters = XingchenCharacters(self)
        """Character management: ``create``, ``update``, ``details``, ``delete``, ``search``."""

    # -- plumbing
    def __repr__(self) -> str:
        plan = self._pipe.plan.name if self._pipe.plan is not None else None
        return f"XingchenProvider(character_id={self.character_id!r}, plan={plan!r}, key={self._key_mask})"

    # -- conversations
    async def new_conversation(self, *, user_id: str | None = None, character_id: str | None = None,
                               **options: Any) -> Conversation:
        """A conversation handle; its turns are resent each time (or kept by the server with
        ``use_chat_history=True``).

        Args:
            user_id: ``userProfile.userId`` of its turns (default: the provider's ``user_id``).
            character_id: the character that answers in it (default: the provider's ``character_id``).
            **options: per-call chat options every turn in it sends (same names as `chat`'s ``**options``:
                ``character_version``, ``bot_profile``, ``model``, ...); a turn's own options win.

        Examples:
            ```python
            conv = asyncio.run(bot.new_conversation(user_id="u1"))
            ```
        """
        opts = dict(options)
        if character_id is not None:
            opts["character_id"] = character_id
        return Conversation(provider=self.name, user_id=user_id or self.user_id, options=opts)

    # -- request building
    def _prepare(self, messages: MessagesInput, conversation: Conversation | None,
                 options: Mapping[str, Any]) -> tuple[dict[str, Any], list[ChatMessage], int, str | None]:
        """(body, new messages, estimated tokens, model); raises before anything is sent."""
        new = normalize_messages(messages)
        conv_opts = conversation.options if conversation is not None else {}
        if conversation is not None and conversation.provider != self.name:
            raise ValidationError(f"this conversation belongs to {conversation.provider!r}, not xingchen")
        opt = {**conv_opts, **options}
        unknown = set(opt) - {"character_id", "character_version", "bot_profile", "model", "parameters",
                              "user_name", "user_info", "scenario", "incremental_output"}
        if unknown:
            raise ValidationError(f"unknown Xingchen chat options: {sorted(unknown)}")
        character_id = opt.get("character_id", self.character_id)
        bot_profile = dict(opt.get("bot_profile") or self.bot_profile or {})
        if character_id:
            bot_profile["characterId"] = character_id
            version = opt.get("character_version", self.character_version)
            if version is not None:
                bot_profile["version"] = version
        if not bot_profile.get("characterId") and not str(bot_profile.get("content") or "").strip():
            raise ValidationError("say which character answers: character_id=... or bot_profile={'name', 'content'}")
        model = opt.get("model", self.model)
        incremental = bool(opt.get("incremental_output", self.incremental_output))
        history = conversation.history if conversation is not None and not self.use_chat_history else []
        user_id = conversation.user_id if conversation is not None else self.user_id
        user_profile = {"userId": user_id, "userName": opt.get("user_name", self.user_name),
                        "basicInfo": opt.get("user_info", self.user_info)}
        params = {**self.parameters, **_camel(opt.get("parameters") or {}), "incrementalOutput": incremental}
        if model:
            params["modelName"] = model
        priced = model or ASSUMED_MODEL
        # The estimate must be an upper bound: input + the output cap, which is therefore always sent.
        max_out = params.get("maxLength")
        if isinstance(max_out, bool) or not isinstance(max_out, int) or max_out <= 0:
            max_out = self._default_output_cap()
            params["maxLength"] = max_out
        # What counts as input (Xingchen billing page: the character setting, the chat history, ...).
        # Ids (characterId, version, userId) are not prompt text; the persona and user description are.
        persona = [str(v) for k, v in bot_profile.items() if v and k not in ("characterId", "version")]
        about_user = [str(user_profile[k]) for k in ("userName", "basicInfo") if user_profile.get(k)]
        fixed = estimate_tokens(*persona, *about_user) + sum(estimate_tokens(m.content) for m in new)
        budget, why = self._input_budget(priced, max_out)
        if fixed > budget:
            raise LimitUnsatisfiableError(
                f"the newest turn alone (with the persona) is ~{fixed} input tokens, more than the {budget} "
                f"one request may use ({why}); shorten it, lower max_output_tokens, or raise the plan's limits"
            )
        kept, kept_tokens = _trim_history(history, budget - fixed)
        sent = [*kept, *new]
        aca: dict[str, Any] = {
            "botProfile": _camel(bot_profile),
            "userProfile": user_profile,
            "context": {"useChatHistory": self.use_chat_history},
        }
        if opt.get("scenario"):
            aca["scenario"] = _camel(opt["scenario"])
        body: dict[str, Any] = {
            "model": model,
            "parameters": params,
            "input": {"messages": [m.as_dict() for m in sent], "aca": aca},
        }
        return body, new, fixed + kept_tokens + max_out, model

    def _token_limits(self) -> tuple[int | None, int]:
        """(tokens per window of the plan's chat token limit, or None; the per-request token cap)."""
        tpm: int | None = None
        cap = REQUEST_TOKEN_CAP
        plan = self._pipe.plan
        for lim in plan.limits if plan is not None else ():
            if lim.kind == "tokens" and lim.group in ("chat", "all"):
                tpm = lim.limit if tpm is None else min(tpm, lim.limit)
                if lim.max_per_request is not None:
                    cap = min(cap, int(lim.max_per_request))
        return tpm, cap

    def _default_output_cap(self) -> int:
        if self.max_output_tokens is not None:
            return self.max_output_tokens
        tpm, cap = self._token_limits()
        per_request = min(cap, tpm) if tpm is not None else cap
        return max(1, min(DEFAULT_MAX_OUTPUT_TOKENS, per_request // 2))

    def _input_budget(self, model: str, max_out: int) -> tuple[int, str]:
        """The input tokens one request may carry, and the figures that set it (for error messages)."""
        tpm, cap = self._token_limits()
        bounds = [(cap - max_out, f"the {cap}-token request cap (Xingchen FAQ) minus the {max_out} output cap")]
        if tpm is not None:
            bounds.append((tpm - max_out, f"the plan's {tpm} tokens per minute minus the {max_out} output cap"))
        model_cap = MAX_INPUT_TOKENS.get(model.lower())
        if model_cap is not None:
            hint = "" if model_cap >= MAX_INPUT_TOKENS["xingchen-plus-v2"] else "; xingchen-plus-v2 takes 30000"
            why = f"{model}'s input limit of {model_cap} tokens (Xingchen billing page, models{hint})"
            bounds.append((model_cap, why))
        if self.history_budget is not None:
            bounds.append((self.history_budget, f"history_budget={self.history_budget}"))
        budget, why = min(bounds, key=lambda b: b[0])
        return max(0, budget), why

    def _reply(self, result: Any, text: str, usage: Usage | None, model: str | None, raw: Any,
               request_id: str | None, conversation: Conversation | None, new: list[ChatMessage],
               meta: Any) -> ChatReply:
        ids = _context_ids(result)
        ctx = result.get("context") if isinstance(result, dict) else None
        used_model = (ctx.get("modelName") if isinstance(ctx, dict) else None) or model
        tokens = usage or Usage()
        cost = estimate_cost("xingchen", model=used_model or ASSUMED_MODEL, input_tokens=tokens.input_tokens,
                             output_tokens=tokens.output_tokens)
        session = ids.get("sessionId")
        if conversation is not None:
            conversation.record(new, text)
            if session:
                conversation.id = session
        return ChatReply(
            text=text,
            usage=ChatUsage(input_tokens=tokens.input_tokens, output_tokens=tokens.output_tokens),
            cost=cost,
            provider=self.name,
            model=used_model,
            conversation_id=session or (conversation.id if conversation is not None else None),
            message_id=ids.get("replyMessageId") or ids.get("messageId"),
            request_id=request_id or ids.get("requestId"),
            ids=ids,
            raw=raw,
            meta=meta,
            conversation=conversation,
        )

    # -- chat
    async def chat(
        self, messages: MessagesInput, *, conversation: Conversation | None = None,
        timeout: float | httpx.Timeout | None = None, max_retries: int | None = None, max_wait: float | None = None,
        **options: Any,
    ) -> ChatReply:
        """Blocking chat (``aca-chat-send``).

        Args:
            messages: one user message as a string, a ``{"role", "content"}`` mapping, or a list of either
                (roles ``user``, ``assistant``, ``system``; the last must be the user's).
            conversation: the `Conversation` whose turns are resent before ``messages`` (from
                `new_conversation`); ``None`` for a one-off exchange.
            timeout: this call's timeout (seconds or ``httpx.Timeout``; default: the client's).
            max_retries: this call's retries (default: the client's).
            max_wait: fail at once with `RateLimitWaitError` when the limiter would wait longer (seconds).
            **options: override the provider's settings for this call: ``character_id``, ``character_version``,
                ``bot_profile``, ``model``, ``parameters`` (merged over the provider's), ``user_name``,
                ``user_info``, ``scenario`` (a mapping, snake_case or camelCase), ``incremental_output``; any
                other name raises `ValidationError`.

        Examples:
            ```python
            reply = await bot.chat("你好")
            ```
        """
        body, new, est, model = self._prepare(messages, conversation, options)
        priced = model or ASSUMED_MODEL
        payload = await self._pipe.corridor.request(
            CHAT, Payload, json=body, est_tokens=est, model=priced,
            usage=lambda b: _usage(b.get("data") if isinstance(b, dict) else None, priced),
            options=call_options(timeout, max_retries, max_wait),
        )
        envelope = payload.data
        result = envelope.get("data") if isinstance(envelope, dict) else None
        text, _ = _first_message(result)
        return self._reply(result, text, _usage(result, priced), model, envelope, _request_id(envelope),
                           conversation, new, payload.meta)

    def stream(
        self, messages: MessagesInput, *, conversation: Conversation | None = None,
        timeout: float | httpx.Timeout | None = None, max_retries: int | None = None, max_wait: float | None = None,
        **options: Any,
    ) -> ChatStream:
        """Streaming chat (``aca-chat-send-sse``): text deltas, then the reply with usage.

        Cumulative events (``incremental_output=False``) are turned into deltas too. A stream that
        ends without a ``stopReason`` raises `StreamError` (truncated).

        Args:
            messages: one user message as a string, a ``{"role", "content"}`` mapping, or a list of either
                (roles ``user``, ``assistant``, ``system``; the last must be the user's).
            conversation: the `Conversation` whose turns are resent before ``messages`` (from
                `new_conversation`); ``None`` for a one-off exchange.
            timeout: this call's timeout (seconds or ``httpx.Timeout``; default: the client's).
            max_retries: this call's retries (default: the client's).
            max_wait: fail at once with `RateLimitWaitError` when the limiter would wait longer (seconds).
            **options: override the provider's settings for this call: ``character_id``, ``character_version``,
                ``bot_profile``, ``model``, ``parameters`` (merged over the provider's), ``user_name``,
                ``user_info``, ``scenario`` (a mapping, snake_case or camelCase), ``incremental_output``; any
                other name raises `ValidationError`.

        Examples:
            ```python
            async with bot.stream("讲个故事") as s:
                async for delta in s:
                    print(delta.text, end="")
            ```
        """
        body, new, est, model = self._prepare(messages, conversation, options)
        incremental = bool(body["parameters"]["incrementalOutput"])
        priced = model or ASSUMED_MODEL
        corridor = self._pipe.corridor
        call_opts = call_options(timeout, max_retries, max_wait)

        def usage_of(item: Any) -> Usage | None:
            return _usage(item, priced)

        async def source(_: ChatStream) -> AsyncIterator[ChatDelta | ChatReply]:
            events: EventStream[Any] = EventStream(
                corridor,
                lambda: corridor.open_stream(CHAT_SSE, json=body, est_tokens=est, model=priced, options=call_opts),
                _decode, usage_of=usage_of, require_end=False,
            )
            raw: list[Any] = []
            parts: list[str] = []
            seen = ""
            stopped = False
            last: Any = None
            async with events:
                async for item in events:
                    raw.append(item)
                    last = item
                    content, stop = _first_message(item)
                    if incremental:
                        delta = content
                    elif content.startswith(seen):
                        delta, seen = content[len(seen):], content
                    else:  # the cumulative text restarted: nothing to subtract
                        delta, seen = content, content
                    if delta:
                        parts.append(delta)
                        yield ChatDelta(delta)
                    if stop:
                        stopped = True
                if not stopped:
                    raise StreamError("the stream ended before its final event (no stopReason: truncated)",
                                      logid=events.logid)
            yield self._reply(last, "".join(parts), events.usage, model, raw, None, conversation, new, events.meta)

        return ChatStream(source)

    # -- history, reset, rating
    async def history(
        self, *, character_id: str | None = None, session_id: str | None = None, user_id: str | None = None,
        message_ids: Sequence[str] | None = None, start_time: int | None = None, end_time: int | None = None,
        page_num: int = 1, page_size: int = 10,
    ) -> XingchenPage[HistoryMessage]:
        """Stored chat messages (``aca-message-history``), ``page_size`` 1-50.

        Args:
            character_id: the character whose messages to read (default: the provider's ``character_id``).
            session_id: only this session (a reply's ``conversation_id``).
            user_id: only this user's messages (the API's ``bizUserId``).
            message_ids: only these messages.
            start_time: only messages from this time on (``startTime``, as the API takes it).
            end_time: only messages up to this time (``endTime``, as the API takes it).
            page_num: the page number.
            page_size: messages per page (1-50).

        Examples:
            ```python
            page = await bot.history(character_id="c1", session_id=reply.conversation_id)
            ```
        """
        if not 1 <= page_size <= 50:
            raise ValidationError("page_size must be between 1 and 50")
        where = {"characterId": character_id or self.character_id, "sessionId": session_id,
                 "bizUserId": user_id, "messageIds": list(message_ids) if message_ids else None,
                 "startTime": start_time, "endTime": end_time}
        body = {"where": where, "pageNum": page_num, "pageSize": page_size}
        payload = await self._pipe.corridor.request(HISTORY, Payload, json=body)
        return XingchenPage[HistoryMessage].model_validate(_data(payload) or {})

    async def reset(self, *, character_id: str | None = None, user_id: str | None = None) -> XingchenResult:
        """Start the character's chat with the user afresh (``aca-chat-reset``).

        Args:
            character_id: the character (default: the provider's ``character_id``; one is required).
            user_id: the user (default: the provider's ``user_id``).

        Examples:
            ```python
            (await bot.reset(user_id="u1")).ok
            # True
            ```
        """
        cid = character_id or self.character_id
        if not cid:
            raise ValidationError("character_id is required")
        payload = await self._pipe.corridor.request(RESET, Payload, json={"characterId": cid,
                                                                           "userId": user_id or self.user_id})
        return _result(payload)

    async def rate(self, message_id: str, rating: int) -> XingchenResult:
        """Rate an answer from -1 to 5 (``aca-message-rating``).

        Args:
            message_id: the answer to rate (a reply's ``message_id``).
            rating: an integer from -1 to 5.

        Examples:
            ```python
            (await bot.rate(reply.message_id, 5)).ok
            # True
            ```
        """
        if not message_id:
            raise ValidationError("message_id is required")
        if isinstance(rating, bool) or not isinstance(rating, int) or not -1 <= rating <= 5:
            raise ValidationError("rating must be an integer from -1 to 5")
        payload = await self._pipe.corridor.request(RATING, Payload, json={"messageId": message_id, "rating": rating})
        return _result(payload)


def _positive_or_none(name: str, value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationError(f"{name} must be a positive number of tokens")
    return value


def _trim_history(history: Sequence[ChatMessage], room: int) -> tuple[list[ChatMessage], int]:
    """The newest turns of ``history`` whose estimate fits ``room`` tokens (oldest dropped first), and their tokens.

    After a cut, leading non-user messages go too, so the dialogue sent starts with a user turn.
    """
    costs = [estimate_tokens(m.content) for m in history]
    total = sum(costs)
    start = 0
    while start < len(history) and total > room:
        total -= costs[start]
        start += 1
    if start:
        while start < len(history) and history[start].role != "user":
            total -= costs[start]
            start += 1
    return list(history[start:]), total


def _data(payload: Payload) -> Any:
    return payload.data.get("data") if isinstance(payload.data, dict) else None


def _result(payload: Payload) -> XingchenResult:
    """A boolean answer as a `XingchenResult` carrying the call's meta (and its request id)."""
    request_id = _request_id(payload.data)
    meta = payload.meta if payload.meta is not None else CallMeta()
    if meta.logid is None:
        meta.logid = request_id
    result = XingchenResult(ok=bool(_data(payload)), request_id=request_id)
    object.__setattr__(result, "_meta", meta)
    return result


class XingchenCharacters:
    """``bot.characters``: create, update, details, delete and search characters.

    Fields are keyword arguments in snake_case (``basic_information``, ``opening_line``,
    ``perm_config``...) sent as the API's camelCase.

    Args:
        provider: the `XingchenProvider` whose corridor the calls take (it builds this as ``bot.characters``).

    Examples:
        ```python
        key = await bot.characters.create(name="Ann", basic_information="A friendly guide")
        (await bot.characters.details(key.character_id)).name
        # 'Ann'
        ```
    """

    def __init__(self, provider: XingchenProvider) -> None:
        self._provider = provider

    def __repr__(self) -> str:
        return "<XingchenCharacters>"

    async def create(self, *, name: str, basic_information: str, **fields: Any) -> CharacterKey:
        """Create a character: ``name`` 1-20 characters and ``basic_information`` are required.

        Args:
            name: the character's name (1-20 characters).
            basic_information: the character's setting (required, not empty).
            **fields: other character fields in snake_case (or camelCase): ``opening_line``, ``traits``,
                ``chat_example``, ``type``, ``chat_objective``, ``avatar``, ``advanced_config``, ``perm_config``,
                ``role_types`` ...; sent as they are.
        """
        if not isinstance(name, str) or not 1 <= len(name) <= 20:
            raise ValidationError("name must be 1-20 characters")
        if not isinstance(basic_information, str) or not basic_information.strip():
            raise ValidationError("basic_information is required")
        body = {"name": name, "basicInformation": basic_information, **_camel(fields)}
        payload = await self._provider.pipeline.corridor.request(CHAR_CREATE, Payload, json=body)
        return CharacterKey.model_validate(_data(payload) or {})

    async def update(self, character_id: str, *, version: int | None = None, **fields: Any) -> XingchenResult:
        """Update a character's fields; the result carries the call's meta.

        Args:
            character_id: the character to update.
            version: the version to update (``None``: not sent).
            **fields: the fields to change, in snake_case (or camelCase): ``opening_line``, ``traits``,
                ``chat_example``, ``type``, ``chat_objective``, ``avatar``, ``advanced_config``, ``perm_config``,
                ``role_types`` ...; sent as they are.
        """
        if not character_id:
            raise ValidationError("character_id is required")
        body = {"characterId": character_id, "version": version, **_camel(fields)}
        payload = await self._provider.pipeline.corridor.request(CHAR_UPDATE, Payload, json=body)
        return _result(payload)

    async def details(self, character_id: str, *, version: int | None = None) -> Character:
        """One character.

        Args:
            character_id: the character to read.
            version: the version to read (``None``: the API's default).
        """
        if not character_id:
            raise ValidationError("character_id is required")
        payload = await self._provider.pipeline.corridor.request(
            CHAR_DETAILS, Payload, params={"characterId": character_id, "version": version})
        return Character.model_validate(_data(payload) or {})

    async def delete(self, character_id: str, *, version: int | None = None) -> XingchenResult:
        """Delete a character (the id and version go in both the query and the body, like the SDK).

        Args:
            character_id: the character to delete.
            version: the version to delete (``None``: not sent).
        """
        if not character_id:
            raise ValidationError("character_id is required")
        ident = {"characterId": character_id, "version": version}
        payload = await self._provider.pipeline.corridor.request(CHAR_DELETE, Payload, params=ident, json=ident)
        return _result(payload)

    async def search(self, *, name: str | None = None, scope: str = "my", role_types: Sequence[str] | None = None,
                     page_num: int = 1, page_size: int = 10) -> XingchenPage[Character]:
        """Search characters: ``scope`` is ``my``, ``public`` or ``pre_configured``; ``page_size`` 1-50.

        Args:
            name: only characters with this name (``characterName``).
            scope: ``"my"`` (yours, the default), ``"public"`` or ``"pre_configured"``.
            role_types: only characters of these role types (``roleTypes``).
            page_num: the page number.
            page_size: characters per page (1-50).
        """
        if scope not in ("my", "public", "pre_configured"):
            raise ValidationError("scope must be 'my', 'public' or 'pre_configured'")
        if not 1 <= page_size <= 50:
            raise ValidationError("page_size must be between 1 and 50")
        body = {"where": {"characterName": name, "scope": scope, "roleTypes": list(role_types) if role_types else None},
                "pageNum": page_num, "pageSize": page_size}
        payload = await self._provider.pipeline.corridor.request(CHAR_SEARCH, Payload, json=body)
        return XingchenPage[Character].model_validate(_data(payload) or {})
