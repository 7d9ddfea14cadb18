"""``AsyncCoze``: the client. It wires the corridor (auth, limiter, ledger, retries) and the resources."""

from __future__ import annotations

import os
import platform
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from ._auth import StaticToken, TokenProvider
from ._constants import COZE_CN_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, MAX_RETRY_AFTER
from ._retry import RetryPolicy
from ._transport import Corridor, PipelineStats
from ._version import __version__
from .errors import ValidationError
from .resources.chat import AsyncChat
from .resources.conversations import AsyncConversations
from .resources.files import AsyncFiles

if TYPE_CHECKING:
    from .ledger.base import UsageLedger
    from .limits.base import RateLimiter
    from .limits.plans import Plan
    from .resources.api_apps import AsyncAPIApps
    from .resources.apps import AsyncApps
    from .resources.audio import AsyncAudio
    from .resources.benefits import AsyncBenefits
    from .resources.bots import AsyncBots
    from .resources.connectors import AsyncConnectors
    from .resources.datasets import AsyncDatasets
    from .resources.end_user_benefits import AsyncBenefitLimitations, AsyncBillTasks
    from .resources.enterprises import AsyncEnterprises
    from .resources.folders import AsyncFolders
    from .resources.plugins import AsyncPlugins
    from .resources.templates import AsyncCopyTasks, AsyncTemplates
    from .resources.users import AsyncUsers
    from .resources.variables import AsyncVariables
    from .resources.workflows import AsyncWorkflows
    from .resources.workspaces import AsyncWorkspaces
    from .websockets import AsyncWebsockets

__all__ = ["DEFAULT_PLAN", "AsyncCoze"]

# Safe by default: a client that was not told its plan assumes the free plan, so the 500-call
# lock-out (plans.md, Coze table) can never be crossed by accident. Paid users name their plan.
DEFAULT_PLAN = "coze.personal_free"
PLAN_FROM_ENV: Any = object()
"""The default of ``AsyncCoze(plan=...)``: the preset named by ``$COZE_PLAN``, else ``coze.personal_free``."""


class AsyncCoze:
    """Async client for the Coze Open API.

    Args:
        token: a personal/service access token, or a `TokenProvider` (OAuth).
            Defaults to the ``COZE_API_TOKEN`` environment variable.
        auth: a `TokenProvider` (OAuth: `JWTAuth`, ...); the same as passing it as ``token``.
        base_url: ``COZE_CN_BASE_URL`` (default) or ``COZE_COM_BASE_URL``.
        timeout: default timeout (seconds or ``httpx.Timeout``); every method also takes ``timeout=``.
        max_retries: default retries (2); every method also takes ``max_retries=``.
        max_retry_after: the longest ``Retry-After`` (seconds, 60) slept before a retry; a longer one
            raises at once with ``retry_after`` set.
        plan: the account's plan: a preset name (``"coze.personal_free"`` by default, or
            ``COZE_PLAN``), a `Plan`, or ``None`` for no limits and no quotas.
        account: the name the limits and ledger file this account under (default: a fingerprint of
            the token; never the token itself).
        limiter: ``"memory://"`` (default), ``"sqlite:///path"``, ``"redis://..."`` or a RateLimiter
            instance (shared with other clients; not closed by this client).
        ledger: ``"sqlite:///path"`` (default: a file in the user's state directory),
            ``"memory://"``, ``"redis://..."`` or a UsageLedger instance (shared with other clients and
            adapters; not closed by this client).
        http_client: your own ``httpx.AsyncClient`` (not closed by this client).

    Examples:
        ```python
        async with AsyncCoze(token="pat_...", plan="coze.personal_paid") as coze:
            chat = await coze.chat.create(bot_id="7351...", user_id="u1", additional_messages=["hi"])
        ```
    """

    provider = "coze"
    """The provider name limits and the ledger file calls under."""

    def __init__(
        self,
        *,
        token: str | TokenProvider | None = None,
        auth: TokenProvider | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_retry_after: float = MAX_RETRY_AFTER,
        http_client: httpx.AsyncClient | None = None,
        plan: str | Plan | None = PLAN_FROM_ENV,
        account: str | None = None,
        limiter: str | RateLimiter | None = None,
        ledger: str | UsageLedger | None = None,
    ) -> None:
        self._auth = _resolve_auth(auth if auth is not None else token)
        self.base_url: str = _check_base_url(base_url or os.environ.get("COZE_API_BASE") or COZE_CN_BASE_URL)
        """The API root (``base_url=``, ``$COZE_API_BASE``, or ``https://api.coze.cn``)."""
        if max_retries < 0:
            raise ValidationError("max_retries must be >= 0")
        if isinstance(timeout, (int, float)):
            timeout = httpx.Timeout(float(timeout), connect=min(float(timeout), 5.0))
        self.timeout: httpx.Timeout = timeout or DEFAULT_TIMEOUT
        """The default ``httpx.Timeout`` of every call."""
        self.account: str = account or getattr(self._auth, "fingerprint", None) or "default"
        """The name limits and the ledger file this account under (``account=``, or a fingerprint of the token)."""
        if plan is PLAN_FROM_ENV:
            plan = os.environ.get("COZE_PLAN") or DEFAULT_PLAN
        self.plan: Plan | None = _resolve_plan(plan)
        """The `Plan` whose limits and quotas apply (``None``: no limits, no quotas)."""
        # Ownership: close what this client built (from a URL or the default), never an instance it was given.
        self._own_limiter = limiter is None or isinstance(limiter, str)
        self._own_ledger = ledger is None or isinstance(ledger, str)
        self.limiter: RateLimiter = _resolve_limiter(limiter, self.plan)
        """The rate limiter every attempt waits on (a `RateLimiter`; closed with the client only if it built it)."""
        self.ledger: UsageLedger = _resolve_ledger(ledger, self.plan, self.provider, self.account)
        """The usage ledger (a `UsageLedger`): ``await coze.ledger.snapshot()`` shows used and left."""
        self._own_http = http_client is None
        headers = {
            "User-Agent": f"coze-client/{__version__} python/{platform.python_version()}",
            "Accept": "application/json",
        }
        self._http = http_client or httpx.AsyncClient(
            timeout=self.timeout,
            headers=headers,
            limits=httpx.Limits(max_connections=1000, max_keepalive_connections=100),
            follow_redirects=True,
        )
        self._corridor = Corridor(
            http=self._http,
            base_url=self.base_url,
            auth=self._auth,
            provider=self.provider,
            account=self.account,
            limiter=self.limiter,
            ledger=self.ledger,
            retry=RetryPolicy(max_retries=max_retries, max_retry_after=max_retry_after),
            timeout=self.timeout,
            headers=headers,
            client_defaults=self._own_http,
        )
        self.chat: AsyncChat = AsyncChat(self._corridor)
        """Chat v3: ``create``, ``stream``, ``retrieve``, ``messages``, tool outputs, ``cancel``."""
        self.conversations: AsyncConversations = AsyncConversations(self._corridor)
        """Conversations, ``.messages`` and ``.messages.feedback``."""
        self.files: AsyncFiles = AsyncFiles(self._corridor)
        """File upload and retrieve."""

    # Resources of later areas are created on first use (and keep the import of the client light).
    @cached_property
    def workflows(self) -> AsyncWorkflows:
        """Workflows: ``runs`` (create, stream, resume, histories), ``chat``, ``list``, ``retrieve``, ``versions``."""
        from .resources.workflows import AsyncWorkflows

        return AsyncWorkflows(self._corridor)

    @cached_property
    def datasets(self) -> AsyncDatasets:
        """Knowledge: datasets, ``.documents`` and ``.images``."""
        from .resources.datasets import AsyncDatasets

        return AsyncDatasets(self._corridor)

    @cached_property
    def audio(self) -> AsyncAudio:
        """Voice: ``voices``, ``speech``, ``transcriptions``, ``rooms``, ``voiceprint_groups``."""
        from .resources.audio import AsyncAudio

        return AsyncAudio(self._corridor)

    @cached_property
    def bots(self) -> AsyncBots:
        """Bots: ``list``, ``retrieve``, ``create``, ``update``, ``publish``, ``unpublish``, versions, collaboration."""
        from .resources.bots import AsyncBots

        return AsyncBots(self._corridor)

    @cached_property
    def users(self) -> AsyncUsers:
        """Users: ``me``."""
        from .resources.users import AsyncUsers

        return AsyncUsers(self._corridor)

    @cached_property
    def workspaces(self) -> AsyncWorkspaces:
        """Workspaces: ``list``, ``create``, ``update``, ``.members``."""
        from .resources.workspaces import AsyncWorkspaces

        return AsyncWorkspaces(self._corridor)

    @cached_property
    def benefits(self) -> AsyncBenefits:
        """The account's effective plan limits (``retrieve``)."""
        from .resources.benefits import AsyncBenefits

        return AsyncBenefits(self._corridor)

    # -- management areas (issue 19): each created on first use --------------------------------
    @cached_property
    def folders(self) -> AsyncFolders:
        """Folders of a workspace: ``list``, ``retrieve``."""
        from .resources.folders import AsyncFolders

        return AsyncFolders(self._corridor)

    @cached_property
    def apps(self) -> AsyncApps:
        """Apps: ``list`` and ``.collaborators``."""
        from .resources.apps import AsyncApps

        return AsyncApps(self._corridor)

    @cached_property
    def templates(self) -> AsyncTemplates:
        """Templates: ``duplicate``."""
        from .resources.templates import AsyncTemplates

        return AsyncTemplates(self._corridor)

    @cached_property
    def copy_tasks(self) -> AsyncCopyTasks:
        """Copies of bots, apps and workflows: ``create``, ``retrieve``."""
        from .resources.templates import AsyncCopyTasks

        return AsyncCopyTasks(self._corridor)

    @cached_property
    def variables(self) -> AsyncVariables:
        """User variables: ``retrieve``, ``update``."""
        from .resources.variables import AsyncVariables

        return AsyncVariables(self._corridor)

    @cached_property
    def connectors(self) -> AsyncConnectors:
        """Publish channels: ``bind``, ``install``, ``.bots.update`` (review result)."""
        from .resources.connectors import AsyncConnectors

        return AsyncConnectors(self._corridor)

    @cached_property
    def enterprises(self) -> AsyncEnterprises:
        """Enterprises: ``.members`` and ``.organizations`` (with ``.members``)."""
        from .resources.enterprises import AsyncEnterprises

        return AsyncEnterprises(self._corridor)

    @cached_property
    def api_apps(self) -> AsyncAPIApps:
        """Callback apps and ``.events`` subscriptions."""
        from .resources.api_apps import AsyncAPIApps

        return AsyncAPIApps(self._corridor)

    @cached_property
    def benefit_limitations(self) -> AsyncBenefitLimitations:
        """Server-side usage limits per end user: ``create``, ``list``, ``update``."""
        from .resources.end_user_benefits import AsyncBenefitLimitations

        return AsyncBenefitLimitations(self._corridor)

    @cached_property
    def bill_tasks(self) -> AsyncBillTasks:
        """End-user bill exports: ``create``, ``list``."""
        from .resources.end_user_benefits import AsyncBillTasks

        return AsyncBillTasks(self._corridor)

    @cached_property
    def plugins(self) -> AsyncPlugins:
        """Paid plugins: ``list``, ``categories``, ``retrieve``, ``batch_retrieve``, ``call``."""
        from .resources.plugins import AsyncPlugins

        return AsyncPlugins(self._corridor)

    @cached_property
    def websockets(self) -> AsyncWebsockets:
        """Realtime voice over WebSockets: ``audio.speech``, ``audio.transcriptions``, ``chat``."""
        from .websockets import AsyncWebsockets

        return AsyncWebsockets(self._corridor, base_url=self.base_url)

    @property
    def stats(self) -> PipelineStats:
        """Running totals of what the corridor did (calls, attempts, retries, waits)."""
        return self._corridor.stats

    async def aclose(self) -> None:
        """Close what this client built: the HTTP client, limiter and ledger, unless each was passed in.

        An instance you passed (``http_client=``, ``limiter=``, ``ledger=``) stays open for the other
        clients sharing it; close it yourself when the last of them is done.
        """
        try:
            if self._own_http:
                await self._http.aclose()
        finally:
            try:
                if self._own_limiter:
                    await self.limiter.aclose()
            finally:
                if self._own_ledger:
                    await self.ledger.aclose()

    async def __aenter__(self) -> AsyncCoze:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        plan = self.plan.name if self.plan is not None else None
        return f"AsyncCoze(base_url={self.base_url!r}, plan={plan!r}, account={self.account!r}, auth={self._auth!r})"


def _resolve_auth(token: str | TokenProvider | None) -> TokenProvider:
    if token is None:
        token = os.environ.get("COZE_API_TOKEN")
        if not token:
            raise ValidationError("no token: pass token=... or set COZE_API_TOKEN")
    if isinstance(token, str):
        return StaticToken(token)
    if isinstance(token, TokenProvider):
        return token
    raise ValidationError(f"token must be a string or a TokenProvider, got {type(token).__name__}")


def _check_base_url(url: str) -> str:
    parsed = httpx.URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValidationError(f"base_url must be an http(s) URL, got {url!r}")
    return url.rstrip("/")


def _resolve_plan(plan: Any) -> Plan | None:
    if plan is None:
        return None
    from .limits import get_plan

    return get_plan(plan)


def _resolve_limiter(limiter: Any, plan: Plan | None) -> RateLimiter:
    if limiter is not None and not isinstance(limiter, str):
        check_limiter_plan(limiter, plan)
        return limiter  # type: ignore[no-any-return]
    from .limits import build_limiter

    return build_limiter(limiter if limiter is not None else "memory://", plan)


def check_limiter_plan(limiter: object, plan: Plan | None) -> None:
    """Refuse a shared limiter built for another plan than the client's (ValidationError).

    A limiter paces the plan it was built with, for every account of that plan's provider, and lets
    other providers' calls through unpaced: handed to a client of another plan, it would pace that
    client by the wrong figures, or not at all. Limiters without a ``plan`` attribute are trusted.
    """
    from .limits.plans import Plan

    paced = getattr(limiter, "plan", None)
    if plan is None or not isinstance(paced, Plan) or paced == plan:
        return
    raise ValidationError(
        f"this limiter paces plan {paced.name!r} ({paced.provider}), not this client's plan {plan.name!r} "
        f"({plan.provider}); build one limiter per plan (limiter=URL, or build_limiter(url, plan)) and share "
        "it only among clients of that plan"
    )


def _resolve_ledger(ledger: Any, plan: Plan | None, provider: str, account: str) -> UsageLedger:
    if ledger is not None and not isinstance(ledger, str):
        built: UsageLedger = ledger
    else:
        from .ledger import build_ledger

        built = build_ledger(ledger)
    if plan is not None and hasattr(built, "bind"):
        built.bind(provider, account, plan)
    return built
