"""FakeCoze: the server state, envelope, enforcement hooks and SSE framing.

The routes live in one module per API area (mirroring ``coze_client.resources``).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx

from ...limits.plans import Limit, Plan, Quota
from .._core import Ctx, FakeServer
from ..enforcement import Clock, Rejection, estimate_tokens
from ..faults import Fault
from ._common import (
    _RUN_HISTORY,
    _USER_LEVELS,
    _WORKFLOW_BODY_PATHS,
    _WORKFLOW_GROUP_PATHS,
    BODY_LIMIT,
    UPLOAD_LIMIT,
    WORKFLOW_BODY_LIMIT,
    BotScript,
    ChatScript,
    WorkflowScript,
)
from .api_apps import APIAppRoutes
from .audio import AudioRoutes
from .benefits import BenefitRoutes
from .bots import BotAdminRoutes, BotRoutes
from .chat import ChatRoutes
from .collaboration import CollaborationRoutes
from .connectors import ConnectorRoutes
from .conversations import ConversationRoutes
from .datasets import DatasetRoutes
from .end_user_benefits import EndUserBenefitRoutes
from .enterprises import EnterpriseRoutes
from .files import FileRoutes
from .folders import FolderAppRoutes
from .plugins import PluginRoutes
from .templates import TemplateRoutes
from .users import UserRoutes
from .variables import VariableRoutes
from .workflows import WorkflowRoutes
from .workspaces import WorkspaceRoutes

__all__ = ["FakeCoze"]


class FakeCoze(
    ChatRoutes,
    ConversationRoutes,
    FileRoutes,
    WorkflowRoutes,
    DatasetRoutes,
    AudioRoutes,
    BotRoutes,
    BotAdminRoutes,
    UserRoutes,
    WorkspaceRoutes,
    BenefitRoutes,
    FolderAppRoutes,
    CollaborationRoutes,
    TemplateRoutes,
    VariableRoutes,
    ConnectorRoutes,
    EnterpriseRoutes,
    APIAppRoutes,
    EndUserBenefitRoutes,
    PluginRoutes,
    FakeServer,
):
    """The fake Coze server (see the package docstring).

    Args:
        tokens: valid bearer tokens; None accepts any non-empty token (a missing or unknown one
            gets 4100 with HTTP 401).
        plan: a plan or preset name to enforce (``"coze.personal_free"``), or custom ``limits`` /
            ``quotas`` records.
        limits: custom or overriding limit records (see `Enforcer`).
        quotas: custom or overriding quota records (see `Enforcer`).
        clock: monotonic seconds for windows and simulated progress (``ManualClock`` in tests; default
            ``time.monotonic``).
        wall_clock: Unix seconds for daily quotas and ``created_at`` fields (default ``time.time``).
        count_rejected: whether refused requests occupy their window (default True).
        enforce: False records peaks without refusing anything.
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
        base_urls: the URLs answered on respx (default ``https://api.coze.cn`` and ``https://api.coze.com``).
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
        for setup in (self._setup_bot_admin, self._setup_workspaces, self._setup_folders_apps,
                      self._setup_collaboration, self._setup_templates, self._setup_variables,
                      self._setup_connectors, self._setup_enterprises, self._setup_api_apps,
                      self._setup_end_user_benefits, self._setup_plugins):
            setup()

    # -- scripting ----------------------------------------------------------------------------
    def bot(self, bot_id: str, *, replies: Sequence[str] | None = None, **options: Any) -> BotScript:
        """Script a bot: ``replies`` cycle; options are `BotScript` fields.

        Args:
            bot_id: the bot's id (a later call replaces its script).
            replies: answers used in turn, chat by chat; None echoes the last user message.
            **options: other `BotScript` fields, e.g. ``stream_chunks=20``, ``polls=3``, ``reasoning="..."``.
        """
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

        Args:
            failed: ``(code, msg)`` of a ``chat.failed`` outcome, or True for the default one.
            requires_action: tool calls ``[{"name": ..., "arguments": {...}}]``, or True for one
                ``get_weather`` call.
            error: ``(code, msg)`` of an ``error`` event (stream) or failure (polled chat).
            bot_id: only chats with this bot; None: any chat.
            times: how many chats use the script.
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
        """Script a workflow (options are `WorkflowScript` fields).

        Args:
            workflow_id: the workflow's id (a later call replaces its script).
            output: the end node's output (default: the input parameters).
            interrupt: the prompt of a question node the run stops at; None: no interrupt.
            **options: other `WorkflowScript` fields, e.g. ``messages=[...]``, ``error=(code, msg)``.
        """
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
        """A success envelope (``data`` omitted when ``with_data`` is False).

        Args:
            data: the ``data`` value.
            extra: more top-level keys (``first_id``, ``has_more``, ...).
            with_data: False leaves ``data`` out.
        """
        logid = self.logid()
        body: dict[str, Any] = {"code": 0, "msg": ""}
        if with_data:
            body["data"] = data
        if extra:
            body.update(extra)
        body["detail"] = {"logid": logid}
        return self.json_response(body, headers={"x-tt-logid": logid})

    def error(self, code: int, msg: str, *, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
        """An error envelope ``{code, msg, detail{logid}}`` (HTTP 200 unless said otherwise).

        Args:
            code: the Coze error code.
            msg: the error message.
            status: the HTTP status.
            headers: extra headers.
        """
        logid = self.logid()
        hdrs = {"x-tt-logid": logid}
        if headers:
            hdrs.update(headers)
        return self.json_response({"code": code, "msg": msg, "detail": {"logid": logid}}, status=status, headers=hdrs)

    def error_code_of(self, response: httpx.Response) -> int | None:
        """The envelope ``code`` of a JSON answer (None otherwise).

        Args:
            response: the answer the fake is about to return.
        """
        if not response.headers.get("content-type", "").startswith("application/json"):
            return None
        try:
            body = json.loads(response.content)
        except (ValueError, httpx.ResponseNotRead):
            return None
        return body.get("code") if isinstance(body, dict) else None

    # -- hooks --------------------------------------------------------------------------------
    def authenticate(self, ctx: Ctx) -> httpx.Response | None:
        """4100 (HTTP 401) for a missing or unknown bearer token, else None.

        Args:
            ctx: the request being handled.
        """
        token = ctx.token
        if not token or (self.tokens is not None and token not in self.tokens):
            return self.error(4100, "authentication is invalid", status=401)
        return None

    def groups_for(self, ctx: Ctx) -> tuple[str, ...]:
        """``chat``/``workflow`` plus ``model`` for chats and workflow runs, ``upload`` for uploads.

        Args:
            ctx: the request being handled.
        """
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
        """Token estimate of a chat's ``additional_messages`` (0 without token limits).

        Args:
            ctx: the request being handled.
        """
        if ctx.path != "/v3/chat" or self.enforcer is None or not self.enforcer.limits:
            return 0
        return sum(estimate_tokens(str(m.get("content", ""))) for m in ctx.body_dict().get("additional_messages") or [])

    def check_request(self, ctx: Ctx) -> httpx.Response | None:
        """4000 (HTTP 413) for a body over ``body_limit`` (``workflow_body_limit`` for workflow runs).

        Args:
            ctx: the request being handled.
        """
        size = len(ctx.body)
        if ctx.path == "/v1/files/upload":
            return None  # judged by the upload handler (512 MB, 4302)
        cap = self.workflow_body_limit if ctx.path in _WORKFLOW_BODY_PATHS else self.body_limit
        if size > cap:
            return self.error(4000, f"request body too large: {size} bytes > {cap}", status=413)
        return None

    def rejection_response(self, ctx: Ctx, rejection: Rejection) -> httpx.Response:
        """Coze's refusal: ``lockout_code`` for a used-up lifetime quota, 4008 daily, else 4020/4009.

        Args:
            ctx: the request being handled.
            rejection: why the enforcer refused it.
        """
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
        """The fault's ``code`` (4009 by default) with ``throttle_status``.

        Args:
            ctx: the request being handled.
            fault: the injected ``throttle`` fault.
        """
        code = fault.code or 4009
        return self.error(code, "system request limit reached, please retry later", status=self.throttle_status)

    def not_found(self, ctx: Ctx, path_known: bool) -> httpx.Response:
        """4000 (HTTP 405) for a known path with the wrong method, else 4200 (HTTP 404).

        Args:
            ctx: the request being handled.
            path_known: True when the path has routes, but none for this method.
        """
        if path_known:
            return self.error(4000, f"method {ctx.method} not allowed for {ctx.path}", status=405)
        return self.error(4200, "resource not found", status=404)

    # -- routes: each area registers its own ------------------------------------------------
    def _register(self) -> None:
        for setup in (self._setup_chat,
                      self._setup_conversations,
                      self._setup_files,
                      self._setup_workflows,
                      self._setup_datasets,
                      self._setup_audio,
                      self._setup_bots,
                      self._setup_users,
                      self._setup_benefits,
                      self._setup_bot_admin,
                      self._setup_workspaces,
                      self._setup_folders_apps,
                      self._setup_collaboration,
                      self._setup_templates,
                      self._setup_variables,
                      self._setup_connectors,
                      self._setup_enterprises,
                      self._setup_api_apps,
                      self._setup_end_user_benefits,
                      self._setup_plugins):
            setup()

    # -- SSE ------------------------------------------------------------------------------------
    def _sse(self, event: str, data: Any, event_id: int | None = None) -> bytes:
        sep = ": " if self.sse_space else ":"
        payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        head = f"id{sep}{event_id}\n" if event_id is not None else ""
        return f"{head}event{sep}{event}\ndata{sep}{payload}\n\n".encode()

    def _sse_response(self, chunks: AsyncIterator[bytes]) -> httpx.Response:
        logid = self.logid()
        return self.stream_response(chunks, headers={"x-tt-logid": logid})
