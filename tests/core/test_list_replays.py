"""Every list endpoint replayed with the shapes the live service sends: nulls everywhere, and error-only bodies.

Items arrive with ``null`` in every optional field (ids, names, counters, nested objects) and the
page's own fields (``has_more``, ``total``, ``first_id``/``last_id``) may be ``null`` too: a page
still comes back. An HTTP 200 whose body holds only ``{"error_message": ...}`` is an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import respx

from coze_client import AsyncCoze, errors
from coze_client._models import ResponseModel
from coze_client.types.audio import Voice, VoiceprintFeature, VoiceprintGroup
from coze_client.types.bots import SimpleBot
from coze_client.types.chat import Message
from coze_client.types.conversations import Conversation
from coze_client.types.datasets import Dataset, Document, Photo
from coze_client.types.workflows import WorkflowBasic, WorkflowVersion
from coze_client.types.workspaces import Workspace


@dataclass
class ListEndpoint:
    method: str
    path: str
    call: Callable[[AsyncCoze], Any]
    model: type[ResponseModel]
    items_key: str | None  # None: the payload is the list itself
    envelope: str = "data"  # "data": {code, msg, data: payload}; "top": {code, msg, **payload}
    page_fields: tuple[str, ...] = ("has_more", "total")


ENDPOINTS = {
    "bots": ListEndpoint("GET", "/v1/bots", lambda c: c.bots.list(workspace_id="ws"), SimpleBot, "items"),
    "conversations": ListEndpoint("GET", "/v1/conversations", lambda c: c.conversations.list(bot_id="b"),
                                  Conversation, "conversations"),
    "conversation_messages": ListEndpoint(
        "POST", "/v1/conversation/message/list", lambda c: c.conversations.messages.list(conversation_id="cv"),
        Message, "data", envelope="top", page_fields=("has_more", "first_id", "last_id")),
    "chat_messages": ListEndpoint("GET", "/v3/chat/message/list",
                                  lambda c: c.chat.messages.list(conversation_id="cv", chat_id="ch"), Message, None),
    "datasets": ListEndpoint("GET", "/v1/datasets", lambda c: c.datasets.list(space_id="sp"), Dataset,
                             "dataset_list", page_fields=("total_count",)),
    "documents": ListEndpoint("POST", "/open_api/knowledge/document/list",
                              lambda c: c.datasets.documents.list(dataset_id="ds"), Document, "document_infos",
                              envelope="top", page_fields=("total",)),
    "images": ListEndpoint("GET", "/v1/datasets/ds/images", lambda c: c.datasets.images.list(dataset_id="ds"),
                           Photo, "photo_infos", page_fields=("total_count",)),
    "workflows": ListEndpoint("GET", "/v1/workflows", lambda c: c.workflows.list(workspace_id="ws"),
                              WorkflowBasic, "items"),
    "workflow_versions": ListEndpoint("GET", "/v1/workflows/wf/versions",
                                      lambda c: c.workflows.versions.list(workflow_id="wf"), WorkflowVersion,
                                      "items", page_fields=("has_more", "next_page_token")),
    "workspaces": ListEndpoint("GET", "/v1/workspaces", lambda c: c.workspaces.list(), Workspace, "workspaces",
                               page_fields=("total_count",)),
    "voices": ListEndpoint("GET", "/v1/audio/voices", lambda c: c.audio.voices.list(), Voice, "voice_list"),
    "voiceprint_groups": ListEndpoint("GET", "/v1/audio/voiceprint_groups",
                                      lambda c: c.audio.voiceprint_groups.list(), VoiceprintGroup, "items"),
    "voiceprint_features": ListEndpoint("GET", "/v1/audio/voiceprint_groups/g1/features",
                                        lambda c: c.audio.voiceprint_groups.features.list(group_id="g1"),
                                        VoiceprintFeature, "items"),
}


def all_null(model: type[ResponseModel]) -> dict[str, Any]:
    """An item as a sloppy service sends it: every optional field null (required ones keep a value)."""
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        out[key] = "x" if info.is_required() else None
    return out


def answer(ep: ListEndpoint, items: list[Any]) -> httpx.Response:
    payload: Any = items if ep.items_key is None else {ep.items_key: items, **dict.fromkeys(ep.page_fields)}
    if ep.envelope == "top":
        body = {"code": 0, "msg": "", **(payload if isinstance(payload, dict) else {"data": payload})}
    else:
        body = {"code": 0, "msg": "", "data": payload}
    return httpx.Response(200, json=body, headers={"x-tt-logid": "L"})


async def first_page(coze: AsyncCoze, ep: ListEndpoint) -> list[Any]:
    return list(await ep.call(coze))  # a paginator awaited is its first page; chat.messages.list is a coroutine


@pytest.mark.parametrize("name", ENDPOINTS)
async def test_items_with_null_fields_still_give_a_page(coze: AsyncCoze, api: respx.MockRouter, name: str) -> None:
    ep = ENDPOINTS[name]
    item = all_null(ep.model)
    api.route(method=ep.method, path=ep.path).mock(return_value=answer(ep, [item, item]))
    items = await first_page(coze, ep)
    assert len(items) == 2 and all(isinstance(i, ep.model) for i in items)
    for field_name, info in ep.model.model_fields.items():
        if not info.is_required() and getattr(items[0], field_name) is not None:
            assert getattr(items[0], field_name) == info.get_default(call_default_factory=True), field_name


@pytest.mark.parametrize("name", ENDPOINTS)
@pytest.mark.parametrize("body", [{"error_message": "invalid workspace"},
                                  {"error_code": 4000, "error_message": "invalid workspace"}])
async def test_error_only_body_raises_a_typed_error(coze: AsyncCoze, api: respx.MockRouter, name: str,
                                                    body: dict[str, Any]) -> None:
    ep = ENDPOINTS[name]
    api.route(method=ep.method, path=ep.path).mock(return_value=httpx.Response(200, json=body))
    with pytest.raises(errors.APIError, match="invalid workspace") as info:
        await first_page(coze, ep)
    assert info.value.status_code == 200
    if "error_code" in body:
        assert isinstance(info.value, errors.BadRequestError) and info.value.code == 4000


async def test_create_and_poll_with_null_message_fields(coze: AsyncCoze, api: respx.MockRouter) -> None:
    chat = {"id": "ch", "conversation_id": "cv", "status": "completed", "usage": None, "last_error": None,
            "required_action": None, "meta_data": None}
    api.post("/v3/chat").mock(return_value=httpx.Response(200, json={"code": 0, "msg": "", "data": chat}))
    api.get("/v3/chat/message/list").mock(return_value=answer(ENDPOINTS["chat_messages"],
                                                              [{**all_null(Message), "content": "hello"}]))
    result = await coze.chat.create_and_poll(bot_id="b", user_id="u", additional_messages=["hi"])
    assert result.messages[0].content == "hello" and result.messages[0].id == ""
