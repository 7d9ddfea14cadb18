"""Endpoint descriptions and request building: validate inputs and size before anything is sent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import BaseModel

from ._constants import MAX_BODY_BYTES
from ._response import Envelope
from .errors import RequestTooLargeError, ValidationError

__all__ = ["Endpoint", "clean", "format_path"]

_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


@dataclass(frozen=True, slots=True)
class Endpoint:
    """What a resource method declares about its endpoint; the corridor does the rest.

    Attributes:
        method: HTTP method.
        path: path template, e.g. ``/v1/conversations/{conversation_id}``.
        groups: endpoint groups for limits and quotas (``"chat"``, ``"workflow"``, ``"upload"``, ``"model"``).
        envelope: where the payload sits (``data``, ``message``, ``top``, ``none``, ``bytes``).
        idempotent: safe to retry after a timeout or 5xx. Defaults to True for GET/PUT/DELETE;
            POSTs are unsafe unless the reference marks them read-only (a chat create may bill twice).
        max_body: request body cap in bytes (15 MB; 20 MB for workflow endpoints).
        headers: extra headers the endpoint always needs (e.g. ``Agw-Js-Conv: str``).
        json_stream: its stream may be labelled ``application/json`` (GPTBots sends one JSON object per
            line); otherwise a JSON answer to a stream request is read as an error body.
    """

    method: str
    path: str
    groups: tuple[str, ...] = ()
    envelope: Envelope = "data"
    idempotent: bool | None = None
    max_body: int = MAX_BODY_BYTES
    headers: Mapping[str, str] = field(default_factory=dict)
    json_stream: bool = False

    @property
    def retry_safe(self) -> bool:
        """True when a retry after an ambiguous failure cannot run the action twice."""
        if self.idempotent is not None:
            return self.idempotent
        return self.method in _IDEMPOTENT_METHODS


def format_path(template: str, values: Mapping[str, Any] | None) -> str:
    """Fill ``{name}`` parts of a path; each value must be a non-empty id, URL-quoted."""
    if not values:
        return template
    out = template
    for name, value in values.items():
        if value is None or (isinstance(value, str) and not value.strip()) or isinstance(value, bool):
            raise ValidationError(f"{name} must be a non-empty id, got {value!r}")
        out = out.replace("{" + name + "}", quote(str(value), safe=""))
    if "{" in out:
        raise ValidationError(f"missing path parameter in {template}")
    return out


def clean(value: Any) -> Any:
    """Drop ``None`` values (top level and nested) and dump models, so unset options are not sent."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, Mapping):
        return {str(k): clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


def check_size(request: httpx.Request, endpoint: Endpoint) -> None:
    """Refuse a body over the endpoint's cap before sending (the server would reject it anyway)."""
    length = request.headers.get("content-length")
    if length is not None and int(length) > endpoint.max_body:
        raise RequestTooLargeError(int(length), endpoint.max_body, endpoint.path)
