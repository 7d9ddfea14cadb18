"""The corridor every request walks, in one place.

    build -> quota reservation -> limiter wait -> send (with retries) -> parse -> settle usage

Resources only describe endpoints (`Endpoint`); this module owns
all HTTP plumbing, so the limiter, the ledger and the retry policy apply to every call alike.
Per attempt (a retry is a request the server counts too): the ledger holds the call (refusing
it at once when the quota cannot cover it), the limiter grants a slot, the ledger marks the call
(counted, durably) and the request is sent; afterwards the slot is released at the response time
and the reservation settled with the usage the response reports (or given back when the request
certainly never left).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

import httpx
import pydantic
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt

from ._auth import StaticToken, TokenProvider
from ._call import CallInfo, Usage
from ._models import CallMeta
from ._request import Endpoint, check_size, clean, format_path
from ._response import api_error, logid_of, parse_body, unwrap
from ._retry import RetryPolicy
from ._url import with_query
from .errors import APIConnectionError, APIError, AuthenticationError, RateLimitError, connection_error_from
from .ledger.base import Marking, Reservation, UsageLedger
from .limits.base import Permit, RateLimiter, mark_responded

__all__ = ["Attempt", "CallOptions", "Corridor", "PipelineStats"]

log = logging.getLogger("coze_client")
_CACHE_SIZE = 1024  # entries per corridor cache (parsed URLs, call records)
T = TypeVar("T")
TimeoutTypes = float | httpx.Timeout | None


@dataclass(slots=True)
class CallOptions:
    """Per-call overrides every resource method accepts."""

    timeout: TimeoutTypes = None
    max_retries: int | None = None
    max_wait: float | None = None
    extra_headers: Mapping[str, str] | None = None


@dataclass(slots=True)
class PipelineStats:
    """Running totals over the client's life (the demo prints them)."""

    calls: int = 0
    attempts: int = 0
    retries: int = 0
    failures: int = 0
    limiter_wait: float = 0.0
    retry_wait: float = 0.0


@dataclass(slots=True)
class Attempt:
    """One successful attempt whose permit and reservation are still open (streams settle later)."""

    response: httpx.Response
    permit: Permit
    reservation: Reservation
    body: Any = None
    finished: bool = False


class Corridor:
    """Sends every request of one client: quota, pacing, retries, parsing and accounting."""

    def __init__(
        self,
        *,
        http: httpx.AsyncClient,
        base_url: str,
        auth: TokenProvider,
        provider: str,
        account: str,
        limiter: RateLimiter,
        ledger: UsageLedger,
        retry: RetryPolicy,
        timeout: httpx.Timeout,
        headers: Mapping[str, str] | None = None,
        authorize: Callable[[httpx.Request, str], None] | None = None,
        parse_error: Callable[[httpx.Response, Any], APIError | None] | None = None,
        client_defaults: bool = False,
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.provider = provider
        self.account = account
        self.limiter = limiter
        self.ledger = ledger
        self.retry = retry
        self.timeout = timeout
        self.headers = dict(headers or {})
        # True when ``http`` was built with ``headers`` and ``timeout`` as its defaults (the client's own).
        self.client_defaults = client_defaults
        self.stats = PipelineStats()
        self._call_infos: dict[tuple[str, str, tuple[str, ...]], CallInfo] = {}
        self._urls: dict[str, httpx.URL] = {}
        self.sleep: Callable[[float], Any] = asyncio.sleep  # retry back-off sleeps (replaceable in tests)
        # Provider seams: where the token goes (Coze: a Bearer header; EasyDL: a query parameter) and
        # how an error is recognised in a response (Coze's envelope by default).
        self._authorize = authorize or _bearer
        self._parse_error = parse_error or api_error
        self._refreshable = not isinstance(auth, StaticToken)
        # Ledgers with the two-step hold/mark (ledger.base.Marking); others count at reserve.
        self._hold = ledger.hold if isinstance(ledger, Marking) else ledger.reserve
        self._mark = ledger.mark if isinstance(ledger, Marking) else None

    # ------------------------------------------------------------------ building
    def build(
        self,
        endpoint: Endpoint,
        *,
        path_params: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        files: Any = None,
        data: Mapping[str, Any] | None = None,
        content: bytes | None = None,
        options: CallOptions | None = None,
        base_url: str | None = None,
    ) -> httpx.Request:
        """Validate and build the request; raises ValidationError before anything is sent."""
        path = format_path(endpoint.path, path_params)
        extra = options.extra_headers if options is not None else None
        if self.client_defaults:
            # Our own client already carries the default headers and timeout: pass only what differs.
            headers: dict[str, str] | None = None
            if endpoint.headers or extra:
                headers = {**endpoint.headers, **(extra or {})}
            timeout: Any = _timeout(options.timeout, self.timeout) if options and options.timeout else None
        else:
            headers = {**self.headers, **endpoint.headers, **(extra or {})}
            timeout = _timeout(options.timeout if options else None, self.timeout)
        target = (base_url.rstrip("/") if base_url else self.base_url) + path
        query = clean(params) if params else None
        url: httpx.URL
        if query:
            # Encoded here, exactly as httpx would (urllib's urlencode), into the URL string: httpx's own
            # params= path parses the URL twice and was a third of a call's client-side cost.
            url = with_query(
                self._parsed_url(target), urlencode({k: _query_value(v) for k, v in query.items()}, doseq=True)
            )
        else:
            url = self._parsed_url(target)
        has_body = json is not None or files is not None or bool(data) or content is not None
        request = self.http.build_request(
            endpoint.method,
            url,
            json=clean(json) if json is not None else None,
            files=files,
            data={k: str(v) for k, v in clean(data).items()} if data else None,
            content=content,
            headers=headers,
            **({"timeout": timeout} if timeout is not None else {}),
        )
        if has_body:
            check_size(request, endpoint)
        return request

    def _parsed_url(self, url: str) -> httpx.URL:
        """URLs without a query, parsed once (httpx.URL is immutable, so sharing one is safe)."""
        parsed = self._urls.get(url)
        if parsed is None:
            if len(self._urls) >= _CACHE_SIZE:  # ids in paths make many distinct URLs: keep the cache bounded
                self._urls.clear()
            parsed = self._urls[url] = httpx.URL(url)
        return parsed

    def call_info(self, endpoint: Endpoint, *, est_tokens: int = 0, points: int = 0, model: str | None = None,
                  groups: tuple[str, ...] | None = None) -> CallInfo:
        """The record the limiter and ledger see for this endpoint."""
        if not (est_tokens or points or model or groups is not None):
            # The common case is the same record for every call of an endpoint: build it once. Keyed by
            # what the record holds, not by the endpoint object: a WebSocket session or an EasyDL call
            # makes a new Endpoint each time, and those share one entry. Bounded like the URL cache.
            key = (endpoint.method, endpoint.path, tuple(endpoint.groups))
            info = self._call_infos.get(key)
            if info is None:
                if len(self._call_infos) >= _CACHE_SIZE:
                    self._call_infos.clear()
                info = self._call_infos[key] = CallInfo(provider=self.provider, account=self.account,
                                                        method=endpoint.method, path=endpoint.path,
                                                        groups=endpoint.groups)
            return info
        return CallInfo(
            provider=self.provider,
            account=self.account,
            method=endpoint.method,
            path=endpoint.path,
            groups=groups if groups is not None else endpoint.groups,
            est_tokens=est_tokens,
            points=points,
            model=model,
        )

    # ------------------------------------------------------------------ the ledger's two steps
    async def hold(self, call: CallInfo) -> Reservation:
        """Hold ``call`` before the limiter wait (QuotaExhaustedError at once; nothing counted yet)."""
        return await self._hold(call)

    async def mark(self, reservation: Reservation, permit: Permit) -> None:
        """Count a held call, durably, just before it is sent; refused: its slot goes back unsent."""
        if self._mark is not None:
            try:
                await self._mark(reservation)
            except BaseException:
                await permit.release(sent=False)
                raise

    # ------------------------------------------------------------------ one attempt
    async def _attempt(
        self, endpoint: Endpoint, request: httpx.Request, call: CallInfo, meta: CallMeta,
        max_wait: float | None, stream: bool,
    ) -> Attempt:
        # Held before the wait (refused at once when the quota cannot cover it), counted at the mark
        # just before the send: a call killed while queued is never counted (ledger/_core.py).
        reservation = await self._hold(call)
        try:
            permit = await self.limiter.acquire(call, max_wait=max_wait)
        except BaseException:
            await self.ledger.cancel(reservation)
            raise
        if self._mark is not None:
            await self.mark(reservation, permit)
        meta.attempts += 1
        meta.limiter_wait += permit.waited
        self.stats.attempts += 1
        self.stats.limiter_wait += permit.waited
        try:
            # Always opened as a stream: the head (status, headers) comes first, and it proves the
            # request reached the server, so the limiter's request-count slot starts its last window
            # now, while a long body (a blocking run, a download) is still on its way.
            response = await self.http.send(request, stream=True)
        except httpx.TransportError as exc:
            err = connection_error_from(exc)
            await self._close_attempt(permit, reservation, sent=err.sent, usage=_failed())
            raise err from None
        except BaseException:
            # Cancelled while sending: the request may have reached the server; count it.
            await self._close_attempt(permit, reservation, sent=True)
            raise
        mark_responded(permit)
        meta.status_code = response.status_code
        try:
            if not stream:
                await response.aread()
            if stream:
                meta.logid = logid_of(response)
                error = await self._stream_error(response, endpoint)
                body = None
            elif endpoint.envelope == "bytes" and response.is_success and not _is_json(response):
                body = None  # raw audio: never decode megabytes of bytes as text to look for an envelope
                error = None
                meta.logid = logid_of(response)
            else:
                body = parse_body(response)
                error = self._parse_error(response, body)
                meta.logid = logid_of(response, body)
        except httpx.TransportError as exc:
            await response.aclose()
            await self._close_attempt(permit, reservation, sent=True, usage=_failed())
            raise connection_error_from(exc) from None
        except BaseException:
            await response.aclose()
            await self._close_attempt(permit, reservation, sent=True)
            raise
        if error is not None:
            if meta.logid is None:
                meta.logid = error.logid
            await self._close_attempt(permit, reservation, sent=True, usage=_failed())
            if isinstance(error, RateLimitError):
                await self.limiter.penalize(call, error.retry_after or self.retry.delay(None, meta.attempts - 1))
            raise error
        return Attempt(response=response, permit=permit, reservation=reservation, body=body)

    async def _stream_error(self, response: httpx.Response, endpoint: Endpoint) -> APIError | None:
        """A stream call answered with an error status or a JSON error body instead of events."""
        if response.is_success and (endpoint.json_stream or not _is_json(response)):
            return None
        await response.aread()
        await response.aclose()
        body = parse_body(response)
        # A stream request answered with JSON is an error even with code 0: there is nothing to stream.
        return self._parse_error(response, body) or APIError(
            "expected an event stream, got a JSON body", status_code=response.status_code,
            logid=logid_of(response, body), body=body,
        )

    async def _close_attempt(self, permit: Permit, reservation: Reservation, *, sent: bool,
                             usage: Usage | None = None) -> None:
        used = usage.total_tokens if usage is not None and usage.total_tokens else None
        try:
            await permit.release(used_tokens=used, sent=sent)
        finally:
            if sent:
                await self.ledger.settle(reservation, usage)
            else:
                await self.ledger.cancel(reservation)

    async def finish(self, attempt: Attempt, usage: Usage | None = None) -> None:
        """Settle a successful attempt (once): release its slot and record its usage."""
        if attempt.finished:
            return
        attempt.finished = True
        await self._close_attempt(attempt.permit, attempt.reservation, sent=True, usage=usage)

    # ------------------------------------------------------------------ retries
    async def send(
        self, endpoint: Endpoint, request: httpx.Request, call: CallInfo, meta: CallMeta,
        options: CallOptions | None, *, stream: bool = False,
    ) -> Attempt:
        """Run attempts until one succeeds or the retry policy gives up."""
        started = time.perf_counter()
        self.stats.calls += 1
        max_wait = options.max_wait if options else None
        max_retries = options.max_retries if options and options.max_retries is not None else self.retry.max_retries
        retry_safe = endpoint.retry_safe
        authorized = False
        try:
            # Fast path: the first attempt runs outside tenacity; most calls end here.
            self._authorize(request, await self.auth.get_token())
            authorized = True
            return await self._attempt(endpoint, request, call, meta, max_wait, stream)
        except AuthenticationError:
            # Only a token the service rejected is worth a new one; credentials refused while fetching
            # the token (EasyDL's wrong key pair) would be refused again: fetched once per call.
            if not self._refreshable or not authorized:
                self.stats.failures += 1
                raise
            self.auth.invalidate()  # the token was rejected: ask the provider for a new one, once
            first_error: BaseException | None = None
        except (APIError, APIConnectionError) as exc:
            if max_retries <= 0 or not self.retry.is_retryable(exc, retry_safe=retry_safe):
                self.stats.failures += 1
                raise
            first_error = exc
        finally:
            meta.elapsed = time.perf_counter() - started

        policy = self.retry
        state = {"last": first_error}

        def _wait(retry_state: Any) -> float:
            exc = retry_state.outcome.exception() if retry_state.outcome else state["last"]
            return policy.delay(exc, meta.attempts - 1)

        async def _sleep(seconds: float) -> None:
            meta.retry_wait += seconds
            self.stats.retry_wait += seconds
            log.info("retrying %s %s in %.2fs (attempt %d)", endpoint.method, endpoint.path, seconds,
                     meta.attempts + 1)
            await self.sleep(seconds)

        # The first failure's delay, then tenacity runs the remaining attempts.
        await _sleep(policy.delay(first_error, 0) if first_error is not None else 0.0)
        retrying = AsyncRetrying(
            stop=stop_after_attempt(max(1, max_retries)),
            retry=retry_if_exception(lambda e: policy.is_retryable(e, retry_safe=retry_safe)),
            wait=_wait,
            sleep=_sleep,
            reraise=True,
        )
        try:
            async for attempt_ctx in retrying:
                with attempt_ctx:
                    self.stats.retries += 1
                    self._authorize(request, await self.auth.get_token())
                    return await self._attempt(endpoint, request, call, meta, max_wait, stream)
        except BaseException:
            self.stats.failures += 1
            raise
        finally:
            meta.elapsed = time.perf_counter() - started
        raise AssertionError("unreachable")  # pragma: no cover

    # ------------------------------------------------------------------ whole calls
    async def request(
        self,
        endpoint: Endpoint,
        cast: Callable[[Any], T],
        *,
        options: CallOptions | None = None,
        usage: Callable[[Any], Usage | None] | None = None,
        est_tokens: int = 0,
        points: int = 0,
        model: str | None = None,
        base_url: str | None = None,
        **build: Any,
    ) -> T:
        """Build, send with retries, parse, settle; return ``cast(payload)`` with its `CallMeta`."""
        request = self.build(endpoint, options=options, base_url=base_url, **build)
        call = self.call_info(endpoint, est_tokens=est_tokens, points=points, model=model)
        meta = CallMeta()
        attempt = await self.send(endpoint, request, call, meta, options)
        try:
            if endpoint.envelope == "bytes":
                payload: Any = attempt.response.content
            else:
                payload = unwrap(attempt.body, endpoint.envelope)
            result = cast(payload)
            used = usage(payload) if usage is not None else None
        except pydantic.ValidationError as exc:
            await self.finish(attempt)
            problem = exc.errors()[0]
            where = ".".join(str(p) for p in problem["loc"])
            raise APIError(
                f"unexpected response shape from {endpoint.method} {endpoint.path}: {where}: {problem['msg']}",
                status_code=attempt.response.status_code, logid=meta.logid, body=attempt.body,
            ) from None
        except BaseException:
            await self.finish(attempt)
            raise
        await self.finish(attempt, used)
        meta.headers = attempt.response.headers
        _attach(result, meta)
        return result

    async def open_stream(
        self,
        endpoint: Endpoint,
        *,
        options: CallOptions | None = None,
        est_tokens: int = 0,
        model: str | None = None,
        **build: Any,
    ) -> tuple[Attempt, CallMeta]:
        """Open a streaming response (retried until the first byte); the caller reads and finishes it."""
        request = self.build(endpoint, options=options, **build)
        call = self.call_info(endpoint, est_tokens=est_tokens, model=model)
        meta = CallMeta()
        attempt = await self.send(endpoint, request, call, meta, options, stream=True)
        return attempt, meta


def _attach(result: Any, meta: CallMeta) -> None:
    if hasattr(result, "_meta"):
        try:
            object.__setattr__(result, "_meta", meta)
        except (AttributeError, TypeError):  # pragma: no cover - frozen foreign objects
            pass
    elif hasattr(result, "meta"):
        try:
            result.meta = meta
        except AttributeError:  # pragma: no cover
            pass


def _failed() -> Usage:
    # A failed attempt still counts (it reached the server); the ledger may leave it unbilled
    # (EasyDL: failed calls use free points but are not billed, plans.md).
    return Usage(extra={"failed": 1.0})


def _is_json(response: httpx.Response) -> bool:
    return "json" in response.headers.get("content-type", "")


def _bearer(request: httpx.Request, token: str) -> None:
    request.headers["Authorization"] = f"Bearer {token}"


def _timeout(value: TimeoutTypes, default: httpx.Timeout) -> httpx.Timeout:
    if value is None:
        return default
    if isinstance(value, httpx.Timeout):
        return value
    return httpx.Timeout(float(value), connect=min(float(value), default.connect or float(value)))


def _query_value(value: Any) -> Any:
    # httpx's rules for query values: booleans as true/false, sequences as repeated keys.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return [_query_value(v) for v in value]
    return value

