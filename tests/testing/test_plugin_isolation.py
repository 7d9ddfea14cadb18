"""The pytest plugin keeps a user's test suite away from the user's real state and credentials.

Each test runs pytest in a subprocess on a user-style project (``pytester``), with ``$HOME`` and every
``XDG_*`` directory pointed at watched, empty directories, and checks afterwards that nothing was
written there (the default state path is ``$HOME/.local/state/coze-client``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

USER_TEST = '''
import os
from coze_client import AsyncCoze


async def test_my_bot_answers(fake_coze):
    fake_coze.bot("7351000000000000001", replies=["Hello!"])
    assert os.environ.get("COZE_API_TOKEN") is None
    assert os.environ.get("COZE_PLAN") is None
    assert os.environ.get("COZE_API_BASE") is None
    async with AsyncCoze(token="pat_test") as coze:   # the default ledger: a sqlite file in the state dir
        chat = await coze.chat.create(bot_id="7351000000000000001", user_id="u1", additional_messages=["hi"])
    assert chat.id
    assert fake_coze.stats.requests == 1


async def test_my_xingchen_character_answers(fake_xingchen):
    import providers

    async with providers.open("xingchen", api_key="lm-test", character_id="c1", user_id="u1") as bot:
        reply = await bot.chat("hello")
    assert reply.text == "hello"
'''

WATCHED = ("HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def _user_project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ini: str = "") -> dict[str, Path]:
    watched: dict[str, Path] = {}
    for name in WATCHED:
        path = pytester.path / "_outside" / name.lower()
        path.mkdir(parents=True)
        watched[name] = path
        monkeypatch.setenv(name, str(path))
    # What a developer's shell typically holds: a real token, plan and state directory.
    for key in [k for k in os.environ if k.startswith("COZE_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("COZE_API_TOKEN", "pat_real_secret_token_0123456789")
    monkeypatch.setenv("COZE_PLAN", "coze.personal_paid")
    monkeypatch.setenv("COZE_API_BASE", "https://api.coze.com")
    pytester.makeini(f"[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n{ini}")
    pytester.makepyfile(test_app=USER_TEST)
    return watched


@pytest.mark.slow
def test_user_suite_writes_nothing_outside_its_temporary_directories(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    watched = _user_project(pytester, monkeypatch)
    basetemp = pytester.path / "_basetemp"
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", f"--basetemp={basetemp}")
    result.assert_outcomes(passed=2)
    for name, path in watched.items():
        assert _files(path) == [], f"the user's suite wrote into ${name}: {_files(path)}"
    ledgers = list(basetemp.rglob("ledger.sqlite3"))
    assert len(ledgers) == 2, _files(basetemp)  # each test's client wrote its ledger: in the test's own directory


@pytest.mark.slow
def test_opting_out_keeps_the_real_environment(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    # The watch can see a leak: without the isolation the default ledger lands in $HOME (and the
    # real token is visible to the test, which fails on it).
    watched = _user_project(pytester, monkeypatch, ini="coze_isolation = false")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", f"--basetemp={pytester.path / '_bt'}")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(["*assert*COZE_API_TOKEN*"])
    pytester.makepyfile(
        test_app=USER_TEST.replace('assert os.environ.get("COZE_API_TOKEN") is None', "")
        .replace('assert os.environ.get("COZE_PLAN") is None', "")
        .replace('assert os.environ.get("COZE_API_BASE") is None', "")
        .replace('AsyncCoze(token="pat_test")', 'AsyncCoze(token="pat_test", base_url="https://api.coze.cn")')
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", f"--basetemp={pytester.path / '_bt2'}")
    result.assert_outcomes(passed=2)
    assert "coze-client/ledger.sqlite3" in " ".join(_files(watched["XDG_STATE_HOME"]))


def test_state_dir_is_per_test_and_env_is_clean(coze_state_dir: Path | None) -> None:
    assert coze_state_dir is not None and coze_state_dir.is_dir()
    assert os.environ["COZE_CLIENT_STATE_DIR"] == str(coze_state_dir)
    assert not [k for k in os.environ if k.startswith(("COZE_API", "COZE_PLAN", "XINGCHEN_", "GPTBOTS_", "EASYDL_"))]
    from coze_client.ledger.sqlite import default_ledger_path

    assert default_ledger_path().parent == coze_state_dir


@pytest.mark.coze_real_env
def test_marker_opts_out(coze_state_dir: Path | None) -> None:
    assert coze_state_dir is None


def test_this_suite_never_points_at_the_real_home() -> None:
    from coze_client.ledger.sqlite import default_ledger_path

    real = Path.home() / ".local" / "state"
    assert real not in default_ledger_path().parents
