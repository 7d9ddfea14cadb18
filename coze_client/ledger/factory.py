"""Pick a ledger backend by URL.

=========================  =====================================================
``None`` / ``"sqlite://"``  `SqliteLedger` at `default_ledger_path`
``"sqlite:///abs/path"``    `SqliteLedger` at ``/abs/path``
``"memory://"``             `MemoryLedger`
``"none://"``               `NullLedger` (counts nothing; refuses plans with blocking quotas)
``"redis://..."``           a backend registered with `register_ledger_backend`
a ledger instance           used as it is (plans are bound to it)
=========================  =====================================================

Other schemes can be added with `register_ledger_backend`.

Examples:
    ```python
    ledger = build_ledger("memory://", plans=get_plan("coze.personal_free"), account="team-a")
    ```
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..errors import ValidationError
from ..limits.plans import Plan
from .base import PlanAware, UsageLedger
from .memory import MemoryLedger
from .null import NullLedger
from .sqlite import SqliteLedger

__all__ = ["build_ledger", "register_ledger_backend"]

LedgerFactory = Callable[..., UsageLedger]
_BACKENDS: dict[str, LedgerFactory] = {}


def register_ledger_backend(scheme: str, factory: LedgerFactory) -> None:
    """Make ``build_ledger("<scheme>://...")`` call ``factory(url, **options)`` (e.g. the redis backend).

    Args:
        scheme: the URL scheme, without ``://`` (case-insensitive; replaces an earlier registration).
        factory: called with the whole URL and the options of `build_ledger`; returns a `UsageLedger`.
    """
    _BACKENDS[scheme.lower()] = factory


def build_ledger(
    url: str | UsageLedger | None = None,
    plans: Plan | Iterable[Plan] | None = None,
    *,
    account: str = "*",
    **options: Any,
) -> UsageLedger:
    """The ledger ``url`` names, with ``plans`` bound to ``account`` (``"*"``: every account).

    ``options`` go to the backend (``clock``, ``thresholds``, ``on_threshold``, sqlite ``executor`` ...).
    Raises `ValidationError` for an unknown or unavailable scheme.

    Args:
        url: ``"memory://"``, ``"sqlite:///abs/path.db"``, ``"redis://host:6379/0"``, ``"none://"``, a scheme
            registered with `register_ledger_backend`, or a ledger object (used as it is). ``None``
            (default) opens the sqlite ledger at its default path (`default_ledger_path`).
        plans: a `Plan` or several to bind (each to its own provider); ``None`` binds none.
        account: the account the plans are bound to (default ``"*"``: every account without its own).
        **options: keyword arguments for the backend's constructor.
    """
    ledger: UsageLedger
    if url is None or not isinstance(url, str):
        ledger = url if url is not None else SqliteLedger(None, **options)
    else:
        scheme, sep, rest = url.partition("://")
        scheme = scheme.lower()
        if not sep:
            raise ValidationError(f"ledger URL {url!r} has no scheme; use memory://, sqlite:///path or redis://")
        if scheme == "memory":
            ledger = MemoryLedger(**options)
        elif scheme == "none":
            ledger = NullLedger()
        elif scheme == "sqlite":
            if rest and not rest.startswith("/"):
                raise ValidationError(f"sqlite ledger URL needs an absolute path (sqlite:///abs/path), got {url!r}")
            ledger = SqliteLedger(rest or None, **options)
        elif scheme in _BACKENDS:
            ledger = _BACKENDS[scheme](url, **options)
        elif scheme in ("redis", "rediss"):
            ledger = _redis_ledger(url, **options)
        else:
            raise ValidationError(f"unknown ledger URL scheme {scheme!r}; use memory://, sqlite:///path or redis://")
    if plans is not None:
        if not isinstance(ledger, PlanAware):
            raise ValidationError(f"{type(ledger).__name__} cannot take plans (it has no bind())")
        for plan in [plans] if isinstance(plans, Plan) else list(plans):
            ledger.bind(plan.provider, account, plan)
    return ledger


def _redis_ledger(url: str, **options: Any) -> UsageLedger:
    # Imported on demand: redis-py is an optional extra, and most users never need it.
    try:
        from .redis import RedisLedger
    except ImportError as exc:
        raise ValidationError(
            f"the redis ledger needs the redis extra (pip install 'coze-client[redis]'): {exc}"
        ) from None
    ledger: UsageLedger = RedisLedger(url, **options)
    return ledger
