"""Bots, users, workspaces and benefits over respx."""

from __future__ import annotations

import httpx
import pytest
import respx

from coze_client import AsyncCoze, errors
from coze_client.limits import PRESETS

from .helpers import ok, query_of

BENEFITS = {
    "basic_info": {"user_level": "pro_personal"},
    "benefit_info": [
        {"benefit_type": "api_run_qps", "resource_id": "chat",
         "basic": {"status": "valid", "item_info": {"strategy": "by_qps", "total": 100}},
         "extra": [{"status": "valid", "item_info": {"total": 50}}, {"status": "expired", "item_info": {"total": 9}}]},
        {"benefit_type": "api_run_qps", "resource_id": "workflow",
         "basic": {"status": "valid", "item_info": {"total": 100}},
         "effective": {"status": "valid", "item_info": {"total": 100, "used": 3}}},
    ],
}


async def test_bots_list_sends_page_num(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.get("/v1/bots").mock(side_effect=[
        ok({"items": [{"id": "b1", "name": "helper", "is_published": True, "published_at": 1700000000}],
            "total": 2}),
        ok({"items": [{"id": "b2", "name": "other"}], "total": 2}),
    ])
    bots = await coze.bots.list(workspace_id="s1", publish_status="all", connector_id="1024",
                                page_size=1).to_list()
    assert [b.id for b in bots] == ["b1", "b2"] and bots[0].is_published
    first = query_of(route, 0)
    assert first == {"workspace_id": "s1", "publish_status": "all", "connector_id": "1024", "page_num": "1",
                     "page_size": "1"}
    assert "page_index" not in first  # cozepy's bug (§9.6)
    assert query_of(route, 1)["page_num"] == "2"
    with pytest.raises(errors.ValidationError):
        coze.bots.list(workspace_id="")
    with pytest.raises(errors.ValidationError):
        coze.bots.list(workspace_id="s1", publish_status="draft")  # type: ignore[arg-type]


async def test_bots_retrieve(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.get("/v1/bots/b1").mock(return_value=ok({
        "bot_id": "b1", "name": "helper", "prompt_info": {"prompt": "be nice"},
        "model_info": {"model_id": "m", "model_name": "doubao"}, "new_field": 1}))
    bot = await coze.bots.retrieve(bot_id="b1", is_published=False)
    assert query_of(route) == {"is_published": "false"}
    assert bot.name == "helper" and bot.model_info == {"model_id": "m", "model_name": "doubao"}
    assert bot.model_extra == {"new_field": 1}


async def test_users_me(coze: AsyncCoze, api: respx.MockRouter) -> None:
    api.get("/v1/users/me").mock(return_value=ok({"user_id": "u1", "user_name": "zhang", "nick_name": "Z",
                                                  "avatar_url": "https://a"}))
    me = await coze.users.me()
    assert (me.user_id, me.user_name, me.nick_name) == ("u1", "zhang", "Z") and me.logid == "L"


async def test_workspaces_list(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.get("/v1/workspaces").mock(return_value=ok({"workspaces": [
        {"id": "s1", "name": "Personal", "role_type": "owner", "workspace_type": "personal"}], "total_count": 1}))
    page = await coze.workspaces.list(user_id="u1", coze_account_id="acc")
    assert page.total == 1 and not page.has_more
    assert page.items[0].workspace_type == "personal"
    assert query_of(route) == {"page_num": "1", "page_size": "20", "user_id": "u1", "coze_account_id": "acc"}


async def test_benefits_retrieve_and_limit_figures(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.get("/v1/commerce/benefit/benefits/get").mock(return_value=ok(BENEFITS))
    benefits = await coze.benefits.retrieve(resource_id="chat")
    assert query_of(route) == {"benefit_type_list": "api_run_qps", "resource_id": "chat"}
    assert benefits.user_level == "pro_personal" and benefits.suggested_plan == "coze.personal_paid"
    # chat: basic 100 plus one valid extra pack of 50 (the expired pack does not count); workflow: effective.
    assert benefits.qps() == {"chat": 150.0, "workflow": 100.0}
    limits = {lim.name: (lim.group, lim.limit, lim.window) for lim in benefits.to_limits()}
    assert limits == {"chat_qps": ("chat", 150, 1.0), "workflow_qps": ("workflow", 100, 1.0)}
    mismatches = benefits.check_plan(PRESETS["coze.personal_paid"])
    assert [(m.limit, m.plan_value, m.server_value) for m in mismatches] == [("chat_qps", 100, 150)]
    await coze.benefits.retrieve(benefit_type_list=["api_run_qps", "call_count"])
    assert query_of(route)["benefit_type_list"] == "api_run_qps,call_count"
    with pytest.raises(errors.ValidationError):
        await coze.benefits.retrieve(benefit_type_list=[])


async def test_benefits_error_is_typed(coze: AsyncCoze, api: respx.MockRouter) -> None:
    api.get("/v1/commerce/benefit/benefits/get").mock(return_value=httpx.Response(
        200, json={"code": 4101, "msg": "no permission", "detail": {"logid": "P"}}))
    with pytest.raises(errors.PermissionDeniedError) as info:
        await coze.benefits.retrieve()
    assert info.value.logid == "P"
