"""Fixtures for the ledger tests: every rule runs against every backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from ledger_helpers import Clock, MakeLedger

from coze_client.ledger import BaseLedger, MemoryLedger, SqliteLedger


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 10, 4, 0, tzinfo=timezone.utc))  # 12:00 in Shanghai


@pytest.fixture(params=["memory", "sqlite", "sqlite-to_thread", "sqlite-exact"])
async def make_ledger(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[MakeLedger]:
    made: list[BaseLedger] = []

    def make(plans: Any = None, **kwargs: Any) -> BaseLedger:
        ledger: BaseLedger
        if request.param == "memory":
            ledger = MemoryLedger(plans, **kwargs)
        else:
            executor = "to_thread" if request.param.endswith("to_thread") else "thread"
            if request.param == "sqlite-exact":  # every call in a transaction of its own (no count-ahead)
                kwargs.setdefault("count_ahead", 0)
            ledger = SqliteLedger(tmp_path / f"ledger{len(made)}.sqlite3", plans, executor=executor, **kwargs)
        made.append(ledger)
        return ledger

    yield make
    for ledger in made:
        await ledger.aclose()
