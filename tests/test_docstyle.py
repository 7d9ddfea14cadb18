"""Docstrings are Google style with Markdown, as mkdocstrings renders them (see .ci/docstyle.py).

A docstring in the old reStructuredText/doctest style renders badly on the API reference page; this test
names every such line. `python3 .ci/docstyle.py --fix` rewrites most of them mechanically.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def _docstyle() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_docstyle", ROOT / ".ci" / "docstyle.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("_docstyle", module)
    spec.loader.exec_module(module)
    return module


def test_no_banned_pattern_in_docstrings() -> None:
    docstyle = _docstyle()
    left = [p for path in docstyle.python_files()
            for p in docstyle.problems(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert not left, "docstrings in the old style (run `python3 .ci/docstyle.py --fix`):\n" + "\n".join(left)


def test_the_checker_flags_each_banned_pattern() -> None:
    docstyle = _docstyle()
    source = '''
def f():
    """Do it, see :class:`~a.B` and :func:`g` (plans.md).

    The tree::

        a
        └── b

    Example:
        >>> f()  # doctest: +SKIP
    """
'''
    found = "\n".join(docstyle.problems(source))
    for what in ("Sphinx role", "literal block", "doctest directive", "doctest prompt", "singular `Example:`",
                 "internal file"):
        assert what in found, what


def test_the_fixer_rewrites_them_and_is_idempotent() -> None:
    docstyle = _docstyle()
    source = '''
def f():
    """Do it, see :class:`~a.B` and :func:`g` (reference coze-api.md §5.9, plans.md).
    Modes:
    - one
    - two

    The tree::

        a
        └── b

    Example:
        >>> x = f()  # doctest: +SKIP
        >>> x
        1
    """
'''
    fixed = docstyle.fix_source(source)
    assert docstyle.problems(fixed) == []
    assert docstyle.fix_source(fixed) == fixed
    assert "see `B` and `g` (the Coze bot, user and workspace pages, the providers' pricing pages)." in fixed
    assert "    Modes:\n\n    - one\n    - two" in fixed
    assert "    The tree:\n\n    ```text\n    a\n    └── b\n    ```" in fixed
    assert "    Examples:\n        ```python\n        x = f()\n        x\n        # 1\n        ```\n    \"\"\"" in fixed
    compile(fixed, "<fixed>", "exec")


def test_the_fixer_describes_the_per_call_options() -> None:
    docstyle = _docstyle()
    source = '''
class R:
    async def get(self, *, item_id: str, timeout=None, max_retries=None) -> None:
        """One item."""

    async def put(self, *, item_id: str, timeout=None, max_retries=None) -> None:
        """Store it.

        Args:
            item_id: the item.

        Examples:
            ```python
            await r.put(item_id="1")
            ```
        """

    async def wait(self, *, timeout=600.0) -> None:
        """Wait (its own timeout: no per-call options here)."""
'''
    fixed = docstyle.fix_source(source)
    assert '"""One item.\n\n        Args:\n            timeout: this call' in fixed
    assert "item_id: the item.\n            timeout: this call's timeout" in fixed
    assert fixed.count("max_retries: this call's retries") == 2
    assert '"""Wait (its own timeout: no per-call options here)."""' in fixed
    assert docstyle.fix_source(fixed) == fixed
    compile(fixed, "<fixed>", "exec")
