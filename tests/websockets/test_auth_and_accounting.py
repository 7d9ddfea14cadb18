"""Realtime sessions with an OAuth provider (a rejected token is refreshed once) and real limiter/ledger backends."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from coze_client import AsyncCoze
from coze_client.auth import OAuthToken, TokenResponse
from coze_client.errors import AuthenticationError, QuotaExhaustedError
from coze_client.ledger import SnapshotRow, SqliteLedger
from coze_client.limits.plans import Plan, Quota
from coze_client.testing.fake_realtime import FakeRealtime
from coze_client.websockets.events import SpeechCreated

from .conftest import TOKEN


def _provider(*tokens: str) -> OAuthToken:
    queue = list(tokens)

    async def fetch(previous: TokenResponse | None) -> TokenResponse:
        return TokenResponse(access_token=queue.pop(0), expires_at=time.time() + 900, obtained_at=time.time())

    return OAuthToken(fetch)


async def test_rejected_oauth_token_is_refreshed_once(fake: FakeRealtime) -> None:
    provider = _provider("czu_stale_token_value", TOKEN)
    async with AsyncCoze(auth=provider, base_url=fake.base_url, plan=None, ledger="memory://") as coze:
        async with coze.websockets.audio.speech() as speech:
            assert isinstance(await speech.receive(timeout=2), SpeechCreated)
    assert provider.refreshes == 2  # the first token, then one refresh after the 4100 handshake answer
    assert len(fake.connections) == 1  # the refused handshake never became a connection


async def test_a_static_token_is_not_retried(fake: FakeRealtime) -> None:
    fake.reject_next(status=401, code=4100)
    async with AsyncCoze(token=TOKEN, base_url=fake.base_url, plan=None, ledger="memory://") as coze:
        with pytest.raises(AuthenticationError):
            async with coze.websockets.audio.speech():
                pass


async def test_sessions_count_against_quotas(fake: FakeRealtime) -> None:
    plan = Plan(name="tiny", provider="coze", limits=[],
                quotas=[Quota(name="calls", unit="calls", limit=2, period="ever", policy="block", source="test")])
    async with AsyncCoze(token=TOKEN, base_url=fake.base_url, plan=plan, ledger="memory://") as coze:
        for _ in range(2):
            async with coze.websockets.audio.transcriptions() as asr:
                await asr.receive(timeout=2)
        with pytest.raises(QuotaExhaustedError):
            async with coze.websockets.chat(bot_id="b1"):
                pass
    assert len(fake.connections) == 2  # the third session was refused locally, before connecting


async def test_no_token_in_logs_reprs_or_errors(fake: FakeRealtime, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    fake.error_on("input_text_buffer.complete", 4000, "bad voice")
    fake.drop_after(3, path="/v1/audio/speech")
    shown: list[str] = []
    async with AsyncCoze(token=TOKEN, base_url=fake.base_url, plan=None, ledger="memory://") as coze:
        async with coze.websockets.audio.speech(reconnect=True) as speech:
            shown += [repr(speech), speech.url, repr(coze.websockets)]
            await speech.append("hi")
            await speech.complete()
            try:
                async for _ in speech:
                    pass
            except Exception as exc:  # the error frame
                shown.append(str(exc))
    async with AsyncCoze(token="pat_WRONGwrongWRONG0000", base_url=fake.base_url, plan=None,
                         ledger="memory://") as coze:
        with pytest.raises(AuthenticationError) as info:
            async with coze.websockets.chat(bot_id="b1"):
                pass
        shown.append(str(info.value))
    text = "\n".join([*shown, caplog.text])
    assert TOKEN not in text and "WRONGwrong" not in text
    assert "bad voice" in text  # the error itself is shown


async def test_hold_slot_keeps_the_permit_until_the_session_ends(fake: FakeRealtime) -> None:
    from tests.core.doubles import RecordingLedger, RecordingLimiter

    limiter, ledger = RecordingLimiter(), RecordingLedger()
    async with AsyncCoze(token=TOKEN, base_url=fake.base_url, plan=None, limiter=limiter, ledger=ledger) as coze:
        async with coze.websockets.audio.speech(hold_slot=True) as speech:
            await speech.receive(timeout=2)
            assert limiter.permits[0].released == []  # still held while the session is open
        assert limiter.permits[0].released == [(None, True)]
        async with coze.websockets.audio.speech() as speech:
            await speech.receive(timeout=2)
            assert limiter.permits[1].released == [(None, True)]  # default: released at the handshake


class _GateLimiter:
    """Grants a slot only when the test opens the gate (a limiter wait of any length)."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.queued = asyncio.Event()
        self.acquired = 0

    async def acquire(self, call: object, *, max_wait: float | None = None) -> _Permit:
        self.acquired += 1
        self.queued.set()
        await self.gate.wait()
        return _Permit()

    async def penalize(self, call: object, seconds: float) -> None:
        pass

    async def aclose(self) -> None:
        pass


class _Permit:
    waited = 0.0

    async def release(self, *, used_tokens: int | None = None, sent: bool = True) -> None:
        pass


async def test_a_session_queued_at_the_limiter_is_not_counted_until_it_connects(
    fake: FakeRealtime, tmp_path: Path
) -> None:
    # The corridor's rule for realtime too: held before the limiter wait (refused at once when the quota is
    # full), counted durably only just before the connect. A session killed while queued counts nothing.
    plan = Plan(name="tiny", provider="coze", limits=[],
                quotas=[Quota(name="calls", unit="calls", limit=1, period="ever", policy="block", source="test")])
    ledger = SqliteLedger(tmp_path / "ledger.sqlite3")
    limiter = _GateLimiter()
    async with AsyncCoze(token=TOKEN, base_url=fake.base_url, plan=plan, limiter=limiter, ledger=ledger) as coze:

        async def one_session() -> None:
            async with coze.websockets.audio.transcriptions() as asr:
                await asr.receive(timeout=2)

        queued = asyncio.create_task(one_session())
        await asyncio.wait_for(limiter.queued.wait(), 10)
        other = SqliteLedger(tmp_path / "ledger.sqlite3", plan)  # what a killed process leaves in the file
        try:
            assert _calls(await other.snapshot()) == 0  # waiting is not connecting
        finally:
            await other.aclose()
        with pytest.raises(QuotaExhaustedError):  # the held session fills the quota: refused before any wait
            async with coze.websockets.chat(bot_id="b1"):
                pass
        assert limiter.acquired == 1
        queued.cancel()  # given up while queued: its place comes back, nothing was counted
        await asyncio.gather(queued, return_exceptions=True)
        assert _calls(await ledger.snapshot()) == 0
        limiter.gate.set()
        await one_session()  # the place is free again: counted at its connect
        assert _calls(await ledger.snapshot()) == 1
    assert len(fake.connections) == 1


def _calls(rows: list[SnapshotRow]) -> float:
    return sum(r.used for r in rows if r.quota == "calls")
