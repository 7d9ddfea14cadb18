"""Single flight through ``AsyncCoze``: 100 concurrent calls that find the token expired (locally, or
rejected by the API with 4100) cause exactly one refresh; a failed refresh is typed and retried later."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from coze_client import AsyncCoze
from coze_client._secrets import fingerprint
from coze_client.auth import JWTAuth, OAuthToken, WebOAuthApp
from coze_client.errors import AuthRefreshError

from .conftest import BASE, KeyPair, Services

REDIRECT = "https://app.example/callback"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


Factory = Callable[[Services, Clock], Awaitable[OAuthToken]]


async def web_provider(services: Services, clock: Clock) -> OAuthToken:
    services.oauth.client("web_app", secret="web-secret-value-123")
    app = WebOAuthApp("web_app", "web-secret-value-123", base_url=BASE, clock=clock)
    token = await app.exchange_code(services.oauth.approve(app.authorize_url(REDIRECT)), REDIRECT)
    return app.token_provider(token)


def jwt_factory(keypair: KeyPair) -> Factory:
    async def make(services: Services, clock: Clock) -> OAuthToken:
        services.oauth.client("jwt_app", public_key=keypair.public_pem, kid="kid_1")
        auth = JWTAuth(client_id="jwt_app", private_key=keypair.private_pem, public_key_id="kid_1",
                       base_url=BASE, clock=clock)
        await auth.get_token()
        return auth

    return make


@pytest.fixture(params=["web", "jwt"])
def make_provider(request: pytest.FixtureRequest, keypair: KeyPair) -> Factory:
    return web_provider if request.param == "web" else jwt_factory(keypair)


@pytest.fixture
def clock(services: Services) -> Clock:
    clock = Clock()
    services.oauth.wall_clock = clock
    return clock


async def _client(provider: OAuthToken) -> AsyncIterator[AsyncCoze]:
    async with AsyncCoze(auth=provider, base_url=BASE, plan=None, ledger="memory://") as coze:
        yield coze


def _refresh_count(services: Services) -> int:
    return services.oauth.grants["refresh_token"] + services.oauth.grants[JWT_GRANT]


async def test_100_calls_with_a_locally_expired_token_refresh_once(
    services: Services, clock: Clock, make_provider: Factory
) -> None:
    provider = await make_provider(services, clock)
    before = _refresh_count(services)
    refreshes = provider.refreshes
    old = provider.token
    assert old is not None
    clock.now = old.expires_at + 1  # expired for the client
    services.oauth.faults.latency(0.05, path="/api/permission/oauth2/token")  # a slow refresh: all 100 overlap
    async for coze in _client(provider):
        results = await asyncio.gather(*(coze.conversations.create() for _ in range(100)))
    assert len(results) == 100
    assert _refresh_count(services) - before == 1
    assert provider.refreshes - refreshes == 1
    new = provider.token
    assert new is not None and new.access_token != old.access_token
    used = {r.token_fingerprint for r in services.api.find("POST", "/v1/conversation/create")}
    assert used == {fingerprint(new.access_token)}


async def test_100_calls_rejected_with_4100_refresh_once(
    services: Services, clock: Clock, make_provider: Factory
) -> None:
    provider = await make_provider(services, clock)
    before = _refresh_count(services)
    async for coze in _client(provider):
        await coze.conversations.create()
        services.oauth.expire_tokens()  # the service stops accepting the token before its expiry
        # Slow answers, so all 100 requests are in flight with the old token before any 4100 comes back.
        services.api.faults.latency(0.05, path="/v1/conversation/create", times=100)
        results = await asyncio.gather(*(coze.conversations.create() for _ in range(100)))
    assert len(results) == 100
    assert _refresh_count(services) - before == 1
    rejected = [r for r in services.api.find("POST", "/v1/conversation/create") if r.code == 4100]
    assert len(rejected) == 100  # each call was refused once, then retried once with the new token


async def test_failed_refresh_is_typed_then_the_next_call_refreshes(
    services: Services, clock: Clock, make_provider: Factory
) -> None:
    provider = await make_provider(services, clock)
    before = _refresh_count(services)
    refreshes = provider.refreshes
    assert provider.token is not None
    clock.now = provider.token.expires_at + 1
    services.oauth.fail_next(1, status=503, error="server_error")
    async for coze in _client(provider):
        outcomes = await asyncio.gather(*(coze.conversations.create() for _ in range(20)), return_exceptions=True)
        assert all(isinstance(o, AuthRefreshError) for o in outcomes)
        assert _refresh_count(services) - before == 1  # 20 callers shared one failed attempt
        assert services.api.find("POST", "/v1/conversation/create") == []  # nothing was sent with a stale token
        await coze.conversations.create()  # the next call tries again, and succeeds
    assert _refresh_count(services) - before == 2
    assert provider.failures == 1 and provider.refreshes - refreshes == 1


async def test_cancelled_waiter_does_not_cancel_the_shared_refresh(services: Services, clock: Clock) -> None:
    provider = await web_provider(services, clock)
    assert provider.token is not None
    clock.now = provider.token.expires_at + 1
    services.oauth.faults.latency(0.05, path="/api/permission/oauth2/token")
    first = asyncio.create_task(provider.get_token())
    second = asyncio.create_task(provider.get_token())
    await asyncio.sleep(0.01)
    first.cancel()
    token = await second
    assert services.oauth.is_valid(token) and services.oauth.refreshes == 1
    with pytest.raises(asyncio.CancelledError):
        await first
