"""Fixtures for the providers tests: the testing-kit fakes mounted on respx, and adapter configs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import respx

from coze_client.limits import get_plan
from coze_client.testing import FakeCoze, FakeEasyDL, FakeGPTBots, FakeXingchen

# Keys shaped like the real ones, so the redaction rules are exercised (never real credentials).
XINGCHEN_KEY = "lm-Zm9vYmFyYmF6cXV4c2VjcmV0=="
GPTBOTS_KEY = "app-q7Zk2mW9pL4xR8vT3nB6"
COZE_TOKEN = "pat_Q2h5VXc3YTJsSkZkR3NhS2V5"
EASYDL_KEY = "ak7f3c9e1b2d4a6f8e0c1b3d5a"
EASYDL_SECRET = "sk9d8c7b6a5f4e3d2c1b0a9f8e"
SECRETS = (XINGCHEN_KEY, GPTBOTS_KEY, COZE_TOKEN, EASYDL_KEY, EASYDL_SECRET)

# The Xingchen preset paces 1 request a second: tests that are not about pacing raise it.
FAST_XINGCHEN = get_plan("xingchen.default", {"limits": {"qps": 1000, "qpm": 100000}})


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    """One respx router for every fake of a test (several fakes can be installed on it)."""
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as mock:
        yield mock


@pytest.fixture
def fake_xingchen(router: respx.MockRouter) -> FakeXingchen:
    fake = FakeXingchen(replies=["Hello from Xingchen", "Once upon a time there was a cat"], keys=[XINGCHEN_KEY])
    fake.install(router)
    return fake


@pytest.fixture
def fake_gptbots(router: respx.MockRouter) -> FakeGPTBots:
    fake = FakeGPTBots(replies=["Hello from GPTBots", "Once upon a time there was a cat"], keys=[GPTBOTS_KEY])
    fake.install(router)
    return fake


@pytest.fixture
def fake_coze(router: respx.MockRouter) -> FakeCoze:
    fake = FakeCoze(tokens=[COZE_TOKEN])
    fake.bot("bot_1", replies=["Hello from Coze", "Once upon a time there was a cat"])
    fake.install(router)
    return fake


@pytest.fixture
def fake_easydl(router: respx.MockRouter) -> FakeEasyDL:
    services = {"flowers": ("image_classification_high_perf", 4), "parts": ("object_detection_high_perf", 5)}
    fake = FakeEasyDL(credentials={EASYDL_KEY: EASYDL_SECRET}, services=services)
    fake.install(router)
    return fake


def config(name: str) -> dict[str, Any]:
    """The one place the three chat providers differ in the app tests."""
    common: dict[str, Any] = {"ledger": "memory://"}
    if name == "coze":
        return {**common, "token": COZE_TOKEN, "bot_id": "bot_1"}
    if name == "xingchen":
        return {**common, "api_key": XINGCHEN_KEY, "character_id": "char_1", "plan": FAST_XINGCHEN}
    if name == "gptbots":
        return {**common, "api_key": GPTBOTS_KEY, "model": "gpt-4o-mini-128k"}
    raise AssertionError(name)
