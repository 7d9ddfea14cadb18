"""Pieces the newer area models share: lenient ids, strict request items."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict

__all__ = ["Id", "RequestItem"]


def _id(value: Any) -> Any:
    """Ids are int64 sent as strings, but some pages show them as numbers: accept both, keep a string."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


#: An id the service may send as a number or a string; always a string here (None stays None).
Id = Annotated[str | None, BeforeValidator(_id)]


class RequestItem(BaseModel):
    """Base of request items (strict on inputs: unknown keys are refused before anything is sent)."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)
