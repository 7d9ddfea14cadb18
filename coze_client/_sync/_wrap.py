"""Sync faces of the async building blocks: resources, event streams and paginators.

Nothing here knows an endpoint. A sync resource holds its async twin and the SDK loop; every call
runs the async method on that loop (the generated classes in ``_resources.py`` spell the methods
out for type checkers and docs; `SyncResource.__getattr__` wraps anything they do not know
yet, so a resource added to ``AsyncCoze`` works in ``Coze`` before the classes are regenerated).
"""

from __future__ import annotations

import asyncio
import functools
import gc
import inspect
import queue
import re
from collections.abc import AsyncIterator, Callable, Generator, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import httpx

from .._call import Usage
from .._models import CallMeta
from .._streaming import EventStream
from ..errors import StreamError
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

# Items handed from the loop to the calling thread at once, at most (those ready without a network wait).
# Event streams hand over raw body chunks (decoded in the calling thread), which the garbage collector
# does not track: their batches stay at the cap. For streams of decoded items (SyncStream's default),
# the items alive between the threads (the batch you work on, the one ready behind it, the one being
# read) must stay well under the garbage collector's young-generation threshold: held across a
# collection they are promoted, and promoted events bring full collections (+25 % per stream at
# 128-event batches). So a batch is sized to the events' weight, measured as the stream goes:
# half the threshold (700 objects by default) in GC-tracked objects, between _MIN_BATCH and _BATCH
# events. The measure is rough (the caller frees events meanwhile), hence the cap (bench/sync.py).
_BATCH = 64
_MIN_BATCH = 8
# Raw body chunks per batch, at most (each one network read of at most 64 KiB): bounds the look-ahead
# in bytes. Under the bench's fast stream a batch holds about two.
_CHUNKS = 16
# Batches the reader may hold ready ahead of the caller, at most (the look-ahead is bounded: _AHEAD
# batches); the reader then rests between events until the caller is down to _LOW.
_AHEAD = 1
_LOW = 0
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

    One reader task on the SDK loop reads the stream a little ahead of you: it takes every item the
    stream yields without waiting for the network (up to 64, fewer for heavy items) and hands them
    over together, so the threads meet at most once per network read, not per item. The look-ahead
    is bounded: with one batch ready and not taken the reader rests between items (its read timeout
    does not run meanwhile) until you take it. (`SyncEventStream` reads the body's bytes this way and
    decodes them in your thread.) While you work on events the loop is free for other
    calls. Leaving the ``with`` block, breaking out of the ``for`` loop or `close` closes the stream
    underneath at once.
    """

    def __init__(self, inner: Any, loop: Portal) -> None:
        self._inner = inner
        self._loop = loop
        self._pending: _Resume | None = None
        self._reader: asyncio.Task[None] | None = None
        self._want: asyncio.Event | None = None
        # Batches the reader handed over and the caller has not taken yet (C-level: a put wakes the
        # caller only when it waits; no lock or condition in Python on either side).
        self._batches: queue.SimpleQueue[list[Any]] = queue.SimpleQueue()
        self._parked = False  # the reader rests until the caller takes batches (set on the loop only)
        self._limit = min(_BATCH, max(_MIN_BATCH, _BATCH // 4))  # events per batch, at most: sized as they come
        self._started = False
        self._closed = False
        self._closing = False

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
            raise StreamError("a stream can be iterated only once")
        self._started = True
        return self._events()

    def _events(self) -> Iterator[E]:
        return self._received()

    def _received(self) -> Generator[Any, None, None]:
        # The items of the async iterator (`_source`), as the reader hands them over; closes the stream at the end.
        self._loop.run(self._start())
        call_soon, wake, batches = self._loop.call_soon, self._wake, self._batches
        get, qsize = batches.get, batches.qsize
        try:
            while True:
                batch = get()  # Ctrl-C here: the finally below closes the stream
                if self._parked and qsize() <= _LOW:
                    self._parked = False
                    call_soon(wake)  # the one cross-thread wake-up towards the loop, per _AHEAD - _LOW batches
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

    async def _start(self) -> None:
        self._want = asyncio.Event()
        # One task reads the whole stream (the HTTP stack's cancel scopes belong to one task).
        self._reader = asyncio.ensure_future(self._read())

    def _wake(self) -> None:
        if self._want is not None:
            self._want.set()

    def _source(self) -> AsyncIterator[Any]:
        """What the reader reads on the SDK loop (a lazy iterator: nothing may raise before its first step)."""
        return self._inner.__aiter__()  # type: ignore[no-any-return]

    async def _read(self) -> None:
        iterator = self._source()
        want = self._want
        assert want is not None
        qsize = self._batches.qsize
        delivered = False
        try:
            while True:
                # The first event of the next batch: waited for here, inside this task, so a network
                # stall meets the stream's own timeouts.
                first = await self._first(iterator)
                while qsize() >= _AHEAD:
                    # Far enough ahead: rest until the caller is down to _LOW batches. Only here, where
                    # no read is half-run (its timeout would run on the caller's time). Checked again
                    # after _parked is set, so a batch taken meanwhile is never missed.
                    want.clear()
                    self._parked = True
                    if qsize() >= _AHEAD:
                        await want.wait()
                self._parked = False
                batch = self._rest(iterator, first)
                self._hand_over(batch)
                last = batch[-1]
                if last is _DONE or last.__class__ is _Failure:
                    delivered = True
                    return
        except BaseException as exc:
            if not self._closing:  # never leave the caller waiting for a batch that will not come
                error = exc if isinstance(exc, Exception) else StreamError("the stream was cancelled")
                self._hand_over([_Failure(error)])
                delivered = True
            raise
        finally:
            if not delivered and not self._closing:
                self._hand_over([_Failure(StreamError("the stream's reader stopped"))])
            aclose = getattr(iterator, "aclose", None)
            if aclose is not None:
                await aclose()

    def _hand_over(self, batch: list[Any]) -> None:
        self._batches.put(batch)

    async def _first(self, iterator: AsyncIterator[Any]) -> Any:
        pending, self._pending = self._pending, None
        try:
            return await (pending if pending is not None else iterator.__anext__())
        except StopAsyncIteration:
            return _DONE
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            return _Failure(exc)

    def _rest(self, iterator: AsyncIterator[Any], first: Any) -> list[Any]:
        # ``first``, then the events the stream yields without waiting for the network.
        out = [first]
        if first is _DONE or first.__class__ is _Failure:
            return out
        limit = self._limit
        before = gc.get_count()[0]
        try:
            while len(out) < limit:
                step = iterator.__anext__()
                try:
                    waits_for = step.send(None)  # type: ignore[attr-defined]
                except StopIteration as ready:
                    out.append(ready.value)
                    continue
                self._pending = _Resume(step, waits_for)  # it needs the network: _first finishes it
                break
        except StopAsyncIteration:
            out.append(_DONE)
        except Exception as exc:
            out.append(_Failure(exc))
        self._size_batches(len(out) - 1, gc.get_count()[0] - before)
        return out

    def _size_batches(self, events: int, tracked: int) -> None:
        # ``events`` made ``tracked`` GC-tracked objects (negative or tiny if a collection ran
        # meanwhile or other threads freed objects: then nothing is learnt).
        if events < _MIN_BATCH or tracked < events:
            return
        threshold = gc.get_threshold()[0]
        if not gc.isenabled() or threshold <= 0:
            self._limit = _BATCH
            return
        # The batches alive at once: the caller's and those waiting (_AHEAD at most); the one being
        # read grows while the caller's shrinks.
        alive = _AHEAD + 1
        self._limit = min(_BATCH, max(_MIN_BATCH, threshold * events // (alive * tracked)))

    def close(self) -> None:
        """Close the connection and settle the call (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._loop.run(self._aclose())

    async def _aclose(self) -> None:
        self._closing = True
        reader = self._reader
        if reader is not None and not reader.done():
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
        await self._inner.aclose()

    def collect(self) -> list[E]:
        """Read the whole stream into a list."""
        return list(self)


class SyncEventStream(SyncStream[E]):
    """A stream of typed events for sync code: ``with coze.chat.stream(...) as events: for e in events``.

    The same rules as `EventStream`: leaving the ``with`` block (or breaking out
    of the ``for`` loop) closes the connection at once, releases the limiter slot and settles the
    ledger; a truncated stream raises `StreamError`. The body is read on the SDK loop a little ahead
    of your loop, so a slow consumer never stalls other calls; its events are decoded in your thread,
    as you iterate.

    Args:
        inner: the async `EventStream` it reads (the sync client builds it; you never pass it).
        loop: the SDK loop thread's portal the stream is read on.

    Examples:
        ```python
        with coze.chat.stream(bot_id="7351...", user_id="u1",
                              additional_messages=["hi"]) as events:
            for event in events:
                print(event.event)
        ```
    """

    _inner: EventStream[E]

    def __init__(self, inner: EventStream[E], loop: Portal) -> None:
        super().__init__(inner, loop)
        self._limit = min(_BATCH, _CHUNKS)  # raw bytes: nothing for the garbage collector to weigh

    def _source(self) -> AsyncIterator[bytes]:
        # The loop only reads: decoded events would cross threads alive, and the GC-tracked objects they
        # hold (~6 per chat event) would bring collections that `async for` never pays (bench/sync.py).
        return self._inner.chunks()

    def _size_batches(self, events: int, tracked: int) -> None:
        pass  # bytes are not tracked by the garbage collector: batches stay at their cap

    def _events(self) -> Iterator[E]:
        chunks = self._received()  # the body's bytes, read on the SDK loop
        inner = self._inner
        decoder = inner.decoder()
        frames, event = decoder.frames, decoder.event
        try:
            for chunk in chunks:
                for sse in frames(chunk):
                    item = event(sse)
                    if item is not None:
                        yield item
                    if inner.ended:
                        return
            yield from decoder.finish()
        finally:
            chunks.close()  # its own finally closes the stream (settled with the usage decoded here)

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


class _Resume:
    """Finish an awaitable whose first step already ran and yielded ``waits_for`` (a future to wait on).

    Awaiting it hands ``waits_for`` to the running task, then drives the rest of the step as
    ``yield from`` would: values sent and exceptions thrown (a cancel) reach the step.
    """

    __slots__ = ("step", "waits_for")

    def __init__(self, step: Any, waits_for: Any) -> None:
        self.step = step
        self.waits_for = waits_for

    def __await__(self) -> Generator[Any, Any, Any]:
        return self._drive(self.waits_for)

    def _drive(self, yielded: Any) -> Generator[Any, Any, Any]:
        step = self.step
        while True:
            try:
                sent = yield yielded
            except GeneratorExit:
                step.close()
                raise
            except BaseException as exc:  # thrown in by the task (a cancel): the step decides
                try:
                    yielded = step.throw(exc)
                except StopIteration as done:
                    return done.value
                continue
            try:
                yielded = step.send(sent)
            except StopIteration as done:
                return done.value


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

    Args:
        inner: the async `AsyncPaginator` it walks (the sync client builds it; you never pass it).
        loop: the SDK loop thread's portal the pages are fetched on.

    Examples:
        ```python
        for conv in coze.conversations.list(bot_id="7351..."):
            print(conv.id)
        first = coze.conversations.list(bot_id="7351...").first_page()
        ```
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



class StaleResources:
    """Stand-in for the generated ``SyncCozeResources`` while that file is stale: resources wrapped at run time."""

    _inner: Any
    _loop: Portal

    def __init__(self, **options: Any) -> None:
        self._start(options)

    def _start(self, options: dict[str, Any]) -> None:
        raise NotImplementedError
