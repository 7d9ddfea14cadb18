"""An OAuth access token, and `OAuthToken`: the auto-refreshing token provider of every flow.

Single flight: however many tasks find the token expired at once, exactly one refresh runs; the
others await the same `asyncio.Task` (through ``asyncio.shield``, so one caller's
cancellation cannot cancel the refresh the others wait for). A failed refresh raises
`AuthRefreshError` in every task that waited for it, and the next call
starts a new refresh.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from .._secrets import fingerprint, mask
from ..errors import AuthRefreshError, CozeError

__all__ = ["DEFAULT_SKEW", "OAuthToken", "TokenResponse"]

log = logging.getLogger("coze_client.auth")

# Refresh this long before the token's expiry, so a token never expires between being handed out
# and the request reaching the server (slow pools, retries with backoff, clock drift).
DEFAULT_SKEW = 60.0
# The service sends ``expires_in`` as an absolute Unix time (coze-api.md §3). A value below this can
# only be a duration (it is before 2001-09-09), so it is read as one instead of as an instant long past.
_ABSOLUTE_AFTER = 1_000_000_000

# The (provider id, token generation) the current task last received from ``get_token``: lets
# ``invalidate()`` ignore a rejection of a token that has already been replaced by another task.
_HANDED: ContextVar[tuple[int, int] | None] = ContextVar("coze_client_oauth_handed", default=None)


@dataclass(frozen=True, slots=True)
class TokenResponse:
    """What the token endpoint granted. ``repr`` shows masked tokens only.

    Args:
        access_token: the bearer token.
        expires_at: Unix time of expiry (the service's ``expires_in``, an absolute timestamp).
        refresh_token: for code, PKCE and device grants (rotated on every refresh); None for JWT.
        token_type: ``Bearer``.
        obtained_at: Unix time it was received (to size the refresh margin to its lifetime).

    Examples:
        ```python
        t = TokenResponse.from_body({"access_token": "czu_example", "expires_in": 1900000000}, now=1899999100)
        t.expires_at, t.lifetime
        # (1900000000.0, 900.0)
        ```
    """

    access_token: str = field(repr=False)
    expires_at: float
    refresh_token: str | None = field(default=None, repr=False)
    token_type: str = "Bearer"
    obtained_at: float = 0.0

    @classmethod
    def from_body(cls, body: dict[str, Any], *, now: float | None = None) -> TokenResponse:
        """Parse a token endpoint answer (``access_token``, ``expires_in``, ``refresh_token``, ``token_type``).

        ``expires_in`` may be an absolute Unix time (what Coze sends) or a duration in seconds; missing, it is
        taken as 900 seconds.

        Args:
            body: the decoded JSON answer of the token endpoint.
            now: the Unix time it was received (default: ``time.time()``).
        """
        now = time.time() if now is None else now
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise AuthRefreshError("the token endpoint answered without an access_token")
        raw = body.get("expires_in")
        try:
            expires = float(raw) if raw is not None else now + 900.0
        except (TypeError, ValueError):
            raise AuthRefreshError("the token endpoint answered an invalid expires_in") from None
        if expires < _ABSOLUTE_AFTER:
            expires = now + expires
        refresh = body.get("refresh_token")
        return cls(
            access_token=token,
            expires_at=expires,
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
            token_type=str(body.get("token_type") or "Bearer"),
            obtained_at=now,
        )

    @property
    def lifetime(self) -> float:
        """Seconds between receipt and expiry."""
        return max(0.0, self.expires_at - self.obtained_at)

    def __repr__(self) -> str:
        refresh = "set" if self.refresh_token else None
        return (f"TokenResponse(access_token={mask(self.access_token)}, expires_at={self.expires_at:.0f}, "
                f"refresh_token={refresh}, token_type={self.token_type!r})")


Fetch = Callable[[TokenResponse | None], Awaitable[TokenResponse]]


class OAuthToken:
    """A `TokenProvider` that refreshes an OAuth token before it expires.

    Args:
        fetch: obtains a new token, given the current one (``None`` at first). The flows pass their
            own (refresh-token grant, or a newly signed JWT).
        token: the token to start with (None: fetch on first use).
        skew: refresh this many seconds before expiry (capped at a quarter of the token's lifetime,
            so a short-lived token is not refreshed on every call).
        clock: Unix time source (tests).
        identity: a non-secret string naming the credential (client id...), used for ``fingerprint``.

    Examples:
        ```python
        async def fetch(previous):
            return await app.refresh(previous.refresh_token)
        coze = AsyncCoze(auth=OAuthToken(fetch, token))
        ```
    """

    def __init__(
        self,
        fetch: Fetch,
        token: TokenResponse | None = None,
        *,
        skew: float = DEFAULT_SKEW,
        clock: Callable[[], float] = time.time,
        identity: str = "oauth",
    ) -> None:
        if skew < 0:
            raise ValueError("skew must be >= 0")
        self._fetch = fetch
        self._token = token
        self._skew = skew
        self._clock = clock
        self._identity = identity
        self._generation = 0
        self._stale = False
        self._inflight: asyncio.Task[TokenResponse] | None = None
        self.refreshes = 0
        """Successful refreshes so far."""
        self.failures = 0
        """Failed refreshes so far."""

    # ------------------------------------------------------------------ TokenProvider
    async def get_token(self) -> str:
        """A valid access token, refreshing it first (once, for all concurrent callers) when needed."""
        token = self._token
        if token is None or not self._fresh(token):
            token = await self._refresh()
        _HANDED.set((id(self), self._generation))
        return token.access_token

    def invalidate(self) -> None:
        """The service rejected the token: refresh on the next ``get_token``.

        When the rejected token (the one this task received) was already replaced by a refresh in
        another task, nothing happens: 100 calls rejected together cause one refresh, not 100.
        """
        handed = _HANDED.get()
        if handed is not None and handed[0] == id(self) and handed[1] != self._generation:
            return
        self._stale = True

    # ------------------------------------------------------------------ more
    @property
    def token(self) -> TokenResponse | None:
        """The current token (may be expired), or None before the first fetch."""
        return self._token

    @property
    def fingerprint(self) -> str:
        """A stable, non-secret id of the credential (the default ledger account of ``AsyncCoze``)."""
        return fingerprint(self._identity)

    async def refresh(self) -> TokenResponse:
        """Obtain a new token now (joins a refresh already running)."""
        self._stale = True
        return await self._refresh()

    def _fresh(self, token: TokenResponse) -> bool:
        if self._stale:
            return False
        margin = min(self._skew, token.lifetime / 4)
        return self._clock() < token.expires_at - margin

    async def _refresh(self) -> TokenResponse:
        task = self._inflight
        if task is None or task.done():
            task = asyncio.get_running_loop().create_task(self._run())
            task.add_done_callback(self._flight_done)
            self._inflight = task
        return await asyncio.shield(task)

    async def _run(self) -> TokenResponse:
        try:
            token = await self._fetch(self._token)
        except AuthRefreshError:
            self.failures += 1
            raise
        except CozeError as exc:
            self.failures += 1
            raise AuthRefreshError(f"token refresh failed: {exc.message}") from exc
        except Exception as exc:
            self.failures += 1
            raise AuthRefreshError(f"token refresh failed: {type(exc).__name__}: {exc}") from exc
        self._token = token
        self._generation += 1
        self._stale = False
        self.refreshes += 1
        log.debug("oauth token for %s refreshed; expires at %.0f", self.fingerprint, token.expires_at)
        return token

    def _flight_done(self, task: asyncio.Task[TokenResponse]) -> None:
        if self._inflight is task:
            self._inflight = None
        if not task.cancelled():
            task.exception()  # retrieved here, so an unawaited failure is not reported as "never retrieved"

    def __repr__(self) -> str:
        token = mask(self._token.access_token) if self._token else None
        return f"{type(self).__name__}(id={self.fingerprint}, token={token})"
