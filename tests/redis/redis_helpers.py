"""Helpers for the Redis backend tests: a real ``redis-server`` on a free loopback port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from coze_client._call import CallInfo
from coze_client.limits.plans import Limit, Plan, Quota

REDIS_SERVER = shutil.which("redis-server")
HERE = Path(__file__).resolve().parent
CHILD = HERE / "fleet_child.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    """One ``redis-server`` process on 127.0.0.1 with its data in a temporary directory.

    ``appendonly=True`` with ``appendfsync always`` makes every write durable before Redis answers,
    so a restart keeps the counts (the configuration docs/fleet.md recommends for the ledger).
    """

    def __init__(self, *, port: int | None = None, appendonly: bool = False) -> None:
        if REDIS_SERVER is None:
            raise RuntimeError("redis-server is not installed")
        self.port = port or free_port()
        self.appendonly = appendonly
        self.dir = tempfile.mkdtemp(prefix="coze-redis-")
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> RedisServer:
        assert REDIS_SERVER is not None
        args = [
            REDIS_SERVER,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            self.dir,
            "--save",
            "",
            "--daemonize",
            "no",
            "--protected-mode",
            "yes",
            "--loglevel",
            "warning",
            "--appendonly",
            "yes" if self.appendonly else "no",
        ]
        if self.appendonly:
            args += ["--appendfsync", "always"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise RuntimeError(f"redis-server exited: {err}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                pass
            time.sleep(0.02)
        self.stop()
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.proc is not None and self.proc.stderr is not None:
            self.proc.stderr.close()
        self.proc = None

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def short_plan(limit: int = 10, window: float = 0.2, *, quota: int | None = None) -> Plan:
    """A plan with one strict short window on ``chat`` (and optionally a 'free_calls' ever quota)."""
    quotas = (
        (Quota(name="free_calls", unit="calls", limit=quota, period="ever", policy="block", lockout=True),)
        if quota is not None
        else ()
    )
    return Plan(
        name="test.short",
        provider="coze",
        limits=(Limit(name="chat_qps", group="chat", limit=limit, window=window),),
        quotas=quotas,
    )


def chat(account: str = "fleet", **kw: object) -> CallInfo:
    return CallInfo("coze", account, "POST", "/v3/chat", ("chat", "model"), **kw)  # type: ignore[arg-type]


def spawn(args: Sequence[str]) -> subprocess.Popen[str]:
    """Start ``fleet_child.py`` with ``args``; its stdout is one JSON line per event."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(HERE.parents[1]), env.get("PYTHONPATH", "")])
    return subprocess.Popen(
        [sys.executable, str(CHILD), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


def max_overlap(spans: Sequence[tuple[float, float]], window: float) -> int:
    """The most calls a strict server could see in one window, given each call's (send, response) span.

    A set of calls can all arrive inside one window of ``window`` seconds exactly when the latest
    send minus the earliest response is shorter than the window. Take each call as the latest sent:
    count the calls sent no later whose response came later than ``send - window``.
    """
    best = 0
    for start, _ in spans:
        n = sum(1 for s, e in spans if s <= start and e > start - window)
        best = max(best, n)
    return best
