"""Quota periods: which bucket a moment falls in, and when that bucket resets.

Periods are calendar periods in the provider's timezone (``Asia/Shanghai`` unless the plan says
otherwise; the pricing pages: "Per day quotas reset at the start of the provider's calendar day"). A day
bucket is keyed ``"2026-11-25"``, a month bucket ``"2026-11"``, the lifetime bucket ``"ever"``.

Examples:
    ```python
    from datetime import datetime, timezone
    now = datetime(2026, 11, 30, 16, 0, tzinfo=timezone.utc)   # 00:00 on Dec 1st in Shanghai
    period_key("month", now, "Asia/Shanghai")
    # '2026-12'
    ```
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from ..limits.plans import QuotaPeriod

__all__ = ["DEFAULT_TIMEZONE", "current_key", "period_key", "period_of_key", "resets_at", "zone"]

DEFAULT_TIMEZONE = "Asia/Shanghai"


@lru_cache(maxsize=32)
def zone(name: str) -> ZoneInfo:
    """The ``ZoneInfo`` for ``name`` (cached: ledger hot path). Needs the ``tzdata`` package on Windows.

    Args:
        name: an IANA time zone name, e.g. ``"Asia/Shanghai"``.
    """
    return ZoneInfo(name)


def period_key(period: QuotaPeriod, now: datetime, tz: str = DEFAULT_TIMEZONE) -> str:
    """The key of the bucket ``now`` (an aware datetime) falls in.

    Args:
        period: ``"ever"``, ``"day"`` or ``"month"``.
        now: the moment, an aware datetime.
        tz: the IANA time zone whose calendar decides the bucket (default ``"Asia/Shanghai"``).

    Returns:
        ``"ever"``, ``"YYYY-MM-DD"`` or ``"YYYY-MM"``.
    """
    if period == "ever":
        return "ever"
    # Every call asks this for each of its quotas: cache by the UTC minute. Zone offsets are whole
    # minutes, so a local day or month never starts inside a UTC minute.
    return _minute_key(period, int(now.timestamp() // 60), tz)


@lru_cache(maxsize=64)
def _minute_key(period: QuotaPeriod, minute: int, tz: str) -> str:
    local = datetime.fromtimestamp(minute * 60, zone(tz))
    return local.strftime("%Y-%m-%d" if period == "day" else "%Y-%m")


current_key = period_key


def period_of_key(key: str) -> QuotaPeriod:
    """Recover the period from a key's shape (``ever``, ``YYYY-MM-DD``, ``YYYY-MM``).

    Args:
        key: a bucket key as `period_key` returns it.
    """
    if key == "ever":
        return "ever"
    return "day" if len(key) == 10 else "month"


def resets_at(period: QuotaPeriod, key: str, tz: str = DEFAULT_TIMEZONE) -> datetime | None:
    """When the bucket ``key`` ends (local midnight, or the 1st of the next month); None for ``ever``.

    Args:
        period: ``"ever"``, ``"day"`` or ``"month"``: the period ``key`` belongs to.
        key: the bucket key, ``"YYYY-MM-DD"`` or ``"YYYY-MM"`` (ignored for ``"ever"``).
        tz: the IANA time zone of the bucket (default ``"Asia/Shanghai"``).

    Examples:
        ```python
        resets_at("day", "2026-11-25").isoformat()
        # '2026-11-26T00:00:00+08:00'
        ```
    """
    if period == "ever":
        return None
    z = zone(tz)
    if period == "day":
        start = datetime.strptime(key, "%Y-%m-%d")
        # Add a calendar day on the naive date, then attach the zone: correct across DST changes.
        nxt = (start + timedelta(days=1)).replace(tzinfo=z)
        return nxt
    year, month = (int(part) for part in key.split("-"))
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return datetime(year, month, 1, tzinfo=z)
