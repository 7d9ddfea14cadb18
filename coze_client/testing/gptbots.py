"""A fake GPTBots server (the GPTBots API docs).

``POST /v1/conversation`` creates a conversation; ``POST /v2/conversation/message`` answers blocking
(the §B.3 shape with ``usage.tokens`` and ``usage.credits``) or streaming: one JSON object
``{code, message, data}`` per line (11 MessageInfo, 3 Text deltas, 4 Cost, 0 End), with a ``data:``
prefix by default or bare lines (``stream_prefix=False``), as both occur. Errors are
``{code, message}``; throttling is HTTP 429 (no documented code: the reference suggests 429, which
the fake also puts in ``code``); insufficient credits is 20022.

Examples:
    ```python
    fake = FakeGPTBots(replies=["hi"], credits_per_1k=(0.0165, 0.0665))
    "https://api.gptbots.ai" in fake.base_urls
    # True
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

__all__ = ["FakeGPTBots"]


class FakeGPTBots(FakeServer):
    """Fake GPTBots.

    Args:
        replies: answers that cycle (None = echo the last user message).
        keys: valid API keys (None = any); others get 40127.
        credits_per_1k: credits per 1K input and output tokens (default: GPT-4o-mini with the
            GPTBots key, 0.0165 / 0.0665, the providers' pricing pages).
        stream_prefix: prefix streamed lines with ``data:`` (True) or send bare JSON lines.
        stream_chunks: fixed number of Text events per answer (None: one per word).
        plan: a plan or preset name to enforce, or None.
        limits: custom or overriding limit records (see `Enforcer`).
        quotas: custom or overriding quota records (see `Enforcer`).
        clock: monotonic seconds for windows (``ManualClock`` in tests; default ``time.monotonic``).
        wall_clock: Unix seconds for daily quotas (default ``time.time``).
        count_rejected: whether refused requests occupy their window (default True).
        enforce: False records peaks without refusing anything.
        base_urls: the URLs answered on respx (default: the four regional ``api*.gptbots.ai`` hosts).
    """

    provider = "gptbots"
    base_urls = (
        "https://api.gptbots.ai",
        "https://api-sg.gptbots.ai",
        "https://api-th.gptbots.ai",
        "https://api-jp.gptbots.ai",
    )

    def __init__(
        self,
        *,
        replies: Sequence[str] | None = None,
        keys: Sequence[str] | None = None,
        credits_per_1k: tuple[float, float] = (0.0165, 0.0665),
        stream_prefix: bool = True,
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
        self.credits_per_1k = credits_per_1k
        self.stream_prefix = stream_prefix
        self.stream_chunks = stream_chunks
        self.conversations: dict[str, dict[str, Any]] = {}
        self._turn = 0
        self.route("POST", "/v1/conversation", self._create_conversation)
        self.route("POST", "/v2/conversation/message", self._message)
        self.route("GET", "/v2/messages", self._messages)

    def error(self, code: int, message: str, status: int = 400) -> httpx.Response:
        """A GPTBots error body ``{code, message}``.

        Args:
            code: the GPTBots error code.
            message: the error message.
            status: the HTTP status.
        """
        return self.json_response({"code": code, "message": message}, status=status)

    def error_code_of(self, response: httpx.Response) -> int | None:
        """0 for a success, else the body's ``code`` (None for a body that is not JSON).

        Args:
            response: the answer the fake is about to return.
        """
        if response.status_code < 400:
            return 0
        try:
            body = json.loads(response.content)
        except (ValueError, httpx.ResponseNotRead):
            return None
        return body.get("code") if isinstance(body, dict) else None

    def authenticate(self, ctx: Ctx) -> httpx.Response | None:
        """40127 (HTTP 401) for a missing or unknown API key, else None.

        Args:
            ctx: the request being handled.
        """
        if not ctx.token or (self.keys is not None and ctx.token not in self.keys):
            return self.error(40127, "developer authentication failed", status=401)
        return None

    def groups_for(self, ctx: Ctx) -> tuple[str, ...]:
        """``chat`` and ``conversation`` for messages, ``conversation`` for the rest.

        Args:
            ctx: the request being handled.
        """
        # Conversation-type endpoints share the per-bot window (GPTBots "call-gptbots-api" skill notes).
        return ("chat", "conversation") if ctx.path == "/v2/conversation/message" else ("conversation",)

    async def _messages(self, ctx: Ctx) -> httpx.Response:
        """``GET /v2/messages``: the conversation's turns, newest first, paged (page_size <= 100)."""
        conv = self.conversations.get(ctx.query.get("conversation_id", ""))
        if conv is None:
            return self.error(40356, "conversation does not exist")
        try:
            page, size = int(ctx.query.get("page", 1)), int(ctx.query.get("page_size", 10))
        except ValueError:
            return self.error(40000, "parameter error: page and page_size must be integers")
        if page < 1 or not 1 <= size <= 100:
            return self.error(40000, "parameter error: page >= 1, page_size 1..100")
        items: list[dict[str, Any]] = []
        for turn in reversed(conv["messages"]):
            for role, text in (("assistant", turn["answer"]), ("user", turn["question"])):
                items.append(
                    {
                        "message_id": turn["message_id"] + ("" if role == "assistant" else "-q"),
                        "parent_message_id": "",
                        "create_time": turn["create_time"],
                        "role": role,
                        "content": [{"from_component_branch": "1", "branch_content": [{"type": "text", "text": text}]}],
                    }
                )
        start = (page - 1) * size
        if items and start >= len(items):
            return self.error(40005, "pagination parameter larger than the actual count")
        return self.json_response({"total": len(items), "conversation_content": items[start : start + size]})

    def request_tokens(self, ctx: Ctx) -> int:
        """Token estimate of the request's messages.

        Args:
            ctx: the request being handled.
        """
        return estimate_tokens(" ".join(self._texts(ctx.body_dict().get("messages"))))

    def rejection_response(self, ctx: Ctx, rejection: Rejection) -> httpx.Response:
        """20022 (insufficient credits) for a used-up quota, else 429 (HTTP 429).

        Args:
            ctx: the request being handled.
            rejection: why the enforcer refused it.
        """
        if rejection.kind in ("quota", "lockout"):
            return self.error(20022, "insufficient credits", status=400)
        return self.error(429, "Too Many Requests", status=429)

    def throttle_response(self, ctx: Ctx, fault: Fault) -> httpx.Response:
        """HTTP 429 with the fault's ``code`` (429 by default).

        Args:
            ctx: the request being handled.
            fault: the injected ``throttle`` fault (its ``code``, when set, is answered).
        """
        return self.error(fault.code or 429, "Too Many Requests", status=429)

    @staticmethod
    def _texts(messages: Any) -> list[str]:
        out: list[str] = []
        for m in messages or []:
            if not isinstance(m, dict):
                continue
            content = m.get("content")
            if isinstance(content, str):
                out.append(content)
            elif isinstance(content, list):
                out.extend(str(p.get("text", "")) for p in content if isinstance(p, dict) and p.get("type") == "text")
        return out

    async def _create_conversation(self, ctx: Ctx) -> httpx.Response:
        user_id = ctx.body_dict().get("user_id")
        if not isinstance(user_id, str) or not user_id or len(user_id) > 32:
            return self.error(40000, "parameter error: user_id (1..32 characters) is required")
        conv_id = uuid.uuid4().hex[:24]
        self.conversations[conv_id] = {"user_id": user_id, "messages": []}
        return self.json_response({"conversation_id": conv_id})

    def _reply(self, question: str) -> str:
        if not self.replies:
            return question
        text = self.replies[self._turn % len(self.replies)]
        self._turn += 1
        return text

    def _usage(self, prompt: int, completion: int) -> dict[str, Any]:
        cin, cout = self.credits_per_1k
        credits_in, credits_out = prompt * cin / 1000, completion * cout / 1000
        return {
            "tokens": {
                "total_tokens": prompt + completion,
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "prompt_tokens_details": {"audio_tokens": 0, "text_tokens": prompt},
                "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0, "text_tokens": completion},
            },
            "credits": {
                "total_credits": round(credits_in + credits_out, 8),
                "text_input_credits": round(credits_in, 8),
                "text_output_credits": round(credits_out, 8),
                "audio_input_credits": 0.0,
                "audio_output_credits": 0.0,
            },
        }

    async def _message(self, ctx: Ctx) -> httpx.Response:
        body = ctx.body_dict()
        conv = self.conversations.get(str(body.get("conversation_id") or ""))
        if conv is None:
            return self.error(40356, "conversation does not exist")
        mode = body.get("response_mode")
        if mode not in ("blocking", "streaming", "webhook"):
            return self.error(40000, "parameter error: response_mode must be blocking, streaming or webhook")
        messages = body.get("messages")
        if (
            not isinstance(messages, list)
            or not messages
            or not isinstance(messages[-1], dict)
            or messages[-1].get("role") != "user"
        ):
            return self.error(40000, "parameter error: messages must end with a user message")
        question = (self._texts([messages[-1]]) or [""])[-1]
        answer = self._reply(question)
        prompt = estimate_tokens(" ".join(self._texts(messages)))
        completion = estimate_tokens(answer)
        usage = self._usage(prompt, completion)
        ctx.reply_tokens = completion
        ctx.credits = usage["credits"]["total_credits"]
        message_id = uuid.uuid4().hex[:24]
        conv["messages"].append(
            {
                "message_id": message_id,
                "question": question,
                "answer": answer,
                "create_time": int(self.wall_clock() * 1000),
            }
        )
        if mode != "streaming":
            return self.json_response(
                {
                    "create_time": int(self.wall_clock()),
                    "conversation_id": body["conversation_id"],
                    "message_id": message_id,
                    "output": [
                        {"from_component_branch": "1", "from_component_name": "LLM", "content": {"text": answer}}
                    ],
                    "usage": usage,
                }
            )
        if self.stream_chunks:
            n = self.stream_chunks
            pieces = (
                [answer] * n
                if len(answer) < n
                else [answer[i : i + -(-len(answer) // n)] for i in range(0, len(answer), -(-len(answer) // n))]
            )
        else:
            pieces = word_pieces(answer)
        prefix = b"data: " if self.stream_prefix else b""
        end = b"\n\n" if self.stream_prefix else b"\n"

        def line(code: int, message: str, data: Any) -> bytes:
            return prefix + self.json_bytes({"code": code, "message": message, "data": data}) + end

        async def events() -> AsyncIterator[bytes]:
            yield line(11, "MessageInfo", {"message_id": message_id})
            for piece in pieces:
                yield line(3, "Text", piece)
            yield line(4, "Cost", usage["tokens"])  # tokens only, no credits (providers-api.md §B.4)
            yield line(0, "End", None)

        return self.stream_response(events(), content_type="text/event-stream; charset=utf-8")
