"""Every issue-19 endpoint over respx: the exact request (method, path, query, body, content type) and the
parsed answer with its meta. One row per endpoint; the official SDK comparison is in test_management_sdk.py."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import respx

from coze_client import AsyncCoze, OperationResult, errors
from coze_client.pagination import Page


def answer(data: Any = None, **top: Any) -> httpx.Response:
    body: dict[str, Any] = {"code": 0, "msg": "", **top, "detail": {"logid": "LOG"}}
    if data is not None:
        body["data"] = data
    return httpx.Response(200, json=body, headers={"x-tt-logid": "LOG"})


@dataclass
class Case:
    id: str
    call: Callable[[AsyncCoze], Any]
    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    body: Any = None  # None: no body at all
    data: Any = None  # the answer's data
    check: Callable[[Any], Any] = lambda r: isinstance(r, OperationResult) and r.code == 0


def first(page: Page[Any]) -> Any:
    assert isinstance(page, Page) and page.meta is not None and page.logid == "LOG"
    return page.items[0]


CASES = [
    # -- bots ------------------------------------------------------------------------------------
    Case("bots.create", lambda c: c.bots.create(space_id="s1", name="helper", prompt_info="be brief",
                                                 model_info_config={"model_id": "m1", "temperature": 0.2}),
         "POST", "/v1/bot/create",
         body={"space_id": "s1", "name": "helper", "prompt_info": {"prompt": "be brief"},
               "model_info_config": {"model_id": "m1", "temperature": 0.2}},
         data={"bot_id": 7350000000000000001}, check=lambda r: r.bot_id == "7350000000000000001"),
    Case("bots.update", lambda c: c.bots.update(bot_id="b1", name="n", knowledge={"dataset_ids": ["d1"]}),
         "POST", "/v1/bot/update", body={"bot_id": "b1", "name": "n", "knowledge": {"dataset_ids": ["d1"]}}),
    Case("bots.publish", lambda c: c.bots.publish(bot_id="b1"), "POST", "/v1/bot/publish",
         body={"bot_id": "b1", "connector_ids": ["1024"]}, data={"bot_id": "b1", "version": "17"},
         check=lambda r: (r.bot_id, r.version) == ("b1", "17")),
    Case("bots.unpublish", lambda c: c.bots.unpublish(bot_id="b1", connector_id="999", unpublish_reason="ends"),
         "POST", "/v1/bots/b1/unpublish", body={"connector_id": "999", "unpublish_reason": "ends"}),
    Case("bots.versions.list", lambda c: c.bots.versions.list(bot_id="b1", publish_status="published_online"),
         "GET", "/v1/bots/b1/versions",
         query={"publish_status": "published_online", "page_num": "1", "page_size": "10"},
         data={"items": [{"version": "3", "description": "d", "created_at": "1700000000",
                          "creator": {"id": "u1", "name": "Z"}}], "total": 1},
         check=lambda p: first(p).creator.name == "Z" and p.total == 1 and not p.has_more),
    Case("bots.collaboration_modes.update",
         lambda c: c.bots.collaboration_modes.update(bot_id="b1", collaboration_mode="collaboration"),
         "POST", "/v1/bots/b1/collaboration_mode", body={"collaboration_mode": "collaboration"}),
    Case("bots.collaborators.create", lambda c: c.bots.collaborators.create(bot_id="b1", collaborators="u9"),
         "POST", "/v1/bots/b1/collaborators", body={"collaborators": [{"user_id": "u9"}]}),
    Case("bots.collaborators.delete", lambda c: c.bots.collaborators.delete(bot_id="b1", user_id="u9"),
         "DELETE", "/v1/bots/b1/collaborators/u9"),
    Case("bots.list_published_v1", lambda c: c.bots.list_published_v1(space_id="s1", page_size=5),
         "GET", "/v1/space/published_bots_list", query={"space_id": "s1", "page_index": "1", "page_size": "5"},
         data={"space_bots": [{"bot_id": "b1", "bot_name": "old", "publish_time": "1700000000"}], "total": 1},
         check=lambda p: first(p).bot_name == "old"),
    Case("bots.retrieve_online_info", lambda c: c.bots.retrieve_online_info(bot_id="b1"),
         "GET", "/v1/bot/get_online_info", query={"bot_id": "b1"}, data={"bot_id": "b1", "name": "old"},
         check=lambda r: r.name == "old"),
    # -- workspaces ------------------------------------------------------------------------------
    Case("workspaces.create", lambda c: c.workspaces.create(name="docs", description="team", coze_account_id="a1"),
         "POST", "/v1/workspaces", body={"name": "docs", "description": "team", "coze_account_id": "a1"},
         data={"id": "w9"}, check=lambda r: r.id == "w9"),
    Case("workspaces.update", lambda c: c.workspaces.update(workspace_id="w1", description="new"),
         "PUT", "/v1/workspaces/w1", body={"description": "new"}),
    Case("workspaces.members.list", lambda c: c.workspaces.members.list(workspace_id="w1"),
         "GET", "/v1/workspaces/w1/members", query={"page_num": "1", "page_size": "20"},
         data={"items": [{"user_id": "u1", "role_type": "owner", "user_nickname": None}], "total_count": 4},
         check=lambda p: first(p).role_type == "owner" and p.total == 4),
    Case("workspaces.members.create",
         lambda c: c.workspaces.members.create(workspace_id="w1",
                                               users=["u1", {"user_id": "u2", "role_type": "admin"}]),
         "POST", "/v1/workspaces/w1/members",
         body={"users": [{"user_id": "u1", "role_type": "member"}, {"user_id": "u2", "role_type": "admin"}]},
         data={"added_success_user_ids": ["u1"], "not_exist_user_ids": ["u2"]},
         check=lambda r: r.added_success_user_ids == ["u1"] and r.not_exist_user_ids == ["u2"]),
    Case("workspaces.members.delete", lambda c: c.workspaces.members.delete(workspace_id="w1", user_ids=["u1", "u2"]),
         "DELETE", "/v1/workspaces/w1/members", body={"user_ids": ["u1", "u2"]},
         data={"removed_success_user_ids": ["u1"], "not_in_space_user_ids": ["u2"]},
         check=lambda r: r.removed_success_user_ids == ["u1"] and r.not_in_workspace == ["u2"]),
    # -- folders, apps, workflows collaboration --------------------------------------------------
    Case("folders.list", lambda c: c.folders.list(workspace_id="w1", folder_type="library", parent_folder_id="f0"),
         "GET", "/v1/folders",
         query={"workspace_id": "w1", "folder_type": "library", "parent_folder_id": "f0", "page_num": "1",
                "page_size": "20"},
         data={"items": [{"id": "f1", "name": "docs", "folder_type": "library"}], "total_count": 1},
         check=lambda p: first(p).name == "docs"),
    Case("folders.retrieve", lambda c: c.folders.retrieve(folder_id="f1"), "GET", "/v1/folders/f1",
         data={"id": "f1", "name": "docs", "children_count": 2}, check=lambda r: r.children_count == 2),
    Case("apps.list", lambda c: c.apps.list(workspace_id="w1", publish_status="all"), "GET", "/v1/apps",
         query={"workspace_id": "w1", "publish_status": "all", "page_num": "1", "page_size": "20"},
         data={"items": [{"id": "a1", "name": "shop", "is_published": False}], "total": 1},
         check=lambda p: first(p).name == "shop" and first(p).is_published is False),
    Case("apps.collaborators.create",
         lambda c: c.apps.collaborators.create(app_id="a1", collaborators=[{"user_id": "u9"}]),
         "POST", "/v1/apps/a1/collaborators", body={"collaborators": [{"user_id": "u9"}]}),
    Case("apps.collaborators.delete", lambda c: c.apps.collaborators.delete(app_id="a1", user_id="u9"),
         "DELETE", "/v1/apps/a1/collaborators/u9"),
    Case("workflows.collaboration_modes.update",
         lambda c: c.workflows.collaboration_modes.update(workflow_id="wf1", collaboration_mode="single"),
         "POST", "/v1/workflows/wf1/collaboration_mode", body={"collaboration_mode": "single"}),
    Case("workflows.collaborators.create",
         lambda c: c.workflows.collaborators.create(workflow_id="wf1", collaborators="u9"),
         "POST", "/v1/workflows/wf1/collaborators", body={"collaborators": [{"user_id": "u9"}]}),
    Case("workflows.collaborators.delete", lambda c: c.workflows.collaborators.delete(workflow_id="wf1", user_id="u9"),
         "DELETE", "/v1/workflows/wf1/collaborators/u9"),
    # -- templates, copies, variables ------------------------------------------------------------
    Case("templates.duplicate", lambda c: c.templates.duplicate(template_id="t1", workspace_id="w1", name="mine"),
         "POST", "/v1/templates/t1/duplicate", body={"workspace_id": "w1", "name": "mine"},
         data={"entity_id": "b5", "entity_type": "agent"}, check=lambda r: r.entity_id == "b5"),
    Case("copy_tasks.create", lambda c: c.copy_tasks.create(entity_id="b1", entity_type="bot", to_workspace_id="w2"),
         "POST", "/v1/entities/copy_tasks", body={"entity_id": "b1", "entity_type": "bot", "to_workspace_id": "w2"},
         data={"task_id": "t7"}, check=lambda r: r.task_id == "t7" and not r.is_done),
    Case("copy_tasks.retrieve", lambda c: c.copy_tasks.retrieve(task_id="t7"), "GET", "/v1/entities/copy_tasks/t7",
         data={"task_id": "t7", "task_status": "failed", "failed_reasons": [{"entity_type": "plugin",
                                                                             "failed_reason": "quota"}]},
         check=lambda r: r.is_final and r.failed_reasons[0].failed_reason == "quota"),
    Case("variables.retrieve", lambda c: c.variables.retrieve(bot_id="b1", connector_uid="u1", keywords=["a", "b"]),
         "GET", "/v1/variables", query={"bot_id": "b1", "connector_uid": "u1", "keywords": "a,b"},
         data={"items": [{"keyword": "a", "value": "1", "create_time": 0}]},
         check=lambda r: r[0].value == "1" and r.logid == "LOG"),
    Case("variables.update", lambda c: c.variables.update(app_id="a1", connector_uid="u1", data={"city": "HZ"}),
         "PUT", "/v1/variables",
         body={"app_id": "a1", "connector_uid": "u1", "data": [{"keyword": "city", "value": "HZ"}]}),
    # -- connectors and audit --------------------------------------------------------------------
    Case("connectors.bind", lambda c: c.connectors.bind(connector_id="k1", user_id="u1", configs=[
        {"key": "device", "enums": [{"label": "Speaker", "value": "SN1"}]}]),
         "POST", "/v1/connectors/k1/user_configs",
         body={"configs": [{"key": "device", "enums": [{"label": "Speaker", "value": "SN1"}]}], "user_id": "u1"}),
    Case("connectors.install", lambda c: c.connectors.install(connector_id="k1", workspace_id="w1"),
         "POST", "/v1/connectors/k1/install", body={"workspace_id": "w1"}),
    Case("connectors.bots.update (audit)",
         lambda c: c.connectors.bots.update(connector_id="k1", bot_id="b1", audit_status=3, reason="ads"),
         "PUT", "/v1/connectors/k1/bots/b1", body={"audit_status": 3, "reason": "ads"}),
    # -- enterprises and organizations -----------------------------------------------------------
    Case("enterprises.members.create",
         lambda c: c.enterprises.members.create(enterprise_id="e1",
                                                users=[{"user_id": "u1", "role": "enterprise_admin"}]),
         "POST", "/v1/enterprises/e1/members", body={"users": [{"user_id": "u1", "role": "enterprise_admin"}]}),
    Case("enterprises.members.update",
         lambda c: c.enterprises.members.update(enterprise_id="e1", user_id="u1", role="enterprise_member"),
         "PUT", "/v1/enterprises/e1/members/u1", body={"role": "enterprise_member"}),
    Case("enterprises.members.delete",
         lambda c: c.enterprises.members.delete(enterprise_id="e1", user_id="u1", receiver_user_id="u0"),
         "DELETE", "/v1/enterprises/e1/members/u1", body={"receiver_user_id": "u0"}),
    Case("enterprises.organizations.create",
         lambda c: c.enterprises.organizations.create(enterprise_id="e1", name="R&D", super_admin_user_id="u0"),
         "POST", "/v1/enterprises/e1/organizations", body={"name": "R&D", "super_admin_user_id": "u0"},
         data={"organization_id": "o9"}, check=lambda r: r.organization_id == "o9"),
    Case("enterprises.organizations.update",
         lambda c: c.enterprises.organizations.update(organization_id="o1", name="Ops"),
         "PUT", "/v1/organizations/o1", body={"name": "Ops"}),
    Case("enterprises.organizations.list", lambda c: c.enterprises.organizations.list(enterprise_id="e1"),
         "GET", "/v1/enterprises/e1/organizations", query={"page_num": "1", "page_size": "20"},
         data={"items": [{"organization_id": "o1", "organization_name": "默认组织", "is_default_organization": True}],
               "total_count": 1},
         check=lambda p: first(p).is_default_organization is True),
    Case("enterprises.organizations.members.create",
         lambda c: c.enterprises.organizations.members.create(organization_id="o1", organization_people="u1"),
         "POST", "/v1/organizations/o1/members",
         body={"organization_people": [{"user_id": "u1", "organization_role_type": "organization_member"}]}),
    Case("enterprises.organizations.members.list",
         lambda c: c.enterprises.organizations.members.list(organization_id="o1", page_size=50),
         "GET", "/v1/organizations/o1/members", query={"page_num": "1", "page_size": "50"},
         data={"items": [{"user_id": "u1", "people_type": "employee", "is_valid": True}], "total_count": 1},
         check=lambda p: first(p).people_type == "employee"),
    Case("enterprises.organizations.members.update",
         lambda c: c.enterprises.organizations.members.update(organization_id="o1", user_id="u1",
                                                              organization_role_type="organization_admin"),
         "PUT", "/v1/organizations/o1/members/u1", body={"organization_role_type": "organization_admin"}),
    Case("enterprises.organizations.members.delete",
         lambda c: c.enterprises.organizations.members.delete(organization_id="o1", user_id="u1",
                                                              receiver_user_id="u0"),
         "DELETE", "/v1/organizations/o1/members/u1", body={"receiver_user_id": "u0"}),
    # -- callback apps ---------------------------------------------------------------------------
    Case("api_apps.create", lambda c: c.api_apps.create(app_type="normal", name="hooks"), "POST", "/v1/api_apps",
         body={"app_type": "normal", "name": "hooks"},
         data={"id": "k7", "app_type": "normal", "verify_token": "vt_secret"},
         check=lambda r: r.id == "k7" and "vt_secret" not in repr(r)),
    Case("api_apps.update", lambda c: c.api_apps.update(app_id="k7", callback_url="https://x.invalid/h"),
         "PUT", "/v1/api_apps/k7", body={"callback_url": "https://x.invalid/h"}),
    Case("api_apps.delete", lambda c: c.api_apps.delete(app_id="k7"), "DELETE", "/v1/api_apps/k7"),
    Case("api_apps.list", lambda c: c.api_apps.list(app_type="connector", page_size=2), "GET", "/v1/api_apps",
         query={"app_type": "connector", "page_size": "2"},
         data={"items": [{"id": "k7", "app_type": "connector"}], "has_more": True, "next_page_token": "nx"},
         check=lambda p: first(p).id == "k7" and p.has_more and p.next_params == {"page_token": "nx"}),
    Case("api_apps.events.create", lambda c: c.api_apps.events.create(api_app_id="k7", event_types=["bot.published"]),
         "POST", "/v1/api_apps/k7/events", body={"event_types": ["bot.published"]}),
    Case("api_apps.events.delete", lambda c: c.api_apps.events.delete(api_app_id="k7", event_types="bot.published"),
         "DELETE", "/v1/api_apps/k7/events", body={"event_types": ["bot.published"]}),
    Case("api_apps.events.list", lambda c: c.api_apps.events.list(api_app_id="k7"), "GET", "/v1/api_apps/k7/events",
         query={"page_size": "20"}, data={"items": [{"event_type": "bot.published"}], "has_more": False},
         check=lambda p: first(p).event_type == "bot.published" and not p.has_more),
    # -- end-user benefits -----------------------------------------------------------------------
    Case("benefit_limitations.create", lambda c: c.benefit_limitations.create(
        entity_type="single_device", entity_id="SN1",
        benefit_info={"limit": 100, "started_at": 1741708800, "ended_at": 253402300799, "trigger_unit": "day",
                      "trigger_time": 1}),
         "POST", "/v1/commerce/benefit/limitations",
         body={"entity_type": "single_device", "entity_id": "SN1",
               "benefit_info": {"benefit_type": "resource_point", "active_mode": "absolute_time",
                                "started_at": 1741708800, "ended_at": 253402300799, "limit": 100,
                                "trigger_unit": "day", "trigger_time": 1}},
         data={"benefit_info": {"benefit_id": "123", "limit": 100, "trigger_unit": "day", "trigger_time": 1}},
         check=lambda r: r.benefit_id == "123" and r.period == "1 day"),
    Case("benefit_limitations.list", lambda c: c.benefit_limitations.list(entity_type="enterprise_all_devices"),
         "GET", "/v1/commerce/benefit/limitations",
         query={"entity_type": "enterprise_all_devices", "benefit_type": "resource_point", "page_size": "20"},
         data={"has_more": True, "page_token": "p2", "benefit_infos": [
             {"limit": 100, "entity_type": "enterprise_all_devices", "trigger_unit": "never", "benefit_id": 5}]},
         check=lambda p: first(p).period == "ever" and first(p).benefit_id == "5"
         and p.next_params == {"page_token": "p2"}),
    Case("benefit_limitations.update", lambda c: c.benefit_limitations.update(benefit_id="123", limit=200,
                                                                            status="frozen"),
         "PUT", "/v1/commerce/benefit/limitations/123", body={"limit": 200, "status": "frozen"},
         data={"benefit_id": "123", "limit": 200, "status": "frozen"}, check=lambda r: r.status == "frozen"),
    Case("bill_tasks.create", lambda c: c.bill_tasks.create(started_at=1743004800, ended_at=1743091199),
         "POST", "/v1/commerce/benefit/bill_tasks", body={"started_at": 1743004800, "ended_at": 1743091199},
         data={"task_id": 123, "status": "running", "file_urls": ""},
         check=lambda r: r.task_id == "123" and r.status == "running"),
    Case("bill_tasks.list", lambda c: c.bill_tasks.list(task_ids=["t1", "t2"], page_size=50),
         "GET", "/v1/commerce/benefit/bill_tasks", query={"task_ids": "t1,t2", "page_num": "1", "page_size": "50"},
         data={"task_infos": [{"task_id": "t1", "status": "succeed", "file_urls": ["https://f/1.csv"]}], "total": 1},
         check=lambda p: first(p).file_urls == ["https://f/1.csv"]),
    # -- paid plugins ----------------------------------------------------------------------------
    Case("plugins.list", lambda c: c.plugins.list(keyword="asr", is_official=True, category_ids=["c1", "c2"],
                                                  sort_type="heat"),
         "GET", "/v1/stores/plugins",
         query={"keyword": "asr", "is_official": "true", "category_ids": "c1,c2", "sort_type": "heat",
                "page_num": "1", "page_size": "20"},
         data={"items": [{"metainfo": {"name": "ASR", "entity_id": "p1", "user_info": {"user_id": 3235}},
                          "plugin_info": {"heat": 1500}}], "has_more": False},
         check=lambda p: first(p).plugin_id == "p1" and first(p).name == "ASR" and not p.has_more),
    Case("plugins.categories", lambda c: c.plugins.categories(), "GET", "/v1/stores/categories",
         query={"entity_type": "plugin", "page_num": "1", "page_size": "20"},
         data={"items": [{"id": "7475930039976984614", "name": "智能硬件"}], "has_more": False},
         check=lambda p: first(p).name == "智能硬件"),
    Case("plugins.retrieve", lambda c: c.plugins.retrieve(plugin_id="p1"), "GET", "/v1/plugins/p1",
         data={"plugin_id": "p1", "name": "ASR", "tools": [{"name": "asr_lite", "inputSchema": {"type": "object"},
                                                           "tool_id": "t1"}]},
         check=lambda r: r.tools[0].input_schema == {"type": "object"}),
    Case("plugins.batch_retrieve", lambda c: c.plugins.batch_retrieve(plugin_ids=["p1", "p2"]),
         "GET", "/v1/plugins/mget", query={"ids": "p1,p2"},
         data={"items": [{"plugin_id": "p1"}, {"plugin_id": "p2"}]},
         check=lambda r: [p.plugin_id for p in r] == ["p1", "p2"] and r.meta is not None),
    Case("plugins.call", lambda c: c.plugins.call(plugin_id="p1", tool_name="getNews", arguments={"q": "杭州"}),
         "POST", "/v1/plugins/p1/tools/call", body={"tool_name": "getNews", "arguments": {"q": "杭州"}},
         data={"result": {"news": [{"title": "t"}]}}, check=lambda r: r.result["news"][0]["title"] == "t"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_request_and_answer(coze: AsyncCoze, api: respx.MockRouter, case: Case) -> None:
    route = api.route(method=case.method, path=case.path).mock(return_value=answer(case.data))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        result = await case.call(coze)
    assert route.call_count == 1
    request = route.calls[0].request
    assert dict(request.url.params) == case.query
    if case.body is None:
        assert request.content == b""
    else:
        assert request.headers["content-type"] == "application/json"
        assert json.loads(request.content) == case.body
    assert case.check(result)
    meta = result.meta
    assert meta is not None and meta.logid == "LOG"


def test_every_new_area_has_rows() -> None:
    areas = {c.id.split(".")[0] for c in CASES}
    assert areas >= {"bots", "workspaces", "folders", "apps", "workflows", "templates", "copy_tasks", "variables",
                     "connectors", "enterprises", "api_apps", "benefit_limitations", "bill_tasks", "plugins"}


async def test_deprecated_v1_reads_warn(coze: AsyncCoze, api: respx.MockRouter) -> None:
    api.get("/v1/bot/get_online_info").mock(return_value=answer({"bot_id": "b1"}))
    with pytest.warns(DeprecationWarning, match="retrieve"):
        await coze.bots.retrieve_online_info(bot_id="b1")
    with pytest.warns(DeprecationWarning, match="bots.list"):
        coze.bots.list_published_v1(space_id="s1")


async def test_pages_follow(coze: AsyncCoze, api: respx.MockRouter) -> None:
    """Number pages walk by total; token pages by the returned token."""
    members = api.get("/v1/workspaces/w1/members").mock(side_effect=[
        answer({"items": [{"user_id": "u1"}, {"user_id": "u2"}], "total_count": 3}),
        answer({"items": [{"user_id": "u3"}], "total_count": 3})])
    assert [m.user_id async for m in coze.workspaces.members.list(workspace_id="w1", page_size=2)] == ["u1", "u2", "u3"]
    assert members.calls[1].request.url.params["page_num"] == "2"
    limits = api.get("/v1/commerce/benefit/limitations").mock(side_effect=[
        answer({"benefit_infos": [{"benefit_id": "1"}], "has_more": True, "page_token": "t2"}),
        answer({"benefit_infos": [{"benefit_id": "2"}], "has_more": False, "page_token": ""})])
    got = await coze.benefit_limitations.list(entity_type="enterprise_all_devices").to_list()
    assert [b.benefit_id for b in got] == ["1", "2"]
    assert limits.calls[1].request.url.params["page_token"] == "t2"


@pytest.mark.parametrize("bad", [
    lambda c: c.bots.create(space_id="s1", name="x" * 21),
    lambda c: c.bots.collaborators.create(bot_id="b1", collaborators=["u1", "u2"]),
    lambda c: c.bots.collaboration_modes.update(bot_id="b1", collaboration_mode="multi"),
    lambda c: c.workspaces.create(name="", description="d"),
    lambda c: c.workspaces.update(workspace_id="w1"),
    lambda c: c.workspaces.members.create(workspace_id="w1", users=[{"user_id": "u1", "role_type": "owner"}]),
    lambda c: c.workspaces.members.delete(workspace_id="w1", user_ids=[f"u{i}" for i in range(6)]),
    lambda c: c.variables.update(connector_uid="u1", data={"a": "1"}),
    lambda c: c.variables.retrieve(connector_uid="u1", bot_id="b1", app_id="a1"),
    lambda c: c.connectors.bots.update(connector_id="k", bot_id="b", audit_status=3),
    lambda c: c.connectors.bind(connector_id="k", configs=[{"key": "d", "enums": [], "extra": 1}]),
    lambda c: c.api_apps.create(app_type="normal"),
    lambda c: c.api_apps.create(app_type="connector", name="x"),
    lambda c: c.enterprises.members.create(enterprise_id="e", users=["u1", "u2"]),
    lambda c: c.enterprises.organizations.members.update(organization_id="o", user_id="u",
                                                         organization_role_type="boss"),
    lambda c: c.benefit_limitations.create(entity_type="single_device",
                                           benefit_info={"limit": 1, "started_at": 0, "ended_at": 1}),
    lambda c: c.benefit_limitations.create(entity_type="enterprise_all_devices", benefit_info={"limit": 1}),
    lambda c: c.benefit_limitations.update(benefit_id="1"),
    lambda c: c.plugins.batch_retrieve(plugin_ids=[str(i) for i in range(21)]),
    lambda c: c.plugins.call(plugin_id="p", tool_name="t", arguments="q=1"),
    lambda c: c.copy_tasks.create(entity_id="x", entity_type="plugin"),
    lambda c: c.folders.list(workspace_id="w", folder_type="trash"),
])
async def test_inputs_are_checked_before_sending(coze: AsyncCoze, api: respx.MockRouter, bad: Any) -> None:
    with pytest.raises(errors.ValidationError):
        result = bad(coze)
        if hasattr(result, "__await__"):
            await result
    assert not api.calls
