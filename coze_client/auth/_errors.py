"""Typed OAuth failures. Every one is an `AuthRefreshError`.

The token endpoint answers errors as ``error_code``/``error_message`` (what cozepy reads) or, per the
docs, ``error``/``error_description`` (the Coze API overview and OAuth pages). The device flow's
polling states (RFC 8628 names, the Coze OAuth pages) get their own classes so a caller can ``except`` them.
"""

from __future__ import annotations

from ..errors import AuthRefreshError

__all__ = [
    "AccessDeniedError",
    "AuthorizationPendingError",
    "DeviceCodeExpiredError",
    "OAuthError",
    "SlowDownError",
    "error_for",
]


class OAuthError(AuthRefreshError):
    """The OAuth token endpoint refused a request.

    Args:
        message: what went wrong; ``error``, ``status_code`` and ``logid`` are appended in parentheses.
        error: the service's error string (``invalid_grant``, ``access_denied``, ...) or envelope code.
        status_code: the HTTP status.
        logid: ``x-tt-logid`` of the answer (quote it to support).

    Examples:
        ```python
        str(OAuthError("refresh refused", error="invalid_grant", status_code=400))
        # 'refresh refused (error: invalid_grant, http status: 400)'
        ```
    """

    def __init__(
        self, message: str, *, error: str | None = None, status_code: int | None = None, logid: str | None = None
    ) -> None:
        self.error = error
        self.status_code = status_code
        self.logid = logid
        parts = [f"error: {error}"] if error else []
        if status_code is not None:
            parts.append(f"http status: {status_code}")
        if logid:
            parts.append(f"logid: {logid}")
        super().__init__(f"{message} ({', '.join(parts)})" if parts else message)


class AuthorizationPendingError(OAuthError):
    """Device flow: the user has not approved yet; poll again after ``interval``."""


class SlowDownError(OAuthError):
    """Device flow: polling too fast; the interval grows by 5 seconds (RFC 8628 §3.5)."""


class AccessDeniedError(OAuthError):
    """Device flow: the user refused the authorization (terminal)."""


class DeviceCodeExpiredError(OAuthError):
    """Device flow: the device code expired before the user approved (terminal, ``expired_token``)."""


_STATES: dict[str, type[OAuthError]] = {
    "authorization_pending": AuthorizationPendingError,
    "slow_down": SlowDownError,
    "access_denied": AccessDeniedError,
    "expired_token": DeviceCodeExpiredError,
}


def error_for(error: str, description: str, *, status_code: int | None, logid: str | None) -> OAuthError:
    """The typed error for an OAuth ``error`` string (unknown strings give a plain `OAuthError`)."""
    cls = _STATES.get(error, OAuthError)
    return cls(description or error, error=error, status_code=status_code, logid=logid)
