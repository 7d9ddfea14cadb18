"""Workflow and chatflow models (the Coze workflow run page; the Coze workflow stream page; the Coze chatflow page)."""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

from pydantic import ConfigDict, Field, field_validator, model_validator

from .._models import CozeModel, ResponseModel

__all__ = [
    "InterruptData",
    "NodeExecuteStatus",
    "NodeOutput",
    "WorkflowBasic",
    "WorkflowCreator",
    "WorkflowEvent",
    "WorkflowEventError",
    "WorkflowEventInterrupt",
    "WorkflowEventMessage",
    "WorkflowEventType",
    "WorkflowIO",
    "WorkflowInfo",
    "WorkflowInterruptType",
    "WorkflowMode",
    "WorkflowPublishStatus",
    "WorkflowRunHistory",
    "WorkflowRunResult",
    "WorkflowUsage",
    "WorkflowVersion",
    "decode_json_string",
]


def decode_json_string(value: Any) -> Any:
    """A workflow output string decoded when it holds JSON; otherwise the value unchanged.

    Args:
        value: any value; only a non-blank string holding JSON is decoded.

    Examples:
        ```python
        decode_json_string('{"answer": 42}')
        # {'answer': 42}
        decode_json_string("plain text")
        # 'plain text'
        ```
    """
    if not isinstance(value, str) or not value.strip():
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


class WorkflowMode(str, Enum):
    """Kind of workflow in ``workflows.list``."""

    WORKFLOW = "workflow"
    CHATFLOW = "chatflow"


class WorkflowPublishStatus(str, Enum):
    """Publish filter of ``workflows.list`` / ``versions.list``."""

    ALL = "all"
    PUBLISHED_ONLINE = "published_online"
    UNPUBLISHED_DRAFT = "unpublished_draft"


class WorkflowInterruptType(int, Enum):
    """``interrupt_type`` of a resume (the Coze workflow run page): what the workflow waits for."""

    LOCAL_PLUGIN = 1
    QUESTION = 2
    INPUT = 5
    OAUTH_PLUGIN = 7


class WorkflowEventType(str, Enum):
    """Event names of a workflow stream (the Coze workflow stream page).

    ``UNKNOWN`` marks names this client does not know yet.
    """

    MESSAGE = "Message"
    ERROR = "Error"
    INTERRUPT = "Interrupt"
    DONE = "Done"
    PING = "PING"
    UNKNOWN = "unknown"


class WorkflowUsage(ResponseModel):
    """Tokens a workflow run consumed."""

    model_config = ConfigDict(extra="allow")

    input_count: int = 0
    output_count: int = 0
    token_count: int = 0


class InterruptData(ResponseModel):
    """Why a workflow paused; answer it with ``runs.resume(event_id=..., interrupt_type=type)``."""

    model_config = ConfigDict(extra="allow")

    event_id: str = ""
    type: int = 0
    data: str | None = None
    required_parameters: Any = None


class WorkflowRunResult(CozeModel):
    """Answer of a blocking run or blocking resume (fields at the top level of the body).

    ``data`` is the workflow output decoded from its JSON string when it is JSON; ``raw_data``
    keeps the string exactly as sent.

    Examples:
        ```python
        r = WorkflowRunResult.model_validate({"data": '{"x": 1}', "execute_id": "1"})
        r.data, r.raw_data
        # ({'x': 1}, '{"x": 1}')
        ```
    """

    data: Any = None
    raw_data: str | None = None
    execute_id: str | None = None
    debug_url: str | None = None
    usage: WorkflowUsage | None = None
    interrupt_data: InterruptData | None = None
    msg: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _decode(cls, value: Any) -> Any:
        if isinstance(value, dict) and "raw_data" not in value:
            value = {k: v for k, v in value.items() if k not in ("code", "detail")}
            raw = value.get("data")
            if isinstance(raw, str):
                value["raw_data"] = raw
                value["data"] = decode_json_string(raw)
        return value

    @property
    def is_interrupted(self) -> bool:
        """True when the run paused at a question / input node (resume it)."""
        return self.interrupt_data is not None and bool(self.interrupt_data.event_id)


class WorkflowEventMessage(ResponseModel):
    """Output of a node (``Message`` event). ``node_seq_id`` counts from "0" per node."""

    model_config = ConfigDict(extra="allow")

    content: str = ""
    node_title: str | None = None
    node_seq_id: str | None = None
    node_is_finish: bool | None = None
    ext: dict[str, Any] | None = None
    usage: WorkflowUsage | None = None
    node_id: str | None = None
    node_execute_uuid: str | None = None
    loop_index: int | None = None
    batch_index: int | None = None
    sub_execute_id: str | None = None
    content_type: str | None = None
    cost: Any = None
    token: Any = None


class WorkflowEventError(ResponseModel):
    """A workflow ``Error`` event."""

    model_config = ConfigDict(extra="allow")

    error_code: int = 0
    error_message: str = ""


class WorkflowEventInterrupt(ResponseModel):
    """A workflow ``Interrupt`` event: the run waits for ``resume``."""

    model_config = ConfigDict(extra="allow")

    interrupt_data: InterruptData = Field(default_factory=InterruptData)
    node_title: str | None = None


class WorkflowEvent(CozeModel):
    """One event of a workflow stream.

    ``gap`` is True when this event's ``id`` is not the previous id + 1 (events were lost on the
    way; the docs ask clients to check, the Coze workflow stream page); ``expected_id`` then says which id was due.
    ``PING`` heartbeats are typed (``event == "PING"``) and carry their raw ``data``.

    Examples:
        ```python
        WorkflowEvent(id=0, event="PING").is_ping
        # True
        ```
    """

    id: int | None = None
    event: str
    message: WorkflowEventMessage | None = None
    error: WorkflowEventError | None = None
    interrupt: WorkflowEventInterrupt | None = None
    debug_url: str | None = None
    data: Any = None
    gap: bool = False
    expected_id: int | None = None

    @property
    def type(self) -> WorkflowEventType:
        """The event's kind (``UNKNOWN`` for names this client does not know)."""
        try:
            return WorkflowEventType(self.event)
        except ValueError:
            return WorkflowEventType.UNKNOWN

    @property
    def is_ping(self) -> bool:
        """True for the ``PING`` heartbeat."""
        return self.event == WorkflowEventType.PING.value

    def raise_for_error(self) -> None:
        """Raise `StreamError` when this is an ``Error`` event."""
        if self.error is not None:
            from ..errors import StreamError

            raise StreamError(self.error.error_message or "workflow error", code=self.error.error_code or None,
                              body=self.error.model_dump())


class NodeExecuteStatus(ResponseModel):
    """Execution state of one node in a run history."""

    model_config = ConfigDict(extra="allow")

    node_id: str | None = None
    is_finish: bool | None = None
    update_time: int | None = None
    node_execute_uuid: str | None = None
    loop_index: int | None = None
    batch_index: int | None = None
    sub_execute_id: str | None = None


class WorkflowRunHistory(CozeModel):
    """One run of a workflow (``run_histories.retrieve``), e.g. to poll an async run.

    ``execute_status`` is ``Success``, ``Running`` or ``Fail``; ``output`` is the raw string and
    `output_data` its JSON decoding.
    """

    execute_id: str = ""
    execute_status: str = ""
    bot_id: str | None = None
    connector_id: str | None = None
    connector_uid: str | None = None
    run_mode: int | None = None
    logid_: str | None = Field(default=None, alias="logid")
    create_time: int | None = None
    update_time: int | None = None
    output: str | None = None
    error_code: int | None = None
    error_message: str | None = None
    debug_url: str | None = None
    usage: WorkflowUsage | None = None
    is_output_trimmed: bool | None = None
    node_execute_status: dict[str, NodeExecuteStatus] | None = None
    interrupt_data: InterruptData | None = None

    @field_validator("error_code", mode="before")
    @classmethod
    def _empty_code(cls, value: Any) -> Any:
        # The service sends "" for "no error" (§5.5).
        return None if value in ("", None) else value

    @property
    def output_data(self) -> Any:
        """``output`` decoded when it is JSON."""
        return decode_json_string(self.output)

    @property
    def is_running(self) -> bool:
        """True while the run has not finished."""
        return self.execute_status == "Running"


class NodeOutput(CozeModel):
    """Output of one node of a run (``execute_nodes.retrieve``)."""

    is_finish: bool | None = None
    node_output: str | None = None

    @property
    def output_data(self) -> Any:
        """``node_output`` decoded when it is JSON."""
        return decode_json_string(self.node_output)


class WorkflowCreator(ResponseModel):
    """Who created a workflow."""

    model_config = ConfigDict(extra="allow")

    id: str | None = None
    name: str | None = None


class WorkflowBasic(CozeModel):
    """A workflow as listed."""

    workflow_id: str = ""
    workflow_name: str | None = None
    description: str | None = None
    icon_url: str | None = None
    app_id: str | None = None
    created_at: int | None = None
    updated_at: int | None = None
    creator: WorkflowCreator | None = None


class WorkflowIO(ResponseModel):
    """Input or output schema of a workflow (with ``include_input_output=True``)."""

    model_config = ConfigDict(extra="allow")

    parameters: dict[str, Any] | None = None
    content: str | None = None
    terminate_plan: str | None = None


class WorkflowInfo(CozeModel):
    """``workflows.retrieve``: the workflow and, on request, its input / output schema."""

    workflow_detail: WorkflowBasic = Field(default_factory=WorkflowBasic)
    input: WorkflowIO | None = None
    output: WorkflowIO | None = None


class WorkflowVersion(CozeModel):
    """One published version of a workflow."""

    version: str = ""
    description: str | None = None
    created_at: int | None = None
    updated_at: int | None = None
    workflow_id: str | None = None
    creator: WorkflowCreator | None = None
    input: WorkflowIO | None = None
    output: WorkflowIO | None = None
