"""Server-to-server OAuth: sign a JWT with the app's RSA key and exchange it for an access token.

Facts (the Coze OAuth pages): header ``{alg: RS256, typ: JWT, kid: <public key id>}``; claims ``iss``
(client id), ``aud`` (the API host, ``api.coze.cn``), ``iat``, ``exp``, ``jti`` (random, unique,
more than 32 bytes recommended) and optional ``session_name``; exchanged at
``POST /api/permission/oauth2/token`` with ``grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer``
and ``duration_seconds`` (default 900, max 86399). A JWT-granted token cannot be refreshed: a new
JWT is signed instead. Signing uses PyJWT (with ``cryptography``), a well-kept JOSE library; the
private key is parsed once and never printed.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Any

import httpx

from .._constants import COZE_CN_BASE_URL
from .._secrets import fingerprint
from ..errors import ValidationError, needs_extra
from ._http import TOKEN_PATH, TokenHTTP
from ._token import DEFAULT_SKEW, OAuthToken, TokenResponse

__all__ = ["JWT_GRANT_TYPE", "MAX_DURATION_SECONDS", "JWTAuth"]

JWT_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
DEFAULT_DURATION_SECONDS = 900
MAX_DURATION_SECONDS = 86399
# The JWT is used once, right after signing; a short validity limits the harm of a leaked one.
DEFAULT_JWT_TTL = 600
# 32 random bytes -> 64 hex characters: the reference asks for a jti of more than 32 bytes.
_JTI_BYTES = 32


def _load_private_key(key: Any) -> Any:
    """Parse a PEM RSA private key once (str/bytes), or accept a ``cryptography`` key object."""
    with needs_extra("oauth", "JWT OAuth (JWTAuth)"):
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

    if isinstance(key, rsa.RSAPrivateKey):
        return key
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, bytes):
        raise ValidationError("private_key must be a PEM string/bytes or an RSA private key object")
    try:
        loaded = serialization.load_pem_private_key(key, password=None)
    except (ValueError, TypeError):
        # Never echo the key material: cryptography's message is generic, ours names no bytes.
        raise ValidationError("private_key is not a readable PEM private key") from None
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise ValidationError("private_key must be an RSA key (RS256)")
    return loaded


class JWTAuth(OAuthToken):
    """Token provider for a server-side OAuth app (JWT grant): caches the token, signs a new JWT near expiry.

    Args:
        client_id: the OAuth app's id (``iss``).
        private_key: the app's RSA private key (PEM) or a ``cryptography`` key object.
        public_key_id: the id (fingerprint) of the matching public key (the JWT header ``kid``).
        base_url: the API host; ``aud`` is its host name unless ``audience`` is given.
        duration_seconds: lifetime asked for the access token (1..86399, default 900).
        session_name: isolates end users of one app (the ``session_name`` claim).
        scope: optional scope object (``account_permission``, ``attribute_constraint``).
        audience: the ``aud`` claim (default: the host name of ``base_url``, e.g. ``api.coze.cn``).
        jwt_ttl: validity of each signed JWT (seconds, default 600).
        skew: refresh this long before expiry (seconds).
        http_client: an ``httpx.AsyncClient`` for the token call (not closed here).
        timeout: timeout of each token call (seconds or ``httpx.Timeout``; default 30 s, 5 s to connect).
        clock: the wall clock in epoch seconds, read for ``iat``/``exp`` and token expiry (tests pass a fake one).

    Examples:
        ```python
        auth = JWTAuth(client_id="1234", private_key=PEM, public_key_id="kid1")
        async with AsyncCoze(auth=auth) as coze:
            await coze.users.me()
        ```
    """

    def __init__(
        self,
        *,
        client_id: str,
        private_key: Any,
        public_key_id: str,
        base_url: str = COZE_CN_BASE_URL,
        duration_seconds: int = DEFAULT_DURATION_SECONDS,
        session_name: str | None = None,
        scope: dict[str, Any] | None = None,
        audience: str | None = None,
        jwt_ttl: int = DEFAULT_JWT_TTL,
        skew: float = DEFAULT_SKEW,
        http_client: httpx.AsyncClient | None = None,
        timeout: float | httpx.Timeout | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not client_id:
            raise ValidationError("client_id is required")
        if not public_key_id:
            raise ValidationError("public_key_id is required (the JWT header kid)")
        if not 1 <= int(duration_seconds) <= MAX_DURATION_SECONDS:
            raise ValidationError(f"duration_seconds must be 1..{MAX_DURATION_SECONDS}, got {duration_seconds}")
        if jwt_ttl <= 0:
            raise ValidationError("jwt_ttl must be > 0")
        self.client_id = client_id
        self.public_key_id = public_key_id
        self.duration_seconds = int(duration_seconds)
        self.session_name = session_name
        self.scope = scope
        self.jwt_ttl = int(jwt_ttl)
        self.audience = audience or httpx.URL(base_url).host
        self._key = _load_private_key(private_key)
        self._http = TokenHTTP(base_url, http_client=http_client, timeout=timeout)
        super().__init__(self._exchange, None, skew=skew, clock=clock,
                         identity=f"jwt:{client_id}:{session_name or ''}")

    def sign_jwt(self) -> str:
        """A freshly signed JWT (new ``jti`` every time)."""
        with needs_extra("oauth", "JWT OAuth (JWTAuth)"):
            import jwt as pyjwt

        now = int(self._clock())
        claims: dict[str, Any] = {
            "iss": self.client_id,
            "aud": self.audience,
            "iat": now,
            "exp": now + self.jwt_ttl,
            "jti": secrets.token_hex(_JTI_BYTES),
        }
        if self.session_name:
            claims["session_name"] = self.session_name
        return pyjwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.public_key_id, "typ": "JWT"})

    async def fetch_token(self) -> TokenResponse:
        """Sign a JWT and exchange it for a new access token (no caching; ``get_token`` caches)."""
        body: dict[str, Any] = {"grant_type": JWT_GRANT_TYPE, "duration_seconds": self.duration_seconds}
        if self.scope is not None:
            body["scope"] = self.scope
        answer = await self._http.post(TOKEN_PATH, body, bearer=self.sign_jwt())
        return TokenResponse.from_body(answer, now=self._clock())

    async def _exchange(self, previous: TokenResponse | None) -> TokenResponse:
        # A JWT token cannot be refreshed (§3): the previous token is irrelevant.
        return await self.fetch_token()

    async def aclose(self) -> None:
        """Close the token HTTP client if it was created here."""
        await self._http.aclose()

    def __repr__(self) -> str:
        return (f"JWTAuth(client_id={self.client_id!r}, public_key_id={self.public_key_id!r}, "
                f"id={fingerprint(self._identity)})")
