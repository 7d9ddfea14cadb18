"""``coze-client usage``: show the local usage ledger, and correct it.

Commands (the lead registers ``usage_app`` as ``coze-client usage``):

```bash
coze-client usage                     # rich table of the current buckets (same as `usage show`)
coze-client usage --json | --csv      # machine-readable
coze-client usage show --all          # every period bucket, not only the current ones
coze-client usage set coze team-a free_calls 480 [--plan coze.personal_free] [--yes]
coze-client usage reset [PROVIDER [ACCOUNT [QUOTA]]] [--yes]
```

``--ledger URL`` (or ``$COZE_CLIENT_LEDGER``) picks the ledger; the default is the sqlite file in
the user's state directory.
"""

from __future__ import annotations

import asyncio
import csv
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from ..errors import CozeError
from ..ledger import BaseLedger, SnapshotRow, build_ledger
from ..limits import get_plan

__all__ = ["usage_app"]

T = TypeVar("T")

usage_app = typer.Typer(
    name="usage",
    help="Show the local usage ledger (calls, tokens, points, credits, cost) and correct it.",
    no_args_is_help=False,
)

LedgerOpt = Annotated[
    str | None,
    typer.Option("--ledger", envvar="COZE_CLIENT_LEDGER", help="Ledger URL: sqlite:///path or memory://."),
]
PlanOpt = Annotated[
    list[str] | None,
    typer.Option("--plan", help="Plan preset(s) whose quotas to show even when unused, e.g. coze.personal_free."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON rows.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV rows.")]
AllOpt = Annotated[bool, typer.Option("--all", help="Every period bucket, not only the current ones.")]
AccountOpt = Annotated[str | None, typer.Option("--account", help="Only this account.")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


def _open(url: str | None, plans: list[str] | None, account: str = "*") -> BaseLedger:
    ledger = build_ledger(url)
    if not isinstance(ledger, BaseLedger):  # a backend registered by URL that lacks snapshot/set_used
        raise typer.BadParameter("this ledger backend does not support the usage commands", param_hint="--ledger")
    for name in plans or ():
        plan = get_plan(name)
        ledger.bind(plan.provider, account, plan)
    return ledger


def _run(url: str | None, plans: list[str] | None, account: str, job: Callable[[BaseLedger], Awaitable[T]]) -> T:
    async def main() -> T:
        ledger = _open(url, plans, account)
        try:
            return await job(ledger)
        finally:
            await ledger.aclose()

    try:
        return asyncio.run(main())
    except (CozeError, KeyError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def _num(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.4f}".rstrip("0")


def _cost(row: SnapshotRow) -> str:
    if not row.currency:
        return "—"
    return f"{row.cost:,.4f} {row.currency}".replace(".0000 ", " ")


def _tables(rows: list[SnapshotRow]) -> list[Table]:
    """One table per provider/account (its title), so the long account fingerprint is not a column."""
    groups: dict[tuple[str, str], list[SnapshotRow]] = {}
    for row in rows:
        groups.setdefault((row.provider, row.account), []).append(row)
    tables = []
    for (provider, account), group in groups.items():
        table = Table(title=f"{provider} / {account}", title_justify="left")
        for name, justify in [
            ("quota", "left"),
            ("period", "left"),
            ("used", "right"),
            ("limit", "right"),
            ("left", "right"),
            ("resets at", "left"),
            ("policy", "left"),
            ("est. cost", "right"),
        ]:
            # Names, periods and numbers never wrap; the rest wraps at spaces in a narrow terminal.
            wrap = name in ("resets at", "policy", "est. cost")
            table.add_column(name, justify=justify, no_wrap=not wrap)  # type: ignore[arg-type]
        for row in group:
            left = _num(row.left)
            if row.left is not None and row.limit and row.left <= 0.2 * row.limit:
                left = f"[bold red]{left}[/]"  # the last 20% (the first warning threshold)
            table.add_row(
                row.quota,
                row.period_key,
                f"{_num(row.used)} {row.unit}",
                _num(row.limit),
                left,
                row.resets_at.strftime("%Y-%m-%d %H:%M") if row.resets_at else "never",
                row.policy + (", lock-out" if row.lockout else ""),
                _cost(row),
            )
        tables.append(table)
    return tables


def _show(
    url: str | None, as_json: bool, as_csv: bool, all_periods: bool, plans: list[str] | None, account: str | None
) -> None:
    if as_json and as_csv:
        raise typer.BadParameter("choose one of --json and --csv")
    rows = _run(
        url, plans, account or "*", lambda ledger: ledger.snapshot(current_only=not all_periods, account=account)
    )
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in rows], indent=2, ensure_ascii=False))
    elif as_csv:
        fields = list(SnapshotRow.__slots__)
        writer = csv.DictWriter(sys.stdout, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row.as_dict())
    elif not rows:
        typer.echo(
            "The ledger is empty: no calls recorded yet (pass --plan NAME --account NAME to see a plan's quotas)."
        )
    else:
        console = Console()
        for table in _tables(rows):
            console.print(table)


@usage_app.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    ledger: LedgerOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    all_periods: AllOpt = False,
    plan: PlanOpt = None,
    account: AccountOpt = None,
) -> None:
    """Show the ledger (the default command)."""
    if ctx.invoked_subcommand is None:
        _show(ledger, as_json, as_csv, all_periods, plan, account)


@usage_app.command("show")
def show(
    ledger: LedgerOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    all_periods: AllOpt = False,
    plan: PlanOpt = None,
    account: AccountOpt = None,
) -> None:
    """Print provider, account, quota, used, left, reset time and estimated cost per bucket."""
    _show(ledger, as_json, as_csv, all_periods, plan, account)


@usage_app.command("set")
def set_used(
    provider: Annotated[str, typer.Argument(help="coze, xingchen, gptbots or easydl")],
    account: Annotated[str, typer.Argument(help="account name or token fingerprint")],
    quota: Annotated[str, typer.Argument(help="quota name, e.g. free_calls")],
    value: Annotated[float, typer.Argument(help="the used amount the provider's console shows", min=0)],
    ledger: LedgerOpt = None,
    plan: PlanOpt = None,
    yes: YesOpt = False,
) -> None:
    """Set how much of a quota's current period is used (truth from the provider's console)."""
    if not yes:
        typer.confirm(f"Set {quota} of {provider}/{account} to {_num(value)} used?", abort=True)
    row = _run(ledger, plan, account, lambda led: led.set_used(provider, account, quota, value))
    typer.echo(
        f"{row.quota} of {row.provider}/{row.account} ({row.period_key}): {_num(row.used)} used, {_num(row.left)} left"
    )


@usage_app.command("reset")
def reset(
    provider: Annotated[str | None, typer.Argument(help="only this provider")] = None,
    account: Annotated[str | None, typer.Argument(help="only this account")] = None,
    quota: Annotated[str | None, typer.Argument(help="only this quota")] = None,
    ledger: LedgerOpt = None,
    yes: YesOpt = False,
) -> None:
    """Forget the recorded usage (every period) of the matching rows."""
    what = "/".join(part for part in (provider, account, quota) if part) or "EVERYTHING"
    if not yes:
        typer.confirm(f"Forget the recorded usage of {what}?", abort=True)
    count = _run(ledger, None, "*", lambda led: led.reset(provider, account, quota))
    typer.echo(f"removed {count} row(s)")
