"""EasyDL adapter: token single flight, token in the query, typed errors, points, size checks, concurrency."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import httpx
import pytest
import respx

from coze_client.errors import (
    AuthenticationError,
    BadRequestError,
    DailyLimitError,
    InsufficientBalanceError,
    NotFoundError,
    QuotaExhaustedError,
    RateLimitError,
    RequestTooLargeError,
    ValidationError,
)
from coze_client.testing import FakeEasyDL
from providers import EasyDL, open

from .conftest import EASYDL_KEY, EASYDL_SECRET

BASE = "https://aip.baidubce.com"
IMAGE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def easydl(**kw: Any) -> EasyDL:
    opts: dict[str, Any] = {"api_key": EASYDL_KEY, "secret_key": EASYDL_SECRET, "ledger": "memory://",
                            "max_retries": 2}
    opts.update(kw)
    return EasyDL(**opts)


async def points_of(client: EasyDL, service: str) -> float:
    rows = await client.ledger.snapshot(provider="easydl", account=client.service_account(service))
    return next(r.points for r in rows if r.quota == "free_points")


async def test_token_is_fetched_once_and_sent_in_the_query(fake_easydl: FakeEasyDL) -> None:
    async with easydl() as client:
        results = await asyncio.gather(*(client.classify_image("flowers", IMAGE) for _ in range(50)))
        assert client.token.refreshes == 1
    assert all(r.results[0].name == "daisy" and r.points == 4 for r in results)
    token_calls = fake_easydl.find(path="/oauth/2.0/token")
    assert len(token_calls) == 1 and token_calls[0].method == "POST"
    infer = fake_easydl.find(path="/rpc/2.0/ai_custom/v1/classification/flowers")
    assert len(infer) == 50
    assert "access_token" in infer[0].query and "authorization" not in infer[0].headers
    assert EASYDL_SECRET not in repr(fake_easydl.requests) and EASYDL_SECRET not in repr(client)


async def test_expired_token_is_refreshed_once_under_50_concurrent_calls(fake_easydl: FakeEasyDL) -> None:
    async with easydl() as client:
        await client.classify_text("news", "warm up")
        fake_easydl.expire_tokens()  # every call now finds the token expired (111)
        # A little latency so that all fifty are in flight with the old token at the same time.
        fake_easydl.faults.latency(0.02, path="/rpc/")
        results = await asyncio.gather(*(client.classify_text("news", f"text {i}") for i in range(50)))
        assert client.token.refreshes == 2  # the first fetch and ONE refresh
    assert len(results) == 50
    assert len(fake_easydl.find(path="/oauth/2.0/token")) == 2
    codes = [r.code for r in fake_easydl.find(path="/rpc/2.0/ai_custom/v1/text_cls/news")]
    assert codes.count(111) == 50 and codes.count(0) == 51  # each call: one 111, then one success


async def test_invalid_token_110_refreshes_and_retries_once(router: respx.MockRouter) -> None:
    tokens = iter(["24.first.2592000.1.1-1", "24.second.2592000.1.1-1"])
    router.post(f"{BASE}/oauth/2.0/token").mock(
        side_effect=lambda r: httpx.Response(200, json={"access_token": next(tokens), "expires_in": 2592000}))
    infer = router.post(f"{BASE}/rpc/2.0/ai_custom/v1/text_cls/news").mock(side_effect=[
        httpx.Response(200, json={"error_code": 110, "error_msg": "Access token invalid or no longer valid"}),
        httpx.Response(200, json={"log_id": 1, "results": [{"name": "sport", "score": 0.9}]}),
    ])
    async with easydl() as client:
        result = await client.classify_text("news", "goal!")
    assert result.results[0].name == "sport" and result.meta is not None and result.meta.attempts == 2
    assert [c.request.url.params["access_token"] for c in infer.calls] == ["24.first.2592000.1.1-1",
                                                                          "24.second.2592000.1.1-1"]


async def test_bad_credentials_are_typed_and_never_shown(fake_easydl: FakeEasyDL) -> None:
    async with easydl(secret_key="sk-wrong-secret-value-1234") as client:
        with pytest.raises(AuthenticationError, match="Client authentication failed") as info:
            await client.classify_text("news", "x")
    assert "sk-wrong-secret-value-1234" not in str(info.value) + repr(info.value)
    assert not fake_easydl.find(path="/rpc/2.0/ai_custom/v1/text_cls/news")


@pytest.mark.parametrize(("code", "cls"), [
    (17, DailyLimitError), (18, RateLimitError), (19, InsufficientBalanceError), (3, NotFoundError),
    (336001, BadRequestError), (336003, BadRequestError), (336005, BadRequestError), (336199, BadRequestError),
])
async def test_error_codes_under_http_200_are_typed(router: respx.MockRouter, code: int, cls: type) -> None:
    router.post(f"{BASE}/oauth/2.0/token").mock(
        return_value=httpx.Response(200, json={"access_token": "24.t.2592000.1.1-1", "expires_in": 2592000}))
    router.post(f"{BASE}/rpc/2.0/ai_custom/v1/classification/flowers").mock(
        return_value=httpx.Response(200, json={"error_code": code, "error_msg": "refused", "log_id": 77}))
    async with easydl(max_retries=0) as client:
        with pytest.raises(cls) as info:
            await client.classify_image("flowers", IMAGE)
        assert info.value.code == code and info.value.logid == "77"
        # Failed calls use free points too (plans.md): the reservation is kept.
        assert await points_of(client, "flowers") == 4


async def test_qps_error_18_is_retried(fake_easydl: FakeEasyDL) -> None:
    fake_easydl.faults.throttle(times=1, path="/rpc/2.0/ai_custom/v1/classification/flowers", retry_after=0)
    async with easydl() as client:
        result = await client.classify_image("flowers", IMAGE)
        assert result.meta is not None and result.meta.attempts == 2
        assert await points_of(client, "flowers") == 8  # the refused attempt counted too


async def test_points_per_call_type_and_per_service(fake_easydl: FakeEasyDL) -> None:
    async with easydl() as client:
        await client.detect_objects("parts", IMAGE, threshold=0.4)
        await client.detect_objects("parts", IMAGE, call_type="object_detection_high_accuracy")
        await client.segment_image("cells", IMAGE)
        await client.classify_sound("birds", base64.b64encode(b"RIFF....WAVE").decode())
        await client.classify_image("flowers", url="https://example.invalid/rose.jpg", top_num=2)
        assert await points_of(client, "parts") == 5 + 14
        assert await points_of(client, "cells") == 16
        assert await points_of(client, "birds") == 4
        assert await points_of(client, "flowers") == 4
        with pytest.raises(ValidationError, match="unknown EasyDL call type"):
            await client.classify_text("news", "x", call_type="nope")
    det = fake_easydl.find(path="/rpc/2.0/ai_custom/v1/detection/parts")[0]
    assert det.json["threshold"] == 0.4 and det.headers["content-type"] == "application/json"
    by_url = fake_easydl.find(path="/rpc/2.0/ai_custom/v1/classification/flowers")[0]
    assert by_url.query["input_type"] == "url" and by_url.json == {"url": "https://example.invalid/rose.jpg",
                                                                    "top_num": 2}


async def test_free_points_quota_refuses_before_sending(fake_easydl: FakeEasyDL) -> None:
    async with easydl(plan="easydl.free") as client:
        await client.ledger.set_used("easydl", client.service_account("flowers"), "free_points", 9998)  # type: ignore[attr-defined]
        with pytest.raises(QuotaExhaustedError):
            await client.classify_image("flowers", IMAGE)
        await client.classify_text("news", "another API has its own 10,000 points")
    assert not fake_easydl.find(path="/rpc/2.0/ai_custom/v1/classification/flowers")


async def test_base64_and_size_checks_before_sending(router: respx.MockRouter) -> None:
    token = router.post(f"{BASE}/oauth/2.0/token").mock(
        return_value=httpx.Response(200, json={"access_token": "24.t.2592000.1.1-1", "expires_in": 2592000}))
    infer = router.post(f"{BASE}/rpc/2.0/ai_custom/v1/classification/flowers").mock(
        return_value=httpx.Response(200, json={"log_id": 1, "results": []}))
    async with easydl() as client:
        with pytest.raises(ValidationError, match="base64"):
            await client.classify_image("flowers", "not base64 at all!")
        with pytest.raises(RequestTooLargeError):
            await client.classify_image("flowers", b"\0" * (3 * 1024 * 1024 + 3))  # 4 MB + 4 bytes encoded
        with pytest.raises(RequestTooLargeError):
            await client.classify_image("flowers", "A" * (4 * 1024 * 1024 + 4))
        with pytest.raises(ValidationError):
            await client.classify_image("flowers")
        with pytest.raises(ValidationError):
            await client.classify_text("news", "  ")
        assert not token.called and not infer.called
        encoded = base64.b64encode(IMAGE).decode()
        await client.classify_image("flowers", "data:image/png;base64," + encoded)
        await client.classify_image("flowers", b"\0" * (3 * 1024 * 1024))  # exactly 4 MB encoded: allowed
    import json

    assert json.loads(infer.calls[0].request.content)["image"] == encoded  # the data: header was stripped


async def test_paid_plan_concurrency_per_call_type(router: respx.MockRouter) -> None:
    fake = FakeEasyDL(plan="easydl.paid", services={"flowers": ("image_classification_high_perf", 4),
                                                    "parts": ("object_detection_high_perf", 5)})
    inflight: dict[str, int] = {"flowers": 0, "parts": 0}
    peak: dict[str, int] = {"flowers": 0, "parts": 0}

    async def slow(request: httpx.Request) -> httpx.Response:
        service = request.url.path.rsplit("/", 1)[-1]
        inflight[service] += 1
        peak[service] = max(peak[service], inflight[service])
        try:
            await asyncio.sleep(0.02)
            return await fake.handle(request)
        finally:
            inflight[service] -= 1

    router.route(url__startswith=f"{BASE}/rpc/").mock(side_effect=slow)
    fake.install(router)
    async with open("easydl", api_key=EASYDL_KEY, secret_key=EASYDL_SECRET, plan="easydl.paid",
                    ledger="memory://") as client:
        await asyncio.gather(*(client.classify_image("flowers", IMAGE) for _ in range(30)),
                             *(client.detect_objects("parts", IMAGE) for _ in range(12)))
    # plans.md: paid state guarantees 10 concurrent for high-performance image classification, 4 otherwise.
    assert peak == {"flowers": 10, "parts": 4}
    assert fake.stats.rejections == 0


async def test_failed_calls_use_free_points_but_are_not_billed(router: respx.MockRouter) -> None:
    router.post(f"{BASE}/oauth/2.0/token").mock(
        return_value=httpx.Response(200, json={"access_token": "24.t.2592000.1.1-1", "expires_in": 2592000}))
    router.post(f"{BASE}/rpc/2.0/ai_custom/v1/classification/flowers").mock(side_effect=[
        httpx.Response(200, json={"error_code": 336005, "error_msg": "image decode failed"}),
        httpx.Response(200, json={"log_id": 1, "results": [{"name": "rose", "score": 0.8}]}),
    ])
    async with easydl(plan="easydl.paid") as client:
        account = client.service_account("flowers")
        await client.ledger.set_used("easydl", account, "free_points", 10_000)  # type: ignore[attr-defined]
        with pytest.raises(BadRequestError):
            await client.classify_image("flowers", IMAGE)
        rows = {r.quota: r for r in await client.ledger.snapshot(provider="easydl", account=account)}
        assert rows["free_points"].used == 10_004 and rows["usage"].cost == 0  # counted, not billed
        await client.classify_image("flowers", IMAGE)
        rows = {r.quota: r for r in await client.ledger.snapshot(provider="easydl", account=account)}
    assert rows["usage"].cost == pytest.approx(0.004)  # 4 paid points at 0.001 yuan (plans.md, first tier)


async def test_a_failed_token_fetch_is_shared_not_repeated(router: respx.MockRouter) -> None:
    from coze_client.errors import AuthRefreshError

    token = router.post(f"{BASE}/oauth/2.0/token").mock(return_value=httpx.Response(500, text="busy"))
    infer = router.post(f"{BASE}/rpc/2.0/ai_custom/v1/text_cls/news").mock(
        return_value=httpx.Response(200, json={"log_id": 1, "results": []}))
    async with easydl() as client:
        outcomes = await asyncio.gather(*(client.classify_text("news", "x") for _ in range(20)),
                                        return_exceptions=True)
        assert all(isinstance(o, AuthRefreshError) for o in outcomes)
        assert token.call_count == 1 and not infer.called
        assert EASYDL_SECRET not in str(outcomes[0])
        # The next call tries again (nothing is cached from a failure).
        token.return_value = httpx.Response(200, json={"access_token": "24.t.2592000.1.1-1", "expires_in": 2592000})
        await client.classify_text("news", "x")
    assert token.call_count == 2 and infer.call_count == 1
