"""The Redis ledger against a real redis-server: the quota rules, exact fleet counts, crashes, outages."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time

import pytest
import redis
from redis_helpers import RedisServer, chat, short_plan, spawn

from coze_client._call import Usage
from coze_client.errors import BackendUnavailableError, QuotaExhaustedError
from coze_client.ledger import build_ledger
from coze_client.ledger.periods import DEFAULT_TIMEZONE, period_key, resets_at
from coze_client.ledger.redis import RedisLedger
from coze_client.limits.plans import Plan, Quota
from tests.dateshift import DateShift

pytestmark = pytest.mark.redis  # needs the redis-server binary (conftest starts one)


async def test_the_quota_rules_hold(redis_url: str, prefix: str, date_shift: DateShift) -> None:
    # On any date: the rows' TTLs are judged by the Redis server's real clock.
    ledger = RedisLedger(redis_url, short_plan(quota=3), prefix=prefix, clock=date_shift.clock)
    a = await ledger.reserve(chat())
    b = await ledger.reserve(chat())
    await ledger.settle(a, Usage(input_tokens=10, output_tokens=5))
    await ledger.cancel(b)  # never sent: given back
    await ledger.reserve(chat())
    await ledger.reserve(chat())
    with pytest.raises(QuotaExhaustedError) as info:
        await ledger.reserve(chat())
    assert (info.value.quota, info.value.used, info.value.limit, info.value.lockout) == ("free_calls", 3, 3, True)
    rows = {r.quota: r for r in await ledger.snapshot()}
    assert rows["free_calls"].used == 3 and rows["free_calls"].left == 0
    assert rows["usage"].calls == 3 and rows["usage"].input_tokens == 10 and rows["usage"].output_tokens == 5
    # A second ledger (another host) sees the same rows.
    other = RedisLedger(redis_url, short_plan(quota=3), prefix=prefix, clock=date_shift.clock)
    with pytest.raises(QuotaExhaustedError):
        await other.reserve(chat())
    await other.set_used("coze", "fleet", "free_calls", 1)
    await ledger.reserve(chat())
    assert await other.reset("coze", "fleet") == 2
    assert await other.snapshot(account="fleet") == [] or all(r.calls == 0 for r in await other.snapshot())
    await other.aclose()
    await ledger.aclose()


async def test_thresholds_fire_once_fleet_wide(redis_url: str, prefix: str) -> None:
    seen: list[float] = []
    ledgers = [
        RedisLedger(redis_url, short_plan(quota=10), prefix=prefix, on_threshold=lambda ev: seen.append(ev.threshold))
        for _ in range(2)
    ]
    await asyncio.gather(*(ledgers[i % 2].reserve(chat()) for i in range(10)))
    assert sorted(seen) == [0.8, 1.0]
    for ledger in ledgers:
        await ledger.aclose()


@pytest.mark.slow
def test_three_processes_200_concurrent_each_500_left_send_exactly_500(redis_url: str, prefix: str) -> None:
    start = time.time() + 1.5
    procs = [spawn(["reserve", redis_url, prefix, str(start), "500", "200"]) for _ in range(3)]
    ok = refused = 0
    for p in procs:
        stdout, stderr = p.communicate(timeout=90)
        assert p.returncode == 0, stderr
        result = json.loads(stdout.strip().splitlines()[-1])
        ok += result["ok"]
        refused += result["refused"]
    assert (ok, refused) == (500, 100)

    async def check() -> None:
        ledger = RedisLedger(redis_url, short_plan(quota=500), prefix=prefix)
        rows = {r.quota: r for r in await ledger.snapshot()}
        assert rows["free_calls"].used == 500
        assert await ledger.open_reservations("coze", "fleet") == 0  # every one was settled
        await ledger.aclose()

    asyncio.run(check())


@pytest.mark.slow
def test_sigkill_never_under_counts(redis_url: str, prefix: str) -> None:
    proc = spawn(["crash", redis_url, prefix, "0", "100000"])
    assert proc.stdout is not None
    seen = 0
    while seen < 60:
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else ""
        seen += 1
    os.kill(proc.pid, signal.SIGKILL)  # mid-flight: reservations open, maybe one half-written
    proc.wait(10)
    seen += len([x for x in proc.stdout.read().splitlines() if x.strip()])
    proc.stdout.close()
    if proc.stderr is not None:
        proc.stderr.close()

    async def check() -> tuple[float, int]:
        ledger = RedisLedger(redis_url, short_plan(quota=100000), prefix=prefix)
        rows = {r.quota: r for r in await ledger.snapshot()}
        opened = await ledger.open_reservations("coze", "fleet")
        await ledger.aclose()
        return rows["free_calls"].used, opened

    used, opened = asyncio.run(check())
    # Every reservation the child reported is counted; at most the one in flight at the kill more.
    assert seen <= used <= seen + 1
    assert opened >= (seen * 2) // 3 - 1  # unsettled ones are still open (they expire, counted)


async def test_an_expired_reservation_stays_counted(redis_url: str, prefix: str) -> None:
    ledger = RedisLedger(redis_url, short_plan(quota=10), prefix=prefix, reservation_ttl=0.3)
    crashed = await ledger.reserve(chat())
    await asyncio.sleep(1.1)  # past the TTL (the open set is scored in seconds)
    await ledger.reserve(chat())  # prunes the expired one
    await ledger.cancel(crashed)  # too late: its client was presumed dead, so the call stays counted
    rows = {r.quota: r for r in await ledger.snapshot()}
    assert rows["free_calls"].used == 2
    assert crashed.state == "cancelled"
    await ledger.aclose()


async def test_keys_are_namespaced_and_dated_rows_expire(redis_url: str, prefix: str, date_shift: DateShift) -> None:
    plan = Plan(
        name="test.daily",
        provider="coze",
        quotas=(
            Quota(name="free_calls", unit="calls", limit=500, period="ever"),
            Quota(name="daily", unit="calls", limit=50, period="day"),
        ),
    )
    # The Redis server judges the expiry against its own (real) clock: the ledger's clock is now or later.
    now = date_shift.now
    ledger = RedisLedger(redis_url, plan, prefix=prefix, clock=lambda: now, keep_days=2)
    res = await ledger.reserve(chat(account="team:{b}"))
    await ledger.settle(res)
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    keys = {k: client.ttl(k) for k in client.scan_iter(match=f"{prefix}:*")}
    base = f"{prefix}:ledger:{{coze:team%3A%7Bb%7D}}"
    assert client.ttl(f"{base}:row:free_calls:ever") == -1  # a lifetime quota is never forgotten
    # The day row expires 2 days after its Shanghai day ends.
    day = period_key("day", now, DEFAULT_TIMEZONE)
    end = resets_at("day", day, DEFAULT_TIMEZONE).timestamp() + 2 * 86400
    assert client.expiretime(f"{base}:row:daily:{day}") == int(end)
    month = period_key("month", now, DEFAULT_TIMEZONE)
    assert client.ttl(f"{base}:row:usage:{month}") > 0
    assert all(k.startswith(base) for k in keys)
    client.close()
    await ledger.aclose()


async def test_build_ledger_makes_a_redis_ledger(redis_url: str, prefix: str) -> None:
    ledger = build_ledger(redis_url, plans=short_plan(quota=5), prefix=prefix)
    assert isinstance(ledger, RedisLedger)
    res = await ledger.reserve(chat())
    await ledger.settle(res)
    await ledger.aclose()


async def test_redis_down_fails_closed_keeps_settles_and_reconnects(own_server: RedisServer, prefix: str) -> None:
    ledger = RedisLedger(own_server.url, short_plan(quota=10), prefix=prefix)
    sent = [await ledger.reserve(chat()) for _ in range(3)]
    own_server.stop()
    t0 = time.monotonic()
    with pytest.raises(BackendUnavailableError) as info:
        await ledger.reserve(chat())
    assert info.value.role == "ledger" and "not sent" in str(info.value)
    assert time.monotonic() - t0 < 3.0
    t0 = time.monotonic()
    with pytest.raises(BackendUnavailableError):
        await ledger.reserve(chat())  # just failed: refused at once, no connect attempt per call
    assert time.monotonic() - t0 < 0.1
    for res in sent:
        await ledger.settle(res, Usage(input_tokens=7))  # the calls went out: no error, usage kept
    own_server.start()  # append-only file: the counts survive the restart
    await asyncio.sleep(ledger.reconnect_interval)
    # Reconnects; the kept usage is written first, once, however many callers race to write it.
    for res in await asyncio.gather(*(ledger.reserve(chat()) for _ in range(4))):
        await ledger.settle(res)
    rows = {r.quota: r for r in await ledger.snapshot()}
    assert rows["free_calls"].used == 7
    assert rows["usage"].input_tokens == 21
    await ledger.aclose()


async def test_redis_down_open_lets_calls_through_uncounted(own_server: RedisServer, prefix: str) -> None:
    plan = Plan(name="test.paid", provider="coze", quotas=(Quota(name="soft", limit=100, policy="warn"),))
    ledger = RedisLedger(own_server.url, plan, prefix=prefix, on_unavailable="open")
    own_server.stop()
    res = await ledger.reserve(chat())
    await ledger.settle(res, Usage(input_tokens=3))
    own_server.start()
    await asyncio.sleep(ledger.reconnect_interval)
    await ledger.settle(await ledger.reserve(chat()))
    rows = {r.quota: r for r in await ledger.snapshot()}
    assert rows["soft"].used == 1
    await ledger.aclose()


async def test_a_prefix_with_glob_characters_sees_only_its_own_rows(redis_url: str, prefix: str) -> None:
    odd = RedisLedger(redis_url, short_plan(quota=5), prefix=f"{prefix}[*]")
    plain = RedisLedger(redis_url, short_plan(quota=5), prefix=f"{prefix}x")
    await odd.settle(await odd.reserve(chat()))
    await plain.settle(await plain.reserve(chat()))
    await plain.settle(await plain.reserve(chat()))
    assert {r.quota: r.used for r in await odd.snapshot()}["free_calls"] == 1
    assert await odd.reset() == 2  # its free_calls and usage rows, not the other prefix's
    assert {r.quota: r.used for r in await plain.snapshot()}["free_calls"] == 2
    await odd.aclose()
    await plain.aclose()


async def test_options_in_the_url(redis_url: str, prefix: str) -> None:
    ledger = build_ledger(f"{redis_url}?prefix={prefix}&keep_days=3&reservation_ttl=60", plans=short_plan(quota=5))
    assert isinstance(ledger, RedisLedger)
    assert (ledger.prefix, ledger.keep_days, ledger.reservation_ttl, ledger.on_unavailable) == (
        prefix,
        3,
        60.0,
        "closed",
    )
    await ledger.settle(await ledger.reserve(chat()))
    assert {r.quota: r.used for r in await ledger.snapshot()}["free_calls"] == 1
    await ledger.aclose()


async def test_held_calls_are_not_counted_fleet_wide_and_the_mark_checks_again(redis_url: str, prefix: str) -> None:
    # Issue 14, point 5, on Redis: a hold writes nothing; the mark counts (and opens the reservation).
    ledger = RedisLedger(redis_url, short_plan(quota=2), prefix=prefix)
    other = RedisLedger(redis_url, short_plan(quota=2), prefix=prefix)  # another host
    try:
        held = await ledger.hold(chat())
        dead = await ledger.hold(chat())  # its process "dies" while queued: never marked, never cancelled
        with pytest.raises(QuotaExhaustedError):
            await ledger.hold(chat())  # refused at once: 2 held here fill the quota
        assert {r.quota: r.used for r in await other.snapshot()}.get("free_calls", 0) == 0
        assert await ledger.open_reservations("coze", "fleet") == 0
        await other.reserve(chat())  # the other host cannot see this one's holds: it sends first
        await ledger.mark(held)
        assert await ledger.open_reservations("coze", "fleet") == 2
        with pytest.raises(QuotaExhaustedError):
            await ledger.mark(dead)  # the fleet used the quota meanwhile: refused at its mark, not sent
        rows = {r.quota: r for r in await other.snapshot()}
        assert rows["free_calls"].used == 2
        await ledger.settle(held, Usage(input_tokens=3))
        assert await ledger.open_reservations("coze", "fleet") == 1
    finally:
        await ledger.aclose()
        await other.aclose()
