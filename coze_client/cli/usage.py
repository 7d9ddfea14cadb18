"""``coze-client usage``: show the local usage ledger, and correct it.

Commands (``usage_app`` is registered as ``coze-client usage``):

```bash
coze-client usage                     # rich table of the current buckets (same as `usage show`)
coze-client usage --json | --csv      # machine-readable
coze-client usage --plan coze.basic   # also the plan's quotas, and those "not counted by the client"
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
from typing import Annotated, Any, TypeVar

from ..errors import needs_extra

with needs_extra("cli", "The command line (coze-client)"):
    import typer
    from rich.console import Console
    from rich.table import Table

from ..errors import CozeError
from ..ledger import BaseLedger, SnapshotRow, build_ledger
from ..limits import get_plan
from .end_users import end_users_command

__all__ = ["usage_app"]

T = TypeVar("T")

usage_app = typer.Typer(
    name="usage",
    help="Show the local usage ledger (calls, tokens, points, credits, cost) and correct it.",
    no_args_is_help=False,
    rich_markup_mode=None,  # click's plain help: flags read as flags (no "<bool>"), fits 80 columns
    pretty_exceptions_enable=False,
)

# The plan a client assumes when it is not told one, per provider (AsyncCoze and the adapters' defaults):
# `usage set` binds it when no --plan is given, so the README's command works on a fresh ledger.
DEFAULT_PLANS = {"coze": "coze.personal_free", "xingchen": "xingchen.default", "gptbots": "gptbots.default",
                 "easydl": "easydl.free"}

LedgerOpt = Annotated[
    str | None,
    typer.Option("--ledger", envvar="COZE_CLIENT_LEDGER", metavar="URL",
                 help="Ledger URL: sqlite:///path, redis://host:6379/0 or memory://."),
]
PlanOpt = Annotated[
    list[str] | None,
    typer.Option("--plan", metavar="NAME",
                 help="Plan preset whose quotas to show even when unused (repeatable), e.g. coze.personal_free."),
]
SetPlanOpt = Annotated[
    str | None,
    typer.Option("--plan", metavar="NAME", envvar="COZE_PLAN",
                 help="The account's plan preset, which defines the quota (default: the provider's default "
                      "plan, coze.personal_free for coze)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON rows.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV rows.")]
AllOpt = Annotated[bool, typer.Option("--all", help="Every period bucket, not only the current ones.")]
AccountOpt = Annotated[str | None, typer.Option("--account", metavar="NAME", help="Only this account.")]
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


def _whole(fields: dict[str, object]) -> dict[str, object]:
    """Whole numbers as ints (``"used": 480``, not ``480.0``): calls, tokens and points are counted in units."""
    return {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in fields.items()}


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
            ("resets", "left"),
            ("policy", "left"),
            ("cost", "right"),
        ]:
            # Names, periods and numbers never wrap; the rest wraps at spaces in a narrow terminal.
            wrap = name in ("resets", "policy", "cost")
            table.add_column(name, justify=justify, no_wrap=not wrap,  # type: ignore[arg-type]
                             overflow="fold" if wrap else "ellipsis", min_width=8 if name == "policy" else None)
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
                row.policy + ("\nlock-out" if row.lockout else ""),
                _cost(row),
            )
        tables.append(table)
    return tables


NOT_COUNTED = "not counted by the client"


def _not_counted(plans: list[str] | None, account: str) -> list[dict[str, Any]]:
    """The quotas of ``plans`` an API client cannot see (``Quota.counted`` False), as output rows."""
    out: list[dict[str, Any]] = []
    for name in plans or ():
        plan = get_plan(name)
        for q in plan.quotas:
            if q.counted:
                continue
            row: dict[str, Any] = {f: None for f in SnapshotRow.__slots__}
            row.update(provider=plan.provider, account=account, quota=q.name, unit=q.unit, period=q.period,
                       limit=q.limit, policy=NOT_COUNTED, lockout=q.lockout, counted=False, note=q.note)
            out.append(row)
    return out


def _not_counted_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title=f"Quotas of the plan that are {NOT_COUNTED}", title_justify="left")
    for name in ("provider / account", "quota", "limit", "period", "why"):
        table.add_column(name, no_wrap=name != "why")
    for row in rows:
        table.add_row(f"{row['provider']} / {row['account']}", row["quota"], f"{_num(row['limit'])} {row['unit']}",
                      row["period"], row["note"])
    return table


def _show(
    url: str | None, as_json: bool, as_csv: bool, all_periods: bool, plans: list[str] | None, account: str | None
) -> None:
    if as_json and as_csv:
        raise typer.BadParameter("choose one of --json and --csv")
    rows = _run(
        url, plans, account or "*", lambda ledger: ledger.snapshot(current_only=not all_periods, account=account)
    )
    hidden = _not_counted(plans, account or "*")
    # Rows an older version counted for a quota the plan now marks "not counted" would pose as guards.
    stale = {(h["provider"], h["quota"]) for h in hidden}
    rows = [r for r in rows if (r.provider, r.quota) not in stale]
    records = [{**r.as_dict(), "counted": True, "note": ""} for r in rows] + hidden
    if as_json:
        typer.echo(json.dumps([_whole(r) for r in records], indent=2, ensure_ascii=False))
    elif as_csv:
        fields = [*SnapshotRow.__slots__, "counted", "note"]
        writer = csv.DictWriter(sys.stdout, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow(_whole(record))
    elif not rows and not hidden:
        typer.echo(
            "The ledger is empty: no calls recorded yet (pass --plan NAME --account NAME to see a plan's quotas)."
        )
    else:
        console = Console()
        if rows and console.width < WIDE:
            _lines(console, rows)
        else:
            for table in _tables(rows):
                console.print(table)
        if hidden:
            console.print(_not_counted_table(hidden))


# Below this width the table's eight columns would be cut: each bucket is printed as two lines instead.
WIDE = 100


def _lines(console: Console, rows: list[SnapshotRow]) -> None:
    """Each bucket as two short lines, grouped by provider/account: reads well in an 80-column terminal."""
    current: tuple[str, str] | None = None
    for row in rows:
        if (row.provider, row.account) != current:
            current = (row.provider, row.account)
            console.print(f"[bold]{row.provider} / {row.account}[/]", highlight=False)
        if row.limit is None:
            used = f"{_num(row.used)} {row.unit} used"
        else:
            left = _num(row.left)
            if row.left is not None and row.limit and row.left <= 0.2 * row.limit:
                left = f"[bold red]{left}[/]"
            used = f"{_num(row.used)} of {_num(row.limit)} {row.unit} used, {left} left"
        resets = f"resets {row.resets_at.strftime('%Y-%m-%d %H:%M')}" if row.resets_at else "never resets"
        policy = row.policy + (", lock-out" if row.lockout else "")
        console.print(f"  {row.quota} ({row.period_key}): {used}", highlight=False)
        console.print(f"    {resets}; policy {policy}; cost {_cost(row)}", highlight=False)


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
    provider: Annotated[str, typer.Argument(metavar="PROVIDER", help="coze, xingchen, gptbots or easydl")],
    account: Annotated[str, typer.Argument(metavar="ACCOUNT", help="account name or token fingerprint")],
    quota: Annotated[str, typer.Argument(metavar="QUOTA", help="quota name, e.g. free_calls")],
    value: Annotated[float, typer.Argument(metavar="USED", help="the used amount the provider's console shows", min=0)],
    ledger: LedgerOpt = None,
    plan: SetPlanOpt = None,
    yes: YesOpt = False,
) -> None:
    """Set how much of a quota's current period is used (truth from the provider's console).

    The quota comes from the account's plan: --plan, else $COZE_PLAN, else the provider's default plan.
    """
    plan = plan or DEFAULT_PLANS.get(provider)
    if plan is None:
        typer.echo(f"error: unknown provider {provider!r}; pass --plan NAME", err=True)
        raise typer.Exit(2)
    hidden = next((q for q in get_plan(plan).quotas if q.name == quota and not q.counted), None)
    if hidden is not None:
        typer.echo(f"error: {quota} of {plan} is {NOT_COUNTED} ({hidden.note}): there is nothing to set", err=True)
        raise typer.Exit(2)
    if not yes:
        typer.confirm(f"Set {quota} of {provider}/{account} to {_num(value)} used (plan {plan})?", abort=True)
    row = _run(ledger, [plan], account, lambda led: led.set_used(provider, account, quota, value))
    typer.echo(
        f"{row.quota} of {row.provider}/{row.account} ({row.period_key}): {_num(row.used)} used, {_num(row.left)} left"
    )


@usage_app.command("reset")
def reset(
    provider: Annotated[str | None, typer.Argument(metavar="[PROVIDER]", help="only this provider")] = None,
    account: Annotated[str | None, typer.Argument(metavar="[ACCOUNT]", help="only this account")] = None,
    quota: Annotated[str | None, typer.Argument(metavar="[QUOTA]", help="only this quota")] = None,
    ledger: LedgerOpt = None,
    yes: YesOpt = False,
) -> None:
    """Forget the recorded usage (every period) of the matching rows."""
    what = "/".join(part for part in (provider, account, quota) if part) or "EVERYTHING"
    if not yes:
        typer.confirm(f"Forget the recorded usage of {what}?", abort=True)
    count = _run(ledger, None, "*", lambda led: led.reset(provider, account, quota))
    typer.echo(f"removed {count} row(s)")


# The server's own per-end-user quotas (end-user benefit limitations), next to the local ledger.
usage_app.command("end-users")(end_users_command)
