"""The plugin's OAuth and realtime fixtures work as documented."""

from __future__ import annotations

import httpx

from coze_client.testing import FakeOAuth, FakeRealtime


async def test_fake_oauth_fixture_answers_the_token_endpoint(fake_oauth: FakeOAuth) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post("https://api.coze.cn/api/permission/oauth2/token", json={"grant_type": "nope"})
    assert response.status_code >= 400
    assert fake_oauth.requests and fake_oauth.requests[0].path == "/api/permission/oauth2/token"


async def test_fake_realtime_fixture_is_started(fake_realtime: FakeRealtime) -> None:
    assert fake_realtime.base_url.startswith("http://127.0.0.1:")
