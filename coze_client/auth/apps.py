"""OAuth apps that act for a user: authorization code (web, with secret), PKCE, and device code.

Each app builds the browser URL, exchanges the grant at ``POST /api/permission/oauth2/token`` and
refreshes (the Coze OAuth pages); `token_provider` wraps a token in an `OAuthToken` that
refreshes itself (the refresh token rotates: the old one is invalidated by the service, so the
provider keeps the newest). Access tokens last 15 minutes, refresh tokens 30 days (the Coze OAuth pages).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

import httpx

from .._constants import COZE_CN_BASE_URL, COZE_COM_BASE_URL
from ..errors import ValidationError
from ._errors import AuthorizationPendingError, DeviceCodeExpiredError, SlowDownError
from ._http import DEVICE_CODE_PATH, TOKEN_PATH, TokenHTTP, workspace_path
from ._token import DEFAULT_SKEW, OAuthToken, TokenResponse

__all__ = ["DeviceCode", "DeviceOAuthApp", "PKCEOAuthApp", "WebOAuthApp", "www_base_for"]

log = logging.getLogger("coze_client.auth")

AUTHORIZE_PATH = "/api/permission/oauth2/authorize"
DEVICE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code"
# RFC 8628 §3.5: on slow_down the polling interval grows by 5 seconds (cozepy does the same).
SLOW_DOWN_STEP = 5.0
DEFAULT_DEVICE_INTERVAL = 5.0  # §3: interval defaults to 5 s
DEFAULT_DEVICE_EXPIRES_IN = 300.0  # §3: expires_in defaults to 300 s
_WWW = {COZE_CN_BASE_URL: "https://www.coze.cn", COZE_COM_BASE_URL: "https://www.coze.com"}


def www_base_for(base_url: str) -> str:
    """The browser host for an API host (``api.coze.cn`` -> ``www.coze.cn``; others unchanged).

    Examples:
        ```python
        www_base_for("https://api.coze.com")
        # 'https://www.coze.com'
        ```
    """
    base = base_url.rstrip("/")
    return _WWW.get(base, base)


class _OAuthApp:
    """What the user-facing flows share: the token endpoint, refresh, and the provider wrapper."""

    _kind = "oauth"

    def __init__(
        self,
        client_id: str,
        *,
        base_url: str = COZE_CN_BASE_URL,
        www_base_url: str | None = None,
        http_client: httpx.AsyncClient | None = None,
        timeout: float | httpx.Timeout | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not client_id:
            raise ValidationError("client_id is required")
        self.client_id = client_id
        self.base_url = base_url.rstrip("/")
        self.www_base_url = (www_base_url or www_base_for(self.base_url)).rstrip("/")
        self._clock = clock
        self._http = TokenHTTP(self.base_url, http_client=http_client, timeout=timeout)

    def _secret(self) -> str | None:
        return None

    async def _token_call(self, body: dict[str, Any], workspace_id: str | None = None) -> TokenResponse:
        answer = await self._http.post(workspace_path(TOKEN_PATH, workspace_id), body, bearer=self._secret())
        return TokenResponse.from_body(answer, now=self._clock())

    def _authorize_url(self, params: dict[str, str], workspace_id: str | None) -> str:
        path = workspace_path(AUTHORIZE_PATH, workspace_id)
        return f"{self.www_base_url}{path}?{urlencode(params)}"

    async def refresh(self, refresh_token: str) -> TokenResponse:
        """A new token from a refresh token (the old refresh token stops working)."""
        if not refresh_token:
            raise ValidationError("refresh_token is required")
        return await self._token_call(
            {"grant_type": "refresh_token", "client_id": self.client_id, "refresh_token": refresh_token}
        )

    def token_provider(self, token: TokenResponse, *, skew: float = DEFAULT_SKEW) -> OAuthToken:
        """An auto-refreshing `OAuthToken` starting from ``token`` (pass it as ``AsyncCoze(auth=...)``)."""

        async def fetch(previous: TokenResponse | None) -> TokenResponse:
            current = previous or token
            if not current.refresh_token:
                from ..errors import AuthRefreshError

                raise AuthRefreshError("the token has no refresh_token; authorize again")
            return await self.refresh(current.refresh_token)

        return OAuthToken(fetch, token, skew=skew, clock=self._clock, identity=f"{self._kind}:{self.client_id}")

    async def aclose(self) -> None:
        """Close the token HTTP client if it was created here."""
        await self._http.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(client_id={self.client_id!r}, base_url={self.base_url!r})"


class WebOAuthApp(_OAuthApp):
    """Authorization code flow for web apps that keep a client secret.

    Examples:
        ```python
        app = WebOAuthApp("cid", "secret-value")
        app.authorize_url("https://example.com/cb", state="xyz")
        # 'https://www.coze.cn/api/permission/oauth2/authorize?response_type=code&client_id=cid&redirect_uri=https%3A%2F%2Fexample.com%2Fcb&state=xyz'
        ```
    """

    _kind = "web"

    def __init__(self, client_id: str, client_secret: str, **kwargs: Any) -> None:
        if not client_secret:
            raise ValidationError("client_secret is required")
        super().__init__(client_id, **kwargs)
        self._client_secret = client_secret

    def _secret(self) -> str | None:
        return self._client_secret  # sent as ``Authorization: Bearer <client_secret>`` (§3)

    def authorize_url(self, redirect_uri: str, state: str = "", *, workspace_id: str | None = None) -> str:
        """The page to send the user's browser to."""
        params = {"response_type": "code", "client_id": self.client_id, "redirect_uri": redirect_uri, "state": state}
        return self._authorize_url(params, workspace_id)

    async def exchange_code(self, code: str, redirect_uri: str) -> TokenResponse:
        """Exchange the ``code`` the redirect brought back for a token."""
        if not code:
            raise ValidationError("code is required")
        return await self._token_call({"grant_type": "authorization_code", "client_id": self.client_id,
                                       "code": code, "redirect_uri": redirect_uri})


CodeChallengeMethod = Literal["S256", "plain"]


class PKCEOAuthApp(_OAuthApp):
    """Authorization code flow with PKCE, for apps that cannot keep a secret (mobile, desktop, SPA).

    Examples:
        ```python
        verifier = PKCEOAuthApp.generate_code_verifier()
        len(verifier) >= 43
        # True
        PKCEOAuthApp.code_challenge("abc", "plain")
        # 'abc'
        ```
    """

    _kind = "pkce"

    @staticmethod
    def generate_code_verifier(length: int = 64) -> str:
        """A random code verifier: 43..128 characters of the RFC 7636 unreserved set."""
        if not 43 <= length <= 128:
            raise ValidationError("code verifier length must be 43..128")
        return secrets.token_urlsafe(length)[:length]

    @staticmethod
    def code_challenge(code_verifier: str, method: CodeChallengeMethod = "S256") -> str:
        """The challenge for a verifier: ``BASE64URL(SHA256(verifier))`` without padding, or the verifier itself."""
        if method == "plain":
            return code_verifier
        if method != "S256":
            raise ValidationError("code_challenge_method must be 'S256' or 'plain'")
        digest = hashlib.sha256(code_verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def authorize_url(
        self,
        redirect_uri: str,
        code_verifier: str,
        state: str = "",
        *,
        code_challenge_method: CodeChallengeMethod = "S256",
        workspace_id: str | None = None,
    ) -> str:
        """The page to send the user's browser to (keep ``code_verifier`` for `exchange_code`)."""
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "code_challenge": self.code_challenge(code_verifier, code_challenge_method),
            "code_challenge_method": code_challenge_method,
        }
        return self._authorize_url(params, workspace_id)

    async def exchange_code(self, code: str, redirect_uri: str, code_verifier: str) -> TokenResponse:
        """Exchange ``code`` and the original ``code_verifier`` for a token."""
        if not code or not code_verifier:
            raise ValidationError("code and code_verifier are required")
        return await self._token_call({"grant_type": "authorization_code", "client_id": self.client_id,
                                       "code": code, "redirect_uri": redirect_uri, "code_verifier": code_verifier})


@dataclass(frozen=True, slots=True)
class DeviceCode:
    """A device authorization: show ``user_code`` and ``verification_url`` to the user, then poll.

    ``expires_in`` is a duration here (seconds), unlike a token's ``expires_in`` (the Coze OAuth pages).
    """

    device_code: str = field(repr=False)
    user_code: str
    verification_uri: str
    interval: float = DEFAULT_DEVICE_INTERVAL
    expires_in: float = DEFAULT_DEVICE_EXPIRES_IN
    deadline: float = field(default=0.0, repr=False)
    """``time.monotonic()`` value after which the code is expired."""

    @property
    def verification_url(self) -> str:
        """``verification_uri`` with the user code filled in (what cozepy calls ``verification_url``)."""
        sep = "&" if "?" in self.verification_uri else "?"
        return f"{self.verification_uri}{sep}{urlencode({'user_code': self.user_code})}"


class DeviceOAuthApp(_OAuthApp):
    """Device code flow, for devices without a browser: the user approves on another screen.

    Polling sleeps with ``asyncio.sleep`` (never blocking the event loop), honours ``interval``,
    grows it by 5 s on ``slow_down`` and stops at ``expires_in``.

    Examples:
        ```python
        async def login(app: DeviceOAuthApp) -> TokenResponse:
            device = await app.request_device_code()
            print("open", device.verification_url)
            return await app.wait_for_token(device)
        ```
    """

    _kind = "device"

    async def request_device_code(self, *, workspace_id: str | None = None) -> DeviceCode:
        """Start the flow: ``device_code``, ``user_code``, ``verification_uri``, ``interval``, ``expires_in``."""
        answer = await self._http.post(workspace_path(DEVICE_CODE_PATH, workspace_id), {"client_id": self.client_id})
        try:
            interval = float(answer.get("interval") or DEFAULT_DEVICE_INTERVAL)
            expires_in = float(answer.get("expires_in") or DEFAULT_DEVICE_EXPIRES_IN)
            return DeviceCode(
                device_code=str(answer["device_code"]),
                user_code=str(answer["user_code"]),
                verification_uri=str(answer["verification_uri"]),
                interval=interval,
                expires_in=expires_in,
                deadline=time.monotonic() + expires_in,
            )
        except (KeyError, TypeError, ValueError):
            from ..errors import AuthRefreshError

            raise AuthRefreshError("the device code answer lacks device_code, user_code or verification_uri") from None

    async def poll_token(self, device_code: str, *, workspace_id: str | None = None) -> TokenResponse:
        """One poll. Raises `AuthorizationPendingError`, `SlowDownError`,
        `AccessDeniedError` or `DeviceCodeExpiredError` while there is no token."""
        return await self._token_call(
            {"grant_type": DEVICE_GRANT_TYPE, "client_id": self.client_id, "device_code": device_code}, workspace_id
        )

    async def wait_for_token(
        self,
        device: DeviceCode,
        *,
        workspace_id: str | None = None,
        slow_down_step: float = SLOW_DOWN_STEP,
        on_pending: Callable[[float], Awaitable[None] | None] | None = None,
    ) -> TokenResponse:
        """Poll until the user approves (token), refuses (AccessDeniedError) or the code expires.

        ``on_pending(interval)`` is called after each pending answer (to show progress).
        """
        interval = max(0.0, device.interval)
        deadline = device.deadline or time.monotonic() + device.expires_in  # a DeviceCode built by hand
        while True:
            if time.monotonic() >= deadline:
                raise DeviceCodeExpiredError("the device code expired before the user approved", error="expired_token")
            try:
                return await self.poll_token(device.device_code, workspace_id=workspace_id)
            except SlowDownError:
                interval += slow_down_step
                log.debug("device flow: slow_down, polling every %.1fs", interval)
            except AuthorizationPendingError:
                pass
            if on_pending is not None:
                result = on_pending(interval)
                if asyncio.iscoroutine(result):
                    await result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                continue  # the check at the top raises
            await asyncio.sleep(min(interval, remaining))
