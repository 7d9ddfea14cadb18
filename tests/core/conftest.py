from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import respx

from coze_client import AsyncCoze

from .doubles import RecordingLedger, RecordingLimiter

BASE = "https://api.coze.cn"
TOKEN = "pat_TESTsecretTOKEN1234567890"


@pytest.fixture
def limiter() -> RecordingLimiter:
    return RecordingLimiter()


@pytest.fixture
def ledger() -> RecordingLedger:
    return RecordingLedger()


@pytest.fixture
async def coze(limiter: RecordingLimiter, ledger: RecordingLedger) -> AsyncIterator[AsyncCoze]:
    client = AsyncCoze(token=TOKEN, base_url=BASE, plan=None, limiter=limiter, ledger=ledger)
    yield client
    await client.aclose()


@pytest.fixture
def api() -> respx.MockRouter:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router
