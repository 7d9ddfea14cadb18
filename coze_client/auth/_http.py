"""The OAuth token endpoints, over a plain ``httpx.AsyncClient`` (the only HTTP this package does).

These calls are not Open API calls: the ledger and limiter do not count them (the free plan's
500-call quota counts API calls, the Coze API overview), so they skip the corridor. Paths and bodies are in
the Coze OAuth pages Nothing here logs or raises a secret: request bodies carry codes and refresh tokens,
so errors quote only the service's own error string and message, and those pass through ``redact``.
"""

from __future__ import annotations

import logging
import ssl
from typing import Any

import httpx

from .._constants import LOGID_HEADER
from ..errors import AuthRefreshError
from ._errors import OAuthError, error_for

__all__ = ["DEVICE_CODE_PATH", "TOKEN_PATH", "TokenHTTP", "workspace_path"]

log = logging.getLogger("coze_client.auth")

TOKEN_PATH = "/api/permission/oauth2/token"
DEVICE_CODE_PATH = "/api/permission/oauth2/device/code"
# Token calls are small and interactive; a hung token endpoint must not stall every API call.
DEFAULT_TOKEN_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


def workspace_path(path: str, workspace_id: str | None) -> str:
    """``/api/permission/oauth2/...`` or its ``/workspace_id/{id}/...`` collaboration variant (the Coze OAuth pages)."""
    if not workspace_id:
        return path
    prefix = "/api/permission/oauth2"
    return f"{prefix}/workspace_id/{workspace_id}{path[len(prefix):]}"


class TokenHTTP:
    """Posts JSON to the OAuth endpoints of one API host and turns failures into typed errors.

    Args:
        base_url: the API host (``https://api.coze.cn``).
        http_client: an ``httpx.AsyncClient`` to use (not closed here); by default each call uses a
            short-lived client, so there is nothing to close.
        timeout: timeout of each token call.

    Examples:
        ```python
        TokenHTTP("https://api.coze.cn").base_url
        # 'https://api.coze.cn'
        ```
    """

    def __init__(
        self,
        base_url: str,
        *,
        http_client: httpx.AsyncClient | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = http_client
        self._timeout = httpx.Timeout(timeout) if isinstance(timeout, (int, float)) else (
            timeout or DEFAULT_TOKEN_TIMEOUT)

    async def post(self, path: str, body: dict[str, Any], *, bearer: str | None = None) -> dict[str, Any]:
        """POST ``body`` as JSON; return the JSON answer or raise `OAuthError` / AuthRefreshError."""
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if bearer is not None:
            headers["Authorization"] = f"Bearer {bearer}"
        try:
            if self._client is not None:
                response = await self._client.post(self.base_url + path, json=body, headers=headers,
                                                   timeout=self._timeout)
            else:
                # Token calls are rare (minutes apart): a short-lived client leaves nothing to close
                # and is bound to no event loop; the shared SSL context makes it cheap (~1 ms).
                async with httpx.AsyncClient(timeout=self._timeout, verify=_ssl_context()) as client:
                    response = await client.post(self.base_url + path, json=body, headers=headers)
        except httpx.TransportError as exc:
            # The exception text names the URL and the error kind only (no body, no headers).
            raise AuthRefreshError(f"OAuth endpoint {path} unreachable: {type(exc).__name__}") from None
        logid = response.headers.get(LOGID_HEADER)
        try:
            data = response.json()
        except ValueError:
            raise OAuthError(f"OAuth endpoint {path} answered non-JSON", status_code=response.status_code,
                             logid=logid) from None
        if not isinstance(data, dict):
            raise OAuthError(f"OAuth endpoint {path} answered an unexpected body", status_code=response.status_code,
                             logid=logid)
        logid = logid or _detail_logid(data)
        error = data.get("error_code") or data.get("error")
        if error:
            description = str(data.get("error_message") or data.get("error_description") or "")
            raise error_for(str(error), description, status_code=response.status_code, logid=logid)
        code = data.get("code")
        message = data.get("error_message") or data.get("error_description")
        if code is None and data.get("error_code") is None and isinstance(message, str) and message:
            # ``{"error_message": ...}`` alone (no error string, no envelope code) is a refusal too.
            raise OAuthError(message, status_code=response.status_code, logid=logid)
        if isinstance(code, int) and code != 0:
            raise OAuthError(str(data.get("msg") or "OAuth request refused"), error=str(code),
                             status_code=response.status_code, logid=logid)
        if not response.is_success:
            raise OAuthError(f"OAuth endpoint {path} failed", status_code=response.status_code, logid=logid)
        # Some answers wrap the payload in the standard envelope; the token fields are what we need.
        payload = data.get("data") if isinstance(data.get("data"), dict) else data
        return payload  # type: ignore[return-value]

    async def aclose(self) -> None:
        """Nothing to release: an injected client belongs to the caller, and no other client is kept."""


_SSL: ssl.SSLContext | None = None


def _ssl_context() -> ssl.SSLContext:
    """One SSL context for every token call (loading the CA bundle costs ~20 ms; do it once)."""
    global _SSL
    if _SSL is None:
        _SSL = httpx.create_ssl_context()
    return _SSL


def _detail_logid(data: dict[str, Any]) -> str | None:
    detail = data.get("detail")
    logid = detail.get("logid") if isinstance(detail, dict) else None
    return logid if isinstance(logid, str) else None
