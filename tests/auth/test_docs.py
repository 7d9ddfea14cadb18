"""The runnable example of docs/authentication.md runs against the testing kit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "authentication.md"


def test_authentication_page_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    block = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)[0]
    exec(compile(block, str(DOC), "exec"), {"__name__": "__main__"})  # a sync test: asyncio.run is allowed
    out = capsys.readouterr().out
    assert "created " in out and "refreshes: 1" in out
