"""The SDK's own event loop, in one daemon thread per process, that every sync client's calls run on.

One loop means one corridor: the limiter and the ledger of a `Coze` shared by
many threads see every call, in one place, exactly as with ``AsyncCoze`` on one loop.

- The thread starts with the first sync client and ends when the last one closes (and at exit).
- A forked child (gunicorn workers, ``multiprocessing`` with fork) never uses the parent's loop:
  the child starts its own on its first client; a client made in the parent refuses to run there.
- Ctrl-C in the calling thread cancels the call's task on the loop and waits (briefly) for the
  cancellation to finish, so the ledger settles the call by the same rules as an async cancel.
- Calling a sync client from the SDK's loop itself (a callback run by the SDK) would wait for
  itself forever: it raises `SyncContextError` instead.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import threading
import weakref
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any, TypeVar

from typing_extensions import Self

from ..errors import CozeError

__all__ = [
    "CANCEL_GRACE", "LoopClient", "LoopThread", "Portal", "SyncContextError", "acquire", "current", "release", "track",
]

T = TypeVar("T")

#: Seconds a Ctrl-C waits for the cancelled call to settle its ledger entry before giving up.
CANCEL_GRACE = 10.0


class SyncContextError(CozeError):
    """A sync client was used where it cannot run (its own SDK loop, or a process it was not made in)."""


class _Call:
    """One coroutine handed to the loop, and how the calling thread learns its outcome."""

    __slots__ = ("cancelled", "done", "error", "result", "task")

    def __init__(self) -> None:
        self.done = threading.Lock()
        self.done.acquire()  # released by the loop when the task ends: the cheapest cross-thread signal
        self.task: asyncio.Task[Any] | None = None
        self.result: Any = None
        self.error: BaseException | None = None
        self.cancelled = False


class LoopThread:
    """An asyncio loop running forever in a daemon thread, with a count of the clients using it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.pid = os.getpid()
        self.users = 0
        self._ready = threading.Event()
        self.thread = threading.Thread(target=self._main, name="coze-client-sync-loop", daemon=True)
        self.thread_id: int | None = None
        self.thread.start()
        self._ready.wait()

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.thread_id = threading.get_ident()
        self._ready.set()
        try:
            self.loop.run_forever()
        finally:
            try:
                self._drain()
                self.loop.run_until_complete(self.loop.shutdown_asyncgens())
                self._drain()
                self.loop.run_until_complete(self.loop.shutdown_default_executor())
            finally:
                self.loop.close()

    def _drain(self) -> None:
        # Tasks still pending at the stop (an async generator's finaliser, a call given up on):
        # cancel them and let them finish, a few times over, as ending one may start another.
        for _ in range(5):
            pending = [t for t in asyncio.all_tasks(self.loop) if not t.done()]
            if not pending:
                return
            for task in pending:
                task.cancel()
            self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))

    @property
    def alive(self) -> bool:
        """Whether calls can still run here (same process, loop not stopped)."""
        return self.pid == os.getpid() and self.thread.is_alive() and not self.loop.is_closed()

    def check(self) -> None:
        """Raise `SyncContextError` when the calling thread cannot wait for this loop."""
        if self.pid != os.getpid():
            raise SyncContextError(
                "this sync client was created in another process (before a fork); "
                "create a new Coze(...) in this process"
            )
        if threading.get_ident() == self.thread_id:
            raise SyncContextError(
                "a sync client was called from the SDK's own event loop (inside a callback the SDK runs, "
                "such as a progress callback); it would wait for itself forever. Use AsyncCoze there, "
                "or call the sync client from your own thread"
            )
        if not self.thread.is_alive():
            raise SyncContextError("this sync client is closed; create a new Coze(...)")

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the loop and wait for its result in the calling thread.

        A ``KeyboardInterrupt`` (or any exception raised into the waiting thread) cancels the task,
        waits up to `CANCEL_GRACE` seconds for it to finish cancelling, and is re-raised.
        """
        try:
            self.check()
        except BaseException:
            coro.close()
            raise
        call = _Call()
        loop = self.loop

        def finish(task: asyncio.Task[Any]) -> None:
            if task.cancelled():
                call.cancelled = True
            else:
                call.error = task.exception()
                if call.error is None:
                    call.result = task.result()
            call.done.release()

        def start() -> None:
            if call.cancelled:  # Ctrl-C arrived before the loop got to it: never start the call
                coro.close()
                call.done.release()
                return
            call.task = loop.create_task(coro)
            call.task.add_done_callback(finish)

        try:
            loop.call_soon_threadsafe(start)
        except RuntimeError:  # the loop closed between check() and here
            coro.close()
            raise SyncContextError("this sync client is closed; create a new Coze(...)") from None
        try:
            call.done.acquire()
        except BaseException:
            self._cancel(call)
            raise
        if call.error is not None:
            error = call.error
            call.error = None  # no reference cycle through the traceback
            raise error
        if call.cancelled:
            raise asyncio.CancelledError("the call was cancelled on the SDK loop")
        result: T = call.result
        return result

    def _cancel(self, call: _Call) -> None:
        def cancel() -> None:
            call.cancelled = True
            if call.task is not None:
                call.task.cancel()

        with contextlib.suppress(RuntimeError):  # loop already closed
            self.loop.call_soon_threadsafe(cancel)
            call.done.acquire(timeout=CANCEL_GRACE)

    def call_soon(self, fn: Callable[..., Any], *args: Any) -> None:
        """Schedule ``fn(*args)`` on the loop from any thread (ignored once the loop is closed)."""
        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(fn, *args)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the loop and join its thread (no-op from the loop's own thread or another process)."""
        if self.pid != os.getpid():
            return
        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(self.loop.stop)
        if threading.get_ident() != self.thread_id:
            self.thread.join(timeout)


class Portal:
    """One client's way onto the SDK loop: runs its calls there until the client is closed."""

    __slots__ = ("__weakref__", "closed", "thread")

    def __init__(self, thread: LoopThread) -> None:
        self.thread = thread
        self.closed = False

    @property
    def pid(self) -> int:
        """The process the loop belongs to."""
        return self.thread.pid

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the SDK loop and wait for it (see `LoopThread.run`)."""
        if self.closed:
            coro.close()
            raise SyncContextError("this client is closed; create a new one (or use it inside its with block)")
        return self.thread.run(coro)

    def call_soon(self, fn: Callable[..., Any], *args: Any) -> None:
        """Schedule ``fn(*args)`` on the SDK loop from any thread."""
        self.thread.call_soon(fn, *args)


_lock = threading.Lock()
_current: LoopThread | None = None
# Clients still open, closed at interpreter exit before the loop stops (their ledgers flush).
_open_clients: weakref.WeakSet[Any] = weakref.WeakSet()


def acquire(client: Any = None) -> Portal:
    """A portal onto the process's SDK loop (started if needed), which counts one user more."""
    global _current
    with _lock:
        if _current is None or not _current.alive:
            _current = LoopThread()
        _current.users += 1
        if client is not None:
            _open_clients.add(client)
        return Portal(_current)


def release(portal: Portal, client: Any = None) -> None:
    """Close the portal: one user fewer; the last one stops the loop and its thread."""
    global _current
    with _lock:
        if client is not None:
            _open_clients.discard(client)
        if portal.closed:
            return
        portal.closed = True
        loop = portal.thread
        if loop.pid != os.getpid():
            return
        loop.users -= 1
        if loop.users > 0:
            return
        if _current is loop:
            _current = None
    loop.stop()


def track(client: Any) -> None:
    """Close ``client`` (its ``close()``) at interpreter exit if it is still open then."""
    with _lock:
        _open_clients.add(client)


def current() -> LoopThread | None:
    """The running SDK loop of this process, if any (for tests and diagnostics)."""
    return _current if _current is not None and _current.alive else None


def _at_exit() -> None:
    global _current
    for client in list(_open_clients):
        with contextlib.suppress(BaseException):
            client.close()
    with _lock:
        loop, _current = _current, None
    if loop is not None:
        loop.stop(timeout=5.0)


def _after_fork_in_child() -> None:
    # The parent's loop thread does not exist here; its lock may have been held at the fork.
    global _current, _lock, _open_clients
    _lock = threading.Lock()
    _current = None
    _open_clients = weakref.WeakSet()


atexit.register(_at_exit)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class LoopClient:
    """Closing shared by the sync objects whose async twin (``_inner``) runs on the SDK loop (``_loop``).

    ``close()`` closes the async object (its HTTP client, limiter and ledger, unless they were given to it)
    and gives the loop thread up; ``with`` closes on the way out. Idempotent.
    """

    _closed: bool
    _inner: Any
    _loop: Portal

    def close(self) -> None:
        """Close the object underneath (what it built: HTTP client, limiter, ledger) and release the loop."""
        if self._closed:
            return
        self._closed = True
        try:
            self._loop.run(self._inner.aclose())
        finally:
            release(self._loop, self)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
