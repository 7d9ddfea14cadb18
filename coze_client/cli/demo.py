"""``coze-client demo``: the SDK end to end against the in-process fake Coze server (no account, no network).

It shows the corridor at work: a conversation, a streamed reply, the message list, a retry after a
throttled attempt, a burst paced by the limiter with no rejection, the usage ledger, and the call
the ledger refuses at the free quota before it is sent.
"""

from __future__ import annotations

import asyncio
import time

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


async def run_demo(console: Console | None = None, *, burst: int = 60) -> int:
    """Run the demo; returns 0 when every step behaved as expected (the exit status of the command)."""
    console = console or Console()
    fake = FakeCoze(plan=PLAN)  # the fake enforces the free plan's windows and its 500-call lock-out
    fake.bot(BOT, replies=["Coze runs bots and workflows; this SDK paces its calls and counts its quota."])
    problems: list[str] = []
    with fake.mock():
        async with AsyncCoze(token=TOKEN, plan=PLAN, account="demo", ledger="memory://") as coze:
            console.rule("[bold]coze-client demo[/] (in-process fake Coze server, plan coze.personal_free)")

            conv = await coze.conversations.create(bot_id=BOT, name="demo")
            console.print(f"conversation [cyan]{conv.id}[/] created (logid {conv.logid})")

            console.print("[bold]streaming a reply:[/] ", end="")
            async with coze.chat.stream(bot_id=BOT, user_id="demo-user", conversation_id=conv.id,
                                        additional_messages=["What is Coze?"]) as events:
                async for event in events:
                    if event.event == "conversation.message.delta" and event.message:
                        console.print(event.message.content, end="", highlight=False)
            usage = events.usage
            console.print(f"\n  tokens: {usage.input_tokens if usage else 0} in, "
                          f"{usage.output_tokens if usage else 0} out")

            page = await coze.conversations.messages.list(conversation_id=conv.id)
            for msg in page:
                console.print(f"  [dim]{msg.role:>9}[/] {msg.content[:70]}")

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
            console.print(f"{burst} chats in {took:.2f}s (chat limit 20 QPS): {rejected} rejected by the server, "
                          f"waits summed over the waiting calls {coze.stats.limiter_wait:.1f}s")
            if rejected:
                problems.append(f"{rejected} calls of the burst were rejected")

            ledger = coze.ledger
            assert isinstance(ledger, BaseLedger)
            await _show_ledger(console, ledger)

            # Pretend the console says 499 of the 500 free calls are used: one more passes, the next is refused.
            await ledger.set_used("coze", "demo", "free_calls", 499)
            await coze.conversations.retrieve(conversation_id=conv.id)  # the 500th call: allowed
            console.print("call 500 of 500 sent")
            sent_before = len(fake.requests)
            try:
                await coze.conversations.retrieve(conversation_id=conv.id)
            except QuotaExhaustedError as exc:
                console.print(f"[bold red]refused locally:[/] {exc}")
                if len(fake.requests) != sent_before:
                    problems.append("the refused call reached the server")
            else:
                problems.append("the call over the free quota was not refused")
            await _show_ledger(console, ledger)
            console.print(f"pipeline: {coze.stats.calls} calls, {coze.stats.attempts} attempts, "
                          f"{coze.stats.retries} retries; the fake saw {len(fake.requests)} requests, "
                          f"{fake.stats.rejections} rejected")
    if problems:
        for problem in problems:
            console.print(f"[red]problem:[/] {problem}")
        return 1
    console.print("[green]demo finished: no limit exceeded, quota guarded[/]")
    return 0


async def _show_ledger(console: Console, ledger: BaseLedger) -> None:
    table = Table(title="usage ledger")
    for col in ("provider", "account", "quota", "period", "used", "limit", "left", "calls", "tokens in/out"):
        table.add_column(col)
    for row in await ledger.snapshot():
        table.add_row(row.provider, row.account, row.quota, row.period, f"{row.used:g}",
                      "-" if row.limit is None else f"{row.limit:g}", "-" if row.left is None else f"{row.left:g}",
                      str(row.calls), f"{row.input_tokens}/{row.output_tokens}")
    console.print(table)
