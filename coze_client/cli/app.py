"""The ``coze-client`` command line: ``demo``, ``usage``, ``fake-server``."""

from __future__ import annotations

import asyncio
from typing import Annotated

from ..errors import needs_extra

with needs_extra("cli", "The command line (coze-client)"):
    import typer

from .datasets import datasets_app
from .fake_server import command as fake_server_command
from .usage import usage_app

__all__ = ["app", "main"]

app = typer.Typer(name="coze-client", help="coze-client: paced, quota-safe access to Coze and friends.",
                  no_args_is_help=True, add_completion=False,
                  rich_markup_mode=None,  # click's plain help: flags read as flags (no "<bool>"), fits 80 columns
                  pretty_exceptions_enable=False)
app.add_typer(usage_app, name="usage", short_help="Show and correct the local usage ledger.")
app.add_typer(datasets_app, name="datasets", short_help="Follow knowledge documents.")


@app.command(short_help="Try the SDK against a fake Coze (no account).")
def demo(
    burst: Annotated[int, typer.Option(metavar="N", help="How many chat calls the pacing burst sends.")] = 60,
) -> None:
    """Run the SDK against the in-process fake Coze server (no account, no network)."""
    from .demo import run_demo

    raise typer.Exit(asyncio.run(run_demo(burst=burst)))


# The testing kit owns its command (provider, plan, port, host, repeatable --token).
app.command("fake-server", short_help="Serve a fake provider on a local port.")(fake_server_command)


def main() -> None:
    """Console-script entry point."""
    app()
