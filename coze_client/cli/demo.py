"""``coze-client demo``: the SDK end to end against the in-process fake Coze server (no account, no network).

It shows the corridor at work: a conversation, a streamed reply, the message list, a retry after a
throttled attempt, a burst paced by the limiter with no rejection, the usage ledger, and the call
the ledger refuses at the free quota before it is sent.
"""

from __future__ import annotations

import asyncio
import logging
import time

from ..errors import needs_extra

with needs_extra("cli", "The command line (coze-client)"):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

from .. import AsyncCoze, QuotaExhaustedError
from ..ledger import BaseLedger
from ..testing import FakeCoze

__all__ = ["run_demo"]

PLAN = "coze.personal_free"
BOT = "7351000000000000001"
TOKEN = "pat_demo_not_a_real_token_0000000000"


def _short(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis when it is longer."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


class _ConsoleHandler(logging.Handler):
    """The SDK's warnings (a quota threshold crossed) printed in line with the demo's own output."""

    def __init__(self, console: Console) -> None:
        super().__init__(logging.WARNING)
        self.console = console

    def emit(self, record: logging.LogRecord) -> None:
        self.console.print(f"  [yellow]warning (coze_client logger):[/] {record.getMessage()}", highlight=False)


async def run_demo(console: Console | None = None, *, burst: int = 60) -> int:
    """Run the demo; returns 0 when every step behaved as expected (the exit status of the command).

    Args:
        console: where to print (default: a new rich ``Console`` on stdout).
        burst: how many chat calls the pacing burst sends.
    """
    console = console or Console()
    logger = logging.getLogger("coze_client")
    handler = _ConsoleHandler(console)
    logger.addHandler(handler)
    try:
        return await _demo(console, burst)
    finally:
        logger.removeHandler(handler)


async def _demo(console: Console, burst: int) -> int:
    fake = FakeCoze(plan=PLAN)  # the fake enforces the free plan's windows and its 500-call lock-out
    fake.bot(BOT, replies=["Coze runs bots and workflows; this SDK paces its calls and counts its quota."])
    problems: list[str] = []
    with fake.mock():
        async with AsyncCoze(token=TOKEN, plan=PLAN, account="demo", ledger="memory://") as coze:
            console.rule("[bold]coze-client demo[/] (in-process fake Coze server, plan coze.personal_free)")

            conv = await coze.conversations.create(bot_id=BOT, name="demo")
            console.print(f"conversation [cyan]{conv.id}[/] created")
            console.print(f"  [dim]logid {conv.logid} (quote it to support)[/]", highlight=False)

            console.print("[bold]streaming a reply:[/]")
            async with coze.chat.stream(bot_id=BOT, user_id="demo-user", conversation_id=conv.id,
                                        additional_messages=["What is Coze?"]) as events:
                async for event in events:
                    if event.event == "conversation.message.delta" and event.message:
                        console.print(event.message.content, end="", highlight=False, soft_wrap=False)
            usage = events.usage
            console.print(f"\n  tokens: {usage.input_tokens if usage else 0} in, "
                          f"{usage.output_tokens if usage else 0} out")
            console.print("[bold]the conversation's messages:[/]")

            page = await coze.conversations.messages.list(conversation_id=conv.id)
            for msg in page:
                console.print(f"  [dim]{msg.role:>9}[/] {_short(msg.content, 66)}", highlight=False)

            # One throttled answer (HTTP 429, retry-after-ms 200): the corridor waits and retries.
            fake.faults.throttle(times=1, retry_after_ms=200, path="/v1/conversation/retrieve")
            again = await coze.conversations.retrieve(conversation_id=conv.id)
            meta = again.meta
            assert meta is not None
            console.print(f"retrieve after a 429: {meta.attempts} attempts, slept {meta.retry_wait:.2f}s "
                          f"between them, {meta.elapsed * 1000:.0f} ms in all")
            if meta.attempts != 2:
                problems.append("the throttled call was not retried once")

            before = fake.stats.rejections
            started = time.perf_counter()
            with Progress(TextColumn("burst of chat calls"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=console, transient=False) as progress:
                task = progress.add_task("burst", total=burst)

                async def one(i: int) -> None:
                    await coze.chat.create(bot_id=BOT, user_id=f"u{i}", additional_messages=["hi"])
                    progress.advance(task)

                await asyncio.gather(*(one(i) for i in range(burst)))
            took = time.perf_counter() - started
            rejected = fake.stats.rejections - before
            console.print(f"{burst} chats in {took:.2f}s, paced by the limiter to the plan's 20 chats a second;\n"
                          f"  {rejected} rejected by the server; a call waited "
                          f"{coze.stats.limiter_wait / burst:.2f}s for its turn on average")
            if rejected:
                problems.append(f"{rejected} calls of the burst were rejected")

            ledger = coze.ledger
            assert isinstance(ledger, BaseLedger)
            await _show_ledger(console, ledger)

            # Pretend the console says 499 of the 500 free calls are used: one more passes, the next is refused.
            console.print("[bold]the Coze console says 499 of the 500 free calls are used:[/]\n"
                          "  the ledger is corrected to 499, as\n"
                          "  `coze-client usage set coze demo free_calls 499` does", highlight=False)
            await ledger.set_used("coze", "demo", "free_calls", 499)
            console.print("sending call 500 of 500 (allowed)")
            await coze.conversations.retrieve(conversation_id=conv.id)
            console.print("  sent")
            console.print("sending call 501 of 500")
            sent_before = len(fake.requests)
            try:
                await coze.conversations.retrieve(conversation_id=conv.id)
            except QuotaExhaustedError as exc:
                console.print(f"  [bold red]refused locally:[/] {exc}", highlight=False)
                if len(fake.requests) != sent_before:
                    problems.append("the refused call reached the server")
            else:
                problems.append("the call over the free quota was not refused")
            await _show_ledger(console, ledger)
            console.print("  [dim]free_calls counts the console's 499 plus the call sent since; calls counts\n"
                          "  what this client sent[/]")
            retries = "retry" if coze.stats.retries == 1 else "retries"
            console.print(f"pipeline: {coze.stats.calls} calls, {coze.stats.attempts} attempts, "
                          f"{coze.stats.retries} {retries};\n  the fake server saw {len(fake.requests)} requests, "
                          f"{fake.stats.rejections} rejected")
    if problems:
        for problem in problems:
            console.print(f"[red]problem:[/] {problem}")
        return 1
    console.print("[green]demo finished: no limit exceeded, quota guarded[/]")
    return 0


async def _show_ledger(console: Console, ledger: BaseLedger) -> None:
    rows = await ledger.snapshot()
    accounts = sorted({(row.provider, row.account) for row in rows})
    for provider, account in accounts:
        table = Table(title=f"usage ledger: {provider} / {account}", title_justify="left")
        for col in ("quota", "period", "used", "limit", "left", "calls", "tokens in/out"):
            table.add_column(col, no_wrap=True, justify="left" if col in ("quota", "period") else "right")
        for row in rows:
            if (row.provider, row.account) != (provider, account):
                continue
            table.add_row(row.quota, row.period, f"{row.used:g} {row.unit}",
                          "-" if row.limit is None else f"{row.limit:g}", "-" if row.left is None else f"{row.left:g}",
                          str(row.calls), f"{row.input_tokens}/{row.output_tokens}")
        console.print(table)
