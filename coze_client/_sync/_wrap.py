"""Sync faces of the async building blocks: resources, event streams and paginators.

Nothing here knows an endpoint. A sync resource holds its async twin and the SDK loop; every call
runs the async method on that loop (the generated classes in ``_resources.py`` spell the methods
out for type checkers and docs; :meth:`SyncResource.__getattr__` wraps anything they do not know
yet, so a resource added to ``AsyncCoze`` works in ``Coze`` before the classes are regenerated).
"""

from __future__ import annotations

import asyncio
import collections
import functools
import inspect
import re
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import httpx

from .._call import Usage
from .._models import CallMeta
from .._streaming import EventStream
from ..pagination import AsyncPaginator, Page
from ..resources._base import APIResource
from ..types.workflows import WorkflowEvent
from ._loop import Portal
from ._results import SYNC_RESULTS, as_sync

if TYPE_CHECKING:
    from ..resources.workflows import WorkflowStream
    from ..types.workflows import WorkflowEventError, WorkflowEventInterrupt

__all__ = [
    "SyncEventStream", "SyncPaginator", "SyncResource", "SyncStream", "SyncWorkflowStream", "iterate", "sync_doc",
    "wrap_value",
]

E = TypeVar("E")
T = TypeVar("T")
S = TypeVar("S", bound="SyncStream[Any]")

# Events cross between the threads in batches: one per network read, at most _BATCH events. The reader
# on the loop waits (asynchronously) while _HIGH_WATER batches are unread, and goes on once the consumer
# is down to _LOW_WATER. Small figures are faster: events then die young, before the garbage collector
# promotes them (bench/sync.py: a full collection per 20,000 events cost a quarter of the stream's CPU).
_HIGH_WATER = 2
_LOW_WATER = 1
_BATCH = 64
_DONE: Any = object()


class SyncResource:
    """Base of every sync resource: its async twin and the loop that runs it."""

    # "module.AsyncName" -> the generated sync class (filled by the classes' ``_wraps``).
    _registry: ClassVar[dict[str, type[SyncResource]]] = {}

    def __init__(self, inner: Any, loop: Portal) -> None:
        self._inner = inner
        self._loop = loop

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        wraps = cls.__dict__.get("_wraps")
        if wraps is not None:
            SyncResource._registry[wraps] = cls

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            # Only reached for names the generated class does not define (new or private ones).
            if name.startswith("_"):
                raise AttributeError(name)
            value = getattr(self._inner, name)
            wrapped = wrap_member(value, self._loop)
            if isinstance(value, APIResource):
                self.__dict__[name] = wrapped  # a sub-resource: wrap it once
            return wrapped


def resource_for(inner: APIResource, loop: Portal) -> SyncResource:
    """The sync face of an async resource (its generated class, else the generic one)."""
    kind = type(inner)
    cls = SyncResource._registry.get(f"{kind.__module__}.{kind.__qualname__}", SyncResource)
    return cls(inner, loop)


def wrap_value(value: Any, loop: Portal) -> Any:
    """A result as sync code sees it: streams, paginators and resources get their sync face."""
    if isinstance(value, EventStream):
        from ..resources.workflows import WorkflowStream

        if isinstance(value, WorkflowStream):
            return SyncWorkflowStream(value, loop)
        return SyncEventStream(value, loop)
    if isinstance(value, AsyncPaginator):
        return SyncPaginator(value, loop)
    if isinstance(value, APIResource):
        return resource_for(value, loop)
    if inspect.isasyncgen(value):
        return iterate(value, loop)
    sync_cls = SYNC_RESULTS.get(type(value))
    if sync_cls is not None:
        return as_sync(value, sync_cls)
    if inspect.isawaitable(value):
        return wrap_value(loop.run(_await(value)), loop)
    return value


async def _await(value: Any) -> Any:
    return await value


def wrap_member(value: Any, loop: Portal) -> Any:
    """A member of an async resource as a sync one (methods run on the loop)."""
    if isinstance(value, APIResource):
        return resource_for(value, loop)
    if inspect.isasyncgenfunction(value):

        @functools.wraps(value)
        def call_gen(*args: Any, **kwargs: Any) -> Any:
            return iterate(value(*args, **kwargs), loop)

        call_gen.__doc__ = sync_doc(value.__doc__)
        return call_gen
    if inspect.iscoroutinefunction(value):

        @functools.wraps(value)
        def call_async(*args: Any, **kwargs: Any) -> Any:
            return wrap_value(loop.run(value(*args, **kwargs)), loop)

        call_async.__doc__ = sync_doc(value.__doc__)
        return call_async
    if callable(value) and not isinstance(value, type):

        @functools.wraps(value)
        def call_sync(*args: Any, **kwargs: Any) -> Any:
            return wrap_value(value(*args, **kwargs), loop)

        call_sync.__doc__ = sync_doc(value.__doc__)
        return call_sync
    return value


_DOC_RULES = (
    (re.compile(r"\basync with\b"), "with"),
    (re.compile(r"\basync for\b"), "for"),
    (re.compile(r"\bawait "), ""),
    (re.compile(r"``aclose\(\)``"), "``close()``"),
    (re.compile(r"``await`` for one page"), "``.first_page()`` for one page"),
)


def sync_doc(doc: str | None) -> str | None:
    """An async method's docstring as the sync method's (``await``/``async with``/``async for`` dropped)."""
    if not doc:
        return doc
    for pattern, repl in _DOC_RULES:
        doc = pattern.sub(repl, doc)
    return doc


class SyncStream(Generic[E]):
    """Sync iteration over an async stream that lives on the SDK loop (``__aenter__``, ``__aiter__``, ``aclose``).

    Events are read on the SDK loop a little ahead of the consumer (two batches of up to 64 events), and
    the reader waits without blocking the loop, so a slow consumer never stalls other calls.
    Leaving the ``with`` block, breaking out of the ``for`` loop or :meth:`close` closes the stream
    underneath at once.
    """

    def __init__(self, inner: Any, loop: Portal) -> None:
        self._inner = inner
        self._loop = loop
        self._buffer: collections.deque[Any] = collections.deque()
        self._ready = threading.Condition(threading.Lock())
        self._waiting = False
        self._paused = False
        self._room: asyncio.Event | None = None
        self._pump: asyncio.Future[None] | None = None
        self._started = False
        self._closed = False
        self._batch: list[Any] = []
        self._flush_due = False

    def __enter__(self: S) -> S:
        self._loop.run(self._inner.__aenter__())
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- iteration
    def __iter__(self) -> Iterator[E]:
        if self._started:
            from ..errors import StreamError

            raise StreamError("a stream can be iterated only once")
        self._started = True
        return self._events()

    def _events(self) -> Iterator[E]:
        self._loop.run(self._start_pump())
        buffer, ready = self._buffer, self._ready
        try:
            while True:
                try:
                    batch = buffer.popleft()
                except IndexError:
                    with ready:
                        self._waiting = True  # set before looking: the reader notifies only when it sees it
                        while not buffer:
                            ready.wait()
                        self._waiting = False
                    continue
                if self._paused and len(buffer) <= _LOW_WATER:
                    self._paused = False
                    self._loop.call_soon(self._wake_pump)
                batch.reverse()
                pop = batch.pop
                while batch:
                    item = pop()  # the batch lets go of each event as it is handed out
                    if item is _DONE:
                        return
                    if item.__class__ is _Failure:
                        raise item.error
                    yield item
        finally:
            self.close()

    async def _start_pump(self) -> None:
        self._room = asyncio.Event()
        self._pump = asyncio.ensure_future(self._read())

    def _wake_pump(self) -> None:
        if self._room is not None:
            self._room.set()

    def _flush(self) -> None:
        # On the loop, once the reader has taken every event that was at hand (it is waiting for
        # bytes now), or once a batch is full: hand them over together, so the threads meet rarely.
        self._flush_due = False
        batch, self._batch = self._batch, []
        if batch:
            self._buffer.append(batch)
            if self._waiting:
                with self._ready:
                    self._ready.notify()

    async def _read(self) -> None:
        iterator: AsyncIterator[E] = self._inner.__aiter__()
        room = self._room
        assert room is not None
        buffer = self._buffer
        loop = asyncio.get_running_loop()
        try:
            async for event in iterator:
                batch = self._batch
                batch.append(event)
                if len(batch) >= _BATCH:
                    self._flush()
                elif not self._flush_due:
                    self._flush_due = True
                    loop.call_soon(self._flush)
                if len(buffer) >= _HIGH_WATER:
                    room.clear()
                    self._paused = True
                    if len(buffer) >= _HIGH_WATER:  # the consumer may have drained it meanwhile
                        await room.wait()
        except asyncio.CancelledError:
            self._batch.append(_DONE)
            raise
        except BaseException as exc:
            self._batch.append(_Failure(exc))
        else:
            self._batch.append(_DONE)
        finally:
            self._flush()
            aclose = getattr(iterator, "aclose", None)
            if aclose is not None:
                await aclose()

    def close(self) -> None:
        """Close the connection and settle the call (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._loop.run(self._aclose())

    async def _aclose(self) -> None:
        pump = self._pump
        if pump is not None and not pump.done():
            pump.cancel()
            await asyncio.gather(pump, return_exceptions=True)
        await self._inner.aclose()

    def collect(self) -> list[E]:
        """Read the whole stream into a list."""
        return list(self)


class SyncEventStream(SyncStream[E]):
    """A stream of typed events for sync code: ``with coze.chat.stream(...) as events: for e in events``.

    The same rules as :class:`~coze_client.EventStream`: leaving the ``with`` block (or breaking out
    of the ``for`` loop) closes the connection at once, releases the limiter slot and settles the
    ledger; a truncated stream raises :class:`~coze_client.errors.StreamError`. Events are read on the
    SDK loop a little ahead of your loop, so a slow consumer never stalls other calls.

    Example:
        >>> with coze.chat.stream(bot_id="7351...", user_id="u1",  # doctest: +SKIP
        ...                       additional_messages=["hi"]) as events:
        ...     for event in events:
        ...         print(event.event)
    """

    _inner: EventStream[E]

    def __init__(self, inner: EventStream[E], loop: Portal) -> None:
        super().__init__(inner, loop)

    @property
    def stream(self) -> EventStream[E]:
        """The async stream underneath (it lives on the SDK loop: read its attributes, do not await it)."""
        return self._inner

    # -- facts the async stream keeps
    @property
    def response(self) -> httpx.Response | None:
        """The underlying HTTP response (after opening)."""
        return self._inner.response

    @property
    def meta(self) -> CallMeta | None:
        """What the corridor did to open this stream (attempts, waits, logid)."""
        return self._inner.meta

    @property
    def logid(self) -> str | None:
        """The stream's ``x-tt-logid``."""
        return self._inner.logid

    @property
    def usage(self) -> Usage | None:
        """Usage reported by the stream so far (tokens of a completed chat)."""
        return self._inner.usage

    @property
    def ended(self) -> bool:
        """Whether the terminating event arrived."""
        return self._inner.ended

    @property
    def end_data(self) -> Any:
        """Data of the terminating event (the chatflow's ``done`` carries ``debug_url``)."""
        return self._inner.end_data

    @property
    def last_event_id(self) -> str | None:
        """The ``id`` of the last event that carried one."""
        return self._inner.last_event_id

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            if name.startswith("_"):
                raise AttributeError(name)
            return getattr(self._inner, name)

class _Failure:
    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


class SyncWorkflowStream(SyncEventStream[WorkflowEvent]):
    """A workflow event stream for sync code (``runs.stream`` / ``runs.resume``); see ``WorkflowStream``."""

    _inner: WorkflowStream

    @property
    def debug_url(self) -> str | None:
        """The run's debug page (valid 7 days), from the ``Done`` event."""
        return self._inner.debug_url

    @property
    def gaps(self) -> list[tuple[int, int]]:
        """``(expected_id, got_id)`` pairs where events went missing."""
        return self._inner.gaps

    @property
    def error(self) -> WorkflowEventError | None:
        """The last ``Error`` event seen."""
        return self._inner.error

    @property
    def interrupt(self) -> WorkflowEventInterrupt | None:
        """The last ``Interrupt`` event seen."""
        return self._inner.interrupt


class SyncPaginator(Generic[T]):
    """Pages of a list call for sync code: iterate it for every item of every page.

    Example:
        >>> for conv in coze.conversations.list(bot_id="7351..."):  # doctest: +SKIP
        ...     print(conv.id)
        >>> first = coze.conversations.list(bot_id="7351...").first_page()  # doctest: +SKIP
    """

    def __init__(self, inner: AsyncPaginator[T], loop: Portal) -> None:
        self._inner = inner
        self._loop = loop

    def first_page(self) -> Page[T]:
        """The first page only (what ``await`` gives with ``AsyncCoze``)."""
        return self._loop.run(_await(self._inner))  # type: ignore[no-any-return]

    def pages(self) -> Iterator[Page[T]]:
        """Every page, in order (one request per page, as you iterate)."""
        return iterate(self._inner.pages(), self._loop)

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def to_list(self) -> list[T]:
        """Every item of every page."""
        return list(self)


def iterate(iterator: AsyncIterator[T], loop: Portal) -> Iterator[T]:
    """Items of an async iterator living on the SDK loop, one round trip each (closed when you stop)."""
    try:
        while True:
            try:
                item = loop.run(_anext(iterator))
            except StopAsyncIteration:
                return
            yield item
    finally:
        loop.run(_aclose_gen(iterator))


async def _anext(iterator: AsyncIterator[T]) -> T:
    return await iterator.__anext__()


async def _aclose_gen(gen: Any) -> None:
    aclose: Callable[[], Any] | None = getattr(gen, "aclose", None)
    if aclose is not None:
        await aclose()

