"""``coze-client fake-server``: a real process serving a fake on a loopback port."""

from __future__ import annotations

import signal
import subprocess
import sys

import httpx
import pytest

from coze_client.cli.fake_server import build_fake
from coze_client.testing import FakeCoze, FakeEasyDL


def test_build_fake_checks_provider_and_plan() -> None:
    fake = build_fake("coze", "coze.personal_free", tokens=["pat_a"])
    assert isinstance(fake, FakeCoze) and fake.tokens == {"pat_a"} and fake.enforcer is not None
    assert isinstance(build_fake("easydl", "easydl.free"), FakeEasyDL)
    with pytest.raises(ValueError, match="unknown provider"):
        build_fake("openai")
    with pytest.raises(ValueError, match="not a coze plan"):
        build_fake("coze", "xingchen.default")


def test_cli_serves_until_interrupted() -> None:
    code = "from coze_client.cli.app import main; main()"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            code,
            "fake-server",
            "--provider",
            "coze",
            "--plan",
            "coze.personal_free",
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("fake coze server on http://127.0.0.1:"), first + (
            proc.stderr.read() if proc.stderr else ""
        )
        base_url = first.split(" on ", 1)[1].split(" ", 1)[0]
        me = httpx.get(base_url + "/v1/users/me", headers={"Authorization": "Bearer pat_cli"}, timeout=10)
        assert me.json()["code"] == 0 and me.headers["x-tt-logid"]
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "served 1 requests, 0 rejected" in out, out + err
