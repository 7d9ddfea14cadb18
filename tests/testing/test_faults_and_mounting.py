"""Fault injection in-process and on the loopback socket; the three ways to mount a fake."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time

import httpx
import pytest

from coze_client.testing import FakeCoze, LoopbackServer, serve_loopback
from coze_client.testing.faults import Fault

AUTH = {"Authorization": "Bearer pat_testtoken12345"}
CHAT = {
    "bot_id": "b",
    "user_id": "u",
    "stream": True,
    "additional_messages": [{"role": "user", "content": "one two three four five", "content_type": "text"}],
}


def client_for(fake: FakeCoze) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=fake.transport(), base_url="https://api.coze.cn", headers=AUTH)


async def test_n_failures_then_success_with_retry_after() -> None:
    fake = FakeCoze()
    fault = fake.faults.http_error(503, times=2, path="/v1/users/me", retry_after=2, retry_after_ms=1500)
    async with client_for(fake) as c:
        answers = [await c.get("/v1/users/me") for _ in range(3)]
    assert [a.status_code for a in answers] == [503, 503, 200]
    assert answers[0].headers["content-type"] == "text/html" and "<html>" in answers[0].text
    assert answers[0].headers["retry-after"] == "2" and answers[0].headers["retry-after-ms"] == "1500"
    assert fault.hits == 2 and fake.stats.faults == 2 and fake.stats.requests == 3


async def test_throttle_fault_uses_provider_answer() -> None:
    fake = FakeCoze(throttle_status=429)
    fake.faults.throttle(times=1, after=1, code=4020, retry_after=1)
    async with client_for(fake) as c:
        first, second, third = [await c.get("/v1/users/me") for _ in range(3)]
    assert first.json()["code"] == 0 and third.json()["code"] == 0
    assert second.status_code == 429 and second.json()["code"] == 4020 and second.headers["retry-after"] == "1"
    assert "x-tt-logid" in second.headers


async def test_reset_before_response_and_mid_body() -> None:
    fake = FakeCoze()
    fake.faults.reset(times=1, path="/v1/users/me")
    fake.faults.reset(times=1, path="/v3/chat", after_bytes=100)
    async with client_for(fake) as c:
        with pytest.raises(httpx.RemoteProtocolError):
            await c.get("/v1/users/me")
        assert (await c.get("/v1/users/me")).status_code == 200
        with pytest.raises(httpx.ReadError):
            async with c.stream("POST", "/v3/chat", json=CHAT) as response:
                got = b""
                async for chunk in response.aiter_raw():
                    got += chunk
        assert len(got) == 100


async def test_truncated_malformed_and_slow_streams() -> None:
    fake = FakeCoze()
    fake.faults.truncate(after_chunks=3)
    async with client_for(fake) as c:
        text = (await c.post("/v3/chat", json=CHAT)).text
        assert text.count("event:") == 3 and "done" not in text
        fake.faults.malformed(after_chunks=2, line=b"data: {broken\n\n")
        text = (await c.post("/v3/chat", json=CHAT)).text
        assert text.split("\n\n")[2] == "data: {broken"
        fake.faults.slow_stream(0.01, times=1)
        started = time.perf_counter()
        text = (await c.post("/v3/chat", json=CHAT)).text
        assert time.perf_counter() - started >= 0.01 * 10 and text.endswith('"[DONE]"\n\n')


async def test_latency_and_predicate() -> None:
    fake = FakeCoze()
    fake.faults.add(Fault("latency", seconds=0.05, times=None, predicate=lambda r: r.query.get("slow") == "1"))
    async with client_for(fake) as c:
        started = time.perf_counter()
        await c.get("/v1/users/me")
        fast = time.perf_counter() - started
        started = time.perf_counter()
        await c.get("/v1/users/me", params={"slow": "1"})
        slow = time.perf_counter() - started
    assert slow >= 0.05 > fast
    fake.faults.clear()
    assert len(fake.faults) == 0


async def test_mock_mounts_on_respx_and_several_fakes_coexist() -> None:
    from coze_client.testing import FakeXingchen

    coze, xc = FakeCoze(), FakeXingchen()
    with coze.mock(), xc.mock():
        async with httpx.AsyncClient(headers=AUTH) as c:
            assert (await c.get("https://api.coze.com/v1/users/me")).json()["code"] == 0
            r = await c.post(
                "https://nlp.aliyuncs.com/v2/api/chat/stop",
                json={"requestId": "1"},
                headers={"x-fag-appcode": "aca", "x-fag-servicename": "aca-chat-stop"},
            )
            assert r.json()["data"] is True
    assert coze.stats.requests == 1 and xc.stats.requests == 1


async def test_install_on_own_router() -> None:
    import respx

    fake = FakeCoze(base_urls=["https://coze.internal"])
    async with respx.mock(assert_all_called=False) as router:
        fake.install(router)
        async with httpx.AsyncClient(headers=AUTH) as c:
            assert (await c.get("https://coze.internal/v1/users/me")).json()["code"] == 0


async def test_serve_loopback_streams_over_a_socket() -> None:
    fake = FakeCoze()
    fake.bot("b", replies=["socket"], stream_chunks=50)
    async with serve_loopback(fake) as base_url, httpx.AsyncClient(base_url=base_url, headers=AUTH) as c:
        assert base_url.startswith("http://127.0.0.1:")
        async with c.stream("POST", "/v3/chat", json=CHAT) as response:
            text = (await response.aread()).decode()
        assert text.count("conversation.message.delta") == 50
        speech = await c.post("/v1/audio/speech", json={"input": "hi", "voice_id": "v"})
        assert speech.headers["content-type"] == "audio/mpeg"
        # A mid-body reset on a real socket: the connection is cut, the client sees a protocol error.
        fake.faults.reset(times=1, path="/v3/chat", after_bytes=200)
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            async with c.stream("POST", "/v3/chat", json=CHAT) as response:
                await response.aread()
        fake.faults.reset(times=1, path="/v1/users/me")
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            await c.get("/v1/users/me")
        assert (await c.get("/v1/users/me")).json()["code"] == 0


def test_loopback_server_from_sync_code_and_another_process() -> None:
    with LoopbackServer(FakeCoze()) as server:
        assert httpx.get(server.base_url + "/v1/users/me", headers=AUTH).json()["code"] == 0
        script = (
            "import httpx,sys;"
            f"r=httpx.post('{server.base_url}/v1/conversation/create',json={{'bot_id':'b'}},headers={AUTH!r});"
            "print(r.json()['code'])"
        )
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
        assert out.stdout.strip() == "0", out.stderr
        assert len(server.fake.conversations) == 1
    assert server.base_url  # stopped cleanly


async def test_concurrency_released_when_stream_ends() -> None:
    from coze_client.limits.plans import Limit

    fake = FakeCoze(limits=[Limit(name="conc", group="chat", kind="concurrency", limit=1)])
    async with client_for(fake) as c:
        async with c.stream("POST", "/v3/chat", json=CHAT) as first:
            second = await c.post("/v3/chat", json={**CHAT, "stream": False})
            assert second.json()["code"] == 4009
            await first.aread()
        third = await c.post("/v3/chat", json=CHAT)
        assert third.status_code == 200 and "conversation.chat.completed" in third.text
    assert fake.stats.peaks["conc"] == 2 and fake.stats.rejections == 1


async def test_concurrent_load_is_judged_by_arrival() -> None:
    from coze_client.limits.plans import Limit

    fake = FakeCoze(limits=[Limit(name="qps", group="chat", limit=5, window=0.2)])
    async with client_for(fake) as c:
        answers = await asyncio.gather(*[c.post("/v3/chat", json={"bot_id": "b", "user_id": "u"}) for _ in range(8)])
    codes = sorted(json.loads(a.content)["code"] for a in answers)
    assert codes == [0] * 5 + [4009] * 3
    assert fake.stats.max_over_limit == 3


def test_mock_serves_sync_clients_too() -> None:
    cozepy = pytest.importorskip("cozepy")
    fake = FakeCoze()
    fake.bot("b", replies=["sync hello"])
    fake.faults.reset(times=1, path="/v3/chat", after_bytes=50)
    with fake.mock():
        assert httpx.get("https://api.coze.cn/v1/users/me", headers=AUTH).json()["code"] == 0
        with pytest.raises(httpx.ReadError):
            httpx.post("https://api.coze.cn/v3/chat", json=CHAT, headers=AUTH)
        coze = cozepy.Coze(auth=cozepy.TokenAuth("pat_testtoken12345"), base_url="https://api.coze.cn")
        events = list(
            coze.chat.stream(
                bot_id="b", user_id="u", additional_messages=[cozepy.Message.build_user_question_text("hi")]
            )
        )
        deltas = [e.message.content for e in events if e.event == cozepy.ChatEventType.CONVERSATION_MESSAGE_DELTA]
        assert "".join(deltas) == "sync hello"


async def test_sync_client_inside_an_async_test() -> None:
    fake = FakeCoze()
    with fake.mock():
        # A running loop in this thread: the fake answers on a private loop in a helper thread.
        assert httpx.get("https://api.coze.com/v1/users/me", headers=AUTH).json()["code"] == 0  # noqa: ASYNC210
        async with httpx.AsyncClient(headers=AUTH) as c:
            assert (await c.get("https://api.coze.com/v1/users/me")).json()["code"] == 0
    assert fake.stats.requests == 2
