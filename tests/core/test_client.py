"""Client construction, secrets hygiene and logging."""

from __future__ import annotations

import logging
import traceback

import httpx
import pytest
import respx

from coze_client import AsyncCoze, errors

from .conftest import TOKEN
from .doubles import RecordingLedger, RecordingLimiter


def make(**kw: object) -> AsyncCoze:
    return AsyncCoze(plan=None, limiter=RecordingLimiter(), ledger=RecordingLedger(), **kw)  # type: ignore[arg-type]


async def test_token_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COZE_API_TOKEN", "pat_fromenv123456789")
    coze = make()
    assert await coze._auth.get_token() == "pat_fromenv123456789"
    await coze.aclose()


def test_missing_token_and_bad_options_are_clear_errors() -> None:
    with pytest.raises(errors.ValidationError, match="COZE_API_TOKEN"):
        make()
    with pytest.raises(errors.ValidationError, match="base_url"):
        make(token=TOKEN, base_url="ftp://x")
    with pytest.raises(errors.ValidationError):
        make(token=TOKEN, max_retries=-1)


async def test_token_never_in_repr_or_errors(caplog: pytest.LogCaptureFixture) -> None:
    coze = make(token=TOKEN)
    assert TOKEN not in repr(coze) and TOKEN not in repr(coze._auth)
    caplog.set_level(logging.DEBUG, logger="coze_client")
    with respx.mock(base_url="https://api.coze.cn") as api:
        api.get("/v3/chat/retrieve").mock(return_value=httpx.Response(
            401, json={"code": 4100, "msg": f"token {TOKEN} is invalid"}))
        with pytest.raises(errors.AuthenticationError) as info:
            await coze.chat.retrieve(conversation_id="v", chat_id="c")
    text = str(info.value) + "".join(traceback.format_exception(info.value)) + caplog.text
    assert TOKEN not in text
    await coze.aclose()


def test_no_handlers_added_to_library_logger() -> None:
    assert logging.getLogger("coze_client").handlers == []


async def test_per_call_timeout_reaches_the_request() -> None:
    coze = make(token=TOKEN, timeout=30)
    with respx.mock(base_url="https://api.coze.cn") as api:
        route = api.get("/v3/chat/retrieve").mock(return_value=httpx.Response(200, json={"code": 0, "data": {}}))
        await coze.chat.retrieve(conversation_id="v", chat_id="c", timeout=2.5)
        await coze.chat.retrieve(conversation_id="v", chat_id="c")
    assert route.calls[0].request.extensions["timeout"]["read"] == 2.5
    assert route.calls[1].request.extensions["timeout"]["read"] == 30
    await coze.aclose()


async def test_com_base_url_and_stats() -> None:
    from coze_client import COZE_COM_BASE_URL

    coze = make(token=TOKEN, base_url=COZE_COM_BASE_URL)
    with respx.mock(base_url=COZE_COM_BASE_URL) as api:
        api.get("/v1/files/retrieve").mock(return_value=httpx.Response(200, json={"code": 0, "data": {"id": "f"}}))
        await coze.files.retrieve(file_id="f")
    assert coze.stats.calls == 1 and coze.stats.attempts == 1
    await coze.aclose()
