"""A worker process for the multi-process sqlite test and bench: paces calls through one file."""

from __future__ import annotations

import asyncio
import random
import time

from coze_client._call import CallInfo
from coze_client.limits import Limit, Plan, SqliteLimiter
from coze_client.limits.base import mark_responded


def run(path: str, limits: list[dict[str, object]], calls: int, seed: int) -> list[tuple[float, float, float]]:
    """Make ``calls`` paced calls; return (grant, response head, arrival) per call, monotonic seconds."""
    plan = Plan(name="shared", provider="coze", limits=tuple(Limit(**d) for d in limits))  # type: ignore[arg-type]
    rng = random.Random(seed)

    async def main() -> list[tuple[float, float, float]]:
        limiter = SqliteLimiter(plan, path, poll_interval=0.005)
        out: list[tuple[float, float, float]] = []

        async def one() -> None:
            call = CallInfo("coze", "shared-account", "POST", "/v3/chat", groups=("chat", "model"))
            permit = await limiter.acquire(call)
            grant = time.monotonic()
            await asyncio.sleep(rng.uniform(0.0, 0.05))
            response = time.monotonic()  # the response head: the request has arrived by now
            mark_responded(permit)
            await asyncio.sleep(rng.uniform(0.0, 0.1))  # the body streams on; the request slot is already free
            await permit.release()
            out.append((grant, response, grant + rng.random() * (response - grant)))

        await asyncio.gather(*(one() for _ in range(calls)))
        await limiter.aclose()
        return out

    return asyncio.run(main())
