"""The issue-19 endpoints against FakeCoze: whole flows per area, both sides ours (users' tests can do the same)."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Iterator

import pytest

from coze_client import AsyncCoze, OperationResult, errors
from coze_client.testing import FakeCoze, ManualClock

from ..core.doubles import RecordingLedger, RecordingLimiter

TOKEN = "pat_TESTsecretTOKEN1234567890"


@pytest.fixture
def fake() -> Iterator[FakeCoze]:
    fake = FakeCoze(clock=ManualClock(1000.0), wall_clock=ManualClock(1_750_000_000.0))
    with fake.mock():
        yield fake


@pytest.fixture
async def coze(fake: FakeCoze) -> AsyncIterator[AsyncCoze]:
    client = AsyncCoze(token=TOKEN, base_url="https://api.coze.cn", plan=None,
                       limiter=RecordingLimiter(), ledger=RecordingLedger())  # type: ignore[arg-type]
    yield client
    await client.aclose()


async def test_bot_lifecycle(fake: FakeCoze, coze: AsyncCoze) -> None:
    created = await coze.bots.create(space_id=fake.workspace_id, name="helper", prompt_info="be brief")
    bot_id = created.bot_id
    assert bot_id and created.logid
    assert (await coze.bots.update(bot_id=bot_id, name="helper2")).code == 0
    assert (await coze.bots.retrieve(bot_id=bot_id)).name == "helper2"
    with pytest.raises(errors.CozeError):  # not published yet: the v1 online info refuses it
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            await coze.bots.retrieve_online_info(bot_id=bot_id)
    first = await coze.bots.publish(bot_id=bot_id)
    second = await coze.bots.publish(bot_id=bot_id, connector_ids=["1024", "999"])
    assert (first.version, second.version) == ("1", "2")
    versions = await coze.bots.versions.list(bot_id=bot_id).to_list()
    assert [v.version for v in versions] == ["2", "1"] and versions[0].creator is not None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert (await coze.bots.retrieve_online_info(bot_id=bot_id)).name == "helper2"
        listed = await coze.bots.list_published_v1(space_id=fake.workspace_id).to_list()
    assert bot_id in [b.bot_id for b in listed]
    assert isinstance(await coze.bots.unpublish(bot_id=bot_id, connector_id="999"), OperationResult)
    with pytest.raises(errors.CozeError):
        await coze.bots.unpublish(bot_id=bot_id, connector_id="999")  # not on that channel any more
    # A bot made through the API chats like a scripted one.
    chat = await coze.chat.create_and_poll(bot_id=bot_id, user_id="u1", additional_messages=["hi"])
    assert chat.chat.status == "completed"


@pytest.mark.parametrize("kind", ["bots", "workflows"])
async def test_collaboration(fake: FakeCoze, coze: AsyncCoze, kind: str) -> None:
    fake.bot("b1")
    fake.workflow("w1")
    res = getattr(coze, kind)
    key = {"bots": "bot_id", "workflows": "workflow_id"}[kind]
    entity = {key: "b1" if kind == "bots" else "w1"}
    with pytest.raises(errors.CozeError, match="collaboration"):
        await res.collaborators.create(**entity, collaborators="u9")  # mode still single
    await res.collaboration_modes.update(**entity, collaboration_mode="collaboration")
    await res.collaborators.create(**entity, collaborators="u9")
    with pytest.raises(errors.CozeError):
        await res.collaboration_modes.update(**entity, collaboration_mode="single")  # collaborators first
    await res.collaborators.delete(**entity, user_id="u9")
    await res.collaboration_modes.update(**entity, collaboration_mode="single")


async def test_workspaces_and_members(fake: FakeCoze, coze: AsyncCoze) -> None:
    ws = await coze.workspaces.create(name="docs", description="the docs team")
    assert ws.id and ws.id in [w.id async for w in coze.workspaces.list()]
    await coze.workspaces.update(workspace_id=ws.id, name="docs 2")
    assert fake.workspaces[ws.id]["name"] == "docs 2"
    with pytest.raises(errors.CozeError):
        await coze.workspaces.update(workspace_id=fake.workspace_id, name="mine")  # personal: refused
    fake.add_user("u2")
    added = await coze.workspaces.members.create(workspace_id=ws.id, users=["u2", "ghost"])
    assert added.added_success_user_ids == ["u2"] and added.not_exist_user_ids == ["ghost"]
    fake.add_user("u3")
    assert (await coze.workspaces.members.create(workspace_id=ws.id, users="u3")).added_success_user_ids == ["u3"]
    await coze.workspaces.members.delete(workspace_id=ws.id, user_ids="u3")
    members = await coze.workspaces.members.list(workspace_id=ws.id).to_list()
    assert {m.user_id: m.role_type for m in members} == {fake.user["user_id"]: "owner", "u2": "member"}
    removed = await coze.workspaces.members.delete(workspace_id=ws.id, user_ids=["u2", fake.user["user_id"], "x"])
    assert removed.removed_success_user_ids == ["u2"] and removed.not_in_workspace == ["x"]
    assert removed.owner_not_support_remove_user_ids == [fake.user["user_id"]]


async def test_folders_apps_and_app_collaborators(fake: FakeCoze, coze: AsyncCoze) -> None:
    root = fake.add_folder("root", folder_type="library")
    child = fake.add_folder("child", folder_type="library", parent_folder_id=root)
    top = await coze.folders.list(workspace_id=fake.workspace_id, folder_type="library").to_list()
    assert [f.id for f in top] == [root]
    assert (await coze.folders.retrieve(folder_id=root)).children_count == 1
    inner = await coze.folders.list(workspace_id=fake.workspace_id, folder_type="library", parent_folder_id=root)
    assert [f.id for f in inner.items] == [child]
    app = fake.add_app("shop", published=True)
    fake.add_app("draft")
    assert [a.id async for a in coze.apps.list(workspace_id=fake.workspace_id)] == [app]
    assert len(await coze.apps.list(workspace_id=fake.workspace_id, publish_status="all").to_list()) == 2
    await coze.apps.collaborators.create(app_id=app, collaborators="u9")
    await coze.apps.collaborators.delete(app_id=app, user_id="u9")
    with pytest.raises(errors.CozeError):
        await coze.apps.collaborators.delete(app_id=app, user_id="u9")


async def test_templates_and_copies(fake: FakeCoze, coze: AsyncCoze) -> None:
    dup = await coze.templates.duplicate(template_id="t1", workspace_id=fake.workspace_id, name="from template")
    assert dup.entity_type == "agent" and dup.entity_id in fake.bots
    fake.bot("b1", replies=["hello"])
    same_space = await coze.copy_tasks.create(entity_id="b1", entity_type="bot")
    assert same_space.is_done and fake.bots[same_space.copied_entity_id or ""].replies == ["hello"]
    other = await coze.workspaces.create(name="other", description="elsewhere")
    started = await coze.copy_tasks.create(entity_id="b1", entity_type="bot", to_workspace_id=other.id)
    task = await coze.copy_tasks.retrieve(task_id=started.task_id or "")
    assert task.is_final and task.task_status == "successful" and task.target_workspace_id == other.id
    failed = await coze.copy_tasks.create(entity_id="nope", entity_type="workflow")
    task = await coze.copy_tasks.retrieve(task_id=failed.task_id or "")
    assert task.task_status == "failed" and task.failed_reasons


async def test_variables(fake: FakeCoze, coze: AsyncCoze) -> None:
    await coze.variables.update(bot_id="b1", connector_uid="u1", data={"city": "HZ", "lang": "zh"})
    await coze.variables.update(bot_id="b1", connector_uid="u1", data=[{"keyword": "city", "value": "SH"}])
    values = await coze.variables.retrieve(bot_id="b1", connector_uid="u1", keywords=["city"])
    assert [(v.keyword, v.value) for v in values] == [("city", "SH")] and values.logid
    assert len(await coze.variables.retrieve(bot_id="b1", connector_uid="u1")) == 2
    assert list(await coze.variables.retrieve(bot_id="b1", connector_uid="someone else")) == []


async def test_connectors_and_audit(fake: FakeCoze, coze: AsyncCoze) -> None:
    await coze.connectors.bind(connector_id="k1", configs=[{"key": "device", "enums": [{"label": "S", "value": "1"}]}])
    await coze.connectors.install(connector_id="k1", workspace_id=fake.workspace_id)
    await coze.connectors.bots.update(connector_id="k1", bot_id="b1", audit_status=2)
    assert fake.installed_connectors[fake.workspace_id] == {"k1"}
    assert fake.audits[("k1", "b1")]["audit_status"] == 2 and fake.connector_configs["k1"][0]["key"] == "device"


async def test_enterprises_and_organizations(fake: FakeCoze, coze: AsyncCoze) -> None:
    ent = "volcano_1"
    await coze.enterprises.members.create(enterprise_id=ent, users=[{"user_id": "u1"}])
    await coze.enterprises.members.update(enterprise_id=ent, user_id="u1", role="enterprise_admin")
    assert fake.enterprise_members[ent] == {"u1": "enterprise_admin"}
    org = await coze.enterprises.organizations.create(enterprise_id=ent, name="R&D", super_admin_user_id="boss")
    oid = org.organization_id or ""
    await coze.enterprises.organizations.update(organization_id=oid, description="builders")
    orgs = await coze.enterprises.organizations.list(enterprise_id=ent).to_list()
    assert [(o.organization_id, o.organization_name) for o in orgs] == [(oid, "R&D")]
    members = coze.enterprises.organizations.members
    await members.create(organization_id=oid, organization_people="u1")
    await members.update(organization_id=oid, user_id="u1", organization_role_type="organization_admin")
    people = {m.user_id: m.organization_role_type for m in await members.list(organization_id=oid).to_list()}
    assert people == {"boss": "organization_super_admin", "u1": "organization_admin"}
    with pytest.raises(errors.CozeError):  # the receiver must be a super admin
        await members.delete(organization_id=oid, user_id="u1", receiver_user_id="u1")
    await members.delete(organization_id=oid, user_id="u1", receiver_user_id="boss")
    await coze.enterprises.members.delete(enterprise_id=ent, user_id="u1", receiver_user_id="boss")
    assert fake.enterprise_members[ent] == {}


async def test_callback_apps_and_events(fake: FakeCoze, coze: AsyncCoze) -> None:
    app = await coze.api_apps.create(app_type="normal", name="hooks")
    assert app.verify_token and app.verify_token not in repr(app)
    other = await coze.api_apps.create(app_type="connector", connector_id="k1")
    await coze.api_apps.update(app_id=app.id or "", callback_url="https://example.invalid/hook")
    normal = await coze.api_apps.list(app_type="normal").to_list()
    assert [(a.id, a.callback_url) for a in normal] == [(app.id, "https://example.invalid/hook")]
    pages = [p async for p in coze.api_apps.list(page_size=1).pages()]
    assert [len(p.items) for p in pages] == [1, 1] and pages[0].next_page_token
    await coze.api_apps.events.create(api_app_id=app.id or "", event_types=["bot.published", "bot.deleted"])
    await coze.api_apps.events.delete(api_app_id=app.id or "", event_types="bot.deleted")
    events = await coze.api_apps.events.list(api_app_id=app.id or "").to_list()
    assert [e.event_type for e in events] == ["bot.published"]
    await coze.api_apps.delete(app_id=other.id or "")
    assert list(fake.api_apps) == [app.id]


async def test_end_user_benefits(fake: FakeCoze, coze: AsyncCoze) -> None:
    info = {"limit": 1000, "started_at": 1743004800, "ended_at": 253402300799, "trigger_unit": "day",
            "trigger_time": 1}
    daily = await coze.benefit_limitations.create(entity_type="enterprise_all_devices", benefit_info=info)
    assert daily.period == "1 day" and daily.limit == 1000
    with pytest.raises(errors.CozeError):  # one periodic limit for all devices
        await coze.benefit_limitations.create(entity_type="enterprise_all_devices", benefit_info=info)
    await coze.benefit_limitations.create(entity_type="single_device", entity_id="SN1",
                                          benefit_info={**info, "limit": 2000, "trigger_unit": "never"})
    updated = await coze.benefit_limitations.update(benefit_id=daily.benefit_id or "", limit=500)
    assert updated.limit == 500
    all_devices = await coze.benefit_limitations.list(entity_type="enterprise_all_devices").to_list()
    assert [b.limit for b in all_devices] == [500]
    one = await coze.benefit_limitations.list(entity_type="single_device", entity_id="SN1").to_list()
    assert [(b.entity_id, b.period) for b in one] == [("SN1", "ever")]
    task = await coze.bill_tasks.create(started_at=1_749_000_000, ended_at=1_749_000_000)
    assert task.status == "running"
    done = await coze.bill_tasks.list(task_ids=[task.task_id or ""]).to_list()
    assert done[0].status == "succeed" and done[0].file_urls


async def test_paid_plugins(fake: FakeCoze, coze: AsyncCoze) -> None:
    news = fake.add_plugin("News", tools={"getNews": lambda args: {"news": [args["q"]]}})
    fake.add_plugin("Third-party speech", official=False)
    found = await coze.plugins.list(keyword="news").to_list()
    assert [p.plugin_id for p in found] == [news]
    assert len(await coze.plugins.list(is_official=False).to_list()) == 1
    cats = await coze.plugins.categories().to_list()
    assert cats and cats[0].id
    detail = await coze.plugins.retrieve(plugin_id=news)
    assert [t.name for t in detail.tools] == ["getNews"]
    both = await coze.plugins.batch_retrieve(plugin_ids=[news, "unknown"])
    assert [p.plugin_id for p in both] == [news]
    out = await coze.plugins.call(plugin_id=news, tool_name="getNews", arguments={"q": "Hangzhou"})
    assert out.result == {"news": ["Hangzhou"]} and out.logid
    with pytest.raises(errors.CozeError):
        await coze.plugins.call(plugin_id=news, tool_name="nope", arguments={})


def test_the_fake_imports_stay_where_they_were() -> None:
    from coze_client import testing
    from coze_client.testing.coze import BotScript, ChatScript, WorkflowScript
    from coze_client.testing.coze import FakeCoze as Direct

    assert testing.FakeCoze is Direct and testing.BotScript is BotScript
    assert testing.ChatScript is ChatScript and testing.WorkflowScript is WorkflowScript
    fake = Direct()
    for method, path in [("GET", "/v1/bots"), ("POST", "/v3/chat"), ("GET", "/v1/plugins/mget"),
                         ("DELETE", "/v1/organizations/o/members/u"), ("GET", "/v1/commerce/benefit/limitations")]:
        assert fake._match(method, path)[0] is not None, (method, path)
