"""The docs point only at what a user has: public pages by name, paths in the user's own checkout."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# docs/performance.md is written by the benchmark owners (machine paths in their method notes).
PAGES = [ROOT / "README.md", *(p for p in sorted((ROOT / "docs").rglob("*.md")) if p.name != "performance.md")]
BANNED = re.compile(r"shared/reference|coze-api\.md|providers-api\.md|plans\.md|ARCHITECTURE|house plan|\b[Tt]he lead\b"
                    r"|/work/|reference §|its own issue")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_page_names_nothing_the_user_does_not_have(page: Path) -> None:
    lines = page.read_text(encoding="utf-8").splitlines()
    hits = [f"{page.name}:{n}: {line.strip()}" for n, line in enumerate(lines, 1) if BANNED.search(line)]
    assert not hits, "\n".join(hits)
