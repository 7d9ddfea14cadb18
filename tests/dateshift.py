"""Instants for date-shift runs: tests whose dates a real clock judges must pass on any day.

A test that lets a real clock judge what it wrote (Redis TTLs, sqlite files, token expiry) takes the
``date_shift`` fixture and builds its ledger or limiter clock from it. Every instant lies in the
future of the real clock (a real server never sees a date from the past), so the same test runs
today, at this month's and this year's last second in Shanghai, 400 days and 10 years ahead, and
past the 32-bit ``time_t`` rollover of 2038-01-19.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = timezone.utc
SHIFTS = ("today", "month-end", "year-end", "+400d", "+10y", "2038+")


@dataclass(frozen=True)
class DateShift:
    """One shifted instant: ``now`` (aware, UTC) and ``seconds`` ahead of the real clock."""

    name: str
    now: datetime
    seconds: float

    def clock(self) -> datetime:
        """A frozen ledger clock at the shifted instant."""
        return self.now


def shifted(name: str, real: datetime | None = None) -> DateShift:
    """The instant ``name`` (one of SHIFTS) for the real clock ``real`` (default: now)."""
    real = real or datetime.now(UTC)
    local = real.astimezone(SHANGHAI)
    if name == "today":
        target = real
    elif name == "month-end":
        next_month = local.replace(day=28) + timedelta(days=4)
        first_next = next_month.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        target = first_next - timedelta(seconds=1)
    elif name == "year-end":
        target = datetime(local.year, 12, 31, 23, 59, 59, tzinfo=SHANGHAI)
    elif name == "+400d":
        target = real + timedelta(days=400)
    elif name == "+10y":
        target = real + timedelta(days=3653)
    elif name == "2038+":
        target = datetime(2038, 1, 19, 3, 14, 8, tzinfo=UTC) + timedelta(days=1)
    else:
        raise ValueError(f"unknown shift {name!r}")
    target = max(target.astimezone(UTC), real)
    return DateShift(name, target, (target - real).total_seconds())
