"""``coze-client fake-server``: serve a fake provider on a loopback port.

For other processes, other languages and manual poking (``curl``):

```bash
coze-client fake-server --provider coze --plan coze.personal_free --port 8080
curl -H "Authorization: Bearer pat_x" http://127.0.0.1:8080/v1/users/me
```

The server runs until Ctrl-C, then prints what it saw (requests, rejections, the worst excess over
any limit). The lead's ``cli/app.py`` registers the command; `command` is the same command as a
standalone typer function for anyone who wants to mount it elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from typing import Annotated

from ..errors import needs_extra

with needs_extra("cli", "The command line (coze-client)"):
    import typer

from ..testing import FakeCoze, FakeEasyDL, FakeGPTBots, FakeServer, FakeXingchen
from ..testing.loopback import serve_loopback

__all__ = ["PROVIDERS", "build_fake", "command", "fake_server"]

PROVIDERS: dict[str, type[FakeServer]] = {
    "coze": FakeCoze,
    "xingchen": FakeXingchen,
    "gptbots": FakeGPTBots,
    "easydl": FakeEasyDL,
}


def build_fake(provider: str, plan: str | None = None, *, tokens: Sequence[str] | None = None) -> FakeServer:
    """A fresh fake of ``provider`` enforcing preset ``plan`` (None = no limits).

    ``tokens`` restricts the accepted credentials (Coze tokens, Xingchen/GPTBots keys).

    Examples:
        ```python
        build_fake("coze", "coze.personal_free").enforcer is not None
        # True
        ```
    """
    try:
        cls = PROVIDERS[provider]
    except KeyError:
        raise ValueError(f"unknown provider {provider!r}; choose one of {sorted(PROVIDERS)}") from None
    if plan is not None and not plan.startswith(provider + "."):
        raise ValueError(f"plan {plan!r} is not a {provider} plan")
    if cls is FakeCoze:
        return FakeCoze(plan=plan, tokens=tokens)
    if cls is FakeXingchen:
        return FakeXingchen(plan=plan, keys=tokens)
    if cls is FakeGPTBots:
        return FakeGPTBots(plan=plan, keys=tokens)
    return FakeEasyDL(plan=plan)


async def _serve(fake: FakeServer, host: str, port: int, log_level: str, on_ready: Callable[[str], None]) -> None:
    async with serve_loopback(fake, host=host, port=port, log_level=log_level) as base_url:
        on_ready(base_url)
        await asyncio.Event().wait()  # until cancelled (Ctrl-C)


def fake_server(
    provider: str = "coze",
    plan: str | None = None,
    port: int = 8080,
    host: str = "127.0.0.1",
    *,
    tokens: Sequence[str] | None = None,
    log_level: str = "warning",
    echo: Callable[[str], None] = typer.echo,
) -> FakeServer:
    """Serve a fake ``provider`` (enforcing ``plan``) on ``host``:``port`` until interrupted.

    Returns the fake after shutdown, with its recorded requests and counters, and prints a summary.

    Examples:
        ```python
        fake_server("coze", "coze.personal_free", port=8080)
        ```
    """
    fake = build_fake(provider, plan, tokens=tokens)

    def ready(base_url: str) -> None:
        what = f"plan {plan}" if plan else "no plan limits"
        echo(f"fake {provider} server on {base_url} ({what}); Ctrl-C stops it")
        if provider == "coze":
            echo(f"  try: curl -H 'Authorization: Bearer pat_test' {base_url}/v1/users/me")

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(fake, host, port, log_level, ready))
    stats = fake.stats
    echo(
        f"served {stats.requests} requests, {stats.rejections} rejected by the plan, "
        f"{stats.faults} faults injected, worst excess over a limit: {stats.max_over_limit:g}"
    )
    return fake


def command(
    provider: Annotated[str, typer.Option(help="coze, xingchen, gptbots or easydl.")] = "coze",
    plan: Annotated[str | None, typer.Option(help="Plan preset the fake enforces, e.g. coze.personal_free.")] = None,
    port: Annotated[int, typer.Option(help="Port (0 picks a free one).")] = 8080,
    host: Annotated[str, typer.Option(help="Address to bind (keep it on loopback).")] = "127.0.0.1",
    token: Annotated[list[str] | None, typer.Option(help="Accepted token (repeat); default: any token.")] = None,
) -> None:
    """Serve a fake provider on a loopback port (for other processes and other languages)."""
    try:
        fake_server(provider=provider, plan=plan, port=port, host=host, tokens=token or None)
    except (ValueError, LookupError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
