"""Tests of support_bot against the fakes of coze_client.testing (run: pytest)."""

from __future__ import annotations

import pytest
from support_bot import BOT_ID, BROKEN_REPLY, QUOTA_REPLY, answer, answer_all

from coze_client.auth import WebOAuthApp
from coze_client.limits import get_plan

# The free plan, with a free quota of 3 calls instead of 500 (for the client and the fake alike).
TINY_FREE_PLAN = get_plan("coze.personal_free").with_overrides(quotas={"free_calls": 3})


@pytest.mark.fake_coze(setup=lambda fake: fake.bot(BOT_ID, replies=["Hello! How can I help?"]))
async def test_answers_a_question(fake_coze, make_coze):
    assert await answer(make_coze(), "u1", "hi") == "Hello! How can I help?"
    assert fake_coze.requests[0].json["additional_messages"][0]["content"] == "hi"


@pytest.mark.fake_coze(plan="coze.personal_free")
async def test_sixty_users_at_once_are_paced_to_the_free_plan(fake_coze, make_coze, coze_clock):
    coze = make_coze(plan="coze.personal_free")  # 20 chats per second
    start = coze_clock.now()
    replies = await answer_all(coze, {f"user{i}": f"question {i}" for i in range(60)})
    assert replies["user59"] == "question 59"  # the fake echoes unknown text
    assert fake_coze.stats.rejections == 0 and fake_coze.stats.max_over_limit == 0
    assert 2.0 <= coze_clock.now() - start < 3.5  # three windows of 20, in virtual seconds


async def test_a_429_with_retry_after_is_waited_out(fake_coze, make_coze, coze_clock):
    fake_coze.faults.throttle(times=1, retry_after=3)  # the next call: HTTP 429, Retry-After: 3
    start = coze_clock.now()
    assert await answer(make_coze(), "u1", "still there?") == "still there?"
    assert [r.status for r in fake_coze.find("POST", "/v3/chat")] == [429, 200]
    assert coze_clock.now() - start >= 3.0


@pytest.mark.fake_coze(plan=TINY_FREE_PLAN)
async def test_the_free_quota_running_out(fake_coze, make_coze):
    coze = make_coze(plan=TINY_FREE_PLAN)
    replies = [await answer(coze, "u1", f"question {i}") for i in range(4)]
    assert replies[:3] == ["question 0", "question 1", "question 2"]
    assert replies[3] == QUOTA_REPLY
    assert len(fake_coze.find("POST", "/v3/chat")) == 3  # the fourth was never sent ...
    assert fake_coze.stats.rejections == 0  # ... so the account was never locked out


async def test_an_answer_that_breaks_off_mid_stream(fake_coze, make_coze):
    fake_coze.script_chat(error=(4010, "prompt too long"))  # the stream sends an error event and ends
    assert await answer(make_coze(), "u1", "a very long question") == BROKEN_REPLY
    assert await answer(make_coze(), "u1", "short one") == "short one"


async def test_an_expired_token_is_refreshed(fake_coze, fake_oauth, make_coze):
    # With both fixtures, fake_coze accepts exactly the tokens fake_oauth issued and still holds valid.
    fake_oauth.client("support-bot", secret="app-secret")
    app = WebOAuthApp("support-bot", "app-secret")
    code = fake_oauth.approve(app.authorize_url("https://example.com/callback"))
    token = await app.exchange_code(code, "https://example.com/callback")
    coze = make_coze(token=app.token_provider(token))
    assert await answer(coze, "u1", "hello") == "hello"
    fake_oauth.expire_tokens()  # the server stops accepting it: the next call gets 4100 once
    assert await answer(coze, "u1", "hello again") == "hello again"
    assert fake_oauth.refreshes == 1
    await app.aclose()


async def test_a_token_expiring_with_time_is_renewed_before_use(fake_coze, fake_oauth, make_coze, coze_clock):
    fake_oauth.client("support-bot", secret="app-secret")
    app = WebOAuthApp("support-bot", "app-secret", clock=coze_clock.wall)  # token expiry on the test's clock
    code = fake_oauth.approve(app.authorize_url("https://example.com/callback"))
    coze = make_coze(token=app.token_provider(await app.exchange_code(code, "https://example.com/callback")))
    await coze_clock.sleep(3600)  # an hour later (virtual): the 15-minute token has expired
    assert await answer(coze, "u1", "hello") == "hello"
    assert fake_oauth.refreshes == 1
    assert [r.status for r in fake_coze.requests] == [200]  # renewed before the call, not after a 401
    await app.aclose()
