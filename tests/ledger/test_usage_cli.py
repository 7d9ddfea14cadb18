"""``coze-client usage``: table, JSON, CSV, set and reset with confirmation."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path

import pytest
from ledger_helpers import chat
from typer.testing import CliRunner

from coze_client._call import Usage
from coze_client.cli.usage import usage_app
from coze_client.ledger import SqliteLedger
from coze_client.limits import get_plan

runner = CliRunner()


@pytest.fixture
def url(tmp_path: Path) -> str:
    path = tmp_path / "ledger.sqlite3"

    async def seed() -> None:
        ledger = SqliteLedger(path, get_plan("coze.personal_free"))
        for _ in range(3):
            await ledger.settle(await ledger.reserve(chat()), Usage(100, 20))
        ledger.bind("xingchen", "chars", get_plan("xingchen.default"))
        await ledger.settle(await ledger.reserve(chat("chars", "xingchen", model="xingchen-max")), Usage(1000, 500))
        await ledger.aclose()

    asyncio.run(seed())
    return f"sqlite://{path}"


def test_table_is_the_default_command(url: str) -> None:
    result = runner.invoke(usage_app, ["--ledger", url], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "free_calls" in result.output and "497" in result.output  # 500 - 3 left
    assert "block" in result.output and "lock-out" in result.output and "never" in result.output
    same = runner.invoke(usage_app, ["show", "--ledger", url], env={"COLUMNS": "200"})
    assert same.exit_code == 0 and same.output == result.output


def test_json_and_csv(url: str) -> None:
    result = runner.invoke(usage_app, ["--ledger", url, "--json"])
    assert result.exit_code == 0, result.output
    rows = {(r["provider"], r["quota"]): r for r in json.loads(result.output)}
    free = rows[("coze", "free_calls")]
    assert (free["used"], free["limit"], free["left"], free["resets_at"]) == (3, 500, 497, None)
    tokens = rows[("xingchen", "free_tokens")]
    assert tokens["used"] == 1500 and tokens["currency"] == "yuan"
    assert rows[("xingchen", "usage")]["resets_at"].endswith("+08:00")

    result = runner.invoke(usage_app, ["--ledger", url, "--csv"])
    assert result.exit_code == 0, result.output
    parsed = list(csv.DictReader(io.StringIO(result.output)))
    assert {(r["provider"], r["quota"], r["used"]) for r in parsed} >= {("coze", "free_calls", "3")}

    both = runner.invoke(usage_app, ["--ledger", url, "--csv", "--json"])
    assert both.exit_code != 0


def test_set_asks_then_sets(url: str) -> None:
    refused = runner.invoke(usage_app, ["set", "coze", "team-a", "free_calls", "480", "--ledger", url], input="n\n")
    assert refused.exit_code == 1 and "Aborted" in refused.output
    done = runner.invoke(usage_app, ["set", "coze", "team-a", "free_calls", "480", "--ledger", url], input="y\n")
    assert done.exit_code == 0, done.output
    assert "480 used, 20 left" in done.output
    rows = json.loads(runner.invoke(usage_app, ["--ledger", url, "--json"]).output)
    assert next(r for r in rows if r["quota"] == "free_calls")["used"] == 480


def test_set_binds_the_default_plan_or_the_named_one(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COZE_PLAN", raising=False)
    default = runner.invoke(usage_app, ["set", "coze", "other", "free_calls", "7", "--ledger", url, "--yes"])
    assert default.exit_code == 0 and "7 used, 493 left" in default.output  # coze.personal_free, like AsyncCoze
    args = ["set", "coze", "other", "resource_points", "7", "--ledger", url, "--yes"]
    unknown = runner.invoke(usage_app, args)  # not a quota of the free plan
    assert unknown.exit_code == 2 and "unknown quota" in unknown.output
    hidden = runner.invoke(usage_app, [*args, "--plan", "coze.basic"])  # a quota the client cannot see
    assert hidden.exit_code == 2 and "not counted by the client" in hidden.output
    pro = ["set", "coze", "pro", "free_calls", "7", "--ledger", url, "--yes", "--plan", "coze.pro"]
    with_plan = runner.invoke(usage_app, pro)
    assert with_plan.exit_code == 0 and "7 used, 493 left" in with_plan.output


def test_reset(url: str) -> None:
    kept = runner.invoke(usage_app, ["reset", "xingchen", "--ledger", url], input="n\n")
    assert kept.exit_code == 1
    done = runner.invoke(usage_app, ["reset", "xingchen", "--ledger", url, "--yes"])
    assert done.exit_code == 0 and "removed 2 row(s)" in done.output
    providers = {r["provider"] for r in json.loads(runner.invoke(usage_app, ["--ledger", url, "--json"]).output)}
    assert providers == {"coze"}


def test_empty_ledger_and_plan_preview(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path}/empty.sqlite3"
    empty = runner.invoke(usage_app, ["--ledger", url])
    assert empty.exit_code == 0 and "empty" in empty.output
    preview = runner.invoke(usage_app, ["--ledger", url, "--plan", "coze.basic", "--account", "me", "--json"])
    rows = json.loads(preview.output)
    assert [(r["quota"], r["counted"]) for r in rows] == [
        ("free_calls", True), ("paid_plugin_calls", False), ("resource_points", False)]
    hidden = rows[1]
    assert hidden["used"] is None and hidden["limit"] == 20 and hidden["policy"] == "not counted by the client"
    assert "inside the bot" in hidden["note"]
    table = runner.invoke(usage_app, ["--ledger", url, "--plan", "coze.basic", "--account", "me"],
                          env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "not counted by the client" in table.output
    bad = runner.invoke(usage_app, ["--ledger", "ftp://x"])
    assert bad.exit_code == 2 and "unknown ledger URL scheme" in bad.output


def test_rows_of_a_quota_now_not_counted_are_not_shown_as_guards(tmp_path: Path) -> None:
    """A ledger file from before issue 14.3 has resource_points rows: with the plan they show as not counted."""
    path = tmp_path / "old.sqlite3"
    old_basic = get_plan("coze.basic").with_overrides(
        name="old-basic", quotas={"resource_points": {"policy": "block", "counted": True}})

    async def seed() -> None:
        ledger = SqliteLedger(path)
        ledger.bind("coze", "me", old_basic)
        await ledger.settle(await ledger.reserve(chat("me")), Usage(points=12))
        await ledger.aclose()

    asyncio.run(seed())
    out = runner.invoke(usage_app, ["--ledger", f"sqlite://{path}", "--plan", "coze.basic", "--account", "me",
                                    "--json"])
    rows = [(r["quota"], r["counted"]) for r in json.loads(out.output)]
    assert ("resource_points", True) not in rows and ("resource_points", False) in rows
    assert ("free_calls", True) in rows
