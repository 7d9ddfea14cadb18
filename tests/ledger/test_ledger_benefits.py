"""Reading Coze's GET /v1/commerce/benefit/benefits/get response (coze-api.md §2.4) into used counts."""

from __future__ import annotations

from typing import Any

import pytest
from ledger_helpers import MakeLedger, chat

from coze_client.errors import QuotaExhaustedError, ValidationError
from coze_client.ledger import parse_benefits, quota_updates_from_benefits, user_level
from coze_client.limits import get_plan

BODY: dict[str, Any] = {
    "code": 0,
    "msg": "",
    "data": {
        "basic_info": {"user_level": "free"},
        "benefit_info": [
            {
                "benefit_type": "api_run_qps",
                "resource_id": "chat",
                "basic": {"status": "valid", "item_info": {"strategy": "by_quota", "total": 20, "used": 0}},
                "extra": [{"status": "valid", "item_info": {"total": 5}}],
                "effective": {"status": "valid", "item_info": {"total": 25}},
            },
            {
                "benefit_type": "call_quota",
                "resource_id": "all",
                "basic": {"status": "valid", "item_info": {"strategy": "cumulative", "total": 500, "used": "431"}},
                "effective": {
                    "status": "valid",
                    "item_info": {"total": 500, "used": 498, "start_at": 1730000000, "end_at": 0},
                },
            },
        ],
    },
}


def test_parse_every_block() -> None:
    items = parse_benefits(BODY)
    assert [(i.benefit_type, i.block, i.total, i.used) for i in items] == [
        ("api_run_qps", "effective", 25, None),
        ("api_run_qps", "basic", 20, 0),
        ("api_run_qps", "extra", 5, None),
        ("call_quota", "effective", 500, 498),
        ("call_quota", "basic", 500, 431),
    ]
    assert items[3].start_at == 1730000000 and items[1].strategy == "by_quota"
    assert user_level(BODY) == "free" and user_level(BODY["data"]) == "free"  # envelope or data
    assert parse_benefits({"data": {}}) == []


def test_updates_prefer_effective_and_match_resource() -> None:
    assert quota_updates_from_benefits(BODY, {"call_quota": "free_calls"}) == {"free_calls": 498}
    # "type:resource" beats "type"; blocks without a used figure are skipped.
    assert quota_updates_from_benefits(BODY, {"api_run_qps:chat": "chat_qps_used"}) == {"chat_qps_used": 0}
    assert quota_updates_from_benefits(BODY, {"api_run_qps:workflow": "x"}) == {}


def test_bad_shapes_are_typed_errors() -> None:
    with pytest.raises(ValidationError):
        parse_benefits({"data": {"benefit_info": {"not": "a list"}}})
    with pytest.raises(ValidationError):
        parse_benefits({"data": "nope"})
    bad = {"data": {"benefit_info": [{"benefit_type": "t", "basic": {"item_info": {"used": "lots"}}}]}}
    with pytest.raises(ValidationError, match="non-numeric"):
        parse_benefits(bad)


async def test_feed_benefits_into_the_ledger(make_ledger: MakeLedger) -> None:
    ledger = make_ledger(get_plan("coze.personal_free"))
    for quota, used in quota_updates_from_benefits(BODY, {"call_quota": "free_calls"}).items():
        await ledger.set_used("coze", "team-a", quota, used)
    await ledger.reserve(chat())
    await ledger.reserve(chat())
    with pytest.raises(QuotaExhaustedError):
        await ledger.reserve(chat())
