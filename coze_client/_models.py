"""Base models for everything the API returns, and the record of what the corridor did for it.

Strict on inputs, lenient on responses: a response model (`ResponseModel`, and
`CozeModel` for top-level answers) keeps unknown fields and reads ``null`` in any field that
has a default as that default (``"content": null`` gives ``""``, ``"items": null`` gives ``[]``), so
a ``null`` the service sends in a field you did not ask for never fails the call. Required fields
stay required, and models you send (``EnterMessage``, ...) stay strict.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler
from pydantic_core import CoreSchema
from pydantic_core import core_schema as cs

__all__ = ["CallMeta", "CozeModel", "ListResult", "OperationResult", "ResponseModel"]

T = TypeVar("T")


@dataclass(slots=True)
class CallMeta:
    """What the corridor did for one call: attempts, waits, timings and the service's log id.

    ``limiter_wait`` is time spent waiting for the rate limiter; ``retry_wait`` is time spent
    sleeping between attempts: they are reported apart.

    Args:
        logid: the service's ``x-tt-logid`` (quote it to support), when it sent one.
        status_code: the HTTP status of the last attempt.
        attempts: how many attempts were made (1 when the first one answered).
        limiter_wait: seconds spent waiting for the rate limiter, over all attempts.
        retry_wait: seconds slept between attempts.
        elapsed: seconds from the start of the call until the last attempt's response arrived (for a stream:
            until its headers arrived).
        headers: the last response's headers (case-insensitive mapping).
    """

    logid: str | None = None
    status_code: int | None = None
    attempts: int = 0
    limiter_wait: float = 0.0
    retry_wait: float = 0.0
    elapsed: float = 0.0
    headers: Mapping[str, str] = field(default_factory=dict)  # the response headers (case-insensitive)

    @property
    def retries(self) -> int:
        """Attempts beyond the first."""
        return max(0, self.attempts - 1)


_NULL_READS_DEFAULT = "coze_client.null_reads_default"


def _null_reads_default(default_schema: dict[str, Any]) -> None:
    """Let a defaulted field take ``null`` as its default: ``union[inner, none -> default]``, left to right.

    The ``none`` branch is tried only when the inner type refused the value, so the hot path stays in
    pydantic-core (about 2% on a message delta); the Python call happens only for an actual ``null``.
    """
    inner = default_schema["schema"]
    if inner.get("type") in ("nullable", "none", "any") or _NULL_READS_DEFAULT in (inner.get("metadata") or {}):
        return  # already takes null (``X | None``, ``Any``), or already wrapped (a cached schema)
    make: Callable[[Any], Any]
    if "default_factory" in default_schema:
        factory = default_schema["default_factory"]
        if default_schema.get("default_factory_takes_data"):
            return  # no data at hand in the none branch; such fields are not used in response models
        make = lambda _none: factory()  # noqa: E731
    else:
        value = default_schema.get("default")
        make = lambda _none: copy.copy(value)  # noqa: E731
    default_schema["schema"] = cs.union_schema(
        [inner, cs.no_info_after_validator_function(make, cs.none_schema())],
        mode="left_to_right", metadata={_NULL_READS_DEFAULT: True},
    )


class ResponseModel(BaseModel):
    """Base of every model the service sends: unknown fields kept, ``null`` read as the field's default.

    Examples:
        ```python
        class Item(ResponseModel):
            name: str = ""
            tags: list[str] = []
        Item.model_validate({"name": None, "tags": None, "new_field": 1})
        # Item(name='', tags=[], new_field=1)
        ```
    """

    model_config = ConfigDict(extra="allow", populate_by_name=True, protected_namespaces=())

    @classmethod
    def __get_pydantic_core_schema__(cls, source: type[BaseModel], handler: GetCoreSchemaHandler, /) -> CoreSchema:
        """The model's schema, with every defaulted field made to read ``null`` as its default."""
        schema = handler(source)
        if schema.get("type") == "model" and schema.get("cls") is source:
            fields = schema["schema"]
            if fields.get("type") == "model-fields":
                for model_field in fields["fields"].values():
                    if model_field["schema"].get("type") == "default":
                        _null_reads_default(model_field["schema"])  # type: ignore[arg-type]
        return schema


class CozeModel(ResponseModel):
    """Base of top-level response models: `ResponseModel`, and ``.meta`` says how the call went."""

    # Not a pydantic private attribute: those cost a Python-level __init__ hook on every model (it showed
    # as the top cost of parsing a 20,000-event stream). The corridor sets it on the instance instead.
    _meta: ClassVar[CallMeta | None] = None

    @property
    def meta(self) -> CallMeta | None:
        """The `CallMeta` of the call that returned this object (None for nested objects)."""
        return self._meta

    @property
    def logid(self) -> str | None:
        """The ``x-tt-logid`` of the call that returned this object."""
        return self._meta.logid if self._meta else None


class ListResult(list[T], Generic[T]):
    """A plain list of results that also carries the `CallMeta` of its call.

    Args:
        items: the results (any iterable).
        meta: the `CallMeta` of the call that returned them; ``None`` when built by hand.
    """

    meta: CallMeta | None = None

    def __init__(self, items: Any = (), meta: CallMeta | None = None) -> None:
        super().__init__(items)
        self.meta = meta

    @property
    def logid(self) -> str | None:
        """The ``x-tt-logid`` of the call."""
        return self.meta.logid if self.meta else None


class OperationResult(CozeModel):
    """The answer of an update or delete that returns no object, only ``{code, msg}``.

    It still carries the call's `CallMeta` (``.meta``, ``.logid``) for a support ticket.
    """

    code: int | None = 0
    msg: str | None = ""
