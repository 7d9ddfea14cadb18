"""Issue 14, point 6: the ledger's infrastructure failures are LedgerErrors that name the file and the fix."""

from __future__ import annotations

import asyncio
import multiprocessing as mp
from pathlib import Path

import pytest
from ledger_helpers import MakeLedger, chat, coze_free

from coze_client import AsyncCoze
from coze_client.errors import CozeError, LedgerError
from coze_client.ledger import SqliteLedger


async def test_an_unusable_state_directory_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the state directory should be")
    monkeypatch.setenv("COZE_CLIENT_STATE_DIR", str(blocker / "state"))
    coze = AsyncCoze(token="pat_TESTsecretTOKEN1234567890", base_url="http://127.0.0.1:9")
    try:
        with pytest.raises(LedgerError) as info:
            await coze.chat.retrieve(conversation_id="v1", chat_id="c1")
    finally:
        await coze.aclose()
    err = info.value
    assert isinstance(err, CozeError) and err.backend == "sqlite"
    assert err.path == str(blocker / "state" / "ledger.sqlite3")
    assert str(blocker) in str(err) and "COZE_CLIENT_STATE_DIR" in str(err) and "ledger=" in str(err)


async def test_calls_after_close_are_ledger_errors(make_ledger: MakeLedger) -> None:
    ledger = make_ledger(coze_free(5))
    res = await ledger.reserve(chat())
    await ledger.settle(res)
    await ledger.aclose()
    for attempt in (ledger.reserve(chat()), ledger.hold(chat())):
        with pytest.raises(LedgerError) as info:
            await attempt
        assert "closed" in str(info.value) and info.value.backend == ledger.backend


async def test_a_damaged_file_is_a_ledger_error_not_a_raw_sqlite_error(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    ledger = SqliteLedger(path, coze_free())
    try:
        with pytest.raises(LedgerError) as info:
            await ledger.reserve(chat())
    finally:
        await ledger.aclose()
    assert str(path) in str(info.value) and "ledger=" in str(info.value)


def _open_and_count(path: str, start: object) -> None:
    async def main() -> None:
        ledger = SqliteLedger(path, coze_free(10**6))
        await ledger.reserve(chat())
        await ledger.aclose()

    start.wait()  # type: ignore[attr-defined]
    asyncio.run(main())


def test_processes_opening_a_fresh_file_together_all_succeed(tmp_path: Path) -> None:
    # Switching a new file to WAL takes a lock sqlite does not wait for: the open must retry it.
    ctx = mp.get_context("fork")
    for round_ in range(6):
        path = str(tmp_path / f"fresh-{round_}.sqlite3")
        start = ctx.Event()
        procs = [ctx.Process(target=_open_and_count, args=(path, start)) for _ in range(8)]
        for p in procs:
            p.start()
        start.set()
        for p in procs:
            p.join(60)
        assert [p.exitcode for p in procs] == [0] * 8
