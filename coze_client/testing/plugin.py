"""pytest plugin (entry point ``pytest11`` named ``coze_client``): fixtures with fresh fake servers.

This module is imported by every pytest run in any environment where coze-client is installed, so it
imports nothing beyond pytest at module level: the fakes, respx and uvicorn are imported inside the
fixtures. Fixtures:

- ``fake_coze``: a `FakeCoze` mounted on respx (``https://api.coze.cn``
  and ``https://api.coze.com``), so any httpx client in the test talks to it without sockets.
- ``fake_xingchen``, ``fake_gptbots``, ``fake_easydl``: the same for the other providers.
- ``fake_oauth``: a `FakeOAuth` (token and device-code endpoints) on respx.
- ``fake_realtime``: a started `FakeRealtime` WebSocket server on loopback
  (needs the ``realtime`` extra).
- ``coze_loopback``: a `LoopbackServer` running a fresh ``FakeCoze`` on
  127.0.0.1 (``coze_loopback.base_url``, ``coze_loopback.fake``), for sync clients and subprocesses.

Examples:
    ```python
    async def test_reply(fake_coze):
        fake_coze.bot("bot_1", replies=["hello"])
        ...  # call the API with any httpx-based client
        assert fake_coze.stats.max_over_limit == 0
    ```
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

from ..errors import needs_extra

with needs_extra("testing", "The pytest plugin"):
    import pytest

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .coze import FakeCoze
    from .easydl import FakeEasyDL
    from .fake_oauth import FakeOAuth
    from .fake_realtime import FakeRealtime
    from .gptbots import FakeGPTBots
    from .loopback import LoopbackServer
    from .xingchen import FakeXingchen


def _mounted(fake: Any) -> Iterator[Any]:
    with fake.mock():
        yield fake


@pytest.fixture
def fake_coze() -> Iterator[FakeCoze]:
    """A fresh `FakeCoze` mounted on respx for the test's duration."""
    from .coze import FakeCoze

    yield from _mounted(FakeCoze())


@pytest.fixture
def fake_xingchen() -> Iterator[FakeXingchen]:
    """A fresh `FakeXingchen` mounted on respx (``https://nlp.aliyuncs.com``)."""
    from .xingchen import FakeXingchen

    yield from _mounted(FakeXingchen())


@pytest.fixture
def fake_gptbots() -> Iterator[FakeGPTBots]:
    """A fresh `FakeGPTBots` mounted on respx (``https://api.gptbots.ai`` and regional hosts)."""
    from .gptbots import FakeGPTBots

    yield from _mounted(FakeGPTBots())


@pytest.fixture
def fake_easydl() -> Iterator[FakeEasyDL]:
    """A fresh `FakeEasyDL` mounted on respx (``https://aip.baidubce.com``)."""
    from .easydl import FakeEasyDL

    yield from _mounted(FakeEasyDL())


@pytest.fixture
def coze_loopback() -> Iterator[LoopbackServer]:
    """A started `LoopbackServer` around a fresh `FakeCoze` on 127.0.0.1."""
    from .coze import FakeCoze
    from .loopback import LoopbackServer

    server = LoopbackServer(FakeCoze()).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_oauth() -> Iterator[FakeOAuth]:
    """A fresh `FakeOAuth` mounted on respx (the OAuth token and device-code endpoints)."""
    from .fake_oauth import FakeOAuth

    fake = FakeOAuth()
    with fake.mock():
        yield fake


@pytest.fixture
async def fake_realtime() -> AsyncIterator[FakeRealtime]:
    """A started `FakeRealtime` WebSocket server on 127.0.0.1 (``fake_realtime.base_url``)."""
    from .fake_realtime import FakeRealtime

    async with FakeRealtime() as fake:
        yield fake
