"""Query strings are encoded exactly as httpx's params= would; ledger='none://' never hides a guard."""

from __future__ import annotations

import httpx
import pytest
import respx

from coze_client import AsyncCoze, ValidationError
from coze_client.ledger import NullLedger

TOKEN = "pat_query_token_123456"


async def test_query_encoding_matches_httpx() -> None:
    params = {"conversation_id": "a b/é&=", "chat_id": "7"}
    expected = httpx.Request("GET", "https://api.coze.cn/v3/chat/retrieve", params=params).url
    async with AsyncCoze(token=TOKEN, plan=None, ledger="none://") as coze:
        with respx.mock(base_url="https://api.coze.cn") as api:
            route = api.get("/v3/chat/retrieve").mock(return_value=httpx.Response(200, json={"code": 0,
                                                                                              "data": {}}))
            await coze.chat.retrieve(**params)
    assert route.calls[0].request.url == expected


async def test_booleans_and_lists_in_queries() -> None:
    async with AsyncCoze(token=TOKEN, plan=None, ledger="none://") as coze:
        request = coze._corridor.build(
            __import__("coze_client.resources.chat", fromlist=["RETRIEVE"]).RETRIEVE,
            params={"flag": True, "off": False, "ids": ["1", "2"], "skip": None},
        )
    assert str(request.url).endswith("?flag=true&off=false&ids=1&ids=2")


def test_null_ledger_refuses_a_plan_with_a_blocking_quota() -> None:
    with pytest.raises(ValidationError, match="free_calls"):
        AsyncCoze(token=TOKEN, plan="coze.personal_free", ledger="none://")
    coze = AsyncCoze(token=TOKEN, plan="coze.personal_paid", ledger="none://")
    assert isinstance(coze.ledger, NullLedger)
