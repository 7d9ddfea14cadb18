"""``coze-client datasets wait``: follow knowledge documents until they finish processing, with progress bars."""

from __future__ import annotations

import asyncio
from typing import Annotated

from ..errors import needs_extra

with needs_extra("cli", "The command line (coze-client)"):
    import typer
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

from .. import AsyncCoze
from ..errors import CozeError
from ..resources.datasets import rich_progress

__all__ = ["datasets_app", "wait_documents"]

datasets_app = typer.Typer(name="datasets", help="Knowledge datasets.", no_args_is_help=True, rich_markup_mode=None,
                           pretty_exceptions_enable=False)


async def wait_documents(coze: AsyncCoze, dataset_id: str, document_ids: list[str], *, poll_interval: float,
                         timeout: float, console: Console | None = None) -> int:
    """Draw one bar per document until all are done; 0 when none failed, 1 otherwise.

    Args:
        coze: an open client.
        dataset_id: the dataset the documents belong to.
        document_ids: the documents to follow.
        poll_interval: seconds between polls.
        timeout: seconds before giving up (``TimeoutError``).
        console: where to draw (default: a new rich ``Console`` on stdout).
    """
    console = console or Console()
    with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), console=console) as bars:
        final = await coze.datasets.documents.wait_until_processed(
            dataset_id, document_ids, progress=rich_progress(bars), poll_interval=poll_interval, timeout=timeout)
    failed = [d for d in final if d.is_failed]
    for doc in failed:
        console.print(f"[red]{doc.document_name or doc.document_id} failed:[/] {doc.status_descript}")
    return 1 if failed else 0


@datasets_app.command("wait")
def wait_command(
    dataset_id: Annotated[str, typer.Argument(metavar="DATASET_ID", help="The dataset the documents belong to.")],
    document_ids: Annotated[list[str], typer.Argument(metavar="DOCUMENT_ID...", help="Document ids to follow.")],
    poll_interval: Annotated[float, typer.Option(metavar="SECONDS", help="Seconds between polls.")] = 2.0,
    timeout: Annotated[float, typer.Option(metavar="SECONDS", help="Give up after this many seconds.")] = 600.0,
    plan: Annotated[
        str | None, typer.Option(envvar="COZE_PLAN", metavar="NAME", help="Plan preset of the account.")
    ] = None,
) -> None:
    """Wait until documents finish processing (token from $COZE_API_TOKEN, host from $COZE_API_BASE)."""

    async def run() -> int:
        kwargs = {"plan": plan} if plan else {}
        async with AsyncCoze(**kwargs) as coze:  # type: ignore[arg-type]
            return await wait_documents(coze, dataset_id, document_ids, poll_interval=poll_interval,
                                        timeout=timeout)

    try:
        code = asyncio.run(run())
    except (CozeError, TimeoutError) as exc:  # one line that says what went wrong, not a traceback
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    raise typer.Exit(code)
