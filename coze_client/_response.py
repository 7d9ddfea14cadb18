"""Turn an HTTP response into data or a typed error (one place for every envelope rule).

Rules (the Coze API overview "Response envelope", the official SDK's behaviour):

- A non-2xx status is never a success, whatever the body says (cozepy returns a 502 with a
  ``data`` field as success).
- ``code != 0`` in the envelope is an error even with HTTP 200.
- OAuth endpoints report ``error_code``/``error_message`` or ``error``/``error_description``.
- A body without ``code`` that carries ``error_message`` (or a numeric ``error_code``) is an error,
  whatever the status: the service answers some failures as HTTP 200 ``{"error_message": ...}``.
- The log id comes from the ``x-tt-logid`` header, else ``detail.logid``.
"""

from __future__ import annotations

import json
import time
from email.utils import parsedate_to_datetime
from typing import Any, Literal

import httpx

from ._constants import LOGID_HEADER
from .errors import APIError, error_class_for

__all__ = ["Envelope", "api_error", "logid_of", "parse_body", "retry_after_of", "unwrap"]

Envelope = Literal["data", "message", "top", "none", "bytes"]


def logid_of(response: httpx.Response, body: Any = None) -> str | None:
    """The request's log id: header first, then ``detail.logid`` in the body."""
    logid: str | None = response.headers.get(LOGID_HEADER)
    if logid:
        return logid
    if isinstance(body, dict):
        detail = body.get("detail")
        if isinstance(detail, dict):
            value = detail.get("logid")
            return value if isinstance(value, str) else None
    return None


def retry_after_of(response: httpx.Response) -> float | None:
    """Seconds the server asked us to wait (``retry-after-ms``, or ``Retry-After`` seconds/HTTP date)."""
    headers = response.headers
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def parse_body(response: httpx.Response) -> Any:
    """JSON body, or the text when the body is not JSON (an HTML error page, say)."""
    content = response.content
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        return response.text


def api_error(response: httpx.Response, body: Any) -> APIError | None:
    """The typed error this response carries, or None when it is a success."""
    status = response.status_code
    code: int | None = None
    msg = ""
    debug_url: str | None = None
    if isinstance(body, dict):
        code = _int_code(body.get("code"))
        msg = str(body.get("msg") or body.get("message") or "")
        debug_url = body.get("debug_url") if isinstance(body.get("debug_url"), str) else None
        oauth_error = body.get("error_code") or body.get("error")
        if code is None and isinstance(oauth_error, str) and oauth_error and _int_code(oauth_error) is None:
            # OAuth style: an error even under HTTP 200.
            msg = str(body.get("error_message") or body.get("error_description") or oauth_error)
            return error_class_for(None, status)(
                msg, logid=logid_of(response, body), status_code=status, body=body
            )
        if code is None and body.get("code") is None:
            # Workflow style ``{"error_code": 4000, "error_message": ...}``, or only ``{"error_message": ...}``:
            # no envelope code to say "success", and a message that says "failure".
            error_code = _int_code(body.get("error_code"))
            error_message = body.get("error_message")
            # An explicit ``error_code: 0`` says success, whatever the message ("success", "ok").
            if error_code or (error_code is None and isinstance(error_message, str) and error_message):
                return error_class_for(error_code, status if status >= 400 else None)(
                    str(error_message or f"the service reported error {error_code}"), code=error_code,
                    logid=logid_of(response, body), status_code=status, body=body,
                )
    elif isinstance(body, str):
        msg = body.strip()[:500]
    if 200 <= status < 300 and not code:
        return None
    cls = error_class_for(code, status)
    if not msg:
        msg = response.reason_phrase or f"HTTP {status}"
    return cls(
        msg,
        code=code,
        logid=logid_of(response, body),
        status_code=status,
        debug_url=debug_url,
        retry_after=retry_after_of(response),
        body=body,
    )


def _int_code(raw: Any) -> int | None:
    """An envelope code given as a number or a numeric string (``"4000"``), else None."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lstrip("-").isascii() and raw.lstrip("-").isdigit():
        return int(raw)
    return None


def unwrap(body: Any, envelope: Envelope) -> Any:
    """The payload of a successful body, by the endpoint's envelope style."""
    if envelope == "data":
        return body.get("data") if isinstance(body, dict) else body
    if envelope == "message":
        return body.get("message") if isinstance(body, dict) else body
    if envelope == "none":
        return None
    return body
