"""Tokens, secrets, refresh tokens, device codes and private keys never reach logs, reprs or errors."""

from __future__ import annotations

import logging

import pytest

from coze_client import AsyncCoze
from coze_client.auth import DeviceOAuthApp, JWTAuth, OAuthError, WebOAuthApp

from .conftest import BASE, KeyPair, Services

SECRET = "web-secret-value-123"


async def test_no_secret_in_logs_reprs_or_errors(services: Services, keypair: KeyPair,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    services.oauth.client("web_app", secret=SECRET)
    services.oauth.client("jwt_app", public_key=keypair.public_pem, kid="kid_1")
    services.oauth.client("dev_app")
    web = WebOAuthApp("web_app", SECRET, base_url=BASE)
    token = await web.exchange_code(services.oauth.approve(web.authorize_url("https://x/cb")), "https://x/cb")
    provider = web.token_provider(token)
    provider.invalidate()
    await provider.get_token()
    jwt_auth = JWTAuth(client_id="jwt_app", private_key=keypair.private_pem, public_key_id="kid_1", base_url=BASE)
    device_app = DeviceOAuthApp("dev_app", base_url=BASE)
    device = await device_app.request_device_code()
    async with AsyncCoze(auth=jwt_auth, base_url=BASE, plan=None, ledger="memory://") as coze:
        await coze.conversations.create()
        client_repr = repr(coze)
    services.oauth.fail_next(1, status=400, error="invalid_grant")
    with pytest.raises(OAuthError) as info:
        await web.refresh(provider.token.refresh_token if provider.token else "")

    secrets = [SECRET, token.access_token, token.refresh_token or "", device.device_code,
               keypair.private_pem.splitlines()[1], *services.oauth.access_tokens, *services.oauth.refresh_tokens]
    assert provider.token is not None and jwt_auth.token is not None
    secrets += [provider.token.access_token, jwt_auth.token.access_token]
    shown = "\n".join([caplog.text, repr(web), repr(provider), repr(token), repr(provider.token), repr(jwt_auth),
                       repr(jwt_auth.token), repr(device), repr(device_app), str(info.value), client_repr])
    for secret in secrets:
        assert secret and secret not in shown
    assert "refresh_token=set" in repr(token)  # says there is one, without showing it
