"""Async pagination over the API's three paging styles (the Coze API pages).

Every list method returns an `AsyncPaginator`:

- ``await coze.conversations.list(bot_id=...)`` gives the first `Page`;
- ``async for item in coze.conversations.list(bot_id=...)`` walks every item of every page;
- ``async for page in coze.conversations.list(bot_id=...).pages()`` walks pages.

Styles: page number with ``has_more`` or a total, a cursor of message ids, and a page token.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ._models import CallMeta

__all__ = ["AsyncPaginator", "Page", "cursor_page", "number_page", "token_page"]

T = TypeVar("T")


@dataclass(slots=True)
class Page(Generic[T]):
    """One page: its items, whether more follow, and the parameters that fetch the next one.

    Args:
        items: the page's items.
        has_more: whether another page follows.
        next_params: the request parameters that fetch the next page, merged over this page's (``None``: no next
            page).
        total: the total item count, when the service reports one.
        first_id: the first item's id (message-id cursor lists).
        last_id: the last item's id; the next page's ``after_id`` (message-id cursor lists).
        next_page_token: the next page's token (page-token lists).
        meta: what the call did (`CallMeta`: ``logid``, attempts, waits, headers); not shown in the repr.
    """

    items: list[T]
    has_more: bool
    next_params: dict[str, Any] | None = None
    total: int | None = None
    first_id: str | None = None
    last_id: str | None = None
    next_page_token: str | None = None
    meta: CallMeta | None = field(default=None, repr=False)

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def logid(self) -> str | None:
        """The ``x-tt-logid`` of the call that returned this page."""
        return self.meta.logid if self.meta else None


Fetch = Callable[[dict[str, Any]], Awaitable[Page[T]]]


class AsyncPaginator(Generic[T]):
    """Lazily fetches pages; await it for the first page, iterate it for every item.

    Args:
        fetch: the coroutine function that fetches one `Page` from a dict of request parameters.
        params: the first page's request parameters; each next page merges its ``next_params`` over them.
        max_pages: stop after this many pages (``None``: until ``has_more`` is false or a page is empty).

    Examples:
        ```python
        async def names(coze):
            return [c.name async for c in coze.conversations.list(bot_id="7351...")]
        ```
    """

    def __init__(self, fetch: Fetch[T], params: Mapping[str, Any], *, max_pages: int | None = None) -> None:
        self._fetch = fetch
        self._params = dict(params)
        self._max_pages = max_pages

    def __await__(self) -> Generator[Any, None, Page[T]]:
        return self._fetch(dict(self._params)).__await__()

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Every page, in order."""
        params: dict[str, Any] | None = dict(self._params)
        count = 0
        while params is not None:
            page = await self._fetch(params)
            yield page
            count += 1
            if not page.has_more or page.next_params is None or not page.items:
                return
            if self._max_pages is not None and count >= self._max_pages:
                return
            params = {**params, **page.next_params}

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()

    async def _items(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def to_list(self) -> list[T]:
        """Every item of every page."""
        return [item async for item in self]


def number_page(
    items: list[T], payload: Mapping[str, Any], params: Mapping[str, Any], *,
    num_key: str = "page_num", size_key: str = "page_size", total_keys: tuple[str, ...] = ("total", "total_count"),
    default_size: int = 20,
) -> Page[T]:
    """A page of the page-number styles: ``has_more`` when given, else the total, else a full page.

    Args:
        items: the page's items, already parsed.
        payload: the answer's data (``has_more`` and/or a total are read from it).
        params: the request parameters of this page (its number and size are read from them).
        num_key: the name of the page-number parameter (``"page_num"``, or e.g. ``"page_index"``).
        size_key: the name of the page-size parameter.
        total_keys: the payload keys that may hold the total count, first integer found wins.
        default_size: the page size assumed when ``params`` has none.
    """
    num = int(params.get(num_key) or 1)
    size = int(params.get(size_key) or default_size)
    total = next((int(payload[k]) for k in total_keys if isinstance(payload.get(k), int)), None)
    if isinstance(payload.get("has_more"), bool):
        has_more = bool(payload["has_more"])
    elif total is not None:
        has_more = total > num * size
    else:
        has_more = len(items) >= size
    return Page(items=items, has_more=has_more, next_params={num_key: num + 1}, total=total)


def cursor_page(items: list[T], payload: Mapping[str, Any], params: Mapping[str, Any]) -> Page[T]:
    """A page of the message-id cursor: the next page is ``after_id=last_id``, in either order.

    The cursors are positions in the listing order (the message-list page: ``after_id`` pages on,
    向后翻页, with the answer's ``last_id``; ``before_id`` pages back with ``first_id``), so with
    ``order="desc"`` the next, older page is still ``after_id=last_id``.

    Args:
        items: the page's items, already parsed.
        payload: the answer's data (``first_id``, ``last_id``, ``has_more``).
        params: the request parameters of this page (unused: the cursors come from ``payload``).
    """
    last_id = payload.get("last_id") or None
    first_id = payload.get("first_id") or None
    has_more = bool(payload.get("has_more"))
    nxt = {"after_id": last_id, "before_id": None} if last_id else None
    return Page(items=items, has_more=has_more, next_params=nxt, first_id=first_id, last_id=last_id)


def token_page(items: list[T], payload: Mapping[str, Any], params: Mapping[str, Any]) -> Page[T]:
    """A page of the page-token style (workflow versions).

    Args:
        items: the page's items, already parsed.
        payload: the answer's data (``next_page_token``, ``has_more``).
        params: the request parameters of this page (unused: the token comes from ``payload``).
    """
    token = payload.get("next_page_token") or None
    has_more = bool(payload.get("has_more")) and token is not None
    return Page(items=items, has_more=has_more, next_params={"page_token": token} if token else None,
                next_page_token=token)
