"""Run every example of docs/testing.md as written, with a given Python (a fresh venv in CI).

Usage: python .ci/docs_examples.py PYTHON [DOC]

The guide's fenced blocks become a small user project in a temporary directory:
- the ``toml`` block with ``[tool.pytest.ini_options]`` is the project's pyproject.toml, verbatim;
- a ``python`` block defining ``test_`` functions is a test module, run by pytest;
- any other ``python`` block is a script, run by PYTHON;
- a block that only includes a file (``--8<-- "examples/..."``) is skipped: the example suite runs it.
Exits non-zero when a block fails, naming the block's line in the guide.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```", re.S | re.M)


def blocks(doc: Path) -> list[tuple[int, str, str]]:
    text = doc.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 1, m.group(1), m.group(2)) for m in FENCE.finditer(text)]


def main(python: str, doc: Path) -> int:
    if os.sep in python:
        python = os.path.abspath(python)  # not resolve(): a venv's python is a symlink out of the venv
    project = Path(tempfile.mkdtemp(prefix="coze-docs-examples-"))
    scripts: list[tuple[int, Path]] = []
    tests = 0
    config = False
    for line, lang, code in blocks(doc):
        if lang == "toml" and "[tool.pytest.ini_options]" in code:
            (project / "pyproject.toml").write_text(code, encoding="utf-8")
            config = True
        elif lang == "python":
            if code.lstrip().startswith("--8<--"):
                continue
            if re.search(r"^\s*(async )?def test_", code, re.M):
                (project / f"test_doc_line{line}.py").write_text(code, encoding="utf-8")
                tests += 1
            else:
                path = project / f"snippet_line{line}.py"
                path.write_text(code, encoding="utf-8")
                scripts.append((line, path))
    if not config or not tests:
        print(f"{doc}: no pytest configuration block or no test block found", file=sys.stderr)
        return 1
    failed = 0
    for line, path in scripts:
        run = subprocess.run([python, str(path)], cwd=project, capture_output=True, text=True, timeout=120)
        status = "ok" if run.returncode == 0 else "FAILED"
        print(f"{doc}:{line}: script {status}")
        if run.returncode:
            failed += 1
            print(run.stdout + run.stderr, file=sys.stderr)
    run = subprocess.run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project, timeout=600)
    print(f"{doc}: {tests} test modules, {len(scripts)} scripts in {project}")
    if failed or run.returncode:
        return 1
    shutil.rmtree(project, ignore_errors=True)
    return 0


if __name__ == "__main__":
    doc = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).resolve().parent.parent / "docs" / "testing.md"
    sys.exit(main(sys.argv[1], doc))
