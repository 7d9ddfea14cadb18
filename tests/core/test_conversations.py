"""Conversations, messages (cursor paging, odd envelopes), feedback and files over respx."""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx
import pytest
import respx

from coze_client import AsyncCoze, errors

CONV = {"id": "v1", "name": "n", "created_at": 1, "meta_data": {}, "last_section_id": "s"}
MSG = {"id": "m1", "conversation_id": "v1", "role": "user", "type": "question", "content": "hi",
       "content_type": "text"}


def env(data: object) -> dict[str, object]:
    return {"code": 0, "msg": "", "data": data}


async def test_conversation_crud(coze: AsyncCoze, api: respx.MockRouter) -> None:
    create = api.post("/v1/conversation/create").mock(return_value=httpx.Response(200, json=env(CONV)))
    retrieve = api.get("/v1/conversation/retrieve").mock(return_value=httpx.Response(200, json=env(CONV)))
    update = api.put("/v1/conversations/v1").mock(return_value=httpx.Response(200, json=env({**CONV, "name": "x"})))
    delete = api.delete("/v1/conversations/v1").mock(return_value=httpx.Response(200, json={"code": 0, "msg": ""}))
    clear = api.post("/v1/conversations/v1/clear").mock(
        return_value=httpx.Response(200, json=env({"id": "s2", "conversation_id": "v1"})))

    conv = await coze.conversations.create(bot_id="b", name="n", connector_id="1024", messages=["hello"],
                                           meta_data={"k": "v"})
    body = json.loads(create.calls[0].request.content)
    assert body == {"bot_id": "b", "name": "n", "connector_id": "1024", "meta_data": {"k": "v"},
                    "messages": [{"role": "user", "type": "question", "content": "hello", "content_type": "text"}]}
    assert conv.id == "v1"
    assert (await coze.conversations.retrieve(conversation_id="v1")).last_section_id == "s"
    assert retrieve.calls[0].request.url.params["conversation_id"] == "v1"
    assert (await coze.conversations.update(conversation_id="v1", name="x")).name == "x"
    assert json.loads(update.calls[0].request.content) == {"name": "x"}
    assert (await coze.conversations.delete(conversation_id="v1")).code == 0
    assert delete.call_count == 1
    section = await coze.conversations.clear(conversation_id="v1")
    assert section.id == "s2" and clear.call_count == 1
    with pytest.raises(errors.ValidationError):
        await coze.conversations.update(conversation_id="v1", name="x" * 101)
    with pytest.raises(errors.ValidationError):
        await coze.conversations.delete(conversation_id="")


async def test_conversation_list_pages_by_has_more(coze: AsyncCoze, api: respx.MockRouter) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page_num"])
        items = [{**CONV, "id": f"v{page}{i}"} for i in range(2)]
        return httpx.Response(200, json=env({"conversations": items, "has_more": page < 3}))

    route = api.get("/v1/conversations").mock(side_effect=handler)
    ids = [c.id async for c in coze.conversations.list(bot_id="b", page_size=2, sort_order="asc",
                                                       connector_id="999")]
    assert ids == ["v10", "v11", "v20", "v21", "v30", "v31"]
    params = route.calls[0].request.url.params
    assert params["bot_id"] == "b" and params["sort_order"] == "ASC" and params["connector_id"] == "999"
    first = await coze.conversations.list(bot_id="b", page_size=2)
    assert first.has_more and len(first) == 2
    with pytest.raises(errors.ValidationError):
        coze.conversations.list(bot_id="b", page_size=51)


async def test_message_list_desc_pages_on_with_after_id(coze: AsyncCoze, api: respx.MockRouter) -> None:
    pages = {
        None: {"data": [{**MSG, "id": "m9"}, {**MSG, "id": "m8"}], "first_id": "m9", "last_id": "m8",
               "has_more": True},
        "m8": {"data": [{**MSG, "id": "m7"}], "first_id": "m7", "last_id": "m7", "has_more": False},
    }

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        return httpx.Response(200, json={"code": 0, "msg": "", **pages[body.get("after_id")]})

    route = api.post("/v1/conversation/message/list").mock(side_effect=handler)
    ids = [m.id async for m in coze.conversations.messages.list(conversation_id="v1", limit=2)]
    assert ids == ["m9", "m8", "m7"]
    assert route.calls[0].request.url.params["conversation_id"] == "v1"
    assert json.loads(route.calls[0].request.content) == {"order": "desc", "limit": 2}
    assert json.loads(route.calls[1].request.content) == {"order": "desc", "limit": 2, "after_id": "m8"}
    page = await coze.conversations.messages.list(conversation_id="v1")
    assert page.first_id == "m9" and page.last_id == "m8" and page.has_more


async def test_message_list_asc_uses_after_id(coze: AsyncCoze, api: respx.MockRouter) -> None:
    bodies: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        more = len(bodies) == 1
        return httpx.Response(200, json={"code": 0, "msg": "", "data": [MSG], "first_id": "m1",
                                         "last_id": f"m{len(bodies)}", "has_more": more})

    api.post("/v1/conversation/message/list").mock(side_effect=handler)
    await coze.conversations.messages.list(conversation_id="v1", order="asc", chat_id="c").to_list()
    assert bodies[1] == {"order": "asc", "chat_id": "c", "limit": 50, "after_id": "m1"}


async def test_message_create_retrieve_update_delete(coze: AsyncCoze, api: respx.MockRouter) -> None:
    create = api.post("/v1/conversation/message/create").mock(return_value=httpx.Response(200, json=env(MSG)))
    api.get("/v1/conversation/message/retrieve").mock(return_value=httpx.Response(200, json=env(MSG)))
    modify = api.post("/v1/conversation/message/modify").mock(
        return_value=httpx.Response(200, json={"code": 0, "msg": "", "message": {**MSG, "content": "edited"}}))
    delete = api.post("/v1/conversation/message/delete").mock(return_value=httpx.Response(200, json=env(MSG)))

    msg = await coze.conversations.messages.create(conversation_id="v1", role="user", content="hi")
    assert json.loads(create.calls[0].request.content) == {"role": "user", "content": "hi", "content_type": "text"}
    assert msg.id == "m1"
    assert (await coze.conversations.messages.retrieve(conversation_id="v1", message_id="m1")).content == "hi"
    updated = await coze.conversations.messages.update(conversation_id="v1", message_id="m1", content="edited")
    assert updated.content == "edited"  # parsed from `message`, not `data`
    assert modify.calls[0].request.url.params["message_id"] == "m1"
    deleted = await coze.conversations.messages.delete(conversation_id="v1", message_id="m1")
    assert deleted.id == "m1" and delete.calls[0].request.url.params["message_id"] == "m1"
    with pytest.raises(errors.ValidationError):
        await coze.conversations.messages.update(conversation_id="v1", message_id="m1")
    with pytest.raises(errors.ValidationError):
        await coze.conversations.messages.create(conversation_id="v1", role="bot", content="x")  # type: ignore[arg-type]


async def test_feedback(coze: AsyncCoze, api: respx.MockRouter) -> None:
    create = api.post("/v1/conversations/v1/messages/m1/feedback").mock(
        return_value=httpx.Response(200, json={"code": 0, "msg": ""}))
    delete = api.delete("/v1/conversations/v1/messages/m1/feedback").mock(
        return_value=httpx.Response(200, json={"code": 0, "msg": ""}))
    await coze.conversations.messages.feedback.create(conversation_id="v1", message_id="m1", feedback_type="unlike",
                                                      reason_types=["wrong"], comment="meh")
    assert json.loads(create.calls[0].request.content) == {"feedback_type": "unlike", "reason_types": ["wrong"],
                                                           "comment": "meh"}
    await coze.conversations.messages.feedback.delete(conversation_id="v1", message_id="m1")
    assert delete.call_count == 1
    with pytest.raises(errors.ValidationError):
        await coze.conversations.messages.feedback.create(conversation_id="v1", message_id="m1",
                                                          feedback_type="love")  # type: ignore[arg-type]


FILE = {"id": "f1", "bytes": 5, "file_name": "a.txt", "created_at": 1}


@pytest.mark.parametrize("kind", ["path", "bytes", "fileobj", "tuple"])
async def test_file_upload_inputs(coze: AsyncCoze, api: respx.MockRouter, tmp_path: Path, kind: str) -> None:
    route = api.post("/v1/files/upload").mock(return_value=httpx.Response(200, json=env(FILE)))
    path = tmp_path / "a.txt"
    path.write_bytes(b"hello")
    file: object = {"path": str(path), "bytes": b"hello", "fileobj": io.BytesIO(b"hello"),
                    "tuple": ("a.txt", b"hello")}[kind]
    result = await coze.files.upload(file=file)  # type: ignore[arg-type]
    request = route.calls[0].request
    assert request.headers["content-type"].startswith("multipart/form-data")
    assert b"hello" in request.content and b'name="file"' in request.content
    assert result.id == "f1"


async def test_file_upload_rejects_bad_input(coze: AsyncCoze, api: respx.MockRouter, tmp_path: Path) -> None:
    route = api.post("/v1/files/upload").mock(return_value=httpx.Response(200, json=env(FILE)))
    with pytest.raises(errors.ValidationError, match="no such file"):
        await coze.files.upload(file=str(tmp_path / "missing.txt"))
    with pytest.raises(errors.ValidationError, match="empty"):
        await coze.files.upload(file=b"")
    with pytest.raises(errors.ValidationError):
        await coze.files.upload(file=io.StringIO("text mode"))  # type: ignore[arg-type]
    assert route.call_count == 0


async def test_file_retrieve(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.get("/v1/files/retrieve").mock(return_value=httpx.Response(200, json=env(FILE)))
    assert (await coze.files.retrieve(file_id="f1")).file_name == "a.txt"
    assert route.calls[0].request.url.params["file_id"] == "f1"
