"""What the FakeCoze areas share: limits, paths, state codes and the scripts of bots, chats
and workflows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .._core import word_pieces

__all__ = [
    "BODY_LIMIT",
    "MB",
    "UPLOAD_LIMIT",
    "WORKFLOW_BODY_LIMIT",
    "_FINAL",
    "_RUN_HISTORY",
    "_USER_LEVELS",
    "_WORKFLOW_BODY_PATHS",
    "_WORKFLOW_GROUP_PATHS",
    "BotScript",
    "ChatScript",
    "WorkflowScript",
]

MB = 1024 * 1024
# coze-api.md §2.4 / plans.md: request body limits: workflow APIs 20 MB, all others 15 MB.
BODY_LIMIT = 15 * MB
WORKFLOW_BODY_LIMIT = 20 * MB
# coze-api.md §5.8: one file per upload, at most 512 MB.
UPLOAD_LIMIT = 512 * MB

_WORKFLOW_GROUP_PATHS = ("/v1/workflow/run", "/v1/workflow/stream_run", "/v1/workflows/chat")
_RUN_HISTORY = re.compile(r"^/v1/workflows/[^/]+/run_histories/[^/]+(/execute_nodes/[^/]+)?$")
_WORKFLOW_BODY_PATHS = (
    "/v1/workflow/run",
    "/v1/workflow/stream_run",
    "/v1/workflow/stream_resume",
    "/v1/workflows/resume",
    "/v1/workflows/chat",
)
_FINAL = ("completed", "failed", "requires_action", "canceled")
# coze-api.md §2.4: benefits' basic_info.user_level per plan (free / personal advanced / team / enterprise).
_USER_LEVELS = {
    "coze.personal_free": "free",
    "coze.personal_paid": "pro_personal",
    "coze.enterprise_standard": "team",
    "coze.enterprise_flagship": "enterprise",
    "coze.basic": "free",
    "coze.pro": "v1_pro_instance",
}


@dataclass
class BotScript:
    """How a fake bot answers. ``replies`` cycle chat by chat; None means echo the last user message.

    ``stream_chunks`` fixes the number of ``message.delta`` events (a reply shorter than that is
    repeated, one copy per delta, so a benchmark can ask for 20,000 events). ``polls`` retrieves and
    ``delay`` fake-clock seconds pass before a non-stream chat completes. ``follow_ups`` become
    ``follow_up`` messages; ``reasoning`` streams ``reasoning_content`` first.

    Args:
        bot_id: the bot's id.
        replies: answers used in turn, chat by chat; None echoes the last user message.
        stream_chunks: the number of ``message.delta`` events per answer (None: one per word).
        polls: chat retrieves that answer ``in_progress`` before a non-stream chat completes.
        delay: fake-clock seconds that pass before a non-stream chat completes.
        follow_ups: texts sent as ``follow_up`` messages after the answer.
        reasoning: text streamed as ``reasoning_content`` before the answer (None: none).
        name: the bot's name in bot listings and details.
        description: the bot's description in bot listings and details.
    """

    bot_id: str
    replies: list[str] | None = None
    stream_chunks: int | None = None
    polls: int = 1
    delay: float = 0.0
    follow_ups: list[str] = field(default_factory=list)
    reasoning: str | None = None
    name: str = "Fake bot"
    description: str = "A bot of the fake Coze server"
    _turn: int = 0

    def reply_for(self, question: str) -> str:
        """The next reply (cycling through ``replies``) or the echo of ``question``.

        Args:
            question: the last user message's text.
        """
        if not self.replies:
            return question
        text = self.replies[self._turn % len(self.replies)]
        self._turn += 1
        return text

    def pieces(self, text: str) -> list[str]:
        """How ``text`` is split into ``message.delta`` contents.

        Args:
            text: the whole answer.
        """
        if self.stream_chunks is None:
            return word_pieces(text)
        n = max(1, self.stream_chunks)
        if len(text) < n:
            return [text] * n
        size, extra = divmod(len(text), n)
        out: list[str] = []
        start = 0
        for i in range(n):
            end = start + size + (1 if i < extra else 0)
            out.append(text[start:end])
            start = end
        return out


@dataclass
class ChatScript:
    """A one-off outcome for the next chat(s): ``failed`` (``(code, msg)``), ``requires_action``
    (tool calls ``[{"name": ..., "arguments": {...}}]``) or ``error`` (``(code, msg)``: a stream sends
    an ``error`` event after ``in_progress`` and ends; a polled chat fails with it); ``times`` chats
    use it.

    Args:
        failed: ``(code, msg)`` of a ``chat.failed`` outcome; None: not failed.
        requires_action: tool calls ``[{"name": ..., "arguments": {...}}]`` the chat stops for.
        error: ``(code, msg)`` of an ``error`` event (stream) or failure (polled chat).
        bot_id: only chats with this bot; None: any chat.
        times: how many chats use it.
    """

    failed: tuple[int, str] | None = None
    requires_action: list[dict[str, Any]] | None = None
    error: tuple[int, str] | None = None
    bot_id: str | None = None
    times: int = 1


@dataclass
class WorkflowScript:
    """How a fake workflow runs.

    ``output`` is the end node's output (JSON-serialised into the blocking ``data`` string; default:
    the input parameters). ``interrupt`` makes the run stop at a question node with that prompt
    (resumed via stream_resume / resume; ``resume_output`` then ends it). ``messages`` are extra
    Message events before the end node; ``error`` is ``(code, msg)`` for an Error event; ``ping_every``
    inserts a PING after that many events; ``async_polls`` run-history polls until an async run
    succeeds. ``duration`` (real seconds) is how long a blocking run takes: past the fake's
    ``workflow_cutoff`` the server drops the connection without an answer, as the real one does at 90 s.

    Args:
        workflow_id: the workflow's id.
        output: the end node's output (default: the input parameters).
        interrupt: the prompt of a question node the run stops at; None: no interrupt.
        resume_output: the end node's output after a resume.
        messages: texts of Message events sent before the end node.
        error: ``(code, msg)`` of an Error event; None: none.
        ping_every: a PING event after every that many events (0: none).
        async_polls: the run-history poll at which an async run reports success (1: the first poll).
        name: the workflow's name in listings and run histories.
        mode: ``"workflow"`` or ``"chatflow"`` (the ``workflow_mode`` listings filter on).
        replies: answers of a chatflow (``/v1/workflows/chat``), as in `BotScript`.
        duration: real seconds a blocking run takes.
    """

    workflow_id: str
    output: Any = None
    interrupt: str | None = None
    resume_output: Any = None
    messages: list[str] = field(default_factory=list)
    error: tuple[int, str] | None = None
    ping_every: int = 0
    async_polls: int = 1
    name: str = "fake_workflow"
    mode: str = "workflow"
    replies: list[str] | None = None
    duration: float = 0.0
