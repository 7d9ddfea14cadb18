"""Fault injection for the fake servers: latency, 5xx pages, resets, broken or slow streams.

Every fake has ``fake.faults`` (a `Faults`). Each helper adds a `Fault` that applies to
matching requests (by path prefix or glob and method), optionally only ``times`` times (``None`` =
for ever) after skipping the first ``after`` matches, so "N failures then success" is
``fake.faults.http_error(503, times=N)``.

Examples:
    ```python
    faults = Faults()
    _ = faults.http_error(502, times=2, path="/v3/chat", retry_after=1)
    _ = faults.latency(0.05)
    len(faults)
    # 2
    ```
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # pragma: no cover
    from ._core import RecordedRequest

__all__ = ["Fault", "FaultKind", "Faults"]

FaultKind = Literal["latency", "http_error", "throttle", "reset", "truncate", "malformed", "slow"]

_HTML_502 = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


@dataclass
class Fault:
    """One injected fault.

    Args:
        kind: ``latency`` (sleep ``seconds`` before answering), ``http_error`` (answer ``status``
            with an HTML body, as a gateway does), ``throttle`` (the provider's own throttling answer),
            ``reset`` (connection reset: before the response when ``after_bytes`` is None, else after
            that many body bytes), ``truncate`` (the body ends cleanly after ``after_chunks`` chunks,
            e.g. an SSE stream without its final event), ``malformed`` (a broken line is inserted
            after ``after_chunks`` chunks), ``slow`` (``seconds`` between body chunks).
        path: a path prefix (``"/v3/chat"``) or glob (``"/v1/workflows/*/run_histories/*"``); None = all.
        method: HTTP method to match; None = all.
        times: how many requests it hits; None = every matching request.
        after: matching requests to let through untouched first.
        seconds: the delay of a ``latency`` fault, or the pause before each chunk of a ``slow`` one.
        status: the HTTP status of an ``http_error`` fault (502 by default).
        body: the page of an ``http_error`` fault (default: an nginx-style HTML page).
        retry_after: a ``Retry-After`` header (seconds) on the answer.
        retry_after_ms: a ``retry-after-ms`` header (milliseconds) on the answer.
        after_bytes: for ``reset``: body bytes sent before the reset (None = before any response).
        after_chunks: for ``truncate`` and ``malformed``: body chunks sent first.
        line: the broken bytes a ``malformed`` fault inserts.
        code: the provider error code of a ``throttle`` answer (None = the fake's default).
        predicate: an extra test on the recorded request.
        hits: requests it has hit so far (counted by `Faults.pick`).
        seen: matching requests seen so far, including those let through by ``after``.
    """

    kind: FaultKind
    path: str | None = None
    method: str | None = None
    times: int | None = 1
    after: int = 0
    seconds: float = 0.0
    status: int = 502
    body: str | None = None
    retry_after: float | None = None
    retry_after_ms: float | None = None
    after_bytes: int | None = None
    after_chunks: int = 0
    line: bytes = b"data: {not json\n\n"
    code: int | None = None
    predicate: Callable[[RecordedRequest], bool] | None = None
    hits: int = 0
    seen: int = 0

    def matches(self, rec: RecordedRequest) -> bool:
        """Whether this fault applies to ``rec`` (before counting ``after``/``times``).

        Args:
            rec: the recorded request.
        """
        if self.method is not None and self.method.upper() != rec.method:
            return False
        if self.path is not None:
            if any(ch in self.path for ch in "*?["):
                if not fnmatch.fnmatchcase(rec.path, self.path):
                    return False
            elif not rec.path.startswith(self.path):
                return False
        return self.predicate is None or self.predicate(rec)

    @property
    def exhausted(self) -> bool:
        """True when it has hit its ``times`` requests."""
        return self.times is not None and self.hits >= self.times

    def html(self, reason: str) -> str:
        """The HTML error page of an ``http_error`` fault.

        Args:
            reason: the status's reason phrase (``"Bad Gateway"``), shown in the default page.
        """
        return self.body if self.body is not None else _HTML_502.format(status=self.status, reason=reason)

    def retry_headers(self) -> dict[str, str]:
        """``Retry-After`` / ``retry-after-ms`` headers this fault carries."""
        headers: dict[str, str] = {}
        if self.retry_after is not None:
            value = self.retry_after
            headers["Retry-After"] = str(int(value)) if float(value).is_integer() else str(value)
        if self.retry_after_ms is not None:
            headers["retry-after-ms"] = str(int(self.retry_after_ms))
        return headers


class Faults:
    """The fault list of one fake server (see `Fault`)."""

    def __init__(self) -> None:
        self._items: list[Fault] = []

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(list(self._items))

    def __bool__(self) -> bool:
        return bool(self._items)

    def add(self, fault: Fault) -> Fault:
        """Add any `Fault`; returns it (its ``hits`` count the requests it touched).

        Args:
            fault: the fault to add.
        """
        self._items.append(fault)
        return fault

    def clear(self) -> None:
        """Remove every fault."""
        self._items.clear()

    def latency(
        self, seconds: float, *, path: str | None = None, method: str | None = None, times: int | None = None
    ) -> Fault:
        """Add ``seconds`` of delay before the answer (every matching request unless ``times``).

        Args:
            seconds: the delay.
            path: a path prefix (``"/v3/chat"``) or glob (``"/v1/workflows/*/run_histories/*"``); None = all.
            method: the HTTP method to match; None = all.
            times: how many matching requests it hits; None = every one.
        """
        return self.add(Fault("latency", path=path, method=method, times=times, seconds=seconds))

    def http_error(
        self,
        status: int = 502,
        *,
        times: int | None = 1,
        after: int = 0,
        path: str | None = None,
        method: str | None = None,
        body: str | None = None,
        retry_after: float | None = None,
        retry_after_ms: float | None = None,
    ) -> Fault:
        """Answer ``status`` with an HTML page (a gateway error), ``times`` times, then succeed.

        Args:
            status: the HTTP status.
            times: how many matching requests it hits; None = every one.
            after: matching requests to let through untouched first.
            path: a path prefix (``"/v3/chat"``) or glob (``"/v1/workflows/*/run_histories/*"``); None = all.
            method: the HTTP method to match; None = all.
            body: the page to send instead of the default nginx-style HTML.
            retry_after: a ``Retry-After`` header (seconds) on the answer; None = none.
            retry_after_ms: a ``retry-after-ms`` header (milliseconds) on the answer; None = none.
        """
        return self.add(
            Fault(
                "http_error",
                path=path,
                method=method,
                times=times,
                after=after,
                status=status,
                body=body,
                retry_after=retry_after,
                retry_after_ms=retry_after_ms,
            )
        )

    def throttle(
        self,
        *,
        times: int | None = 1,
        after: int = 0,
        path: str | None = None,
        method: str | None = None,
        code: int | None = None,
        retry_after: float | None = None,
        retry_after_ms: float | None = None,
    ) -> Fault:
        """Answer with the provider's own throttling response (Coze 4009 unless ``code``), ``times`` times.

        Args:
            times: how many matching requests it hits; None = every one.
            after: matching requests to let through untouched first.
            path: a path prefix (``"/v3/chat"``) or glob (``"/v1/workflows/*/run_histories/*"``); None = all.
            method: the HTTP method to match; None = all.
            code: the provider error code to answer with (None = the fake's default).
            retry_after: a ``Retry-After`` header (seconds) on the answer; None = none.
            retry_after_ms: a ``retry-after-ms`` header (milliseconds) on the answer; None = none.
        """
        return self.add(
            Fault(
                "throttle",
                path=path,
                method=method,
                times=times,
                after=after,
                code=code,
                retry_after=retry_after,
                retry_after_ms=retry_after_ms,
            )
        )

    def reset(
        self,
        *,
        times: int | None = 1,
        after: int = 0,
        after_bytes: int | None = None,
        path: str | None = None,
        method: str | None = None,
    ) -> Fault:
        """Reset the connection: before any response (``after_bytes=None``) or mid-body.

        In-process this raises ``httpx.RemoteProtocolError`` (before the response) or
        ``httpx.ReadError`` (mid-body); on the loopback server the TCP connection is reset (RST).

        Args:
            times: how many matching requests it hits; None = every one.
            after: matching requests to let through untouched first.
            after_bytes: body bytes to send before the reset; None = reset before any response.
            path: a path prefix (``"/v3/chat"``) or glob (``"/v1/workflows/*/run_histories/*"``); None = all.
            method: the HTTP method to match; None = all.
        """
        return self.add(Fault("reset", path=path, method=method, times=times, after=after, after_bytes=after_bytes))

    def truncate(
        self, *, after_chunks: int = 1, times: int | None = 1, path: str | None = None, method: str | None = None
    ) -> Fault:
        """End the body cleanly after ``after_chunks`` chunks (an SSE stream loses its last events).

        Args:
            after_chunks: body chunks to send before the end.
            times: how many matching requests it hits; None = every one.
            path: a path prefix (``"/v3/chat"``) or glob (``"/v1/workflows/*/run_histories/*"``); None = all.
            method: the HTTP method to match; None = all.
        """
        return self.add(Fault("truncate", path=path, method=method, times=times, after_chunks=after_chunks))

    def malformed(
        self,
        *,
        after_chunks: int = 1,
        line: bytes = b"data: {not json\n\n",
        times: int | None = 1,
        path: str | None = None,
        method: str | None = None,
    ) -> Fault:
        """Insert a broken SSE line after ``after_chunks`` chunks.

        Args:
            after_chunks: body chunks to send before the broken line.
            line: the bytes to insert.
            times: how many matching requests it hits; None = every one.
            path: a path prefix (``"/v3/chat"``) or glob (``"/v1/workflows/*/run_histories/*"``); None = all.
            method: the HTTP method to match; None = all.
        """
        return self.add(Fault("malformed", path=path, method=method, times=times, after_chunks=after_chunks, line=line))

    def slow_stream(
        self, seconds: float, *, times: int | None = None, path: str | None = None, method: str | None = None
    ) -> Fault:
        """Wait ``seconds`` before every body chunk (a slow stream).

        Args:
            seconds: the pause before each chunk.
            times: how many matching requests it hits; None = every one.
            path: a path prefix (``"/v3/chat"``) or glob (``"/v1/workflows/*/run_histories/*"``); None = all.
            method: the HTTP method to match; None = all.
        """
        return self.add(Fault("slow", path=path, method=method, times=times, seconds=seconds))

    def pick(self, rec: RecordedRequest) -> list[Fault]:
        """The faults that hit ``rec`` now (their counters move on).

        Args:
            rec: the recorded request.
        """
        chosen: list[Fault] = []
        for fault in self._items:
            if fault.exhausted or not fault.matches(rec):
                continue
            fault.seen += 1
            if fault.seen <= fault.after:
                continue
            fault.hits += 1
            chosen.append(fault)
        return chosen
