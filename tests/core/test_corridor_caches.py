"""The corridor's caches stay bounded however many endpoint objects and URLs pass through it."""

from __future__ import annotations

from coze_client import AsyncCoze
from coze_client._request import Endpoint
from coze_client._transport import _CACHE_SIZE
from coze_client.testing.fake_realtime import FakeRealtime

TOKEN = "pat_WStestSECRETtoken123456789"


async def test_a_new_endpoint_object_per_call_shares_one_record() -> None:
    async with AsyncCoze(token=TOKEN, base_url="https://api.coze.cn", plan=None, ledger="none://") as coze:
        corridor = coze._corridor
        records = {id(corridor.call_info(Endpoint("GET", "/v1/audio/speech", groups=("ws",)))) for _ in range(5000)}
        assert len(records) == 1 and len(corridor._call_infos) == 1
        info = corridor.call_info(Endpoint("GET", "/v1/audio/speech", groups=("ws",)))
        assert (info.method, info.path, info.groups) == ("GET", "/v1/audio/speech", ("ws",))
        # Different groups are a different record.
        assert corridor.call_info(Endpoint("GET", "/v1/audio/speech", groups=("other",))).groups == ("other",)


async def test_many_distinct_endpoints_stay_within_the_bound() -> None:
    async with AsyncCoze(token=TOKEN, base_url="https://api.coze.cn", plan=None, ledger="none://") as coze:
        corridor = coze._corridor
        for i in range(3 * _CACHE_SIZE):
            corridor.call_info(Endpoint("POST", f"/rpc/2.0/ai_custom/v1/classification/s{i}"))
            corridor._parsed_url(f"https://api.coze.cn/v1/files/{i}")
        assert len(corridor._call_infos) <= _CACHE_SIZE and len(corridor._urls) <= _CACHE_SIZE


async def test_websocket_sessions_add_no_entry_each() -> None:
    async with FakeRealtime(tokens=[TOKEN]) as server, AsyncCoze(token=TOKEN, base_url=server.base_url, plan=None,
                                                                 ledger="none://") as coze:
        before = len(coze._corridor._call_infos)
        for _ in range(20):
            async with coze.websockets.audio.speech():
                pass
        assert len(coze._corridor._call_infos) == before + 1
