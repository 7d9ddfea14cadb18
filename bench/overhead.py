"""Per-call overhead of coze-client against raw httpx and the official SDK (cozepy 0.20.0).

All clients talk to the same loopback HTTP server (uvicorn in a separate process, fixed answers, so the server's
cost is the same for everyone), in one run, interleaved in rounds so machine noise hits all of them alike:

- ``chat.retrieve``: sequential calls, microseconds per call (median of the rounds);
- a chat stream of 20,000 ``conversation.message.delta`` events: seconds to read and parse it (best of the rounds).

The headline row is **the default configuration**, what ``AsyncCoze(token=...)`` builds: the
``coze.personal_free`` plan, the memory limiter and the sqlite ledger in the state directory (here a
temporary ``COZE_CLIENT_STATE_DIR``; the free quota is raised so that every call of the run fits,
the code path is the same). Its ratios to raw httpx and to cozepy come from the same run.

Targets (issues 2 and 20): the default within 1.15x of raw httpx per call, and faster than cozepy.

``--inprocess``: the same clients on one in-process ``httpx.MockTransport`` (no sockets, no server), where
the client's own work is all there is to measure (retrieve only; mean as well as median, since batched
writes land on a few calls).

Run: ``python bench/overhead.py [--calls 2000] [--rounds 5] [--events 20000] [--inprocess]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import socket
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

CHAT = {"id": "7400000000000000002", "conversation_id": "7400000000000000001", "bot_id": "7351",
        "status": "completed", "created_at": 1700000000, "completed_at": 1700000001,
        "usage": {"token_count": 30, "output_count": 10, "input_count": 20}}
RETRIEVE_BODY = json.dumps({"code": 0, "msg": "", "data": CHAT, "detail": {"logid": "L"}}).encode()


def stream_body(events: int) -> bytes:
    parts = [f"event:conversation.chat.created\ndata:{json.dumps({**CHAT, 'status': 'created'})}\n\n"]
    delta = {"id": "m1", "conversation_id": CHAT["conversation_id"], "bot_id": "7351", "chat_id": CHAT["id"],
             "role": "assistant", "type": "answer", "content": "token ", "content_type": "text"}
    line = f"event:conversation.message.delta\ndata:{json.dumps(delta)}\n\n"
    parts.extend([line] * events)
    parts.append(f"event:conversation.chat.completed\ndata:{json.dumps(CHAT)}\n\n")
    parts.append('event:done\ndata:"[DONE]"\n\n')
    return "".join(parts).encode()


def serve(port: int, events: int) -> None:
    import uvicorn

    stream = stream_body(events)

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        if scope["path"] == "/v3/chat":
            headers = [(b"content-type", b"text/event-stream"), (b"x-tt-logid", b"S")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            chunk = 64 * 1024
            for i in range(0, len(stream), chunk):
                await send({"type": "http.response.body", "body": stream[i : i + chunk], "more_body": True})
            await send({"type": "http.response.body", "body": b""})
            return
        headers = [(b"content-type", b"application/json"), (b"x-tt-logid", b"L"),
                   (b"content-length", str(len(RETRIEVE_BODY)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": RETRIEVE_BODY})

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error", access_log=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_up(base: str) -> None:
    async with httpx.AsyncClient() as c:
        for _ in range(200):
            try:
                await c.get(base + "/ping")
                return
            except httpx.TransportError:
                await asyncio.sleep(0.05)
    raise RuntimeError("server did not start")


Runner = Callable[[], Awaitable[None]]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--inprocess", action="store_true", help="httpx.MockTransport instead of loopback")
    args = parser.parse_args()

    import os
    import tempfile

    import cozepy

    from coze_client import AsyncCoze
    from coze_client.limits import get_plan

    # The user's real state is never touched: the default ledger file goes to a temporary directory.
    os.environ["COZE_CLIENT_STATE_DIR"] = tempfile.mkdtemp(prefix="overhead-bench-")
    default_plan = get_plan("coze.personal_free", {"quotas": {"free_calls": {"limit": 10**12}}})

    proc = None
    transport: httpx.AsyncBaseTransport | None = None
    if args.inprocess:
        base = "http://bench.invalid"

        def answer(request: httpx.Request) -> httpx.Response:
            return httpx.Response(200, content=RETRIEVE_BODY,
                                  headers={"content-type": "application/json", "x-tt-logid": "L"})

        transport = httpx.MockTransport(answer)
    else:
        port = free_port()
        proc = mp.get_context("spawn").Process(target=serve, args=(port, args.events), daemon=True)
        proc.start()
        base = f"http://127.0.0.1:{port}"
    try:
        if proc is not None:
            await wait_up(base)
        raw = httpx.AsyncClient(base_url=base, transport=transport)
        default = AsyncCoze(token="pat_bench_token_000000", base_url=base, plan=default_plan)
        ours = AsyncCoze(token="pat_bench_token_000000", base_url=base, plan=None, ledger="memory://")
        ours_bare = AsyncCoze(token="pat_bench_token_000000", base_url=base, plan=None, ledger="none://")
        ours_plan = AsyncCoze(token="pat_bench_token_000000", base_url=base, plan="coze.personal_paid",
                              account="bench", ledger="memory://")
        theirs = cozepy.AsyncCoze(auth=cozepy.AsyncTokenAuth("pat_bench"), base_url=base,
                                  http_client=cozepy.AsyncHTTPClient(transport=transport) if transport else None)
        if transport is not None:
            # Swapped into the clients' own httpx clients: passing http_client= would change their path.
            for client in (default, ours, ours_bare, ours_plan):
                client._http._transport = transport

        async def raw_retrieve() -> None:
            r = await raw.get("/v3/chat/retrieve", params={"conversation_id": "c", "chat_id": "h"},
                              headers={"Authorization": "Bearer pat_bench"})
            r.json()

        async def default_retrieve() -> None:
            await default.chat.retrieve(conversation_id="c", chat_id="h")

        async def ours_retrieve() -> None:
            await ours.chat.retrieve(conversation_id="c", chat_id="h")

        async def ours_bare_retrieve() -> None:
            await ours_bare.chat.retrieve(conversation_id="c", chat_id="h")

        async def ours_plan_retrieve() -> None:
            await ours_plan.chat.retrieve(conversation_id="c", chat_id="h")

        async def cozepy_retrieve() -> None:
            await theirs.chat.retrieve(conversation_id="c", chat_id="h")

        async def raw_stream() -> None:
            async with raw.stream("POST", "/v3/chat", json={"bot_id": "b", "user_id": "u", "stream": True}) as r:
                async for _ in r.aiter_bytes():
                    pass

        async def ours_stream() -> None:
            n = 0
            async with ours.chat.stream(bot_id="b", user_id="u", additional_messages=["hi"]) as events:
                async for _ in events:
                    n += 1
            assert n == args.events + 2, n

        async def cozepy_stream() -> None:
            n = 0
            async for _ in theirs.chat.stream(bot_id="b", user_id="u"):
                n += 1
            assert n == args.events + 2, n

        headline = "coze-client, the default (sqlite ledger)"
        retrieve = {"raw httpx": raw_retrieve, headline: default_retrieve,
                    "coze-client (no ledger: none://)": ours_bare_retrieve,
                    "coze-client (no plan, memory ledger)": ours_retrieve,
                    "coze-client (plan + limiter + ledger)": ours_plan_retrieve, "cozepy 0.20.0": cozepy_retrieve}
        stream = {"raw httpx (bytes only)": raw_stream, "coze-client": ours_stream, "cozepy 0.20.0": cozepy_stream}
        if args.inprocess:
            stream = {}
        for fn in (*retrieve.values(), *stream.values()):  # warm up connections and caches
            await fn()
        per_call: dict[str, list[float]] = {k: [] for k in retrieve}
        stream_s: dict[str, list[float]] = {k: [] for k in stream}
        clock = time.perf_counter
        for _ in range(args.rounds):
            # Interleave the clients call by call and keep every call's time: load drifting on a shared
            # machine then hits every client alike, and the median ignores the outliers.
            for _ in range(args.calls):
                for name, fn in retrieve.items():
                    start = clock()
                    await fn()
                    per_call[name].append((clock() - start) * 1e6)
            for name, fn in stream.items():
                start = clock()
                await fn()
                stream_s[name].append(clock() - start)

        base_us = statistics.median(per_call["raw httpx"])
        theirs_us = statistics.median(per_call["cozepy 0.20.0"])
        where = "in process (httpx.MockTransport)" if args.inprocess else "over loopback"
        print(f"\nchat.retrieve {where}, {args.calls} x {args.rounds} calls per client, interleaved (median)")
        print(f"{'client':42} {'us/call':>9} {'vs raw httpx':>13} {'vs cozepy':>10} {'mean us':>9}")
        order = [headline, *(name for name in per_call if name != headline)]  # the default first
        for name in order:
            us = statistics.median(per_call[name])
            mean = statistics.fmean(per_call[name])
            print(f"{name:42} {us:9.1f} {us / base_us:12.2f}x {us / theirs_us:9.2f}x {mean:9.1f}")
        if stream:
            print(f"\nchat stream of {args.events} delta events (best of {args.rounds})")
            print(f"{'client':40} {'seconds':>9} {'events/s':>10}")
        for name, values in stream_s.items():
            best = min(values)
            print(f"{name:40} {best:9.3f} {args.events / best:10.0f}")
        await raw.aclose()
        await default.aclose()
        await ours.aclose()
        await ours_bare.aclose()
        await ours_plan.aclose()
    finally:
        if proc is not None:
            proc.terminate()
            proc.join(5)


if __name__ == "__main__":
    asyncio.run(main())
