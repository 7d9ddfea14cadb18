"""The Redis limiter against a real redis-server: windows, fleets, crashes, outages."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from redis_helpers import RedisServer, chat, max_overlap, short_plan, spawn

from coze_client._call import CallInfo
from coze_client.errors import BackendUnavailableError, RateLimitWaitError
from coze_client.limits._core import Waiter, select
from coze_client.limits.plans import Limit, Plan
from coze_client.limits.redis import _ACQUIRE, RedisLimiter

pytestmark = pytest.mark.redis  # needs the redis-server binary (conftest starts one)


async def _spans(limiter: RedisLimiter, n: int, hold: float = 0.01) -> list[tuple[float, float]]:
    spans: list[tuple[float, float]] = []

    async def one() -> None:
        permit = await limiter.acquire(chat())
        sent = time.monotonic()
        await asyncio.sleep(hold)
        spans.append((sent, time.monotonic()))
        await permit.release()

    await asyncio.gather(*(one() for _ in range(n)))
    return spans


async def test_one_process_keeps_the_window_and_uses_it(redis_url: str, prefix: str) -> None:
    limiter = RedisLimiter(short_plan(5, 0.2), redis_url, prefix=prefix)
    t0 = time.monotonic()
    spans = await _spans(limiter, 30)
    elapsed = time.monotonic() - t0
    await limiter.aclose()
    assert max_overlap(spans, 0.2) <= 5
    # 6 batches of 5; a batch frees one window after its responses: about 5 x (0.2 + 0.01) s.
    assert 5 * 0.2 <= elapsed < 5 * 0.2 + 1.0


@pytest.mark.slow
def test_three_processes_never_exceed_a_window(redis_url: str, prefix: str) -> None:
    start = time.time() + 1.5  # all three begin together, after their imports
    procs = [spawn(["limiter", redis_url, prefix, str(start), "8", "0.25", "6", "5"]) for _ in range(3)]
    spans: list[tuple[float, float]] = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=60)
        assert p.returncode == 0, stderr
        spans += [tuple(s) for s in json.loads(stdout.strip().splitlines()[-1])["spans"]]  # type: ignore[misc]
    assert len(spans) == 90
    assert max_overlap(spans, 0.25) <= 8
    # And the fleet used its share: 90 calls at 8 per ~0.27 s is ~3 s of pacing.
    first = min(s for s, _ in spans)
    last = max(s for s, _ in spans)
    assert last - first < 90 / 8 * 0.25 * 2.0


async def test_a_slot_of_a_crashed_process_counts_until_stale(redis_url: str, prefix: str) -> None:
    plan = short_plan(2, 0.2)
    dead = RedisLimiter(plan, redis_url, prefix=prefix, stale_after=0.4)
    await dead.acquire(chat())
    await dead.acquire(chat())  # never released: the process "died"
    live = RedisLimiter(plan, redis_url, prefix=prefix, stale_after=0.4, poll_interval=0.02)
    t0 = time.monotonic()
    permit = await live.acquire(chat())
    waited = time.monotonic() - t0
    await permit.release()
    # Held until grant + stale_after + window = 0.6 s after the dead grants.
    assert 0.5 <= waited < 1.2
    with pytest.raises(RateLimitWaitError):
        # One window after that release, the slot is still counted; a 0 s budget cannot wait.
        await live.acquire(chat())
        await live.acquire(chat(), max_wait=0.0)
    await live.aclose()
    await dead.aclose()


async def test_max_wait_is_refused_at_once_with_the_limit_named(redis_url: str, prefix: str) -> None:
    limiter = RedisLimiter(short_plan(1, 5.0), redis_url, prefix=prefix)
    permit = await limiter.acquire(chat())
    await permit.release()
    t0 = time.monotonic()
    with pytest.raises(RateLimitWaitError) as info:
        await limiter.acquire(chat(), max_wait=0.5)
    assert time.monotonic() - t0 < 0.4  # refused from the bound, not after waiting
    assert info.value.limit == "chat_qps"
    assert info.value.wait > 4.0
    await limiter.aclose()


async def test_concurrency_and_token_limits(redis_url: str, prefix: str) -> None:
    plan = Plan(
        name="test.mixed",
        provider="coze",
        limits=(
            Limit(name="conc", group="all", kind="concurrency", limit=2),
            Limit(name="tpm", group="chat", kind="tokens", limit=1000, window=0.3),
        ),
    )
    limiter = RedisLimiter(plan, redis_url, prefix=prefix, poll_interval=0.01)
    a = await limiter.acquire(chat(est_tokens=400))
    b = await limiter.acquire(chat(est_tokens=400))
    third = asyncio.ensure_future(limiter.acquire(chat(est_tokens=100)))
    await asyncio.sleep(0.1)
    assert not third.done()  # two in flight: the concurrency limit holds it
    await a.release(used_tokens=50)  # 400 estimated, 50 used: the estimate is corrected down
    c = await asyncio.wait_for(third, 1.0)
    # 50 + 400 + 100 tokens are counted; 450 more fit only because the estimate was corrected.
    await b.release()
    d = await asyncio.wait_for(limiter.acquire(chat(est_tokens=450)), 0.2)
    await c.release()
    await d.release()
    await limiter.aclose()


async def test_penalize_holds_every_process(redis_url: str, prefix: str) -> None:
    plan = short_plan(100, 1.0)
    one = RedisLimiter(plan, redis_url, prefix=prefix)
    other = RedisLimiter(plan, redis_url, prefix=prefix)
    await one.penalize(chat(), 0.4)
    t0 = time.monotonic()
    permit = await other.acquire(chat())
    assert 0.3 <= time.monotonic() - t0 < 1.0
    await permit.release()
    # A call of another group is not held.
    upload = CallInfo("coze", "fleet", "POST", "/v1/files/upload", ("upload",))
    await one.penalize(chat(), 5.0)
    await asyncio.wait_for(other.acquire(upload), 0.5)
    with pytest.raises(RateLimitWaitError) as info:
        await other.acquire(chat(), max_wait=1.0)
    assert info.value.limit == "pause:chat"
    await one.aclose()
    await other.aclose()


async def test_cancelled_waiter_gives_its_place_back(redis_url: str, prefix: str) -> None:
    limiter = RedisLimiter(short_plan(1, 0.3), redis_url, prefix=prefix)
    first = await limiter.acquire(chat())
    waiting = asyncio.ensure_future(limiter.acquire(chat()))
    await asyncio.sleep(0.05)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await first.release()
    await asyncio.sleep(0.35)
    # Only the released slot was ever counted: the next call is granted at once.
    t0 = time.monotonic()
    permit = await limiter.acquire(chat())
    assert time.monotonic() - t0 < 0.1
    await permit.release()
    await limiter.aclose()


async def test_keys_are_namespaced_and_expire(redis_url: str, prefix: str) -> None:
    limiter = RedisLimiter(short_plan(5, 0.2), redis_url, prefix=prefix, stale_after=30)
    permit = await limiter.acquire(CallInfo("coze", "team:{a}", "POST", "/v3/chat", ("chat",)))
    await permit.release()
    await limiter.aclose()
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    keys = sorted(client.scan_iter(match=f"{prefix}:*"))
    assert keys and all(k.startswith(f"{prefix}:lim:{{coze:team%3A%7Ba%7D}}:") for k in keys)
    for k in keys:
        ttl = client.pttl(k)
        assert 0 < ttl <= (30 + 0.2 + 60) * 1000
    client.close()


def test_other_providers_pass_unlimited(redis_url: str, prefix: str) -> None:
    async def run() -> float:
        limiter = RedisLimiter(short_plan(1, 10.0), redis_url, prefix=prefix)
        t0 = time.monotonic()
        for _ in range(5):
            p = await limiter.acquire(CallInfo("xingchen", "a", "POST", "/x", ("chat",)))
            await p.release()
        await limiter.aclose()
        return time.monotonic() - t0

    assert asyncio.run(run()) < 0.5


async def test_redis_down_fails_closed_then_reconnects(own_server: RedisServer, prefix: str) -> None:
    limiter = RedisLimiter(short_plan(5, 0.2), own_server.url, prefix=prefix, on_unavailable="closed")
    await (await limiter.acquire(chat())).release()
    own_server.stop()
    t0 = time.monotonic()
    with pytest.raises(BackendUnavailableError) as info:
        await limiter.acquire(chat())
    assert info.value.role == "limiter"
    assert time.monotonic() - t0 < 3.0
    own_server.start()
    await asyncio.sleep(limiter.reconnect_interval)
    permit = await asyncio.wait_for(limiter.acquire(chat()), 3.0)
    await permit.release()
    await limiter.aclose()


async def test_redis_down_fails_open_with_local_pacing(own_server: RedisServer, prefix: str) -> None:
    limiter = RedisLimiter(short_plan(3, 0.3), own_server.url, prefix=prefix, on_unavailable="open")
    held = await limiter.acquire(chat())
    own_server.stop()
    await held.release()  # kept for later: no error for the caller
    spans = await _spans(limiter, 9)
    assert max_overlap(spans, 0.3) <= 3  # the memory fallback still paces this process
    own_server.start()
    await asyncio.sleep(limiter.reconnect_interval)
    permit = await asyncio.wait_for(limiter.acquire(chat()), 3.0)
    await permit.release()
    await limiter.aclose()
    # The release kept while Redis was away was written once it came back: only counted slots remain.
    client = redis.Redis.from_url(own_server.url, decode_responses=True)
    members = [m for k in client.scan_iter(match=f"{prefix}:lim:*:z:*") for m in client.zrange(k, 0, -1)]
    assert members and all(str(m).startswith("r") for m in members)
    client.close()


# -- the Lua pass is the same rule as _core.select --------------------------------------------------

_needs = st.lists(st.tuples(st.integers(0, 2), st.integers(1, 4)), min_size=1, max_size=3, unique_by=lambda x: x[0])
_waiter = st.tuples(_needs, st.lists(st.sampled_from(["chat", "workflow", "upload"]), max_size=2, unique=True))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    caps=st.lists(st.integers(1, 6), min_size=3, max_size=3),
    before=st.lists(_waiter, max_size=5),
    waiters=st.lists(_waiter, min_size=1, max_size=8),
    paused=st.sets(st.sampled_from(["chat", "workflow", "upload", "all"]), max_size=1),
)
def test_lua_pass_matches_core_select(
    redis_url: str,
    caps: list[int],
    before: list[tuple[list[tuple[int, int]], list[str]]],
    waiters: list[tuple[list[tuple[int, int]], list[str]]],
    paused: set[str],
) -> None:
    """Two script runs (some slots taken, then a queue under a pause) grant exactly what _core.select grants."""
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    script = client.register_script(_ACQUIRE)
    base = f"prop:{time.monotonic_ns()}"
    keys = [f"{base}:u", f"{base}:p", f"{base}:s"] + [f"{base}:z{i}" for i in range(3)]
    spec = [{"name": f"l{i}", "cap": caps[i], "window": 1.0, "kind": "r"} for i in range(3)]
    avail = list(caps)

    def run(queue: list[tuple[list[tuple[int, int]], list[str]]], pause: set[str]) -> None:
        payload = {
            "l": spec,
            "r": [],
            "w": [{"needs": [[i + 1, d] for i, d in needs], "groups": [*groups, "all"]} for needs, groups in queue],
            "s": 60,
            "p": 0.05,
            "t": 120000,
        }
        got = json.loads(script(keys=keys, args=[json.dumps(payload)]))
        lua_granted = sorted(int(k) - 1 for k in (got["g"] or {}))
        ws = [Waiter(CallInfo("coze", "a", "POST", "/", tuple(groups)), tuple(needs), 0.0) for needs, groups in queue]
        granted, _ = select(ws, list(avail), [False] * 3, [0] * 3, pause)
        assert lua_granted == sorted(ws.index(w) for w in granted)
        for w in granted:  # the granted slots stay in flight for the next run
            for i, d in w.needs:
                avail[i] -= d

    run(before, set())
    for g in paused:
        client.hset(keys[1], g, time.time() + 60)
    run(waiters, paused)
    client.delete(*keys)
    client.close()


async def test_build_limiter_makes_a_redis_limiter(redis_url: str) -> None:
    from coze_client.limits.factory import build_limiter

    limiter = build_limiter(redis_url, short_plan(5, 0.2))
    assert isinstance(limiter, RedisLimiter)
    assert "redis://" in repr(limiter) and "@" not in repr(limiter)
    permit = await limiter.acquire(chat())
    await permit.release()
    await limiter.aclose()


def test_passwords_never_show() -> None:
    limiter = RedisLimiter(short_plan(), "redis://:s3cret-pass@127.0.0.1:1/0", on_unavailable="closed")
    assert "s3cret" not in repr(limiter)

    async def refused() -> str:
        with pytest.raises(BackendUnavailableError) as info:
            await limiter.acquire(chat())
        await limiter.aclose()
        return str(info.value)

    message = asyncio.run(refused())
    assert "s3cret" not in message and "127.0.0.1:1" in message


async def test_options_in_the_url(redis_url: str, prefix: str) -> None:
    from coze_client.errors import ValidationError
    from coze_client.limits.factory import build_limiter

    limiter = build_limiter(f"{redis_url}?prefix={prefix}&on_unavailable=closed&stale_after=30", short_plan())
    assert isinstance(limiter, RedisLimiter)
    assert (limiter.prefix, limiter.on_unavailable, limiter.stale_after) == (prefix, "closed", 30.0)
    await (await limiter.acquire(chat())).release()  # redis-py got a URL without our options
    await limiter.aclose()
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    assert list(client.scan_iter(match=f"{prefix}:lim:*"))
    client.close()
    keyword = RedisLimiter(short_plan(), f"{redis_url}?prefix=from-url", prefix=prefix)
    assert keyword.prefix == prefix  # keywords win
    with pytest.raises(ValidationError, match="on_unavailable"):
        RedisLimiter(short_plan(), f"{redis_url}?on_unavailable=maybe")


@pytest.mark.parametrize("notify", [True, False])
async def test_release_notices_wake_waiters_of_other_processes(redis_url: str, prefix: str, notify: bool) -> None:
    plan = Plan(name="t.conc", provider="coze", limits=(Limit(name="conc", kind="concurrency", limit=1),))
    # A long poll interval: without notices, the waiter only looks again after 0.6 s.
    holder = RedisLimiter(plan, redis_url, prefix=prefix, poll_interval=0.6, notify=notify)
    waiter = RedisLimiter(plan, redis_url, prefix=prefix, poll_interval=0.6, notify=notify)
    held = await holder.acquire(chat())
    pending = asyncio.ensure_future(waiter.acquire(chat()))
    await asyncio.sleep(0.3)  # the waiter has looked, found the slot in flight, and (maybe) subscribed
    assert not pending.done()
    t0 = time.monotonic()
    await held.release()
    permit = await asyncio.wait_for(pending, 2.0)
    woke = time.monotonic() - t0
    if notify:
        assert woke < 0.2  # woken by the release notice
    else:
        assert woke > 0.1  # found at its next poll
    await permit.release()
    await holder.aclose()
    await waiter.aclose()


async def test_request_slot_frees_one_window_after_the_head(redis_url: str, prefix: str) -> None:
    from coze_client.limits.base import mark_responded

    limiter = RedisLimiter(short_plan(1, 0.3), redis_url, prefix=prefix, poll_interval=0.01)
    loop = asyncio.get_running_loop()
    try:
        stream = await limiter.acquire(chat())
        second = asyncio.ensure_future(limiter.acquire(chat()))
        await asyncio.sleep(0.05)
        head = loop.time()
        mark_responded(stream)  # the stream's body runs on; its request slot frees at head + 0.3
        # Granted while the stream is still open, never before head + window (no upper bound: real clock).
        permit = await asyncio.wait_for(second, 10.0)
        assert loop.time() - head >= 0.3 - 0.005
        await stream.release()  # nothing left to release, and no error
        await permit.release()
    finally:
        await limiter.aclose()


async def test_concurrency_is_held_until_the_body_ends(redis_url: str, prefix: str) -> None:
    from coze_client.limits.base import mark_responded

    plan = Plan(name="c", provider="coze", limits=(
        Limit(name="q", group="chat", limit=100, window=1.0),
        Limit(name="conc", group="chat", kind="concurrency", limit=1, window=1.0),
    ))
    limiter = RedisLimiter(plan, redis_url, prefix=prefix, poll_interval=0.01)
    try:
        stream = await limiter.acquire(chat())
        mark_responded(stream)
        second = asyncio.ensure_future(limiter.acquire(chat()))
        await asyncio.sleep(0.3)
        assert not second.done()
        await stream.release()
        await (await asyncio.wait_for(second, 2.0)).release()
    finally:
        await limiter.aclose()


async def test_aclose_fails_waiters_with_a_typed_error(redis_url: str, prefix: str) -> None:
    from coze_client.errors import LimiterError

    limiter = RedisLimiter(short_plan(1, 60.0), redis_url, prefix=prefix)
    permit = await limiter.acquire(chat())
    waiter = asyncio.ensure_future(limiter.acquire(chat()))
    await asyncio.sleep(0.05)
    await permit.release()
    await limiter.aclose()
    assert waiter.done()  # failed by aclose itself
    with pytest.raises(LimiterError) as info:
        await waiter
    assert info.value.backend == "redis" and "closed" in str(info.value)
    with pytest.raises(LimiterError):
        await limiter.acquire(chat())
