"""``coze-client fake-server``: a real process serving a fake on a loopback port."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import httpx
import pytest

from coze_client.cli.fake_server import build_fake, fake_server
from coze_client.testing import FakeCoze, FakeEasyDL


def test_build_fake_checks_provider_and_plan() -> None:
    fake = build_fake("coze", "coze.personal_free", tokens=["pat_a"])
    assert isinstance(fake, FakeCoze) and fake.tokens == {"pat_a"} and fake.enforcer is not None
    assert isinstance(build_fake("easydl", "easydl.free"), FakeEasyDL)
    with pytest.raises(ValueError, match="unknown provider"):
        build_fake("openai")
    with pytest.raises(ValueError, match="not a coze plan"):
        build_fake("coze", "xingchen.default")


def _start(*options: str) -> tuple[subprocess.Popen[str], str]:
    code = "from coze_client.cli.app import main; main()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "fake-server", "--provider", "coze", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()
    if not first.startswith("fake coze server on http://127.0.0.1:"):
        proc.kill()
        raise AssertionError(first + (proc.stderr.read() if proc.stderr else ""))
    return proc, first


def _stop(proc: subprocess.Popen[str], sig: signal.Signals) -> tuple[str, str]:
    try:
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    return out, err


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_cli_serves_until_interrupted_and_prints_its_summary(sig: signal.Signals) -> None:
    proc, first = _start("--plan", "coze.personal_free")
    base_url = first.split(" on ", 1)[1].split(" ", 1)[0]
    me = httpx.get(base_url + "/v1/users/me", headers={"Authorization": "Bearer pat_cli"}, timeout=10)
    assert me.json()["code"] == 0 and me.headers["x-tt-logid"]
    out, err = _stop(proc, sig)
    assert "served 1 requests, 0 rejected" in out, out + err
    assert proc.returncode == 0, err


@pytest.mark.slow
def test_cli_latency_and_stream_interval() -> None:
    proc, first = _start("--latency", "0.3", "--stream-interval", "0.05")
    assert "latency 0.3 s, stream interval 0.05 s" in first
    base_url = first.split(" on ", 1)[1].split(" ", 1)[0]
    try:
        started = time.monotonic()
        me = httpx.get(base_url + "/v1/users/me", headers={"Authorization": "Bearer pat_cli"}, timeout=10)
        assert me.status_code == 200 and time.monotonic() - started >= 0.3
        body = {"bot_id": "b1", "user_id": "u1", "stream": True, "additional_messages": [
            {"role": "user", "content": "one two three", "content_type": "text"}
        ]}
        chunks = 0
        started = time.monotonic()
        with httpx.stream(
            "POST", base_url + "/v3/chat", json=body, headers={"Authorization": "Bearer pat_cli"}, timeout=10
        ) as stream:
            for _ in stream.iter_lines():
                chunks += 1
        elapsed = time.monotonic() - started
        # 0.3 s before the headers, then 0.05 s before each of the stream's events (a dozen lines or more).
        assert chunks >= 8 and elapsed >= 0.3 + 0.2, (chunks, elapsed)
    finally:
        out, err = _stop(proc, signal.SIGTERM)
    assert "served 2 requests" in out, out + err


def test_cli_rejects_negative_timings() -> None:
    with pytest.raises(ValueError, match="latency must be seconds"):
        fake_server("coze", latency=-1)


def test_loopback_server_takes_timings() -> None:
    from coze_client.testing import LoopbackServer

    fake = FakeCoze()
    LoopbackServer(fake, latency=0.2, stream_interval=0.01)  # not started: the timings are set on the fake
    assert [(f.kind, f.seconds) for f in fake.faults] == [("latency", 0.2), ("slow", 0.01)]
