"""The ``coze-client`` command line: ``demo``, ``usage``, ``fake-server``."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from .datasets import datasets_app
from .fake_server import command as fake_server_command
from .usage import usage_app

__all__ = ["app", "main"]

app = typer.Typer(name="coze-client", help="coze-client: paced, quota-safe access to Coze and friends.",
                  no_args_is_help=True, add_completion=False)
app.add_typer(usage_app, name="usage")
app.add_typer(datasets_app, name="datasets")


@app.command()
def demo(burst: Annotated[int, typer.Option(help="How many chat calls the pacing burst sends.")] = 60) -> None:
    """Run the SDK against the in-process fake Coze server (no account, no network)."""
    from .demo import run_demo

    raise typer.Exit(asyncio.run(run_demo(burst=burst)))


# The testing kit owns its command (provider, plan, port, host, repeatable --token).
app.command("fake-server")(fake_server_command)


def main() -> None:
    """Console-script entry point."""
    app()
