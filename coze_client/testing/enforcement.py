"""Server-side plan enforcement for the fake servers: strict sliding windows by arrival time.

The real services judge their windows by when a request *arrives*, and they are strict: any interval of
``window`` seconds may hold at most ``limit`` arrivals. A token bucket would let up to twice the rate through
at a window edge, so this module keeps the arrival times themselves and counts them exactly.

An `Enforcer` is built from a `Plan` (or plain
`Limit` / `Quota` records for custom
figures) and answers, for each arriving request, either an `Admission` or a
`Rejection`. The fake that owns it turns a rejection into the provider's own throttling
answer (Coze 4009/4020, EasyDL 18/17/19, ...). `Stats` counts every request, every rejection and
the peak load seen in any window per limit, so a test can assert ``stats.max_over_limit == 0``.

Examples:
    ```python
    from coze_client.limits.plans import Limit
    clock = ManualClock()
    enforcer = Enforcer(limits=[Limit(name="chat_qps", group="chat", limit=2, window=1.0)], clock=clock)
    [isinstance(enforcer.admit(("chat",)), Admission) for _ in range(3)]
    # [True, True, False]
    clock.advance(1.0)
    isinstance(enforcer.admit(("chat",)), Admission)
    # True
    ```
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from ..limits.plans import Limit, Plan, Quota

__all__ = [
    "Admission",
    "Clock",
    "Enforcer",
    "ManualClock",
    "Rejection",
    "RejectionKind",
    "Stats",
    "estimate_tokens",
    "resolve_plan",
]

Clock = Callable[[], float]
RejectionKind = Literal["rate", "tokens", "too_large", "concurrency", "quota", "lockout"]


class ManualClock:
    """A clock that only moves when told to: deterministic windows and chat progress in tests.

    Examples:
        ```python
        clock = ManualClock(100.0)
        clock.advance(0.5)
        clock()
        # 100.5
        ```

    Args:
        start: the first reading, in seconds.
    """

    def __init__(self, start: float = 0.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds``.

        Args:
            seconds: how far to move (any float).
        """
        self.now += seconds


def estimate_tokens(text: str) -> int:
    """Rough token count the providers publish: 1 per CJK character, about 4 other characters per token.

    the providers' pricing pages (Xingchen and GPTBots sections) gives both rules; the fake only needs a stable
    estimate to charge token-per-minute windows before the reply is known.

    Examples:
        ```python
        estimate_tokens("hello world!"), estimate_tokens("你好")
        # (3, 2)
        ```

    Args:
        text: the text to count.
    """
    cjk = sum(1 for ch in text if "\u2e80" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af")
    other = len(text) - cjk
    return cjk + (other + 3) // 4


def resolve_plan(plan: Plan | str) -> Plan:
    """A `Plan` from a preset name (``"coze.personal_free"``) or the plan itself.

    Args:
        plan: a `Plan`, returned as is, or a preset name for ``coze_client.limits.get_plan``.
    """
    if isinstance(plan, Plan):
        return plan
    from .. import limits

    get_plan = getattr(limits, "get_plan", None)
    if get_plan is None:  # the presets module is written by another engineer; say so clearly
        raise LookupError(f"plan presets are not available (coze_client.limits.get_plan missing): {plan!r}")
    resolved = get_plan(plan)
    assert isinstance(resolved, Plan)
    return resolved


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why the server refuses a request.

    ``name`` is the limit or quota name; ``retry_after`` (seconds) is when the refused slot frees,
    when that is knowable (never for a lock-out).

    Args:
        kind: ``rate`` (a request window), ``tokens`` (a token window), ``too_large`` (one request over
            the per-request token cap), ``concurrency``, ``quota`` (used up) or ``lockout`` (a used-up
            lock-out quota refuses everything).
        name: the limit or quota name.
        limit: the figure that was crossed.
        window: the window of a limit, in seconds (None for quotas and concurrency).
        period: the period of a quota (``day``, ``month``, ``ever``; None for limits).
        retry_after: seconds until the refused slot frees (None when unknowable).
        group: the endpoint group of the limit or quota (``"all"`` for every request).
    """

    kind: RejectionKind
    name: str
    limit: float
    window: float | None = None
    period: str | None = None
    retry_after: float | None = None
    group: str = "all"


@dataclass(slots=True)
class Admission:
    """An accepted request: settle its reply tokens and release its concurrency slots through it.

    Args:
        arrived: the enforcer's clock reading on arrival, in seconds.
        token_entries: the token-window entries charged, grown by `Enforcer.settle`.
        concurrency: names of the concurrency limits whose slot it holds.
        done: True once `Enforcer.release` freed its slots.
    """

    arrived: float
    token_entries: list[tuple[_TokenWindow, list[float]]] = field(default_factory=list)
    concurrency: list[str] = field(default_factory=list)
    done: bool = False


@dataclass
class Stats:
    """Counters of one fake server.

    Args:
        requests: every request that reached the fake (including rejected and faulted ones).
        rejections: requests refused by plan enforcement (throttled, over quota, locked out).
        rejections_by_limit: the same, per limit or quota name.
        peaks: per limit, the largest load seen in any window (arrivals for request limits, tokens for
            token limits, in-flight calls for concurrency), counting every request that arrived.
        limits: per limit, its figure, so ``peaks[name] - limits[name]`` is the excess.
        quota_used: per quota, the amount used in the current period.
        faults: fault injections applied.
        by_path: requests per ``"METHOD /path"``.
    """

    requests: int = 0
    rejections: int = 0
    rejections_by_limit: dict[str, int] = field(default_factory=dict)
    peaks: dict[str, float] = field(default_factory=dict)
    limits: dict[str, float] = field(default_factory=dict)
    quota_used: dict[str, float] = field(default_factory=dict)
    faults: int = 0
    by_path: dict[str, int] = field(default_factory=dict)

    @property
    def over_limit(self) -> dict[str, float]:
        """Per limit, how far the peak went over the limit (0 when it never did)."""
        return {name: max(0.0, float(self.peaks.get(name, 0.0) - lim)) for name, lim in self.limits.items()}

    @property
    def max_over_limit(self) -> float:
        """The worst excess of any limit in any window: ``0`` means no limit was ever exceeded.

        Examples:
            ```python
            Stats(peaks={"qps": 21}, limits={"qps": 20}).max_over_limit
            # 1.0
            ```
        """
        return max(self.over_limit.values(), default=0.0)

    def reset(self) -> None:
        """Zero every counter (the windows and quotas of the enforcer are not touched)."""
        limits = dict(self.limits)
        self.__init__()  # type: ignore[misc]
        self.limits = limits


class _RequestWindow:
    """Arrival times of one request limit (strict sliding window)."""

    __slots__ = ("accepted", "arrivals", "limit")

    def __init__(self, limit: Limit, separate_accepted: bool) -> None:
        self.limit = limit
        self.arrivals: deque[float] = deque()
        # With count_rejected=False, refused requests do not use up a slot: keep a second deque.
        self.accepted: deque[float] | None = deque() if separate_accepted else None


class _TokenWindow:
    """Token entries ``[arrival, tokens]`` of one token limit; replies grow their entry."""

    __slots__ = ("entries", "limit", "total")

    def __init__(self, limit: Limit) -> None:
        self.limit = limit
        self.entries: deque[list[float]] = deque()
        self.total = 0.0


class Enforcer:
    """Checks every arriving request against a plan's limits and quotas, like the real server.

    Args:
        plan: a plan record or preset name; its ``limits`` and ``quotas`` are enforced.
        limits: extra or replacing limit records (same ``name`` replaces the plan's one), for custom
            figures (admins can buy extra QPS, so presets must be overridable).
        quotas: extra or replacing quota records, like ``limits``.
        clock: monotonic seconds used for the windows (``ManualClock`` in tests).
        wall_clock: Unix seconds used for day/month quota periods (plan timezone).
        count_rejected: whether refused requests still occupy their window (default True: "a retry
            is a request the server counts").
        enforce: False records the peaks without ever refusing (measure a client without hurting it).
        stats: the `Stats` to count into (a fake passes its own; default: a new one).
    """

    def __init__(
        self,
        plan: Plan | str | None = None,
        *,
        limits: Sequence[Limit] = (),
        quotas: Sequence[Quota] = (),
        clock: Clock = time.monotonic,
        wall_clock: Clock = time.time,
        count_rejected: bool = True,
        enforce: bool = True,
        stats: Stats | None = None,
    ) -> None:
        resolved = resolve_plan(plan) if plan is not None else None
        by_name: dict[str, Limit] = {x.name: x for x in (resolved.limits if resolved else ())}
        by_name.update({x.name: x for x in limits})
        q_by_name: dict[str, Quota] = {x.name: x for x in (resolved.quotas if resolved else ())}
        q_by_name.update({x.name: x for x in quotas})
        self.plan = resolved
        self.clock = clock
        self.wall_clock = wall_clock
        self.enforce = enforce
        self.count_rejected = count_rejected
        self.stats = stats if stats is not None else Stats()
        self.timezone = ZoneInfo(resolved.timezone if resolved else "Asia/Shanghai")
        self.limits = tuple(by_name.values())
        self.quotas = tuple(q_by_name.values())
        self._req = [_RequestWindow(x, not count_rejected) for x in self.limits if x.kind == "requests"]
        self._tok = [_TokenWindow(x) for x in self.limits if x.kind == "tokens"]
        self._conc = [x for x in self.limits if x.kind == "concurrency"]
        self._in_flight: dict[str, int] = {x.name: 0 for x in self._conc}
        self._quota_used: dict[tuple[str, str], float] = {}
        self.locked_out: Quota | None = None
        for item in self.limits:
            self.stats.limits[item.name] = float(item.limit)

    # -- helpers -----------------------------------------------------------------------------
    @staticmethod
    def _applies(group: str, groups: tuple[str, ...], exclude: tuple[str, ...] = ()) -> bool:
        if group != "all" and group not in groups:
            return False
        return not any(g in groups for g in exclude)

    def _period_key(self, quota: Quota) -> str:
        if quota.period == "ever":
            return ""
        now = datetime.fromtimestamp(self.wall_clock(), self.timezone)
        return now.strftime("%Y-%m-%d") if quota.period == "day" else now.strftime("%Y-%m")

    def quota_used(self, name: str) -> float:
        """How much of quota ``name`` is used in its current period.

        Args:
            name: the quota's name (KeyError when the enforcer has none of that name).
        """
        for quota in self.quotas:
            if quota.name == name:
                return self._quota_used.get((name, self._period_key(quota)), 0.0)
        raise KeyError(name)

    def _peak(self, name: str, value: float) -> None:
        if value > self.stats.peaks.get(name, 0.0):
            self.stats.peaks[name] = value

    def _reject(self, rejection: Rejection) -> Rejection:
        self.stats.rejections += 1
        self.stats.rejections_by_limit[rejection.name] = self.stats.rejections_by_limit.get(rejection.name, 0) + 1
        return rejection

    # -- the check ----------------------------------------------------------------------------
    def admit(self, groups: Iterable[str], *, tokens: int = 0, points: int = 0) -> Admission | Rejection:
        """Judge one arriving request of ``groups`` (``"all"`` is implied).

        ``tokens`` is the request's token estimate (charged to token windows now; the reply is added
        by `settle`); ``points`` its known price for point quotas (EasyDL).

        Args:
            groups: the endpoint groups of the request (``"chat"``, ``"model"``, ...).
            tokens: the request's token estimate.
            points: the call's price in points (EasyDL).
        """
        groups = tuple(groups)
        now = self.clock()
        if self.locked_out is not None and self.enforce:
            q = self.locked_out
            return self._reject(Rejection("lockout", q.name, q.limit, period=q.period, group=q.group))

        failure: Rejection | None = None
        # Arrivals are facts: record them in every window that applies, whatever the outcome.
        touched: list[_RequestWindow] = []
        for win in self._req:
            lim = win.limit
            if not self._applies(lim.group, groups, lim.exclude_groups):
                continue
            horizon = now - lim.window
            arrivals = win.arrivals
            while arrivals and arrivals[0] <= horizon:
                arrivals.popleft()
            arrivals.append(now)
            self._peak(lim.name, len(arrivals))
            counted = arrivals
            if win.accepted is not None:
                while win.accepted and win.accepted[0] <= horizon:
                    win.accepted.popleft()
                counted = win.accepted
                over = len(counted) + 1 > lim.limit
            else:
                over = len(counted) > lim.limit
            touched.append(win)
            if over and failure is None:
                # The slot frees when the oldest counted arrival leaves the window.
                retry = max(0.0, counted[0] + lim.window - now) if counted else lim.window
                failure = Rejection("rate", lim.name, lim.limit, lim.window, retry_after=retry, group=lim.group)

        token_windows: list[_TokenWindow] = []
        for tw in self._tok:
            lim = tw.limit
            if not self._applies(lim.group, groups, lim.exclude_groups):
                continue
            self._prune_tokens(tw, now)
            token_windows.append(tw)
            if lim.max_per_request is not None and tokens > lim.max_per_request and failure is None:
                failure = Rejection("too_large", lim.name, lim.max_per_request, lim.window, group=lim.group)
            elif tw.total + tokens > lim.limit and failure is None:
                retry = max(0.0, tw.entries[0][0] + lim.window - now) if tw.entries else lim.window
                failure = Rejection("tokens", lim.name, lim.limit, lim.window, retry_after=retry, group=lim.group)
            self._peak(lim.name, tw.total + tokens)

        conc_names: list[str] = []
        for lim in self._conc:
            if not self._applies(lim.group, groups, lim.exclude_groups):
                continue
            conc_names.append(lim.name)
            self._peak(lim.name, self._in_flight[lim.name] + 1)
            if self._in_flight[lim.name] + 1 > lim.limit and failure is None:
                failure = Rejection("concurrency", lim.name, lim.limit, group=lim.group)

        if failure is None:
            for quota in self.quotas:
                if quota.policy != "block" or not self._applies(quota.group, groups):
                    continue
                used = self._quota_used.get((quota.name, self._period_key(quota)), 0.0)
                need = 1 if quota.unit == "calls" else points if quota.unit == "points" else 0
                # Token and credit quotas are only known after the reply: refuse once used up.
                if used + need > quota.limit or (need == 0 and used >= quota.limit):
                    if quota.lockout:
                        self.locked_out = quota
                    failure = Rejection("quota", quota.name, quota.limit, period=quota.period, group=quota.group)
                    break

        if failure is not None and self.enforce:
            # A refused request takes no slot in the "accepted" windows (count_rejected=False).
            return self._reject(failure)

        admission = Admission(arrived=now)
        for win in touched:
            if win.accepted is not None:
                win.accepted.append(now)
        for tw in token_windows:
            entry = [now, float(tokens)]
            tw.entries.append(entry)
            tw.total += tokens
            admission.token_entries.append((tw, entry))
        for name in conc_names:
            self._in_flight[name] += 1
            admission.concurrency.append(name)
        for quota in self.quotas:
            if not self._applies(quota.group, groups):
                continue
            if quota.unit == "calls":
                self._add_quota(quota, 1)
            elif quota.unit == "points" and points:
                self._add_quota(quota, points)
        return admission

    def _prune_tokens(self, tw: _TokenWindow, now: float) -> None:
        horizon = now - tw.limit.window
        while tw.entries and tw.entries[0][0] <= horizon:
            tw.total -= tw.entries.popleft()[1]

    def _add_quota(self, quota: Quota, amount: float) -> None:
        key = (quota.name, self._period_key(quota))
        used = self._quota_used.get(key, 0.0) + amount
        self._quota_used[key] = used
        self.stats.quota_used[quota.name] = used

    def settle(self, admission: Admission, *, tokens: int = 0, credits: float = 0.0) -> None:
        """Charge what the reply consumed: ``tokens`` (added to token windows and token quotas)
        and ``credits`` (credit quotas).

        Args:
            admission: what `admit` returned for the request.
            tokens: tokens of the reply.
            credits: credits the call cost (GPTBots).
        """
        if tokens:
            now = self.clock()
            for tw, entry in admission.token_entries:
                self._prune_tokens(tw, now)
                entry[1] += tokens
                if entry[0] > now - tw.limit.window:  # still inside the window: it counts now
                    tw.total += tokens
                self._peak(tw.limit.name, tw.total)
        for quota in self.quotas:
            if quota.unit == "tokens" and tokens:
                self._add_quota(quota, tokens)
            elif quota.unit == "credits" and credits:
                self._add_quota(quota, credits)

    def release(self, admission: Admission) -> None:
        """The response is complete (stream ended): free its concurrency slots. Idempotent.

        Args:
            admission: what `admit` returned for the request.
        """
        if admission.done:
            return
        admission.done = True
        for name in admission.concurrency:
            self._in_flight[name] -= 1

    def unlock(self) -> None:
        """Lift a lock-out and forget quota usage (a test helper; the real service never does)."""
        self.locked_out = None
        self._quota_used.clear()
        self.stats.quota_used.clear()
