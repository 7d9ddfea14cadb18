"""Server-side enforcement: strict sliding windows by arrival time, tokens, concurrency, quotas."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from coze_client.limits import get_plan
from coze_client.limits.plans import Limit, Quota
from coze_client.testing.enforcement import Admission, Enforcer, ManualClock, Rejection, Stats, estimate_tokens


def _run(enforcer: Enforcer, clock: ManualClock, times: list[float], groups: tuple[str, ...] = ("chat",)) -> list[bool]:
    out = []
    for t in times:
        clock.now = t
        out.append(isinstance(enforcer.admit(groups), Admission))
    return out


def _max_in_window(times: list[float], window: float) -> int:
    best = 0
    for i, t in enumerate(times):
        best = max(best, sum(1 for u in times[: i + 1] if u > t - window))
    return best


arrivals = st.lists(st.floats(min_value=0, max_value=5, allow_nan=False), min_size=1, max_size=60).map(sorted)


@settings(max_examples=150, deadline=None)
@given(times=arrivals, limit=st.integers(1, 5), window=st.sampled_from([0.25, 1.0, 2.0]))
def test_accepted_arrivals_never_exceed_limit_in_any_window(times: list[float], limit: int, window: float) -> None:
    for count_rejected in (True, False):
        clock = ManualClock()
        enforcer = Enforcer(
            limits=[Limit(name="qps", group="chat", limit=limit, window=window)],
            clock=clock,
            count_rejected=count_rejected,
        )
        verdicts = _run(enforcer, clock, times)
        accepted = [t for t, ok in zip(times, verdicts, strict=True) if ok]
        assert _max_in_window(accepted, window) <= limit
        # The peak counts every arrival, accepted or not.
        assert enforcer.stats.peaks["qps"] == _max_in_window(times, window)
        assert enforcer.stats.rejections == verdicts.count(False)
        assert (enforcer.stats.max_over_limit == 0) == (_max_in_window(times, window) <= limit)


@settings(max_examples=100, deadline=None)
@given(times=arrivals, limit=st.integers(1, 4))
def test_count_rejected_false_is_greedy_and_exact(times: list[float], limit: int) -> None:
    clock = ManualClock()
    enforcer = Enforcer(
        limits=[Limit(name="qps", group="chat", limit=limit, window=1.0)], clock=clock, count_rejected=False
    )
    verdicts = _run(enforcer, clock, times)
    accepted: list[float] = []
    for t, ok in zip(times, verdicts, strict=True):
        expected = sum(1 for u in accepted if u > t - 1.0) < limit
        assert ok == expected
        if ok:
            accepted.append(t)


def test_window_edge_is_strict() -> None:
    clock = ManualClock()
    enforcer = Enforcer(limits=[Limit(name="qps", group="chat", limit=2, window=1.0)], clock=clock)
    assert _run(enforcer, clock, [0.0, 0.5]) == [True, True]
    clock.now = 0.999
    rejection = enforcer.admit(("chat",))
    assert isinstance(rejection, Rejection) and rejection.kind == "rate"
    assert rejection.retry_after is not None and 0 < rejection.retry_after <= 0.5
    assert enforcer.stats.max_over_limit == 1
    # Other groups are not limited by a chat limit.
    assert isinstance(enforcer.admit(("upload",)), Admission)


def test_group_all_and_excluded_groups() -> None:
    clock = ManualClock()
    limits = [
        Limit(name="c4", group="all", kind="concurrency", limit=1, exclude_groups=("fast",)),
        Limit(name="c10", group="fast", kind="concurrency", limit=2),
    ]
    enforcer = Enforcer(limits=limits, clock=clock)
    first = enforcer.admit(("inference",))
    assert isinstance(first, Admission)
    assert isinstance(enforcer.admit(("inference",)), Rejection)
    fast = [enforcer.admit(("inference", "fast")) for _ in range(3)]
    assert [isinstance(x, Admission) for x in fast] == [True, True, False]
    enforcer.release(first)
    enforcer.release(first)  # idempotent
    assert isinstance(enforcer.admit(("inference",)), Admission)
    assert enforcer.stats.peaks["c10"] == 3


def test_tokens_per_minute_counts_reply_tokens() -> None:
    clock = ManualClock()
    enforcer = Enforcer(
        limits=[Limit(name="tpm", group="all", kind="tokens", limit=100, window=60.0, max_per_request=80)], clock=clock
    )
    first = enforcer.admit((), tokens=30)
    assert isinstance(first, Admission)
    enforcer.settle(first, tokens=50)  # the reply: 80 tokens used in the window
    second = enforcer.admit((), tokens=30)
    assert isinstance(second, Rejection) and second.kind == "tokens"
    too_big = enforcer.admit((), tokens=90)
    assert isinstance(too_big, Rejection) and too_big.kind == "too_large"
    clock.advance(60.0)
    assert isinstance(enforcer.admit((), tokens=30), Admission)
    assert enforcer.stats.peaks["tpm"] >= 110


def test_lockout_quota_locks_every_call_for_ever() -> None:
    clock = ManualClock()
    enforcer = Enforcer(quotas=[Quota(name="free_calls", limit=3, lockout=True)], clock=clock)
    assert _run(enforcer, clock, [0, 1, 2], groups=("chat",)) == [True, True, True]
    rejection = enforcer.admit(("upload",))
    assert isinstance(rejection, Rejection) and rejection.kind == "quota"
    clock.advance(10**6)
    again = enforcer.admit(())
    assert isinstance(again, Rejection) and again.kind == "lockout"
    assert enforcer.stats.quota_used["free_calls"] == 3


def test_daily_quota_resets_at_shanghai_midnight() -> None:
    wall = ManualClock(1_700_000_000.0 - (1_700_000_000 + 8 * 3600) % 86400 + 86400 - 10)  # 10 s before midnight
    enforcer = Enforcer(quotas=[Quota(name="daily", limit=1, period="day")], wall_clock=wall)
    assert isinstance(enforcer.admit(()), Admission)
    refused = enforcer.admit(())
    assert isinstance(refused, Rejection) and refused.period == "day"
    wall.advance(11)
    assert isinstance(enforcer.admit(()), Admission)


def test_points_quota() -> None:
    enforcer = Enforcer(quotas=[Quota(name="free_points", unit="points", limit=10)])
    assert isinstance(enforcer.admit((), points=6), Admission)
    assert isinstance(enforcer.admit((), points=6), Rejection)
    assert isinstance(enforcer.admit((), points=4), Admission)


def test_enforce_false_measures_without_refusing() -> None:
    clock = ManualClock()
    enforcer = Enforcer(limits=[Limit(name="qps", group="all", limit=1)], clock=clock, enforce=False)
    assert all(isinstance(enforcer.admit(()), Admission) for _ in range(3))
    assert enforcer.stats.max_over_limit == 2


def test_preset_plan_by_name() -> None:
    enforcer = Enforcer("coze.personal_free")
    assert {x.name for x in enforcer.limits} >= {"chat_qps", "model_rpm"}
    assert enforcer.plan == get_plan("coze.personal_free")


def test_stats_reset_and_estimate() -> None:
    stats = Stats(requests=3, peaks={"q": 5}, limits={"q": 2})
    assert stats.over_limit == {"q": 3}
    stats.reset()
    assert stats.requests == 0 and stats.limits == {"q": 2} and stats.max_over_limit == 0
    assert estimate_tokens("") == 0 and estimate_tokens("星尘abcd") == 3
