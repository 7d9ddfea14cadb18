"""``coze-client fake-server``: serve a fake provider on a loopback port.

For other processes, other languages and manual poking (``curl``):

```bash
coze-client fake-server --provider coze --plan coze.personal_free --port 8080
curl -H "Authorization: Bearer pat_x" http://127.0.0.1:8080/v1/users/me
```

The server runs until Ctrl-C or SIGTERM, then prints what it saw (requests, rejections, the worst excess over
any limit). ``cli/app.py`` registers the command; `command` is the same command as a
standalone typer function for anyone who wants to mount it elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
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

    Args:
        provider: ``"coze"``, ``"xingchen"``, ``"gptbots"`` or ``"easydl"`` (ValueError otherwise).
        plan: a preset name of that provider (``"coze.personal_free"``); None: no limits.
        tokens: the accepted credentials; None: any (EasyDL ignores it).
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
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # SIGTERM (process managers, CI, `kill`) ends the server as Ctrl-C does, so the summary is printed.
    with contextlib.suppress(NotImplementedError, RuntimeError):  # no signal handlers on this platform/thread
        loop.add_signal_handler(signal.SIGTERM, stop.set)
    try:
        async with serve_loopback(fake, host=host, port=port, log_level=log_level) as base_url:
            on_ready(base_url)
            await stop.wait()  # until SIGTERM, or cancelled (Ctrl-C)
    finally:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGTERM)


def fake_server(
    provider: str = "coze",
    plan: str | None = None,
    port: int = 8080,
    host: str = "127.0.0.1",
    *,
    tokens: Sequence[str] | None = None,
    latency: float | None = None,
    stream_interval: float | None = None,
    log_level: str = "warning",
    echo: Callable[[str], None] = typer.echo,
) -> FakeServer:
    """Serve a fake ``provider`` (enforcing ``plan``) on ``host``:``port`` until Ctrl-C or SIGTERM.

    ``latency`` delays every answer and ``stream_interval`` spaces streamed chunks (seconds), for trying
    an app against realistic timings. Returns the fake after shutdown, with its recorded requests and
    counters, and prints a summary.

    Examples:
        ```python
        fake_server("coze", "coze.personal_free", port=8080)
        ```

    Args:
        provider: ``"coze"``, ``"xingchen"``, ``"gptbots"`` or ``"easydl"``.
        plan: a preset name of that provider; None: no limits.
        port: the port (0: a free one).
        host: the address to bind (keep it on loopback).
        tokens: the accepted credentials; None: any.
        latency: seconds before every answer (None: none).
        stream_interval: seconds between the chunks of streamed answers (None: none).
        log_level: uvicorn's log level.
        echo: where the status lines go (default ``typer.echo``).
    """
    for name, value in (("latency", latency), ("stream interval", stream_interval)):
        if value is not None and not value >= 0:
            raise ValueError(f"{name} must be seconds >= 0, got {value}")
    fake = build_fake(provider, plan, tokens=tokens)
    fake.configure(latency=latency, stream_interval=stream_interval)

    def ready(base_url: str) -> None:
        what = f"plan {plan}" if plan else "no plan limits"
        timings = "".join(
            f", {label} {value:g} s" for label, value in (("latency", latency), ("stream interval", stream_interval))
            if value
        )
        echo(f"fake {provider} server on {base_url} ({what}{timings}); Ctrl-C or SIGTERM stops it")
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
    latency: Annotated[float | None, typer.Option(help="Seconds before every answer (e.g. 0.3).")] = None,
    stream_interval: Annotated[
        float | None, typer.Option(help="Seconds between the chunks of streamed answers (e.g. 0.05).")
    ] = None,
) -> None:
    """Serve a fake provider on a loopback port (for other processes and other languages)."""
    try:
        fake_server(
            provider=provider,
            plan=plan,
            port=port,
            host=host,
            tokens=token or None,
            latency=latency,
            stream_interval=stream_interval,
        )
    except (ValueError, LookupError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
