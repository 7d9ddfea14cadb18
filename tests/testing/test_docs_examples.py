"""docs/testing.md's examples and the example suite run as written (here in the dev venv; CI also runs them
in a fresh venv with only the documented install: .ci/docs-testing-venv.sh)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_every_example_of_the_testing_guide_runs() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "docs_examples.py"), sys.executable, str(ROOT / "docs" / "testing.md")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert " passed" in run.stdout and "FAILED" not in run.stdout


@pytest.mark.slow
def test_the_example_suite_passes() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT / "examples" / "support_bot",
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert " passed" in run.stdout and "failed" not in run.stdout, run.stdout
