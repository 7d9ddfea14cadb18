"""A real redis-server for the session (no mocked Redis); each test gets its own key prefix."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from redis_helpers import REDIS_SERVER, RedisServer

_MISSING = "redis-server binary not found: install it (apt-get install redis-server) to run the Redis backend tests"


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    if REDIS_SERVER is None:  # pragma: no cover - CI installs Debian's redis-server
        pytest.skip(_MISSING)
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    return redis_server.url


@pytest.fixture
def prefix() -> str:
    """A fresh namespace per test, so tests never see each other's keys."""
    return f"t-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def own_server() -> Iterator[RedisServer]:
    """A server this test may stop and restart (append-only file: counts survive the restart)."""
    if REDIS_SERVER is None:  # pragma: no cover
        pytest.skip(_MISSING)
    server = RedisServer(appendonly=True).start()
    try:
        yield server
    finally:
        server.cleanup()
