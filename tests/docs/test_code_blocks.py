"""Every ```python block of README.md and docs/ runs, against the testing kit's fakes, so the docs cannot drift.

The blocks of one page run in order in one namespace (a page builds on its earlier blocks, as a reader does).
Each page starts with: the fake Coze, Xingchen, GPTBots and EasyDL servers mounted on respx (no network); a state
directory in ``tmp_path`` (the user's real ledger is never touched); ``COZE_API_TOKEN`` set; and ``coze``, an
``AsyncCoze`` on the fake with an in-memory ledger, for the fragments that use one. A block may use top-level
``await``. The names a page uses for the reader's own values (``token``, ``cid``, ``wid``, ``params``,
``image_bytes``, the files ``handbook.pdf``, ``me.wav``, ``alice.pcm``, ``private_key.pem``) are defined here
(see ``READER``), each the kind of value the page asks for. A block that cannot run here says why, on the line above it:

    <!-- not run: needs a real Redis server -->

(the reason is required; such blocks are still compiled, so a syntax error fails the test).
docs/testing.md is checked by tests/testing (its examples run in a fresh virtualenv).
"""

from __future__ import annotations

import ast
import asyncio
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
SKIPPED_PAGES = {"docs/testing.md"}  # owned by the testing kit's own doc test
BLOCK = re.compile(r"(?:<!--\s*not run:\s*(?P<reason>[^>]*?)\s*-->\s*\n)?^```python[^\n]*\n(?P<code>.*?)^```",
                   re.S | re.M)


def blocks(page: Path) -> list[tuple[int, str, str | None]]:
    """(line number, code, reason not run) of every python block of ``page``."""
    text = page.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start("code")) + 1, m.group("code"), m.group("reason"))
            for m in BLOCK.finditer(text)]


def _pages() -> list[Any]:
    out = []
    for page in PAGES:
        rel = page.relative_to(ROOT).as_posix()
        if rel in SKIPPED_PAGES or not blocks(page):
            continue
        out.append(pytest.param(page, id=rel))
    return out


def test_the_collector_sees_the_docs() -> None:
    assert len(_pages()) >= 15
    assert any("asyncio.run" in code for _, code, _ in blocks(ROOT / "README.md"))


def test_a_block_without_a_reason_is_not_skipped(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text("<!-- not run: needs Redis -->\n```python\nx = 1\n```\n\n```python\ny = 2\n```\n")
    assert [(n, r) for n, _, r in blocks(page)] == [(3, "needs Redis"), (7, None)]


# The reader's own values that pages leave as names (ids of things that exist in the fake).
READER = {
    "token": "pat_docs",
    "wid": "7390000000000000001",
    "params": {"city": "Hangzhou"},
    "image_bytes": b"\x89PNG\r\n\x1a\n" + bytes(64),
    "t0_ms": 1_700_000_000_000,
    "t1_ms": 1_700_086_400_000,
}


# What a page says its blocks print (in its comments or text), checked against what they do print.
EXPECTED_OUTPUT = {
    "docs/ledger.md": ["free_calls 500 500 None True"],
    "docs/quickstart.md": ["completed "],
}
UNEXPECTED_OUTPUT = {
    "docs/quickstart.md": ["generate_answer_finish"],  # the answer, not the verbose message after it
}


def _write_reader_files(folder: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    (folder / "handbook.pdf").write_bytes(b"%PDF-1.4 a handbook")
    (folder / "me.wav").write_bytes(b"RIFF" + bytes(40))
    for name in ("alice.pcm", "unknown.pcm"):
        (folder / name).write_bytes(bytes(3200))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (folder / "private_key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


@pytest.fixture
def doc_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    import respx

    from coze_client.testing import FakeCoze, FakeEasyDL, FakeGPTBots, FakeXingchen

    monkeypatch.chdir(tmp_path)
    _write_reader_files(tmp_path)
    monkeypatch.setenv("COZE_CLIENT_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    for name in ("COZE_PLAN", "COZE_API_BASE", "COZE_CLIENT_LEDGER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COZE_API_TOKEN", "pat_docs")
    monkeypatch.setenv("XINGCHEN_API_KEY", "lm-docsdocsdocs==")
    monkeypatch.setenv("GPTBOTS_API_KEY", "app-docs")
    monkeypatch.setenv("EASYDL_API_KEY", "ak-docs")
    monkeypatch.setenv("EASYDL_SECRET_KEY", "sk-docs")
    fakes = {"fake_coze": FakeCoze(), "fake_xingchen": FakeXingchen(), "fake_gptbots": FakeGPTBots(),
             "fake_easydl": FakeEasyDL()}
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as router:
        for fake in fakes.values():
            fake.install(router)
        yield {**fakes, "_router": router}


async def _run(code: str, namespace: dict[str, Any], filename: str) -> None:
    tree = ast.parse(code, filename)
    if "asyncio.run(" in code:  # a whole program: it runs its own event loop (in a thread here)
        program = compile(tree, filename, "exec")
        if "coze_client.testing" in code:  # ... and mounts its own fakes
            router = namespace["_router"]
            router.stop()
            try:
                await asyncio.to_thread(exec, program, namespace)
            finally:
                router.start()
        else:
            await asyncio.to_thread(exec, program, namespace)
        return
    if "coze" not in namespace:
        from coze_client import AsyncCoze

        namespace["coze"] = AsyncCoze(token="pat_docs", ledger="memory://")
        namespace["cid"] = (await namespace["coze"].conversations.create(bot_id="7351000000000000001")).id
    result = eval(compile(tree, filename, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT), namespace)
    if asyncio.iscoroutine(result):
        await result


@pytest.mark.parametrize("page", _pages())
def test_page_code_blocks_run(page: Path, doc_env: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    rel = page.relative_to(ROOT).as_posix()
    namespace: dict[str, Any] = {"__name__": "__main__", "asyncio": asyncio, **READER, **doc_env}
    not_run = []

    async def page_blocks() -> None:
        for line, code, reason in blocks(page):
            filename = f"{rel}:{line}"
            if reason is not None:
                assert reason.strip(), f"{filename}: a block that is not run must say why"
                compile(code, filename, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
                not_run.append(f"{filename} ({reason})")
                continue
            try:
                await _run(code, namespace, filename)
            except Exception as exc:  # pragma: no cover - the failure message is the point
                raise AssertionError(f"the python block at {filename} failed: {exc!r}") from exc
        coze = namespace.get("coze")
        if coze is not None and hasattr(coze, "aclose"):
            await coze.aclose()

    asyncio.run(page_blocks())
    out = capsys.readouterr().out
    for expected in EXPECTED_OUTPUT.get(rel, ()):
        assert expected in out, f"{rel} should print {expected!r}; it printed:\n{out}"
    for unexpected in UNEXPECTED_OUTPUT.get(rel, ()):
        assert unexpected not in out, f"{rel} should not print {unexpected!r}; it printed:\n{out}"
    if not_run:
        print("not run:", *not_run, sep="\n  ")
