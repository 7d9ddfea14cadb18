"""Workflows and chatflows (the Coze workflow run page; the Coze workflow stream page; the Coze chatflow page).

Limits that shape this module:

- The server cuts a blocking ``POST /v1/workflow/run`` that has not answered within **90 s**
  (the Coze workflow run page). The blocking run therefore defaults to a 100 s read timeout (a little over the cut-off,
  so the server's own error reaches you instead of a client timeout); use ``is_async=True`` or
  ``runs.stream`` for longer workflows.
- Workflow request bodies may be up to 20 MB (the Coze API overview), checked before sending.
- A workflow run is never retried after an ambiguous failure: it may already be running and billed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import httpx
import pydantic
from typing_extensions import Unpack

from .._call import Usage
from .._constants import MAX_WORKFLOW_BODY_BYTES
from .._params import validate
from .._request import Endpoint
from .._sse import ServerSentEvent
from .._streaming import END, EventStream, StreamEnd
from ..errors import StreamError, ValidationError
from ..pagination import AsyncPaginator, Page, number_page, token_page
from ..types.chat import ChatEvent, EnterMessage, MessageContentType
from ..types.workflows import (
    NodeOutput,
    WorkflowBasic,
    WorkflowEvent,
    WorkflowEventError,
    WorkflowEventInterrupt,
    WorkflowEventMessage,
    WorkflowEventType,
    WorkflowInfo,
    WorkflowMode,
    WorkflowPublishStatus,
    WorkflowRunHistory,
    WorkflowRunResult,
    WorkflowUsage,
    WorkflowVersion,
)
from ._base import APIResource, RequestOptions, options_of, require
from .chat import chat_usage, decode_chat_event, to_messages
from .collaboration import AsyncWorkflowCollaborationModes, AsyncWorkflowCollaborators

__all__ = [
    "WORKFLOW_RUN_TIMEOUT",
    "AsyncExecuteNodes",
    "AsyncRunHistories",
    "AsyncWorkflowChat",
    "AsyncWorkflowRuns",
    "AsyncWorkflowVersions",
    "AsyncWorkflows",
    "WorkflowStream",
    "decode_workflow_event",
    "workflow_usage",
]

log = logging.getLogger("coze_client")

_WF = MAX_WORKFLOW_BODY_BYTES
# run, stream run and chatflow are in the workflow QPS group and the model RPM (plans.md Coze table, §2.4).
RUN = Endpoint("POST", "/v1/workflow/run", groups=("workflow", "model"), envelope="top", idempotent=False,
               max_body=_WF)
STREAM_RUN = Endpoint("POST", "/v1/workflow/stream_run", groups=("workflow", "model"), idempotent=False,
                      max_body=_WF)
CHAT = Endpoint("POST", "/v1/workflows/chat", groups=("workflow", "model"), idempotent=False, max_body=_WF)
# Resumes are not in the documented QPS groups (plans.md lists run, stream run, chat, history, node output).
STREAM_RESUME = Endpoint("POST", "/v1/workflow/stream_resume", idempotent=False, max_body=_WF)
RESUME = Endpoint("POST", "/v1/workflows/resume", envelope="top", idempotent=False, max_body=_WF)
# The two history queries are in the workflow QPS group (plans.md line 15).
HISTORY = Endpoint("GET", "/v1/workflows/{workflow_id}/run_histories/{execute_id}", groups=("workflow",),
                   max_body=_WF)
NODE_OUTPUT = Endpoint(
    "GET", "/v1/workflows/{workflow_id}/run_histories/{execute_id}/execute_nodes/{node_execute_uuid}",
    groups=("workflow",), max_body=_WF,
)
LIST = Endpoint("GET", "/v1/workflows", max_body=_WF)
RETRIEVE = Endpoint("GET", "/v1/workflows/{workflow_id}", max_body=_WF)
VERSIONS = Endpoint("GET", "/v1/workflows/{workflow_id}/versions", max_body=_WF)

#: Default timeout of the blocking run and resume: just past the server's 90 s cut-off (§5.5).
WORKFLOW_RUN_TIMEOUT = httpx.Timeout(100.0, connect=5.0)


def workflow_usage(usage: WorkflowUsage | Mapping[str, Any] | None) -> Usage | None:
    """Ledger usage from a workflow ``usage`` block.

    Args:
        usage: the ``usage`` block: a ``WorkflowUsage`` or a dict with ``input_count`` / ``output_count`` (``None``
            gives ``None``).

    Examples:
        ```python
        workflow_usage({"input_count": 3, "output_count": 4, "token_count": 7}).output_tokens
        # 4
        ```
    """
    if usage is None:
        return None
    if isinstance(usage, Mapping):
        usage = WorkflowUsage.model_validate(usage)
    return Usage(input_tokens=usage.input_count, output_tokens=usage.output_count)


def _top_usage(payload: Any) -> Usage | None:
    return workflow_usage(payload.get("usage")) if isinstance(payload, dict) else None


def _ext(ext: Mapping[str, str] | None) -> dict[str, str] | None:
    if ext is None:
        return None
    if not isinstance(ext, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in ext.items()):
        raise ValidationError("ext must be a dict of str to str (latitude, longitude, user_id)")
    return dict(ext)


def _parameters(parameters: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if parameters is None:
        return None
    if not isinstance(parameters, Mapping):
        raise ValidationError("parameters must be a dict of start-node inputs")
    return dict(parameters)


def _run_body(workflow_id: str, parameters: Mapping[str, Any] | None, bot_id: str | None, app_id: str | None,
              ext: Mapping[str, str] | None, workflow_version: str | None, connector_id: str | None,
              **extra: Any) -> dict[str, Any]:
    if bot_id is not None and app_id is not None:
        raise ValidationError("bot_id and app_id cannot be used together (the service answers 4000)")
    return {
        "workflow_id": require("workflow_id", workflow_id),
        "parameters": _parameters(parameters),
        "bot_id": bot_id,
        "app_id": app_id,
        "ext": _ext(ext),
        "workflow_version": workflow_version,
        "connector_id": connector_id,
        **extra,
    }


def _resume_body(workflow_id: str, event_id: str, interrupt_type: int,
                 resume_data: str) -> dict[str, Any]:
    if isinstance(interrupt_type, bool) or not isinstance(interrupt_type, int) or interrupt_type <= 0:
        raise ValidationError("interrupt_type must be a positive int (1 local plugin, 2 question, 5 input, "
                              "7 OAuth plugin): pass the interrupt's `type`")
    if not isinstance(resume_data, str):
        raise ValidationError("resume_data must be a string (the answer to the interrupt)")
    return {"workflow_id": require("workflow_id", workflow_id), "event_id": require("event_id", event_id),
            "interrupt_type": int(interrupt_type), "resume_data": resume_data}



def _with_run_timeout(options: RequestOptions) -> RequestOptions:
    """The caller's options, with the blocking-run default timeout when they set none."""
    if options.get("timeout") is None:
        return {**options, "timeout": WORKFLOW_RUN_TIMEOUT}
    return options


# ---------------------------------------------------------------------- workflow stream decoding
class WorkflowStream(EventStream[WorkflowEvent]):
    """A workflow event stream (``runs.stream`` / ``runs.resume``).

    Besides the events it keeps: `debug_url` (from the ``Done`` event; cozepy drops it),
    `gaps` (``(expected_id, got_id)`` pairs where events went missing; each such event also
    has ``gap=True`` and a warning is logged), `error` and `interrupt` (the last
    ``Error`` / ``Interrupt`` seen). The ``Done`` event is yielded, then the stream ends. After an
    ``Error`` or ``Interrupt`` the server may close without ``Done``; that is a normal end, not
    truncation.

    Args:
        corridor: the client's request corridor (internal: ``coze.workflows.runs.stream`` / ``.resume`` build the
            stream).
        opener: the coroutine function that opens the HTTP stream (internal).

    Examples:
        ```python
        async with coze.workflows.runs.stream(
                workflow_id="73...", parameters={"q": "hi"}) as events:
            async for event in events:
                if event.message:
                    print(event.message.content)
        events.debug_url
        ```
    """

    def __init__(self, corridor: Any, opener: Any) -> None:
        super().__init__(corridor, opener, decode_workflow_event, usage_of=_message_usage)
        self.gaps: list[tuple[int, int]] = []
        self.error: WorkflowEventError | None = None
        self.interrupt: WorkflowEventInterrupt | None = None
        self._next_id: int | None = None

    async def __aenter__(self) -> WorkflowStream:
        await super().__aenter__()
        return self

    @property
    def debug_url(self) -> str | None:
        """The run's debug page (valid 7 days), from the ``Done`` event."""
        data = self.end_data
        return data.get("debug_url") if isinstance(data, dict) else None

    def _check_id(self, event_id: int | None) -> tuple[bool, int | None]:
        """Continuity of ``id`` (counts from 0 up to ``Done``, and restarts at 0 on resume)."""
        if event_id is None:
            return False, None
        expected = 0 if self._next_id is None else self._next_id
        self._next_id = event_id + 1
        if event_id != expected:
            self.gaps.append((expected, event_id))
            log.warning("workflow stream: event id %d arrived where %d was due (events lost), logid=%s",
                        event_id, expected, self.logid)
            return True, expected
        return False, None


def _int_id(raw: str | None) -> int | None:
    if raw is None or not raw.strip():
        return None
    try:
        return int(raw)
    except ValueError:
        return None


def _json(sse: ServerSentEvent) -> Any:
    if not sse.data:
        return None
    try:
        return json.loads(sse.data)
    except ValueError:
        if sse.event in ("Message", "Error", "Interrupt"):
            raise StreamError(f"malformed {sse.event} event data: {sse.data[:200]!r}") from None
        return sse.data


def decode_workflow_event(sse: ServerSentEvent, stream: EventStream[WorkflowEvent]) -> WorkflowEvent | StreamEnd | None:
    """One SSE event of a workflow stream -> a typed `WorkflowEvent` (see `WorkflowStream`).

    Args:
        sse: one server-sent event (its ``id``, ``event`` name and ``data`` text).
        stream: the stream being read; a `WorkflowStream` also records id gaps, errors and interrupts.
    """
    event_id = _int_id(sse.id)
    gap, expected = stream._check_id(event_id) if isinstance(stream, WorkflowStream) else (False, None)
    name = sse.event
    if name == "Message":
        # Hot path (one event per output chunk): pydantic parses the JSON itself.
        try:
            message = WorkflowEventMessage.model_validate_json(sse.data)
        except ValueError:
            pass  # malformed or ill-shaped: the generic path below raises a typed StreamError
        else:
            return WorkflowEvent.model_construct(id=event_id, event=name, message=message, gap=gap,
                                                 expected_id=expected)
    data = _json(sse)
    body = data if isinstance(data, dict) else {}
    event = WorkflowEvent.model_construct(id=event_id, event=name, gap=gap, expected_id=expected)
    try:
        _fill(event, name, body, data, stream)
    except pydantic.ValidationError as exc:
        raise StreamError(f"unexpected {name} event data: {exc.errors()[0]['msg']}", logid=stream.logid) from None
    if name == WorkflowEventType.DONE.value and not isinstance(stream, WorkflowStream):
        return END
    return event


def _fill(event: WorkflowEvent, name: str, body: dict[str, Any], data: Any, stream: EventStream[WorkflowEvent]) -> None:
    if name == WorkflowEventType.MESSAGE.value:
        event.message = WorkflowEventMessage.model_validate(body)
    elif name == WorkflowEventType.ERROR.value:
        event.error = WorkflowEventError.model_validate(body)
        if isinstance(stream, WorkflowStream):
            stream.error = event.error
            stream._mark_final()
    elif name == WorkflowEventType.INTERRUPT.value:
        event.interrupt = WorkflowEventInterrupt.model_validate(body)
        if isinstance(stream, WorkflowStream):
            stream.interrupt = event.interrupt
            stream._mark_final()
    elif name == WorkflowEventType.DONE.value:
        stream.end_data = data if data is not None else {}
        stream.ended = True  # Done is yielded, then the stream stops (the server need not close first)
        event.debug_url = body.get("debug_url") if isinstance(body.get("debug_url"), str) else None
        event.data = data
    else:  # PING heartbeats and names added later keep their raw data
        event.data = data


def _message_usage(event: WorkflowEvent) -> Usage | None:
    return workflow_usage(event.message.usage) if event.message is not None and event.message.usage else None


def _chatflow_usage(event: ChatEvent) -> Usage | None:
    return chat_usage(event.chat) if event.event == "conversation.chat.completed" else None


# ---------------------------------------------------------------------- resources
class AsyncExecuteNodes(APIResource):
    """``coze.workflows.runs.run_histories.execute_nodes``."""

    async def retrieve(
        self, *, workflow_id: str, execute_id: str, node_execute_uuid: str,
        **options: Unpack[RequestOptions],
    ) -> NodeOutput:
        """The output of one node of a run (``node_execute_uuid`` from the history's ``node_execute_status``).

        Args:
            workflow_id: the workflow's id.
            execute_id: the run's id.
            node_execute_uuid: the node run's id (from the run record's ``node_execute_status``).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            out = await coze.workflows.runs.run_histories.execute_nodes.retrieve(
                workflow_id="73...", execute_id="74...", node_execute_uuid="75...")
            out.output_data
            ```
        """
        return await self._corridor.request(
            NODE_OUTPUT, NodeOutput.model_validate,
            path_params={"workflow_id": workflow_id, "execute_id": execute_id,
                         "node_execute_uuid": node_execute_uuid},
            options=options_of(options),
        )


class AsyncRunHistories(APIResource):
    """``coze.workflows.runs.run_histories``."""

    def __init__(self, corridor: Any) -> None:
        """Attach the sub-resources (``AsyncCoze`` builds the resources; you do not call this).

        Args:
            corridor: the client's request corridor (internal; use ``coze.workflows.runs.run_histories``).
        """
        super().__init__(corridor)
        self.execute_nodes = AsyncExecuteNodes(corridor)

    async def retrieve(
        self, *, workflow_id: str, execute_id: str,
        **options: Unpack[RequestOptions],
    ) -> WorkflowRunHistory:
        """One run's record, e.g. to poll an ``is_async`` run (the service answers a 1-element list).

        Args:
            workflow_id: the workflow's id.
            execute_id: the run's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            h = await coze.workflows.runs.run_histories.retrieve(
                workflow_id="73...", execute_id=r.execute_id)
            h.execute_status, h.output_data
            ```
        """
        return await self._corridor.request(
            HISTORY, _first_history,
            path_params={"workflow_id": workflow_id, "execute_id": execute_id},
            options=options_of(options),
        )


def _first_history(payload: Any) -> WorkflowRunHistory:
    if isinstance(payload, list):
        if not payload:
            from ..errors import NotFoundError

            raise NotFoundError("the run history is empty (no such execution)", code=4314)
        payload = payload[0]
    return WorkflowRunHistory.model_validate(payload or {})


class AsyncWorkflowRuns(APIResource):
    """``coze.workflows.runs``: run, stream and resume workflows."""

    def __init__(self, corridor: Any) -> None:
        """Attach the sub-resources (``AsyncCoze`` builds the resources; you do not call this).

        Args:
            corridor: the client's request corridor (internal; use ``coze.workflows.runs``).
        """
        super().__init__(corridor)
        self.run_histories = AsyncRunHistories(corridor)

    async def create(
        self, *, workflow_id: str, parameters: Mapping[str, Any] | None = None, bot_id: str | None = None,
        app_id: str | None = None, is_async: bool = False, ext: Mapping[str, str] | None = None,
        workflow_version: str | None = None, connector_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> WorkflowRunResult:
        """Run a published workflow and wait for its output (or start it in the background with ``is_async``).

        The server cuts a blocking run after 90 s; the default timeout here is 100 s. ``is_async``
        (paid plans; 6003 otherwise) returns an ``execute_id`` to poll with
        ``run_histories.retrieve``. Token usage goes to the ledger. Never retried once sent.

        Args:
            workflow_id: the workflow's id.
            parameters: the start node's inputs by name (files as ``{"file_id": ...}`` JSON strings or URLs).
            bot_id: the bot's id.
            app_id: the app's id.
            is_async: start the run in the background and return its ``execute_id`` at once (paid plans only).
            ext: extra string fields the service reads (``latitude``, ``longitude``, ``user_id``).
            workflow_version: the published version to run (library workflows; default the latest).
            connector_id: the channel (connector) id; default the API channel.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            result = await coze.workflows.runs.create(workflow_id="73...",
                                                      parameters={"city": "Beijing"})
            result.data, result.debug_url
            ```
        """
        body = _run_body(workflow_id, parameters, bot_id, app_id, ext, workflow_version, connector_id,
                         is_async=bool(is_async) if is_async else None)
        return await self._corridor.request(
            RUN, WorkflowRunResult.model_validate, json=body, usage=_top_usage,
            options=options_of(_with_run_timeout(options)),
        )

    def stream(
        self, *, workflow_id: str, parameters: Mapping[str, Any] | None = None, bot_id: str | None = None,
        app_id: str | None = None, ext: Mapping[str, str] | None = None, workflow_version: str | None = None,
        connector_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> WorkflowStream:
        """Run a workflow and stream its events (Message, Error, Interrupt, PING, Done).

        Args:
            workflow_id: the workflow's id.
            parameters: the start node's inputs by name (files as ``{"file_id": ...}`` JSON strings or URLs).
            bot_id: the bot's id.
            app_id: the app's id.
            ext: extra string fields the service reads (``latitude``, ``longitude``, ``user_id``).
            workflow_version: the published version to run (library workflows; default the latest).
            connector_id: the channel (connector) id; default the API channel.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async with coze.workflows.runs.stream(
                    workflow_id="73...", parameters={"q": "hi"}) as events:
                async for event in events:
                    if event.message:
                        print(event.message.content, end="")
                    elif event.interrupt:
                        pending = event.interrupt.interrupt_data
            ```
        """
        body = _run_body(workflow_id, parameters, bot_id, app_id, ext, workflow_version, connector_id)
        call_options = options_of(options)
        corridor = self._corridor
        return WorkflowStream(corridor, lambda: corridor.open_stream(STREAM_RUN, json=body, options=call_options))

    def resume(
        self, *, workflow_id: str, event_id: str, interrupt_type: int, resume_data: str,
        **options: Unpack[RequestOptions],
    ) -> WorkflowStream:
        """Answer an ``Interrupt`` and stream the rest of the run (at most 3 resumes; ids restart at 0).

        Args:
            workflow_id: the workflow's id.
            event_id: the interrupt's id.
            interrupt_type: the interrupt's ``type``: 1 local plugin, 2 question, 5 input, 7 OAuth plugin.
            resume_data: your answer to the interrupt.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            data = event.interrupt.interrupt_data
            async with coze.workflows.runs.resume(workflow_id="73...", event_id=data.event_id,
                    interrupt_type=data.type, resume_data="Beijing") as events:
                async for event in events:
                    ...
            ```
        """
        body = _resume_body(workflow_id, event_id, interrupt_type, resume_data)
        call_options = options_of(options)
        corridor = self._corridor
        return WorkflowStream(corridor, lambda: corridor.open_stream(STREAM_RESUME, json=body, options=call_options))

    async def resume_blocking(
        self, *, workflow_id: str, event_id: str, interrupt_type: int, resume_data: str,
        **options: Unpack[RequestOptions],
    ) -> WorkflowRunResult:
        """Answer an interrupt and wait for the output (``POST /v1/workflows/resume``; not in cozepy).

        Args:
            workflow_id: the workflow's id.
            event_id: the interrupt's id.
            interrupt_type: the interrupt's ``type``: 1 local plugin, 2 question, 5 input, 7 OAuth plugin.
            resume_data: your answer to the interrupt.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            result = await coze.workflows.runs.create(workflow_id="73...")
            if result.is_interrupted:
                result = await coze.workflows.runs.resume_blocking(
                    workflow_id="73...", event_id=result.interrupt_data.event_id,
                    interrupt_type=result.interrupt_data.type, resume_data="yes")
            ```
        """
        body = _resume_body(workflow_id, event_id, interrupt_type, resume_data)
        return await self._corridor.request(
            RESUME, WorkflowRunResult.model_validate, json=body, usage=_top_usage,
            options=options_of(_with_run_timeout(options)),
        )


class AsyncWorkflowChat(APIResource):
    """``coze.workflows.chat``: chatflows."""

    def stream(
        self, *, workflow_id: str, additional_messages: Sequence[EnterMessage | Mapping[str, Any] | str],
        parameters: Mapping[str, Any] | None = None, bot_id: str | None = None, app_id: str | None = None,
        conversation_id: str | None = None, ext: Mapping[str, str] | None = None,
        workflow_version: str | None = None, connector_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> EventStream[ChatEvent]:
        """Talk to a chatflow (streaming only). Events use the chat names; ``done`` carries the
        ``debug_url``, kept on ``stream.end_data``.

        Args:
            workflow_id: the workflow's id.
            additional_messages: the new messages, text only, at most 50 (strings, dicts or `EnterMessage` objects).
            parameters: the start node's inputs by name (files as ``{"file_id": ...}`` JSON strings or URLs).
            bot_id: the bot's id.
            app_id: the app's id.
            conversation_id: the conversation's id.
            ext: extra string fields the service reads (``latitude``, ``longitude``, ``user_id``).
            workflow_version: the published version to run (library workflows; default the latest).
            connector_id: the channel (connector) id; default the API channel.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async with coze.workflows.chat.stream(workflow_id="73...", app_id="74...",
                                                  additional_messages=["hello"]) as events:
                async for event in events:
                    if event.event == "conversation.message.delta":
                        print(event.message.content, end="")
            events.end_data["debug_url"]
            ```
        """
        if bot_id is None and app_id is None:
            raise ValidationError("a chatflow needs app_id (app chatflows) or bot_id")
        messages = to_messages(additional_messages, limit=50)
        if not messages:
            raise ValidationError("additional_messages must hold at least one message (the question)")
        for msg in messages:
            if msg.get("content_type", "text") != MessageContentType.TEXT.value:
                raise ValidationError("chatflow messages are text only; pass files in parameters")
        body = {
            "workflow_id": require("workflow_id", workflow_id),
            "additional_messages": messages,
            # Required by the API even when empty (§5.5).
            "parameters": _parameters(parameters) or {},
            "bot_id": bot_id,
            "app_id": app_id,
            "conversation_id": conversation_id,
            "ext": _ext(ext),
            "workflow_version": workflow_version,
            "connector_id": connector_id,
        }
        call_options = options_of(options)
        corridor = self._corridor
        return EventStream(corridor, lambda: corridor.open_stream(CHAT, json=body, options=call_options),
                           decode_chat_event, usage_of=_chatflow_usage)


class AsyncWorkflowVersions(APIResource):
    """``coze.workflows.versions``."""

    def list(
        self, *, workflow_id: str,
        publish_status: WorkflowPublishStatus | Literal["all", "published_online", "unpublished_draft"] | None = None,
        page_size: int = 10, page_token: str | None = None, include_input_output: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[WorkflowVersion]:
        """Published versions of a workflow, by page token (``page_size`` 1-30).

        Args:
            workflow_id: the workflow's id.
            publish_status: ``"published_online"`` (default), ``"unpublished_draft"`` or ``"all"``.
            page_size: items per page (the endpoint's documented range applies).
            page_token: the token of the page to fetch (iterate the result for every page).
            include_input_output: include the input and output schemas.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async for v in coze.workflows.versions.list(workflow_id="73..."):
                print(v.version, v.description)
            ```
        """
        wid = require("workflow_id", workflow_id)
        if not 1 <= page_size <= 30:
            raise ValidationError("page_size must be between 1 and 30")
        status = validate(WorkflowPublishStatus, publish_status, "publish_status").value if publish_status else None
        call_options = options_of(options)
        corridor = self._corridor

        async def fetch(params: dict[str, Any]) -> Page[WorkflowVersion]:
            def cast(payload: Any) -> Page[WorkflowVersion]:
                payload = payload or {}
                items = [WorkflowVersion.model_validate(v) for v in payload.get("items") or []]
                return token_page(items, payload, params)

            return await corridor.request(VERSIONS, cast, path_params={"workflow_id": wid}, params=params,
                                          options=call_options)

        return AsyncPaginator(fetch, {"publish_status": status, "page_size": page_size, "page_token": page_token,
                                      "include_input_output": include_input_output})


class AsyncWorkflows(APIResource):
    """``coze.workflows``: runs, chatflows, listing and schemas, collaboration."""

    def __init__(self, corridor: Any) -> None:
        """Attach the sub-resources (``AsyncCoze`` builds the resources; you do not call this).

        Args:
            corridor: the client's request corridor (internal; use ``coze.workflows``).
        """
        super().__init__(corridor)
        self.runs = AsyncWorkflowRuns(corridor)
        self.chat = AsyncWorkflowChat(corridor)
        self.versions = AsyncWorkflowVersions(corridor)
        self.collaboration_modes = AsyncWorkflowCollaborationModes(corridor)
        self.collaborators = AsyncWorkflowCollaborators(corridor)

    def list(
        self, *, workspace_id: str, page_num: int = 1, page_size: int = 10,
        workflow_mode: WorkflowMode | Literal["workflow", "chatflow"] | None = None, app_id: str | None = None,
        publish_status: WorkflowPublishStatus | Literal["all", "published_online", "unpublished_draft"] | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[WorkflowBasic]:
        """Workflows of a workspace (``workspace_id`` required; ``page_size`` 1-30, default 10).

        Args:
            workspace_id: the workspace's id.
            page_num: the page to fetch, from 1 (iterate the result for every page).
            page_size: items per page (the endpoint's documented range applies).
            workflow_mode: ``"workflow"`` or ``"chatflow"``.
            app_id: the app's id.
            publish_status: ``"published_online"`` (default), ``"unpublished_draft"`` or ``"all"``.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async for wf in coze.workflows.list(workspace_id="74..."):
                print(wf.workflow_id, wf.workflow_name)
            ```
        """
        wsid = require("workspace_id", workspace_id)
        if page_num < 1 or not 1 <= page_size <= 30:
            raise ValidationError("page_num must be >= 1 and page_size between 1 and 30")
        mode = validate(WorkflowMode, workflow_mode, "workflow_mode").value if workflow_mode else None
        status = validate(WorkflowPublishStatus, publish_status, "publish_status").value if publish_status else None
        call_options = options_of(options)
        corridor = self._corridor

        async def fetch(params: dict[str, Any]) -> Page[WorkflowBasic]:
            def cast(payload: Any) -> Page[WorkflowBasic]:
                payload = payload or {}
                items = [WorkflowBasic.model_validate(w) for w in payload.get("items") or []]
                return number_page(items, payload, params, default_size=page_size)

            return await corridor.request(LIST, cast, params=params, options=call_options)

        return AsyncPaginator(fetch, {"workspace_id": wsid, "page_num": page_num, "page_size": page_size,
                                      "workflow_mode": mode, "app_id": app_id, "publish_status": status})

    async def retrieve(
        self, *, workflow_id: str, include_input_output: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> WorkflowInfo:
        """A workflow's details; with ``include_input_output=True`` also its input and output schema.

        Args:
            workflow_id: the workflow's id.
            include_input_output: include the input and output schemas.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            info = await coze.workflows.retrieve(workflow_id="73...", include_input_output=True)
            list(info.input.parameters)
            ```
        """
        return await self._corridor.request(
            RETRIEVE, WorkflowInfo.model_validate, path_params={"workflow_id": workflow_id},
            params={"include_input_output": include_input_output}, options=options_of(options),
        )

