"""A fake Coze OAuth service: the token endpoint (every grant), device codes, and a stand-in for the browser.

Behaviour follows the Coze OAuth pages: ``POST /api/permission/oauth2/token`` takes JSON bodies for the
``authorization_code`` (web: ``Authorization: Bearer <client_secret>``; PKCE: ``code_verifier``),
``refresh_token`` (the old refresh token stops working), JWT-bearer (RS256 JWT in the Authorization
header; ``duration_seconds`` 1..86399) and device-code grants; ``expires_in`` in answers is an
absolute Unix time. Errors are answered as ``{"error_code", "error_message"}`` (what cozepy reads)
with HTTP 400 and an ``x-tt-logid`` header.

Mount it on respx next to `FakeCoze` (only ``/api/permission/oauth2/``
paths are routed, so both share a host), and link it (``FakeOAuth(api=fake_coze)``) so the API
accepts exactly the access tokens this fake issued and still considers valid.

Examples:
    ```python
    fake = FakeOAuth()
    fake.client("cid", secret="s3cret-value")
    code = fake.approve("https://www.coze.cn/api/permission/oauth2/authorize?client_id=cid&redirect_uri=x")
    len(code) > 10
    # True
    ```
"""

from __future__ import annotations

import secrets
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

import httpx

from ._core import Ctx, FakeServer

__all__ = ["DeviceScriptAnswer", "FakeOAuth", "OAuthClient", "TokenSink"]

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
DeviceScriptAnswer = str  # "authorization_pending" | "slow_down" | "access_denied" | "expired_token" | "approve"
_DEVICE_ANSWERS = frozenset({"authorization_pending", "slow_down", "access_denied", "expired_token", "approve"})
_DEVICE_MESSAGES = {
    "authorization_pending": "the user has not approved yet",
    "slow_down": "polling too fast",
    "access_denied": "the user denied the authorization",
    "expired_token": "the device code has expired",
}


class TokenSink(Protocol):
    """A fake API server whose accepted bearer tokens a `FakeOAuth` keeps up to date (``FakeCoze``)."""

    tokens: set[str] | None


@dataclass
class OAuthClient:
    """A registered OAuth app: ``secret`` for web apps, ``public_key``/``kid`` for JWT apps.

    Args:
        client_id: the app's client id.
        secret: the client secret of a web app (None for the other kinds; left out of the repr).
        public_key: the public key (PEM or key object) that checks a JWT app's assertions.
        kid: the key id a JWT app's assertion header must carry.
        audience: the ``aud`` claim a JWT app's assertion must carry.
    """

    client_id: str
    secret: str | None = field(default=None, repr=False)
    public_key: Any = field(default=None, repr=False)
    kid: str | None = None
    audience: str = "api.coze.cn"


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    challenge: str | None
    method: str | None


@dataclass
class _Device:
    client_id: str
    expires_at: float
    answers: list[str]
    last_poll: float | None = None


class FakeOAuth(FakeServer):
    """Fake OAuth endpoints with scripts for the device flow, injected failures and counters.

    Args:
        api: a fake API server (``FakeCoze``) whose accepted ``tokens`` follow what this fake issues.
        access_ttl: lifetime of code/PKCE/device access tokens (900 s, the Coze OAuth pages); JWT tokens live
            ``duration_seconds``.
        device_interval: the polling interval device-code answers give (5 s by default).
        device_expires_in: how long a device code lives, as device-code answers say (300 s by default).
        enforce_interval: answer ``slow_down`` to device polls closer together than the interval.
        wall_clock: Unix seconds for token expiry and device polls (default ``time.time``).
        base_urls: the URLs answered on respx (default ``https://api.coze.cn`` and ``https://api.coze.com``).

    Counters: ``grants`` (per grant type, successful or not), ``issued`` (access tokens issued),
    ``refreshes`` (successful refresh-token and JWT grants after the first token of a client), ``polls``.
    """

    provider = "coze-oauth"
    base_urls = ("https://api.coze.cn", "https://api.coze.com")

    def __init__(
        self,
        *,
        api: TokenSink | None = None,
        access_ttl: float = 900.0,
        device_interval: float = 5.0,
        device_expires_in: float = 300.0,
        enforce_interval: bool = False,
        wall_clock: Any = None,
        base_urls: Sequence[str] | None = None,
    ) -> None:
        super().__init__(wall_clock=wall_clock, base_urls=base_urls)
        self.api = api
        if api is not None and api.tokens is None:
            api.tokens = set()
        self.access_ttl = access_ttl
        self.device_interval = device_interval
        self.device_expires_in = device_expires_in
        self.enforce_interval = enforce_interval
        self.clients: dict[str, OAuthClient] = {}
        self.grants: Counter[str] = Counter()
        self.issued = 0
        self.refreshes = 0
        self.polls = 0
        self.jtis: set[str] = set()
        self.access_tokens: dict[str, float] = {}  # token -> expiry (Unix time)
        self.refresh_tokens: dict[str, str] = {}  # token -> client id
        self.device_script: list[str] = []
        self._codes: dict[str, _Code] = {}
        self._devices: dict[str, _Device] = {}
        self._failures: list[tuple[int, str]] = []
        self._jwt_clients_served: set[str] = set()
        self.route("POST", "/api/permission/oauth2/token", self._token)
        self.route("POST", "/api/permission/oauth2/workspace_id/{wid}/token", self._token)
        self.route("POST", "/api/permission/oauth2/device/code", self._device_code)
        self.route("POST", "/api/permission/oauth2/workspace_id/{wid}/device/code", self._device_code)

    # -- scripting ----------------------------------------------------------------------------
    def client(
        self,
        client_id: str,
        *,
        secret: str | None = None,
        public_key: Any = None,
        kid: str | None = None,
        audience: str = "api.coze.cn",
    ) -> None:
        """Register an app (web: ``secret``; JWT: ``public_key`` PEM/object and ``kid``; PKCE/device: neither).

        Args:
            client_id: the app's client id.
            secret: the client secret of a web app.
            public_key: the public key (PEM or key object) of a JWT app.
            kid: the key id of a JWT app.
            audience: the ``aud`` claim a JWT app's assertion must carry.
        """
        self.clients[client_id] = OAuthClient(client_id, secret, public_key, kid, audience)

    def approve(self, authorize_url: str) -> str:
        """Play the user approving in the browser: check the authorize URL and return a one-time code.

        Args:
            authorize_url: the URL the app sends the user to (its ``client_id`` must be registered).
        """
        query = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
        client_id = query.get("client_id", "")
        if client_id not in self.clients:
            raise AssertionError(f"approve: unknown client_id {client_id!r}")
        method = query.get("code_challenge_method")
        if "code_challenge" in query and method not in ("S256", "plain"):
            raise AssertionError(f"approve: bad code_challenge_method {method!r}")
        code = "code_" + secrets.token_urlsafe(16)
        self._codes[code] = _Code(client_id, query.get("redirect_uri", ""), query.get("code_challenge"), method)
        return code

    def script_device(self, *answers: DeviceScriptAnswer) -> None:
        """The next device polls answer these in order, then ``approve`` (a token) for good.

        Args:
            *answers: ``"authorization_pending"``, ``"slow_down"``, ``"access_denied"``, ``"expired_token"``
                or ``"approve"``, one per poll.
        """
        bad = [a for a in answers if a not in _DEVICE_ANSWERS]
        if bad:
            raise ValueError(f"unknown device answers {bad}")
        self.device_script = list(answers)

    def fail_next(self, times: int = 1, *, status: int = 500, error: str = "server_error") -> None:
        """The next ``times`` token requests fail with ``status`` and ``error``.

        Args:
            times: how many token requests fail.
            status: their HTTP status.
            error: their ``error_code`` (``"server_error"``, ``"invalid_grant"``, ...).
        """
        self._failures.extend([(status, error)] * times)

    def expire_tokens(self) -> None:
        """Every issued access token stops working (the linked API answers 4100)."""
        for token in list(self.access_tokens):
            self._revoke(token)

    def is_valid(self, token: str) -> bool:
        """Whether ``token`` is an issued, unexpired access token.

        Args:
            token: the access token.
        """
        expiry = self.access_tokens.get(token)
        return expiry is not None and self.wall_clock() < expiry

    # -- mounting -----------------------------------------------------------------------------
    def install(self, router: Any) -> None:
        """Route only the OAuth paths, so a `FakeCoze` on the same host can serve the rest.

        Args:
            router: the respx router to add routes to.
        """
        for base in self.base_urls:
            router.route(url__startswith=base + "/api/permission/oauth2/").mock(side_effect=self.handle)

    @contextmanager
    def mock(self, *also: Any) -> Iterator[Any]:
        """Mount on respx for the ``with`` block, with other fakes (``FakeCoze``...) on the same router.

        The OAuth routes go first, so a fake that serves the whole host still leaves them to this one.

        Args:
            *also: other fakes to mount on the same router.

        Examples:
            ```python
            from coze_client.testing import FakeCoze
            api = FakeCoze()
            oauth = FakeOAuth(api=api)
            with oauth.mock(api):
                pass
            ```
        """
        import respx

        with respx.mock(assert_all_called=False, assert_all_mocked=True) as router:
            self.install(router)
            for fake in also:
                fake.install(router)
            yield router

    # -- answers ------------------------------------------------------------------------------
    def _error(self, error: str, message: str, status: int = 400) -> httpx.Response:
        return self.json_response(
            {"error_code": error, "error_message": message}, status=status, headers={"x-tt-logid": self.logid()}
        )

    def _revoke(self, token: str) -> None:
        self.access_tokens.pop(token, None)
        if self.api is not None and self.api.tokens is not None:
            self.api.tokens.discard(token)

    def _issue(self, client_id: str, ttl: float, *, refresh: bool) -> httpx.Response:
        now = self.wall_clock()
        token = "czu_" + secrets.token_hex(20)
        self.access_tokens[token] = now + ttl
        if self.api is not None and self.api.tokens is not None:
            self.api.tokens.add(token)
        self.issued += 1
        body: dict[str, Any] = {"access_token": token, "expires_in": int(now + ttl), "token_type": "Bearer"}
        if refresh:
            rt = "czr_" + secrets.token_hex(20)
            self.refresh_tokens[rt] = client_id
            body["refresh_token"] = rt
        return self.json_response(body, headers={"x-tt-logid": self.logid()})

    async def _token(self, ctx: Ctx) -> httpx.Response:
        body = ctx.body_dict()
        grant = str(body.get("grant_type", ""))
        self.grants[grant] += 1
        if self._failures:
            status, error = self._failures.pop(0)
            return self._error(error, "injected failure", status)
        if grant == JWT_GRANT:
            return self._jwt_grant(ctx, body)
        client = self.clients.get(str(body.get("client_id", "")))
        if client is None:
            return self._error("invalid_client", "unknown client_id", 401)
        if client.secret is not None and ctx.token != client.secret:
            return self._error("invalid_client", "client secret missing or wrong", 401)
        if grant == "authorization_code":
            return self._code_grant(client, body)
        if grant == "refresh_token":
            rt = str(body.get("refresh_token", ""))
            if self.refresh_tokens.pop(rt, None) != client.client_id:  # rotation: a refresh token works once
                return self._error("invalid_grant", "refresh token invalid or already used")
            self.refreshes += 1
            return self._issue(client.client_id, self.access_ttl, refresh=True)
        if grant == DEVICE_GRANT:
            return self._device_grant(client, body)
        return self._error("unsupported_grant_type", f"grant_type {grant!r} not supported")

    def _code_grant(self, client: OAuthClient, body: dict[str, Any]) -> httpx.Response:
        code = self._codes.pop(str(body.get("code", "")), None)
        if code is None or code.client_id != client.client_id:
            return self._error("invalid_grant", "authorization code invalid or already used")
        if code.redirect_uri != body.get("redirect_uri", ""):
            return self._error("invalid_grant", "redirect_uri does not match")
        if code.challenge is not None:
            verifier = str(body.get("code_verifier", ""))
            from coze_client.auth import PKCEOAuthApp

            expected = PKCEOAuthApp.code_challenge(verifier, "plain" if code.method == "plain" else "S256")
            if not verifier or expected != code.challenge:
                return self._error("invalid_grant", "code_verifier does not match the code_challenge")
        elif client.secret is None:
            return self._error("invalid_request", "a public client must use PKCE")
        return self._issue(client.client_id, self.access_ttl, refresh=True)

    def _jwt_grant(self, ctx: Ctx, body: dict[str, Any]) -> httpx.Response:
        import jwt as pyjwt

        assertion = ctx.token or ""
        try:
            header = pyjwt.get_unverified_header(assertion)
            unverified = pyjwt.decode(assertion, options={"verify_signature": False})
        except pyjwt.PyJWTError:
            return self._error("invalid_grant", "the Authorization header holds no JWT", 401)
        client = self.clients.get(str(unverified.get("iss", "")))
        if client is None or client.public_key is None:
            return self._error("invalid_client", "unknown JWT issuer", 401)
        if header.get("alg") != "RS256" or header.get("typ") != "JWT" or header.get("kid") != client.kid:
            return self._error("invalid_grant", "JWT header must be RS256/JWT with the app's kid", 401)
        try:
            # Times are checked against the fake's own wall clock (tests move it), not PyJWT's.
            claims = pyjwt.decode(
                assertion,
                client.public_key,
                algorithms=["RS256"],
                audience=client.audience,
                options={
                    "require": ["iss", "aud", "iat", "exp", "jti"],
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except pyjwt.PyJWTError as exc:
            return self._error("invalid_grant", f"JWT rejected: {type(exc).__name__}", 401)
        now = self.wall_clock()
        if not claims["iat"] - 60 <= now < claims["exp"]:
            return self._error("invalid_grant", "JWT expired or issued in the future", 401)
        jti = str(claims["jti"])
        if len(jti.encode()) <= 32 or jti in self.jtis:
            return self._error("invalid_grant", "jti must be unique and longer than 32 bytes", 401)
        self.jtis.add(jti)
        duration = body.get("duration_seconds", 900)
        if not isinstance(duration, int) or not 1 <= duration <= 86399:
            return self._error("invalid_request", "duration_seconds must be 1..86399")
        if client.client_id in self._jwt_clients_served:
            self.refreshes += 1
        self._jwt_clients_served.add(client.client_id)
        return self._issue(client.client_id, float(duration), refresh=False)

    async def _device_code(self, ctx: Ctx) -> httpx.Response:
        client_id = str(ctx.body_dict().get("client_id", ""))
        if client_id not in self.clients:
            return self._error("invalid_client", "unknown client_id", 401)
        device_code = "dev_" + secrets.token_hex(16)
        user_code = secrets.token_hex(3).upper()
        self._devices[device_code] = _Device(
            client_id, time.monotonic() + self.device_expires_in, list(self.device_script)
        )
        return self.json_response(
            {
                "device_code": device_code,
                "user_code": user_code,
                "verification_uri": "https://www.coze.cn/api/permission/oauth2/device",
                "interval": self.device_interval,
                "expires_in": self.device_expires_in,
            },
            headers={"x-tt-logid": self.logid()},
        )

    def _device_grant(self, client: OAuthClient, body: dict[str, Any]) -> httpx.Response:
        self.polls += 1
        device = self._devices.get(str(body.get("device_code", "")))
        if device is None or device.client_id != client.client_id:
            return self._error("invalid_grant", "unknown device_code")
        now = time.monotonic()
        if now >= device.expires_at:
            return self._error("expired_token", "the device code has expired")
        too_fast = (
            self.enforce_interval and device.last_poll is not None and now - device.last_poll < self.device_interval
        )
        device.last_poll = now
        if too_fast:
            return self._error("slow_down", "polling too fast")
        answer = device.answers.pop(0) if device.answers else "approve"
        if answer == "approve":
            self._devices.pop(str(body.get("device_code")), None)
            return self._issue(client.client_id, self.access_ttl, refresh=True)
        return self._error(answer, _DEVICE_MESSAGES[answer])
