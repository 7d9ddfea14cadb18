"""``Coze``: the sync client. ``AsyncCoze`` run on the SDK's own loop thread (one corridor, one implementation)."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from .._client import AsyncCoze
from .._transport import PipelineStats
from ..resources._base import APIResource
from ._loop import LoopClient, Portal, acquire, release

try:
    from ._resources import SyncCozeResources
except ImportError as exc:  # a stale generated module (a name it imports is gone): run without it
    import warnings

    warnings.warn(
        f"coze_client/_sync/_resources.py is stale ({exc}); run python -m coze_client._sync._generate. "
        "Coze wraps the async resources at run time meanwhile.",
        RuntimeWarning,
        stacklevel=1,
    )
    from ._wrap import StaleResources as SyncCozeResources  # type: ignore[assignment]
from ._wrap import wrap_member

if TYPE_CHECKING:
    from ..ledger.base import UsageLedger
    from ..limits.base import RateLimiter
    from ..limits.plans import Plan

__all__ = ["Coze"]

T = TypeVar("T")

# Async-only members of AsyncCoze that must not surface on the sync client (realtime sessions).
_ASYNC_ONLY = frozenset({"websockets"})


class Coze(SyncCozeResources, LoopClient):
    """Sync client for the Coze Open API: the same resources, options and guards as ``AsyncCoze``.

    Every call runs ``AsyncCoze``'s own code on one SDK event loop in a daemon thread, so a ``Coze``
    shared by many threads has one limiter and one ledger that see every call: threads never
    exceed a limit together and never under-count. It works where your thread already runs an event
    loop (Jupyter, a sync view inside an ASGI server). Close it (``with Coze(...) as coze:`` or
    ``close()``); the loop thread ends with the last client and at exit.

    The constructor takes the same keyword arguments as `AsyncCoze`:

    - `token`: a personal/service access token, or a `TokenProvider` (OAuth).
      Defaults to the ``COZE_API_TOKEN`` environment variable.
    - `base_url`: ``COZE_CN_BASE_URL`` (default) or ``COZE_COM_BASE_URL``.
    - `timeout`: default timeout (seconds or ``httpx.Timeout``); every method also takes ``timeout=``.
    - `max_retries`: default retries (2); every method also takes ``max_retries=``.
    - `plan`: the account's plan: a preset name (``"coze.personal_free"`` by default, or
      ``COZE_PLAN``), a `Plan`, or ``None`` for no limits and no quotas.
    - `account`: the name the limits and ledger file this account under.
    - `limiter`: ``"memory://"`` (default), ``"sqlite:///path"``, ``"redis://..."`` or a RateLimiter
      instance (shared; not closed by this client).
    - `ledger`: ``"sqlite:///path"`` (default: a file in the user's state directory),
      ``"memory://"``, ``"redis://..."`` or a UsageLedger.
    - `http_client`: your own ``httpx.AsyncClient`` (used on the SDK loop; not closed by this client).

    Examples:
        ```python
        with Coze(token="pat_...", plan="coze.personal_free") as coze:
            with coze.chat.stream(bot_id="7351...", user_id="u1", additional_messages=["hi"]) as events:
                for event in events:
                    print(event.event)
        ```
    """

    provider = "coze"

    def _start(self, options: dict[str, Any]) -> None:
        self._closed = True
        self._loop: Portal = acquire(self)
        try:
            self._inner: AsyncCoze = self._loop.run(_build(options))
        except BaseException:
            release(self._loop, self)
            raise
        self._closed = False

    @property
    def async_client(self) -> AsyncCoze:
        """The ``AsyncCoze`` underneath. It lives on the SDK loop: do not await it from another loop."""
        return self._inner

    @property
    def base_url(self) -> str:
        """The API's base URL."""
        return self._inner.base_url

    @property
    def timeout(self) -> httpx.Timeout:
        """The default timeout."""
        return self._inner.timeout  # type: ignore[return-value]

    @property
    def account(self) -> str:
        """The name the limits and ledger file this account under."""
        return self._inner.account

    @property
    def plan(self) -> Plan | None:
        """The account's plan (``None``: no limits and no quotas)."""
        return self._inner.plan

    @property
    def limiter(self) -> RateLimiter:
        """The limiter every call of this client (from every thread) passes."""
        return self._inner.limiter

    @property
    def ledger(self) -> UsageLedger:
        """The usage ledger every call of this client (from every thread) is booked in."""
        return self._inner.ledger

    @property
    def stats(self) -> PipelineStats:
        """Running totals of what the corridor did (calls, attempts, retries, waits)."""
        return self._inner.stats

    def run(self, awaitable: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine of the objects underneath (the ledger, the limiter) on the SDK loop.

        Args:
            awaitable: the coroutine to run (e.g. ``coze.ledger.snapshot()``); its result is returned.

        Examples:
            ```python
            rows = coze.run(coze.ledger.snapshot())
            ```
        """
        return self._loop.run(awaitable)

    @property
    def closed(self) -> bool:
        """Whether `close` ran."""
        return self._closed

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            # A resource AsyncCoze has but the generated classes do not know yet.
            if name.startswith("_") or name in _ASYNC_ONLY or "_inner" not in self.__dict__:
                raise AttributeError(name)
            value = getattr(self._inner, name)
            if not isinstance(value, APIResource):  # only resources; the client's own API is above
                raise AttributeError(f"Coze has no attribute {name!r}")
            wrapped = wrap_member(value, self._loop)
            self.__dict__[name] = wrapped
            return wrapped


    def __repr__(self) -> str:
        inner = self.__dict__.get("_inner")
        return "Coze(closed)" if inner is None else "Coze" + repr(inner).removeprefix("AsyncCoze")


async def _build(options: dict[str, Any]) -> AsyncCoze:
    # On the SDK loop: anything the client binds to a running loop binds to this one.
    return AsyncCoze(**options)
