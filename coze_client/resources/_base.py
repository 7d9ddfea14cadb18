"""What every resource shares: a handle on the corridor and the per-call options."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypedDict, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from .._models import OperationResult
from .._request import Endpoint
from .._transport import CallOptions, Corridor, TimeoutTypes
from ..errors import ValidationError
from ..pagination import AsyncPaginator, Page, number_page

__all__ = ["APIResource", "RequestOptions", "as_dicts", "done", "ids_of", "number_pager", "options_of", "opts",
           "require", "token_pager"]

T = TypeVar("T")


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


def done(_: Any) -> OperationResult:
    """The cast of an endpoint that answers only ``{code, msg}``: a result that still carries the meta."""
    return OperationResult()


def number_pager(
    corridor: Corridor, endpoint: Endpoint, model: Callable[[Any], T], items_key: str | tuple[str, ...],
    params: Mapping[str, Any], options: RequestOptions, *, path_params: Mapping[str, Any] | None = None,
    default_size: int = 20, max_size: int | None = None, num_key: str = "page_num",
) -> AsyncPaginator[T]:
    """A paginator over a page-number list: ``items_key`` names the list in the payload (first present wins)."""
    num, size = params.get(num_key, 1), params.get("page_size", default_size)
    if not isinstance(num, int) or not isinstance(size, int) or num < 1 or size < 1:
        raise ValidationError(f"{num_key} and page_size must be integers >= 1")
    if max_size is not None and size > max_size:
        raise ValidationError(f"page_size must be <= {max_size}")
    keys = (items_key,) if isinstance(items_key, str) else items_key
    call_options = options_of(options)

    async def fetch(page_params: dict[str, Any]) -> Page[T]:
        def cast(payload: Any) -> Page[T]:
            payload = payload if isinstance(payload, Mapping) else {}
            raw: list[Any] = next((payload[k] for k in keys if isinstance(payload.get(k), list)), [])
            return number_page([model(item) for item in raw], payload, page_params, num_key=num_key,
                               default_size=size)

        return await corridor.request(endpoint, cast, params=page_params, path_params=path_params,
                                      options=call_options)

    return AsyncPaginator(fetch, dict(params))


def token_pager(
    corridor: Corridor, endpoint: Endpoint, model: Callable[[Any], T], items_key: str,
    params: Mapping[str, Any], options: RequestOptions, *, path_params: Mapping[str, Any] | None = None,
    token_key: str = "next_page_token",
) -> AsyncPaginator[T]:
    """A paginator over a page-token list (``has_more`` and the next token, named ``token_key``)."""
    size = params.get("page_size", 20)
    if not isinstance(size, int) or size < 1:
        raise ValidationError("page_size must be an integer >= 1")
    call_options = options_of(options)

    async def fetch(page_params: dict[str, Any]) -> Page[T]:
        def cast(payload: Any) -> Page[T]:
            payload = payload if isinstance(payload, Mapping) else {}
            items = [model(item) for item in payload.get(items_key) or []]
            token = payload.get(token_key) or None
            more = bool(payload.get("has_more")) and token is not None
            return Page(items=items, has_more=more, next_params={"page_token": token} if token else None,
                        next_page_token=token)

        return await corridor.request(endpoint, cast, params=page_params, path_params=path_params,
                                      options=call_options)

    return AsyncPaginator(fetch, dict(params))


def as_dicts(name: str, items: Any, model: type[BaseModel], *, limit: int | None = None) -> list[dict[str, Any]]:
    """Typed request items from models or plain dicts (validated against ``model``), as JSON-ready dicts."""
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, (list, tuple)):
        items = [items]
    if not items:
        raise ValidationError(f"{name} must not be empty")
    if limit is not None and len(items) > limit:
        raise ValidationError(f"{name}: at most {limit} per call, got {len(items)}")
    out = []
    for item in items:
        try:
            obj = item if isinstance(item, model) else model.model_validate(item)
        except PydanticValidationError as exc:
            raise ValidationError(f"{name}: {exc.errors()[0]['msg']}") from None
        out.append(obj.model_dump(mode="json", exclude_none=True))
    return out


def ids_of(name: str, ids: Any, *, limit: int | None = None) -> list[str]:
    """A non-empty list of ids (one string is accepted as a list of one)."""
    if isinstance(ids, (str, int)):
        ids = [ids]
    if not isinstance(ids, (list, tuple)) or not ids:
        raise ValidationError(f"{name} must be a non-empty list of ids")
    if limit is not None and len(ids) > limit:
        raise ValidationError(f"{name}: at most {limit} per call, got {len(ids)}")
    return [require(name, i) for i in ids]
