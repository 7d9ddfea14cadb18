"""The command line reads well at 80 columns: flags are flags, errors are one line, numbers are whole."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coze_client.cli.app import app

WIDTH = 80


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COZE_CLIENT_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    monkeypatch.delenv("COZE_PLAN", raising=False)
    monkeypatch.delenv("COZE_CLIENT_LEDGER", raising=False)
    monkeypatch.delenv("COZE_API_TOKEN", raising=False)
    return CliRunner()


def _fits(text: str) -> None:
    for line in text.splitlines():
        assert len(line) <= WIDTH, line
    assert "…" not in text, text


@pytest.mark.parametrize("args", [[], ["usage"], ["usage", "show"], ["usage", "set"], ["usage", "reset"],
                                  ["datasets", "wait"], ["demo"]])
def test_help_shows_flags_as_flags(runner: CliRunner, args: list[str]) -> None:
    out = runner.invoke(app, [*args, "--help"], terminal_width=WIDTH).output
    assert "<bool>" not in out, out
    options = [line for line in out.splitlines() if line.lstrip().startswith("-")]
    assert options and not [line for line in options if "<" in line], out  # --plan NAME, not --plan <list[str]>
    _fits(out)


def test_set_plan_has_its_own_help(runner: CliRunner) -> None:
    show = runner.invoke(app, ["usage", "show", "--help"], terminal_width=WIDTH).output
    set_ = runner.invoke(app, ["usage", "set", "--help"], terminal_width=WIDTH).output
    assert "--plan NAME" in set_ and "defines the quota" in set_ and "defines the quota" not in show


def test_json_is_a_flag(runner: CliRunner) -> None:
    assert runner.invoke(app, ["usage", "--json"]).exit_code == 0
    assert runner.invoke(app, ["usage", "--json", "true"]).exit_code != 0  # a flag takes no value


def test_readme_set_command_works_on_a_fresh_ledger_and_counts_are_whole(runner: CliRunner) -> None:
    result = runner.invoke(app, ["usage", "set", "coze", "team-a", "free_calls", "480", "--yes"])
    assert result.exit_code == 0, result.output
    assert "480 used, 20 left" in result.output
    rows = json.loads(runner.invoke(app, ["usage", "--json"]).output)
    assert rows[0]["used"] == 480 and isinstance(rows[0]["used"], int) and rows[0]["left"] == 20
    csv_out = runner.invoke(app, ["usage", "--csv"]).output
    assert ",480," in csv_out and "480.0" not in csv_out


def test_usage_table_fits_80_columns(runner: CliRunner) -> None:
    runner.invoke(app, ["usage", "set", "coze", "team-a", "free_calls", "480", "--yes"])
    out = runner.invoke(app, ["usage"], terminal_width=WIDTH).output
    assert "lock-out" in out and "free_calls" in out
    _fits(out)


def test_datasets_wait_error_is_one_line(runner: CliRunner) -> None:
    result = runner.invoke(app, ["datasets", "wait", "no-such-dataset", "no-such-doc"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "COZE_API_TOKEN" in lines[0], result.output


def test_base_install_names_the_cli_extra() -> None:
    code = ("import sys; sys.modules['typer'] = None; from coze_client.cli import main; main()")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "pip install 'coze-client[cli]'" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(("blocked", "module", "extra"), [
    ("websockets", "coze_client.websockets", "realtime"),
    ("redis", "coze_client.limits.redis", "redis"),
    ("redis", "coze_client.ledger.redis", "redis"),
])
def test_missing_extra_is_named(blocked: str, module: str, extra: str) -> None:
    code = (f"import sys; sys.modules[{blocked!r}] = None\n"
            "from coze_client.errors import MissingDependencyError\n"
            f"try:\n    import {module}\nexcept MissingDependencyError as e:\n    print(e)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert f"pip install 'coze-client[{extra}]'" in proc.stdout, proc.stdout + proc.stderr


def test_missing_oauth_extra_is_named() -> None:
    code = ("import sys; sys.modules['jwt'] = None; sys.modules['cryptography'] = None\n"
            "from coze_client.auth import JWTAuth\n"
            "from coze_client.errors import MissingDependencyError\n"
            "try:\n    JWTAuth(client_id='1', private_key='k', public_key_id='p')\n"
            "except MissingDependencyError as e:\n    print(e)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "pip install 'coze-client[oauth]'" in proc.stdout, proc.stdout + proc.stderr


def test_usage_with_long_figures_fits_80_columns(runner: CliRunner, tmp_path: Path) -> None:
    import asyncio

    from coze_client._call import CallInfo, Usage
    from coze_client.ledger import SqliteLedger
    from coze_client.limits import get_plan

    path = tmp_path / "l.sqlite3"

    async def seed() -> None:
        ledger = SqliteLedger(path, get_plan("xingchen.default"))
        ledger.bind("xingchen", "chars", get_plan("xingchen.default"))
        call = CallInfo("xingchen", "chars", "POST", "/v2/api/chat/send", ("chat",), model="xingchen-max")
        await ledger.settle(await ledger.reserve(call), Usage(1000, 500))
        await ledger.aclose()

    asyncio.run(seed())
    out = runner.invoke(app, ["usage", "--all", "--ledger", f"sqlite:///{path}"], terminal_width=WIDTH).output
    assert "free_tokens" in out and "1,000,000" in out and "998,500" in out and "yuan" in out, out
    _fits(out)
