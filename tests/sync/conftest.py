"""Fixtures of the sync client tests: ``client`` is an AsyncCoze or a sync Coze behind an async view."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from coze_client import AsyncCoze, Coze
from coze_client._sync import _loop
from coze_client.testing import FakeCoze, ManualClock

from ..core.doubles import RecordingLedger, RecordingLimiter
from .facade import AsyncView

TOKEN = "pat_TESTsecretTOKEN1234567890"
BASE = "https://api.coze.cn"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(1000.0)


@pytest.fixture
def fake(clock: ManualClock) -> Iterator[FakeCoze]:
    fake = FakeCoze(plan="coze.personal_free", clock=clock)
    with fake.mock():
        yield fake


@pytest.fixture(params=["async", "sync"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def open_client(kind: str, ledger: Any) -> AsyncIterator[Any]:
    """``AsyncCoze``, or the sync ``Coze`` seen through :class:`AsyncView` (each call from a worker thread)."""
    options: dict[str, Any] = dict(token=TOKEN, base_url=BASE, plan=None, limiter=RecordingLimiter(), ledger=ledger)
    if kind == "async":
        coze = AsyncCoze(**options)
        yield coze
        await coze.aclose()
        return
    sync = await asyncio.to_thread(lambda: Coze(**options))
    yield AsyncView(sync)
    await asyncio.to_thread(sync.close)


@pytest.fixture
async def client(fake: FakeCoze, kind: str) -> AsyncIterator[Any]:
    """The same client options, async or sync (the sync one seen through :class:`AsyncView`)."""
    async for made in open_client(kind, RecordingLedger()):
        yield made


@pytest.fixture(autouse=True)
def no_loop_left_behind() -> Iterator[None]:
    """Every test closes its clients: the SDK loop thread ends with the last one."""
    yield
    assert _loop.current() is None, "a sync client was left open (its loop thread still runs)"
