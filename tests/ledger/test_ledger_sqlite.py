"""The sqlite backend: file safety, schema migration, secrets, and choosing a backend by URL."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from ledger_helpers import chat, coze_free

from coze_client._call import Usage
from coze_client._secrets import fingerprint
from coze_client.errors import QuotaExhaustedError, ValidationError
from coze_client.ledger import (
    SCHEMA_VERSION,
    MemoryLedger,
    PlanAware,
    SqliteLedger,
    UsageLedger,
    build_ledger,
    default_ledger_path,
    register_ledger_backend,
)
from coze_client.ledger.sqlite import MIGRATIONS, migrate


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _side_modes(path: Path) -> list[int | None]:
    """Modes of the -wal and -shm files (None when missing)."""
    sides = [Path(str(path) + suffix) for suffix in ("-wal", "-shm")]
    return [_mode(side) if side.exists() else None for side in sides]


def _all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.iterdir())


async def test_file_and_dir_are_owner_only_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "state" / "coze-client" / "ledger.sqlite3"
    old = os.umask(0o022)  # a typical umask would leave files world-readable
    try:
        ledger = SqliteLedger(path, coze_free())
        res = await ledger.reserve(chat())  # keep it open so the -wal and -shm files exist
        assert _mode(path) == 0o600
        assert _mode(path.parent) == 0o700
        assert _side_modes(path) == [0o600, 0o600]
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        await ledger.settle(res)
        await ledger.aclose()
        await ledger.aclose()  # idempotent
    finally:
        os.umask(old)


def test_default_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COZE_CLIENT_STATE_DIR", str(tmp_path / "s"))
    assert default_ledger_path() == tmp_path / "s" / "ledger.sqlite3"
    monkeypatch.delenv("COZE_CLIENT_STATE_DIR")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "x"))
    assert default_ledger_path() == tmp_path / "x" / "coze-client" / "ledger.sqlite3"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_ledger_path() == tmp_path / "home" / ".local" / "state" / "coze-client" / "ledger.sqlite3"


async def test_migration_from_version_1_keeps_counts(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path, isolation_level=None) as conn:
        migrate(conn, target=1)  # a ledger written by the first schema
        conn.executemany(
            "INSERT INTO usage (provider, account, quota, period_key, calls, input_tokens) VALUES (?, ?, ?, ?, ?, ?)",
            [("coze", "team-a", "free_calls", "ever", 498, 1000), ("coze", "team-a", "usage", "2026-11", 7, 10)],
        )
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    ledger = SqliteLedger(path, coze_free(500))
    await ledger.reserve(chat())
    await ledger.reserve(chat())
    with pytest.raises(QuotaExhaustedError) as info:
        await ledger.reserve(chat())  # the 498 old calls still count: 500 reached
    assert info.value.used == 500
    rows = {(r.quota, r.period_key): r for r in await ledger.snapshot(current_only=False)}
    assert rows[("free_calls", "ever")].input_tokens == 1000
    assert rows[("usage", "2026-11")].period == "month"  # derived from the key's shape by migration 2
    await ledger.aclose()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)
        columns = {row[1] for row in conn.execute("PRAGMA table_info(usage)")}
    assert {"cost", "currency", "adjust", "billable", "limit_value"} <= columns


async def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    ledger = SqliteLedger(path)
    with pytest.raises(ValidationError, match="newer"):
        await ledger.reserve(chat())
    await ledger.aclose()


async def test_no_secret_is_stored(tmp_path: Path) -> None:
    token = "pat_" + "Zx9" * 12
    path = tmp_path / "l.sqlite3"
    ledger = SqliteLedger(path, coze_free())
    account = fingerprint(token)  # the client identifies an account by its token's fingerprint
    await ledger.settle(await ledger.reserve(chat(account)), Usage(1, 1))
    assert repr(ledger) == f"SqliteLedger({str(path)!r})"
    await ledger.aclose()
    blob = _all_bytes(tmp_path)
    assert account.encode() in blob
    assert token.encode() not in blob and token[4:20].encode() not in blob


async def test_token_as_account_is_refused(tmp_path: Path) -> None:
    ledger = SqliteLedger(tmp_path / "l.sqlite3", coze_free())
    token = "pat_" + "Zx9" * 12
    with pytest.raises(ValidationError, match="fingerprint"):
        await ledger.reserve(chat(token))
    with pytest.raises(ValidationError):
        ledger.bind("coze", "Bearer abcdefghijkl", coze_free())
    with pytest.raises(ValidationError):
        await ledger.set_used("coze", token, "free_calls", 3)
    assert "Zx9Zx9" not in str(await ledger.snapshot())
    await ledger.aclose()


async def test_persists_across_instances(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite3"
    first = SqliteLedger(path, coze_free(2))
    await first.reserve(chat())
    await first.aclose()
    second = SqliteLedger(path, coze_free(2))
    await second.reserve(chat())
    with pytest.raises(QuotaExhaustedError):
        await second.reserve(chat())
    await second.aclose()


async def test_build_ledger_by_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    memory = build_ledger("memory://", plans=coze_free(1), account="team-a")
    assert isinstance(memory, MemoryLedger) and isinstance(memory, UsageLedger) and isinstance(memory, PlanAware)
    await memory.reserve(chat("team-a"))
    with pytest.raises(QuotaExhaustedError):
        await memory.reserve(chat("team-a"))
    await memory.reserve(chat("other"))  # the plan was bound to team-a only

    sql = build_ledger(f"sqlite://{tmp_path}/a/b.sqlite3")
    assert isinstance(sql, SqliteLedger) and sql.path == tmp_path / "a" / "b.sqlite3"
    monkeypatch.setenv("COZE_CLIENT_STATE_DIR", str(tmp_path / "state"))
    default = build_ledger(None)
    assert isinstance(default, SqliteLedger) and default.path == tmp_path / "state" / "ledger.sqlite3"
    assert build_ledger(memory) is memory

    for bad, message in [
        ("sqlite://relative.db", "absolute"),
        ("ftp://x", "unknown ledger URL scheme"),
        ("ledger.db", "no scheme"),
    ]:
        with pytest.raises(ValidationError, match=message):
            build_ledger(bad)

    redis = build_ledger("redis://127.0.0.1:1/0")  # built lazily: nothing connects yet
    assert type(redis).__name__ == "RedisLedger"
    await redis.aclose()

    register_ledger_backend("fake", lambda url, **kw: MemoryLedger(**kw))
    assert isinstance(build_ledger("fake://x"), MemoryLedger)
    for ledger in (sql, default):
        await ledger.aclose()


async def test_bad_options(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        SqliteLedger(tmp_path / "x", executor="fork")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        SqliteLedger(tmp_path / "x", synchronous="OFF")  # type: ignore[arg-type]
