"""FakeXingchen, FakeGPTBots and FakeEasyDL: wire formats, errors and throttling answers."""

from __future__ import annotations

import base64
import json

import httpx

from coze_client.limits.plans import Limit, Quota
from coze_client.testing import FakeEasyDL, FakeGPTBots, FakeXingchen, ManualClock

XC = "https://nlp.aliyuncs.com/v2/api/chat/send"
XC_HEADERS = {"Authorization": "Bearer lm-testkey0123==", "x-fag-appcode": "aca", "x-fag-servicename": "aca-chat-send"}
XC_SSE = {**XC_HEADERS, "x-fag-servicename": "aca-chat-send-sse", "X-AcA-SSE": "enable"}


def xc_body(text: str = "hello there friend", incremental: bool = False) -> dict[str, object]:
    return {
        "model": "xingchen-plus",
        "parameters": {"incrementalOutput": incremental},
        "input": {
            "messages": [{"name": "u", "role": "user", "content": text}],
            "aca": {
                "botProfile": {"name": "bot", "content": "a kind bot"},
                "userProfile": {"userId": "u1"},
                "scenario": None,
                "memory": None,
            },
        },
    }


async def test_xingchen_blocking_envelope_and_usage(fake_xingchen: FakeXingchen) -> None:
    async with httpx.AsyncClient() as c:
        r = (await c.post(XC, json=xc_body(), headers=XC_HEADERS)).json()
    assert r["success"] is True and r["code"] == 200 and r["errorCode"] is None and r["requestId"]
    data = r["data"]
    assert data["choices"][0]["messages"][0]["content"] == "hello there friend"  # echo by default
    assert set(data["usage"]) == {"userTokens", "inputTokens", "outputTokens"}
    assert data["choices"][0]["stopReason"] == "stop"


async def test_xingchen_gateway_headers_and_auth(fake_xingchen: FakeXingchen) -> None:
    fake_xingchen.keys = {"lm-good"}
    async with httpx.AsyncClient() as c:
        unauthorized = await c.post(XC, json=xc_body(), headers=XC_HEADERS)
        assert unauthorized.status_code == 401
        assert unauthorized.json()["errorMessage"] == "Unauthorized user! apikey is invalid."
        headers = {**XC_HEADERS, "Authorization": "Bearer lm-good"}
        wrong = await c.post(XC, json=xc_body(), headers={**headers, "x-fag-servicename": "aca-chat-send-sse"})
        assert wrong.status_code == 400 and wrong.json()["success"] is False
        # Streaming asks for the -sse service name.
        sse_wrong = await c.post(XC, json=xc_body(), headers={**headers, "X-AcA-SSE": "enable"})
        assert sse_wrong.status_code == 400
    assert fake_xingchen.requests[0].headers["authorization"] == "REDACTED"


async def test_xingchen_sse_cumulative_and_incremental() -> None:
    fake = FakeXingchen(replies=["one two three"])
    async with httpx.AsyncClient(transport=fake.transport()) as c:
        cumulative = (await c.post(XC, json=xc_body(), headers=XC_SSE)).text
        incremental = (await c.post(XC, json=xc_body(incremental=True), headers=XC_SSE)).text

    def contents(text: str) -> list[dict[str, object]]:
        return [json.loads(line[5:]) for line in text.splitlines() if line.startswith("data:")]

    cum = contents(cumulative)
    assert [e["choices"][0]["messages"][0]["content"] for e in cum] == ["one", "one two", "one two three"]
    assert [e["choices"][0]["stopReason"] for e in cum] == [None, None, "stop"]
    assert "requestId" not in cum[0]  # bare ChatResult, not the envelope
    inc = contents(incremental)
    assert "".join(e["choices"][0]["messages"][0]["content"] for e in inc) == "one two three"
    assert inc[-1]["usage"]["outputTokens"] > inc[0]["usage"]["outputTokens"]


async def test_xingchen_throttling_qps_and_tpm() -> None:
    clock = ManualClock()
    fake = FakeXingchen(plan="xingchen.default", clock=clock)
    async with httpx.AsyncClient(transport=fake.transport()) as c:
        ok = await c.post(XC, json=xc_body(), headers=XC_HEADERS)
        throttled = await c.post(XC, json=xc_body(), headers=XC_HEADERS)
        assert ok.status_code == 200
        assert throttled.status_code == 429 and throttled.json()["errorName"] == "Throttling.RateQuota"
        clock.advance(1.0)
        big = await c.post(XC, json=xc_body("word " * 4000), headers=XC_HEADERS)  # ~5000 tokens > 1000 TPM
        assert big.status_code == 429 and big.json()["errorName"] == "Throttling.AllocationQuota"
    assert fake.stats.rejections == 2


async def test_xingchen_completions_not_enveloped(fake_xingchen: FakeXingchen) -> None:
    headers = {**XC_HEADERS, "x-fag-servicename": "aca-completion"}
    async with httpx.AsyncClient() as c:
        r = (
            await c.post(
                "https://nlp.aliyuncs.com/v2/api/completions",
                headers=headers,
                json={"model": "xingchen-plus", "messages": [{"role": "user", "content": "hey"}]},
            )
        ).json()
    assert r["choices"][0]["message"]["content"] == "hey"
    assert r["usage"]["total_tokens"] == r["usage"]["prompt_tokens"] + r["usage"]["completion_tokens"]


GB = "https://api.gptbots.ai"
GB_AUTH = {"Authorization": "Bearer app-testkey0123456789"}


async def _gb_conversation(c: httpx.AsyncClient) -> str:
    return str(
        (await c.post(f"{GB}/v1/conversation", json={"user_id": "u1"}, headers=GB_AUTH)).json()["conversation_id"]
    )


async def test_gptbots_blocking_with_credits(fake_gptbots: FakeGPTBots) -> None:
    fake_gptbots.replies = ["the answer"]
    async with httpx.AsyncClient() as c:
        conv = await _gb_conversation(c)
        r = (
            await c.post(
                f"{GB}/v2/conversation/message",
                headers=GB_AUTH,
                json={
                    "conversation_id": conv,
                    "response_mode": "blocking",
                    "messages": [{"role": "user", "content": "question?"}],
                },
            )
        ).json()
    assert r["output"][0]["content"]["text"] == "the answer"
    tokens, credits = r["usage"]["tokens"], r["usage"]["credits"]
    assert tokens["total_tokens"] == tokens["prompt_tokens"] + tokens["completion_tokens"]
    expected = tokens["prompt_tokens"] * 0.0165 / 1000 + tokens["completion_tokens"] * 0.0665 / 1000
    assert abs(credits["total_credits"] - expected) < 1e-6


async def test_gptbots_streaming_lines_with_and_without_prefix() -> None:
    for prefix in (True, False):
        fake = FakeGPTBots(replies=["a b c"], stream_prefix=prefix)
        async with httpx.AsyncClient(transport=fake.transport()) as c:
            conv = await _gb_conversation(c)
            text = (
                await c.post(
                    f"{GB}/v2/conversation/message",
                    headers=GB_AUTH,
                    json={
                        "conversation_id": conv,
                        "response_mode": "streaming",
                        "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
                    },
                )
            ).text
        lines = [line for line in text.splitlines() if line]
        assert all(line.startswith("data: ") == prefix for line in lines)
        events = [json.loads(line.removeprefix("data: ")) for line in lines]
        assert [e["code"] for e in events] == [11, 3, 3, 3, 4, 0]
        assert "".join(e["data"] for e in events if e["code"] == 3) == "a b c"
        assert "credits" not in events[-2]["data"] and events[-1]["data"] is None


async def test_gptbots_errors_and_throttling() -> None:
    fake = FakeGPTBots(
        keys=["app-good"],
        plan="gptbots.default",
        clock=ManualClock(),
        quotas=[Quota(name="credits", unit="credits", limit=0.00001)],
    )
    good = {"Authorization": "Bearer app-good"}
    async with httpx.AsyncClient(transport=fake.transport()) as c:
        assert (await c.post(f"{GB}/v1/conversation", json={"user_id": "u"}, headers=GB_AUTH)).json()["code"] == 40127
        assert (await c.post(f"{GB}/v1/conversation", json={"user_id": "u" * 33}, headers=good)).json()["code"] == 40000
        missing = await c.post(
            f"{GB}/v2/conversation/message",
            headers=good,
            json={
                "conversation_id": "nope",
                "response_mode": "blocking",
                "messages": [{"role": "user", "content": "x"}],
            },
        )
        assert missing.json()["code"] == 40356
        conv = str(
            (await c.post(f"{GB}/v1/conversation", json={"user_id": "u"}, headers=good)).json()["conversation_id"]
        )
        body = {
            "conversation_id": conv,
            "response_mode": "blocking",
            "messages": [{"role": "user", "content": "x " * 50}],
        }
        assert (await c.post(f"{GB}/v2/conversation/message", headers=good, json=body)).status_code == 200
        broke = await c.post(f"{GB}/v2/conversation/message", headers=good, json=body)
        assert broke.json()["code"] == 20022  # the credits quota is used up
    fake2 = FakeGPTBots(limits=[Limit(name="chat_rpm", group="chat", limit=1, window=60.0)], clock=ManualClock())
    async with httpx.AsyncClient(transport=fake2.transport()) as c:
        conv = await _gb_conversation(c)
        body = {"conversation_id": conv, "response_mode": "blocking", "messages": [{"role": "user", "content": "x"}]}
        await c.post(f"{GB}/v2/conversation/message", headers=GB_AUTH, json=body)
        limited = await c.post(f"{GB}/v2/conversation/message", headers=GB_AUTH, json=body)
        assert limited.status_code == 429 and limited.json() == {"code": 429, "message": "Too Many Requests"}


ED = "https://aip.baidubce.com"
IMAGE = base64.b64encode(b"\x89PNG fake image").decode()


async def _ed_token(c: httpx.AsyncClient, ak: str = "ak", sk: str = "sk") -> httpx.Response:
    return await c.post(
        f"{ED}/oauth/2.0/token", params={"grant_type": "client_credentials", "client_id": ak, "client_secret": sk}
    )


async def test_easydl_token_and_inference(fake_easydl: FakeEasyDL) -> None:
    async with httpx.AsyncClient() as c:
        token = (await _ed_token(c)).json()
        assert token["expires_in"] == 2592000 and token["access_token"].startswith("24.")
        url = f"{ED}/rpc/2.0/ai_custom/v1/classification/flowers"
        r = (
            await c.post(url, params={"access_token": token["access_token"]}, json={"image": IMAGE, "top_num": 2})
        ).json()
        assert [x["name"] for x in r["results"]] == ["daisy", "rose"] and "log_id" in r
        det = (
            await c.post(
                f"{ED}/rpc/2.0/ai_custom/v1/detection/cars",
                params={"access_token": token["access_token"]},
                json={"image": IMAGE},
            )
        ).json()
        assert "location" in det["results"][0]
        text = (
            await c.post(
                f"{ED}/rpc/2.0/ai_custom/v1/text_cls/news",
                params={"access_token": token["access_token"]},
                json={"text": "体育新闻"},
            )
        ).json()
        assert text["results"]
    rec = fake_easydl.requests[1]
    assert rec.query["access_token"] == "REDACTED" and token["access_token"] not in rec.url


async def test_easydl_errors_are_http_200() -> None:
    fake = FakeEasyDL(credentials={"ak": "sk"})
    url = f"{ED}/rpc/2.0/ai_custom/v1/classification/flowers"
    async with httpx.AsyncClient(transport=fake.transport()) as c:
        assert (await _ed_token(c, "bad")).json()["error"] == "invalid_client"
        assert (await _ed_token(c, "ak", "bad")).json()["error_description"] == "Client authentication failed"
        tok = (await _ed_token(c)).json()["access_token"]
        cases = [
            ({}, {"image": IMAGE}, 100),
            ({"access_token": "nope"}, {"image": IMAGE}, 110),
            ({"access_token": tok}, {}, 336006),
            ({"access_token": tok}, {"image": "data:image/png;base64," + IMAGE}, 336003),
            ({"access_token": tok}, {"image": "!!!"}, 336003),
        ]
        for params, body, code in cases:
            r = await c.post(url, params=params, json=body)
            assert r.status_code == 200 and r.json()["error_code"] == code, (params, body)
        form = await c.post(url, params={"access_token": tok}, data={"image": IMAGE})
        assert form.json()["error_code"] == 336001
        bad_json = await c.post(
            url, params={"access_token": tok}, content=b"{nope", headers={"content-type": "application/json"}
        )
        assert bad_json.json()["error_code"] == 336002
        fake.expire_tokens()
        assert (await c.post(url, params={"access_token": tok}, json={"image": IMAGE})).json()["error_code"] == 111


async def test_easydl_throttling_codes() -> None:
    clock = ManualClock()
    fake = FakeEasyDL(
        plan="easydl.free",
        services={"flowers": ("image_classification_high_perf", 4000)},
        limits=[Limit(name="qps", group="inference", limit=2, window=1.0)],
        quotas=[Quota(name="daily", limit=100, period="day", group="inference")],
        clock=clock,
    )
    url = f"{ED}/rpc/2.0/ai_custom/v1/classification/flowers"
    async with httpx.AsyncClient(transport=fake.transport()) as c:
        tok = (await _ed_token(c)).json()["access_token"]
        codes = [
            (await c.post(url, params={"access_token": tok}, json={"image": IMAGE})).json().get("error_code", 0)
            for _ in range(3)
        ]
        assert codes == [0, 0, 18]
        clock.advance(1.0)
        # 2 calls x 4000 points used; a third would cross the 10,000 free points: 19.
        assert (await c.post(url, params={"access_token": tok}, json={"image": IMAGE})).json()["error_code"] == 19
    daily = FakeEasyDL(quotas=[Quota(name="daily", limit=1, period="day", group="inference")])
    async with httpx.AsyncClient(transport=daily.transport()) as c:
        tok = (await _ed_token(c)).json()["access_token"]
        await c.post(url, params={"access_token": tok}, json={"image": IMAGE})
        assert (await c.post(url, params={"access_token": tok}, json={"image": IMAGE})).json()["error_code"] == 17


async def test_gptbots_messages_history(fake_gptbots: FakeGPTBots) -> None:
    fake_gptbots.replies = ["r1", "r2"]
    async with httpx.AsyncClient() as c:
        conv = await _gb_conversation(c)
        for q in ("q1", "q2"):
            await c.post(
                f"{GB}/v2/conversation/message",
                headers=GB_AUTH,
                json={
                    "conversation_id": conv,
                    "response_mode": "blocking",
                    "messages": [{"role": "user", "content": q}],
                },
            )
        page = (
            await c.get(
                f"{GB}/v2/messages", params={"conversation_id": conv, "page": 1, "page_size": 3}, headers=GB_AUTH
            )
        ).json()
        assert page["total"] == 4
        texts = [m["content"][0]["branch_content"][0]["text"] for m in page["conversation_content"]]
        assert texts == ["r2", "q2", "r1"]
        beyond = await c.get(f"{GB}/v2/messages", params={"conversation_id": conv, "page": 9}, headers=GB_AUTH)
        assert beyond.json()["code"] == 40005


async def test_xingchen_error_mid_stream() -> None:
    fake = FakeXingchen(replies=["a b c d"])
    fake.stream_error = (2, 500, "InternalError", "model failed")
    async with httpx.AsyncClient(transport=fake.transport()) as c:
        text = (await c.post(XC, json=xc_body(), headers=XC_SSE)).text
        again = (await c.post(XC, json=xc_body(), headers=XC_SSE)).text  # one-shot: the next stream is whole
    events = [json.loads(line[5:]) for line in text.splitlines() if line.startswith("data:")]
    assert len(events) == 3 and events[-1]["errorCode"] == 500 and events[-1]["success"] is False
    assert "errorCode" not in again
