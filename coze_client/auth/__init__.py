"""OAuth token providers for ``AsyncCoze(auth=...)``: JWT (server-to-server), web code, PKCE, device code.

Every provider refreshes its token shortly before expiry, runs one refresh however many calls need
it at once (single flight), and keeps tokens, secrets and private keys out of logs, reprs and errors.

Examples:
    ```python
    from coze_client.auth import PKCEOAuthApp
    app = PKCEOAuthApp("my-client-id")
    verifier = app.generate_code_verifier()
    url = app.authorize_url("https://example.com/callback", verifier, state="s1")
    url.startswith("https://www.coze.cn/api/permission/oauth2/authorize?")
    # True
    ```
"""

from ._errors import (
    AccessDeniedError,
    AuthorizationPendingError,
    DeviceCodeExpiredError,
    OAuthError,
    SlowDownError,
)
from ._token import DEFAULT_SKEW, OAuthToken, TokenResponse
from .apps import DeviceCode, DeviceOAuthApp, OAuthApp, PKCEOAuthApp, WebOAuthApp, www_base_for
from .jwt import JWTAuth

__all__ = [
    "DEFAULT_SKEW",
    "AccessDeniedError",
    "AuthorizationPendingError",
    "DeviceCode",
    "DeviceCodeExpiredError",
    "DeviceOAuthApp",
    "JWTAuth",
    "OAuthApp",
    "OAuthError",
    "OAuthToken",
    "PKCEOAuthApp",
    "SlowDownError",
    "TokenResponse",
    "WebOAuthApp",
    "www_base_for",
]
