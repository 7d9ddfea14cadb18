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

__all__ = ["DeviceCode", "DeviceOAuthApp", "OAuthApp", "PKCEOAuthApp", "WebOAuthApp", "www_base_for"]

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

    Args:
        base_url: the API host URL (a trailing ``/`` is ignored).

    Examples:
        ```python
        www_base_for("https://api.coze.com")
        # 'https://www.coze.com'
        ```
    """
    base = base_url.rstrip("/")
    return _WWW.get(base, base)


class OAuthApp:
    """What the user-facing flows share: the token endpoint, refresh, and the provider wrapper.

    The base of `WebOAuthApp`, `PKCEOAuthApp` and `DeviceOAuthApp`; their constructors take these arguments.

    Args:
        client_id: the OAuth app's client id (from the Coze OAuth app settings).
        base_url: the API host tokens are asked from (default ``https://api.coze.cn``).
        www_base_url: the browser host of the authorization page (default: `www_base_for` of ``base_url``).
        http_client: an ``httpx.AsyncClient`` for the token calls (not closed here); default: one of its own.
        timeout: timeout of each token call (seconds or ``httpx.Timeout``; default 30 s, 5 s to connect).
        clock: the wall clock in epoch seconds, read to date tokens' expiry (tests pass a fake one).
    """

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
        """A new token from a refresh token (the old refresh token stops working).

        Args:
            refresh_token: the ``refresh_token`` of the newest token (each refresh replaces it).
        """
        if not refresh_token:
            raise ValidationError("refresh_token is required")
        return await self._token_call(
            {"grant_type": "refresh_token", "client_id": self.client_id, "refresh_token": refresh_token}
        )

    def token_provider(self, token: TokenResponse, *, skew: float = DEFAULT_SKEW) -> OAuthToken:
        """An auto-refreshing `OAuthToken` starting from ``token`` (pass it as ``AsyncCoze(auth=...)``).

        Args:
            token: the token to start from (from `exchange_code` or a poll); it needs a ``refresh_token``.
            skew: refresh this many seconds before expiry (default 60).
        """

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


class WebOAuthApp(OAuthApp):
    """Authorization code flow for web apps that keep a client secret.

    Args:
        client_id: the OAuth app's client id.
        client_secret: the app's client secret (sent as the token calls' bearer token; never logged).
        **kwargs: the `OAuthApp` options: ``base_url``, ``www_base_url``, ``http_client``, ``timeout``, ``clock``.

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
        """The page to send the user's browser to.

        Args:
            redirect_uri: where the browser returns with ``code`` (one of the app's registered redirect URLs).
            state: an opaque value echoed back on the redirect (check it there against CSRF).
            workspace_id: authorize for this workspace (the workspace-scoped page); ``None``: the account's.
        """
        params = {"response_type": "code", "client_id": self.client_id, "redirect_uri": redirect_uri, "state": state}
        return self._authorize_url(params, workspace_id)

    async def exchange_code(self, code: str, redirect_uri: str) -> TokenResponse:
        """Exchange the ``code`` the redirect brought back for a token.

        Args:
            code: the ``code`` query parameter of the redirect.
            redirect_uri: the same ``redirect_uri`` the authorization URL used.
        """
        if not code:
            raise ValidationError("code is required")
        return await self._token_call({"grant_type": "authorization_code", "client_id": self.client_id,
                                       "code": code, "redirect_uri": redirect_uri})


CodeChallengeMethod = Literal["S256", "plain"]


class PKCEOAuthApp(OAuthApp):
    """Authorization code flow with PKCE, for apps that cannot keep a secret (mobile, desktop, SPA).

    Constructor arguments: those of `OAuthApp` (``client_id``, then ``base_url``, ``www_base_url``,
    ``http_client``, ``timeout``, ``clock`` by keyword).

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
        """A random code verifier: 43..128 characters of the RFC 7636 unreserved set.

        Args:
            length: how many characters (43..128, default 64).
        """
        if not 43 <= length <= 128:
            raise ValidationError("code verifier length must be 43..128")
        return secrets.token_urlsafe(length)[:length]

    @staticmethod
    def code_challenge(code_verifier: str, method: CodeChallengeMethod = "S256") -> str:
        """The challenge for a verifier: ``BASE64URL(SHA256(verifier))`` without padding, or the verifier itself.

        Args:
            code_verifier: the verifier (from `generate_code_verifier`).
            method: ``"S256"`` (default: the SHA-256 form) or ``"plain"`` (the verifier itself).
        """
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
        """The page to send the user's browser to (keep ``code_verifier`` for `exchange_code`).

        Args:
            redirect_uri: where the browser returns with ``code`` (one of the app's registered redirect URLs).
            code_verifier: a fresh verifier from `generate_code_verifier`; only its challenge is sent.
            state: an opaque value echoed back on the redirect (check it there against CSRF).
            code_challenge_method: ``"S256"`` (default) or ``"plain"``.
            workspace_id: authorize for this workspace (the workspace-scoped page); ``None``: the account's.
        """
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
        """Exchange ``code`` and the original ``code_verifier`` for a token.

        Args:
            code: the ``code`` query parameter of the redirect.
            redirect_uri: the same ``redirect_uri`` the authorization URL used.
            code_verifier: the verifier the authorization URL was built with.
        """
        if not code or not code_verifier:
            raise ValidationError("code and code_verifier are required")
        return await self._token_call({"grant_type": "authorization_code", "client_id": self.client_id,
                                       "code": code, "redirect_uri": redirect_uri, "code_verifier": code_verifier})


@dataclass(frozen=True, slots=True)
class DeviceCode:
    """A device authorization: show ``user_code`` and ``verification_url`` to the user, then poll.

    ``expires_in`` is a duration here (seconds), unlike a token's ``expires_in`` (the Coze OAuth pages).
    `DeviceOAuthApp.request_device_code` builds it.

    Args:
        device_code: the code the app polls with (kept out of the repr).
        user_code: the code the user types on the verification page.
        verification_uri: the page where the user approves.
        interval: seconds to wait between polls (default 5).
        expires_in: seconds the code stays valid (default 300).
        deadline: the ``time.monotonic()`` value after which the code is expired (0: ``expires_in`` from when
            polling starts).
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


class DeviceOAuthApp(OAuthApp):
    """Device code flow, for devices without a browser: the user approves on another screen.

    Polling sleeps with ``asyncio.sleep`` (never blocking the event loop), honours ``interval``,
    grows it by 5 s on ``slow_down`` and stops at ``expires_in``.

    Constructor arguments: those of `OAuthApp` (``client_id``, then ``base_url``, ``www_base_url``,
    ``http_client``, ``timeout``, ``clock`` by keyword).

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
        """Start the flow: ``device_code``, ``user_code``, ``verification_uri``, ``interval``, ``expires_in``.

        Args:
            workspace_id: ask for this workspace (the workspace-scoped endpoint); ``None``: the account's.
        """
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
        `AccessDeniedError` or `DeviceCodeExpiredError` while there is no token.

        Args:
            device_code: the `DeviceCode`'s ``device_code``.
            workspace_id: the same workspace `request_device_code` used (``None``: the account's).
        """
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

        Args:
            device: the `DeviceCode` from `request_device_code`.
            workspace_id: the same workspace `request_device_code` used (``None``: the account's).
            slow_down_step: seconds added to the interval on each ``slow_down`` answer (default 5).
            on_pending: called with the current interval (seconds) after each pending or ``slow_down`` answer;
                may be a plain function or return an awaitable (awaited).
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
