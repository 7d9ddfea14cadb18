"""The resources against the testing kit's FakeCoze (coze_client.testing): whole flows, both sides ours."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from coze_client import AsyncCoze, errors
from coze_client.testing import FakeCoze, ManualClock
from coze_client.types.datasets import DocumentBase, DocumentProgress

from ..core.doubles import RecordingLedger, RecordingLimiter

TOKEN = "pat_TESTsecretTOKEN1234567890"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(1000.0)


@pytest.fixture
def fake(clock: ManualClock) -> Iterator[FakeCoze]:
    fake = FakeCoze(plan="coze.personal_free", clock=clock)
    with fake.mock():
        yield fake


@pytest.fixture
async def client(fake: FakeCoze) -> AsyncIterator[AsyncCoze]:
    coze = AsyncCoze(token=TOKEN, base_url="https://api.coze.cn", plan=None,
                     limiter=RecordingLimiter(), ledger=RecordingLedger())  # type: ignore[arg-type]
    yield coze
    await coze.aclose()


async def test_workflow_run_stream_interrupt_resume(fake: FakeCoze, client: AsyncCoze) -> None:
    fake.workflow("w1", output={"answer": 42}, messages=["thinking"], ping_every=1)
    result = await client.workflows.runs.create(workflow_id="w1", parameters={"q": "x"})
    assert result.data == {"answer": 42} and result.execute_id and result.debug_url

    async with client.workflows.runs.stream(workflow_id="w1") as events:
        got = await events.collect()
    assert [e.event for e in got] == ["Message", "PING", "Message", "PING", "Done"]
    assert events.gaps == [] and events.debug_url and "workflow_id=w1" in events.debug_url
    assert events.usage is not None and events.usage.total_tokens > 0

    fake.workflow("w2", interrupt="Which city?", resume_output={"weather": "sunny"})
    async with client.workflows.runs.stream(workflow_id="w2") as events:
        got = await events.collect()
    assert got[-1].interrupt is not None
    pending = got[-1].interrupt.interrupt_data
    async with client.workflows.runs.resume(workflow_id="w2", event_id=pending.event_id,
                                            interrupt_type=pending.type, resume_data="Paris") as events:
        resumed = await events.collect()
    assert resumed[-1].event == "Done" and resumed[0].message is not None
    assert '"sunny"' in resumed[0].message.content

    paused = await client.workflows.runs.create(workflow_id="w2")
    assert paused.is_interrupted and paused.interrupt_data is not None
    done = await client.workflows.runs.resume_blocking(workflow_id="w2", event_id=paused.interrupt_data.event_id,
                                                       interrupt_type=paused.interrupt_data.type, resume_data="Rome")
    assert done.data == {"weather": "sunny"}
    with pytest.raises(errors.APIError) as info:  # a second resume of the same interrupt
        await client.workflows.runs.resume_blocking(workflow_id="w2", event_id=paused.interrupt_data.event_id,
                                                    interrupt_type=2, resume_data="again")
    assert info.value.code in (4314, 4315)


async def test_workflow_history_and_chatflow(fake: FakeCoze, client: AsyncCoze) -> None:
    fake.user_level = "team"  # async runs are paid only
    fake.workflow("w1", output={"ok": True})
    started = await client.workflows.runs.create(workflow_id="w1", is_async=True)
    assert started.execute_id
    history = await client.workflows.runs.run_histories.retrieve(workflow_id="w1", execute_id=started.execute_id)
    while history.is_running:
        history = await client.workflows.runs.run_histories.retrieve(workflow_id="w1",
                                                                     execute_id=started.execute_id)
    assert history.execute_status == "Success" and history.output_data == {"ok": True}
    assert history.node_execute_status
    node = next(iter(history.node_execute_status.values()))
    assert node.node_execute_uuid
    out = await client.workflows.runs.run_histories.execute_nodes.retrieve(
        workflow_id="w1", execute_id=started.execute_id, node_execute_uuid=node.node_execute_uuid)
    assert out.is_finish is not None

    fake.workflow("cf", output="chatflow says hi")
    async with client.workflows.chat.stream(workflow_id="cf", bot_id="b1", additional_messages=["hi"]) as events:
        got = await events.collect()
    assert any(e.event == "conversation.message.delta" for e in got)
    assert isinstance(events.end_data, dict) and "debug_url" in events.end_data


async def test_workflows_list_retrieve_versions(fake: FakeCoze, client: AsyncCoze) -> None:
    fake.workflow("w1")
    fake.workflow("w2")
    listed = await client.workflows.list(workspace_id=fake.workspace_id, page_size=1).to_list()
    assert {w.workflow_id for w in listed} >= {"w1", "w2"}
    info = await client.workflows.retrieve(workflow_id="w1", include_input_output=True)
    assert info.workflow_detail.workflow_id == "w1"
    versions = await client.workflows.versions.list(workflow_id="w1").to_list()
    assert isinstance(versions, list)


async def test_knowledge_flow_with_progress(fake: FakeCoze, client: AsyncCoze, clock: ManualClock,
                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_sleep = asyncio.sleep

    async def no_sleep(_: float) -> None:
        await real_sleep(0)

    monkeypatch.setattr("coze_client.resources.datasets.asyncio.sleep", no_sleep)
    ds = await client.datasets.create(name="FAQ", space_id=fake.workspace_id, format_type=0)
    path = tmp_path / "faq.txt"
    path.write_text("Q: what? A: this.")
    from coze_client.resources.datasets import local_document

    docs = await client.datasets.documents.create(
        dataset_id=ds.dataset_id,
        document_bases=[await local_document(path), DocumentBase.web_page("site", "https://example.com")])
    assert len(docs) == 2
    seen: list[int | None] = []

    def progress(items: list[DocumentProgress]) -> None:
        seen.append(items[0].progress)
        clock.advance(fake.document_process_seconds / 2)  # the fake processes over time

    final = await client.datasets.documents.wait_until_processed(ds.dataset_id, [d.document_id for d in docs],
                                                                 progress=progress, poll_interval=0.5)
    assert all(p.status == 1 for p in final) and seen[0] == 0 and seen[-1] == 100
    listed = await client.datasets.documents.list(dataset_id=ds.dataset_id).to_list()
    assert {d.document_id for d in listed} == {d.document_id for d in docs}
    await client.datasets.documents.update(document_id=docs[1].document_id, update_rule={"update_type": 1,
                                                                                          "update_interval": 24})
    await client.datasets.documents.delete(document_ids=[docs[0].document_id])
    page = await client.datasets.list(space_id=fake.workspace_id)
    assert page.items[0].doc_count == 1
    await client.datasets.update(dataset_id=ds.dataset_id, name="FAQ 2")
    await client.datasets.delete(dataset_id=ds.dataset_id)


async def test_voice_flow(fake: FakeCoze, client: AsyncCoze, tmp_path: Path) -> None:
    clone = await client.audio.voices.clone(file=("me.wav", b"RIFF" + b"\x00" * 64), voice_name="me",
                                            audio_format="wav")
    assert clone.voice_id
    voices = await client.audio.voices.list(voice_state="all").to_list()
    assert any(v.voice_id == clone.voice_id for v in voices)
    target = tmp_path / "hi.mp3"
    written = await client.audio.speech.stream_to_file(target, input="你好", voice_id=clone.voice_id)
    in_memory = await client.audio.speech.create(input="你好", voice_id=clone.voice_id)
    assert target.read_bytes() == in_memory.content and written.bytes_written == len(in_memory.content)
    text = await client.audio.transcriptions.create(file=("a.mp3", b"ID3" * 10))
    assert text.text
    room = await client.audio.rooms.create(bot_id="b1", config={"turn_detection": {"type": "server_vad"}})
    assert room.room_id
    group = await client.audio.voiceprint_groups.create(name="team")
    feat = await client.audio.voiceprint_groups.features.create(group_id=group.id, file=("a.pcm", b"\x01" * 32),
                                                                name="Alice", sample_rate=16000, channel=1)
    await client.audio.voiceprint_groups.features.update(group_id=group.id, feature_id=feat.id, channel=2)
    found = await client.audio.voiceprint_groups.speaker_identify(group_id=group.id, file=("q.pcm", b"\x01" * 32),
                                                                  top_k=1, sample_rate=16000)
    assert found.best is not None and found.best.feature_id == feat.id
    await client.audio.voiceprint_groups.features.delete(group_id=group.id, feature_id=feat.id)
    await client.audio.voiceprint_groups.delete(group_id=group.id)


async def test_account_endpoints(fake: FakeCoze, client: AsyncCoze) -> None:
    me = await client.users.me()
    assert me.user_id
    spaces = await client.workspaces.list()
    assert spaces.items
    fake.bot("b1")
    bots = await client.bots.list(workspace_id=fake.workspace_id)
    assert any(b.id == "b1" for b in bots.items)
    bot = await client.bots.retrieve(bot_id="b1")
    assert bot.bot_id == "b1"
    benefits = await client.benefits.retrieve(resource_id="chat")
    assert benefits.suggested_plan == "coze.personal_free"
    assert benefits.qps() == {"chat": 20.0}
    from coze_client.limits import PRESETS

    assert benefits.check_plan(PRESETS["coze.personal_free"]) == []
