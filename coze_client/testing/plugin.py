"""pytest plugin (entry point ``pytest11`` named ``coze_client``): isolation, fake servers, clients, virtual time.

This module is imported by every pytest run in any environment where coze-client is installed, so it
imports nothing beyond pytest at module level: the fakes, respx, uvicorn and looptime are imported
inside the fixtures.

**Isolation** (every test, autouse fixture ``coze_state_dir``): the test gets its own state directory
(``COZE_CLIENT_STATE_DIR``, so a client's default sqlite ledger is fresh and never the user's real one),
every other ``COZE_*``, ``XINGCHEN_*``, ``GPTBOTS_*`` and ``EASYDL_*`` variable is removed, so no real
token, plan or base URL leaks in (pass ``token=`` explicitly, or use ``make_coze``). Opt out with
``coze_isolation = false`` in the pytest ini settings, or per test with ``@pytest.mark.coze_real_env``.

**Fakes**, each fresh per test and configured by the marker of the same name
(``@pytest.mark.fake_coze(plan="coze.personal_free", latency=0.2)``): ``fake_coze``, ``fake_xingchen``,
``fake_gptbots``, ``fake_easydl``, ``fake_oauth`` (respx-mounted), ``fake_realtime`` (a WebSocket
server on loopback) and ``coze_loopback`` (a ``FakeCoze`` on a loopback HTTP port). Marker keywords
are the fake's constructor arguments plus ``latency``, ``stream_interval`` and ``faults`` (see
`configure`) and ``setup`` (a function called with the fake).

**Clients**: ``make_coze(**kwargs)`` builds an ``AsyncCoze`` for the test (token ``pat_test``, a fresh
``memory://`` ledger, a limiter on the test's clock), closed after the test.

**Time**: ``coze_clock`` turns on virtual time for the test (the event loop jumps over sleeps and
waits; ``looptime``) and is the clock the fakes and ``make_coze`` clients share.

Examples:
    ```python
    @pytest.mark.fake_coze(plan="coze.personal_free")
    async def test_reply(fake_coze, make_coze):
        fake_coze.bot("bot_1", replies=["hello"])
        coze = make_coze()
        ...
        assert fake_coze.stats.max_over_limit == 0
    ```
"""

from __future__ import annotations

import inspect
import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import needs_extra

with needs_extra("testing", "The pytest plugin"):
    import pytest

try:  # pytest-asyncio runs these async fixtures in its strict mode too (it is loaded already when installed)
    from pytest_asyncio import fixture as _async_fixture
except ImportError:  # pragma: no cover - without pytest-asyncio an async test framework of your choice runs them
    _async_fixture = pytest.fixture  # type: ignore[assignment]

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .._client import AsyncCoze
    from .clock import LoopTimeClock
    from .coze import FakeCoze
    from .easydl import FakeEasyDL
    from .fake_oauth import FakeOAuth
    from .fake_realtime import FakeRealtime
    from .gptbots import FakeGPTBots
    from .loopback import LoopbackServer
    from .xingchen import FakeXingchen

__all__ = ["ENV_PREFIXES", "FAKE_FIXTURES"]

#: Environment variables with these prefixes are removed for every test (the client and the provider
#: adapters read only variables named so).
ENV_PREFIXES = ("COZE_", "XINGCHEN_", "GPTBOTS_", "EASYDL_")
#: The fixtures whose marker of the same name configures them.
FAKE_FIXTURES = (
    "fake_coze",
    "fake_xingchen",
    "fake_gptbots",
    "fake_easydl",
    "fake_oauth",
    "fake_realtime",
    "coze_loopback",
)
_INI = "coze_isolation"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ini option that turns the per-test isolation off (pytest hook).

    Args:
        parser: pytest's option parser.
    """
    parser.addini(
        _INI,
        type="bool",
        default=True,
        help="coze-client: give every test its own state directory and placeholder credentials (default true).",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the plugin's markers (pytest hook).

    Args:
        config: pytest's configuration.
    """
    config.addinivalue_line(
        "markers", "coze_real_env: coze-client: keep the real environment and state directory for this test."
    )
    for name in FAKE_FIXTURES:
        config.addinivalue_line(
            "markers",
            f"{name}(**options): coze-client: configure the {name} fixture "
            "(plan, limits, quotas, latency, stream_interval, faults, setup, constructor arguments).",
        )


# -- isolation --------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def coze_state_dir(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Path | None:
    """This test's own coze-client state directory (``COZE_CLIENT_STATE_DIR``); None when opted out.

    Also removes every other ``COZE_*``/``XINGCHEN_*``/``GPTBOTS_*``/``EASYDL_*`` variable, so nothing
    real (token, plan, base URL, ledger) reaches the test. Everything is restored after the test.

    Args:
        request: pytest's request for the test (the ini option and the ``coze_real_env`` marker opt out).
        monkeypatch: pytest's monkeypatch, which restores the environment after the test.
        tmp_path_factory: pytest's factory of the per-test state directory.
    """
    if not request.config.getini(_INI) or request.node.get_closest_marker("coze_real_env") is not None:
        return None
    for key in list(os.environ):
        if key.startswith(ENV_PREFIXES):
            monkeypatch.delenv(key)
    state = tmp_path_factory.mktemp("coze-state", numbered=True)
    monkeypatch.setenv("COZE_CLIENT_STATE_DIR", str(state))
    return state


# -- building the fakes -----------------------------------------------------------------------


def _options(request: pytest.FixtureRequest, name: str) -> dict[str, Any]:
    options: dict[str, Any] = {}
    # Outer markers first (module, class), so a test's own marker wins.
    for marker in reversed(list(request.node.iter_markers(name))):
        if marker.args:
            raise pytest.UsageError(f"@pytest.mark.{name} takes keyword arguments only, got {marker.args!r}")
        options.update(marker.kwargs)
    return options


def _build(cls: Any, options: dict[str, Any], clock: LoopTimeClock) -> Any:
    """``cls`` built from marker ``options``: constructor arguments first, then ``configure`` for the rest."""
    options = dict(options)
    setup: Callable[[Any], object] | None = options.pop("setup", None)
    accepted = inspect.signature(cls.__init__).parameters
    if "clock" in accepted:
        options.setdefault("clock", clock)
    if "wall_clock" in accepted:
        options.setdefault("wall_clock", clock.wall)
    ctor = {k: v for k, v in options.items() if k in accepted}
    rest = {k: v for k, v in options.items() if k not in accepted}
    fake = cls(**ctor)
    if "clock" not in accepted and hasattr(fake, "clock"):
        fake.clock = clock  # before configure() builds an enforcer on it (FakeOAuth takes no clock argument)
    if rest:
        configure = getattr(fake, "configure", None)
        allowed = set(inspect.signature(configure).parameters) if configure is not None else set()
        unknown = sorted(set(rest) - allowed)
        if unknown:
            raise pytest.UsageError(f"{cls.__name__} does not take {', '.join(unknown)} (marker options)")
        assert configure is not None
        configure(**rest)
    if setup is not None:
        setup(fake)
    return fake


@pytest.fixture
def _coze_test_clock() -> LoopTimeClock:
    from .clock import LoopTimeClock

    return LoopTimeClock()


def _fake(request: pytest.FixtureRequest, name: str, cls: Any) -> Iterator[Any]:
    fake = _build(cls, _options(request, name), request.getfixturevalue("_coze_test_clock"))
    with fake.mock():
        yield fake


@pytest.fixture
def fake_coze(request: pytest.FixtureRequest) -> Iterator[FakeCoze]:
    """A fresh `FakeCoze` mounted on respx (``https://api.coze.cn``, ``https://api.coze.com``).

    Configure it with ``@pytest.mark.fake_coze(plan=..., latency=..., faults=[...], ...)``.

    Args:
        request: pytest's request for the test (its ``fake_coze`` marker gives the options).
    """
    from .coze import FakeCoze

    yield from _fake(request, "fake_coze", FakeCoze)


@pytest.fixture
def fake_xingchen(request: pytest.FixtureRequest) -> Iterator[FakeXingchen]:
    """A fresh `FakeXingchen` mounted on respx (``https://nlp.aliyuncs.com``); marker ``fake_xingchen``.

    Args:
        request: pytest's request for the test (its ``fake_xingchen`` marker gives the options).
    """
    from .xingchen import FakeXingchen

    yield from _fake(request, "fake_xingchen", FakeXingchen)


@pytest.fixture
def fake_gptbots(request: pytest.FixtureRequest) -> Iterator[FakeGPTBots]:
    """A fresh `FakeGPTBots` mounted on respx (``https://api.gptbots.ai`` and regional hosts).

    Args:
        request: pytest's request for the test (its ``fake_gptbots`` marker gives the options).
    """
    from .gptbots import FakeGPTBots

    yield from _fake(request, "fake_gptbots", FakeGPTBots)


@pytest.fixture
def fake_easydl(request: pytest.FixtureRequest) -> Iterator[FakeEasyDL]:
    """A fresh `FakeEasyDL` mounted on respx (``https://aip.baidubce.com``); marker ``fake_easydl``.

    Args:
        request: pytest's request for the test (its ``fake_easydl`` marker gives the options).
    """
    from .easydl import FakeEasyDL

    yield from _fake(request, "fake_easydl", FakeEasyDL)


@pytest.fixture
def fake_oauth(request: pytest.FixtureRequest) -> Iterator[FakeOAuth]:
    """A fresh `FakeOAuth` mounted on respx (the OAuth token and device-code endpoints).

    When the test also uses ``fake_coze``, the two are linked (``api=fake_coze``): the API then accepts
    exactly the access tokens this fake issued and still considers valid. ``api=None`` in the marker
    keeps them apart.

    Args:
        request: pytest's request for the test (its ``fake_oauth`` marker gives the options).
    """
    from .fake_oauth import FakeOAuth

    options = _options(request, "fake_oauth")
    if "api" not in options and "fake_coze" in request.fixturenames:
        options["api"] = request.getfixturevalue("fake_coze")
    fake = _build(FakeOAuth, options, request.getfixturevalue("_coze_test_clock"))
    with fake.mock():
        yield fake


@_async_fixture
async def fake_realtime(request: pytest.FixtureRequest) -> AsyncIterator[FakeRealtime]:
    """A started `FakeRealtime` WebSocket server on 127.0.0.1 (``fake_realtime.base_url``).

    Marker ``fake_realtime``: its constructor arguments, ``latency`` / ``stream_interval`` (seconds before
    every server frame), ``faults`` (`RealtimeFault` records)
    and ``setup``.

    Args:
        request: pytest's request for the test (its ``fake_realtime`` marker gives the options).
    """
    from .fake_realtime import FakeRealtime

    options = _options(request, "fake_realtime")
    delays = [options.pop(key) for key in ("latency", "stream_interval") if options.get(key) is not None]
    if delays:
        options.setdefault("frame_delay", max(delays))
    faults = list(options.pop("faults", ()))
    setup = options.pop("setup", None)
    for key in ("plan", "limits", "quotas"):
        if key in options:
            raise pytest.UsageError(f"FakeRealtime enforces no plan: remove {key}= from @pytest.mark.fake_realtime")
    fake = FakeRealtime(**options)
    fake.faults.extend(faults)
    if setup is not None:
        setup(fake)
    async with fake:
        yield fake


@pytest.fixture
def coze_loopback(request: pytest.FixtureRequest) -> Iterator[LoopbackServer]:
    """A started `LoopbackServer` around a fresh `FakeCoze` on 127.0.0.1; marker ``coze_loopback``.

    Args:
        request: pytest's request for the test (its ``coze_loopback`` marker gives the options).
    """
    from .coze import FakeCoze
    from .loopback import LoopbackServer

    server = LoopbackServer(_build(FakeCoze, _options(request, "coze_loopback"), _real_clock())).start()
    try:
        yield server
    finally:
        server.stop()


def _real_clock() -> LoopTimeClock:
    from .clock import LoopTimeClock

    return LoopTimeClock()  # on the server's own thread, it reads that thread's loop: real time


# -- clients and time -------------------------------------------------------------------------


@_async_fixture
async def coze_clock(_coze_test_clock: LoopTimeClock) -> AsyncIterator[LoopTimeClock]:
    """Virtual time for this test: the clock the fakes and ``make_coze`` clients share.

    While the test runs, the event loop jumps over every wait (``asyncio.sleep``, limiter waits,
    retry back-off, fake latency), so minutes of paced traffic take milliseconds; ``coze_clock.now()``
    reads the virtual seconds. Real I/O (loopback sockets, threads) still takes real time.
    """
    from .clock import virtual_time

    with virtual_time():
        yield _coze_test_clock


@_async_fixture
async def make_coze(_coze_test_clock: LoopTimeClock) -> AsyncIterator[Callable[..., AsyncCoze]]:
    """A factory of `AsyncCoze` clients for this test, closed after it.

    Defaults: ``token="pat_test"``, a fresh ``ledger="memory://"``, and (unless ``limiter=`` is given) an
    in-memory limiter for ``plan`` on the test's clock, so pacing follows ``coze_clock``. Any other
    argument is passed on (``plan``, ``base_url``, ``max_retries`` ...).
    """
    from .. import AsyncCoze
    from .._client import DEFAULT_PLAN
    from ..limits import MemoryLimiter, get_plan

    made: list[AsyncCoze] = []
    limiters: list[MemoryLimiter] = []  # passed in as instances, so the clients leave them to us

    def factory(**kwargs: Any) -> AsyncCoze:
        kwargs.setdefault("token", "pat_test")
        kwargs.setdefault("ledger", "memory://")
        if "limiter" not in kwargs:
            plan = kwargs.get("plan", os.environ.get("COZE_PLAN") or DEFAULT_PLAN)
            if plan is not None:
                limiter = MemoryLimiter(get_plan(plan), clock=_coze_test_clock)
                limiters.append(limiter)
                kwargs["limiter"] = limiter
        client = AsyncCoze(**kwargs)
        made.append(client)
        return client

    try:
        yield factory
    finally:
        for client in made:
            await client.aclose()
        for limiter in limiters:
            await limiter.aclose()
