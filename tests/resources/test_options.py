"""Every public resource method takes every per-call option, and {code, msg} answers carry their meta."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any, get_args, get_origin, get_type_hints

import httpx
import pytest
import respx
from typing_extensions import Unpack

from coze_client import AsyncCoze, OperationResult
from coze_client.resources._base import APIResource, RequestOptions

OPTION_NAMES = set(RequestOptions.__annotations__)
#: Not calls: helpers that loop over other calls, where ``timeout`` means the whole wait.
NOT_A_CALL = {"AsyncDocuments.wait_until_processed"}
#: Take ``**create_kwargs`` (the ``create`` arguments) and pass the option keys among them to every call.
FORWARDS = {"AsyncChat.create_and_poll"}


def walk(obj: Any, prefix: str, seen: set[int]) -> Iterator[tuple[str, Any]]:
    """Every public method of every resource reachable from ``obj``."""
    if id(obj) in seen:
        return
    seen.add(id(obj))
    for name in dir(obj):
        if name.startswith("_"):
            continue
        value = getattr(obj, name)
        if isinstance(value, APIResource):
            yield from walk(value, f"{prefix}.{name}", seen)
        elif inspect.ismethod(value) and isinstance(obj, APIResource):
            yield f"{prefix}.{name}", value


def resources(coze: AsyncCoze) -> list[tuple[str, Any]]:
    seen: set[int] = set()
    out: list[tuple[str, Any]] = []
    for name in dir(coze):
        if name.startswith("_") or name in ("websockets", "stats"):
            continue
        value = getattr(coze, name)
        if isinstance(value, APIResource):
            out.extend(walk(value, f"coze.{name}", seen))
    return out


def accepted_options(method: Any) -> set[str]:
    sig = inspect.signature(method)
    names = {p.name for p in sig.parameters.values() if p.kind is not p.VAR_KEYWORD} & OPTION_NAMES
    for p in sig.parameters.values():
        if p.kind is p.VAR_KEYWORD:
            hint = get_type_hints(method, include_extras=True).get(p.name)
            if get_origin(hint) is Unpack and get_args(hint)[0] is RequestOptions:
                names |= OPTION_NAMES
    return names


async def test_every_public_method_accepts_every_option(coze: AsyncCoze) -> None:
    methods = resources(coze)
    assert len(methods) > 60  # the walk really reached the tree
    missing = {
        path: sorted(OPTION_NAMES - accepted_options(m))
        for path, m in methods
        if f"{type(m.__self__).__name__}.{m.__name__}" not in NOT_A_CALL | FORWARDS
        and OPTION_NAMES - accepted_options(m)
    }
    assert missing == {}


async def test_unknown_option_is_a_validation_error(coze: AsyncCoze) -> None:
    from coze_client import errors

    with pytest.raises(errors.ValidationError, match="unknown option"):
        await coze.users.me(timeot=3)  # type: ignore[call-arg]


def _ok() -> httpx.Response:
    return httpx.Response(200, json={"code": 0, "msg": "", "detail": {"logid": "LOG1"}}, headers={"x-tt-logid": "LOG1"})


#: Every update/delete that answers only {code, msg}: (how to call it, method, path).
OPERATIONS: list[tuple[str, str, str]] = [
    ("datasets.update(dataset_id='d', name='n')", "PUT", "/v1/datasets/d"),
    ("datasets.delete(dataset_id='d')", "DELETE", "/v1/datasets/d"),
    ("datasets.documents.update(document_id='x', document_name='n')", "POST", "/open_api/knowledge/document/update"),
    ("datasets.documents.delete(document_ids=['x'])", "POST", "/open_api/knowledge/document/delete"),
    ("datasets.images.update(dataset_id='d', document_id='x', caption='c')", "PUT", "/v1/datasets/d/images/x"),
    ("conversations.delete(conversation_id='c')", "DELETE", "/v1/conversations/c"),
    ("conversations.messages.feedback.create(conversation_id='c', message_id='m', feedback_type='like')",
     "POST", "/v1/conversations/c/messages/m/feedback"),
    ("conversations.messages.feedback.delete(conversation_id='c', message_id='m')",
     "DELETE", "/v1/conversations/c/messages/m/feedback"),
    ("audio.voiceprint_groups.update(group_id='g', name='n')", "PUT", "/v1/audio/voiceprint_groups/g"),
    ("audio.voiceprint_groups.delete(group_id='g')", "DELETE", "/v1/audio/voiceprint_groups/g"),
    ("audio.voiceprint_groups.features.update(group_id='g', feature_id='f', name='n')",
     "PUT", "/v1/audio/voiceprint_groups/g/features/f"),
    ("audio.voiceprint_groups.features.delete(group_id='g', feature_id='f')",
     "DELETE", "/v1/audio/voiceprint_groups/g/features/f"),
]


@pytest.mark.parametrize(("call", "method", "path"), OPERATIONS, ids=[c.split("(")[0] for c, _, _ in OPERATIONS])
async def test_code_msg_answers_return_a_result_with_meta(
    coze: AsyncCoze, api: respx.MockRouter, call: str, method: str, path: str,
) -> None:
    route = api.route(method=method, path=path).mock(return_value=_ok())
    result = await eval(f"coze.{call}", {"coze": coze})
    assert route.called and isinstance(result, OperationResult)
    assert result.meta is not None and result.logid == "LOG1" and result.code == 0
