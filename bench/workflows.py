"""Workflow surface cost: coze-client against the official SDK (cozepy 0.20.0), client-side only.

Both clients talk to the same in-process ``httpx.MockTransport`` (fixed answers, no sockets), so the figures
are the clients' own cost: request building, the limiter and ledger seams (coze-client with ``plan=None``,
so the in-memory limiter has no limit to wait for and only its bookkeeping is measured, and the memory
ledger), parsing. With a real plan the limiter would pace the calls at the plan's workflow QPS, by design.

- a workflow stream of N ``Message`` events (plus PINGs, then ``Done``): seconds to read and type it, best of
  the rounds; coze-client also checks id continuity and keeps ``Done``'s debug_url;
- a blocking ``workflows.runs.create``: microseconds per call, median of the rounds.

Run: ``python bench/workflows.py [--events 20000] [--calls 2000] [--rounds 5]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

RUN_BODY = json.dumps({
    "code": 0, "msg": "", "data": json.dumps({"answer": "sunny", "temperature": 21}), "execute_id": "7400000000001",
    "debug_url": "https://www.coze.cn/work_flow?execute_id=7400000000001",
    "usage": {"input_count": 20, "output_count": 10, "token_count": 30}, "detail": {"logid": "L"},
}).encode()


def stream_body(events: int) -> bytes:
    parts = []
    event_id = 0
    message = {"content": "token ", "node_title": "LLM", "node_seq_id": "0", "node_is_finish": False,
               "node_id": "900001", "node_execute_uuid": "7400000000002"}
    for i in range(events):
        message["node_seq_id"] = str(i)
        parts.append(f"id: {event_id}\nevent: Message\ndata: {json.dumps(message)}\n\n")
        event_id += 1
        if i % 1000 == 999:
            parts.append(f'id: {event_id}\nevent: PING\ndata: {{"content": "{{}}"}}\n\n')
            event_id += 1
    parts.append(f'id: {event_id}\nevent: Done\ndata: {{"debug_url": "https://www.coze.cn/work_flow"}}\n\n')
    return "".join(parts).encode()


def transport(stream: bytes) -> httpx.MockTransport:
    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/workflow/stream_run":
            async def chunks() -> Any:
                for i in range(0, len(stream), 64 * 1024):
                    yield stream[i : i + 64 * 1024]

            return httpx.Response(200, headers={"content-type": "text/event-stream", "x-tt-logid": "S"},
                                  content=chunks())
        return httpx.Response(200, headers={"content-type": "application/json", "x-tt-logid": "L"},
                              content=RUN_BODY)

    return httpx.MockTransport(handler)


async def main(events: int, calls: int, rounds: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import cozepy

    from coze_client import AsyncCoze

    stream = stream_body(events)
    base = "https://api.coze.cn"
    ours = AsyncCoze(token="pat_bench", base_url=base, plan=None, ledger="memory://",
                     http_client=httpx.AsyncClient(transport=transport(stream)))
    theirs = cozepy.AsyncCoze(auth=cozepy.AsyncTokenAuth("pat_bench"), base_url=base,
                              http_client=cozepy.AsyncHTTPClient(transport=transport(stream)))

    async def ours_stream() -> int:
        n = 0
        async with ours.workflows.runs.stream(workflow_id="w1", parameters={"q": "x"}) as events_:
            async for _ in events_:
                n += 1
        assert events_.debug_url and not events_.gaps
        return n

    async def theirs_stream() -> int:
        n = 0
        async for _ in theirs.workflows.runs.stream(workflow_id="w1", parameters={"q": "x"}):
            n += 1
        return n

    async def ours_run() -> None:
        await ours.workflows.runs.create(workflow_id="w1", parameters={"q": "x"})

    async def theirs_run() -> None:
        await theirs.workflows.runs.create(workflow_id="w1", parameters={"q": "x"})

    async def timed(fn: Callable[[], Awaitable[Any]], repeat: int) -> float:
        start = time.perf_counter()
        for _ in range(repeat):
            await fn()
        return time.perf_counter() - start

    stream_times: dict[str, list[float]] = {"coze-client": [], "cozepy 0.20.0": []}
    run_times: dict[str, list[float]] = {"coze-client": [], "cozepy 0.20.0": []}
    counts = {"coze-client": await ours_stream(), "cozepy 0.20.0": await theirs_stream()}  # warm-up
    for _ in range(rounds):  # interleaved so machine noise hits both alike
        stream_times["coze-client"].append(await timed(ours_stream, 1))
        stream_times["cozepy 0.20.0"].append(await timed(theirs_stream, 1))
        run_times["coze-client"].append(await timed(ours_run, calls) / calls * 1e6)
        run_times["cozepy 0.20.0"].append(await timed(theirs_run, calls) / calls * 1e6)
    await ours.aclose()

    print(f"workflow stream: {events} Message events (+PINGs, Done); blocking run: {calls} calls; {rounds} rounds")
    print("| client | stream best (s) | events/s | events yielded | run median (µs/call) |")
    print("|---|---|---|---|---|")
    for name in stream_times:
        best = min(stream_times[name])
        print(f"| {name} | {best:.3f} | {counts[name] / best:,.0f} | {counts[name]} | "
              f"{statistics.median(run_times[name]):,.0f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.events, args.calls, args.rounds))
