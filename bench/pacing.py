#!/usr/bin/env python
"""How much of a plan the limiter uses at realistic latencies, and whether a strict server ever throttles.

One run prints one table: per workload and limiter backend, the calls sent, the server's throttles
(must be 0) and the utilisation, i.e. an optimum makespan divided by the measured one (first call
asked to last body ended), against two optima computed from the same run's latencies:

* **strict server**: every call arrives at the earliest instant the server's strict windows allow
  (never before its own uplink time), then takes exactly as long as it took here (server time,
  downlink, body). No client can beat it; one that knew every arrival time could reach it.
* **provable**: the best a client can do when it may only count what it can prove, i.e. a
  request-count slot is free one window after the response *head* (ARCHITECTURE, "hard-won facts"),
  a token estimate counts until the body ends and its real usage one window more. This is the
  greedy strict-window schedule (``tests/limits/test_schedule.py``) with the run's own latencies.

The gap between the two is the price of safety: with a 1 s window every reuse of a slot costs the
time from grant to response head (a round trip, plus the server's work for a blocking call). A
limiter reaching the provable optimum wastes nothing it could have used.

The server (a loopback uvicorn app on a thread of this process) judges the plan's strict windows
at arrival with :class:`coze_client.testing.enforcement.Enforcer` and answers with latencies drawn
per call: round trip 50-300 ms (split into uplink and downlink by an httpx transport in the
client), blocking calls 0.2-2 s of server work, streams 3-30 s of body (divided by
``--stream-scale``, 3 by default, to keep the run to a few minutes). Clients are ``AsyncCoze`` /
``XingchenProvider`` with ``max_retries=0`` in separate processes: memory (1), sqlite (4),
Redis (8; redis-server from PATH).

Workloads: ``free_streams`` (coze.personal_free, 200 ``chat.stream``), ``paid_chats``
(coze.personal_paid, 1200 ``chat.create``: 100 QPS and 1000 per minute), ``free_workflows``
(coze.personal_free, 300 ``workflows.runs.create``), ``xingchen_tokens`` (xingchen.default with its
windows scaled by ``--xingchen-scale``, 0.5 by default: 1 QPS, 60 per 30 s, 1000 tokens per 30 s).

``--no-head`` hides the response head from the limiter (every slot then counts until the release,
the rule before issue 13), for comparison.

Usage::

    python bench/pacing.py
    python bench/pacing.py --only paid_chats --backends memory
    python bench/pacing.py --only free_streams --backends memory --no-head
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextvars
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from coze_client._call import CallInfo
from coze_client.limits import get_plan
from coze_client.limits.plans import Plan

TOKEN = "pat_pacingbench000000000000000"
XC_KEY = "xc-pacingbench-0000000000000000"
BOT = "7350000000000000001"
PROCS = {"memory": 1, "sqlite": 4, "redis": 8}


@dataclass(frozen=True)
class Workload:
    name: str
    preset: str
    calls: int
    path: str
    groups: tuple[str, ...]
    stream: bool
    scale: float = 1.0  # windows multiplied by this


def workloads(args: argparse.Namespace) -> dict[str, Workload]:
    return {
        "free_streams": Workload("free_streams", "coze.personal_free", 200, "/v3/chat", ("chat", "model"), True),
        "paid_chats": Workload("paid_chats", "coze.personal_paid", 1200, "/v3/chat", ("chat", "model"), False),
        "free_workflows": Workload(
            "free_workflows", "coze.personal_free", 300, "/v1/workflow/run", ("workflow", "model"), False
        ),
        "xingchen_tokens": Workload(
            "xingchen_tokens", "xingchen.default", 16, "/v2/api/chat/send", ("chat",), False, args.xingchen_scale
        ),
    }


def plan_of(w: Workload) -> Plan:
    """The preset's limits (windows scaled), without quotas: this bench measures pacing only."""
    base = get_plan(w.preset)
    limits = tuple(lim.model_copy(update={"window": lim.window * w.scale}) for lim in base.limits)
    return Plan(name=base.name, provider=base.provider, limits=limits, timezone=base.timezone)


def draw(seed: int, k: int, w: Workload, stream_scale: float) -> dict[str, float]:
    """The latencies of call ``k``: the same in the client and the server, whatever process sends it."""
    rng = random.Random(f"{seed}:{w.name}:{k}")
    rtt = rng.uniform(0.05, 0.3)
    up = rtt * rng.uniform(0.3, 0.7)
    return {
        "up": up,
        "down": rtt - up,
        "proc": rng.uniform(0.02, 0.1) if w.stream else rng.uniform(0.2, 2.0),
        "body": rng.uniform(3.0, 30.0) / stream_scale if w.stream else 0.0,
        "out": float(rng.randint(50, 200)),  # Xingchen output tokens
    }


# -- the server -----------------------------------------------------------------------------------


class Server:
    """Strict windows judged at arrival; answers after the drawn server time; streams for the drawn body."""

    def __init__(self, plan: Plan) -> None:
        from coze_client.testing.enforcement import Enforcer

        self.enforcer = Enforcer(limits=plan.limits)
        self.arrivals: dict[int, tuple[float, bool]] = {}
        self.port = 0
        self._server: Any = None
        self._thread: threading.Thread | None = None

    async def app(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        while True:
            msg = await receive()
            if not msg.get("more_body"):
                break
        now = time.monotonic()
        h = dict(scope["headers"])
        k = int(h[b"x-bench-k"])
        proc, body, used = float(h[b"x-bench-proc"]), float(h[b"x-bench-body"]), int(h.get(b"x-bench-used", b"0"))
        path = scope["path"]
        groups = {"/v3/chat": ("chat", "model"), "/v1/workflow/run": ("workflow", "model")}.get(path, ("chat",))
        from coze_client.testing.enforcement import Admission

        ok = isinstance(self.enforcer.admit(groups, tokens=used), Admission)
        self.arrivals[k] = (now, ok)
        if not ok:
            await _json(send, 429, {"code": 4009, "msg": "throttled by the strict bench server"})
            return
        await asyncio.sleep(proc)
        if path == "/v3/chat" and body > 0:
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"text/event-stream")]})
            chat = {"id": f"c{k}", "conversation_id": f"v{k}", "status": "in_progress"}
            end = time.monotonic() + body
            while True:
                left = end - time.monotonic()
                if left <= 0:
                    break
                delta = {"id": f"m{k}", "role": "assistant", "type": "answer", "content": "token "}
                await send({"type": "http.response.body", "more_body": True,
                            "body": f"event: conversation.message.delta\ndata: {json.dumps(delta)}\n\n".encode()})
                await asyncio.sleep(min(0.5, left))
            done = {**chat, "status": "completed", "usage": {"token_count": 30, "input_count": 10, "output_count": 20}}
            tail = f"event: conversation.chat.completed\ndata: {json.dumps(done)}\n\nevent: done\ndata: \"[DONE]\"\n\n"
            await send({"type": "http.response.body", "body": tail.encode()})
        elif path == "/v3/chat":
            await _json(send, 200, {"code": 0, "msg": "", "data": {"id": f"c{k}", "conversation_id": f"v{k}",
                                                                   "status": "in_progress"}})
        elif path == "/v1/workflow/run":
            await _json(send, 200, {"code": 0, "msg": "", "data": "{\"output\": \"ok\"}", "execute_id": str(k),
                                    "usage": {"token_count": 30, "input_count": 10, "output_count": 20}})
        else:  # Xingchen chat/send
            out = used - 10
            result = {"choices": [{"stopReason": "stop", "messages": [{"role": "assistant", "content": "好"}]}],
                      "usage": {"userTokens": 2, "inputTokens": 10, "outputTokens": out}}
            await _json(send, 200, {"requestId": str(k), "code": 200, "success": True, "data": result})

    def start(self) -> str:
        import uvicorn

        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, interface="asgi3", lifespan="off", http="h11", loop="asyncio",
                                log_level=os.environ.get("PACING_LOG", "critical"), timeout_keep_alive=120,
                                backlog=4096)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        while not self._server.started:
            time.sleep(0.01)
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)


async def _json(send: Any, status: int, body: Any) -> None:
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": data})


# -- a client process -------------------------------------------------------------------------------

CALL: contextvars.ContextVar[int] = contextvars.ContextVar("bench_call")


class LatencyTransport(httpx.AsyncBaseTransport):
    """Adds the drawn uplink before a request and downlink after its head; tells the server its draw."""

    def __init__(self, w: Workload, seed: int, stream_scale: float, records: dict[int, dict[str, float]]) -> None:
        pool = httpx.Limits(max_connections=None, max_keepalive_connections=2000)
        self._inner = httpx.AsyncHTTPTransport(limits=pool)
        self._w, self._seed, self._scale, self._records = w, seed, stream_scale, records

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        k = CALL.get()
        d = draw(self._seed, k, self._w, self._scale)
        rec = self._records[k]
        rec["send"] = time.monotonic()
        request.headers["x-bench-k"] = str(k)
        request.headers["x-bench-proc"] = f"{d['proc']:.4f}"
        request.headers["x-bench-body"] = f"{d['body']:.4f}"
        request.headers["x-bench-used"] = str(int(10 + d["out"]))
        await asyncio.sleep(d["up"])
        response = await self._inner.handle_async_request(request)
        await asyncio.sleep(d["down"])
        rec["head"] = time.monotonic()
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


class HeadBlind:
    """A permit without ``responded()``: every slot then counts until the release (the rule before issue 13)."""

    def __init__(self, permit: Any) -> None:
        self._permit = permit
        self.waited = permit.waited

    async def release(self, *, used_tokens: int | None = None, sent: bool = True) -> None:
        await self._permit.release(used_tokens=used_tokens, sent=sent)


class EstimateSpy:
    """Passes through to the limiter (its permits as they are) and notes each call's token estimate."""

    def __init__(self, limiter: Any, records: dict[int, dict[str, float]], head: bool = True) -> None:
        self._limiter, self._records, self._head = limiter, records, head

    async def acquire(self, call: CallInfo, *, max_wait: float | None = None) -> Any:
        self._records[CALL.get()]["est"] = float(call.est_tokens)
        permit = await self._limiter.acquire(call, max_wait=max_wait)
        return permit if self._head else HeadBlind(permit)

    async def penalize(self, call: CallInfo, seconds: float) -> None:
        await self._limiter.penalize(call, seconds)

    async def aclose(self) -> None:
        await self._limiter.aclose()


async def child(opts: dict[str, Any]) -> dict[str, Any]:
    w = Workload(**{**opts["workload"], "groups": tuple(opts["workload"]["groups"])})
    plan = plan_of(w)
    backend = opts["backend"]
    if backend == "memory":
        from coze_client.limits import MemoryLimiter

        limiter: Any = MemoryLimiter(plan)
    elif backend == "sqlite":
        from coze_client.limits import SqliteLimiter

        limiter = SqliteLimiter(plan, opts["where"])
    else:
        from coze_client.limits.redis import RedisLimiter

        limiter = RedisLimiter(plan, opts["where"], prefix=opts["prefix"])
    records: dict[int, dict[str, float]] = {k: {} for k in opts["calls"]}
    spy = EstimateSpy(limiter, records, head=opts["head"])
    http = httpx.AsyncClient(transport=LatencyTransport(w, opts["seed"], opts["stream_scale"], records),
                             timeout=httpx.Timeout(120.0))
    failures: list[str] = []
    if w.preset.startswith("xingchen"):
        from providers import XingchenProvider

        client: Any = XingchenProvider(api_key=XC_KEY, character_id="char_1", base_url=opts["base_url"], plan=plan,
                                       limiter=spy, ledger="none://", http_client=http, max_retries=0,
                                       parameters={"maxLength": 200})
    else:
        from coze_client import AsyncCoze

        client = AsyncCoze(token=TOKEN, base_url=opts["base_url"], plan=plan, account="pacing", limiter=spy,
                           ledger="none://", http_client=http, max_retries=0)

    async def one(k: int) -> None:
        CALL.set(k)
        rec = records[k]
        rec["ask"] = time.monotonic()
        try:
            if w.preset.startswith("xingchen"):
                await client.chat("你好")
            elif w.stream:
                async with client.chat.stream(bot_id=BOT, user_id="u", additional_messages=["hi"]) as events:
                    async for _ in events:
                        pass
            elif w.path == "/v3/chat":
                await client.chat.create(bot_id=BOT, user_id="u", additional_messages=["hi"])
            else:
                await client.workflows.runs.create(workflow_id="7350000000000000002", parameters={"q": "hi"})
        except Exception as exc:
            failures.append(f"{type(exc).__name__}: {exc}"[:200])
        rec["end"] = time.monotonic()

    delay = opts["start"] - time.time()
    if delay > 0:
        await asyncio.sleep(delay)
    await asyncio.gather(*(one(k) for k in opts["calls"]))
    await client.aclose()
    await http.aclose()
    await limiter.aclose()
    return {"records": records, "failures": failures}


# -- optima ---------------------------------------------------------------------------------------------


def _earliest(pieces: list[tuple[float, float]], lower: float, need: float, cap: float) -> float:
    """Earliest t >= lower with sum(w for until, w in pieces if until > t) + need <= cap (pieces sorted)."""
    total = sum(w for _, w in pieces) + need
    t = lower
    for until, w in pieces:
        if total <= cap + 1e-9:
            break
        total -= w
        t = max(t, until)
    return t


def optimum(plan: Plan, groups: tuple[str, ...], calls: list[dict[str, float]], *, provable: bool) -> float:
    """End of the best schedule (see the module docstring); ``calls`` (all of ``groups``) in serving order."""
    probe = CallInfo("bench", "a", "POST", "/", groups=groups)
    lims = [lim for lim in plan.limits if lim.kind != "concurrency" and lim.applies_to(probe)]
    pieces: dict[str, list[tuple[float, float]]] = {lim.name: [] for lim in lims}
    req_until: dict[str, list[float]] = {lim.name: [] for lim in lims}
    finish = 0.0
    for c in calls:
        if provable:
            lower, lat, rest = c["ask"], c["head"] - c["send"], c["end"] - c["head"]
        else:  # never before its uplink; then the same server time, downlink and body as measured
            lower, lat, rest = c["ask"] + (c["arrival"] - c["send"]), 0.0, c["end"] - c["arrival"]
        t = lower
        for _ in range(len(lims) + 1):  # every limit at once: iterate to the fixpoint
            before = t
            for lim in lims:
                if lim.kind == "requests":
                    until = req_until[lim.name]
                    if len(until) >= lim.limit:
                        t = max(t, until[len(until) - lim.limit])
                else:
                    t = max(t, _earliest(pieces[lim.name], t, c["est"] if provable else c["used"], lim.limit))
            if t == before:
                break
        head = t + lat
        end = head + rest
        finish = max(finish, end)
        for lim in lims:
            if lim.kind == "requests":
                bisect.insort(req_until[lim.name], (head if provable else t) + lim.window)
            elif provable:  # the estimate until the end, the real usage one window more
                bisect.insort(pieces[lim.name], (end, c["est"] - c["used"]))
                bisect.insort(pieces[lim.name], (end + lim.window, c["used"]))
            else:
                bisect.insort(pieces[lim.name], (t + lim.window, c["used"]))
    return finish


# -- the run ------------------------------------------------------------------------------------------


def start_redis() -> tuple[subprocess.Popen[bytes], str, str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server not found: install it or pass --backends memory,sqlite")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    workdir = tempfile.mkdtemp(prefix="pacing-redis-")
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", workdir, "--save", "",
                             "--loglevel", "warning"], stdout=subprocess.DEVNULL)
    for _ in range(500):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, f"redis://127.0.0.1:{port}/0", workdir
        except OSError:
            time.sleep(0.02)
    proc.terminate()
    raise SystemExit("redis-server did not start")


def run_one(w: Workload, backend: str, args: argparse.Namespace, redis_url: str | None, tmp: str) -> dict[str, Any]:
    plan = plan_of(w)
    server = Server(plan)
    base_url = server.start()
    n_procs = PROCS[backend]
    where = redis_url if backend == "redis" else os.path.join(tmp, f"{w.name}-{uuid.uuid4().hex[:6]}.db")
    start = time.time() + 2.0 + 0.3 * n_procs  # every process begins together, after its imports
    procs = []
    for i in range(n_procs):
        opts = {"workload": {**w.__dict__, "groups": list(w.groups)}, "backend": backend, "where": where,
                "prefix": f"pacing-{uuid.uuid4().hex[:8]}" if i == 0 else None, "base_url": base_url,
                "calls": list(range(i, w.calls, n_procs)), "seed": args.seed, "stream_scale": args.stream_scale,
                "start": start, "head": not args.no_head}
        procs.append(opts)
    prefix = procs[0]["prefix"]
    children = []
    for opts in procs:
        opts["prefix"] = prefix
        children.append(subprocess.Popen([sys.executable, __file__, "--child", json.dumps(opts)],
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    records: dict[int, dict[str, float]] = {}
    failures: list[str] = []
    for p in children:
        out, err = p.communicate(timeout=900)
        if p.returncode != 0:
            raise SystemExit(f"a client process failed:\n{err[-3000:]}")
        data = json.loads(out.strip().splitlines()[-1])
        records.update({int(k): v for k, v in data["records"].items()})
        failures += data["failures"]
    server.stop()
    throttled = sum(1 for _, ok in server.arrivals.values() if not ok)
    calls = []
    for k, rec in records.items():
        arrival = server.arrivals.get(k, (rec.get("head", rec["end"]), True))[0]
        d = draw(args.seed, k, w, args.stream_scale)
        used = 10 + d["out"] if w.preset.startswith("xingchen") else 0.0
        calls.append({**rec, "arrival": arrival, "used": used, "k": k})
    t0 = min(c["ask"] for c in calls)
    measured = max(c["end"] for c in calls) - t0
    strict = optimum(plan, w.groups, sorted(calls, key=lambda c: c["arrival"]), provable=False) - t0
    provable = optimum(plan, w.groups, sorted(calls, key=lambda c: c["send"]), provable=True) - t0
    return {"workload": w.name, "backend": f"{backend} ({n_procs})", "calls": len(calls), "throttled": throttled,
            "failed": len(failures), "first_failure": failures[0] if failures else "", "seconds": measured,
            "strict": strict, "provable": provable}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--only", default="", help="comma-separated workloads")
    parser.add_argument("--backends", default="memory,sqlite,redis")
    parser.add_argument("--stream-scale", type=float, default=3.0, help="divide 3-30 s stream bodies by this")
    parser.add_argument("--xingchen-scale", type=float, default=0.5, help="multiply Xingchen's windows by this")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--no-head", action="store_true",
                        help="hide the response head from the limiter (slots count until the release, as before)")
    parser.add_argument("--json", default="", help="also write the rows to this file")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(child(json.loads(args.child)))))
        return
    chosen = workloads(args)
    names = [n for n in args.only.split(",") if n] or list(chosen)
    backends = [b for b in args.backends.split(",") if b]
    redis_proc = None
    redis_url = None
    if "redis" in backends:
        redis_proc, redis_url, _ = start_redis()
    tmp = tempfile.mkdtemp(prefix="pacing-")
    rows = []
    print(f"{'workload':16} {'backend':11} {'calls':>5} {'throttled':>9} {'failed':>6} {'seconds':>8} "
          f"{'strict opt':>10} {'util':>6} {'provable':>8} {'util':>6}")
    try:
        for name in names:
            for backend in backends:
                row = run_one(chosen[name], backend, args, redis_url, tmp)
                rows.append(row)
                print(f"{row['workload']:16} {row['backend']:11} {row['calls']:5d} {row['throttled']:9d} "
                      f"{row['failed']:6d} {row['seconds']:8.2f} {row['strict']:10.2f} "
                      f"{row['strict'] / row['seconds']:6.1%} {row['provable']:8.2f} "
                      f"{row['provable'] / row['seconds']:6.1%}", flush=True)
                if row["first_failure"]:
                    print(f"    first failure: {row['first_failure']}", flush=True)
    finally:
        if redis_proc is not None:
            redis_proc.terminate()
            redis_proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=2)


if __name__ == "__main__":
    main()
