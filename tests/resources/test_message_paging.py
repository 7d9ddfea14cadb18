"""Paging a long conversation's messages against FakeCoze, in both orders (the message-list page's cursors)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Literal

import pytest

from coze_client import AsyncCoze
from coze_client.testing import FakeCoze, ManualClock

from ..core.doubles import RecordingLedger, RecordingLimiter

TOKEN = "pat_TESTsecretTOKEN1234567890"


@pytest.fixture
def fake() -> Iterator[FakeCoze]:
    fake = FakeCoze(plan="coze.personal_free", clock=ManualClock(1000.0))
    with fake.mock():
        yield fake


@pytest.fixture
async def client(fake: FakeCoze) -> AsyncIterator[AsyncCoze]:
    coze = AsyncCoze(token=TOKEN, base_url="https://api.coze.cn", plan=None,
                     limiter=RecordingLimiter(), ledger=RecordingLedger())  # type: ignore[arg-type]
    yield coze
    await coze.aclose()


async def conversation_of(fake: FakeCoze, client: AsyncCoze, count: int) -> tuple[str, list[str]]:
    """A conversation holding ``count`` messages (one made over the API, the rest cloned from it)."""
    conv = await client.conversations.create()
    first = await client.conversations.messages.create(conversation_id=conv.id, role="user", content="m0")
    stored = fake.messages[conv.id]
    template = dict(stored[0])
    for i in range(1, count):
        stored.append({**template, "id": fake.new_id(), "content": f"m{i}", "created_at": template["created_at"] + i})
    return conv.id, [first.id, *[m["id"] for m in stored[1:]]]


@pytest.mark.parametrize("order", ["desc", "asc"])
@pytest.mark.parametrize("limit", [50, 7])
async def test_paging_120_messages_visits_each_once(fake: FakeCoze, client: AsyncCoze,
                                                    order: Literal["asc", "desc"], limit: int) -> None:
    conv_id, oldest_first = await conversation_of(fake, client, 120)
    pages = [page async for page in client.conversations.messages.list(conversation_id=conv_id, order=order,
                                                                        limit=limit).pages()]
    got = [m.id for page in pages for m in page]
    assert got == (oldest_first[::-1] if order == "desc" else oldest_first)
    assert len(pages) == -(-120 // limit) and not pages[-1].has_more


async def test_one_page_then_the_next_by_hand(fake: FakeCoze, client: AsyncCoze) -> None:
    conv_id, oldest_first = await conversation_of(fake, client, 120)
    newest = await client.conversations.messages.list(conversation_id=conv_id, limit=50)
    assert [m.id for m in newest] == oldest_first[::-1][:50] and newest.has_more
    older = await client.conversations.messages.list(conversation_id=conv_id, limit=50, after_id=newest.last_id)
    assert [m.id for m in older] == oldest_first[::-1][50:100]
