"""Serve a fake on a real loopback socket (127.0.0.1, a free port) through a tiny ASGI adapter.

Use it for benchmarks with real sockets, for other processes, for clients in other languages and
for sync code such as cozepy. ``serve_loopback`` runs the server on the current event loop;
``LoopbackServer`` runs it on its own thread (usable from sync code and across processes).

uvicorn is imported only here, when a server starts.

Examples:
    ```python
    async with serve_loopback(FakeCoze()) as base_url:
        async with httpx.AsyncClient(base_url=base_url) as client:
            ...

    server = LoopbackServer(FakeCoze()).start()
    coze = cozepy.Coze(auth=cozepy.TokenAuth("pat_x"), base_url=server.base_url)
    server.stop()
    ```
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

import httpx

from ._core import FakeServer

__all__ = ["LoopbackServer", "asgi_app", "serve_loopback"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def asgi_app(fake: FakeServer) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """An ASGI application answering every HTTP request with ``fake.handle``.

    Connection faults become real socket behaviour: a reset before the response or mid-body resets the
    TCP connection (RST), so the client sees what a crashed server or proxy causes.

    Args:
        fake: the fake that answers (any `FakeServer`).
    """

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "127.0.0.1")
        raw_path = scope.get("raw_path") or scope["path"].encode()
        query = scope.get("query_string", b"")
        url = f"{scope.get('scheme', 'http')}://{host}{raw_path.decode('latin-1')}"
        if query:
            url += "?" + query.decode("latin-1")
        request = httpx.Request(
            scope["method"], url, headers=[(k, v) for k, v in scope["headers"]], content=b"".join(chunks)
        )
        try:
            response = await fake.handle(request)
        except httpx.TransportError:
            if not _abort(send):
                # No socket to reset: start a response and end it abruptly (uvicorn closes the connection).
                await send(
                    {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}
                )
            return
        headers = [
            (k.encode("latin-1"), v.encode("latin-1"))
            for k, v in response.headers.multi_items()
            if k.lower() not in ("content-length", "transfer-encoding")
        ]
        streamed = not isinstance(response.stream, httpx.ByteStream)
        if not streamed:
            body = await response.aread()
            headers.append((b"content-length", str(len(body)).encode()))
            await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
        try:
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except httpx.TransportError:
            _abort(send)  # reset the socket; failing that, uvicorn closes it as the response is incomplete
            return
        await send({"type": "http.response.body", "body": b""})

    return app


def _abort(send: Send) -> bool:
    """Reset the connection behind an ASGI ``send`` (TCP RST, as a crashed peer or proxy does).

    uvicorn's ``send`` is a method of its request cycle, which holds the asyncio transport; with
    SO_LINGER 0 the close sends RST instead of FIN. Returns False when no transport is reachable.
    """
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None or not hasattr(transport, "abort"):
        return False
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    return True


def _bind(host: str, port: int) -> socket.socket:
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto says
    # TCP; without it the header and body writes meet the client's delayed ACK (~40 ms per call).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


def _server(fake: FakeServer, log_level: str) -> Any:
    import uvicorn

    class _Server(uvicorn.Server):  # type: ignore[misc]
        # Never take over the process's signal handlers (pytest's Ctrl-C, the host program's).
        @contextlib.contextmanager
        def capture_signals(self) -> Any:
            yield

    config = uvicorn.Config(
        asgi_app(fake),
        lifespan="off",
        log_level=log_level,
        access_log=False,
        http="h11",
        loop="asyncio",
        timeout_keep_alive=30,
    )
    return _Server(config)


def _timings(fake: FakeServer, latency: float | None, stream_interval: float | None) -> None:
    if latency or stream_interval:
        fake.configure(latency=latency, stream_interval=stream_interval)


@contextlib.asynccontextmanager
async def serve_loopback(
    fake: FakeServer,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    log_level: str = "critical",
    latency: float | None = None,
    stream_interval: float | None = None,
) -> AsyncIterator[str]:
    """Serve ``fake`` on ``host``:``port`` (0 = a free port) in this event loop; yields the base URL.

    ``latency`` (seconds before every answer) and ``stream_interval`` (seconds between streamed chunks)
    give the fake realistic timings (`FakeServer.configure`).

    Examples:
        ```python
        async with serve_loopback(fake, latency=0.3) as base_url:
            ...
        ```

    Args:
        fake: the fake to serve (any `FakeServer`).
        host: the address to listen on.
        port: the port (0: a free one).
        log_level: uvicorn's log level (``"critical"``: quiet).
        latency: seconds before every answer (None: unchanged).
        stream_interval: seconds between streamed chunks (None: unchanged).
    """
    _timings(fake, latency, stream_interval)
    sock = _bind(host, port)
    server = _server(fake, log_level)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.005)
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


class LoopbackServer:
    """A fake served on its own thread (own event loop): for sync clients and other processes.

    ``latency`` and ``stream_interval`` are as in `serve_loopback`.

    Attributes:
        fake: the served fake (its ``requests`` and ``stats`` fill in as calls arrive).
        base_url: ``http://127.0.0.1:<port>`` once started.

    Examples:
        ```python
        with LoopbackServer(FakeCoze()) as server:
            httpx.get(server.base_url + "/v1/users/me", headers={"Authorization": "Bearer pat_x"})
        ```

    Args:
        fake: the fake to serve (any `FakeServer`).
        host: the address to listen on.
        port: the port (0: a free one).
        log_level: uvicorn's log level (``"critical"``: quiet).
        latency: seconds before every answer (None: unchanged).
        stream_interval: seconds between streamed chunks (None: unchanged).
    """

    def __init__(
        self,
        fake: FakeServer,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        log_level: str = "critical",
        latency: float | None = None,
        stream_interval: float | None = None,
    ):
        _timings(fake, latency, stream_interval)
        self.fake = fake
        self.host = host
        self.port = port
        self.log_level = log_level
        self.base_url = ""
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None

    def start(self, timeout: float = 10.0) -> LoopbackServer:
        """Start serving (returns once the socket accepts connections).

        Args:
            timeout: seconds to wait for the server to start (RuntimeError after).
        """
        self._sock = _bind(self.host, self.port)
        self.port = self._sock.getsockname()[1]
        self.base_url = f"http://{self.host}:{self.port}"
        self._server = _server(self.fake, self.log_level)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, name="coze-fake-loopback", daemon=True
        )
        self._thread.start()
        ready = threading.Event()
        for _ in range(int(timeout / 0.005)):
            if self._server.started:
                ready.set()
                break
            if not self._thread.is_alive():
                break
            ready.wait(0.005)
        if not ready.is_set():
            self.stop()
            raise RuntimeError("the loopback fake server did not start")
        return self

    def stop(self) -> None:
        """Stop serving and join the thread."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
