"""FakeCoze in-process: envelopes, state machines, endpoints, limits and recording."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coze_client.limits import get_plan
from coze_client.limits.plans import Quota
from coze_client.testing import FakeCoze, ManualClock

AUTH = {"Authorization": "Bearer pat_testtoken12345"}
USER_MSG = [{"role": "user", "content": "hi there", "content_type": "text"}]


@pytest.fixture
async def client(fake_coze: FakeCoze) -> AsyncIterator[httpx.AsyncClient]:
    # The fake_coze fixture mounts the fake on respx: a plain client reaches it, no transport needed.
    async with httpx.AsyncClient(base_url="https://api.coze.cn", headers=AUTH) as c:
        yield c


def sse_events(text: str) -> list[tuple[str, str]]:
    out = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(":", 1) for line in block.split("\n"))
        out.append((fields["event"].strip(), fields["data"].strip()))
    return out


async def test_envelope_logid_and_both_hosts(fake_coze: FakeCoze, client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/users/me")
    body = response.json()
    assert body["code"] == 0 and body["msg"] == "" and body["data"]["user_name"]
    assert body["detail"]["logid"] == response.headers["x-tt-logid"]
    async with httpx.AsyncClient(base_url="https://api.coze.com", headers=AUTH) as com:
        assert (await com.get("/v1/users/me")).json()["code"] == 0
    assert fake_coze.stats.requests == 2
    unknown = await client.get("/v1/nowhere")
    assert unknown.status_code == 404 and unknown.json()["code"] == 4200


async def test_auth(fake_coze: FakeCoze, client: httpx.AsyncClient) -> None:
    fake_coze.tokens = {"pat_good"}
    refused = await client.get("/v1/users/me")
    assert refused.status_code == 401 and refused.json()["code"] == 4100
    ok = await client.get("/v1/users/me", headers={"Authorization": "Bearer pat_good"})
    assert ok.json()["code"] == 0
    missing = await client.get("/v1/users/me", headers={"Authorization": ""})
    assert missing.json()["code"] == 4100
    rec = fake_coze.requests[1]
    assert rec.headers["authorization"] == "REDACTED" and "pat_good" not in repr(rec)
    assert rec.token_fingerprint and rec.token_fingerprint != fake_coze.requests[0].token_fingerprint


async def test_chat_moves_through_states_over_polls_and_time(client: httpx.AsyncClient) -> None:
    clock = ManualClock()
    fake = FakeCoze(clock=clock)
    fake.bot("b", replies=["first", "second"], polls=2, delay=1.5)
    async with httpx.AsyncClient(transport=fake.transport(), base_url="https://api.coze.cn", headers=AUTH) as c:
        chat = (await c.post("/v3/chat", json={"bot_id": "b", "user_id": "u", "additional_messages": USER_MSG})).json()[
            "data"
        ]
        assert chat["status"] == "in_progress"
        ids = {"conversation_id": chat["conversation_id"], "chat_id": chat["id"]}
        statuses = [(await c.get("/v3/chat/retrieve", params=ids)).json()["data"]["status"] for _ in range(2)]
        assert statuses == ["in_progress", "in_progress"]  # 2 polls done, but only 0 s of 1.5 s passed
        conflict = await c.post(
            "/v3/chat",
            params={"conversation_id": chat["conversation_id"]},
            json={"bot_id": "b", "user_id": "u", "additional_messages": USER_MSG},
        )
        assert conflict.json()["code"] == 4016
        clock.advance(1.5)
        done = (await c.get("/v3/chat/retrieve", params=ids)).json()["data"]
        assert done["status"] == "completed" and done["usage"]["output_count"] > 0
        listed = (await c.get("/v3/chat/message/list", params=ids)).json()["data"]
        assert [m["type"] for m in listed] == ["answer", "verbose"] and listed[0]["content"] == "first"
        cancel = await c.post("/v3/chat/cancel", json=ids)
        assert cancel.json()["code"] == 4104
        # The conversation now holds the question and the answer.
        msgs = (
            await c.post(
                "/v1/conversation/message/list",
                params={"conversation_id": chat["conversation_id"]},
                json={"order": "asc"},
            )
        ).json()
        assert [m["type"] for m in msgs["data"]] == ["question", "answer"]


async def test_chat_validation_codes(client: httpx.AsyncClient, fake_coze: FakeCoze) -> None:
    no_save = await client.post("/v3/chat", json={"bot_id": "b", "user_id": "u", "auto_save_history": False})
    assert no_save.json()["code"] == 4007
    meta = await client.post(
        "/v3/chat", json={"bot_id": "b", "user_id": "u", "meta_data": {str(i): "v" for i in range(17)}}
    )
    assert meta.json()["code"] == 4003
    bad_conv = await client.post("/v3/chat", params={"conversation_id": "1"}, json={"bot_id": "b", "user_id": "u"})
    assert bad_conv.json()["code"] == 4002
    fake_coze.strict = True
    assert (await client.post("/v3/chat", json={"bot_id": "nobody", "user_id": "u"})).json()["code"] == 4006
    wrong_method = await client.put("/v3/chat", json={})
    assert wrong_method.status_code == 405


async def test_stream_sequence_and_chunks(fake_coze: FakeCoze) -> None:
    fake_coze.bot("b", replies=["alpha beta gamma"], follow_ups=["more?"])
    async with httpx.AsyncClient(transport=fake_coze.transport(), base_url="https://api.coze.cn", headers=AUTH) as c:
        async with c.stream(
            "POST", "/v3/chat", json={"bot_id": "b", "user_id": "u", "stream": True, "additional_messages": USER_MSG}
        ) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            chunks = [chunk async for chunk in response.aiter_raw()]
    assert len(chunks) > 5  # SSE arrives chunk by chunk, not as one body
    events = sse_events(b"".join(chunks).decode())
    names = [e for e, _ in events]
    assert names[:2] == ["conversation.chat.created", "conversation.chat.in_progress"]
    assert names.count("conversation.message.delta") == 3
    completed = [json.loads(d) for e, d in events if e == "conversation.message.completed"]
    assert [m["type"] for m in completed] == ["answer", "verbose", "follow_up"]
    assert json.loads(completed[1]["content"])["msg_type"] == "generate_answer_finish"
    assert names[-2:] == ["conversation.chat.completed", "done"] and events[-1][1] == '"[DONE]"'
    usage = json.loads(events[-2][1])["usage"]
    assert usage["token_count"] == usage["input_count"] + usage["output_count"]


async def test_stream_framing_with_space_and_many_chunks() -> None:
    fake = FakeCoze(sse_space=True)
    fake.bot("b", replies=["z"], stream_chunks=20_000)
    started = time.perf_counter()
    async with httpx.AsyncClient(transport=fake.transport(), base_url="https://api.coze.cn", headers=AUTH) as c:
        response = await c.post("/v3/chat", json={"bot_id": "b", "user_id": "u", "stream": True})
    elapsed = time.perf_counter() - started
    text = response.text
    assert text.count("event: conversation.message.delta\ndata: ") == 20_000
    assert elapsed < 5.0  # the fake must stay cheap for the overhead benchmark


async def test_requires_action_blocking_submit(client: httpx.AsyncClient, fake_coze: FakeCoze) -> None:
    fake_coze.script_chat(requires_action=True)
    chat = (
        await client.post("/v3/chat", json={"bot_id": "b", "user_id": "u", "additional_messages": USER_MSG})
    ).json()["data"]
    ids = {"conversation_id": chat["conversation_id"], "chat_id": chat["id"]}
    state = (await client.get("/v3/chat/retrieve", params=ids)).json()["data"]
    assert state["status"] == "requires_action"
    call = state["required_action"]["submit_tool_outputs"]["tool_calls"][0]
    assert json.loads(call["function"]["arguments"]) == {"city": "Beijing"}
    bad = await client.post(
        "/v3/chat/submit_tool_outputs", params=ids, json={"tool_outputs": [{"tool_call_id": "x", "output": "1"}]}
    )
    assert bad.json()["code"] == 4000
    ok = await client.post(
        "/v3/chat/submit_tool_outputs",
        params=ids,
        json={"tool_outputs": [{"tool_call_id": call["id"], "output": "rainy"}]},
    )
    assert ok.json()["data"]["status"] == "in_progress"
    final = (await client.get("/v3/chat/retrieve", params=ids)).json()["data"]
    assert final["status"] == "completed"
    types = [m["type"] for m in (await client.get("/v3/chat/message/list", params=ids)).json()["data"]]
    assert types == ["function_call", "tool_response", "answer", "verbose"]


async def test_failed_chat_blocking(client: httpx.AsyncClient, fake_coze: FakeCoze) -> None:
    fake_coze.script_chat(failed=(4013, "model error"), bot_id="b")
    other = (await client.post("/v3/chat", json={"bot_id": "other", "user_id": "u"})).json()["data"]
    chat = (await client.post("/v3/chat", json={"bot_id": "b", "user_id": "u"})).json()["data"]
    state = (
        await client.get(
            "/v3/chat/retrieve", params={"conversation_id": chat["conversation_id"], "chat_id": chat["id"]}
        )
    ).json()["data"]
    assert state["status"] == "failed" and state["last_error"] == {"code": 4013, "msg": "model error"}
    ok = (
        await client.get(
            "/v3/chat/retrieve", params={"conversation_id": other["conversation_id"], "chat_id": other["id"]}
        )
    ).json()["data"]
    assert ok["status"] == "completed"


async def test_message_cursors(client: httpx.AsyncClient) -> None:
    conv = (await client.post("/v1/conversation/create", json={"bot_id": "b"})).json()["data"]
    q = {"conversation_id": conv["id"]}
    ids = [
        (
            await client.post(
                "/v1/conversation/message/create",
                params=q,
                json={"role": "user", "content": f"m{i}", "content_type": "text"},
            )
        ).json()["data"]["id"]
        for i in range(5)
    ]
    first = (await client.post("/v1/conversation/message/list", params=q, json={"limit": 2})).json()
    assert [m["content"] for m in first["data"]] == ["m4", "m3"] and first["has_more"] is True
    assert first["first_id"] == ids[4] and first["last_id"] == ids[3]
    nxt = (
        await client.post("/v1/conversation/message/list", params=q, json={"limit": 2, "after_id": first["last_id"]})
    ).json()
    assert [m["content"] for m in nxt["data"]] == ["m2", "m1"]
    back = (
        await client.post("/v1/conversation/message/list", params=q, json={"limit": 2, "before_id": nxt["first_id"]})
    ).json()
    assert [m["content"] for m in back["data"]] == ["m4", "m3"] and back["has_more"] is False
    asc = (await client.post("/v1/conversation/message/list", params=q, json={"order": "asc", "limit": 50})).json()
    assert [m["content"] for m in asc["data"]] == ["m0", "m1", "m2", "m3", "m4"] and asc["has_more"] is False
    too_many = await client.post("/v1/conversation/message/list", params=q, json={"limit": 51})
    assert too_many.json()["code"] == 4000
    modified = (
        await client.post(
            "/v1/conversation/message/modify",
            params={**q, "message_id": ids[0]},
            json={"content": "changed", "content_type": "text"},
        )
    ).json()
    assert "data" not in modified and modified["message"]["content"] == "changed"
    feedback = f"/v1/conversations/{conv['id']}/messages/{ids[0]}/feedback"
    assert (await client.post(feedback, json={"feedback_type": "like"})).json()["code"] == 0
    assert (await client.delete(feedback)).json()["code"] == 0
    assert (await client.delete(feedback)).json()["code"] == 4200


async def test_conversation_list_paging_and_sort(client: httpx.AsyncClient) -> None:
    made = [
        (await client.post("/v1/conversation/create", json={"bot_id": "b", "name": f"c{i}"})).json()["data"]["id"]
        for i in range(3)
    ]
    page1 = (await client.get("/v1/conversations", params={"bot_id": "b", "page_size": 2, "sort_order": "ASC"})).json()[
        "data"
    ]
    assert [c["id"] for c in page1["conversations"]] == made[:2] and page1["has_more"] is True
    page2 = (await client.get("/v1/conversations", params={"bot_id": "b", "page_size": 2, "page_num": 2})).json()[
        "data"
    ]
    assert [c["id"] for c in page2["conversations"]] == [made[0]] and page2["has_more"] is False
    assert (await client.get("/v1/conversations", params={"bot_id": "b", "page_size": 51})).json()["code"] == 4000
    assert (await client.get("/v1/conversations")).json()["code"] == 4000


async def test_file_upload_rules(fake_coze: FakeCoze, client: httpx.AsyncClient) -> None:
    ok = (await client.post("/v1/files/upload", files={"file": ("a.txt", b"abc", "text/plain")})).json()
    assert ok["data"]["bytes"] == 3 and ok["data"]["file_name"] == "a.txt"
    assert fake_coze.requests[-1].files[0].content == b"abc"
    empty = await client.post("/v1/files/upload", files={"file": ("a.txt", b"", "text/plain")})
    assert empty.json()["code"] == 4300
    two = await client.post("/v1/files/upload", files=[("file", ("a", b"1")), ("file", ("b", b"2"))])
    assert two.json()["code"] == 4301
    fake_coze.upload_limit = 10
    big = await client.post("/v1/files/upload", files={"file": ("big.bin", b"x" * 11)})
    assert big.json()["code"] == 4302


async def test_body_limits(fake_coze: FakeCoze, client: httpx.AsyncClient) -> None:
    fake_coze.body_limit = 1000
    fake_coze.workflow_body_limit = 2000
    big = {"bot_id": "b", "user_id": "u", "custom_variables": {"x": "y" * 1500}}
    refused = await client.post("/v3/chat", json=big)
    assert refused.status_code == 413 and refused.json()["code"] == 4000
    wf = await client.post("/v1/workflow/run", json={"workflow_id": "w", "parameters": {"x": "y" * 1500}})
    assert wf.json()["code"] == 0  # workflows may send 20 MB (here: 2000 bytes)


async def test_workflows(fake_coze: FakeCoze, client: httpx.AsyncClient) -> None:
    fake_coze.workflow("w", output="plain text", async_polls=2)
    run = (await client.post("/v1/workflow/run", json={"workflow_id": "w", "parameters": {}})).json()
    assert run["data"] == "plain text" and "debug_url" in run and "usage" in run
    assert (await client.post("/v1/workflow/run", json={"workflow_id": "w", "is_async": True})).json()["code"] == 6003
    both = await client.post("/v1/workflow/run", json={"workflow_id": "w", "bot_id": "1", "app_id": "2"})
    assert both.json()["code"] == 4000
    fake_coze.user_level = "pro_personal"
    started = (await client.post("/v1/workflow/run", json={"workflow_id": "w", "is_async": True})).json()
    eid = started["execute_id"]
    hist = [(await client.get(f"/v1/workflows/w/run_histories/{eid}")).json()["data"] for _ in range(2)]
    assert all(isinstance(h, list) and len(h) == 1 for h in hist)
    assert [h[0]["execute_status"] for h in hist] == ["Running", "Success"] and hist[1][0]["output"] == "plain text"
    node = hist[1][0]["node_execute_status"]["900001"]["node_execute_uuid"]
    out = (await client.get(f"/v1/workflows/w/run_histories/{eid}/execute_nodes/{node}")).json()["data"]
    assert out == {"is_finish": True, "node_output": "plain text"}
    assert (await client.get("/v1/workflows/w/run_histories/1")).json()["code"] == 4314


async def test_workflow_interrupt_blocking_resume(fake_coze: FakeCoze, client: httpx.AsyncClient) -> None:
    fake_coze.workflow("q", interrupt="Name?")
    run = (await client.post("/v1/workflow/run", json={"workflow_id": "q"})).json()
    data = run["interrupt_data"]
    assert run["data"] == "" and data["type"] == 2
    body = {"workflow_id": "q", "event_id": data["event_id"], "interrupt_type": 2, "resume_data": "Ann"}
    resumed = (await client.post("/v1/workflows/resume", json=body)).json()
    assert json.loads(resumed["data"]) == {"output": "Ann"}
    assert (await client.post("/v1/workflows/resume", json=body)).json()["code"] == 4315
    assert (await client.post("/v1/workflows/resume", json={**body, "event_id": "9/9"})).json()["code"] == 4314


async def test_workflow_stream_ids_ping_error(fake_coze: FakeCoze, client: httpx.AsyncClient) -> None:
    fake_coze.workflow("s", output={"a": 1}, messages=["m1", "m2", "m3"], ping_every=2)
    text = (await client.post("/v1/workflow/stream_run", json={"workflow_id": "s"})).text
    blocks = [dict(line.split(":", 1) for line in b.split("\n")) for b in text.strip().split("\n\n")]
    assert [int(b["id"]) for b in blocks] == list(range(len(blocks)))
    assert [b["event"] for b in blocks] == ["Message", "Message", "PING", "Message", "Message", "PING", "Done"]
    assert "debug_url" in json.loads(blocks[-1]["data"])
    fake_coze.workflow("e", error=(4000, "Request parameter error"))
    err = (await client.post("/v1/workflow/stream_run", json={"workflow_id": "e"})).text
    assert "event:Error" in err and '"error_code":4000' in err


async def test_workflow_chat_done_has_debug_url(fake_coze: FakeCoze, client: httpx.AsyncClient) -> None:
    fake_coze.workflow("cf", replies=["flow answer"], mode="chatflow")
    missing = await client.post("/v1/workflows/chat", json={"workflow_id": "cf", "additional_messages": USER_MSG})
    assert missing.json()["code"] == 4000  # parameters is required
    text = (
        await client.post(
            "/v1/workflows/chat",
            json={"workflow_id": "cf", "bot_id": "b", "parameters": {}, "additional_messages": USER_MSG},
        )
    ).text
    events = sse_events(text)
    assert events[0][0] == "conversation.chat.created"
    assert events[-1][0] == "done" and "debug_url" in json.loads(events[-1][1])
    assert "".join(json.loads(d)["content"] for e, d in events if e == "conversation.message.delta") == "flow answer"


async def test_workflow_catalogue(fake_coze: FakeCoze, client: httpx.AsyncClient) -> None:
    fake_coze.workflow("w1")
    fake_coze.workflow("w2", mode="chatflow")
    listed = (
        await client.get("/v1/workflows", params={"workspace_id": "1", "page_num": 1, "workflow_mode": "chatflow"})
    ).json()
    assert [w["workflow_id"] for w in listed["data"]["items"]] == ["w2"]
    assert (await client.get("/v1/workflows", params={"workspace_id": "1", "page_num": 1, "page_size": 100})).json()[
        "code"
    ] == 4000
    info = (await client.get("/v1/workflows/w1", params={"include_input_output": "true"})).json()["data"]
    assert info["workflow_detail"]["workflow_id"] == "w1" and "input" in info
    tokens, seen = "", 0
    while True:
        page = (await client.get("/v1/workflows/w1/versions", params={"page_size": 10, "page_token": tokens})).json()[
            "data"
        ]
        seen += len(page["items"])
        if not page["has_more"]:
            break
        tokens = page["next_page_token"]
    assert seen == 25


async def test_knowledge(client: httpx.AsyncClient) -> None:
    clock = ManualClock()
    fake = FakeCoze(clock=clock)
    async with httpx.AsyncClient(transport=fake.transport(), base_url="https://api.coze.cn", headers=AUTH) as c:
        did = (await c.post("/v1/datasets", json={"name": "kb", "space_id": "s", "format_type": 0})).json()["data"][
            "dataset_id"
        ]
        listed = (await c.get("/v1/datasets", params={"space_id": "s"})).json()["data"]
        assert listed["total_count"] == 1 and listed["dataset_list"][0]["dataset_id"] == did
        doc_body = {
            "dataset_id": did,
            "document_bases": [
                {
                    "name": "a.txt",
                    "source_info": {"file_base64": base64.b64encode(b"hello").decode(), "file_type": "txt"},
                }
            ],
        }
        refused = await c.post("/open_api/knowledge/document/create", json=doc_body)
        assert refused.json()["code"] == 4000  # Agw-Js-Conv: str is required
        conv = {"Agw-Js-Conv": "str"}
        created = (await c.post("/open_api/knowledge/document/create", json=doc_body, headers=conv)).json()
        doc_id = created["document_infos"][0]["document_id"]
        assert "data" not in created
        p1 = (await c.post(f"/v1/datasets/{did}/process", json={"document_ids": [doc_id]})).json()["data"]["data"][0]
        clock.advance(1.0)
        p2 = (await c.post(f"/v1/datasets/{did}/process", json={"document_ids": [doc_id]})).json()["data"]["data"][0]
        clock.advance(5.0)
        p3 = (await c.post(f"/v1/datasets/{did}/process", json={"document_ids": [doc_id]})).json()["data"]["data"][0]
        assert (
            (p1["progress"], p1["status"]) == (0, 0)
            and p2["progress"] == 50
            and (p3["progress"], p3["status"]) == (100, 1)
        )
        upd = await c.post(
            "/open_api/knowledge/document/update",
            headers=conv,
            json={
                "document_id": doc_id,
                "document_name": "b.txt",
                "update_rule": {"update_type": 1, "update_interval": 24},
            },
        )
        assert upd.json()["document_info"]["update_interval"] == 24
        docs = (await c.post("/open_api/knowledge/document/list", headers=conv, json={"dataset_id": did})).json()
        assert docs["total"] == 1 and docs["document_infos"][0]["name"] == "b.txt"
        assert (await c.put(f"/v1/datasets/{did}", json={"name": "kb2"})).json()["code"] == 0
        img_ds = (await c.post("/v1/datasets", json={"name": "img", "space_id": "s", "format_type": 2})).json()["data"][
            "dataset_id"
        ]
        img = (
            await c.post(
                "/open_api/knowledge/document/create",
                headers=conv,
                json={
                    "dataset_id": img_ds,
                    "format_type": 2,
                    "document_bases": [{"name": "p.png", "source_info": {"source_file_id": "1", "document_source": 5}}],
                },
            )
        ).json()
        img_id = img["document_infos"][0]["document_id"]
        assert (await c.put(f"/v1/datasets/{img_ds}/images/{img_id}", json={"caption": "a cat"})).json()["code"] == 0
        photos = (await c.get(f"/v1/datasets/{img_ds}/images", params={"keyword": "cat"})).json()["data"]
        assert photos["total_count"] == 1 and photos["photo_infos"][0]["caption"] == "a cat"
        assert (
            await c.post("/open_api/knowledge/document/delete", headers=conv, json={"document_ids": [doc_id]})
        ).json()["code"] == 0
        assert (await c.delete(f"/v1/datasets/{did}")).json()["code"] == 0
        assert (await c.get("/v1/datasets", params={"space_id": "s"})).json()["data"]["total_count"] == 1


async def test_audio(client: httpx.AsyncClient) -> None:
    voices = (await client.get("/v1/audio/voices")).json()["data"]
    assert voices["voice_list"][0]["is_system_voice"] is True and "has_more" in voices
    cloned = (
        await client.post(
            "/v1/audio/voices/clone",
            data={"audio_format": "wav", "voice_name": "me"},
            files={"file": ("v.wav", b"RIFF....")},
        )
    ).json()
    assert cloned["data"] == {"voice_id": cloned["data"]["voice_id"]}  # the documented {voice_id} only
    speech = await client.post("/v1/audio/speech", json={"input": "你好", "voice_id": "v", "response_format": "wav"})
    assert speech.headers["content-type"] == "audio/wav" and speech.content.startswith(b"ID3")
    too_long = await client.post("/v1/audio/speech", json={"input": "字" * 400, "voice_id": "v"})
    assert too_long.json()["code"] == 4000  # 1200 bytes > 1024
    text = (await client.post("/v1/audio/transcriptions", files={"file": ("a.mp3", b"1234")})).json()["data"]["text"]
    assert "4 bytes" in text
    room = (await client.post("/v1/audio/rooms", json={"bot_id": "b"})).json()["data"]
    assert set(room) == {"token", "uid", "room_id", "app_id"}
    gid = (await client.post("/v1/audio/voiceprint_groups", json={"name": "team"})).json()["data"]["id"]
    fid = (
        await client.post(
            f"/v1/audio/voiceprint_groups/{gid}/features",
            data={"name": "ann", "sample_rate": "16000", "channel": "1"},
            files={"file": ("a.pcm", b"\x00\x01")},
        )
    ).json()["data"]["id"]
    bad = await client.post(
        f"/v1/audio/voiceprint_groups/{gid}/features",
        data={"name": "x", "sample_rate": "abc"},
        files={"file": ("a.pcm", b"\x00")},
    )
    assert bad.json()["code"] == 4000
    groups = (await client.get("/v1/audio/voiceprint_groups")).json()["data"]
    assert groups["total"] == 1 and groups["items"][0]["feature_count"] == 1
    scores = (
        await client.post(
            f"/v1/audio/voiceprint_groups/{gid}/speaker_identify",
            data={"top_k": "3"},
            files={"file": ("a.pcm", b"\x00")},
        )
    ).json()["data"]["feature_score_list"]
    assert scores[0]["feature_id"] == fid
    assert (await client.put(f"/v1/audio/voiceprint_groups/{gid}/features/{fid}", data={"name": "bob"})).json()[
        "code"
    ] == 0
    assert (await client.delete(f"/v1/audio/voiceprint_groups/{gid}/features/{fid}")).json()["code"] == 0
    assert (await client.delete(f"/v1/audio/voiceprint_groups/{gid}")).json()["code"] == 0


async def test_bots_workspaces_benefits(client: httpx.AsyncClient) -> None:
    fake = FakeCoze(plan="coze.personal_free")
    fake.bot("b1")
    fake.bot("b2")
    async with httpx.AsyncClient(transport=fake.transport(), base_url="https://api.coze.cn", headers=AUTH) as c:
        page2 = (await c.get("/v1/bots", params={"workspace_id": "w", "page_num": 2, "page_size": 1})).json()["data"]
        assert [b["id"] for b in page2["items"]] == ["b2"] and page2["total"] == 2
        # cozepy's page_index is not the documented name: ignored, page 1 comes back.
        legacy = (await c.get("/v1/bots", params={"workspace_id": "w", "page_index": 2, "page_size": 1})).json()["data"]
        assert [b["id"] for b in legacy["items"]] == ["b1"]
        assert (await c.get("/v1/bots/b1")).json()["data"]["bot_id"] == "b1"
        assert (await c.get("/v1/bots/zzz")).json()["code"] == 4006
        assert (await c.get("/v1/workspaces")).json()["data"]["total_count"] == 1
        benefits = (
            await c.get(
                "/v1/commerce/benefit/benefits/get", params={"benefit_type_list": "api_run_qps", "resource_id": "chat"}
            )
        ).json()["data"]
        assert benefits["basic_info"]["user_level"] == "free"
        assert benefits["benefit_info"][0]["effective"]["item_info"]["total"] == 20


async def test_free_plan_qps_answers_4009_with_429() -> None:
    clock = ManualClock()
    fake = FakeCoze(plan="coze.personal_free", clock=clock)
    async with httpx.AsyncClient(transport=fake.transport(), base_url="https://api.coze.cn", headers=AUTH) as c:
        answers = [await c.post("/v3/chat", json={"bot_id": "b", "user_id": "u"}) for _ in range(21)]
        assert [r.json()["code"] for r in answers].count(0) == 20
        assert answers[-1].status_code == 429 and answers[-1].json()["code"] == 4009
        assert fake.stats.rejections == 1 and fake.stats.max_over_limit == 1
        assert fake.stats.over_limit["chat_qps"] == 1 and fake.requests[-1].code == 4009
        clock.advance(1.0)
        # The model RPM (300/min) now binds: 20 + 1 + more chats within the minute.
        codes = []
        for _ in range(15):
            for _ in range(20):
                codes.append((await c.post("/v3/chat", json={"bot_id": "b", "user_id": "u"})).json()["code"])
            clock.advance(1.0)
        assert 4020 in codes  # per-minute limits answer "over the RPM peak"


async def test_free_plan_lockout_blocks_every_api() -> None:
    plan = get_plan("coze.personal_free")
    fake = FakeCoze(plan=plan, quotas=[Quota(name="free_calls", limit=3, lockout=True)], throttle_status=200)
    async with httpx.AsyncClient(transport=fake.transport(), base_url="https://api.coze.cn", headers=AUTH) as c:
        codes = [(await c.get("/v1/users/me")).json()["code"] for _ in range(3)]
        assert codes == [0, 0, 0]
        locked = await c.get("/v1/users/me")
        assert locked.status_code == 200 and locked.json()["code"] == fake.lockout_code
        assert (await c.post("/v1/files/upload", files={"file": ("a", b"1")})).json()["code"] == fake.lockout_code
        assert fake.enforcer is not None and fake.enforcer.locked_out is not None


async def test_recorded_requests(fake_coze: FakeCoze, client: httpx.AsyncClient) -> None:
    await client.get("/v1/conversation/retrieve", params={"conversation_id": "123"})
    rec = fake_coze.requests[0]
    assert (rec.method, rec.path, rec.query, rec.status, rec.code) == (
        "GET",
        "/v1/conversation/retrieve",
        {"conversation_id": "123"},
        200,
        4002,
    )
    assert rec.arrived_at > 0 and rec.json is None
    await client.post("/v1/conversation/create", json={"bot_id": "b"})
    assert fake_coze.find("POST")[0].json == {"bot_id": "b"}
    fake_coze.reset()
    assert fake_coze.requests == [] and fake_coze.stats.requests == 0


async def test_stream_error_event_and_retry_after_header() -> None:
    from coze_client.limits.plans import Limit

    clock = ManualClock()
    fake = FakeCoze(limits=[Limit(name="qps", group="chat", limit=1, window=1.0)], clock=clock, retry_after_header=True)
    fake.script_chat(error=(4010, "prompt too long"))
    async with httpx.AsyncClient(transport=fake.transport(), base_url="https://api.coze.cn", headers=AUTH) as c:
        text = (await c.post("/v3/chat", json={"bot_id": "b", "user_id": "u", "stream": True})).text
        events = sse_events(text)
        assert [e for e, _ in events] == ["conversation.chat.created", "conversation.chat.in_progress", "error"]
        assert json.loads(events[-1][1]) == {"code": 4010, "msg": "prompt too long"}
        clock.advance(0.4)
        refused = await c.post("/v3/chat", json={"bot_id": "b", "user_id": "u"})
        assert refused.json()["code"] == 4009 and refused.headers["Retry-After"] == "1"


async def test_blocking_workflow_cut_off_like_the_90_second_limit(
    fake_coze: FakeCoze, client: httpx.AsyncClient
) -> None:
    fake_coze.workflow_cutoff = 0.05  # the real server cuts at 90 s
    fake_coze.workflow("slow", duration=0.2)
    fake_coze.workflow("quick", duration=0.01)
    with pytest.raises(httpx.RemoteProtocolError):
        await client.post("/v1/workflow/run", json={"workflow_id": "slow"})
    assert (await client.post("/v1/workflow/run", json={"workflow_id": "quick"})).json()["code"] == 0


@pytest.mark.parametrize(
    ("message", "extra"),
    [
        ({"role": "bot", "content": "x", "content_type": "text"}, {}),
        ({"role": "assistant", "type": "question", "content": "x", "content_type": "text"}, {}),
        ({"role": "user", "type": "function_call", "content": "x", "content_type": "text"}, {}),
        ({"role": "user", "content": "x"}, {}),
        ({"role": "user", "content": '[{"type": "image"}]', "content_type": "object_string"}, {}),
        (
            {"role": "user", "content": "x", "content_type": "text"},
            {"publish_status": "unpublished_draft", "bot_version": "1"},
        ),
        ({"role": "user", "content": "x", "content_type": "text"}, {"shortcut_command": {"parameters": {}}}),
    ],
)
async def test_chat_rejects_what_the_server_rejects(client: httpx.AsyncClient, message: dict, extra: dict) -> None:
    body = {"bot_id": "b", "user_id": "u", "additional_messages": [message], **extra}
    assert (await client.post("/v3/chat", json=body)).json()["code"] == 4000


async def test_chat_accepts_object_string_and_unsaved_tool_messages(client: httpx.AsyncClient) -> None:
    parts = json.dumps([{"type": "text", "text": "look"}, {"type": "image", "file_url": "https://x/y.png"}])
    ok = await client.post(
        "/v3/chat",
        json={
            "bot_id": "b",
            "user_id": "u",
            "additional_messages": [{"role": "user", "content": parts, "content_type": "object_string"}],
        },
    )
    assert ok.json()["code"] == 0
    unsaved = await client.post(
        "/v3/chat",
        json={
            "bot_id": "b",
            "user_id": "u",
            "stream": True,
            "auto_save_history": False,
            "additional_messages": [
                {"role": "assistant", "type": "function_call", "content": "{}", "content_type": "text"}
            ],
        },
    )
    assert unsaved.status_code == 200 and "conversation.chat.completed" in unsaved.text


@pytest.mark.parametrize(
    "extra",
    [{"speed": 3.5}, {"sample_rate": 12345}, {"emotion": "bored"}, {"emotion_scale": 6}, {"loudness_rate": -51}],
)
async def test_speech_ranges(client: httpx.AsyncClient, extra: dict) -> None:
    body = {"input": "hi", "voice_id": "v", **extra}
    assert (await client.post("/v1/audio/speech", json=body)).json()["code"] == 4000
    ok = {"input": "hi", "voice_id": "v", "speed": 1.5, "sample_rate": 48000, "emotion": "happy", "emotion_scale": 4}
    assert (await client.post("/v1/audio/speech", json=ok)).status_code == 200


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reply=st.text(min_size=1, max_size=60), chunks=st.one_of(st.none(), st.integers(1, 30)), space=st.booleans())
@example(reply="trailing space ", chunks=None, space=False)
@example(reply="  leading", chunks=None, space=True)
async def test_stream_invariants(reply: str, chunks: int | None, space: bool) -> None:
    fake = FakeCoze(sse_space=space)
    fake.bot("b", replies=[reply], stream_chunks=chunks)
    response = await fake.handle(
        httpx.Request(
            "POST", "https://api.coze.cn/v3/chat", headers=AUTH, json={"bot_id": "b", "user_id": "u", "stream": True}
        )
    )
    text = (await response.aread()).decode()
    events = sse_events(text)
    deltas = [json.loads(d) for e, d in events if e == "conversation.message.delta"]
    answer = next(json.loads(d) for e, d in events if e == "conversation.message.completed")
    assert "".join(d["content"] for d in deltas) == answer["content"]
    assert {d["id"] for d in deltas} == {answer["id"]}
    if chunks is not None:
        assert len(deltas) == chunks
    else:
        assert answer["content"] == reply
    assert [e for e, _ in events][-2:] == ["conversation.chat.completed", "done"]


async def test_user_level_follows_the_plan() -> None:
    assert FakeCoze().user_level == "free"
    paid = FakeCoze(plan="coze.personal_paid")
    assert paid.user_level == "pro_personal"
    async with httpx.AsyncClient(transport=paid.transport(), base_url="https://api.coze.cn", headers=AUTH) as c:
        started = (await c.post("/v1/workflow/run", json={"workflow_id": "w", "is_async": True})).json()
        assert started["code"] == 0 and started["execute_id"]
        benefits = (await c.get("/v1/commerce/benefit/benefits/get", params={"resource_id": "workflow"})).json()["data"]
        assert benefits["basic_info"]["user_level"] == "pro_personal"
        assert benefits["benefit_info"][0]["effective"]["item_info"]["total"] == 100
