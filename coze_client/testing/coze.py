"""A stateful fake Coze Open API server, faithful to the Coze API documentation.

Bots answer chats (scripted replies or an echo), conversations and messages persist, chats move
``created -> in_progress -> completed`` (or ``failed`` / ``requires_action`` when scripted) as they
are polled, streams emit the event sequences of the Coze chat, workflow stream and chatflow pages with
the real framing, workflows run, stream, interrupt and resume, datasets and documents process over
time, uploads return file ids. Every answer carries the real envelope ``{code, msg, data, detail{logid}}`` and the
``x-tt-logid`` header; the odd envelopes of the Coze API overview are kept (messages list at the top level, modify under
``message``, documents at the top level, workflow ``data`` as a string, process ``data.data``, run
history as a one-element list, speech as raw bytes).

Examples:
    ```python
    fake = FakeCoze()
    fake.bot("bot_1", replies=["hello"])
    # BotScript(...)
    with fake.mock():       # any async httpx client now reaches the fake
        pass
    ```
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from ..limits.plans import Limit, Plan, Quota
from ._core import Ctx, FakeServer, word_pieces
from .enforcement import Clock, Rejection, estimate_tokens
from .faults import Fault

__all__ = ["BotScript", "ChatScript", "FakeCoze", "WorkflowScript"]

MB = 1024 * 1024
# coze-api.md §2.4 / plans.md: request body limits: workflow APIs 20 MB, all others 15 MB.
BODY_LIMIT = 15 * MB
WORKFLOW_BODY_LIMIT = 20 * MB
# coze-api.md §5.8: one file per upload, at most 512 MB.
UPLOAD_LIMIT = 512 * MB

_WORKFLOW_GROUP_PATHS = ("/v1/workflow/run", "/v1/workflow/stream_run", "/v1/workflows/chat")
_RUN_HISTORY = re.compile(r"^/v1/workflows/[^/]+/run_histories/[^/]+(/execute_nodes/[^/]+)?$")
_WORKFLOW_BODY_PATHS = (
    "/v1/workflow/run",
    "/v1/workflow/stream_run",
    "/v1/workflow/stream_resume",
    "/v1/workflows/resume",
    "/v1/workflows/chat",
)
_FINAL = ("completed", "failed", "requires_action", "canceled")
# coze-api.md §2.4: benefits' basic_info.user_level per plan (free / personal advanced / team / enterprise).
_USER_LEVELS = {
    "coze.personal_free": "free",
    "coze.personal_paid": "pro_personal",
    "coze.enterprise_standard": "team",
    "coze.enterprise_flagship": "enterprise",
    "coze.basic": "free",
    "coze.pro": "v1_pro_instance",
}


@dataclass
class BotScript:
    """How a fake bot answers. ``replies`` cycle chat by chat; None means echo the last user message.

    ``stream_chunks`` fixes the number of ``message.delta`` events (a reply shorter than that is
    repeated, one copy per delta, so a benchmark can ask for 20,000 events). ``polls`` retrieves and
    ``delay`` fake-clock seconds pass before a non-stream chat completes. ``follow_ups`` become
    ``follow_up`` messages; ``reasoning`` streams ``reasoning_content`` first.
    """

    bot_id: str
    replies: list[str] | None = None
    stream_chunks: int | None = None
    polls: int = 1
    delay: float = 0.0
    follow_ups: list[str] = field(default_factory=list)
    reasoning: str | None = None
    name: str = "Fake bot"
    description: str = "A bot of the fake Coze server"
    _turn: int = 0

    def reply_for(self, question: str) -> str:
        """The next reply (cycling through ``replies``) or the echo of ``question``."""
        if not self.replies:
            return question
        text = self.replies[self._turn % len(self.replies)]
        self._turn += 1
        return text

    def pieces(self, text: str) -> list[str]:
        """How ``text`` is split into ``message.delta`` contents."""
        if self.stream_chunks is None:
            return word_pieces(text)
        n = max(1, self.stream_chunks)
        if len(text) < n:
            return [text] * n
        size, extra = divmod(len(text), n)
        out: list[str] = []
        start = 0
        for i in range(n):
            end = start + size + (1 if i < extra else 0)
            out.append(text[start:end])
            start = end
        return out


@dataclass
class ChatScript:
    """A one-off outcome for the next chat(s): ``failed`` (``(code, msg)``), ``requires_action``
    (tool calls ``[{"name": ..., "arguments": {...}}]``) or ``error`` (``(code, msg)``: a stream sends
    an ``error`` event after ``in_progress`` and ends; a polled chat fails with it); ``times`` chats
    use it."""

    failed: tuple[int, str] | None = None
    requires_action: list[dict[str, Any]] | None = None
    error: tuple[int, str] | None = None
    bot_id: str | None = None
    times: int = 1


@dataclass
class WorkflowScript:
    """How a fake workflow runs.

    ``output`` is the end node's output (JSON-serialised into the blocking ``data`` string; default:
    the input parameters). ``interrupt`` makes the run stop at a question node with that prompt
    (resumed via stream_resume / resume; ``resume_output`` then ends it). ``messages`` are extra
    Message events before the end node; ``error`` is ``(code, msg)`` for an Error event; ``ping_every``
    inserts a PING after that many events; ``async_polls`` run-history polls until an async run
    succeeds. ``duration`` (real seconds) is how long a blocking run takes: past the fake's
    ``workflow_cutoff`` the server drops the connection without an answer, as the real one does at 90 s.
    """

    workflow_id: str
    output: Any = None
    interrupt: str | None = None
    resume_output: Any = None
    messages: list[str] = field(default_factory=list)
    error: tuple[int, str] | None = None
    ping_every: int = 0
    async_polls: int = 1
    name: str = "fake_workflow"
    mode: str = "workflow"
    replies: list[str] | None = None
    duration: float = 0.0


class FakeCoze(FakeServer):
    """The fake Coze server (see the module docstring).

    Args:
        tokens: valid bearer tokens; None accepts any non-empty token (a missing or unknown one
            gets 4100 with HTTP 401).
        plan: a plan or preset name to enforce (``"coze.personal_free"``), or custom ``limits`` /
            ``quotas`` records.
        throttle_status: HTTP status of throttling answers (429 by default; the docs never say, so a
            client must classify on the envelope ``code`` first: the Coze error-code page).
        throttle_code: force one throttle code; by default per-minute limits answer 4020 (over the
            RPM peak) and per-second ones 4009 (system request limit).
        lockout_code: the code once a lock-out quota is used up (4011, balance too low: an assumption,
            the reference names no code); daily quotas answer 4008.
        sse_space: frame SSE as ``event: x`` (True) or ``event:x`` (False, the default; both occur).
        strict: unknown bots answer 4006 and unknown workflows 4200 instead of echoing.
        body_limit: request body size cap (15 MB).
        workflow_body_limit: workflow body size cap (20 MB).
        upload_limit: file upload size cap (512 MB).
        retry_after_header: add ``Retry-After`` to throttled answers (off: Coze documents none).
    """

    provider = "coze"
    base_urls = ("https://api.coze.cn", "https://api.coze.com")
    leave_paths = ("/api/permission/oauth2/",)  # FakeOAuth's, so both mount on respx in any order

    def __init__(
        self,
        *,
        tokens: Sequence[str] | None = None,
        plan: Plan | str | None = None,
        limits: Sequence[Limit] = (),
        quotas: Sequence[Quota] = (),
        clock: Clock | None = None,
        wall_clock: Clock | None = None,
        count_rejected: bool = True,
        enforce: bool = True,
        throttle_status: int = 429,
        throttle_code: int | None = None,
        lockout_code: int = 4011,
        sse_space: bool = False,
        strict: bool = False,
        body_limit: int = BODY_LIMIT,
        workflow_body_limit: int = WORKFLOW_BODY_LIMIT,
        upload_limit: int = UPLOAD_LIMIT,
        base_urls: Sequence[str] | None = None,
        retry_after_header: bool = False,
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
            retry_after_header=retry_after_header,
        )
        self.tokens = set(tokens) if tokens is not None else None
        self.throttle_status = throttle_status
        self.throttle_code = throttle_code
        self.lockout_code = lockout_code
        self.sse_space = sse_space
        self.strict = strict
        self.body_limit = body_limit
        self.workflow_body_limit = workflow_body_limit
        self.upload_limit = upload_limit
        self.bots: dict[str, BotScript] = {}
        self.workflows: dict[str, WorkflowScript] = {}
        self.chat_scripts: list[ChatScript] = []
        self.conversations: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}  # conversation id -> its messages, oldest first
        self.chats: dict[str, dict[str, Any]] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self.feedback: dict[str, dict[str, Any]] = {}
        self.executions: dict[str, dict[str, Any]] = {}
        self.datasets: dict[str, dict[str, Any]] = {}
        self.documents: dict[str, dict[str, Any]] = {}
        self.voices: dict[str, dict[str, Any]] = {}
        self.voiceprint_groups: dict[str, dict[str, Any]] = {}
        self.features: dict[str, dict[str, Any]] = {}
        self.workspace_id = "7350000000000000001"
        self.user: dict[str, str] = {
            "user_id": "7340000000000000001",
            "user_name": "fake_user",
            "nick_name": "Fake User",
            "avatar_url": "https://example.invalid/avatar.png",
        }
        # The account level benefits report; "free" also refuses is_async workflow runs (6003).
        plan_name = self.enforcer.plan.name if self.enforcer is not None and self.enforcer.plan else ""
        self.user_level = _USER_LEVELS.get(plan_name, "free")
        self.document_process_seconds = 2.0
        # coze-api.md §5.5: a blocking workflow run is cut at 90 s without a response. Lower it in tests.
        self.workflow_cutoff = 90.0
        self._ids = itertools.count(7_400_000_000_000_000_001)
        self._chat_tasks: dict[str, dict[str, Any]] = {}
        self._register()

    # -- scripting ----------------------------------------------------------------------------
    def bot(self, bot_id: str, *, replies: Sequence[str] | None = None, **options: Any) -> BotScript:
        """Script a bot: ``replies`` cycle; options are `BotScript` fields."""
        script = BotScript(bot_id, list(replies) if replies is not None else None, **options)
        self.bots[bot_id] = script
        return script

    def script_chat(
        self,
        *,
        failed: tuple[int, str] | bool | None = None,
        requires_action: Sequence[dict[str, Any]] | bool | None = None,
        error: tuple[int, str] | None = None,
        bot_id: str | None = None,
        times: int = 1,
    ) -> ChatScript:
        """Make the next ``times`` chats (of ``bot_id``, or any) fail, error or require a tool call.

        ``failed=True`` is ``(5000, "event interval error")``, the failure seen in the wild;
        ``requires_action=True`` asks for one ``get_weather`` call.
        """
        if failed is True:
            failed = (5000, "event interval error")
        if requires_action is True:
            requires_action = [{"name": "get_weather", "arguments": {"city": "Beijing"}}]
        script = ChatScript(
            failed=failed or None,  # type: ignore[arg-type]
            requires_action=list(requires_action) if requires_action else None,
            error=error,
            bot_id=bot_id,
            times=times,
        )
        self.chat_scripts.append(script)
        return script

    def workflow(
        self, workflow_id: str, *, output: Any = None, interrupt: str | None = None, **options: Any
    ) -> WorkflowScript:
        """Script a workflow (options are `WorkflowScript` fields)."""
        script = WorkflowScript(workflow_id, output=output, interrupt=interrupt, **options)
        self.workflows[workflow_id] = script
        return script

    # -- envelope -----------------------------------------------------------------------------
    def new_id(self) -> str:
        """A fresh int64 id as a string (Coze ids are int64 sent as strings)."""
        return str(next(self._ids))

    def now(self) -> int:
        """Unix seconds for ``created_at`` fields."""
        return int(self.wall_clock())

    def ok(self, data: Any = None, *, extra: dict[str, Any] | None = None, with_data: bool = True) -> httpx.Response:
        """A success envelope (``data`` omitted when ``with_data`` is False)."""
        logid = self.logid()
        body: dict[str, Any] = {"code": 0, "msg": ""}
        if with_data:
            body["data"] = data
        if extra:
            body.update(extra)
        body["detail"] = {"logid": logid}
        return self.json_response(body, headers={"x-tt-logid": logid})

    def error(self, code: int, msg: str, *, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
        """An error envelope ``{code, msg, detail{logid}}`` (HTTP 200 unless said otherwise)."""
        logid = self.logid()
        hdrs = {"x-tt-logid": logid}
        if headers:
            hdrs.update(headers)
        return self.json_response({"code": code, "msg": msg, "detail": {"logid": logid}}, status=status, headers=hdrs)

    def error_code_of(self, response: httpx.Response) -> int | None:
        if not response.headers.get("content-type", "").startswith("application/json"):
            return None
        try:
            body = json.loads(response.content)
        except (ValueError, httpx.ResponseNotRead):
            return None
        return body.get("code") if isinstance(body, dict) else None

    # -- hooks --------------------------------------------------------------------------------
    def authenticate(self, ctx: Ctx) -> httpx.Response | None:
        token = ctx.token
        if not token or (self.tokens is not None and token not in self.tokens):
            return self.error(4100, "authentication is invalid", status=401)
        return None

    def groups_for(self, ctx: Ctx) -> tuple[str, ...]:
        path = ctx.path
        if path == "/v3/chat":
            return ("chat", "model")
        if path in _WORKFLOW_GROUP_PATHS:
            return ("workflow", "model")
        if path == "/v1/files/upload":
            return ("upload",)
        if _RUN_HISTORY.match(path):
            return ("workflow",)
        return ()

    def request_tokens(self, ctx: Ctx) -> int:
        if ctx.path != "/v3/chat" or self.enforcer is None or not self.enforcer.limits:
            return 0
        return sum(estimate_tokens(str(m.get("content", ""))) for m in ctx.body_dict().get("additional_messages") or [])

    def check_request(self, ctx: Ctx) -> httpx.Response | None:
        size = len(ctx.body)
        if ctx.path == "/v1/files/upload":
            return None  # judged by the upload handler (512 MB, 4302)
        cap = self.workflow_body_limit if ctx.path in _WORKFLOW_BODY_PATHS else self.body_limit
        if size > cap:
            return self.error(4000, f"request body too large: {size} bytes > {cap}", status=413)
        return None

    def rejection_response(self, ctx: Ctx, rejection: Rejection) -> httpx.Response:
        if rejection.kind == "lockout" or (rejection.kind == "quota" and rejection.period == "ever"):
            return self.error(self.lockout_code, f"free API quota used up ({rejection.name}); API access is locked")
        if rejection.kind == "quota":
            return self.error(4008, "user rate limited: daily usage count exhausted, try tomorrow")
        code = self.throttle_code
        if code is None:
            code = 4020 if (rejection.window or 0) >= 60 else 4009
        msg = (
            "the request exceeds the purchased RPM peak"
            if code == 4020
            else "system request limit reached, please retry later"
        )
        return self.error(code, msg, status=self.throttle_status)

    def throttle_response(self, ctx: Ctx, fault: Fault) -> httpx.Response:
        code = fault.code or 4009
        return self.error(code, "system request limit reached, please retry later", status=self.throttle_status)

    def not_found(self, ctx: Ctx, path_known: bool) -> httpx.Response:
        if path_known:
            return self.error(4000, f"method {ctx.method} not allowed for {ctx.path}", status=405)
        return self.error(4200, "resource not found", status=404)

    # -- routes -------------------------------------------------------------------------------
    def _register(self) -> None:
        r = self.route
        r("POST", "/v3/chat", self._chat_create)
        r("GET", "/v3/chat/retrieve", self._chat_retrieve)
        r("POST", "/v3/chat/retrieve", self._chat_retrieve_post)
        r("GET", "/v3/chat/message/list", self._chat_messages)
        r("POST", "/v3/chat/submit_tool_outputs", self._submit_tool_outputs)
        r("POST", "/v3/chat/cancel", self._chat_cancel)
        r("POST", "/v1/conversation/create", self._conv_create)
        r("GET", "/v1/conversation/retrieve", self._conv_retrieve)
        r("GET", "/v1/conversations", self._conv_list)
        r("PUT", "/v1/conversations/{cid}", self._conv_update)
        r("DELETE", "/v1/conversations/{cid}", self._conv_delete)
        r("POST", "/v1/conversations/{cid}/clear", self._conv_clear)
        r("POST", "/v1/conversation/message/create", self._msg_create)
        r("POST", "/v1/conversation/message/list", self._msg_list)
        r("GET", "/v1/conversation/message/retrieve", self._msg_retrieve)
        r("POST", "/v1/conversation/message/modify", self._msg_modify)
        r("POST", "/v1/conversation/message/delete", self._msg_delete)
        r("POST", "/v1/conversations/{cid}/messages/{mid}/feedback", self._feedback_create)
        r("DELETE", "/v1/conversations/{cid}/messages/{mid}/feedback", self._feedback_delete)
        r("POST", "/v1/files/upload", self._file_upload)
        r("GET", "/v1/files/retrieve", self._file_retrieve)
        r("POST", "/v1/workflow/run", self._wf_run)
        r("POST", "/v1/workflow/stream_run", self._wf_stream_run)
        r("POST", "/v1/workflow/stream_resume", self._wf_stream_resume)
        r("POST", "/v1/workflows/resume", self._wf_resume)
        r("GET", "/v1/workflows/{wid}/run_histories/{eid}", self._wf_history)
        r("GET", "/v1/workflows/{wid}/run_histories/{eid}/execute_nodes/{nid}", self._wf_node)
        r("POST", "/v1/workflows/chat", self._wf_chat)
        r("GET", "/v1/workflows", self._wf_list)
        r("GET", "/v1/workflows/{wid}", self._wf_retrieve)
        r("GET", "/v1/workflows/{wid}/versions", self._wf_versions)
        r("POST", "/v1/datasets", self._ds_create)
        r("GET", "/v1/datasets", self._ds_list)
        r("PUT", "/v1/datasets/{did}", self._ds_update)
        r("DELETE", "/v1/datasets/{did}", self._ds_delete)
        r("POST", "/v1/datasets/{did}/process", self._ds_process)
        r("GET", "/v1/datasets/{did}/images", self._img_list)
        r("PUT", "/v1/datasets/{did}/images/{doc}", self._img_caption)
        r("POST", "/open_api/knowledge/document/create", self._doc_create)
        r("POST", "/open_api/knowledge/document/update", self._doc_update)
        r("POST", "/open_api/knowledge/document/list", self._doc_list)
        r("POST", "/open_api/knowledge/document/delete", self._doc_delete)
        r("GET", "/v1/audio/voices", self._voices_list)
        r("POST", "/v1/audio/voices/clone", self._voice_clone)
        r("POST", "/v1/audio/speech", self._speech)
        r("POST", "/v1/audio/transcriptions", self._transcribe)
        r("POST", "/v1/audio/rooms", self._room)
        r("POST", "/v1/audio/voiceprint_groups", self._vpg_create)
        r("GET", "/v1/audio/voiceprint_groups", self._vpg_list)
        r("PUT", "/v1/audio/voiceprint_groups/{gid}", self._vpg_update)
        r("DELETE", "/v1/audio/voiceprint_groups/{gid}", self._vpg_delete)
        r("POST", "/v1/audio/voiceprint_groups/{gid}/features", self._feat_create)
        r("GET", "/v1/audio/voiceprint_groups/{gid}/features", self._feat_list)
        r("PUT", "/v1/audio/voiceprint_groups/{gid}/features/{fid}", self._feat_update)
        r("DELETE", "/v1/audio/voiceprint_groups/{gid}/features/{fid}", self._feat_delete)
        r("POST", "/v1/audio/voiceprint_groups/{gid}/speaker_identify", self._speaker_identify)
        r("GET", "/v1/bots", self._bots_list)
        r("GET", "/v1/bots/{bid}", self._bot_retrieve)
        r("GET", "/v1/users/me", self._users_me)
        r("GET", "/v1/workspaces", self._workspaces)
        r("GET", "/v1/commerce/benefit/benefits/get", self._benefits)

    # -- SSE ------------------------------------------------------------------------------------
    def _sse(self, event: str, data: Any, event_id: int | None = None) -> bytes:
        sep = ": " if self.sse_space else ":"
        payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        head = f"id{sep}{event_id}\n" if event_id is not None else ""
        return f"{head}event{sep}{event}\ndata{sep}{payload}\n\n".encode()

    def _sse_response(self, chunks: AsyncIterator[bytes]) -> httpx.Response:
        logid = self.logid()
        return self.stream_response(chunks, headers={"x-tt-logid": logid})

    # -- chat -----------------------------------------------------------------------------------
    def _message(
        self,
        conv_id: str,
        bot_id: str,
        chat_id: str,
        role: str,
        type_: str,
        content: str,
        content_type: str = "text",
        meta: dict[str, Any] | None = None,
        section_id: str = "",
        message_id: str | None = None,
    ) -> dict[str, Any]:
        now = self.now()
        return {
            "id": message_id or self.new_id(),
            "conversation_id": conv_id,
            "bot_id": bot_id,
            "chat_id": chat_id,
            "meta_data": meta or {},
            "role": role,
            "content": content,
            "content_type": content_type,
            "created_at": now,
            "updated_at": now,
            "type": type_,
            "section_id": section_id,
            "reasoning_content": "",
        }

    def _new_conversation(
        self, bot_id: str | None, *, name: str = "", meta: dict[str, Any] | None = None, connector_id: str = "1024"
    ) -> dict[str, Any]:
        now = self.now()
        conv: dict[str, Any] = {
            "id": self.new_id(),
            "created_at": now,
            "updated_at": now,
            "meta_data": meta or {},
            "last_section_id": self.new_id(),
            "name": name,
            "creator_id": self.user["user_id"],
            "connector_id": connector_id,
            "_bot_id": bot_id or "",
        }
        self.conversations[conv["id"]] = conv
        self.messages[conv["id"]] = []
        return conv

    @staticmethod
    def _public(obj: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in obj.items() if not k.startswith("_")}

    @staticmethod
    def _text_of(message: dict[str, Any]) -> str:
        content = message.get("content", "")
        if message.get("content_type") == "object_string" and isinstance(content, str):
            try:
                parts = json.loads(content)
                return " ".join(
                    str(p.get("text", "")) for p in parts if isinstance(p, dict) and p.get("type") == "text"
                )
            except ValueError:
                return content
        return content if isinstance(content, str) else json.dumps(content)

    def _take_chat_script(self, bot_id: str) -> ChatScript | None:
        for script in self.chat_scripts:
            if script.times > 0 and (script.bot_id is None or script.bot_id == bot_id):
                script.times -= 1
                if script.times == 0:
                    self.chat_scripts.remove(script)
                return script
        return None

    def _chat_obj(self, chat: dict[str, Any]) -> dict[str, Any]:
        return self._public(chat)

    async def _chat_create(self, ctx: Ctx) -> httpx.Response:
        body = ctx.body_dict()
        bot_id = str(body.get("bot_id") or "")
        if not bot_id or not body.get("user_id"):
            return self.error(4000, "invalid parameter: bot_id and user_id are required")
        if self.strict and bot_id not in self.bots:
            return self.error(4006, "invalid bot")
        stream = bool(body.get("stream", False))
        auto_save = bool(body.get("auto_save_history", True))
        if not stream and not auto_save:
            return self.error(4007, "stream=false is only allowed with auto_save_history=true")
        meta = body.get("meta_data") or {}
        if len(meta) > 16 or any(len(str(k)) > 64 or len(str(v)) > 512 for k, v in meta.items()):
            return self.error(4003, "meta_data exceeds its limit")
        additional = body.get("additional_messages") or []
        if len(additional) > 100:
            return self.error(4004, "additional_messages exceeds its limit")
        problem = self._check_enter_messages(additional, auto_save)
        if problem is not None:
            return problem
        if body.get("publish_status") == "unpublished_draft" and body.get("bot_version"):
            return self.error(4000, "invalid parameter: bot_version cannot be used with unpublished_draft")
        shortcut = body.get("shortcut_command")
        if shortcut is not None and (not isinstance(shortcut, dict) or not shortcut.get("command_id")):
            return self.error(4000, "invalid parameter: shortcut_command.command_id is required")
        conv_id = ctx.query.get("conversation_id")
        if conv_id:
            if conv_id not in self.conversations:
                return self.error(4002, "invalid conversation")
            if any(
                c["conversation_id"] == conv_id and c["status"] in ("created", "in_progress")
                for c in self.chats.values()
            ):
                return self.error(4016, "a chat is already in progress in this conversation")
            conv = self.conversations[conv_id]
        else:
            conv = self._new_conversation(bot_id)
        conv_id = conv["id"]
        chat_id = self.new_id()
        section = conv["last_section_id"]
        question = ""
        for m in additional:
            msg = self._message(
                conv_id,
                bot_id,
                chat_id,
                str(m.get("role", "user")),
                str(m.get("type") or ("question" if m.get("role", "user") == "user" else "answer")),
                m.get("content", "") if isinstance(m.get("content", ""), str) else json.dumps(m["content"]),
                str(m.get("content_type") or "text"),
                m.get("meta_data"),
                section,
            )
            if auto_save:
                self.messages[conv_id].append(msg)
            if msg["role"] == "user":
                question = self._text_of(msg)
        bot = self.bots.get(bot_id) or BotScript(bot_id)
        script = self._take_chat_script(bot_id)
        chat = {
            "id": chat_id,
            "conversation_id": conv_id,
            "bot_id": bot_id,
            "created_at": self.now(),
            "meta_data": meta,
            "status": "created",
            "section_id": section,
        }
        task = {
            "bot": bot,
            "script": script,
            "question": question,
            "auto_save": auto_save,
            "polls": 0,
            "started": self.clock(),
            "answer": None,
            "history": sum(estimate_tokens(self._text_of(m)) for m in additional),
        }
        self.chats[chat_id] = chat
        self._chat_tasks[chat_id] = task
        if not stream:
            chat["status"] = "in_progress"
            return self.ok(self._chat_obj(chat))
        return self._sse_response(self._chat_events(chat, task))

    def _check_enter_messages(self, messages: list[Any], auto_save: bool) -> httpx.Response | None:
        """EnterMessage rules of the Coze chat page (4000 when broken)."""
        for m in messages:
            if not isinstance(m, dict) or m.get("role") not in ("user", "assistant"):
                return self.error(4000, "invalid parameter: every message needs role user or assistant")
            # The documented default is "question", which only a user may send; an assistant message
            # without a type is taken as an answer (the reference has no evidence the server refuses it).
            kind = m.get("type") or ("question" if m["role"] == "user" else "answer")
            if kind == "question" and m["role"] != "user":
                return self.error(4000, "invalid parameter: type question needs role user")
            if auto_save and kind not in ("question", "answer"):
                return self.error(4000, "invalid parameter: only question and answer messages can be saved")
            if m.get("content") not in (None, "") and m.get("content_type") not in ("text", "object_string", "card"):
                return self.error(4000, "invalid parameter: content_type is required with content")
            if m.get("content_type") == "object_string":
                try:
                    parts = json.loads(m.get("content") or "")
                except (TypeError, ValueError):
                    return self.error(4000, "invalid parameter: object_string content must be a JSON array")
                if not isinstance(parts, list) or not all(
                    isinstance(p, dict)
                    and p.get("type") in ("text", "file", "image", "audio")
                    and (p["type"] == "text" or p.get("file_id") or p.get("file_url"))
                    for p in parts
                ):
                    return self.error(4000, "invalid parameter: object_string items need a type and a file_id/file_url")
        return None

    def _finish_chat(self, chat: dict[str, Any], task: dict[str, Any]) -> list[dict[str, Any]]:
        """Move a chat to its final state; returns the messages it produced (in order)."""
        script: ChatScript | None = task["script"]
        bot: BotScript = task["bot"]
        conv_id, chat_id, bot_id = chat["conversation_id"], chat["id"], chat["bot_id"]
        section = chat.get("section_id", "")
        produced: list[dict[str, Any]] = []
        now = self.now()
        if script is not None and (script.failed or script.error) is not None:
            code, msg = script.failed or script.error  # type: ignore[misc]
            chat["status"] = "failed"
            chat["failed_at"] = now
            chat["last_error"] = {"code": code, "msg": msg}
            chat["usage"] = {"token_count": 0, "output_count": 0, "input_count": 0}
            return produced
        if script is not None and script.requires_action is not None and not task.get("tool_outputs"):
            calls: list[dict[str, Any]] = []
            for call in script.requires_action:
                calls.append(
                    {
                        "id": self.new_id(),
                        "type": "function",
                        "function": {
                            "name": call.get("name", "tool"),
                            "arguments": json.dumps(call.get("arguments", {}), ensure_ascii=False),
                        },
                    }
                )
            fc = self._message(
                conv_id,
                bot_id,
                chat_id,
                "assistant",
                "function_call",
                json.dumps(
                    {"name": calls[0]["function"]["name"], "arguments": json.loads(calls[0]["function"]["arguments"])},
                    ensure_ascii=False,
                ),
                section_id=section,
            )
            produced.append(fc)
            chat["status"] = "requires_action"
            chat["required_action"] = {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": calls}}
            chat["usage"] = {"token_count": task["history"], "output_count": 0, "input_count": task["history"]}
            task["produced"] = produced
            return produced
        question = task["question"]
        if task.get("tool_outputs"):
            question = " ".join(str(t.get("output", "")) for t in task["tool_outputs"])
        answer_text = task["answer"] if task["answer"] is not None else bot.reply_for(question)
        task["answer"] = answer_text
        pieces = bot.pieces(answer_text)
        full = "".join(pieces)
        answer = self._message(conv_id, bot_id, chat_id, "assistant", "answer", full, section_id=section)
        if bot.reasoning:
            answer["reasoning_content"] = bot.reasoning
        produced.append(answer)
        verbose = self._message(
            conv_id,
            bot_id,
            chat_id,
            "assistant",
            "verbose",
            json.dumps(
                {
                    "msg_type": "generate_answer_finish",
                    "data": '{"finish_reason":0,"FinData":""}',
                    "from_module": None,
                    "from_unit": None,
                }
            ),
            section_id=section,
        )
        produced.append(verbose)
        for text in bot.follow_ups:
            produced.append(self._message(conv_id, bot_id, chat_id, "assistant", "follow_up", text, section_id=section))
        out_tokens = estimate_tokens(full) + estimate_tokens(bot.reasoning or "")
        in_tokens = max(1, task["history"])
        chat["status"] = "completed"
        chat["completed_at"] = now
        chat["usage"] = {"token_count": in_tokens + out_tokens, "output_count": out_tokens, "input_count": in_tokens}
        chat.pop("required_action", None)
        task["produced"] = task.get("produced", []) + produced
        task["pieces"] = pieces
        if task["auto_save"]:
            self.messages[conv_id].append(answer)
        self.conversations.get(conv_id, {})["updated_at"] = now
        return produced

    async def _chat_events(
        self, chat: dict[str, Any], task: dict[str, Any], resumed: bool = False
    ) -> AsyncIterator[bytes]:
        sse = self._sse
        if not resumed:
            chat["status"] = "created"
            yield sse("conversation.chat.created", self._chat_obj(chat))
        chat["status"] = "in_progress"
        yield sse("conversation.chat.in_progress", self._chat_obj(chat))
        script: ChatScript | None = task["script"]
        if script is not None and script.error is not None and not resumed:
            # coze-api.md §6.1: an ``error`` event {code, msg} ends the stream (no chat.failed, no done).
            self._finish_chat(chat, task)
            yield sse("error", {"code": script.error[0], "msg": script.error[1]})
            return
        produced = self._finish_chat(chat, task)
        if chat["status"] == "failed":
            yield sse("conversation.chat.failed", self._chat_obj(chat))
            return
        if chat["status"] == "requires_action":
            for msg in produced:
                yield sse("conversation.message.completed", msg)
            yield sse("conversation.chat.requires_action", self._chat_obj(chat))
            yield sse("done", '"[DONE]"')
            return
        answer = produced[0]
        bot: BotScript = task["bot"]
        if bot.reasoning:
            delta = dict(answer, content="", reasoning_content=bot.reasoning)
            yield sse("conversation.message.delta", delta)
        # Build delta events from one template: thousands of events must stay cheap (benchmarks).
        template = dict(answer, content="\x00PIECE\x00", reasoning_content="")
        sep = ": " if self.sse_space else ":"
        prefix, suffix = json.dumps(template, ensure_ascii=False, separators=(",", ":")).split('"\\u0000PIECE\\u0000"')
        head = f"event{sep}conversation.message.delta\ndata{sep}{prefix}"
        for piece in task["pieces"]:
            yield (head + json.dumps(piece, ensure_ascii=False) + suffix + "\n\n").encode()
        for msg in produced:
            yield sse("conversation.message.completed", msg)
        yield sse("conversation.chat.completed", self._chat_obj(chat))
        yield sse("done", '"[DONE]"')

    def _advance(self, chat: dict[str, Any]) -> None:
        task = self._chat_tasks.get(chat["id"])
        if task is None or chat["status"] not in ("created", "in_progress"):
            return
        task["polls"] += 1
        bot: BotScript = task["bot"]
        if task["polls"] >= bot.polls and self.clock() - task["started"] >= bot.delay:
            self._finish_chat(chat, task)

    def _find_chat(self, ctx: Ctx, source: dict[str, Any]) -> dict[str, Any] | httpx.Response:
        conv_id, chat_id = source.get("conversation_id"), source.get("chat_id")
        if not conv_id or not chat_id:
            return self.error(4000, "invalid parameter: conversation_id and chat_id are required")
        chat = self.chats.get(str(chat_id))
        if chat is None or chat["conversation_id"] != str(conv_id):
            return self.error(4001, "invalid chat")
        return chat

    async def _chat_retrieve(self, ctx: Ctx) -> httpx.Response:
        chat = self._find_chat(ctx, ctx.query)
        if isinstance(chat, httpx.Response):
            return chat
        self._advance(chat)
        return self.ok(self._chat_obj(chat))

    async def _chat_retrieve_post(self, ctx: Ctx) -> httpx.Response:
        # coze-api.md §5.2/§9.6: the spec says GET; cozepy 0.20.0 sends POST with query parameters.
        # The fake tolerates it (answering like GET) so cozepy's create_and_poll works, and records it:
        # a test can assert no POST retrieve was sent by *our* client (fake.find("POST", "/v3/chat/retrieve")).
        return await self._chat_retrieve(ctx)

    async def _chat_messages(self, ctx: Ctx) -> httpx.Response:
        chat = self._find_chat(ctx, ctx.query)
        if isinstance(chat, httpx.Response):
            return chat
        task = self._chat_tasks.get(chat["id"], {})
        return self.ok(list(task.get("produced", [])))

    async def _submit_tool_outputs(self, ctx: Ctx) -> httpx.Response:
        chat = self._find_chat(ctx, ctx.query)
        if isinstance(chat, httpx.Response):
            return chat
        body = ctx.body_dict()
        outputs = body.get("tool_outputs")
        if not outputs or not all(isinstance(o, dict) and o.get("tool_call_id") and "output" in o for o in outputs):
            return self.error(4000, "invalid parameter: tool_outputs[{tool_call_id, output}] required")
        if chat["status"] != "requires_action":
            return self.error(4000, "the chat does not require action")
        task = self._chat_tasks[chat["id"]]
        if not task["auto_save"]:
            return self.error(5000, "internal error: tool outputs need auto_save_history=true")
        known = {c["id"] for c in chat["required_action"]["submit_tool_outputs"]["tool_calls"]}
        if any(o["tool_call_id"] not in known for o in outputs):
            return self.error(4000, "invalid parameter: unknown tool_call_id")
        task["tool_outputs"] = outputs
        task["produced"].append(
            self._message(
                chat["conversation_id"],
                chat["bot_id"],
                chat["id"],
                "assistant",
                "tool_response",
                str(outputs[0].get("output", "")),
                section_id=chat.get("section_id", ""),
            )
        )
        chat.pop("required_action", None)
        if body.get("stream"):
            return self._sse_response(self._chat_events(chat, task, resumed=True))
        chat["status"] = "in_progress"
        task["polls"] = 0
        task["started"] = self.clock()
        return self.ok(self._chat_obj(chat))

    async def _chat_cancel(self, ctx: Ctx) -> httpx.Response:
        chat = self._find_chat(ctx, ctx.body_dict())
        if isinstance(chat, httpx.Response):
            return chat
        if chat["status"] in _FINAL:
            return self.error(4104, "the chat cannot be cancelled in its current status")
        chat["status"] = "canceled"
        return self.ok(self._chat_obj(chat))

    # -- conversations --------------------------------------------------------------------------
    def _conv_or_error(self, conv_id: str | None) -> dict[str, Any] | httpx.Response:
        if not conv_id:
            return self.error(4000, "invalid parameter: conversation_id is required")
        conv = self.conversations.get(str(conv_id))
        return conv if conv is not None else self.error(4002, "invalid conversation")

    async def _conv_create(self, ctx: Ctx) -> httpx.Response:
        body = ctx.body_dict()
        name = str(body.get("name") or "")
        if len(name) > 100:
            return self.error(4000, "invalid parameter: name is longer than 100 characters")
        conv = self._new_conversation(
            body.get("bot_id"),
            name=name,
            meta=body.get("meta_data"),
            connector_id=str(body.get("connector_id") or "1024"),
        )
        for m in body.get("messages") or []:
            self.messages[conv["id"]].append(
                self._message(
                    conv["id"],
                    conv["_bot_id"],
                    "",
                    str(m.get("role", "user")),
                    str(m.get("type") or ("question" if m.get("role", "user") == "user" else "answer")),
                    str(m.get("content", "")),
                    str(m.get("content_type") or "text"),
                    m.get("meta_data"),
                    conv["last_section_id"],
                )
            )
        return self.ok(self._public(conv))

    async def _conv_retrieve(self, ctx: Ctx) -> httpx.Response:
        conv = self._conv_or_error(ctx.query.get("conversation_id"))
        return conv if isinstance(conv, httpx.Response) else self.ok(self._public(conv))

    @staticmethod
    def _int(value: Any, default: int) -> int:
        try:
            return int(value)
        except (TypeError, ValueError):
            return default

    async def _conv_list(self, ctx: Ctx) -> httpx.Response:
        q = ctx.query
        bot_id = q.get("bot_id")
        if not bot_id:
            return self.error(4000, "invalid parameter: bot_id is required")
        page_num = self._int(q.get("page_num"), 1)
        page_size = self._int(q.get("page_size"), 50)
        if page_num < 1 or not 1 <= page_size <= 50:  # coze-api.md §5.3: page_size max 50
            return self.error(4000, "invalid parameter: page_num >= 1, page_size 1..50")
        connector = q.get("connector_id", "1024")
        items = [c for c in self.conversations.values() if c["_bot_id"] == bot_id and c["connector_id"] == connector]
        items.sort(key=lambda c: (c["created_at"], int(c["id"])), reverse=q.get("sort_order", "DESC").upper() != "ASC")
        start = (page_num - 1) * page_size
        page = items[start : start + page_size]
        return self.ok({"conversations": [self._public(c) for c in page], "has_more": start + page_size < len(items)})

    async def _conv_update(self, ctx: Ctx) -> httpx.Response:
        conv = self._conv_or_error(ctx.params["cid"])
        if isinstance(conv, httpx.Response):
            return conv
        name = ctx.body_dict().get("name")
        if not isinstance(name, str) or not name or len(name) > 100:
            return self.error(4000, "invalid parameter: name (1..100 characters) is required")
        conv["name"] = name
        conv["updated_at"] = self.now()
        return self.ok(self._public(conv))

    async def _conv_delete(self, ctx: Ctx) -> httpx.Response:
        conv = self._conv_or_error(ctx.params["cid"])
        if isinstance(conv, httpx.Response):
            return conv
        del self.conversations[conv["id"]]
        self.messages.pop(conv["id"], None)
        return self.ok(with_data=False)

    async def _conv_clear(self, ctx: Ctx) -> httpx.Response:
        conv = self._conv_or_error(ctx.params["cid"])
        if isinstance(conv, httpx.Response):
            return conv
        conv["last_section_id"] = self.new_id()
        return self.ok({"id": conv["last_section_id"], "conversation_id": conv["id"]})

    # -- messages -------------------------------------------------------------------------------
    def _msg_or_error(self, ctx: Ctx) -> tuple[dict[str, Any], list[dict[str, Any]]] | httpx.Response:
        conv = self._conv_or_error(ctx.query.get("conversation_id"))
        if isinstance(conv, httpx.Response):
            return conv
        mid = ctx.query.get("message_id")
        msgs = self.messages[conv["id"]]
        for m in msgs:
            if m["id"] == mid:
                return m, msgs
        return self.error(4005, "invalid message")

    async def _msg_create(self, ctx: Ctx) -> httpx.Response:
        conv = self._conv_or_error(ctx.query.get("conversation_id"))
        if isinstance(conv, httpx.Response):
            return conv
        body = ctx.body_dict()
        role, content, ctype = body.get("role"), body.get("content"), body.get("content_type")
        if role not in ("user", "assistant") or not content or ctype not in ("text", "object_string"):
            return self.error(4000, "invalid parameter: role, content and content_type are required")
        msg = self._message(
            conv["id"],
            conv["_bot_id"],
            "",
            role,
            "question" if role == "user" else "answer",
            str(content),
            ctype,
            body.get("meta_data"),
            conv["last_section_id"],
        )
        self.messages[conv["id"]].append(msg)
        return self.ok(msg)

    async def _msg_list(self, ctx: Ctx) -> httpx.Response:
        conv = self._conv_or_error(ctx.query.get("conversation_id"))
        if isinstance(conv, httpx.Response):
            return conv
        body = ctx.body_dict()
        limit = self._int(body.get("limit") or 50, 50)
        if not 1 <= limit <= 50:
            return self.error(4000, "invalid parameter: limit must be 1..50")
        order = str(body.get("order") or "desc").lower()
        items = [m for m in self.messages[conv["id"]] if m["type"] in ("question", "answer")]
        if body.get("chat_id"):
            items = [m for m in items if m["chat_id"] == str(body["chat_id"])]
        if order == "desc":
            items = items[::-1]
        before = str(body.get("before_id") or "0")
        after = str(body.get("after_id") or "0")
        ids = [m["id"] for m in items]
        # Cursors are positions in the listing order: after_id pages forward (pass last_id), before_id
        # pages back (pass first_id); "0" means none (coze-api.md §4, §5.4).
        if after != "0":
            pos = ids.index(after) + 1 if after in ids else len(ids)
            page = items[pos : pos + limit]
            has_more = pos + limit < len(items)
        elif before != "0":
            end = ids.index(before) if before in ids else 0
            start = max(0, end - limit)
            page = items[start:end]
            has_more = start > 0
        else:
            page = items[:limit]
            has_more = limit < len(items)
        logid = self.logid()
        return self.json_response(
            {
                "code": 0,
                "msg": "",
                "data": page,
                "first_id": page[0]["id"] if page else "",
                "last_id": page[-1]["id"] if page else "",
                "has_more": has_more,
                "detail": {"logid": logid},
            },
            headers={"x-tt-logid": logid},
        )

    async def _msg_retrieve(self, ctx: Ctx) -> httpx.Response:
        found = self._msg_or_error(ctx)
        return found if isinstance(found, httpx.Response) else self.ok(found[0])

    async def _msg_modify(self, ctx: Ctx) -> httpx.Response:
        found = self._msg_or_error(ctx)
        if isinstance(found, httpx.Response):
            return found
        msg = found[0]
        body = ctx.body_dict()
        if not body.get("content") and not body.get("meta_data"):
            return self.error(4000, "invalid parameter: content and meta_data cannot both be empty")
        if body.get("content"):
            msg["content"] = str(body["content"])
            msg["content_type"] = str(body.get("content_type") or msg["content_type"])
        if body.get("meta_data"):
            msg["meta_data"] = body["meta_data"]
        msg["updated_at"] = self.now()
        logid = self.logid()
        # coze-api.md §1: modify answers under "message", not "data".
        return self.json_response(
            {"code": 0, "msg": "", "message": msg, "detail": {"logid": logid}}, headers={"x-tt-logid": logid}
        )

    async def _msg_delete(self, ctx: Ctx) -> httpx.Response:
        found = self._msg_or_error(ctx)
        if isinstance(found, httpx.Response):
            return found
        msg, msgs = found
        msgs.remove(msg)
        return self.ok(msg)

    async def _feedback_create(self, ctx: Ctx) -> httpx.Response:
        conv = self._conv_or_error(ctx.params["cid"])
        if isinstance(conv, httpx.Response):
            return conv
        mid = ctx.params["mid"]
        if not any(m["id"] == mid for m in self.messages[conv["id"]]):
            return self.error(4005, "invalid message")
        body = ctx.body_dict()
        if body.get("feedback_type") not in ("like", "unlike"):
            return self.error(4000, "invalid parameter: feedback_type must be like or unlike")
        self.feedback[mid] = body
        return self.ok(with_data=False)

    async def _feedback_delete(self, ctx: Ctx) -> httpx.Response:
        if self.feedback.pop(ctx.params["mid"], None) is None:
            return self.error(4200, "resource not found")
        return self.ok(with_data=False)

    # -- files ----------------------------------------------------------------------------------
    async def _file_upload(self, ctx: Ctx) -> httpx.Response:
        files = ctx.rec.files
        if not files or not files[0].content:
            return self.error(4300, "the uploaded file is empty")
        if len(files) > 1:
            return self.error(4301, "only one file can be uploaded per request")
        upload = files[0]
        if upload.size > self.upload_limit:
            return self.error(4302, f"file is larger than {self.upload_limit} bytes")
        info: dict[str, Any] = {
            "id": self.new_id(),
            "bytes": upload.size,
            "file_name": upload.filename or "file",
            "created_at": self.now(),
        }
        self.files[info["id"]] = dict(info, _content=upload.content)
        return self.ok(info)

    async def _file_retrieve(self, ctx: Ctx) -> httpx.Response:
        info = self.files.get(ctx.query.get("file_id", ""))
        return self.ok(self._public(info)) if info else self.error(4200, "resource not found")

    # -- workflows ------------------------------------------------------------------------------
    def _debug_url(self, wid: str, eid: str) -> str:
        return f"https://www.coze.cn/work_flow?execute_id={eid}&space_id={self.workspace_id}&workflow_id={wid}"

    def _wf_script(self, body: dict[str, Any]) -> WorkflowScript | httpx.Response:
        wid = body.get("workflow_id")
        if not wid:
            return self.error(4000, "invalid parameter: workflow_id is required")
        if body.get("bot_id") and body.get("app_id"):
            return self.error(4000, "invalid parameter: bot_id and app_id cannot both be set")
        script = self.workflows.get(str(wid))
        if script is None:
            if self.strict:
                return self.error(4200, "workflow not found or never published")
            script = WorkflowScript(str(wid))
        return script

    def _wf_output(self, script: WorkflowScript, body: dict[str, Any]) -> Any:
        return script.output if script.output is not None else {"output": body.get("parameters") or {}}

    def _usage_for(self, body: dict[str, Any], output: Any) -> dict[str, int]:
        inp = estimate_tokens(json.dumps(body.get("parameters") or {}, ensure_ascii=False))
        out = estimate_tokens(output if isinstance(output, str) else json.dumps(output, ensure_ascii=False))
        return {"input_count": inp, "output_count": out, "token_count": inp + out}

    def _new_execution(self, script: WorkflowScript, body: dict[str, Any], run_mode: int) -> dict[str, Any]:
        eid = self.new_id()
        ex = {
            "execute_id": eid,
            "workflow_id": script.workflow_id,
            "script": script,
            "body": body,
            "run_mode": run_mode,
            "status": "Running",
            "polls": 0,
            "resumes": 0,
            "interrupted": False,
            "event_id": None,
            "created": self.now(),
            "output": None,
            "node_uuid": self.new_id(),
        }
        self.executions[eid] = ex
        return ex

    def _interrupt_data(self, ex: dict[str, Any]) -> dict[str, Any]:
        ex["event_id"] = f"{ex['execute_id']}/{self.new_id()}"
        ex["interrupted"] = True
        return {
            "event_id": ex["event_id"],
            "type": 2,
            "data": json.dumps({"content_type": "text", "content": ex["script"].interrupt}, ensure_ascii=False),
        }

    def _run_result(self, ex: dict[str, Any], output: Any, *, interrupt: bool) -> httpx.Response:
        wid, eid = ex["workflow_id"], ex["execute_id"]
        extra: dict[str, Any] = {
            "debug_url": self._debug_url(wid, eid),
            "execute_id": eid,
            "usage": self._usage_for(ex["body"], output),
        }
        if interrupt:
            extra["data"] = ""
            extra["interrupt_data"] = self._interrupt_data(ex)
        else:
            extra["data"] = output if isinstance(output, str) else json.dumps(output, ensure_ascii=False)
            ex["status"] = "Success"
            ex["output"] = extra["data"]
        logid = self.logid()
        # coze-api.md §1/§5.5: the blocking run puts data (a string), execute_id, debug_url, usage at the top.
        return self.json_response(
            {"code": 0, "msg": "", **extra, "detail": {"logid": logid}}, headers={"x-tt-logid": logid}
        )

    async def _wf_run(self, ctx: Ctx) -> httpx.Response:
        body = ctx.body_dict()
        script = self._wf_script(body)
        if isinstance(script, httpx.Response):
            return script
        if script.error is not None:
            return self.error(*script.error)
        output = self._wf_output(script, body)
        if body.get("is_async"):
            if self.user_level == "free":
                return self.error(6003, "asynchronous workflow runs are only available on paid plans")
            ex = self._new_execution(script, body, 2)
            ex["output"] = output if isinstance(output, str) else json.dumps(output, ensure_ascii=False)
            logid = self.logid()
            return self.json_response(
                {
                    "code": 0,
                    "msg": "",
                    "execute_id": ex["execute_id"],
                    "debug_url": self._debug_url(script.workflow_id, ex["execute_id"]),
                    "detail": {"logid": logid},
                },
                headers={"x-tt-logid": logid},
            )
        ex = self._new_execution(script, body, 0)
        if script.duration:
            await asyncio.sleep(min(script.duration, self.workflow_cutoff))
            if script.duration > self.workflow_cutoff:
                ex["status"] = "Fail"
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=ctx.request)
        return self._run_result(ex, output, interrupt=bool(script.interrupt))

    async def _wf_resume(self, ctx: Ctx) -> httpx.Response:
        found = self._resume_target(ctx)
        if isinstance(found, httpx.Response):
            return found
        ex, body = found
        script: WorkflowScript = ex["script"]
        output = script.resume_output if script.resume_output is not None else {"output": body.get("resume_data")}
        return self._run_result(ex, output, interrupt=False)

    def _resume_target(self, ctx: Ctx) -> tuple[dict[str, Any], dict[str, Any]] | httpx.Response:
        body = ctx.body_dict()
        missing = [k for k in ("workflow_id", "event_id", "interrupt_type", "resume_data") if body.get(k) in (None, "")]
        if missing:
            return self.error(4000, f"invalid parameter: {', '.join(missing)} required")
        eid = str(body["event_id"]).split("/", 1)[0]
        ex = self.executions.get(eid)
        if ex is None or ex["event_id"] != body["event_id"]:
            return self.error(4314, "workflow execution record not found")
        if not ex["interrupted"]:
            return self.error(4315, "the execution has already ended and cannot be resumed")
        if ex["resumes"] >= 3:  # coze-api.md §5.5: at most 3 resumes
            return self.error(4000, "resume limit reached")
        ex["resumes"] += 1
        ex["interrupted"] = False
        return ex, body

    def _wf_message(
        self,
        content: str,
        node_title: str,
        seq: int,
        finish: bool,
        ex: dict[str, Any],
        usage: dict[str, int] | None = None,
    ) -> dict[str, Any]:
        data: dict[str, Any] = {
            "content": content,
            "content_type": "text",
            "node_is_finish": finish,
            "node_seq_id": str(seq),
            "node_title": node_title,
            "node_id": "900001",
            "node_execute_uuid": ex["node_uuid"],
        }
        if usage is not None:
            data["usage"] = usage
        return data

    async def _wf_events(self, ex: dict[str, Any], body: dict[str, Any], *, resumed: bool) -> AsyncIterator[bytes]:
        script: WorkflowScript = ex["script"]
        sse = self._sse
        ids = itertools.count(0)  # coze-api.md §6.2: id counts events from 0 (resets on resume)
        sent = 0

        def ping_due() -> bool:
            return bool(script.ping_every) and sent > 0 and sent % script.ping_every == 0

        if not resumed:
            for i, text in enumerate(script.messages):
                yield sse("Message", self._wf_message(text, "Message", i, i == len(script.messages) - 1, ex), next(ids))
                sent += 1
                if ping_due():
                    yield sse("PING", {"content": "{}"}, next(ids))
            if script.error is not None:
                yield sse("Error", {"error_code": script.error[0], "error_message": script.error[1]}, next(ids))
                ex["status"] = "Fail"
                return
            if script.interrupt:
                data = self._interrupt_data(ex)
                yield sse("Interrupt", {"interrupt_data": data, "node_title": "Question"}, next(ids))
                return
            output = self._wf_output(script, body)
        else:
            output = script.resume_output if script.resume_output is not None else {"output": body.get("resume_data")}
        text = output if isinstance(output, str) else json.dumps(output, ensure_ascii=False)
        yield sse("Message", self._wf_message(text, "End", 0, True, ex, self._usage_for(ex["body"], output)), next(ids))
        sent += 1
        if ping_due():
            yield sse("PING", {"content": "{}"}, next(ids))
        ex["status"] = "Success"
        ex["output"] = text
        yield sse("Done", {"debug_url": self._debug_url(ex["workflow_id"], ex["execute_id"])}, next(ids))

    async def _wf_stream_run(self, ctx: Ctx) -> httpx.Response:
        body = ctx.body_dict()
        script = self._wf_script(body)
        if isinstance(script, httpx.Response):
            return script
        ex = self._new_execution(script, body, 1)
        return self._sse_response(self._wf_events(ex, body, resumed=False))

    async def _wf_stream_resume(self, ctx: Ctx) -> httpx.Response:
        found = self._resume_target(ctx)
        if isinstance(found, httpx.Response):
            return found
        ex, body = found
        return self._sse_response(self._wf_events(ex, body, resumed=True))

    def _history(self, ex: dict[str, Any]) -> dict[str, Any]:
        if ex["run_mode"] == 2 and ex["status"] == "Running":
            ex["polls"] += 1
            if ex["polls"] >= ex["script"].async_polls:
                ex["status"] = "Success"
        done = ex["status"] != "Running"
        return {
            "execute_id": ex["execute_id"],
            "execute_status": ex["status"],
            "bot_id": ex["body"].get("bot_id", ""),
            "connector_id": "1024",
            "connector_uid": self.user["user_id"],
            "run_mode": ex["run_mode"],
            "logid": self.logid(),
            "create_time": ex["created"],
            "update_time": self.now(),
            "output": ex["output"] if done else "",
            "error_code": "",
            "error_message": "",
            "debug_url": self._debug_url(ex["workflow_id"], ex["execute_id"]),
            "usage": self._usage_for(ex["body"], ex["output"] or ""),
            "is_output_trimmed": False,
            "node_execute_status": {
                "900001": {
                    "node_id": "900001",
                    "is_finish": done,
                    "update_time": self.now(),
                    "node_execute_uuid": ex["node_uuid"],
                }
            },
        }

    async def _wf_history(self, ctx: Ctx) -> httpx.Response:
        ex = self.executions.get(ctx.params["eid"])
        if ex is None or ex["workflow_id"] != ctx.params["wid"]:
            return self.error(4314, "workflow execution record not found")
        return self.ok([self._history(ex)])  # coze-api.md §1: a one-element list

    async def _wf_node(self, ctx: Ctx) -> httpx.Response:
        ex = self.executions.get(ctx.params["eid"])
        if ex is None or ex["workflow_id"] != ctx.params["wid"] or ctx.params["nid"] != ex["node_uuid"]:
            return self.error(4314, "workflow execution record not found")
        return self.ok({"is_finish": ex["status"] != "Running", "node_output": ex["output"] or ""})

    async def _wf_chat(self, ctx: Ctx) -> httpx.Response:
        body = ctx.body_dict()
        script = self._wf_script(body)
        if isinstance(script, httpx.Response):
            return script
        msgs = body.get("additional_messages")
        if not msgs or "parameters" not in body:
            return self.error(4000, "invalid parameter: additional_messages and parameters are required")
        if len(msgs) > 50:
            return self.error(4004, "additional_messages exceeds its limit")
        if not body.get("bot_id") and not body.get("app_id"):
            return self.error(4000, "invalid parameter: app_id or bot_id is required")
        bot_id = str(body.get("bot_id") or body.get("app_id"))
        conv_id = body.get("conversation_id")
        conv = self.conversations.get(str(conv_id)) if conv_id else None
        if conv is None:
            conv = self._new_conversation(bot_id)
        chat_id = self.new_id()
        question = self._text_of(msgs[-1]) if isinstance(msgs[-1], dict) else ""
        bot = BotScript(bot_id, replies=script.replies)
        chat = {
            "id": chat_id,
            "conversation_id": conv["id"],
            "bot_id": bot_id,
            "created_at": self.now(),
            "meta_data": {},
            "status": "created",
            "section_id": conv["last_section_id"],
        }
        task = {
            "bot": bot,
            "script": None,
            "question": question,
            "auto_save": True,
            "polls": 0,
            "started": self.clock(),
            "answer": None,
            "history": estimate_tokens(question),
        }
        self.chats[chat_id] = chat
        self._chat_tasks[chat_id] = task
        ex = self._new_execution(script, body, 1)
        return self._sse_response(self._wf_chat_events(chat, task, ex))

    async def _wf_chat_events(
        self, chat: dict[str, Any], task: dict[str, Any], ex: dict[str, Any]
    ) -> AsyncIterator[bytes]:
        async for chunk in self._chat_events(chat, task):
            if chunk.startswith((b"event:done", b"event: done")):
                # coze-api.md §6.3: the chatflow's final done carries the debug_url, not "[DONE]".
                yield self._sse("done", {"debug_url": self._debug_url(ex["workflow_id"], ex["execute_id"])})
                continue
            yield chunk
        ex["status"] = "Success"

    def _wf_basic(self, script: WorkflowScript) -> dict[str, Any]:
        return {
            "workflow_id": script.workflow_id,
            "workflow_name": script.name,
            "description": "",
            "icon_url": "",
            "app_id": "",
            "created_at": self.now(),
            "updated_at": self.now(),
            "creator": {"id": self.user["user_id"], "name": self.user["user_name"]},
        }

    async def _wf_list(self, ctx: Ctx) -> httpx.Response:
        q = ctx.query
        if not q.get("workspace_id") or not q.get("page_num"):
            return self.error(4000, "invalid parameter: workspace_id and page_num are required")
        page_num, page_size = self._int(q.get("page_num"), 1), self._int(q.get("page_size"), 10)
        if not 1 <= page_size <= 30:  # coze-api.md §5.5: page_size 1..30
            return self.error(4000, "invalid parameter: page_size must be 1..30")
        items = [w for w in self.workflows.values() if q.get("workflow_mode") in (None, w.mode)]
        start = (page_num - 1) * page_size
        return self.ok(
            {
                "items": [self._wf_basic(w) for w in items[start : start + page_size]],
                "has_more": start + page_size < len(items),
            }
        )

    async def _wf_retrieve(self, ctx: Ctx) -> httpx.Response:
        script = self.workflows.get(ctx.params["wid"])
        if script is None:
            return self.error(4200, "resource not found")
        data: dict[str, Any] = {"workflow_detail": self._wf_basic(script)}
        if ctx.query.get("include_input_output", "").lower() == "true":
            data["input"] = {"parameters": {"input": {"type": "string", "required": False, "description": ""}}}
            data["output"] = {
                "parameters": {"output": {"type": "string"}},
                "content": "",
                "terminate_plan": "return_variables",
            }
        return self.ok(data)

    async def _wf_versions(self, ctx: Ctx) -> httpx.Response:
        script = self.workflows.get(ctx.params["wid"])
        if script is None:
            return self.error(4200, "resource not found")
        page_size = self._int(ctx.query.get("page_size"), 10)
        if not 1 <= page_size <= 30:
            return self.error(4000, "invalid parameter: page_size must be 1..30")
        versions = [
            {
                "version": f"v0.0.{i}",
                "description": f"version {i}",
                "created_at": self.now(),
                "updated_at": self.now(),
                "workflow_id": script.workflow_id,
                "creator": {"id": self.user["user_id"], "name": self.user["user_name"]},
            }
            for i in range(1, 26)
        ]
        start = self._int(ctx.query.get("page_token") or 0, 0)
        page = versions[start : start + page_size]
        more = start + page_size < len(versions)
        return self.ok({"items": page, "has_more": more, "next_page_token": str(start + page_size) if more else ""})

    # -- knowledge ------------------------------------------------------------------------------
    async def _ds_create(self, ctx: Ctx) -> httpx.Response:
        body = ctx.body_dict()
        if not body.get("name") or not body.get("space_id") or body.get("format_type") not in (0, 2):
            return self.error(4000, "invalid parameter: name, space_id and format_type (0|2) are required")
        did = self.new_id()
        self.datasets[did] = {
            "dataset_id": did,
            "name": body["name"],
            "description": body.get("description", ""),
            "space_id": str(body["space_id"]),
            "status": 1,
            "format_type": body["format_type"],
            "can_edit": True,
            "icon_url": "",
            "doc_count": 0,
            "file_list": [],
            "hit_count": 0,
            "bot_used_count": 0,
            "slice_count": 0,
            "all_file_size": 0,
            "chunk_strategy": {},
            "failed_file_list": [],
            "processing_file_list": [],
            "processing_file_id_list": [],
            "avatar_url": "",
            "creator_id": self.user["user_id"],
            "creator_name": self.user["user_name"],
            "create_time": self.now(),
            "update_time": self.now(),
        }
        return self.ok({"dataset_id": did})

    async def _ds_list(self, ctx: Ctx) -> httpx.Response:
        q = ctx.query
        if not q.get("space_id"):
            return self.error(4000, "invalid parameter: space_id is required")
        page_num, page_size = self._int(q.get("page_num"), 1), self._int(q.get("page_size"), 10)
        if not 1 <= page_size <= 300:
            return self.error(4000, "invalid parameter: page_size must be 1..300")
        items = [
            d
            for d in self.datasets.values()
            if d["space_id"] == q["space_id"]
            and q.get("name", "") in d["name"]
            and (q.get("format_type") is None or str(d["format_type"]) == q["format_type"])
        ]
        start = (page_num - 1) * page_size
        for d in items:
            d["doc_count"] = sum(1 for doc in self.documents.values() if doc["_dataset_id"] == d["dataset_id"])
        return self.ok({"total_count": len(items), "dataset_list": items[start : start + page_size]})

    async def _ds_update(self, ctx: Ctx) -> httpx.Response:
        ds = self.datasets.get(ctx.params["did"])
        if ds is None:
            return self.error(4200, "resource not found")
        body = ctx.body_dict()
        if not body.get("name"):
            return self.error(4000, "invalid parameter: name is required")
        # coze-api.md §5.6: a full overwrite; left-out fields are reset.
        ds.update(name=body["name"], description=body.get("description", ""), icon_url="", update_time=self.now())
        return self.ok(with_data=False)

    async def _ds_delete(self, ctx: Ctx) -> httpx.Response:
        if self.datasets.pop(ctx.params["did"], None) is None:
            return self.error(4200, "resource not found")
        for doc_id in [k for k, d in self.documents.items() if d["_dataset_id"] == ctx.params["did"]]:
            del self.documents[doc_id]
        return self.ok(with_data=False)

    def _progress(self, doc: dict[str, Any]) -> int:
        elapsed = self.clock() - doc["_started"]
        return (
            100 if self.document_process_seconds <= 0 else min(100, int(100 * elapsed / self.document_process_seconds))
        )

    async def _ds_process(self, ctx: Ctx) -> httpx.Response:
        if ctx.params["did"] not in self.datasets:
            return self.error(4200, "resource not found")
        ids = ctx.body_dict().get("document_ids")
        if not ids:
            return self.error(4000, "invalid parameter: document_ids is required")
        out = []
        for doc_id in ids:
            doc = self.documents.get(str(doc_id))
            if doc is None:
                continue
            progress = self._progress(doc)
            status = 1 if progress >= 100 else 0
            doc["status"] = status
            remaining = max(0, int(self.document_process_seconds * (100 - progress) / 100))
            out.append(
                {
                    "document_id": doc["document_id"],
                    "url": "",
                    "size": doc["size"],
                    "type": doc["type"],
                    "status": status,
                    "progress": progress,
                    "update_type": doc["update_type"],
                    "document_name": doc["name"],
                    "remaining_time": remaining,
                    "status_descript": "",
                    "update_interval": doc["update_interval"],
                }
            )
        return self.ok({"data": out})  # coze-api.md §1: progress nested as data.data[]

    def _agw(self, ctx: Ctx) -> httpx.Response | None:
        if ctx.headers.get("agw-js-conv") != "str":
            # Without it int64 ids lose precision in JS gateways; the SDK always sends it (§1).
            return self.error(4000, "invalid parameter: header Agw-Js-Conv: str is required")
        return None

    def _doc_public(self, doc: dict[str, Any]) -> dict[str, Any]:
        doc["status"] = 1 if self._progress(doc) >= 100 else 0
        return self._public(doc)

    async def _doc_create(self, ctx: Ctx) -> httpx.Response:
        problem = self._agw(ctx)
        if problem is not None:
            return problem
        body = ctx.body_dict()
        did = str(body.get("dataset_id") or "")
        bases = body.get("document_bases")
        if did not in self.datasets:
            return self.error(4200, "dataset not found")
        if not bases or len(bases) > 10:
            return self.error(4000, "invalid parameter: 1..10 document_bases are required")
        infos = []
        for base in bases:
            src = base.get("source_info") or {}
            if not base.get("name"):
                return self.error(4000, "invalid parameter: document name is required")
            size = len(base64.b64decode(src["file_base64"])) if src.get("file_base64") else 0
            rule = base.get("update_rule") or {}
            doc = {
                "document_id": self.new_id(),
                "name": base["name"],
                "char_count": size,
                "chunk_strategy": body.get("chunk_strategy") or {},
                "format_type": body.get("format_type", 0),
                "hit_count": 0,
                "size": size,
                "slice_count": 0,
                "source_type": src.get("document_source", 0),
                "status": 0,
                "type": src.get("file_type", "web" if src.get("web_url") else "txt"),
                "update_interval": rule.get("update_interval", 0),
                "update_type": rule.get("update_type", 0),
                "create_time": self.now(),
                "update_time": self.now(),
                "tos_uri": "",
                "_dataset_id": did,
                "_started": self.clock(),
                "_caption": base.get("caption", ""),
            }
            self.documents[doc["document_id"]] = doc
            infos.append(self._doc_public(doc))
        logid = self.logid()
        return self.json_response(
            {"code": 0, "msg": "", "document_infos": infos, "detail": {"logid": logid}}, headers={"x-tt-logid": logid}
        )

    async def _doc_update(self, ctx: Ctx) -> httpx.Response:
        problem = self._agw(ctx)
        if problem is not None:
            return problem
        body = ctx.body_dict()
        doc = self.documents.get(str(body.get("document_id") or ""))
        if doc is None:
            return self.error(4200, "document not found")
        if body.get("document_name"):
            doc["name"] = body["document_name"]
        rule = body.get("update_rule")
        if isinstance(rule, dict):
            doc["update_type"] = rule.get("update_type", doc["update_type"])
            doc["update_interval"] = rule.get("update_interval", doc["update_interval"])
        doc["update_time"] = self.now()
        return self.ok(with_data=False, extra={"document_info": self._doc_public(doc)})

    async def _doc_list(self, ctx: Ctx) -> httpx.Response:
        problem = self._agw(ctx)
        if problem is not None:
            return problem
        body = ctx.body_dict()
        did = str(body.get("dataset_id") or "")
        if did not in self.datasets:
            return self.error(4200, "dataset not found")
        page, size = self._int(body.get("page"), 1), self._int(body.get("size"), 10)
        docs = [d for d in self.documents.values() if d["_dataset_id"] == did]
        start = (page - 1) * size
        logid = self.logid()
        return self.json_response(
            {
                "code": 0,
                "msg": "",
                "document_infos": [self._doc_public(d) for d in docs[start : start + size]],
                "total": len(docs),
                "detail": {"logid": logid},
            },
            headers={"x-tt-logid": logid},
        )

    async def _doc_delete(self, ctx: Ctx) -> httpx.Response:
        problem = self._agw(ctx)
        if problem is not None:
            return problem
        ids = ctx.body_dict().get("document_ids")
        if not ids or len(ids) > 100:
            return self.error(4000, "invalid parameter: 1..100 document_ids are required")
        for doc_id in ids:
            self.documents.pop(str(doc_id), None)
        return self.ok(with_data=False)

    async def _img_list(self, ctx: Ctx) -> httpx.Response:
        did = ctx.params["did"]
        if did not in self.datasets:
            return self.error(4200, "resource not found")
        q = ctx.query
        page_num, page_size = self._int(q.get("page_num"), 1), self._int(q.get("page_size"), 10)
        if not 1 <= page_size <= 299:
            return self.error(4000, "invalid parameter: page_size must be 1..299")
        imgs = [d for d in self.documents.values() if d["_dataset_id"] == did and d["format_type"] == 2]
        if q.get("keyword"):
            imgs = [d for d in imgs if q["keyword"] in d["_caption"]]
        if q.get("has_caption") is not None:
            want = q["has_caption"].lower() == "true"
            imgs = [d for d in imgs if bool(d["_caption"]) == want]
        start = (page_num - 1) * page_size
        infos = [
            {
                "document_id": d["document_id"],
                "url": "",
                "name": d["name"],
                "size": d["size"],
                "type": d["type"],
                "status": d["status"],
                "caption": d["_caption"],
                "creator_id": self.user["user_id"],
                "source_type": d["source_type"],
                "create_time": d["create_time"],
                "update_time": d["update_time"],
            }
            for d in imgs[start : start + page_size]
        ]
        return self.ok({"photo_infos": infos, "total_count": len(imgs)})

    async def _img_caption(self, ctx: Ctx) -> httpx.Response:
        doc = self.documents.get(ctx.params["doc"])
        caption = ctx.body_dict().get("caption")
        if doc is None:
            return self.error(4200, "resource not found")
        if not isinstance(caption, str):
            return self.error(4000, "invalid parameter: caption is required")
        doc["_caption"] = caption
        return self.ok(with_data=False)

    # -- audio ----------------------------------------------------------------------------------
    def _voice(self, voice_id: str, name: str, system: bool) -> dict[str, Any]:
        return {
            "voice_id": voice_id,
            "name": name,
            "is_system_voice": system,
            "language_code": "zh",
            "language_name": "Chinese",
            "preview_text": "你好",
            "preview_audio": "",
            "available_training_times": 10,
            "create_time": self.now(),
            "update_time": self.now(),
            "model_type": "big",
            "state": "cloned",
            "support_emotions": [
                {
                    "emotion": "happy",
                    "display_name": "Happy",
                    "emotion_scale_interval": {"min": 1.0, "max": 5.0, "default": 4.0},
                }
            ],
        }

    async def _voices_list(self, ctx: Ctx) -> httpx.Response:
        q = ctx.query
        page_num, page_size = self._int(q.get("page_num"), 1), self._int(q.get("page_size"), 100)
        if not 1 <= page_size <= 100:
            return self.error(4000, "invalid parameter: page_size must be 1..100")
        voices = (
            []
            if q.get("filter_system_voice", "false").lower() == "true"
            else [self._voice("7426720361733046281", "System voice", True)]
        )
        voices += list(self.voices.values())
        start = (page_num - 1) * page_size
        return self.ok({"voice_list": voices[start : start + page_size], "has_more": start + page_size < len(voices)})

    async def _voice_clone(self, ctx: Ctx) -> httpx.Response:
        form, files = ctx.rec.form, ctx.rec.files
        if not files or not form.get("audio_format") or not form.get("voice_name"):
            return self.error(4000, "invalid parameter: file, audio_format and voice_name are required")
        voice_id = form.get("voice_id") or self.new_id()
        self.voices[voice_id] = self._voice(voice_id, form["voice_name"], False)
        return self.ok({"voice_id": voice_id})  # coze-api.md §5.7: the documented answer is {voice_id} only

    async def _speech(self, ctx: Ctx) -> httpx.Response:
        body = ctx.body_dict()
        text = body.get("input")
        if not isinstance(text, str) or not text or not body.get("voice_id"):
            return self.error(4000, "invalid parameter: input and voice_id are required")
        if len(text.encode("utf-8")) > 1024:
            return self.error(4000, "invalid parameter: input is longer than 1024 bytes")
        fmt = str(body.get("response_format") or "mp3")
        ctype = {"mp3": "audio/mpeg", "wav": "audio/wav", "pcm": "audio/pcm", "ogg_opus": "audio/ogg"}.get(fmt)
        if ctype is None:
            return self.error(4000, "invalid parameter: response_format")
        problem = self._check_speech(body)
        if problem is not None:
            return problem
        audio = b"ID3FAKE" + text.encode("utf-8") * 64
        logid = self.logid()

        async def chunks() -> AsyncIterator[bytes]:
            for i in range(0, len(audio), 4096):
                yield audio[i : i + 4096]

        return self.stream_response(chunks(), content_type=ctype, headers={"x-tt-logid": logid})

    def _check_speech(self, body: dict[str, Any]) -> httpx.Response | None:
        """Documented speech ranges (the Coze audio pages)."""

        def in_range(name: str, low: float, high: float) -> bool:
            value = body.get(name)
            if value is None:
                return True
            return isinstance(value, (int, float)) and not isinstance(value, bool) and low <= value <= high

        emotions = (None, "happy", "sad", "angry", "surprised", "fear", "hate", "excited", "coldness", "neutral")
        checks = [
            ("speed", in_range("speed", 0.2, 3.0)),  # small-model voices 0.2-3, large 0.5-2
            ("sample_rate", body.get("sample_rate") in (None, 8000, 16000, 22050, 24000, 32000, 44100, 48000)),
            ("emotion", body.get("emotion") in emotions),
            ("emotion_scale", in_range("emotion_scale", 1.0, 5.0)),
            ("loudness_rate", in_range("loudness_rate", -50, 100)),
        ]
        for name, ok in checks:
            if not ok:
                return self.error(4000, f"invalid parameter: {name} out of range")
        return None

    async def _transcribe(self, ctx: Ctx) -> httpx.Response:
        files = ctx.rec.files
        if not files or not files[0].content:
            return self.error(4300, "the uploaded file is empty")
        if files[0].size > 10 * MB:
            return self.error(4302, "audio is larger than 10 MB")
        return self.ok({"text": f"transcribed {files[0].size} bytes"})

    async def _room(self, ctx: Ctx) -> httpx.Response:
        body = ctx.body_dict()
        if not body.get("bot_id"):
            return self.error(4000, "invalid parameter: bot_id is required")
        return self.ok(
            {
                "token": "fake-rtc-token",
                "uid": str(body.get("uid") or self.new_id()),
                "room_id": self.new_id(),
                "app_id": "fake-rtc-app",
            }
        )

    async def _vpg_create(self, ctx: Ctx) -> httpx.Response:
        body = ctx.body_dict()
        name = body.get("name")
        if not isinstance(name, str) or not name or len(name) > 20:
            return self.error(4000, "invalid parameter: name (1..20 characters) is required")
        gid = self.new_id()
        self.voiceprint_groups[gid] = {
            "id": gid,
            "name": name,
            "desc": body.get("desc", ""),
            "icon_url": "",
            "feature_count": 0,
            "created_at": self.now(),
            "updated_at": self.now(),
            "user_info": {
                "id": self.user["user_id"],
                "name": self.user["user_name"],
                "nickname": self.user["nick_name"],
                "avatar_url": "",
            },
        }
        return self.ok({"id": gid})

    def _page(
        self, items: list[dict[str, Any]], q: dict[str, str], max_size: int
    ) -> tuple[list[dict[str, Any]], bool] | None:
        page_num, page_size = self._int(q.get("page_num"), 1), self._int(q.get("page_size"), 10)
        if not 1 <= page_size <= max_size or page_num < 1:
            return None
        start = (page_num - 1) * page_size
        return items[start : start + page_size], True

    async def _vpg_list(self, ctx: Ctx) -> httpx.Response:
        items = [g for g in self.voiceprint_groups.values() if g["name"].startswith(ctx.query.get("name", ""))]
        page = self._page(items, ctx.query, 200)
        if page is None:
            return self.error(4000, "invalid parameter: page_size must be 1..200")
        for g in items:
            g["feature_count"] = sum(1 for f in self.features.values() if f["group_id"] == g["id"])
        return self.ok({"items": page[0], "total": len(items)})

    async def _vpg_update(self, ctx: Ctx) -> httpx.Response:
        group = self.voiceprint_groups.get(ctx.params["gid"])
        if group is None:
            return self.error(4200, "resource not found")
        body = ctx.body_dict()
        group.update({k: body[k] for k in ("name", "desc") if k in body}, updated_at=self.now())
        return self.ok(with_data=False)

    async def _vpg_delete(self, ctx: Ctx) -> httpx.Response:
        if self.voiceprint_groups.pop(ctx.params["gid"], None) is None:
            return self.error(4200, "resource not found")
        return self.ok(with_data=False)

    def _int_form(self, form: dict[str, str], key: str) -> httpx.Response | None:
        if key in form and not form[key].strip().lstrip("-").isdigit():
            return self.error(4000, f"invalid parameter: {key} must be an integer")
        return None

    async def _feat_create(self, ctx: Ctx) -> httpx.Response:
        gid = ctx.params["gid"]
        if gid not in self.voiceprint_groups:
            return self.error(4200, "resource not found")
        form, files = ctx.rec.form, ctx.rec.files
        if not files or not form.get("name"):
            return self.error(4000, "invalid parameter: file and name are required")
        problem = self._int_form(form, "sample_rate") or self._int_form(form, "channel")
        if problem is not None:
            return problem
        fid = self.new_id()
        self.features[fid] = {
            "id": fid,
            "group_id": gid,
            "name": form["name"],
            "desc": form.get("desc", ""),
            "audio_url": "",
            "icon_url": "",
            "created_at": self.now(),
            "updated_at": self.now(),
            "user_info": self.voiceprint_groups[gid]["user_info"],
        }
        return self.ok({"id": fid})

    async def _feat_list(self, ctx: Ctx) -> httpx.Response:
        items = [f for f in self.features.values() if f["group_id"] == ctx.params["gid"]]
        page = self._page(items, ctx.query, 200)
        if page is None:
            return self.error(4000, "invalid parameter: page_size must be 1..200")
        return self.ok({"items": page[0], "total": len(items)})

    async def _feat_update(self, ctx: Ctx) -> httpx.Response:
        feat = self.features.get(ctx.params["fid"])
        if feat is None or feat["group_id"] != ctx.params["gid"]:
            return self.error(4200, "resource not found")
        form = ctx.rec.form
        problem = self._int_form(form, "sample_rate") or self._int_form(form, "channel")
        if problem is not None:
            return problem
        feat.update({k: form[k] for k in ("name", "desc") if k in form}, updated_at=self.now())
        return self.ok(with_data=False)

    async def _feat_delete(self, ctx: Ctx) -> httpx.Response:
        feat = self.features.get(ctx.params["fid"])
        if feat is None or feat["group_id"] != ctx.params["gid"]:
            return self.error(4200, "resource not found")
        del self.features[ctx.params["fid"]]
        return self.ok(with_data=False)

    async def _speaker_identify(self, ctx: Ctx) -> httpx.Response:
        gid = ctx.params["gid"]
        if gid not in self.voiceprint_groups:
            return self.error(4200, "resource not found")
        form, files = ctx.rec.form, ctx.rec.files
        if not files:
            return self.error(4000, "invalid parameter: file is required")
        problem = (
            self._int_form(form, "top_k") or self._int_form(form, "sample_rate") or self._int_form(form, "channel")
        )
        if problem is not None:
            return problem
        top_k = self._int(form.get("top_k"), 5)
        feats = [f for f in self.features.values() if f["group_id"] == gid][:top_k]
        scores = [
            {
                "feature_id": f["id"],
                "feature_name": f["name"],
                "feature_desc": f["desc"],
                "score": round(0.9 - 0.1 * i, 3),
            }
            for i, f in enumerate(feats)
        ]
        return self.ok({"feature_score_list": scores})

    # -- bots, users, workspaces, benefits ------------------------------------------------------
    def _bot_item(self, bot: BotScript) -> dict[str, Any]:
        return {
            "id": bot.bot_id,
            "name": bot.name,
            "description": bot.description,
            "icon_url": "",
            "is_published": True,
            "updated_at": self.now(),
            "owner_user_id": self.user["user_id"],
            "folder_id": "",
            "published_at": self.now(),
        }

    async def _bots_list(self, ctx: Ctx) -> httpx.Response:
        q = ctx.query
        if not q.get("workspace_id"):
            return self.error(4000, "invalid parameter: workspace_id is required")
        if "page_index" in q and "page_num" not in q:
            # coze-api.md §5.9/§9.6: cozepy sends page_index; the documented name is page_num. The
            # fake ignores the unknown parameter as a server does, so every call gets page 1.
            pass
        page_num, page_size = self._int(q.get("page_num"), 1), self._int(q.get("page_size"), 20)
        items = list(self.bots.values())
        start = (page_num - 1) * page_size
        return self.ok({"items": [self._bot_item(b) for b in items[start : start + page_size]], "total": len(items)})

    async def _bot_retrieve(self, ctx: Ctx) -> httpx.Response:
        bot = self.bots.get(ctx.params["bid"])
        if bot is None:
            return self.error(4006, "invalid bot")
        return self.ok(
            {
                "bot_id": bot.bot_id,
                "name": bot.name,
                "description": bot.description,
                "icon_url": "",
                "create_time": self.now(),
                "update_time": self.now(),
                "version": "1",
                "prompt_info": {"prompt": ""},
                "onboarding_info": {"prologue": "", "suggested_questions": []},
                "bot_mode": 0,
                "plugin_info_list": [],
                "model_info": {"model_id": "fake", "model_name": "fake"},
            }
        )

    async def _users_me(self, ctx: Ctx) -> httpx.Response:
        return self.ok(dict(self.user))

    async def _workspaces(self, ctx: Ctx) -> httpx.Response:
        ws = [
            {
                "id": self.workspace_id,
                "name": "Personal",
                "icon_url": "",
                "role_type": "owner",
                "workspace_type": "personal",
                "enterprise_id": "",
            }
        ]
        return self.ok({"workspaces": ws, "total_count": len(ws)})

    async def _benefits(self, ctx: Ctx) -> httpx.Response:
        # coze-api.md §2.4: effective limits of the account, derived from the enforced plan.
        infos = []
        limits = self.enforcer.limits if self.enforcer is not None else ()
        resource = ctx.query.get("resource_id", "chat")
        for lim in limits:
            if lim.kind == "requests" and lim.group == resource and lim.window == 1.0:
                item = {
                    "status": "valid",
                    "item_info": {"strategy": "by_quota", "total": lim.limit, "used": 0, "start_at": 0, "end_at": 0},
                }
                infos.append(
                    {
                        "benefit_type": "api_run_qps",
                        "resource_id": resource,
                        "basic": item,
                        "extra": [],
                        "effective": item,
                    }
                )
        return self.ok({"basic_info": {"user_level": self.user_level}, "benefit_info": infos})
