"""What every resource shares: a handle on the corridor and the per-call options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from .._transport import CallOptions, Corridor, TimeoutTypes
from ..errors import ValidationError

__all__ = ["APIResource", "RequestOptions", "options_of", "opts"]


class APIResource:
    """Base class of resources: they describe endpoints and hand them to the corridor."""

    def __init__(self, corridor: Corridor) -> None:
        self._corridor = corridor

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class RequestOptions(TypedDict, total=False):
    """The per-call options every public method accepts (as keywords: ``**options``).

    Attributes:
        timeout: seconds (or an ``httpx.Timeout``) for this call instead of the client's.
        max_retries: attempts after the first for this call instead of the client's.
        max_wait: the longest the call may wait for the limiter; past it ``RateLimitWaitError``.
        extra_headers: headers added to this call's request.
    """

    timeout: TimeoutTypes
    max_retries: int | None
    max_wait: float | None
    extra_headers: Mapping[str, str] | None


def options_of(options: RequestOptions) -> CallOptions | None:
    """``opts()`` from a method's ``**options`` (unknown keys are a ValidationError)."""
    if not options:
        return None
    unknown = set(options) - RequestOptions.__annotations__.keys()
    if unknown:
        raise ValidationError(f"unknown option(s): {', '.join(sorted(unknown))}")
    return opts(**options)


def opts(
    timeout: TimeoutTypes = None,
    max_retries: int | None = None,
    max_wait: float | None = None,
    extra_headers: Mapping[str, str] | None = None,
) -> CallOptions | None:
    """Per-call options, or None when the caller set none (the common, cheapest case).

    Args:
        timeout: this call's timeout (seconds or ``httpx.Timeout``; default: the client's).
        max_retries: this call's retries (default: the client's).
        max_wait: fail at once with `RateLimitWaitError` when the limiter would wait longer (seconds).
        extra_headers: extra HTTP headers for this call.
    """
    if timeout is None and max_retries is None and max_wait is None and extra_headers is None:
        return None
    if max_retries is not None and max_retries < 0:
        raise ValidationError("max_retries must be >= 0")
    return CallOptions(timeout=timeout, max_retries=max_retries, max_wait=max_wait, extra_headers=extra_headers)


def require(name: str, value: Any) -> Any:
    """A required id: a non-empty string (or int, sent as a string)."""
    if value.__class__ is str and value and not value.isspace():
        return value  # the common case, checked first
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(f"{name} is required and must be a non-empty id")
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str):
        raise ValidationError(f"{name} must be a string id, got {type(value).__name__}")
    return value
