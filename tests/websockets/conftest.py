"""Fixtures: a started FakeRealtime on loopback, and an AsyncCoze pointed at it with recording limiter/ledger."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from coze_client import AsyncCoze
from coze_client.testing.fake_realtime import FakeRealtime
from tests.core.doubles import RecordingLedger, RecordingLimiter

TOKEN = "pat_WStestSECRETtoken123456789"


@pytest.fixture
async def fake() -> AsyncIterator[FakeRealtime]:
    async with FakeRealtime(tokens=[TOKEN]) as server:
        yield server


@pytest.fixture
def limiter() -> RecordingLimiter:
    return RecordingLimiter()


@pytest.fixture
def ledger() -> RecordingLedger:
    return RecordingLedger()


@pytest.fixture
async def coze(fake: FakeRealtime, limiter: RecordingLimiter, ledger: RecordingLedger) -> AsyncIterator[AsyncCoze]:
    async with AsyncCoze(token=TOKEN, base_url=fake.base_url, plan=None, limiter=limiter, ledger=ledger) as client:
        yield client
