"""What every fake server shares: recording, routing, auth hook, enforcement, faults, mounting.

A fake is one async function, `FakeServer.handle` (``httpx.Request -> httpx.Response``), so the
same object runs on respx (`FakeServer.mock`), as an ``httpx`` transport
(`FakeServer.transport`) and behind a real socket (`coze_client.testing.loopback`).
Streaming answers carry an async byte iterator, so SSE arrives chunk by chunk in every mode.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

import httpx

from .._secrets import fingerprint
from ..limits.plans import Limit, Plan, Quota
from .enforcement import Admission, Clock, Enforcer, Rejection, Stats
from .faults import Fault, Faults

__all__ = ["Ctx", "FakeServer", "FakeTransport", "RecordedRequest", "UploadedFile", "word_pieces"]

REDACTED = "REDACTED"
_SECRET_HEADERS = frozenset({"authorization", "x-api-key", "api-key", "cookie", "proxy-authorization"})
_SECRET_QUERY = frozenset({"access_token", "client_secret", "client_id", "api_key", "token"})

Handler = Callable[["Ctx"], Awaitable[httpx.Response]]


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """One file part of a multipart request.

    Args:
        name: the form field name of the part.
        filename: the file name the client sent (None when absent).
        content_type: the part's ``Content-Type`` (None when absent).
        content: the file's bytes (left out of the repr).
    """

    name: str
    filename: str | None
    content_type: str | None
    content: bytes = field(repr=False)

    @property
    def size(self) -> int:
        """Bytes in the file."""
        return len(self.content)


@dataclass(slots=True)
class RecordedRequest:
    """A request as the fake saw it; secrets (Authorization, ``access_token=``) are REDACTED.

    ``token_fingerprint`` identifies the credential without revealing it; ``status`` is the HTTP
    status of the answer and ``code`` the provider's error code (0 on success), set once answered.

    Args:
        method: the HTTP method, upper case.
        path: the URL path (no query).
        url: the full URL with secret query values REDACTED.
        query: the query parameters (secret values REDACTED).
        headers: the headers, lower-cased names (secret values REDACTED).
        json: the parsed JSON body (None when absent or not JSON).
        body_size: the body size in bytes.
        arrived_at: the fake's monotonic ``clock`` reading on arrival, in seconds.
        form: the non-file fields of a multipart body.
        files: the file parts of a multipart body.
        token_fingerprint: a non-reversible fingerprint of the credential (None when none was sent).
        status: the HTTP status of the answer (0 when the connection was reset before one).
        code: the provider error code of the answer (0 on success, None when not applicable).
    """

    method: str
    path: str
    url: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
    body_size: int
    arrived_at: float
    form: dict[str, str] = field(default_factory=dict)
    files: list[UploadedFile] = field(default_factory=list)
    token_fingerprint: str | None = None
    status: int | None = None
    code: int | None = None


def _redacted_url(url: httpx.URL) -> str:
    if not url.query:
        return str(url)
    pairs = parse_qsl(url.query.decode("ascii", "replace"), keep_blank_values=True)
    safe = [(k, REDACTED if k.lower() in _SECRET_QUERY else v) for k, v in pairs]
    return str(url.copy_with(params=safe))


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], list[UploadedFile]]:
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    form: dict[str, str] = {}
    files: list[UploadedFile] = []
    if not message.is_multipart():
        return form, files
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if filename is not None:
            files.append(UploadedFile(str(name or ""), filename, part.get_content_type(), data))
        elif name is not None:
            form[str(name)] = data.decode("utf-8", "replace")
    return form, files


class Ctx:
    """One request being handled: its parts, path parameters and what the reply consumed.

    Args:
        fake: the fake answering the request.
        request: the httpx request.
        body: the request body, already read.
        rec: the request's record (its query and JSON body are reused).
    """

    __slots__ = (
        "_json",
        "admission",
        "body",
        "credits",
        "fake",
        "headers",
        "method",
        "params",
        "path",
        "query",
        "rec",
        "reply_tokens",
        "request",
        "token",
    )

    def __init__(self, fake: FakeServer, request: httpx.Request, body: bytes, rec: RecordedRequest) -> None:
        self.fake = fake
        self.request = request
        self.method = request.method
        self.path = request.url.path
        self.query = rec.query
        self.headers = request.headers
        self.body = body
        self.rec = rec
        self.params: dict[str, str] = {}
        self.admission: Admission | None = None
        self.reply_tokens = 0
        self.credits = 0.0
        self.token: str | None = None
        self._json: Any = rec.json

    @property
    def json(self) -> Any:
        """The parsed JSON body (None when absent or not JSON)."""
        return self._json

    def body_dict(self) -> dict[str, Any]:
        """The JSON body when it is an object, else ``{}``."""
        return self._json if isinstance(self._json, dict) else {}


class FakeTransport(httpx.AsyncBaseTransport):
    """An ``httpx.AsyncBaseTransport`` that answers every request with a fake (no sockets).

    Examples:
        ```python
        from coze_client.testing import FakeCoze
        client = httpx.AsyncClient(transport=FakeCoze().transport(), base_url="https://api.coze.cn")
        ```

    Args:
        fake: the fake that answers every request.
    """

    def __init__(self, fake: FakeServer) -> None:
        self.fake = fake

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer one request with the fake (what httpx calls).

        Args:
            request: the request httpx sends.
        """
        return await self.fake.handle(request)


def _compile(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$")


class FakeServer:
    """Base of the fakes. Subclasses register routes and say how they authenticate and refuse.

    Args:
        plan: a `Plan` or preset name to enforce (None = no limits).
        limits: custom or overriding limit records (see `Enforcer`).
        quotas: custom or overriding quota records (see `Enforcer`).
        clock: monotonic seconds for windows and simulated progress (``ManualClock`` in tests; default
            ``time.monotonic``).
        wall_clock: Unix seconds for daily quotas and ``created_at`` fields (default ``time.time``).
        count_rejected: whether refused requests occupy their window (default True).
        enforce: False records peaks without refusing anything.
        base_urls: the URLs the fake answers on respx (default: the class's ``base_urls``; a trailing ``/``
            is dropped).
        retry_after_header: add ``Retry-After`` (seconds until the refused slot frees) to answers refused
            by a rate window. The real services do not document one, so it is off by default.
    """

    provider = "fake"
    base_urls: tuple[str, ...] = ()
    # Paths under the base URLs that belong to another fake (FakeCoze leaves OAuth to FakeOAuth on respx).
    leave_paths: tuple[str, ...] = ()

    def __init__(
        self,
        *,
        plan: Plan | str | None = None,
        limits: Sequence[Limit] = (),
        quotas: Sequence[Quota] = (),
        clock: Clock | None = None,
        wall_clock: Clock | None = None,
        count_rejected: bool = True,
        enforce: bool = True,
        base_urls: Sequence[str] | None = None,
        retry_after_header: bool = False,
    ) -> None:
        self.retry_after_header = retry_after_header
        self.clock: Clock = clock or time.monotonic
        self.wall_clock: Clock = wall_clock or time.time
        self.requests: list[RecordedRequest] = []
        self.stats = Stats()
        self.faults = Faults()
        self.enforcer: Enforcer | None = None
        if plan is not None or limits or quotas:
            self.enforcer = Enforcer(
                plan,
                limits=limits,
                quotas=quotas,
                clock=self.clock,
                wall_clock=self.wall_clock,
                count_rejected=count_rejected,
                enforce=enforce,
                stats=self.stats,
            )
        if base_urls is not None:
            self.base_urls = tuple(u.rstrip("/") for u in base_urls)
        self._exact: dict[tuple[str, str], Handler] = {}
        self._patterns: list[tuple[str, re.Pattern[str], Handler]] = []
        self._logid_seq = 0
        self.record_requests = True

    def configure(
        self,
        *,
        plan: Plan | str | None = None,
        limits: Sequence[Limit] = (),
        quotas: Sequence[Quota] = (),
        count_rejected: bool = True,
        enforce: bool = True,
        latency: float | None = None,
        stream_interval: float | None = None,
        faults: Iterable[Fault] = (),
        retry_after_header: bool | None = None,
    ) -> FakeServer:
        """Set the plan, faults and timings after construction (what the pytest markers call); returns self.

        Args:
            plan: replace the enforcer's plan (as in the constructor; with ``limits``, ``quotas``,
                ``count_rejected`` and ``enforce`` all left out, the current enforcer is kept).
            limits: as in the constructor.
            quotas: as in the constructor.
            count_rejected: as in the constructor.
            enforce: as in the constructor.
            latency: seconds every request waits before its answer (a ``latency`` fault on all paths).
            stream_interval: seconds between the chunks of every streamed answer (a ``slow_stream`` fault).
            faults: `Fault` records to add.
            retry_after_header: see the constructor (None: unchanged).

        Examples:
            ```python
            fake = FakeServer().configure(latency=0.2, limits=[Limit(name="qps", group="all", limit=5)])
            fake.enforcer is not None and len(fake.faults)
            # 1
            ```
        """
        if plan is not None or limits or quotas:
            self.stats.limits.clear()
            self.enforcer = Enforcer(
                plan,
                limits=limits,
                quotas=quotas,
                clock=self.clock,
                wall_clock=self.wall_clock,
                count_rejected=count_rejected,
                enforce=enforce,
                stats=self.stats,
            )
        if latency:
            self.faults.latency(latency)
        if stream_interval:
            self.faults.slow_stream(stream_interval)
        for fault in faults:
            self.faults.add(fault)
        if retry_after_header is not None:
            self.retry_after_header = retry_after_header
        return self

    # -- routing ------------------------------------------------------------------------------
    def route(self, method: str, template: str, handler: Handler) -> None:
        """Register ``handler`` for ``method`` and a path template like ``/v1/conversations/{cid}``.

        Args:
            method: the HTTP method (any case).
            template: the path; each ``{name}`` matches one path segment, found in ``ctx.params``.
            handler: ``async (Ctx) -> httpx.Response``.
        """
        if "{" in template:
            self._patterns.append((method.upper(), _compile(template), handler))
        else:
            self._exact[(method.upper(), template)] = handler

    def _match(self, method: str, path: str) -> tuple[Handler | None, dict[str, str], bool]:
        handler = self._exact.get((method, path))
        if handler is not None:
            return handler, {}, True
        path_known = any(p == path for (_, p) in self._exact)
        for m, pattern, h in self._patterns:
            found = pattern.match(path)
            if found:
                if m == method:
                    return h, found.groupdict(), True
                path_known = True
        return None, {}, path_known

    # -- subclass hooks -----------------------------------------------------------------------
    def authenticate(self, ctx: Ctx) -> httpx.Response | None:
        """None when the request may proceed, else the provider's auth error answer.

        Args:
            ctx: the request being handled.
        """
        return None

    def groups_for(self, ctx: Ctx) -> tuple[str, ...]:
        """Endpoint groups of the request (``"all"`` is implied).

        Args:
            ctx: the request being handled.
        """
        return ()

    def request_tokens(self, ctx: Ctx) -> int:
        """Token estimate of the request text, charged to token-per-minute windows on arrival.

        Args:
            ctx: the request being handled.
        """
        return 0

    def request_points(self, ctx: Ctx) -> int:
        """Points the call costs (EasyDL), charged to point quotas on arrival.

        Args:
            ctx: the request being handled.
        """
        return 0

    def check_request(self, ctx: Ctx) -> httpx.Response | None:
        """Size and shape checks done before the limits (None = fine).

        Args:
            ctx: the request being handled.
        """
        return None

    def rejection_response(self, ctx: Ctx, rejection: Rejection) -> httpx.Response:
        """The provider's answer to a refused request.

        Args:
            ctx: the request being handled.
            rejection: why the enforcer refused it.
        """
        return httpx.Response(429, json={"error": rejection.kind, "limit": rejection.name})

    def throttle_response(self, ctx: Ctx, fault: Fault) -> httpx.Response:
        """The provider's throttling answer for an injected ``throttle`` fault.

        Args:
            ctx: the request being handled.
            fault: the ``throttle`` fault (its ``code``, when set, is the error code to answer).
        """
        rej = Rejection("rate", "injected", 0, 1.0)
        return self.rejection_response(ctx, rej)

    def not_found(self, ctx: Ctx, path_known: bool) -> httpx.Response:
        """Answer for an unknown path (or a known path with the wrong method).

        Args:
            ctx: the request being handled.
            path_known: True when the path has routes, but none for this method.
        """
        return httpx.Response(405 if path_known else 404, text="Not Found")

    def error_code_of(self, response: httpx.Response) -> int | None:
        """The provider error code of an answer, for the record (None when not applicable).

        Args:
            response: the answer the fake is about to return.
        """
        return None

    # -- helpers for subclasses ---------------------------------------------------------------
    def logid(self) -> str:
        """A fresh log id shaped like the real ones (timestamp + hex)."""
        self._logid_seq += 1
        return time.strftime("%Y%m%d%H%M%S", time.gmtime()) + f"{self._logid_seq:019X}"

    @staticmethod
    def json_bytes(body: Any) -> bytes:
        """Compact UTF-8 JSON, as the providers send it.

        Args:
            body: any JSON-serialisable value.
        """
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def json_response(self, body: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
        """A JSON answer.

        Args:
            body: any JSON-serialisable value.
            status: the HTTP status.
            headers: extra headers (``content-type`` is JSON unless overridden here).
        """
        hdrs = {"content-type": "application/json; charset=utf-8"}
        if headers:
            hdrs.update(headers)
        return httpx.Response(status, headers=hdrs, content=self.json_bytes(body))

    @staticmethod
    def stream_response(
        chunks: AsyncIterator[bytes] | Iterable[bytes],
        *,
        status: int = 200,
        content_type: str = "text/event-stream; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """A streamed answer: ``chunks`` arrive one by one (an async iterator is not pre-read).

        Args:
            chunks: the body's byte chunks, sync or async.
            status: the HTTP status.
            content_type: the ``Content-Type`` (SSE by default).
            headers: extra headers.
        """
        hdrs = {"content-type": content_type, "cache-control": "no-cache"}
        if headers:
            hdrs.update(headers)
        if not hasattr(chunks, "__aiter__"):
            chunks = _aiter(list(chunks))  # type: ignore[arg-type]
        return httpx.Response(status, headers=hdrs, content=chunks)  # type: ignore[arg-type]

    # -- the entry point ----------------------------------------------------------------------
    def _record(self, request: httpx.Request, body: bytes) -> RecordedRequest:
        headers: dict[str, str] = {}
        token: str | None = None
        for key, value in request.headers.items():
            lower = key.lower()
            if lower in _SECRET_HEADERS:
                if lower == "authorization":
                    token = value.split(" ", 1)[1].strip() if " " in value else value
                headers[lower] = REDACTED
            else:
                headers[lower] = value
        query: dict[str, str] = {}
        if request.url.query:
            for key, value in parse_qsl(request.url.query.decode("ascii", "replace"), keep_blank_values=True):
                if key.lower() in _SECRET_QUERY:
                    token = token or value
                    value = REDACTED
                query[key] = value
        parsed: Any = None
        form: dict[str, str] = {}
        files: list[UploadedFile] = []
        ctype = request.headers.get("content-type", "")
        if body:
            if ctype.startswith("multipart/"):
                form, files = _parse_multipart(ctype, body)
            elif "json" in ctype or body[:1] in (b"{", b"["):
                try:
                    parsed = json.loads(body)
                except ValueError:
                    parsed = None
        return RecordedRequest(
            method=request.method,
            path=request.url.path,
            url=_redacted_url(request.url),
            query=query,
            headers=headers,
            json=parsed,
            body_size=len(body),
            arrived_at=self.clock(),
            form=form,
            files=files,
            token_fingerprint=fingerprint(token) if token else None,
        )

    async def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request as the real service would (the core of every mounting mode).

        Args:
            request: the request to answer (its body is read here).
        """
        body = await request.aread()
        rec = self._record(request, body)
        if self.record_requests:
            self.requests.append(rec)
        stats = self.stats
        stats.requests += 1
        key = f"{rec.method} {rec.path}"
        stats.by_path[key] = stats.by_path.get(key, 0) + 1
        ctx = Ctx(self, request, body, rec)
        if rec.token_fingerprint is not None:
            ctx.token = _bearer(request)
        faults = self.faults.pick(rec) if self.faults else []
        if faults:
            stats.faults += len(faults)
            delay = sum(f.seconds for f in faults if f.kind == "latency")
            if delay:
                await asyncio.sleep(delay)
            for fault in faults:
                if fault.kind == "reset" and fault.after_bytes is None:
                    rec.status = 0
                    raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
                if fault.kind == "http_error":
                    reason = httpx.codes.get_reason_phrase(fault.status) or "Error"
                    rec.status = fault.status
                    return httpx.Response(
                        fault.status,
                        headers={"content-type": "text/html", **fault.retry_headers()},
                        text=fault.html(reason),
                    )
                if fault.kind == "throttle":
                    response = self.throttle_response(ctx, fault)
                    response.headers.update(fault.retry_headers())
                    rec.status = response.status_code
                    rec.code = self.error_code_of(response)
                    return response
        response = await self._dispatch(ctx)
        body_faults = [f for f in faults if f.kind in ("reset", "truncate", "malformed", "slow")]
        if body_faults:
            response = _rewrap(response, _faulty(response, body_faults, request))
        rec.status = response.status_code
        if rec.code is None:
            rec.code = self.error_code_of(response)
        return response

    async def _dispatch(self, ctx: Ctx) -> httpx.Response:
        handler, params, path_known = self._match(ctx.method, ctx.path)
        if handler is None:
            return self.not_found(ctx, path_known)
        ctx.params = params
        problem = self.authenticate(ctx) or self.check_request(ctx)
        if problem is not None:
            return problem
        enforcer = self.enforcer
        if enforcer is not None:
            verdict = enforcer.admit(
                self.groups_for(ctx), tokens=self.request_tokens(ctx), points=self.request_points(ctx)
            )
            if isinstance(verdict, Rejection):
                refused = self.rejection_response(ctx, verdict)
                if self.retry_after_header and verdict.retry_after is not None:
                    refused.headers["Retry-After"] = str(max(1, math.ceil(verdict.retry_after)))
                return refused
            ctx.admission = verdict
        try:
            response = await handler(ctx)
        except BaseException:
            if ctx.admission is not None and enforcer is not None:
                enforcer.release(ctx.admission)
            raise
        if ctx.admission is not None and enforcer is not None:
            enforcer.settle(ctx.admission, tokens=ctx.reply_tokens, credits=ctx.credits)
            if isinstance(response.stream, httpx.AsyncByteStream) and not isinstance(response.stream, httpx.ByteStream):
                response = _rewrap(response, _release_after(response, enforcer, ctx.admission))
            else:
                enforcer.release(ctx.admission)
        return response

    # -- mounting -----------------------------------------------------------------------------
    def transport(self) -> FakeTransport:
        """An ``httpx.AsyncBaseTransport`` answering with this fake (inject it into any client)."""
        return FakeTransport(self)

    def install(self, router: Any) -> None:
        """Route this fake's base URLs on a respx router (``respx.mock`` or ``respx.MockRouter``).

        Async clients get `handle` (streams arrive chunk by chunk); sync clients get
        `handle_sync` (the body is produced in full first).

        Args:
            router: the respx router to add routes to.
        """
        import respx

        for base in self.base_urls:
            pattern = respx.patterns.M(url__startswith=base)
            for prefix in self.leave_paths:
                pattern &= ~respx.patterns.M(path__startswith=prefix)
            router.route(pattern).mock(side_effect=self._respx_side_effect)

    def _respx_side_effect(self, request: httpx.Request) -> Any:
        # respx calls side effects from Router.aresolve (async clients: it awaits what we return) or
        # from Router.resolve (sync clients: it needs a Response now); only the call stack tells.
        frame = sys._getframe(1)
        for _ in range(10):
            if frame.f_code.co_name == "aresolve":
                break
            if frame.f_code.co_name == "resolve" and hasattr(frame.f_locals.get("self"), "aresolve"):
                return self.handle_sync(request)
            if frame.f_back is None:
                break
            frame = frame.f_back
        return self.handle(request)

    def handle_sync(self, request: httpx.Request) -> httpx.Response:
        """Answer from sync code (cozepy, ``httpx.Client``) on a private event loop.

        The body is produced in full before returning; a connection fault mid-body is raised when
        the body is read, after the bytes sent before it.

        Args:
            request: the request to answer.
        """
        request.read()

        async def run() -> tuple[httpx.Response, list[bytes], Exception | None]:
            response = await self.handle(request)
            chunks: list[bytes] = []
            error: Exception | None = None
            try:
                async for chunk in response.stream:  # type: ignore[union-attr]
                    chunks.append(chunk)
            except httpx.TransportError as exc:
                error = exc
            return response, chunks, error

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            response, chunks, error = asyncio.run(run())
        else:  # a loop runs in this thread (sync code inside an async test): use another thread
            with ThreadPoolExecutor(1) as pool:
                response, chunks, error = pool.submit(asyncio.run, run()).result()
        headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() != "content-length"]
        if error is None:
            return httpx.Response(response.status_code, headers=headers, content=b"".join(chunks))

        def body() -> Iterator[bytes]:
            yield from chunks
            raise error

        return httpx.Response(response.status_code, headers=headers, content=body())

    @contextmanager
    def mock(self) -> Iterator[Any]:
        """Mount on respx for the ``with`` block (async and sync httpx clients); yields the router.

        Other hosts are left to other routers (several fakes can be mounted at once); a request
        that no router knows fails as respx fails it.

        Examples:
            ```python
            fake = FakeServer()
            with fake.mock():
                pass
            ```
        """
        import respx

        with respx.mock(assert_all_called=False, assert_all_mocked=True) as router:
            self.install(router)
            yield router

    def reset(self) -> None:
        """Forget recorded requests and counters (state like conversations stays)."""
        self.requests.clear()
        self.stats.reset()

    def find(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        """Recorded requests with this method and/or path prefix.

        Args:
            method: the HTTP method (any case); None matches all.
            path: a path prefix such as ``"/v3/chat"``; None matches all.
        """
        return [
            r
            for r in self.requests
            if (method is None or r.method == method.upper()) and (path is None or r.path.startswith(path))
        ]


def word_pieces(text: str) -> list[str]:
    """Split a reply into streamed pieces: each word with the whitespace before it (``"a b"`` ->
    ``["a", " b"]``); trailing whitespace joins the last piece, so the pieces always add up to ``text``.

    Examples:
        ```python
        word_pieces("alpha beta ")
        # ['alpha', ' beta ']
        ```

    Args:
        text: the whole reply.
    """
    pieces = re.findall(r"\s*\S+", text)
    tail = text[sum(len(p) for p in pieces) :]
    if tail:
        if pieces:
            pieces[-1] += tail
        else:
            pieces = [tail]
    return pieces or [text]


def _bearer(request: httpx.Request) -> str | None:
    value = request.headers.get("authorization")
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


async def _aiter(items: list[bytes]) -> AsyncIterator[bytes]:
    for item in items:
        yield item


def _rewrap(response: httpx.Response, chunks: AsyncIterator[bytes]) -> httpx.Response:
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() != "content-length"]
    return httpx.Response(response.status_code, headers=headers, content=chunks)


async def _release_after(response: httpx.Response, enforcer: Enforcer, admission: Admission) -> AsyncIterator[bytes]:
    try:
        async for chunk in response.stream:  # type: ignore[union-attr]
            yield chunk
    finally:
        enforcer.release(admission)


async def _faulty(response: httpx.Response, faults: list[Fault], request: httpx.Request) -> AsyncIterator[bytes]:
    slow = sum(f.seconds for f in faults if f.kind == "slow")
    reset = next((f for f in faults if f.kind == "reset"), None)
    truncate = next((f for f in faults if f.kind == "truncate"), None)
    malformed = next((f for f in faults if f.kind == "malformed"), None)
    sent = 0
    index = 0
    async for chunk in response.stream:  # type: ignore[union-attr]
        if truncate is not None and index >= truncate.after_chunks:
            return
        if malformed is not None and index == malformed.after_chunks:
            yield malformed.line
        if slow:
            await asyncio.sleep(slow)
        if reset is not None and reset.after_bytes is not None and sent + len(chunk) > reset.after_bytes:
            cut = max(0, reset.after_bytes - sent)
            if cut:
                yield chunk[:cut]
            raise httpx.ReadError("[Errno 104] Connection reset by peer", request=request)
        sent += len(chunk)
        index += 1
        yield chunk
    if malformed is not None and index <= malformed.after_chunks:
        yield malformed.line
    if reset is not None and reset.after_bytes is not None:
        raise httpx.ReadError("[Errno 104] Connection reset by peer", request=request)
