"""Shared test set-up: no test touches the user's state directory or real credentials."""

from __future__ import annotations

import os
import tempfile

# Before any coze_client import creates a default sqlite ledger: keep it out of the user's home.
_STATE = tempfile.mkdtemp(prefix="coze-client-tests-")
os.environ["COZE_CLIENT_STATE_DIR"] = _STATE
os.environ.pop("COZE_API_TOKEN", None)
os.environ.pop("COZE_PLAN", None)

import shutil  # noqa: E402

import pytest  # noqa: E402

from tests.dateshift import SHIFTS, DateShift, shifted  # noqa: E402


@pytest.fixture(params=SHIFTS)
def date_shift(request: pytest.FixtureRequest) -> DateShift:
    """An instant at or after now: today, month end, year end, +400 days, +10 years, past 2038."""
    return shifted(request.param)


def pytest_report_header(config: pytest.Config) -> str | None:
    if shutil.which("redis-server") is None:
        return "redis-server: NOT FOUND - the Redis fleet tests will be skipped"
    return None


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    # The Redis tests are the only proof of the fleet guarantees: say loudly when they did not run.
    if shutil.which("redis-server") is not None:
        return
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "redis" in str(getattr(r, "nodeid", ""))]
    terminalreporter.write_sep("!", "Redis fleet tests NOT RUN", red=True, bold=True)
    terminalreporter.write_line(
        f"redis-server binary not found: {len(skipped)} Redis tests skipped (the only proof of the fleet "
        "guarantees). Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) "
        "and run the tests again.",
        red=True,
    )
