"""``coze-client usage end-users``: the server's per-end-user limits, next to (and apart from) the ledger."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from coze_client.cli.app import app
from coze_client.testing import FakeCoze

INFO = {"limit": 1000, "started_at": 1743004800, "ended_at": 253402300799, "trigger_unit": "day", "trigger_time": 1}


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeCoze:
    monkeypatch.setenv("COZE_API_TOKEN", "pat_cli_test_token_0123456789")
    monkeypatch.setenv("COZE_API_BASE", "https://api.coze.cn")
    return FakeCoze()


def test_shows_the_server_limits_per_end_user(fake: FakeCoze) -> None:
    fake.benefit_limitations["1"] = {"benefit_id": "1", "benefit_type": "resource_point", "limit": 1000,
                                     "status": "valid", "entity_type": "enterprise_all_devices", "entity_id": "",
                                     "trigger_unit": "day", "trigger_time": 1, "started_at": 0,
                                     "ended_at": 253402300799, "active_mode": "absolute_time"}
    fake.benefit_limitations["2"] = {**fake.benefit_limitations["1"], "benefit_id": "2", "limit": 2000,
                                     "entity_type": "single_device", "entity_id": "SN1", "trigger_unit": "never"}
    with fake.mock():
        result = CliRunner().invoke(app, ["usage", "end-users", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["entity_type"], r["entity_id"], r["limit"], r["period"]) for r in rows] == [
        ("enterprise_all_devices", "", 1000, "1 day"), ("single_device", "SN1", 2000, "ever")]
    assert all(r["used"] is None and r["left"] is None for r in rows)  # the API does not report usage
    with fake.mock():
        table = CliRunner().invoke(app, ["usage", "end-users"], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "SN1" in table.output and "not reported" in table.output


def test_no_limits(fake: FakeCoze) -> None:
    with fake.mock():
        result = CliRunner().invoke(app, ["usage", "end-users"])
    assert result.exit_code == 0 and "no limit on end users" in result.output
