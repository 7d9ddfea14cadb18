"""Shared plumbing of the adapters: one corridor (limiter, ledger, retries, typed errors) per provider.

Every adapter builds a `Pipeline` the way ``AsyncCoze`` builds its own: a plan preset of its
provider (overridable), a limiter and a ledger chosen by URL (``"memory://"``, ``"sqlite:///path"``)
or passed in, an ``httpx.AsyncClient`` (yours or its own) and a `Corridor`
with the provider's seams (where the token goes, how an error is recognised).
"""

from __future__ import annotations

import math
import os
import platform
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeVar

import httpx

from coze_client import limits as _limits
from coze_client._auth import TokenProvider
from coze_client._client import check_limiter_plan
from coze_client._constants import DEFAULT_TIMEOUT
from coze_client._models import CallMeta
from coze_client._retry import RetryPolicy
from coze_client._transport import CallOptions, Corridor
from coze_client._version import __version__
from coze_client.errors import APIError, ValidationError
from coze_client.ledger import build_ledger
from coze_client.ledger.base import UsageLedger
from coze_client.ledger.prices import KeyMode
from coze_client.limits.base import RateLimiter
from coze_client.limits.plans import Plan

__all__ = ["Payload", "Pipeline", "PipelineOwner", "call_options", "env_secret", "estimate_tokens"]

@dataclass(slots=True)
class Payload:
    """A response payload plus the corridor's `CallMeta` (the corridor attaches ``meta``)."""

    data: Any
    meta: CallMeta | None = None


def env_secret(value: str | None, env: str, what: str) -> str:
    """``value``, else the environment variable ``env``; a ValidationError naming ``env`` when neither is set."""
    secret = value if value is not None else os.environ.get(env)
    if not isinstance(secret, str) or not secret.strip():
        raise ValidationError(f"no {what}: pass it or set {env}")
    return secret.strip()


def call_options(
    timeout: float | httpx.Timeout | None = None, max_retries: int | None = None, max_wait: float | None = None
) -> CallOptions | None:
    """Per-call options, or None when none were given (the common case).

    Args:
        timeout: this call's timeout (seconds or ``httpx.Timeout``; default: the client's).
        max_retries: this call's retries (default: the client's).
        max_wait: fail at once with `RateLimitWaitError` when the limiter would wait longer (seconds).
    """
    if timeout is None and max_retries is None and max_wait is None:
        return None
    if max_retries is not None and max_retries < 0:
        raise ValidationError("max_retries must be >= 0")
    return CallOptions(timeout=timeout, max_retries=max_retries, max_wait=max_wait)


def _is_cjk(ch: str) -> bool:
    # CJK ideographs, kana, hangul and full-width forms: about one token per character (plans.md).
    code = ord(ch)
    return (
        0x2E80 <= code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF
        or 0x20000 <= code <= 0x2FA1F
        or unicodedata.east_asian_width(ch) in ("W", "F")
    )


def estimate_tokens(*texts: str) -> int:
    """Tokens of ``texts`` by the providers' published rule, rounded up so the estimate errs high.

    the providers' pricing pages (Xingchen, GPTBots): 1 token ≈ 1 Chinese/Japanese/Korean character, ≈ 3-4 English
    letters. Other characters count 1/3 token each (the pessimistic end of "3-4").

    Examples:
        ```python
        estimate_tokens("你好"), estimate_tokens("hello world")
        # (2, 4)
        ```
    """
    cjk = 0
    other = 0
    for text in texts:
        for ch in text:
            if _is_cjk(ch):
                cjk += 1
            elif not ch.isspace() or ch == " ":
                other += 1
    return cjk + math.ceil(other / 3)


def _resolve_plan(plan: str | Plan | None, provider: str) -> Plan | None:
    if plan is None:
        return None
    resolved = _limits.get_plan(plan)
    if resolved.provider != provider:
        raise ValidationError(f"plan {resolved.name!r} is for {resolved.provider!r}, not {provider!r}")
    return resolved


def _resolve_limiter(limiter: str | RateLimiter | None, plan: Plan | None) -> RateLimiter:
    if limiter is not None and not isinstance(limiter, str):
        check_limiter_plan(limiter, plan)  # a shared limiter paces only the plan it was built for
        return limiter
    url = limiter if limiter is not None else "memory://"
    build = getattr(_limits, "build_limiter", None)
    if build is not None:
        built: RateLimiter = build(url, plan)
        return built
    # The limits package without its factory (older checkouts): the in-memory limiter directly.
    if url.split("://", 1)[0].lower() != "memory":
        raise ValidationError(f"limiter URL {url!r} is not available here; use memory://")
    from coze_client.limits.memory import MemoryLimiter, NullLimiter

    return MemoryLimiter(plan) if plan is not None else NullLimiter()


class Pipeline:
    """The corridor, limiter, ledger and HTTP client of one adapter (closed together by `aclose`).

    Args:
        provider: ``"xingchen"``, ``"gptbots"`` or ``"easydl"`` (the plan's provider).
        account: the name limits and quotas are filed under (a fingerprint of the key by default).
        plan: preset name or `Plan` (``None``: no limits, no quotas).
        ledger_account: the ledger account the plan is bound to (default ``account``; EasyDL binds
            ``"<account>:*"``, every service of the account).
        key_mode: GPTBots' credit price column, bound with the plan (``"gptbots"`` or ``"own"``).
    """

    def __init__(
        self,
        *,
        provider: str,
        base_url: str,
        auth: TokenProvider,
        account: str,
        plan: str | Plan | None,
        limiter: str | RateLimiter | None,
        ledger: str | UsageLedger | None,
        http_client: httpx.AsyncClient | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        max_retry_after: float | None = None,
        headers: Mapping[str, str] | None = None,
        authorize: Callable[[httpx.Request, str], None] | None = None,
        parse_error: Callable[[httpx.Response, Any], APIError | None] | None = None,
        ledger_account: str | None = None,
        key_mode: KeyMode | None = None,
    ) -> None:
        parsed = httpx.URL(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise ValidationError(f"base_url must be an http(s) URL, got {base_url!r}")
        if max_retries < 0:
            raise ValidationError("max_retries must be >= 0")
        if isinstance(timeout, (int, float)):
            timeout = httpx.Timeout(float(timeout), connect=min(float(timeout), 5.0))
        self.provider = provider
        self.account = account
        self.timeout = timeout or DEFAULT_TIMEOUT
        self.plan = _resolve_plan(plan, provider)
        # Ownership (as AsyncCoze): close what was built here from a URL or the default, never an instance.
        self._own_limiter = limiter is None or isinstance(limiter, str)
        self._own_ledger = ledger is None or isinstance(ledger, str)
        self.limiter = _resolve_limiter(limiter, self.plan)
        self.ledger = build_ledger(ledger) if ledger is None or isinstance(ledger, str) else ledger
        if self.plan is not None and hasattr(self.ledger, "bind"):
            if key_mode is None:
                self.ledger.bind(provider, ledger_account or account, self.plan)
            else:  # GPTBots' price column: bound once, with the plan (a BaseLedger option)
                self.ledger.bind(provider, ledger_account or account, self.plan, key_mode=key_mode)
        self._own_http = http_client is None
        self.http = http_client or httpx.AsyncClient(
            timeout=self.timeout,
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
            follow_redirects=True,
        )
        retry = RetryPolicy(max_retries=max_retries) if max_retry_after is None else RetryPolicy(
            max_retries=max_retries, max_retry_after=max_retry_after
        )
        self._auth = auth
        self._base_url = base_url.rstrip("/")
        self._headers = {
            "User-Agent": f"coze-client/{__version__} python/{platform.python_version()}",
            "Accept": "application/json",
            **(headers or {}),
        }
        self._retry = retry
        # What the corridor talks to: the ledger itself, or an adapter's view of it (EasyDL's failed calls).
        self._authorize = authorize
        self._parse_error = parse_error
        self._corridors: dict[str, Corridor] = {}
        self.corridor = self.corridor_for(account)

    def corridor_for(self, account: str) -> Corridor:
        """A corridor filing calls under ``account`` (EasyDL keeps limits and free points per API)."""
        existing = self._corridors.get(account)
        if existing is not None:
            return existing
        corridor = Corridor(
            http=self.http,
            base_url=self._base_url,
            auth=self._auth,
            provider=self.provider,
            account=account,
            limiter=self.limiter,
            ledger=self.ledger,
            retry=self._retry,
            timeout=self.timeout,
            headers=self._headers,
            authorize=self._authorize,
            parse_error=self._parse_error,
        )
        self._corridors[account] = corridor
        return corridor

    async def aclose(self) -> None:
        """Close the HTTP client, limiter and ledger this pipeline built; never an instance passed in."""
        try:
            if self._own_http:
                await self.http.aclose()
        finally:
            try:
                if self._own_limiter:
                    await self.limiter.aclose()
            finally:
                if self._own_ledger:
                    await self.ledger.aclose()



_Owner = TypeVar("_Owner", bound="PipelineOwner")


class PipelineOwner:
    """What every adapter built on a `Pipeline` shares: its seams and closing it (``async with``)."""

    _pipe: Pipeline

    @property
    def pipeline(self) -> Pipeline:
        """The corridor, limiter and ledger of this adapter."""
        return self._pipe

    @property
    def ledger(self) -> UsageLedger:
        """The usage ledger of this adapter."""
        return self._pipe.ledger

    @property
    def limiter(self) -> RateLimiter:
        """The rate limiter of this adapter."""
        return self._pipe.limiter

    async def aclose(self) -> None:
        """Close the HTTP client, limiter and ledger this adapter built (never an instance passed in)."""
        await self._pipe.aclose()

    async def __aenter__(self: _Owner) -> _Owner:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
