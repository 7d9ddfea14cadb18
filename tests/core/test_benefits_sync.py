"""The service's usage counts fed back into the real (memory) ledger, which then guards the quota."""

from __future__ import annotations

import httpx
import pytest
import respx

from coze_client import AsyncCoze, QuotaExhaustedError

BODY = {"code": 0, "msg": "", "data": {
    "basic_info": {"user_level": "free"},
    "benefit_info": [{"benefit_type": "api_call_quota", "resource_id": "all",
                      "basic": {"status": "valid", "item_info": {"strategy": "fixed", "total": 500, "used": 480}},
                      "effective": {"status": "valid", "item_info": {"strategy": "fixed", "total": 500,
                                                                     "used": 499}}}]}}


async def test_sync_ledger_then_the_quota_holds() -> None:
    async with AsyncCoze(token="pat_sync_token_1234567", plan="coze.personal_free", account="team",
                         ledger="memory://") as coze:
        with respx.mock(base_url="https://api.coze.cn") as api:
            benefits = api.get("/v1/commerce/benefit/benefits/get").mock(return_value=httpx.Response(200,
                                                                                                    json=BODY))
            api.get("/v1/users/me").mock(return_value=httpx.Response(200, json={"code": 0, "data": {}}))
            updates = await coze.benefits.sync_ledger({"api_call_quota": "free_calls"},
                                                      benefit_type_list=["api_call_quota"])
            assert updates == {"free_calls": 499.0}  # the effective block wins over basic
            assert benefits.calls[0].request.url.params["benefit_type_list"] == "api_call_quota"
            # The sync call itself was an API call: 499 reported, so the ledger is at 499 now (its own
            # call counted before the correction). One more fits; the next is refused locally.
            await coze.users.me()
            with pytest.raises(QuotaExhaustedError):
                await coze.users.me()
