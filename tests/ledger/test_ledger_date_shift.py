"""The sqlite ledger on any date: a file written at a month end, a year end, 400 days or 10 years ahead,
or past 2038, counts the right periods and rolls over at the next Shanghai midnight."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from coze_client._call import CallInfo
from coze_client.errors import QuotaExhaustedError
from coze_client.ledger import SqliteLedger
from coze_client.ledger.periods import period_key, resets_at
from coze_client.limits.plans import Plan, Quota
from tests.dateshift import SHANGHAI, DateShift

PLAN = Plan(
    name="test.dated",
    provider="coze",
    quotas=(
        Quota(name="free_calls", unit="calls", limit=500, period="ever", policy="block", lockout=True),
        Quota(name="daily", unit="calls", limit=2, period="day", policy="block"),
        Quota(name="monthly", unit="calls", limit=100, period="month", policy="block"),
    ),
)


def call() -> CallInfo:
    return CallInfo("coze", "acct", "POST", "/v3/chat", groups=("chat", "model"))


async def test_periods_roll_over_at_the_next_midnight_on_any_date(tmp_path: Path, date_shift: DateShift) -> None:
    now = date_shift.now
    path = tmp_path / "ledger.sqlite3"
    ledger = SqliteLedger(path, PLAN, clock=lambda: now)
    for _ in range(2):
        await ledger.settle(await ledger.reserve(call()))
    try:
        await ledger.reserve(call())
        raise AssertionError("the third call of the day was let through")
    except QuotaExhaustedError as exc:
        assert exc.quota == "daily"
        assert exc.resets_at == resets_at("day", period_key("day", now))
    await ledger.aclose()

    # The same file, opened again just after the Shanghai day ends: a new day, the lifetime count kept.
    day = period_key("day", now)
    ends = resets_at("day", day)
    assert ends is not None and ends > now
    later = ends.astimezone(now.tzinfo) + timedelta(seconds=1)
    reopened = SqliteLedger(path, PLAN, clock=lambda: later)
    await reopened.settle(await reopened.reserve(call()))
    rows = {(r.quota, r.period_key): r.used for r in await reopened.snapshot()}
    new_day = later.astimezone(SHANGHAI).strftime("%Y-%m-%d")
    assert new_day != day
    assert rows[("free_calls", "ever")] == 3
    assert rows[("daily", new_day)] == 1
    month, new_month = period_key("month", now), period_key("month", later)
    if month == new_month:
        assert rows[("monthly", new_month)] == 3
    else:  # the shift landed on a month (or year) end: the new month starts from zero
        assert rows[("monthly", new_month)] == 1
        assert date_shift.name in {"month-end", "year-end"} or day.endswith(("-28", "-29", "-30", "-31"))
    if date_shift.name == "year-end":
        assert new_month.endswith("-01") and int(new_month[:4]) == int(month[:4]) + 1
    await reopened.aclose()
