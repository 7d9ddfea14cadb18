"""The plugin's fixtures: configured per test by their markers, clients from ``make_coze``, virtual time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx
import pytest

from coze_client import AsyncCoze, RateLimitError
from coze_client.limits.plans import Limit, Quota
from coze_client.testing import (
    FakeCoze,
    FakeEasyDL,
    FakeGPTBots,
    FakeOAuth,
    FakeRealtime,
    FakeXingchen,
    Fault,
    LoopbackServer,
)
from coze_client.testing.clock import LoopTimeClock
from coze_client.testing.fake_realtime import RealtimeFault

from .test_fake_providers import XC, XC_HEADERS, xc_body

BOT = "7351000000000000001"
GB = "https://api.gptbots.ai"


def test_unconfigured_fixtures_enforce_nothing(fake_coze: FakeCoze, fake_xingchen: FakeXingchen) -> None:
    assert fake_coze.enforcer is None and not fake_coze.faults
    assert fake_xingchen.enforcer is None


@pytest.mark.fake_coze(plan="coze.personal_free", retry_after_header=True, strict=True)
def test_marker_gives_fake_coze_a_plan_and_constructor_arguments(fake_coze: FakeCoze) -> None:
    assert fake_coze.enforcer is not None and fake_coze.enforcer.plan is not None
    assert fake_coze.enforcer.plan.name == "coze.personal_free"
    assert fake_coze.retry_after_header and fake_coze.strict
    assert fake_coze.user_level == "free"


pytestmark_quota = pytest.mark.fake_coze(quotas=[Quota(name="free_calls", limit=2, lockout=True)])


@pytest.mark.fake_coze(plan="coze.personal_paid")
class TestMarkersNest:
    @pytestmark_quota
    def test_the_test_marker_wins_over_the_class_marker(self, fake_coze: FakeCoze) -> None:
        # The class gives the plan, the test adds a quota: both apply (the test's keywords win on a clash).
        assert fake_coze.enforcer is not None
        assert [q.name for q in fake_coze.enforcer.quotas] == ["free_calls"]
        assert fake_coze.enforcer.plan is not None and fake_coze.enforcer.plan.name == "coze.personal_paid"


@pytest.mark.fake_xingchen(plan="xingchen.default", latency=0.01)
async def test_marker_configures_fake_xingchen(fake_xingchen: FakeXingchen) -> None:
    async with httpx.AsyncClient() as c:
        ok = await c.post(XC, json=xc_body(), headers=XC_HEADERS)
        throttled = await c.post(XC, json=xc_body(), headers=XC_HEADERS)
    assert ok.status_code == 200 and throttled.status_code == 429
    assert [f.kind for f in fake_xingchen.faults] == ["latency"]


@pytest.mark.fake_gptbots(limits=[Limit(name="qps", group="all", limit=1, window=60.0)])
async def test_marker_configures_fake_gptbots(fake_gptbots: FakeGPTBots) -> None:
    headers = {"Authorization": "Bearer app-key"}
    async with httpx.AsyncClient() as c:
        first = await c.post(f"{GB}/v1/conversation", json={"user_id": "u1"}, headers=headers)
        second = await c.post(f"{GB}/v1/conversation", json={"user_id": "u1"}, headers=headers)
    assert first.status_code == 200 and second.status_code == 429
    assert fake_gptbots.stats.rejections == 1


@pytest.mark.fake_easydl(plan="easydl.free", faults=[Fault("http_error", status=503, times=1)])
async def test_marker_configures_fake_easydl(fake_easydl: FakeEasyDL) -> None:
    assert fake_easydl.enforcer is not None and fake_easydl.enforcer.plan is not None
    async with httpx.AsyncClient() as c:
        params = {"grant_type": "client_credentials", "client_id": "ak", "client_secret": "sk"}
        first = await c.post("https://aip.baidubce.com/oauth/2.0/token", params=params)
        second = await c.post("https://aip.baidubce.com/oauth/2.0/token", params=params)
    assert first.status_code == 503 and second.status_code == 200


@pytest.mark.fake_oauth(access_ttl=60, limits=[Limit(name="token_qps", group="all", limit=1, window=1.0)])
def test_marker_configures_fake_oauth(fake_oauth: FakeOAuth) -> None:
    assert fake_oauth.access_ttl == 60 and fake_oauth.enforcer is not None


async def test_fake_oauth_links_to_fake_coze_in_either_order(fake_coze: FakeCoze, fake_oauth: FakeOAuth) -> None:
    assert fake_oauth.api is fake_coze and fake_coze.tokens == set()
    fake_oauth.client("cid", secret="s3cret")
    code = fake_oauth.approve("https://www.coze.cn/api/permission/oauth2/authorize?client_id=cid&redirect_uri=x")
    async with httpx.AsyncClient() as c:
        answer = await c.post(
            "https://api.coze.cn/api/permission/oauth2/token",
            json={"grant_type": "authorization_code", "code": code, "redirect_uri": "x", "client_id": "cid"},
            headers={"Authorization": "Bearer s3cret"},
        )
        token = answer.json()["access_token"]
        me = await c.get("https://api.coze.cn/v1/users/me", headers={"Authorization": f"Bearer {token}"})
        other = await c.get("https://api.coze.cn/v1/users/me", headers={"Authorization": "Bearer pat_test"})
    assert me.json()["code"] == 0 and other.status_code == 401


@pytest.mark.fake_realtime(reply="scripted", latency=0.001, faults=[RealtimeFault("drop", after_frames=2)])
async def test_marker_configures_fake_realtime(fake_realtime: FakeRealtime) -> None:
    assert fake_realtime.reply == "scripted" and fake_realtime.frame_delay == 0.001
    assert [f.kind for f in fake_realtime.faults] == ["drop"]


@pytest.mark.coze_loopback(plan="coze.personal_free", tokens=["pat_ok"])
def test_marker_configures_coze_loopback(coze_loopback: LoopbackServer) -> None:
    me = httpx.get(coze_loopback.base_url + "/v1/users/me", headers={"Authorization": "Bearer pat_other"})
    assert me.status_code == 401 and coze_loopback.fake.enforcer is not None


@pytest.mark.fake_coze(setup=lambda fake: fake.bot(BOT, replies=["scripted"]))
def test_setup_option_scripts_the_fake(fake_coze: FakeCoze) -> None:
    assert fake_coze.bots[BOT].replies == ["scripted"]


def test_unknown_marker_option_is_a_clear_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.fake_coze(plann="coze.personal_free")
        def test_x(fake_coze):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*FakeCoze does not take plann*"])


async def test_make_coze_defaults_to_a_fresh_ledger_and_pat_test(
    fake_coze: FakeCoze, make_coze: Callable[..., AsyncCoze]
) -> None:
    coze = make_coze()
    assert type(coze.ledger).__name__ == "MemoryLedger"
    assert coze.plan is not None and coze.plan.name == "coze.personal_free"
    await coze.users.me()
    assert fake_coze.requests[0].token_fingerprint is not None


@pytest.mark.fake_coze(plan="coze.personal_free")
async def test_virtual_time_sixty_chats_at_twenty_qps(
    fake_coze: FakeCoze, make_coze: Callable[..., AsyncCoze], coze_clock: LoopTimeClock
) -> None:
    fake_coze.bot(BOT, replies=["hi"])
    coze = make_coze(plan="coze.personal_free")
    assert getattr(asyncio.get_running_loop(), "looptime_on", False)  # waits are jumped over (bench/virtual_time.py)
    start = coze_clock.now()
    await asyncio.gather(
        *(coze.chat.create(bot_id=BOT, user_id=f"u{i}", additional_messages=["hi"]) for i in range(60))
    )
    elapsed = coze_clock.now() - start
    assert 1.9 <= elapsed <= 3.1  # three windows of 20: the third batch goes at t = 2 s
    assert fake_coze.stats.max_over_limit == 0 and fake_coze.stats.rejections == 0
    assert fake_coze.stats.peaks["chat_qps"] == 20


@pytest.mark.fake_coze(latency=30.0)
async def test_virtual_time_covers_fake_latency_and_retry_after(
    fake_coze: FakeCoze, make_coze: Callable[..., AsyncCoze], coze_clock: LoopTimeClock
) -> None:
    fake_coze.faults.throttle(times=1, retry_after=5)
    coze = make_coze(plan=None)
    start = coze_clock.now()
    await coze.users.me()
    # 30 s latency, a 429 with Retry-After: 5, then 30 s again: a minute of virtual time.
    assert coze_clock.now() - start == pytest.approx(65.0, abs=1.0)
    assert [r.status for r in fake_coze.requests] == [429, 200]


async def test_without_virtual_time_the_clock_is_real(fake_coze: FakeCoze) -> None:
    assert not getattr(asyncio.get_running_loop(), "looptime_on", False)
    clock = LoopTimeClock()
    before, now, after = time.monotonic(), clock.now(), time.monotonic()
    assert before <= now <= after
    assert clock.wall() <= time.time()


@pytest.mark.fake_coze(faults=[Fault("throttle", times=None)])
async def test_marker_faults_reach_the_client(fake_coze: FakeCoze, make_coze: Callable[..., AsyncCoze]) -> None:
    coze = make_coze(plan=None, max_retries=0)
    with pytest.raises(RateLimitError):
        await coze.users.me()


def test_async_fixtures_work_in_pytest_asyncio_strict_mode(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_mode = strict\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio
        @pytest.mark.fake_coze(latency=10)
        async def test_strict(fake_coze, make_coze, coze_clock):
            start = coze_clock.now()
            me = await make_coze(plan=None).users.me()
            assert me.user_id and coze_clock.now() - start >= 10
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


@pytest.mark.fake_realtime(latency=0.002, stream_interval=0.001)
async def test_realtime_takes_latency_and_stream_interval_together(fake_realtime: FakeRealtime) -> None:
    assert fake_realtime.frame_delay == 0.002


@pytest.mark.fake_oauth(limits=[Limit(name="token_qps", group="all", limit=1, window=1.0)])
async def test_fake_oauth_windows_follow_the_test_clock(fake_oauth: FakeOAuth, coze_clock: LoopTimeClock) -> None:
    assert fake_oauth.enforcer is not None and fake_oauth.enforcer.clock is fake_oauth.clock
    await coze_clock.sleep(100)
    assert fake_oauth.clock() == pytest.approx(coze_clock.now())
