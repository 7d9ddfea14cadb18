"""A stateful fake Coze Open API server, faithful to the Coze API documentation.

Bots answer chats (scripted replies or an echo), conversations and messages persist, chats move
``created -> in_progress -> completed`` (or ``failed`` / ``requires_action`` when scripted) as they
are polled, streams emit the event sequences of the Coze chat, workflow stream and chatflow pages with
the real framing, workflows run, stream, interrupt and resume, datasets and documents process over
time, uploads return file ids. Every answer carries the real envelope ``{code, msg, data, detail{logid}}`` and the
``x-tt-logid`` header; the odd envelopes of the Coze API overview are kept (messages list at the top level, modify under
``message``, documents at the top level, workflow ``data`` as a string, process ``data.data``, run
history as a one-element list, speech as raw bytes).

Examples:
    ```python
    fake = FakeCoze()
    fake.bot("bot_1", replies=["hello"])
    # BotScript(...)
    with fake.mock():       # any async httpx client now reaches the fake
        pass
    ```

Layout (mirroring ``coze_client.resources``): ``_server`` holds the state, envelope, enforcement
hooks and SSE framing; ``_common`` the shared limits and scripts; one module per API area holds its routes.
"""

from ._common import BotScript, ChatScript, WorkflowScript
from ._server import FakeCoze

__all__ = ["BotScript", "ChatScript", "FakeCoze", "WorkflowScript"]
