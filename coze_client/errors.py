"""The errors coze-client raises. Every one of them is a `CozeError`.

The tree:

```text
CozeError                       base of everything raised here
├── ValidationError             bad input, refused before anything was sent (also a ValueError)
│   ├── RequestTooLargeError    body over the endpoint's documented size cap
│   └── PlanConflictError       two different plans bound to one provider account of a ledger
├── QuotaExhaustedError         the local ledger refused: the call would cross a quota
├── RateLimitWaitError          the limiter would have to wait longer than max_wait
├── LimitUnsatisfiableError     one request is larger than a limit can ever admit (a ValueError too)
├── BackendUnavailableError     the shared limiter/ledger store (Redis) cannot be reached; nothing was sent
├── LimiterError                the limiter's backend failed or was closed (names the backend and the fix)
├── LedgerError                 the ledger's backend failed or was closed (names the path/backend and the fix)
├── APIConnectionError          the request could not be sent or the connection broke
│   └── APITimeoutError         the request timed out
├── StreamError                 a stream broke its framing, or an error event arrived
├── AuthRefreshError            an OAuth token could not be obtained or refreshed
├── MissingDependencyError      an optional extra is not installed (names the pip install; an ImportError too)
└── APIError                    the service answered with an error (carries code, msg, logid, status)
    ├── BadRequestError         4000-4007, 4010, 4012, 4014, 4015, 4021, 43xx ...
    ├── AuthenticationError     4100 (and HTTP 401)
    ├── PermissionDeniedError   4101 (and HTTP 403)
    ├── NotFoundError           4200, 4314 (and HTTP 404)
    ├── ConflictError           4016, 4104, 4315
    ├── RateLimitError          4009, 4020, HTTP 429 (retried)
    ├── DailyLimitError         4008 (daily usage cap: retry tomorrow)
    ├── InsufficientBalanceError 4011, 4019, 4022
    └── ServerError             5000, 4013, HTTP 5xx (retried when the request is idempotent)
```

Codes come from the coze.cn error-code page (the Coze error-code page). The envelope
``code`` decides first, the HTTP status second; a non-2xx status is never a success.
Messages never contain tokens: see `coze_client._secrets.redact`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import httpx

from ._secrets import redact

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthRefreshError",
    "AuthenticationError",
    "BackendUnavailableError",
    "BadRequestError",
    "ConflictError",
    "CozeError",
    "DailyLimitError",
    "InsufficientBalanceError",
    "LedgerError",
    "LimitUnsatisfiableError",
    "LimiterError",
    "MissingDependencyError",
    "NotFoundError",
    "PermissionDeniedError",
    "PlanConflictError",
    "QuotaExhaustedError",
    "RateLimitError",
    "RateLimitWaitError",
    "RequestTooLargeError",
    "ServerError",
    "StreamError",
    "ValidationError",
    "error_class_for",
]


class CozeError(Exception):
    """Base class of every error raised by coze-client.

    Args:
        message: what went wrong and what to do; tokens in it are redacted before it is stored.
    """

    def __init__(self, message: str) -> None:
        self.message = redact(message)
        super().__init__(self.message)


class ValidationError(CozeError, ValueError):
    """Input was refused locally, before anything was sent."""


class RequestTooLargeError(ValidationError):
    """The request body is larger than the endpoint's documented limit (15 MB, 20 MB for workflows).

    Args:
        size: the body's size in bytes.
        limit: the endpoint's cap in bytes.
        path: the endpoint path (e.g. ``/v1/files/upload``).
    """

    def __init__(self, size: int, limit: int, path: str) -> None:
        self.size = size
        self.limit = limit
        self.path = path
        super().__init__(f"request body for {path} is {size} bytes; the limit is {limit} bytes")


class PlanConflictError(ValidationError):
    """A ledger was asked to bind a second, different plan to a provider account that already has one.

    One account has one plan: two clients or adapters sharing a ledger must agree on it, or file
    their calls under different ``account=`` names.

    Args:
        provider: the provider (``"coze"``, ``"xingchen"``, ...).
        account: the provider account name (``"*"`` when the plan covers every account).
        bound: the name of the plan already bound.
        asked: the name of the different plan that was asked for.
    """

    def __init__(self, provider: str, account: str, bound: str, asked: str) -> None:
        self.provider = provider
        self.account = account
        self.bound = bound
        self.asked = asked
        who = "every account" if account == "*" else f"account {account!r}"
        super().__init__(
            f"the ledger already applies plan {bound!r} to {who} of {provider}; cannot also apply {asked!r}. "
            "Give the clients the same plan, or different account= names (one ledger can hold many accounts)"
        )


class QuotaExhaustedError(CozeError):
    """The usage ledger refused to send a call that would cross a quota (nothing was sent).

    Args:
        provider: the provider (``"coze"``, ``"xingchen"``, ...).
        account: the provider account name.
        quota: the quota's name in the plan.
        used: how much of the quota is used (in the quota's unit: calls, tokens, points, ...).
        limit: the quota's size, in the same unit.
        resets_at: when the quota's period resets (aware datetime); ``None`` for a quota that never resets.
        lockout: True when crossing this quota locks the account out (the message says so).
    """

    def __init__(
        self,
        *,
        provider: str,
        account: str,
        quota: str,
        used: float,
        limit: float,
        resets_at: datetime | None,
        lockout: bool = False,
    ) -> None:
        self.provider = provider
        self.account = account
        self.quota = quota
        self.used = _whole(used)
        self.limit = _whole(limit)
        self.resets_at = resets_at
        self.lockout = lockout
        reset = f"resets at {resets_at.isoformat()}" if resets_at else "never resets"
        extra = " (crossing it locks the account out)" if lockout else ""
        if resets_at is not None:
            fix = "wait until it resets, or name a plan with a larger quota (plan=... or $COZE_PLAN)"
        else:
            example = "coze.personal_paid" if provider == "coze" else f"{provider}.paid"
            fix = (f"if your account is on a paid plan, name it (plan=\"{example}\" or $COZE_PLAN; "
                   "`coze_client.limits.PRESETS` lists the presets); if the provider's console shows less "
                   f"used, correct the ledger: `coze-client usage set {provider} {account} {quota} N --plan PLAN`")
        super().__init__(
            f"quota {quota!r} of {provider}/{account} is used up: {_num(used)} of {_num(limit)} used, "
            f"{reset}{extra}; the call was not sent. To go on: {fix}"
        )


class RateLimitWaitError(CozeError):
    """The limiter would have to wait longer than the caller's ``max_wait`` (nothing was sent).

    Args:
        limit: the name of the limit that needs the wait.
        wait: the wait it needs, in seconds.
        max_wait: the longest wait the caller accepted, in seconds.
    """

    def __init__(self, *, limit: str, wait: float, max_wait: float) -> None:
        self.limit = limit
        self.wait = wait
        self.max_wait = max_wait
        super().__init__(
            f"limit {limit!r} needs a wait of {wait:.3f}s, longer than max_wait={max_wait:.3f}s; not sent"
        )


class LimitUnsatisfiableError(CozeError, ValueError):
    """A single request is larger than a limit could ever admit (e.g. 40000 tokens against 32000)."""


class BackendUnavailableError(CozeError):
    """The shared store behind the limiter or the ledger (e.g. Redis) cannot be reached; nothing was sent.

    Raised when a backend is set to fail closed: better to refuse a call than to risk crossing a
    quota that locks the account out. ``backend`` names it (``"redis"``), ``role`` says
    ``"ledger"`` or ``"limiter"``.

    Args:
        message: what could not be reached and what to do.
        backend: the store's kind (default ``"redis"``).
        role: ``"ledger"`` (default) or ``"limiter"``: which one needed the store.
    """

    def __init__(self, message: str, *, backend: str = "redis", role: str = "ledger") -> None:
        self.backend = backend
        self.role = role
        super().__init__(message)


class LimiterError(CozeError):
    """The limiter's backend failed (a sqlite file that cannot be opened, a closed limiter, ...).

    ``backend`` names it (``"memory"``, ``"sqlite"``, ``"redis"``); the message says how to fix it.

    Args:
        message: what failed and how to fix it.
        backend: the limiter backend (``"memory"``, ``"sqlite"``, ``"redis"``).
    """

    def __init__(self, message: str, *, backend: str) -> None:
        self.backend = backend
        super().__init__(message)


class LedgerError(CozeError):
    """The usage ledger's backend failed (an unusable state directory, a closed ledger, ...).

    ``backend`` names it; ``path`` is the file for the sqlite backend. The message says how to fix it
    (for example ``COZE_CLIENT_STATE_DIR`` or the client's ``ledger=`` option).

    Args:
        message: what failed and how to fix it.
        backend: the ledger backend (``"memory"``, ``"sqlite"``, ``"redis"``).
        path: the sqlite file, when the backend has one; ``None`` otherwise.
    """

    def __init__(self, message: str, *, backend: str, path: str | None = None) -> None:
        self.backend = backend
        self.path = path
        super().__init__(message)


class APIConnectionError(CozeError):
    """The request could not be completed at the connection level.

    ``sent`` tells whether bytes may have reached the server (False for a refused connection).

    Args:
        message: the transport's description of the failure.
        sent: False only when nothing can have reached the server (refused connection, pool or connect
            timeout); True (default) when the request may have arrived.
    """

    def __init__(self, message: str = "connection error", *, sent: bool = True) -> None:
        self.sent = sent
        super().__init__(message)


class APITimeoutError(APIConnectionError):
    """The request timed out.

    Args:
        message: the transport's description of the timeout.
        sent: False for a connect or pool timeout (nothing left); True (default) otherwise.
    """

    def __init__(self, message: str = "request timed out", *, sent: bool = True) -> None:
        super().__init__(message, sent=sent)


class AuthRefreshError(CozeError):
    """An OAuth token could not be obtained or refreshed; the next call tries again."""


class APIError(CozeError):
    """The service answered with an error.

    Args:
        msg: the service's message (tokens in it are redacted).
        code: the envelope ``code``, or ``None`` when the body had none.
        logid: the ``x-tt-logid`` header or ``detail.logid``.
        status_code: the HTTP status.
        debug_url: the workflow debug page, when the service sent one.
        retry_after: seconds the service asked us to wait (``Retry-After``), when it said so.
        body: the parsed JSON body (or its text).

    Attributes:
        code: the envelope code (``None`` when the body had none), e.g. 4100.
        msg: the service's message.
        logid: ``x-tt-logid`` header or ``detail.logid`` (quote it to support).
        status_code: the HTTP status.
        debug_url: the workflow debug page, when the service sent one.
        retry_after: seconds the service asked us to wait, when it said so.
        body: the parsed JSON body (or text), for anything not covered above.
    """

    def __init__(
        self,
        msg: str,
        *,
        code: int | None = None,
        logid: str | None = None,
        status_code: int | None = None,
        debug_url: str | None = None,
        retry_after: float | None = None,
        body: Any = None,
    ) -> None:
        self.code = code
        self.msg = redact(msg)
        self.logid = logid
        self.status_code = status_code
        self.debug_url = debug_url
        self.retry_after = retry_after
        self.body = body
        parts = [f"code: {code}" if code is not None else f"http status: {status_code}", f"msg: {self.msg}"]
        if logid:
            parts.append(f"logid: {logid}")
        if debug_url:
            parts.append(f"debug_url: {debug_url}")
        super().__init__(", ".join(parts))


class BadRequestError(APIError):
    """The request was refused as invalid (4000-4007, 4010, 43xx, HTTP 400)."""


class AuthenticationError(APIError):
    """The token is wrong or expired (4100, HTTP 401)."""


class PermissionDeniedError(APIError):
    """The token lacks permission for the resource (4101, HTTP 403)."""


class NotFoundError(APIError):
    """The resource does not exist or the workflow was never published (4200, HTTP 404)."""


class ConflictError(APIError):
    """A chat is already running in the conversation, or the state forbids it (4016, 4104, 4315)."""


class RateLimitError(APIError):
    """Too many requests (4009, 4020, HTTP 429). Retried by default; the limiter pauses the group."""


class DailyLimitError(APIError):
    """The daily usage cap is exhausted (4008); retrying today will not help."""


class InsufficientBalanceError(APIError):
    """Balance too low or account in arrears (4011, 4019, 4022)."""


class ServerError(APIError):
    """The service failed (5000, 4013 model error, HTTP 5xx)."""


class StreamError(APIError):
    """A stream carried an ``error`` event, failed, or broke its framing."""


# Coze envelope codes -> class (reference §2.1). Data, kept once.
_CODE_CLASSES: dict[int, type[APIError]] = {
    **dict.fromkeys((4000, 4001, 4002, 4003, 4004, 4005, 4006, 4007, 4010, 4012, 4014, 4015, 4021), BadRequestError),
    **dict.fromkeys((4105, 4201, 4300, 4301, 4302, 4303, 4304, 4305, 6003, 1109, 3010), BadRequestError),
    4008: DailyLimitError,
    4009: RateLimitError,
    4020: RateLimitError,
    4102: RateLimitError,
    700012014: RateLimitError,
    **dict.fromkeys((4011, 4019, 4022), InsufficientBalanceError),
    4013: ServerError,
    5000: ServerError,
    4016: ConflictError,
    4104: ConflictError,
    4315: ConflictError,
    4100: AuthenticationError,
    700012006: AuthenticationError,
    4101: PermissionDeniedError,
    4200: NotFoundError,
    4314: NotFoundError,
}

_STATUS_CLASSES: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: BadRequestError,
    422: BadRequestError,
    429: RateLimitError,
}


def error_class_for(code: int | None, status_code: int | None) -> type[APIError]:
    """The error class for an envelope ``code`` (first) or HTTP ``status_code`` (second).

    Args:
        code: the envelope ``code``, or ``None``; a known code decides the class.
        status_code: the HTTP status, or ``None``; used when the code is absent or unknown (5xx -> `ServerError`).

    Returns:
        The `APIError` subclass to raise; `APIError` itself when neither is known.
    """
    if code is not None and code in _CODE_CLASSES:
        return _CODE_CLASSES[code]
    if status_code is not None:
        if status_code in _STATUS_CLASSES:
            return _STATUS_CLASSES[status_code]
        if status_code >= 500:
            return ServerError
    return APIError


class MissingDependencyError(CozeError, ImportError):
    """A feature needs an optional extra that is not installed; the message names the ``pip install`` to run.

    Args:
        extra: the extra to install (e.g. ``"redis"`` for ``pip install 'coze-client[redis]'``).
        feature: what needs it, as the message names it (e.g. ``"the Redis ledger"``).
        module: the module that failed to import, or ``None`` when unknown.
    """

    def __init__(self, extra: str, feature: str, module: str | None) -> None:
        self.extra = extra
        super().__init__(
            f"{feature} needs the {extra!r} extra ({module or 'a dependency'} is not installed): "
            f"pip install 'coze-client[{extra}]'  (from a clone: pip install '.[{extra}]')"
        )
        self.name = module


@contextmanager
def needs_extra(extra: str, feature: str) -> Iterator[None]:
    """Turn an ``ImportError`` of an optional dependency into a `MissingDependencyError` naming ``extra``.

    Args:
        extra: the extra that provides the dependency (e.g. ``"redis"``).
        feature: what needs it, as the error message names it.
    """
    try:
        yield
    except ImportError as exc:
        if isinstance(exc, MissingDependencyError):
            raise
        raise MissingDependencyError(extra, feature, exc.name) from exc


def _whole(value: float) -> float:
    """``value`` as an ``int`` when it is whole (calls are counted in whole numbers; ``500`` reads better)."""
    return int(value) if float(value).is_integer() else value


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def connection_error_from(exc: httpx.TransportError) -> APIConnectionError:
    """Translate an httpx transport error; ``sent`` is False only when nothing can have left.

    Args:
        exc: the ``httpx.TransportError`` raised by the transport.

    Returns:
        An `APITimeoutError` for a timeout, an `APIConnectionError` otherwise.
    """
    not_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"{type(exc).__name__}: {exc}", sent=not not_sent)
    return APIConnectionError(f"{type(exc).__name__}: {exc}", sent=not not_sent)
