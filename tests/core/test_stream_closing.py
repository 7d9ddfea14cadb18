"""When a stream closes: `async with`, a bare `async for` left by `break`, and a stream dropped open."""

from __future__ import annotations

import asyncio
import gc
import logging

import pytest
import respx

from coze_client import AsyncCoze

from .doubles import RecordingLedger, RecordingLimiter
from .test_recordings import TEXT_STREAM, body


async def ticks(n: int = 3) -> None:
    """Let the event loop run ``n`` rounds (the finalizer's close is a task); no timing involved."""
    for _ in range(n):
        await asyncio.sleep(0)


def closed(limiter: RecordingLimiter, ledger: RecordingLedger, index: int = -1) -> bool:
    return bool(limiter.permits[index].released) and len(ledger.settled) > 0


async def test_break_inside_async_with_closes_at_once(coze: AsyncCoze, api: respx.MockRouter,
                                                      limiter: RecordingLimiter, ledger: RecordingLedger) -> None:
    api.post("/v3/chat").mock(return_value=body(TEXT_STREAM))
    async with coze.chat.stream(bot_id="b", user_id="u") as events:
        async for _ in events:
            break
    assert events.response is not None and events.response.is_closed and closed(limiter, ledger)


async def test_break_out_of_a_bare_loop_closes_by_the_next_await(coze: AsyncCoze, api: respx.MockRouter,
                                                                 limiter: RecordingLimiter,
                                                                 ledger: RecordingLedger) -> None:
    api.post("/v3/chat").mock(return_value=body(TEXT_STREAM))
    stream = coze.chat.stream(bot_id="b", user_id="u")
    async for _ in stream:
        break
    await ticks()
    assert stream.response is not None and stream.response.is_closed
    assert closed(limiter, ledger) and ledger.settled[0][0] == ledger.reserved[0].id


async def test_a_stream_dropped_open_warns_and_is_closed(coze: AsyncCoze, api: respx.MockRouter,
                                                         limiter: RecordingLimiter, ledger: RecordingLedger,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    api.post("/v3/chat").mock(return_value=body(TEXT_STREAM))
    stream = coze.chat.stream(bot_id="b", user_id="u")
    await stream.__aenter__()  # opened by hand and never closed
    response = stream.response
    assert response is not None and not closed(limiter, ledger)
    with pytest.warns(ResourceWarning, match="dropped open"), caplog.at_level(logging.WARNING):
        del stream
        gc.collect()
    await ticks()
    assert response.is_closed and closed(limiter, ledger)
    assert any("dropped open" in r.getMessage() for r in caplog.records)


async def test_a_closed_stream_is_dropped_silently(coze: AsyncCoze, api: respx.MockRouter) -> None:
    api.post("/v3/chat").mock(return_value=body(TEXT_STREAM))
    async with coze.chat.stream(bot_id="b", user_id="u") as stream:
        _ = [e async for e in stream]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        del stream
        gc.collect()
