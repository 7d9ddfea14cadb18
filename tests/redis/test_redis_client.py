"""AsyncCoze with ``limiter="redis://..."`` and ``ledger="redis://..."``: two clients, one account, one quota."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from redis_helpers import short_plan

from coze_client import AsyncCoze
from coze_client.errors import QuotaExhaustedError
from coze_client.ledger.redis import RedisLedger
from coze_client.limits.redis import RedisLimiter
from coze_client.testing import FakeCoze

pytestmark = pytest.mark.redis

TOKEN = "pat_redisclienttest0000000000"
BOT = "7350000000000000042"


async def test_two_clients_share_the_free_calls_through_redis_urls(redis_url: str, prefix: str) -> None:
    plan = short_plan(limit=4, window=0.2, quota=9)
    fake = FakeCoze(tokens=[TOKEN], plan=plan)
    fake.bot(BOT, replies=["hello"])
    url = f"{redis_url}?prefix={prefix}"
    http = httpx.AsyncClient(transport=fake.transport())
    clients = [
        AsyncCoze(
            token=TOKEN,
            plan=plan,
            account="shared",
            limiter=url,
            ledger=url,
            max_retries=0,
            http_client=http,
        )
        for _ in range(2)
    ]
    assert isinstance(clients[0].limiter, RedisLimiter) and isinstance(clients[0].ledger, RedisLedger)

    async def one(i: int) -> bool:
        try:
            await clients[i % 2].chat.create(bot_id=BOT, user_id="u1", additional_messages=["hi"])
        except QuotaExhaustedError:
            return False
        return True

    results = await asyncio.gather(*(one(i) for i in range(12)))
    assert sum(results) == 9  # exactly the quota, across both clients
    assert fake.stats.rejections == 0 and fake.stats.max_over_limit == 0
    assert fake.stats.by_path.get("POST /v3/chat") == 9
    for client in clients:
        await client.aclose()
    await http.aclose()


async def test_one_redis_ledger_instance_outlives_the_clients_it_serves(redis_url: str, prefix: str) -> None:
    """Ownership (issue 14.1): a client never closes a ledger or limiter it was given."""
    plan = short_plan(limit=4, window=0.2, quota=9)
    fake = FakeCoze(tokens=[TOKEN], plan=plan)
    fake.bot(BOT, replies=["hello"])
    ledger = RedisLedger(redis_url, prefix=prefix)
    limiter = RedisLimiter(plan, redis_url, prefix=prefix)
    http = httpx.AsyncClient(transport=fake.transport())
    for _ in range(2):  # the second client finds both open after the first closed
        async with AsyncCoze(token=TOKEN, plan=plan, account="shared", limiter=limiter, ledger=ledger,
                             max_retries=0, http_client=http) as coze:
            await coze.chat.create(bot_id=BOT, user_id="u1", additional_messages=["hi"])
    used = {r.quota: r.used for r in await ledger.snapshot(account="shared")}
    assert used["free_calls"] == 2
    await limiter.aclose()
    await ledger.aclose()
    await http.aclose()
