"""Base model for everything the API returns, and the record of what the corridor did for it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

__all__ = ["CallMeta", "CozeModel", "ListResult", "OperationResult"]

T = TypeVar("T")


@dataclass(slots=True)
class CallMeta:
    """What the corridor did for one call: attempts, waits, timings and the service's log id.

    ``limiter_wait`` is time spent waiting for the rate limiter; ``retry_wait`` is time spent
    sleeping between attempts: they are reported apart.
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


class CozeModel(BaseModel):
    """Base of all response models: unknown fields are kept, and ``.meta`` says how the call went."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, protected_namespaces=())

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
    """A plain list of results that also carries the `CallMeta` of its call."""

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
