"""Every OAuth flow against the fake token endpoint: JWT, web code, PKCE (S256 and plain), device code."""

from __future__ import annotations

import asyncio
import time

import jwt as pyjwt
import pytest

from coze_client.auth import (
    AccessDeniedError,
    DeviceCodeExpiredError,
    DeviceOAuthApp,
    JWTAuth,
    OAuthError,
    PKCEOAuthApp,
    TokenResponse,
    WebOAuthApp,
)
from coze_client.errors import AuthRefreshError, ValidationError

from .conftest import BASE, KeyPair, Services

REDIRECT = "https://app.example/callback"


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


# ---------------------------------------------------------------- JWT
async def test_jwt_signs_documented_claims_and_caches(services: Services, keypair: KeyPair) -> None:
    services.oauth.client("jwt_app", public_key=keypair.public_pem, kid="kid_1")
    auth = JWTAuth(client_id="jwt_app", private_key=keypair.private_pem, public_key_id="kid_1",
                   base_url=BASE, session_name="user-42")
    token = await auth.get_token()
    assert services.oauth.is_valid(token)
    assert await auth.get_token() == token  # cached: no second exchange
    assert services.oauth.grants["urn:ietf:params:oauth:grant-type:jwt-bearer"] == 1
    request = services.oauth.find("POST", "/api/permission/oauth2/token")[0]
    assert request.json == {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "duration_seconds": 900}
    assert request.headers["authorization"] == "REDACTED"

    signed = auth.sign_jwt()
    header = pyjwt.get_unverified_header(signed)
    assert header == {"alg": "RS256", "typ": "JWT", "kid": "kid_1"}
    claims = pyjwt.decode(signed, keypair.public_pem, algorithms=["RS256"], audience="api.coze.cn")
    assert claims["iss"] == "jwt_app" and claims["session_name"] == "user-42"
    assert len(claims["jti"].encode()) > 32
    assert claims["exp"] > claims["iat"]
    assert auth.sign_jwt() != signed  # new jti each time
    await auth.aclose()


async def test_jwt_signs_a_new_jwt_near_expiry(services: Services, keypair: KeyPair) -> None:
    clock = Clock()
    services.oauth.wall_clock = clock
    services.oauth.client("jwt_app", public_key=keypair.public_pem, kid="kid_1")
    auth = JWTAuth(client_id="jwt_app", private_key=keypair.private_pem, public_key_id="kid_1",
                   base_url=BASE, duration_seconds=900, skew=60, clock=clock)
    first = await auth.get_token()
    clock.now += 900 - 61  # still outside the skew margin
    assert await auth.get_token() == first
    clock.now += 2  # inside the 60 s margin: refresh before the server would refuse it
    second = await auth.get_token()
    assert second != first
    assert services.oauth.grants["urn:ietf:params:oauth:grant-type:jwt-bearer"] == 2
    assert len(services.oauth.jtis) == 2  # two distinct JWTs, no refresh token involved
    assert auth.token is not None and auth.token.refresh_token is None


async def test_jwt_short_token_skew_is_capped(services: Services, keypair: KeyPair) -> None:
    clock = Clock()
    services.oauth.wall_clock = clock
    services.oauth.client("jwt_app", public_key=keypair.public_pem, kid="kid_1")
    auth = JWTAuth(client_id="jwt_app", private_key=keypair.private_pem, public_key_id="kid_1",
                   base_url=BASE, duration_seconds=20, skew=60, clock=clock)
    first = await auth.get_token()
    clock.now += 10  # a 60 s skew would refresh on every call; the margin is a quarter of 20 s
    assert await auth.get_token() == first
    clock.now += 6
    assert await auth.get_token() != first


def test_jwt_validates_inputs(keypair: KeyPair) -> None:
    with pytest.raises(ValidationError, match="duration_seconds"):
        JWTAuth(client_id="a", private_key=keypair.private_pem, public_key_id="k", duration_seconds=86400)
    with pytest.raises(ValidationError, match="PEM") as info:
        JWTAuth(client_id="a", private_key="-----BEGIN PRIVATE KEY-----\nnot a key\n", public_key_id="k")
    assert "not a key" not in str(info.value)


async def test_jwt_wrong_key_is_a_typed_error(services: Services, keypair: KeyPair) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    services.oauth.client("jwt_app", public_key=keypair.public_pem, kid="kid_1")
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    auth = JWTAuth(client_id="jwt_app", private_key=other, public_key_id="kid_1", base_url=BASE)
    with pytest.raises(OAuthError) as info:
        await auth.get_token()
    assert info.value.error == "invalid_grant" and info.value.status_code == 401 and info.value.logid
    assert isinstance(info.value, AuthRefreshError)


# ---------------------------------------------------------------- web (code + secret)
async def test_web_code_exchange_and_refresh_rotation(services: Services) -> None:
    services.oauth.client("web_app", secret="web-secret-value-123")
    app = WebOAuthApp("web_app", "web-secret-value-123", base_url=BASE)
    url = app.authorize_url(REDIRECT, state="st8")
    assert url.startswith("https://www.coze.cn/api/permission/oauth2/authorize?response_type=code&client_id=web_app")
    assert "state=st8" in url
    token = await app.exchange_code(services.oauth.approve(url), REDIRECT)
    assert services.oauth.is_valid(token.access_token) and token.refresh_token
    assert token.expires_at > time.time() + 800  # expires_in is absolute: read as is
    rotated = await app.refresh(token.refresh_token)
    assert rotated.refresh_token != token.refresh_token
    with pytest.raises(OAuthError) as info:  # the old refresh token stopped working
        await app.refresh(token.refresh_token)
    assert info.value.error == "invalid_grant"
    assert "web-secret" not in repr(app)
    await app.aclose()


async def test_web_wrong_secret_and_reused_code(services: Services) -> None:
    services.oauth.client("web_app", secret="web-secret-value-123")
    good = WebOAuthApp("web_app", "web-secret-value-123", base_url=BASE)
    bad = WebOAuthApp("web_app", "wrong-secret-value-456", base_url=BASE)
    code = services.oauth.approve(good.authorize_url(REDIRECT))
    with pytest.raises(OAuthError) as info:
        await bad.exchange_code(code, REDIRECT)
    assert info.value.error == "invalid_client" and "wrong-secret" not in str(info.value)
    code = services.oauth.approve(good.authorize_url(REDIRECT))
    await good.exchange_code(code, REDIRECT)
    with pytest.raises(OAuthError, match="already used"):
        await good.exchange_code(code, REDIRECT)


async def test_web_provider_refreshes_itself(services: Services) -> None:
    clock = Clock()
    services.oauth.wall_clock = clock
    services.oauth.client("web_app", secret="web-secret-value-123")
    app = WebOAuthApp("web_app", "web-secret-value-123", base_url=BASE, clock=clock)
    token = await app.exchange_code(services.oauth.approve(app.authorize_url(REDIRECT)), REDIRECT)
    provider = app.token_provider(token)
    assert await provider.get_token() == token.access_token
    clock.now = token.expires_at - 10  # inside the skew margin
    fresh = await provider.get_token()
    assert fresh != token.access_token and services.oauth.refreshes == 1
    clock.now = provider.token.expires_at - 10 if provider.token else 0  # refresh again with the rotated token
    assert await provider.get_token() not in (fresh, token.access_token)
    assert services.oauth.refreshes == 2


# ---------------------------------------------------------------- PKCE
@pytest.mark.parametrize("method", ["S256", "plain"])
async def test_pkce_exchange(services: Services, method: str) -> None:
    services.oauth.client("pkce_app")
    app = PKCEOAuthApp("pkce_app", base_url=BASE)
    verifier = app.generate_code_verifier()
    url = app.authorize_url(REDIRECT, verifier, state="s", code_challenge_method=method)  # type: ignore[arg-type]
    assert f"code_challenge_method={method}" in url
    token = await app.exchange_code(services.oauth.approve(url), REDIRECT, verifier)
    assert services.oauth.is_valid(token.access_token)
    sent = services.oauth.find("POST", "/api/permission/oauth2/token")[-1].json
    assert sent["code_verifier"] == verifier and sent["grant_type"] == "authorization_code"
    assert (await app.refresh(token.refresh_token or "")).access_token != token.access_token


async def test_pkce_wrong_verifier_is_refused(services: Services) -> None:
    services.oauth.client("pkce_app")
    app = PKCEOAuthApp("pkce_app", base_url=BASE)
    url = app.authorize_url(REDIRECT, app.generate_code_verifier())
    with pytest.raises(OAuthError, match="code_verifier"):
        await app.exchange_code(services.oauth.approve(url), REDIRECT, app.generate_code_verifier())


def test_pkce_challenge_matches_rfc7636_example() -> None:
    # RFC 7636 appendix B.
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert PKCEOAuthApp.code_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    verifier = PKCEOAuthApp.generate_code_verifier(43)
    assert len(verifier) == 43 and set(verifier) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    with pytest.raises(ValidationError):
        PKCEOAuthApp.generate_code_verifier(20)


# ---------------------------------------------------------------- device code
async def test_device_pending_slow_down_then_token(services: Services) -> None:
    services.oauth.client("dev_app")
    services.oauth.script_device("authorization_pending", "slow_down", "authorization_pending", "approve")
    app = DeviceOAuthApp("dev_app", base_url=BASE)
    device = await app.request_device_code()
    assert device.interval == 0.01 and device.expires_in == 5.0
    assert device.verification_url.endswith(f"?user_code={device.user_code}")
    assert "dev_" not in repr(device)  # the device code is a credential: kept out of the repr
    intervals: list[float] = []
    ticks = 0

    async def ticker() -> None:  # proves the event loop keeps running while polling
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.005)

    tick_task = asyncio.create_task(ticker())
    token = await app.wait_for_token(device, slow_down_step=0.05, on_pending=intervals.append)
    tick_task.cancel()
    assert services.oauth.is_valid(token.access_token)
    assert intervals == [0.01, pytest.approx(0.06), pytest.approx(0.06)]  # slow_down grew the interval
    assert services.oauth.polls == 4
    assert ticks >= 5


async def test_device_default_slow_down_step_is_five_seconds(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.oauth.client("dev_app")
    services.oauth.script_device("slow_down", "approve")
    services.oauth.device_expires_in = 60.0
    slept: list[float] = []
    real_sleep = asyncio.sleep

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr("coze_client.auth.apps.asyncio.sleep", fake_sleep)
    app = DeviceOAuthApp("dev_app", base_url=BASE)
    await app.wait_for_token(await app.request_device_code())
    assert slept == [pytest.approx(5.01)]


@pytest.mark.parametrize(("answer", "error"), [("access_denied", AccessDeniedError),
                                                ("expired_token", DeviceCodeExpiredError)])
async def test_device_terminal_answers_are_typed(services: Services, answer: str, error: type[Exception]) -> None:
    services.oauth.client("dev_app")
    services.oauth.script_device("authorization_pending", answer)
    app = DeviceOAuthApp("dev_app", base_url=BASE)
    with pytest.raises(error) as info:
        await app.wait_for_token(await app.request_device_code())
    assert info.value.error == answer  # type: ignore[attr-defined]
    assert services.oauth.polls == 2


async def test_device_code_expires_locally(services: Services) -> None:
    services.oauth.client("dev_app")
    services.oauth.device_expires_in = 0.08
    services.oauth.script_device(*["authorization_pending"] * 100)
    app = DeviceOAuthApp("dev_app", base_url=BASE)
    started = time.monotonic()
    with pytest.raises(DeviceCodeExpiredError):
        await app.wait_for_token(await app.request_device_code())
    assert time.monotonic() - started < 1.0
    assert 1 <= services.oauth.polls <= 10  # the code expired after 80 ms, whatever the machine's load


async def test_device_provider_refreshes(services: Services) -> None:
    services.oauth.client("dev_app")
    app = DeviceOAuthApp("dev_app", base_url=BASE)
    token = await app.wait_for_token(await app.request_device_code())
    provider = app.token_provider(token)
    provider.invalidate()  # as the corridor does after a 4100
    assert await provider.get_token() != token.access_token
    assert services.oauth.refreshes == 1


# ---------------------------------------------------------------- token parsing
def test_expires_in_is_absolute() -> None:
    token = TokenResponse.from_body({"access_token": "czu_x", "expires_in": 1_900_000_900}, now=1_900_000_000)
    assert token.expires_at == 1_900_000_900 and token.lifetime == 900
    # A duration-shaped value (older than 2001) can only be relative: read it as a duration.
    token = TokenResponse.from_body({"access_token": "czu_x", "expires_in": 900}, now=1_900_000_000)
    assert token.expires_at == 1_900_000_900
    with pytest.raises(AuthRefreshError):
        TokenResponse.from_body({"expires_in": 1}, now=0)


@pytest.mark.parametrize("body", [{"error_message": "client secret mismatch"},
                                  {"error_message": "client secret mismatch", "data": {"access_token": "t"}}])
async def test_token_answer_with_only_error_message_is_refused(body: dict[str, object]) -> None:
    import httpx
    import respx

    from coze_client.auth._errors import OAuthError
    from coze_client.auth._http import TOKEN_PATH, TokenHTTP

    with respx.mock(base_url="https://api.example.test") as router:
        router.post(TOKEN_PATH).mock(return_value=httpx.Response(200, json=body))
        with pytest.raises(OAuthError, match="client secret mismatch"):
            await TokenHTTP("https://api.example.test").post(TOKEN_PATH, {"grant_type": "x"})
