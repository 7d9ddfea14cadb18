"""An ``AsyncCoze``-shaped view of the sync ``Coze``, so one async test body drives both clients.

Every sync call runs in a worker thread (``asyncio.to_thread``), as a sync program would make it, and
goes through the sync API itself: ``with``/``for`` on streams, ``for``/``first_page()`` on paginators.
Which members are coroutines is read from the async twin, so the view needs no list of methods.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Generator
from typing import Any

from coze_client import Coze, SyncEventStream, SyncPaginator
from coze_client._sync._wrap import SyncResource


class AsyncView:
    """Looks like an async client or resource; calls the sync one in a thread."""

    def __init__(self, target: Any) -> None:
        self._target = target

    @property
    def sync(self) -> Any:
        """The sync object underneath."""
        return self._target

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if isinstance(value, (SyncResource, Coze)):
            return AsyncView(value)
        if not callable(value):
            return value
        twin = getattr(self._target._inner, name, None)
        if inspect.iscoroutinefunction(twin):
            return lambda *a, **k: asyncio.to_thread(value, *a, **k)
        return lambda *a, **k: view_of(value(*a, **k))

    async def aclose(self) -> None:
        await asyncio.to_thread(self._target.close)


def view_of(value: Any) -> Any:
    if isinstance(value, SyncEventStream):
        return StreamView(value)
    if isinstance(value, SyncPaginator):
        return PaginatorView(value)
    return value


class StreamView:
    """``async with`` / ``async for`` over a sync stream (``with`` / ``for`` in a thread)."""

    def __init__(self, stream: SyncEventStream[Any]) -> None:
        self._stream = stream

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    async def __aenter__(self) -> StreamView:
        await asyncio.to_thread(self._stream.__enter__)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.to_thread(self._stream.close)

    async def __aiter__(self) -> AsyncIterator[Any]:
        iterator = await asyncio.to_thread(iter, self._stream)
        done = object()
        try:
            while (item := await asyncio.to_thread(next, iterator, done)) is not done:
                yield item
        finally:
            await asyncio.to_thread(iterator.close)  # type: ignore[attr-defined]

    async def collect(self) -> list[Any]:
        return await asyncio.to_thread(self._stream.collect)

    async def aclose(self) -> None:
        await asyncio.to_thread(self._stream.close)


class PaginatorView:
    """``await`` (first page) / ``async for`` (every item) / ``pages()`` over a sync paginator."""

    def __init__(self, paginator: SyncPaginator[Any]) -> None:
        self._paginator = paginator

    def __await__(self) -> Generator[Any, None, Any]:
        return asyncio.to_thread(self._paginator.first_page).__await__()

    async def __aiter__(self) -> AsyncIterator[Any]:
        for item in await asyncio.to_thread(self._paginator.to_list):
            yield item

    async def pages(self) -> AsyncIterator[Any]:
        for page in await asyncio.to_thread(lambda: list(self._paginator.pages())):
            yield page

    async def to_list(self) -> list[Any]:
        return await asyncio.to_thread(self._paginator.to_list)
