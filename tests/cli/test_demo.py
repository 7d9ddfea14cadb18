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
