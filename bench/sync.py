"""The sync client ``Coze`` against ``AsyncCoze``: per-call cost and stream throughput (issue 18).

Both clients talk to the same loopback HTTP server as ``bench/overhead.py`` (uvicorn in its own process,
fixed answers), in one run, interleaved call by call so that the shared machine's load hits them alike:

- ``chat.retrieve``: sequential calls, microseconds per call (median); the async client runs on an event
  loop in the main thread, the sync client is called from the main thread and runs on the SDK loop thread;
- a chat stream of 20,000 ``conversation.message.delta`` events: events per second (best of the rounds);
- the thread hop alone: a no-op coroutine run on the SDK loop from the calling thread, what the sync face
  adds to every call before the machine's scheduling latency;
- ``chat.retrieve`` from 8 threads sharing one ``Coze`` (throughput, calls/s) next to 8 tasks on one
  ``AsyncCoze``: what threads cost when they share the one SDK loop.

Targets (issue 18): per call at most 1.2x the async client's cost + 50 us; streams at least 80 % of the
async client's events/s.

Run: ``python bench/sync.py [--calls 2000] [--rounds 5] [--events 20000]``
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import statistics
import threading
import time

from overhead import free_port, serve, wait_up

from coze_client import AsyncCoze, Coze

TOKEN = "pat_bench_token_000000"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--streams-only", action="store_true", help="measure the streams alone (quicker)")
    args = parser.parse_args()

    port = free_port()
    proc = mp.get_context("spawn").Process(target=serve, args=(port, args.events), daemon=True)
    proc.start()
    base = f"http://127.0.0.1:{port}"
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(wait_up(base))
        options = dict(token=TOKEN, base_url=base, plan="coze.personal_paid", account="bench", ledger="memory://")
        aclient = loop.run_until_complete(_make_async(options))
        sclient = Coze(**options)  # type: ignore[arg-type]

        def async_call() -> None:
            loop.run_until_complete(aclient.chat.retrieve(conversation_id="c", chat_id="h"))

        async def one_async_retrieve() -> None:
            await aclient.chat.retrieve(conversation_id="c", chat_id="h")

        def sync_call() -> None:
            sclient.chat.retrieve(conversation_id="c", chat_id="h")

        async def async_stream() -> int:
            n = 0
            async with aclient.chat.stream(bot_id="b", user_id="u", additional_messages=["hi"]) as events:
                async for _ in events:
                    n += 1
            return n

        def sync_stream() -> int:
            n = 0
            with sclient.chat.stream(bot_id="b", user_id="u", additional_messages=["hi"]) as events:
                for _ in events:
                    n += 1
            return n

        async def async_many(total: int) -> None:
            per = total // args.threads

            async def worker() -> None:
                for _ in range(per):
                    await one_async_retrieve()

            await asyncio.gather(*(worker() for _ in range(args.threads)))

        def sync_many(total: int) -> None:
            per = total // args.threads
            threads = [threading.Thread(target=lambda: [sync_call() for _ in range(per)])
                       for _ in range(args.threads)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()

        # Warm up connections and caches.
        async_call()
        sync_call()
        assert loop.run_until_complete(async_stream()) == args.events + 2
        assert sync_stream() == args.events + 2

        clock = time.perf_counter
        # Each async call is timed inside the loop (no run_until_complete around it).
        async def timed_async() -> float:
            start = clock()
            await one_async_retrieve()
            return (clock() - start) * 1e6

        async def noop() -> None:
            return None

        hops: list[float] = []
        per_call: dict[str, list[float]] = {"AsyncCoze": [], "Coze (sync)": []}
        cpu: dict[str, list[float]] = {"AsyncCoze": [], "Coze (sync)": []}
        cpu_clock = time.process_time  # CPU of the whole process (every thread): what the load cannot inflate
        streams: dict[str, list[float]] = {"AsyncCoze": [], "Coze (sync)": []}
        many: dict[str, list[float]] = {"AsyncCoze": [], "Coze (sync)": []}
        stream_cpu: dict[str, list[float]] = {"AsyncCoze": [], "Coze (sync)": []}  # --streams-only
        for _ in range(args.rounds):
            if args.streams_only:
                start, cpu_start = clock(), cpu_clock()
                loop.run_until_complete(async_stream())
                streams["AsyncCoze"].append(clock() - start)
                stream_cpu["AsyncCoze"].append(cpu_clock() - cpu_start)
                start, cpu_start = clock(), cpu_clock()
                sync_stream()
                streams["Coze (sync)"].append(clock() - start)
                stream_cpu["Coze (sync)"].append(cpu_clock() - cpu_start)
                continue
            for _ in range(args.calls):
                per_call["AsyncCoze"].append(loop.run_until_complete(timed_async()))
                start = clock()
                sync_call()
                per_call["Coze (sync)"].append((clock() - start) * 1e6)
                start = clock()
                sclient.run(noop())
                hops.append((clock() - start) * 1e6)
            # CPU per call, in blocks (the process's CPU over all its threads; not interleaved call by call).
            start = cpu_clock()
            for _ in range(args.calls // 4):
                async_call()
            cpu["AsyncCoze"].append((cpu_clock() - start) * 1e6 / (args.calls // 4))
            start = cpu_clock()
            for _ in range(args.calls // 4):
                sync_call()
            cpu["Coze (sync)"].append((cpu_clock() - start) * 1e6 / (args.calls // 4))
            start = clock()
            loop.run_until_complete(async_stream())
            streams["AsyncCoze"].append(clock() - start)
            start = clock()
            sync_stream()
            streams["Coze (sync)"].append(clock() - start)
            start = clock()
            loop.run_until_complete(async_many(args.calls))
            many["AsyncCoze"].append(clock() - start)
            start = clock()
            sync_many(args.calls)
            many["Coze (sync)"].append(clock() - start)

        if args.streams_only:
            _report_streams(args, streams)
            a_cpu = statistics.median(stream_cpu["AsyncCoze"])
            s_cpu = statistics.median(stream_cpu["Coze (sync)"])
            print(f"CPU per stream (median, all threads): async {a_cpu:.3f} s, sync {s_cpu:.3f} s:"
                  f" sync events per CPU second {a_cpu / s_cpu:.0%} of async")
            sclient.close()
            loop.run_until_complete(aclient.aclose())
            return
        a_us = statistics.median(per_call["AsyncCoze"])
        s_us = statistics.median(per_call["Coze (sync)"])
        print(f"\nchat.retrieve over loopback, {args.calls} x {args.rounds} calls per client, interleaved (median)")
        a_cpu = statistics.median(cpu["AsyncCoze"])
        print(f"{'client':24} {'us/call':>9} {'vs async':>9} {'CPU us/call':>12} {'vs async':>9}")
        for name, values in per_call.items():
            us = statistics.median(values)
            c = statistics.median(cpu[name])
            print(f"{name:24} {us:9.1f} {us / a_us:8.2f}x {c:12.1f} {c / a_cpu:8.2f}x")
        print(f"{'thread hop (no-op call)':24} {statistics.median(hops):9.1f}")
        budget = 1.2 * a_us + 50
        print(f"target: sync <= 1.2 x async + 50 us = {budget:.1f} us -> {'OK' if s_us <= budget else 'MISSED'}")
        s_cpu = statistics.median(cpu["Coze (sync)"])
        cpu_ok = "OK" if s_cpu <= 1.2 * a_cpu + 50 else "MISSED"
        print(f"target on CPU: {s_cpu:.1f} <= 1.2 x {a_cpu:.1f} + 50 us -> {cpu_ok}")

        _report_streams(args, streams)

        print(f"\n{args.calls} chat.retrieve calls from {args.threads} tasks / threads on one client (best of rounds)")
        print(f"{'client':24} {'calls/s':>9}")
        for name, values in many.items():
            print(f"{name:24} {args.calls / min(values):9.0f}")

        sclient.close()
        loop.run_until_complete(aclient.aclose())
    finally:
        proc.terminate()
        proc.join(5)
        loop.close()


def _report_streams(args: argparse.Namespace, streams: dict[str, list[float]]) -> None:
    print(f"\nchat stream of {args.events} delta events (best, median and range of {args.rounds}, interleaved)")
    print(f"{'client':24} {'best s':>9} {'events/s':>10} {'vs async':>9} {'median s':>9} {'vs async':>9}")
    a_best, a_med = min(streams["AsyncCoze"]), statistics.median(streams["AsyncCoze"])
    for name, values in streams.items():
        best, med = min(values), statistics.median(values)
        print(f"{name:24} {best:9.3f} {args.events / best:10.0f} {a_best / best:8.0%}"
              f" {med:9.3f} {a_med / med:8.0%}")
    # Round by round (async and sync ran back to back): the spread of the ratio.
    ratios = sorted(a / s for a, s in zip(streams["AsyncCoze"], streams["Coze (sync)"], strict=True))
    print(f"sync/async events/s per round: median {statistics.median(ratios):.0%},"
          f" range {ratios[0]:.0%}-{ratios[-1]:.0%}")
    ratio = a_med / statistics.median(streams["Coze (sync)"])
    print(f"target: sync median >= 80 % of async events/s -> {'OK' if ratio >= 0.8 else 'MISSED'}")


async def _make_async(options: dict[str, object]) -> AsyncCoze:
    return AsyncCoze(**options)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
