"""Shared test set-up: no test touches the user's state directory or real credentials.

The coze-client pytest plugin (``coze_client.testing.plugin``) gives every test its own state directory
and strips ``COZE_*`` variables; this file also covers what runs outside a test (collection, imports,
session fixtures): state and XDG directories point into a temporary directory removed at exit.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

pytest_plugins = ["pytester"]

# Before any coze_client import creates a default sqlite ledger: keep it out of the user's home.
_STATE = tempfile.mkdtemp(prefix="coze-client-tests-")
atexit.register(shutil.rmtree, _STATE, ignore_errors=True)
os.environ["COZE_CLIENT_STATE_DIR"] = os.path.join(_STATE, "state")
os.environ["XDG_STATE_HOME"] = os.path.join(_STATE, "xdg-state")
for _key in [k for k in os.environ if k.startswith(("COZE_", "XINGCHEN_", "GPTBOTS_", "EASYDL_"))]:
    if _key != "COZE_CLIENT_STATE_DIR":
        del os.environ[_key]

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
