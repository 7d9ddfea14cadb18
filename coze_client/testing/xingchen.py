"""A fake Tongyi Xingchen (通义星尘) server (the Xingchen API docs).

Character chat, blocking and SSE (``POST /v2/api/chat/send``), checks the gateway headers
``x-fag-appcode: aca`` and ``x-fag-servicename`` (``aca-chat-send`` / ``aca-chat-send-sse``), answers
in the ``{requestId, code, success, errorCode, ..., data}`` envelope with ``usage{userTokens,
inputTokens, outputTokens}``, streams bare ChatResults (cumulative text unless
``parameters.incrementalOutput`` is true; the last one has ``stopReason``), and throttles the
DashScope way (HTTP 429 ``Throttling.RateQuota`` for QPS/QPM, ``Throttling.AllocationQuota`` for TPM:
an assumption the reference marks as unverified for Xingchen).

Examples:
    ```python
    fake = FakeXingchen(replies=["你好"])
    fake.base_urls
    # ('https://nlp.aliyuncs.com',)
    ```
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx

from ..limits.plans import Limit, Plan, Quota
from ._core import Ctx, FakeServer, word_pieces
from .enforcement import Clock, Rejection, estimate_tokens
from .faults import Fault

__all__ = ["FakeXingchen"]

_SERVICES = {
    "/v2/api/chat/send": ("aca-chat-send", "aca-chat-send-sse"),
    "/v2/api/chat/stop": ("aca-chat-stop", None),
    "/v2/api/completions": ("aca-completion", "aca-completion"),
    "/v2/api/chat/completions": ("aca-chat-completions", "aca-chat-completions"),
}


class FakeXingchen(FakeServer):
    """Fake Xingchen.

    Args:
        replies: answers that cycle (None = echo the last user message).
        keys: valid API keys (None = any non-empty key); others get 401.
        stream_chunks: fixed number of SSE events per answer (None: one per word).
        plan: a plan or preset name to enforce (``"xingchen.default"``), or None.
        limits: custom or overriding limit records (see `Enforcer`).
        quotas: custom or overriding quota records (see `Enforcer`).
        clock: monotonic seconds for windows (``ManualClock`` in tests; default ``time.monotonic``).
        wall_clock: Unix seconds for daily quotas (default ``time.time``).
        count_rejected: whether refused requests occupy their window (default True).
        enforce: False records peaks without refusing anything.
        base_urls: the URLs answered on respx (default ``https://nlp.aliyuncs.com``).
    """

    provider = "xingchen"
    base_urls = ("https://nlp.aliyuncs.com",)

    def __init__(
        self,
        *,
        replies: Sequence[str] | None = None,
        keys: Sequence[str] | None = None,
        stream_chunks: int | None = None,
        plan: Plan | str | None = None,
        limits: Sequence[Limit] = (),
        quotas: Sequence[Quota] = (),
        clock: Clock | None = None,
        wall_clock: Clock | None = None,
        count_rejected: bool = True,
        enforce: bool = True,
        base_urls: Sequence[str] | None = None,
    ) -> None:
        super().__init__(
            plan=plan,
            limits=limits,
            quotas=quotas,
            clock=clock,
            wall_clock=wall_clock,
            count_rejected=count_rejected,
            enforce=enforce,
            base_urls=base_urls,
        )
        self.replies = list(replies) if replies is not None else None
        self.keys = set(keys) if keys is not None else None
        self.stream_chunks = stream_chunks
        # (after_events, errorCode, errorName, errorMessage): the next stream sends an error envelope
        # after that many events and ends (providers-api.md §A.5: the SDK stops on ``errorCode``).
        self.stream_error: tuple[int, int, str, str] | None = None
        self._turn = 0
        self.route("POST", "/v2/api/chat/send", self._chat_send)
        self.route("POST", "/v2/api/chat/stop", self._chat_stop)
        self.route("POST", "/v2/api/completions", self._completions)
        self.route("POST", "/v2/api/chat/completions", self._completions)

    # -- envelope -------------------------------------------------------------------------------
    def envelope(
        self,
        data: Any = None,
        *,
        status: int = 200,
        error_code: int | None = None,
        error_name: str | None = None,
        message: str | None = None,
    ) -> httpx.Response:
        """The Xingchen envelope (the Xingchen API docs).

        Args:
            data: the ``data`` value.
            status: the HTTP status (also ``httpStatusCode``).
            error_code: the ``errorCode`` (and ``code``); None: a success envelope.
            error_name: the ``errorName`` (``"Throttling.RateQuota"``).
            message: the ``errorMessage``.
        """
        ok = error_code is None
        body = {
            "requestId": uuid.uuid4().hex,
            "code": 200 if ok else error_code,
            "success": ok,
            "errorCode": error_code,
            "errorMessage": message,
            "errorMessageKey": None,
            "errorName": error_name,
            "httpStatusCode": status,
            "data": data,
        }
        return self.json_response(body, status=status)

    def error_code_of(self, response: httpx.Response) -> int | None:
        """The envelope's ``errorCode`` of a JSON answer (None on success or for other bodies).

        Args:
            response: the answer the fake is about to return.
        """
        if response.headers.get("content-type", "").startswith("application/json"):
            try:
                body = json.loads(response.content)
            except (ValueError, httpx.ResponseNotRead):
                return None
            return body.get("errorCode") if isinstance(body, dict) else None
        return None

    # -- hooks ----------------------------------------------------------------------------------
    def authenticate(self, ctx: Ctx) -> httpx.Response | None:
        """401 ``Unauthorized`` for a missing or unknown API key, else None.

        Args:
            ctx: the request being handled.
        """
        if not ctx.token or (self.keys is not None and ctx.token not in self.keys):
            return self.envelope(
                status=401, error_code=401, error_name="Unauthorized", message="Unauthorized user! apikey is invalid."
            )
        return None

    def _streaming(self, ctx: Ctx) -> bool:
        return (
            ctx.headers.get("x-aca-sse", "").lower() == "enable"
            or ctx.headers.get("x-dashscope-sse", "").lower() == "enable"
            or bool(ctx.body_dict().get("stream"))
        )

    def check_request(self, ctx: Ctx) -> httpx.Response | None:
        """400 ``InvalidParameter`` without the gateway headers or a JSON body, else None.

        Args:
            ctx: the request being handled.
        """
        blocking, streaming = _SERVICES[ctx.path]
        expected = streaming if self._streaming(ctx) and streaming else blocking
        if ctx.headers.get("x-fag-appcode") != "aca" or ctx.headers.get("x-fag-servicename") != expected:
            # The gateway routes on these headers (providers-api.md §A.1); a plain client must set them.
            return self.envelope(
                status=400,
                error_code=400,
                error_name="InvalidParameter",
                message=f"x-fag-appcode: aca and x-fag-servicename: {expected} are required",
            )
        if ctx.json is None:
            return self.envelope(
                status=400, error_code=400, error_name="InvalidParameter", message="JSON body required"
            )
        return None

    def groups_for(self, ctx: Ctx) -> tuple[str, ...]:
        """``chat`` for chat and completion calls (stop belongs to no group).

        Args:
            ctx: the request being handled.
        """
        return ("chat",) if ctx.path != "/v2/api/chat/stop" else ()

    def _input_text(self, ctx: Ctx) -> str:
        body = ctx.body_dict()
        parts: list[str] = []
        inp = body.get("input") or {}
        for m in inp.get("messages") or body.get("messages") or []:
            if isinstance(m, dict):
                parts.append(str(m.get("content") or ""))
        profile = ((inp.get("aca") or {}).get("botProfile") or {}) if isinstance(inp, dict) else {}
        parts.append(str(profile.get("content") or ""))
        return " ".join(parts)

    def request_tokens(self, ctx: Ctx) -> int:
        """Token estimate of the messages and the bot profile (0 for stop).

        Args:
            ctx: the request being handled.
        """
        return estimate_tokens(self._input_text(ctx)) if ctx.path != "/v2/api/chat/stop" else 0

    def rejection_response(self, ctx: Ctx, rejection: Rejection) -> httpx.Response:
        """400 ``Arrearage`` for a used-up quota, else HTTP 429 ``Throttling.*``.

        Args:
            ctx: the request being handled.
            rejection: why the enforcer refused it.
        """
        if rejection.kind in ("quota", "lockout"):
            return self.envelope(
                status=400,
                error_code=400,
                error_name="Arrearage",
                message="the account is in arrears or its quota is used up",
            )
        if rejection.kind == "too_large":
            return self.envelope(
                status=400,
                error_code=400,
                error_name="InvalidParameter",
                message="input is longer than the model accepts",
            )
        name = "Throttling.AllocationQuota" if rejection.kind == "tokens" else "Throttling.RateQuota"
        return self.envelope(status=429, error_code=429, error_name=name, message="Requests rate limit exceeded")

    def throttle_response(self, ctx: Ctx, fault: Fault) -> httpx.Response:
        """HTTP 429 ``Throttling.RateQuota`` (the fault's ``code``, else 429).

        Args:
            ctx: the request being handled.
            fault: the injected ``throttle`` fault (its ``code``, when set, is answered).
        """
        return self.envelope(
            status=429,
            error_code=fault.code or 429,
            error_name="Throttling.RateQuota",
            message="Requests rate limit exceeded",
        )

    # -- chat -----------------------------------------------------------------------------------
    def _reply(self, question: str) -> str:
        if not self.replies:
            return question
        text = self.replies[self._turn % len(self.replies)]
        self._turn += 1
        return text

    def _pieces(self, text: str) -> list[str]:
        if self.stream_chunks:
            n = self.stream_chunks
            if len(text) < n:
                return [text] * n
            step = -(-len(text) // n)
            return [text[i : i + step] for i in range(0, len(text), step)]
        return word_pieces(text)

    def _result(self, content: str, stop: str | None, usage: dict[str, int], model: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "role": "assistant",
            "content": content,
            "finishReason": stop,
            "meta": {"hasRisk": False},
        }
        return {
            "choices": [{"stopReason": stop, "messages": [message]}],
            "usage": usage,
            "context": {
                "chatRoomId": 0,
                "sessionId": "",
                "chatId": uuid.uuid4().hex,
                "answerId": "",
                "queryId": "",
                "messageId": "",
                "replyMessageId": "",
                "isSave": True,
                "requestId": "",
                "modelRequestId": "",
                "characterPk": 0,
                "modelName": model,
                "enableDataInspection": True,
            },
        }

    async def _chat_send(self, ctx: Ctx) -> httpx.Response:
        body = ctx.body_dict()
        inp = body.get("input")
        messages = (inp or {}).get("messages") if isinstance(inp, dict) else None
        user = (((inp or {}).get("aca") or {}).get("userProfile") or {}) if isinstance(inp, dict) else {}
        if not messages or not user.get("userId"):
            return self.envelope(
                status=400,
                error_code=400,
                error_name="InvalidParameter",
                message="input.messages and input.aca.userProfile.userId are required",
            )
        question = next(
            (
                str(m.get("content") or "")
                for m in reversed(messages)
                if isinstance(m, dict) and m.get("role") == "user"
            ),
            "",
        )
        answer = self._reply(question)
        model = str(body.get("model") or (body.get("parameters") or {}).get("modelName") or "xingchen-plus")
        in_tokens = estimate_tokens(self._input_text(ctx))
        out_tokens = estimate_tokens(answer)
        usage = {"userTokens": estimate_tokens(question), "inputTokens": in_tokens, "outputTokens": out_tokens}
        ctx.reply_tokens = out_tokens
        if not self._streaming(ctx):
            return self.envelope(self._result(answer, "stop", usage, model))
        incremental = bool((body.get("parameters") or {}).get("incrementalOutput"))
        pieces = self._pieces(answer)

        failure, self.stream_error = self.stream_error, None

        async def events() -> AsyncIterator[bytes]:
            text = ""
            for i, piece in enumerate(pieces):
                if failure is not None and i == failure[0]:
                    body = {
                        "requestId": uuid.uuid4().hex,
                        "code": failure[1],
                        "success": False,
                        "errorCode": failure[1],
                        "errorName": failure[2],
                        "errorMessage": failure[3],
                        "errorMessageKey": None,
                        "httpStatusCode": 200,
                        "data": None,
                    }
                    yield f"id:{i}\ndata:".encode() + self.json_bytes(body) + b"\n\n"
                    return
                text += piece
                last = i == len(pieces) - 1
                partial = {
                    "userTokens": usage["userTokens"],
                    "inputTokens": in_tokens,
                    "outputTokens": estimate_tokens(text),
                }
                result = self._result(piece if incremental else text, "stop" if last else None, partial, model)
                yield f"id:{i}\ndata:".encode() + self.json_bytes(result) + b"\n\n"

        return self.stream_response(events())

    async def _chat_stop(self, ctx: Ctx) -> httpx.Response:
        if not ctx.body_dict().get("requestId"):
            return self.envelope(
                status=400, error_code=400, error_name="InvalidParameter", message="requestId required"
            )
        return self.envelope(True)

    async def _completions(self, ctx: Ctx) -> httpx.Response:
        body = ctx.body_dict()
        messages = body.get("messages") or []
        question = next(
            (
                str(m.get("content") or "")
                for m in reversed(messages)
                if isinstance(m, dict) and m.get("role") == "user"
            ),
            "",
        )
        answer = self._reply(question)
        prompt = estimate_tokens(" ".join(str(m.get("content") or "") for m in messages if isinstance(m, dict)))
        completion = estimate_tokens(answer)
        ctx.reply_tokens = completion
        # Not enveloped: OpenAI shape with snake_case usage (providers-api.md §A.2).
        return self.json_response(
            {
                "id": uuid.uuid4().hex,
                "created": int(self.wall_clock()),
                "model": body.get("model", "xingchen-plus"),
                "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": answer}}],
                "usage": {
                    "prompt_tokens": prompt,
                    "completion_tokens": completion,
                    "total_tokens": prompt + completion,
                },
            }
        )
