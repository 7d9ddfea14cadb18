"""The README's main job: the demo runs against the in-process fake and guards the quota."""

from __future__ import annotations

import io

from rich.console import Console

from coze_client.cli.demo import run_demo


async def test_demo_runs_and_reports_no_problem() -> None:
    out = io.StringIO()
    status = await run_demo(Console(file=out, width=120), burst=25)
    text = out.getvalue()
    assert status == 0, text
    assert "refused locally" in text and "0 rejected by the server" in text
    assert "pat_demo" not in text  # the token never shows


async def test_demo_reads_well_at_80_columns() -> None:
    out = io.StringIO()
    status = await run_demo(Console(file=out, width=80), burst=25)
    text = out.getvalue()
    assert status == 0, text
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "counts…" in text  # a long reply is cut with an ellipsis, not mid-word silently
    assert "provid…" not in text and "free_c…" not in text  # no column cut
    assert "the ledger is corrected to 499" in text  # used jumps from 65 to 500 with a word why
    assert text.index("sending call 500 of 500") < text.index("at 100%") < text.index("sending call 501")
    assert "summed" not in text and "for its turn on average" in text
