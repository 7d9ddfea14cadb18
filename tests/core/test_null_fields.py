"""Every response model reads ``null`` in any optional field as that field's default; input models stay strict."""

from __future__ import annotations

import enum
import importlib
import inspect
import json
import pkgutil
import types
import typing
import warnings
from typing import Any

import pydantic
import pytest
from pydantic import BaseModel

import coze_client.types
from coze_client._models import ResponseModel
from coze_client.types.chat import EnterMessage, ToolOutput

MODULES = [
    "coze_client._models", "coze_client.websockets.events",
    *[f"coze_client.types.{m.name}" for m in pkgutil.iter_modules(coze_client.types.__path__)],
    "providers.base", "providers.coze", "providers.easydl", "providers.gptbots", "providers.xingchen",
]
# Models that are not answers from a service: plan data and a local comparison result.
NOT_RESPONSES = {"Limit", "Quota", "Plan", "PlanMismatch"}


def models() -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for name in MODULES:
        module = importlib.import_module(name)
        for obj in vars(module).values():
            if (inspect.isclass(obj) and issubclass(obj, BaseModel) and obj.__module__ == name
                    and not obj.__pydantic_generic_metadata__["parameters"]):
                found[f"{name}.{obj.__qualname__}"] = obj
    return [found[k] for k in sorted(found)]


ALL = models()
RESPONSES = [m for m in ALL if issubclass(m, ResponseModel)]


def sample(annotation: Any) -> Any:
    """A valid value for a required field of this type."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return sample(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return sample(next(a for a in typing.get_args(annotation) if a is not type(None)))
    if origin is typing.Literal:
        return typing.get_args(annotation)[0]
    if origin in (list, tuple, set, frozenset):
        return []
    if origin is dict:
        return {}
    if inspect.isclass(annotation):
        if issubclass(annotation, enum.Enum):
            return next(iter(annotation)).value
        if issubclass(annotation, BaseModel):
            return {k: sample(f.annotation) for k, f in annotation.model_fields.items() if f.is_required()}
        if issubclass(annotation, bool):
            return True
        if issubclass(annotation, (int, float)):
            return 1
    return "x"


def accepts_none(annotation: Any) -> bool:
    if typing.get_origin(annotation) is typing.Annotated:
        return accepts_none(typing.get_args(annotation)[0])
    return annotation is Any or annotation is None or type(None) in typing.get_args(annotation)


def required_payload(model: type[BaseModel]) -> dict[str, Any]:
    return {(f.alias or k): sample(f.annotation) for k, f in model.model_fields.items() if f.is_required()}


def test_every_model_that_is_not_an_input_is_a_response_model() -> None:
    lenient_inputs = [m.__name__ for m in ALL if not issubclass(m, ResponseModel)
                      and m.model_config.get("extra") != "forbid" and m.__name__ not in NOT_RESPONSES]
    assert lenient_inputs == ["RoomTurnDetection"]  # part of RoomConfig, which you send
    assert len(RESPONSES) > 60


@pytest.mark.parametrize("model", RESPONSES, ids=lambda m: f"{m.__module__.split('.')[-1]}.{m.__name__}")
def test_null_in_every_optional_field_reads_as_the_default(model: type[ResponseModel]) -> None:
    optional = {k: f for k, f in model.model_fields.items() if not f.is_required()}
    payload = {**required_payload(model), **{(f.alias or k): None for k, f in optional.items()}}
    for parsed in (model.model_validate(payload), model.model_validate_json(json.dumps(payload))):
        for name, info in optional.items():
            # ``X | None`` keeps the null it was sent; any other type reads it as the default.
            expected = None if accepts_none(info.annotation) else info.get_default(call_default_factory=True)
            assert getattr(parsed, name) == expected, name
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no serializer complaints about the lenient union
            assert json.loads(parsed.model_dump_json()) == json.loads(json.dumps(parsed.model_dump(mode="json")))


@pytest.mark.parametrize("model", RESPONSES, ids=lambda m: f"{m.__module__.split('.')[-1]}.{m.__name__}")
def test_values_of_the_right_type_are_kept(model: type[ResponseModel]) -> None:
    optional = {k: f for k, f in model.model_fields.items() if not f.is_required()}
    payload = {**required_payload(model), **{(f.alias or k): sample(f.annotation) for k, f in optional.items()}}
    parsed = model.model_validate(payload)
    for name, info in optional.items():
        value = getattr(parsed, name)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and not isinstance(value, enum.Enum):
            assert value == payload[info.alias or name], name


def test_a_wrong_type_in_a_response_is_still_an_error() -> None:
    from coze_client.types.chat import Message

    with pytest.raises(pydantic.ValidationError):
        Message.model_validate({"content": {"not": "text"}})


@pytest.mark.parametrize(("model", "payload"), [
    (EnterMessage, {"role": "user", "content": None}),
    (ToolOutput, {"tool_call_id": "c1", "output": None}),
])
def test_inputs_stay_strict(model: type[BaseModel], payload: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError):
        model.model_validate(payload)
