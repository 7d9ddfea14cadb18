"""Many processes on one sqlite ledger: exact under a race, never under-counting when killed."""

from __future__ import annotations

import asyncio
import json
import random
import signal
import sqlite3
import sys
from pathlib import Path

import pytest
from ledger_helpers import chat, coze_free

from coze_client.ledger import SqliteLedger

CHILD = str(Path(__file__).with_name("ledger_child.py"))


async def _spawn(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        CHILD,
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _expect_ready(proc: asyncio.subprocess.Process) -> None:
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), 30)
    if line != b"ready\n":
        err = await proc.stderr.read() if proc.stderr else b""
        raise AssertionError(f"child failed to start: {line!r} {err.decode()[-2000:]}")


def _raw_calls(path: Path) -> int:
    """The count as the file holds it, before any recovery (calls a dead process counted ahead included)."""
    with sqlite3.connect(path) as conn:
        found = conn.execute("SELECT calls FROM usage WHERE quota = 'free_calls'").fetchone()
    return int(found[0]) if found else 0


async def _calls(path: Path) -> int:
    """The count read back by a new process: opening the ledger gives back what dead processes counted
    ahead and never used (their journals say how many they used). Never below the raw count's truth."""
    raw = _raw_calls(path)

    ledger = SqliteLedger(path)
    try:
        rows = await ledger.snapshot(current_only=False)
    finally:
        await ledger.aclose()
    counted = int(sum(r.calls for r in rows if r.quota == "free_calls"))
    assert counted <= raw
    return counted


@pytest.mark.parametrize("executor", ["thread", "to_thread"])
async def test_three_processes_race_for_the_last_500(tmp_path: Path, executor: str) -> None:
    path = tmp_path / "ledger.sqlite3"
    procs = [await _spawn("race", str(path), "500", "200", executor) for _ in range(3)]
    for proc in procs:
        await _expect_ready(proc)
    for proc in procs:  # all three fire their 200 calls at once
        assert proc.stdin is not None
        proc.stdin.write(b"go\n")
    outs = await asyncio.wait_for(asyncio.gather(*(proc.communicate() for proc in procs)), 60)
    results = [json.loads(out.decode()) for out, _ in outs]
    assert all(proc.returncode == 0 for proc in procs), [err.decode()[-500:] for _, err in outs]
    assert sum(r["sent"] for r in results) == 500
    assert sum(r["refused"] for r in results) == 100
    assert await _calls(path) == 500


async def test_sigkill_at_random_instants_never_undercounts(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    concurrency = 4
    rng = random.Random(5)
    total_sent = 0
    for _ in range(8):
        proc = await _spawn("crash", str(path), str(concurrency))
        await _expect_ready(proc)
        assert proc.stdout is not None
        await asyncio.sleep(rng.uniform(0.01, 0.3))
        proc.send_signal(signal.SIGKILL)
        rest = await proc.stdout.read()  # what the child wrote before it died stays in the pipe
        await proc.wait()
        assert proc.returncode == -signal.SIGKILL
        total_sent += rest.count(b"sent\n")
        assert _raw_calls(path) >= total_sent  # before any recovery too
        counted = await _calls(path)
        # Never fewer than reported sent; at most the reservations in flight more (conservative side).
        assert total_sent <= counted <= total_sent + concurrency * 8
    assert total_sent > 0


async def test_sigkill_while_queued_and_while_sending_counts_exactly_what_may_have_left(tmp_path: Path) -> None:
    # 24 tasks through the real corridor, 4 sending at a time, the other 20 queued at the limiter: killed at
    # random instants, the ledger (read back by a new process: the recovery) counts every call that reached
    # the transport, and of the rest at most the 4 marked but not yet arrived. A call that was queued when its
    # process died is not counted: with reservations made before the wait, 20 queued calls would be.
    path = tmp_path / "ledger.sqlite3"
    tasks, slots = 24, 4
    rng = random.Random(14)
    total_sent = excess = 0
    for _ in range(8):
        proc = await _spawn("corridor", str(path), str(tasks), str(slots))
        await _expect_ready(proc)
        assert proc.stdout is not None
        await asyncio.sleep(rng.uniform(0.02, 0.4))
        proc.send_signal(signal.SIGKILL)
        rest = await proc.stdout.read()
        await proc.wait()
        assert proc.returncode == -signal.SIGKILL
        total_sent += rest.count(b"sent\n")
        assert _raw_calls(path) >= total_sent  # before any recovery too
        counted = await _calls(path)
        assert total_sent <= counted, "a call that reached the network is not counted"
        # This kill may add at most the calls marked but not yet at the transport (one per slot).
        assert counted - total_sent - excess <= slots, "calls that never left (queued) were counted"
        excess = counted - total_sent
    assert total_sent > 0
    # After recovery the whole quota is usable: no hold of a dead process is left behind.
    ledger = SqliteLedger(path, coze_free(counted + 1))
    try:
        await ledger.reserve(chat())
    finally:
        await ledger.aclose()
