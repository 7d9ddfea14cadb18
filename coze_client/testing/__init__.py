"""Faithful fake provider servers for tests: Coze, Xingchen, GPTBots and EasyDL.

Each fake is an ``async handle(httpx.Request) -> httpx.Response`` with state, plan enforcement
(`enforcement`), fault injection (`faults`) and a
request log. Mount one on respx (``with fake.mock():``), inject ``fake.transport()`` into an httpx
client, or serve it on a loopback port (``async with serve_loopback(fake) as base_url:`` /
``LoopbackServer(fake).start()``). Only httpx and pydantic are needed to import this package; respx
and uvicorn are imported when used.

Examples:
    ```python
    from coze_client.testing import FakeCoze
    fake = FakeCoze()
    _ = fake.bot("bot_1", replies=["hello"])
    fake.stats.max_over_limit
    # 0.0
    ```
"""

from ._core import FakeServer, FakeTransport, RecordedRequest, UploadedFile
from .clock import LoopTimeClock, virtual_time
from .coze import BotScript, ChatScript, FakeCoze, WorkflowScript
from .easydl import FakeEasyDL
from .enforcement import Admission, Enforcer, ManualClock, Rejection, Stats, estimate_tokens
from .fake_oauth import FakeOAuth
from .faults import Fault, Faults
from .gptbots import FakeGPTBots
from .loopback import LoopbackServer, asgi_app, serve_loopback
from .xingchen import FakeXingchen

__all__ = [
    "Admission",
    "BotScript",
    "ChatScript",
    "Enforcer",
    "FakeCoze",
    "FakeEasyDL",
    "FakeGPTBots",
    "FakeOAuth",
    "FakeRealtime",
    "FakeServer",
    "FakeTransport",
    "FakeXingchen",
    "Fault",
    "Faults",
    "LoopTimeClock",
    "LoopbackServer",
    "ManualClock",
    "RecordedRequest",
    "Rejection",
    "Stats",
    "UploadedFile",
    "WorkflowScript",
    "asgi_app",
    "estimate_tokens",
    "serve_loopback",
    "virtual_time",
]


def __getattr__(name: str) -> object:
    # FakeRealtime needs the optional `websockets` package: import it only when asked for.
    if name == "FakeRealtime":
        from .fake_realtime import FakeRealtime

        return FakeRealtime
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
