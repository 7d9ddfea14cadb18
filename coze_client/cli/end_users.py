"""``coze-client usage end-users``: the limits the **server** keeps per end user (end-user benefit limitations).

The local ledger (``coze-client usage``) guards an account: it counts the calls this client sends and
refuses the one that would cross a quota. End-user benefit limitations are the service's own quotas per
device or custom consumer of an enterprise flagship account: the service stops that end user at the limit,
whoever sends the call. The API reports each limit and its period, not how much an end user used: the
"used/left" columns say so, and point to the bill export (``coze.bill_tasks``) that carries usage.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone
from typing import Annotated

from .. import AsyncCoze
from ..errors import CozeError, needs_extra

with needs_extra("cli", "The command line (coze-client)"):
    import typer
    from rich.console import Console
    from rich.table import Table

from ..types.end_user_benefits import BenefitLimitation

__all__ = ["end_user_limits", "end_users_command"]

ENTITY_TYPES = ("enterprise_all_devices", "enterprise_all_custom_consumers", "single_device", "single_custom_consumer")


async def end_user_limits(coze: AsyncCoze, *, entity_types: tuple[str, ...] = ENTITY_TYPES,
                          benefit_type: str = "resource_point") -> list[BenefitLimitation]:
    """Every end-user limit the server reports, for each entity type.

    Args:
        coze: an open client.
        entity_types: the entity types to list (default: all four).
        benefit_type: ``"resource_point"``, ``"voice_unified_duration_system"`` or
            ``"voice_unified_duration_custom"``.
    """
    out: list[BenefitLimitation] = []
    for entity_type in entity_types:
        out.extend(await coze.benefit_limitations.list(entity_type=entity_type,  # type: ignore[arg-type]
                                                       benefit_type=benefit_type).to_list())
    return out


def _when(ts: int | None) -> str:
    if not ts or ts >= 253402300799:
        return "—"
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%d")


def end_users_command(
    benefit_type: Annotated[str, typer.Option(help="resource_point, voice_unified_duration_system or _custom.")]
    = "resource_point",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON rows.")] = False,
) -> None:
    """Server-side limits per end user (token from $COZE_API_TOKEN, host from $COZE_API_BASE)."""

    async def run() -> list[BenefitLimitation]:
        async with AsyncCoze(plan=None) as coze:  # type: ignore[call-arg]
            return await end_user_limits(coze, benefit_type=benefit_type)

    try:
        limits = asyncio.run(run())
    except CozeError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps([{**lim.model_dump(mode="json"), "period": lim.period, "used": None, "left": None}
                               for lim in limits], indent=2, ensure_ascii=False))
        return
    if not limits:
        typer.echo("No end-user benefit limitations: the service puts no limit on end users (the default).")
        return
    table = Table(title="end-user limits kept by the server (not the local ledger)", title_justify="left")
    for name in ("end user", "benefit", "limit", "period", "status", "valid", "used / left"):
        table.add_column(name, no_wrap=name != "used / left")
    for lim in limits:
        who = lim.entity_id or f"every {lim.entity_type.removeprefix('enterprise_all_')}" if lim.entity_type \
            else lim.entity_id or "?"
        table.add_row(str(who), lim.benefit_type or "", f"{lim.limit:,.0f}" if lim.limit is not None else "—",
                      lim.period, lim.status or "", f"{_when(lim.started_at)} → {_when(lim.ended_at)}",
                      "not reported by the API (export bills: coze.bill_tasks)")
    Console().print(table)
