"""The retry policy, table-driven: what is retried, how often, and how long it waits."""

from __future__ import annotations

import httpx
import pytest
import respx

from coze_client import AsyncCoze, errors
from coze_client._retry import RetryPolicy

from .doubles import RecordingLedger, RecordingLimiter

OK_CHAT = {"code": 0, "msg": "", "data": {"id": "c", "conversation_id": "v", "status": "completed"}}


@pytest.fixture
def sleeps(coze: AsyncCoze) -> list[float]:
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    coze._corridor.sleep = fake_sleep
    return slept


def failure(kind: str) -> httpx.Response | Exception:
    return {
        "429": httpx.Response(429, text="Too Many Requests"),
        "4009": httpx.Response(200, json={"code": 4009, "msg": "busy"}),
        "4020": httpx.Response(200, json={"code": 4020, "msg": "rpm"}),
        "5000": httpx.Response(200, json={"code": 5000, "msg": "internal"}),
        "4013": httpx.Response(200, json={"code": 4013, "msg": "model error"}),
        "502": httpx.Response(502, text="<html>bad gateway</html>"),
        "connect": httpx.ConnectError("refused"),
        "read_timeout": httpx.ReadTimeout("slow"),
        "reset": httpx.RemoteProtocolError("reset"),
        "4000": httpx.Response(200, json={"code": 4000, "msg": "bad"}),
        "4100": httpx.Response(401, json={"code": 4100, "msg": "auth"}),
        "4008": httpx.Response(200, json={"code": 4008, "msg": "daily"}),
    }[kind]  # type: ignore[return-value]


# (failure, retried for GET retrieve, retried for POST chat create)
TABLE = [
    ("429", True, True),
    ("4009", True, True),
    ("4020", True, True),
    ("connect", True, True),
    ("5000", True, False),
    ("4013", True, False),
    ("502", True, False),
    ("read_timeout", True, False),
    ("reset", True, False),
    ("4000", False, False),
    ("4100", False, False),
    ("4008", False, False),
]


@pytest.mark.parametrize(("kind", "get_retried", "post_retried"), TABLE)
async def test_retry_table(coze: AsyncCoze, api: respx.MockRouter, sleeps: list[float], kind: str,
                           get_retried: bool, post_retried: bool) -> None:
    get = api.get("/v3/chat/retrieve").mock(side_effect=[failure(kind), httpx.Response(200, json=OK_CHAT)])
    post = api.post("/v3/chat").mock(side_effect=[failure(kind), httpx.Response(200, json=OK_CHAT)])
    for route, retried, call in (
        (get, get_retried, lambda: coze.chat.retrieve(conversation_id="v", chat_id="c")),
        (post, post_retried, lambda: coze.chat.create(bot_id="b", user_id="u")),
    ):
        if retried:
            chat = await call()
            assert chat.status == "completed" and chat.meta is not None and chat.meta.attempts == 2
            assert route.call_count == 2
        else:
            with pytest.raises(errors.CozeError):
                await call()
            assert route.call_count == 1


async def test_attempts_stop_at_max_retries(coze: AsyncCoze, api: respx.MockRouter, sleeps: list[float]) -> None:
    route = api.get("/v3/chat/retrieve").mock(return_value=httpx.Response(503, text="down"))
    with pytest.raises(errors.ServerError):
        await coze.chat.retrieve(conversation_id="v", chat_id="c")
    assert route.call_count == 3  # 1 + max_retries (2)
    assert len(sleeps) == 2
    route.reset()
    with pytest.raises(errors.ServerError):
        await coze.chat.retrieve(conversation_id="v", chat_id="c", max_retries=0)
    assert route.call_count == 1
    route.reset()
    with pytest.raises(errors.ServerError):
        await coze.chat.retrieve(conversation_id="v", chat_id="c", max_retries=4)
    assert route.call_count == 5


async def test_backoff_grows_with_jitter(coze: AsyncCoze, api: respx.MockRouter, sleeps: list[float]) -> None:
    api.get("/v3/chat/retrieve").mock(return_value=httpx.Response(500, text="x"))
    with pytest.raises(errors.ServerError):
        await coze.chat.retrieve(conversation_id="v", chat_id="c", max_retries=5)
    bases = [0.5, 1.0, 2.0, 4.0, 8.0]
    assert len(sleeps) == 5
    for slept, base in zip(sleeps, bases, strict=True):
        assert 0.75 * base <= slept <= base


@pytest.mark.parametrize(("headers", "expected"), [({"retry-after": "3"}, 3.0), ({"retry-after-ms": "1500"}, 1.5)])
async def test_retry_after_is_honoured(coze: AsyncCoze, api: respx.MockRouter, sleeps: list[float],
                                       headers: dict[str, str], expected: float) -> None:
    api.post("/v3/chat").mock(side_effect=[httpx.Response(429, headers=headers, json={"code": 4009, "msg": "x"}),
                                           httpx.Response(200, json=OK_CHAT)])
    chat = await coze.chat.create(bot_id="b", user_id="u")
    assert sleeps == [expected]
    assert chat.meta is not None and chat.meta.retry_wait == expected


async def test_retry_after_over_cap_is_raised_not_slept(coze: AsyncCoze, api: respx.MockRouter,
                                                        sleeps: list[float]) -> None:
    route = api.post("/v3/chat").mock(return_value=httpx.Response(429, headers={"retry-after": "3600"}))
    with pytest.raises(errors.RateLimitError) as info:
        await coze.chat.create(bot_id="b", user_id="u")
    assert info.value.retry_after == 3600 and sleeps == [] and route.call_count == 1


async def test_rate_limited_attempt_pauses_the_limiter_group(coze: AsyncCoze, api: respx.MockRouter,
                                                             limiter: RecordingLimiter, sleeps: list[float]) -> None:
    api.post("/v3/chat").mock(side_effect=[httpx.Response(429, headers={"retry-after": "2"}),
                                           httpx.Response(200, json=OK_CHAT)])
    await coze.chat.create(bot_id="b", user_id="u")
    assert len(limiter.acquired) == 2  # the limiter acts per attempt
    assert [(c.path, s) for c, s in limiter.penalties] == [("/v3/chat", 2.0)]


async def test_ledger_reserves_per_attempt_and_cancels_unsent(coze: AsyncCoze, api: respx.MockRouter,
                                                              ledger: RecordingLedger, sleeps: list[float]) -> None:
    api.post("/v3/chat").mock(side_effect=[httpx.ConnectError("refused"), httpx.Response(500, text="x")])
    with pytest.raises(errors.ServerError):
        await coze.chat.create(bot_id="b", user_id="u")
    # refused connection: certainly not sent -> given back; the 500 reached the server -> kept
    assert [r.id for r in ledger.reserved] == ["0", "1"]
    assert ledger.cancelled == ["0"]
    assert [s[0] for s in ledger.settled] == ["1"]


def test_policy_unit_rules() -> None:
    policy = RetryPolicy(max_retries=2)
    assert policy.is_retryable(errors.APIConnectionError(sent=False), retry_safe=False)
    assert not policy.is_retryable(errors.APIConnectionError(sent=True), retry_safe=False)
    assert policy.is_retryable(errors.APITimeoutError(sent=True), retry_safe=True)
    assert not policy.is_retryable(errors.QuotaExhaustedError(provider="coze", account="a", quota="q", used=1,
                                                              limit=1, resets_at=None), retry_safe=True)
    assert not policy.is_retryable(errors.ValidationError("x"), retry_safe=True)


async def test_injected_http_client_is_used_and_not_closed() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json=OK_CHAT)

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    async with AsyncCoze(token="pat_x1234567890", plan=None, ledger=RecordingLedger(), limiter=RecordingLimiter(),
                         http_client=http) as coze:
        await coze.chat.retrieve(conversation_id="v", chat_id="c")
    assert calls[0].url == "https://api.coze.cn/v3/chat/retrieve?conversation_id=v&chat_id=c"
    assert not http.is_closed
    await http.aclose()
