"""The ``coze-client`` command line: ``demo``, ``usage``, ``fake-server``."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from .datasets import datasets_app
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


@app.command("fake-server")
def fake_server_command(
    provider: Annotated[str, typer.Option(help="coze, xingchen, gptbots or easydl.")] = "coze",
    plan: Annotated[str | None, typer.Option(help="Plan preset the fake enforces, e.g. coze.personal_free.")] = None,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0 picks a free one).")] = 8080,
    host: Annotated[str, typer.Option(help="Loopback address to bind.")] = "127.0.0.1",
) -> None:
    """Serve a fake provider on a loopback port (for other processes and other languages)."""
    from .fake_server import fake_server

    fake_server(provider=provider, plan=plan, port=port, host=host)


def main() -> None:
    """Console-script entry point."""
    app()
