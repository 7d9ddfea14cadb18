"""Chat v3 (the Coze chat page): create, stream, retrieve, messages, tool outputs, cancel."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping, Sequence
from typing import Any, cast

import pydantic
from typing_extensions import Unpack

from .._call import Usage
from .._models import ListResult
from .._params import check_meta_data, validate
from .._request import Endpoint
from .._sse import ServerSentEvent
from .._streaming import END, EventStream, _End
from ..errors import ConflictError, StreamError, ValidationError
from ..types.chat import Chat, ChatEvent, ChatPoll, EnterMessage, Message, ToolOutput
from ._base import APIResource, RequestOptions, options_of, require

__all__ = ["AsyncChat", "AsyncChatMessages", "chat_usage", "decode_chat_event", "to_messages"]

# Only POST /v3/chat is in the "chat" QPS group and the model RPM (plans.md, Coze table).
CHAT = Endpoint("POST", "/v3/chat", groups=("chat", "model"), idempotent=False)
RETRIEVE = Endpoint("GET", "/v3/chat/retrieve")  # GET per the spec; cozepy wrongly POSTs (§9.6)
MESSAGES = Endpoint("GET", "/v3/chat/message/list")
SUBMIT = Endpoint("POST", "/v3/chat/submit_tool_outputs", idempotent=False)
CANCEL = Endpoint("POST", "/v3/chat/cancel", idempotent=False)

_CHAT_EVENTS = frozenset({
    "conversation.chat.created", "conversation.chat.in_progress", "conversation.chat.completed",
    "conversation.chat.failed", "conversation.chat.requires_action", "conversation.chat.canceled",
})
_FINAL_CHAT_EVENTS = frozenset({
    "conversation.chat.completed", "conversation.chat.failed", "conversation.chat.requires_action",
    "conversation.chat.canceled",
})
_MESSAGE_EVENTS = frozenset({
    "conversation.message.delta", "conversation.message.completed", "conversation.audio.delta",
    "conversation.audio.completed",
})


def to_messages(messages: Sequence[EnterMessage | Mapping[str, Any] | str] | None, *, limit: int,
                name: str = "additional_messages") -> list[dict[str, Any]] | None:
    """Validate input messages (models, dicts, or plain strings meaning a user question).

    Args:
        messages: the messages: ``EnterMessage`` models, dicts of their fields, or plain strings (each a user
            question); ``None`` passes through as ``None``.
        limit: the most messages allowed (more is a ``ValidationError``).
        name: the argument's name, used in error messages.
    """
    if messages is None:
        return None
    if isinstance(messages, (str, bytes)) or not isinstance(messages, Sequence):
        raise ValidationError(f"{name} must be a list of messages")
    if len(messages) > limit:
        raise ValidationError(f"{name} holds {len(messages)} messages; at most {limit} are allowed")
    out = []
    for item in messages:
        msg = EnterMessage.user_text(item) if isinstance(item, str) else validate(EnterMessage, item, name)
        check_meta_data(msg.meta_data, f"{name}.meta_data")
        out.append(msg.model_dump(mode="json", exclude_none=True))
    return out


def chat_usage(chat: Chat | None) -> Usage | None:
    """Ledger usage of a finished chat.

    Args:
        chat: the finished chat (``None``, or a chat without ``usage``, gives ``None``).
    """
    if chat is None or chat.usage is None:
        return None
    return Usage(input_tokens=chat.usage.input_count, output_tokens=chat.usage.output_count)


def decode_chat_event(sse: ServerSentEvent, stream: EventStream[ChatEvent]) -> ChatEvent | _End | None:
    """One SSE event of a chat (or chatflow) stream -> a typed `ChatEvent`.

    ``done`` ends the stream (its data, e.g. the chatflow's ``debug_url``, is kept on
    ``stream.end_data``); ``error`` raises `StreamError` with code, msg and logid; unknown
    events are yielded with their raw data.

    Args:
        sse: one server-sent event (its ``event`` name and ``data`` text).
        stream: the stream being read: a ``done`` event stores its data on ``stream.end_data``; errors carry its
            ``logid``.
    """
    name = sse.event
    if name == "done":
        stream.end_data = _loads(sse.data, strict=False)
        return END
    if name in _MESSAGE_EVENTS:
        # Hot path (one event per token): pydantic parses the JSON itself.
        try:
            return ChatEvent.model_construct(event=name, message=Message.model_validate_json(sse.data))
        except ValueError:
            pass  # not an object: fall through to the generic handling below
    # Only the events we type must carry JSON; an error's or an unknown event's text is kept as it came.
    data = _loads(sse.data, strict=name in _CHAT_EVENTS or name in _MESSAGE_EVENTS)
    if name == "error":
        raise _stream_error(data, stream)
    try:
        if name in _MESSAGE_EVENTS and isinstance(data, dict):
            return ChatEvent.model_construct(event=name, message=Message.model_validate(data))
        if name in _CHAT_EVENTS and isinstance(data, dict):
            chat = Chat.model_validate(data)
            if name in _FINAL_CHAT_EVENTS:
                stream._mark_final()  # a chat in a final state may end the body without "done"
            return ChatEvent.model_construct(event=name, chat=chat)
    except pydantic.ValidationError as exc:
        raise StreamError(f"unexpected {name} event data: {exc.errors()[0]['msg']}", logid=stream.logid) from None
    return ChatEvent.model_construct(event=name, data=data)


def _stream_error(data: Any, stream: EventStream[ChatEvent]) -> StreamError:
    """The typed error an ``error`` event reports (``{code, msg}`` or ``{error_code, error_message}``)."""
    body = data if isinstance(data, dict) else {}
    code = body.get("code", body.get("error_code"))
    msg = body.get("msg") or body.get("error_message")
    if not msg:
        msg = f"the service reported an error in the stream: {data!r}"[:300] if body or data else (
            "the service reported an error in the stream, without details")
    return StreamError(str(msg), code=code if isinstance(code, int) and not isinstance(code, bool) else None,
                       logid=stream.logid, body=data)


def _loads(text: str, *, strict: bool) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        if strict:
            raise StreamError(f"malformed event data: {text[:200]!r}") from None
        return text


def _event_usage(event: ChatEvent) -> Usage | None:
    return chat_usage(event.chat) if event.event == "conversation.chat.completed" else None


class AsyncChatMessages(APIResource):
    """``coze.chat.messages``: the messages of one chat."""

    async def list(
        self, *, conversation_id: str, chat_id: str,
        **options: Unpack[RequestOptions],
    ) -> ListResult[Message]:
        """Everything the chat produced except the user's question (answers, tool calls, follow-ups).

        Args:
            conversation_id: the conversation's id.
            chat_id: the chat's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            msgs = await coze.chat.messages.list(conversation_id=c, chat_id=chat.id)
            ```
        """
        return await self._corridor.request(
            MESSAGES, lambda d: ListResult([Message.model_validate(m) for m in d or []]),
            params={"conversation_id": require("conversation_id", conversation_id),
                    "chat_id": require("chat_id", chat_id)},
            options=options_of(options),
        )


class AsyncChat(APIResource):
    """``coze.chat``: talk to a bot (v3 chat)."""

    def __init__(self, corridor: Any) -> None:
        """Attach the sub-resources (``AsyncCoze`` builds the resources; you do not call this).

        Args:
            corridor: the client's request corridor (internal; use ``coze.chat``).
        """
        super().__init__(corridor)
        self.messages = AsyncChatMessages(corridor)

    def _body(self, bot_id: str, user_id: str, additional_messages: Any, stream: bool,
              **fields: Any) -> dict[str, Any]:
        body = {
            "bot_id": require("bot_id", bot_id),
            "user_id": require("user_id", user_id),
            "additional_messages": to_messages(additional_messages, limit=100),
            "stream": stream,
            **fields,
        }
        check_meta_data(fields.get("meta_data"))
        if fields.get("bot_version") is not None and fields.get("publish_status") == "unpublished_draft":
            raise ValidationError("bot_version cannot be used with publish_status='unpublished_draft' (4000)")
        return body

    async def create(
        self, *, bot_id: str, user_id: str,
        additional_messages: Sequence[EnterMessage | Mapping[str, Any] | str] | None = None,
        conversation_id: str | None = None, auto_save_history: bool = True,
        custom_variables: Mapping[str, str] | None = None, meta_data: Mapping[str, str] | None = None,
        extra_params: Mapping[str, Any] | None = None, parameters: Mapping[str, Any] | None = None,
        shortcut_command: Mapping[str, Any] | None = None, enable_card: bool | None = None,
        publish_status: str | None = None, bot_version: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Chat:
        """Start a chat without streaming; returns the chat (usually ``in_progress``).

        Not retried after an ambiguous failure (the chat may already be running and billed).

        Args:
            bot_id: the bot to talk to (published to the API channel).
            user_id: your id for the end user (it scopes conversations and memory).
            additional_messages: the new messages, at most 100: strings (user questions), dicts or
                `EnterMessage` objects.
            conversation_id: continue this conversation (default: a new one).
            auto_save_history: keep the messages in the conversation (``False`` only for streams).
            custom_variables: values of the bot's prompt variables.
            meta_data: at most 16 string pairs kept with the chat (keys 1-64, values 1-512 characters).
            extra_params: extra body fields the service accepts (e.g. ``latitude``, ``longitude``).
            parameters: input parameters of a chatflow bot.
            shortcut_command: a shortcut command to run.
            enable_card: answer with cards where the bot has them.
            publish_status: ``"published_online"`` (default) or ``"unpublished_draft"``.
            bot_version: a published version to talk to (not with the draft).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            chat = await coze.chat.create(bot_id="7351...", user_id="u1",
                                          additional_messages=["What is Coze?"])
            ```
        """
        if not auto_save_history:
            raise ValidationError("stream=False requires auto_save_history=True (service code 4007)")
        body = self._body(bot_id, user_id, additional_messages, False, auto_save_history=auto_save_history,
                          custom_variables=custom_variables, meta_data=meta_data, extra_params=extra_params,
                          parameters=parameters, shortcut_command=shortcut_command, enable_card=enable_card,
                          publish_status=publish_status, bot_version=bot_version)
        return await self._corridor.request(
            CHAT, Chat.model_validate, json=body,
            params={"conversation_id": conversation_id},
            options=options_of(options),
        )

    def stream(
        self, *, bot_id: str, user_id: str,
        additional_messages: Sequence[EnterMessage | Mapping[str, Any] | str] | None = None,
        conversation_id: str | None = None, auto_save_history: bool = True,
        custom_variables: Mapping[str, str] | None = None, meta_data: Mapping[str, str] | None = None,
        extra_params: Mapping[str, Any] | None = None, parameters: Mapping[str, Any] | None = None,
        shortcut_command: Mapping[str, Any] | None = None, enable_card: bool | None = None,
        publish_status: str | None = None, bot_version: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> EventStream[ChatEvent]:
        """Start a chat and stream its events (``async with`` closes the connection when you leave).

        Inputs are validated at once, before anything is sent.

        Args:
            bot_id: the bot to talk to (published to the API channel).
            user_id: your id for the end user (it scopes conversations and memory).
            additional_messages: the new messages, at most 100: strings (user questions), dicts or
                `EnterMessage` objects.
            conversation_id: continue this conversation (default: a new one).
            auto_save_history: keep the messages in the conversation (``False`` only for streams).
            custom_variables: values of the bot's prompt variables.
            meta_data: at most 16 string pairs kept with the chat (keys 1-64, values 1-512 characters).
            extra_params: extra body fields the service accepts (e.g. ``latitude``, ``longitude``).
            parameters: input parameters of a chatflow bot.
            shortcut_command: a shortcut command to run.
            enable_card: answer with cards where the bot has them.
            publish_status: ``"published_online"`` (default) or ``"unpublished_draft"``.
            bot_version: a published version to talk to (not with the draft).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async with coze.chat.stream(bot_id="7351...", user_id="u1",
                                        additional_messages=["hi"]) as events:
                async for event in events:
                    if event.event == "conversation.message.delta":
                        print(event.message.content, end="")
            ```
        """
        body = self._body(bot_id, user_id, additional_messages, True, auto_save_history=auto_save_history,
                          custom_variables=custom_variables, meta_data=meta_data, extra_params=extra_params,
                          parameters=parameters, shortcut_command=shortcut_command, enable_card=enable_card,
                          publish_status=publish_status, bot_version=bot_version)
        call_options = options_of(options)
        corridor = self._corridor

        def opener() -> Any:
            return corridor.open_stream(CHAT, json=body, params={"conversation_id": conversation_id},
                                        options=call_options)

        return EventStream(corridor, opener, decode_chat_event, usage_of=_event_usage)

    async def retrieve(
        self, *, conversation_id: str, chat_id: str,
        **options: Unpack[RequestOptions],
    ) -> Chat:
        """The chat's current state (``GET /v3/chat/retrieve``).

        Args:
            conversation_id: the conversation's id.
            chat_id: the chat's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            chat = await coze.chat.retrieve(conversation_id=c, chat_id=chat.id)
            ```
        """
        return await self._corridor.request(
            RETRIEVE, Chat.model_validate,
            params={"conversation_id": require("conversation_id", conversation_id),
                    "chat_id": require("chat_id", chat_id)},
            options=options_of(options),
        )

    def _tool_body(self, tool_outputs: Sequence[ToolOutput | Mapping[str, Any]], stream: bool) -> dict[str, Any]:
        if not tool_outputs:
            raise ValidationError("tool_outputs must not be empty")
        outputs = [validate(ToolOutput, t, "tool_outputs").model_dump() for t in tool_outputs]
        return {"tool_outputs": outputs, "stream": stream}

    async def submit_tool_outputs(
        self, *, conversation_id: str, chat_id: str, tool_outputs: Sequence[ToolOutput | Mapping[str, Any]],
        **options: Unpack[RequestOptions],
    ) -> Chat:
        """Answer a ``requires_action`` chat's tool calls (blocking).

        Args:
            conversation_id: the conversation's id.
            chat_id: the chat's id.
            tool_outputs: one output per tool call of the chat's ``required_action``:
                ``{"tool_call_id": ..., "output": ...}``.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.chat.submit_tool_outputs(conversation_id=c, chat_id=h,
                tool_outputs=[{"tool_call_id": "call_1", "output": "22 C"}])
            ```
        """
        return await self._corridor.request(
            SUBMIT, Chat.model_validate, json=self._tool_body(tool_outputs, False),
            params={"conversation_id": require("conversation_id", conversation_id),
                    "chat_id": require("chat_id", chat_id)},
            options=options_of(options),
        )

    def submit_tool_outputs_stream(
        self, *, conversation_id: str, chat_id: str, tool_outputs: Sequence[ToolOutput | Mapping[str, Any]],
        **options: Unpack[RequestOptions],
    ) -> EventStream[ChatEvent]:
        """Answer tool calls and stream the rest of the chat.

        Args:
            conversation_id: the conversation's id.
            chat_id: the chat's id.
            tool_outputs: one output per tool call of the chat's ``required_action``:
                ``{"tool_call_id": ..., "output": ...}``.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async with coze.chat.submit_tool_outputs_stream(conversation_id=c, chat_id=h,
                    tool_outputs=[{"tool_call_id": "call_1", "output": "22 C"}]) as events:
                ...
            ```
        """
        body = self._tool_body(tool_outputs, True)
        params = {"conversation_id": require("conversation_id", conversation_id),
                  "chat_id": require("chat_id", chat_id)}
        call_options = options_of(options)
        corridor = self._corridor
        return EventStream(corridor,
                           lambda: corridor.open_stream(SUBMIT, json=body, params=params, options=call_options),
                           decode_chat_event, usage_of=_event_usage)

    async def cancel(
        self, *, conversation_id: str, chat_id: str,
        **options: Unpack[RequestOptions],
    ) -> Chat:
        """Cancel a running chat (it does not stop a stream you are reading: close that yourself).

        Args:
            conversation_id: the conversation's id.
            chat_id: the chat's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.chat.cancel(conversation_id=c, chat_id=h)
            ```
        """
        return await self._corridor.request(
            CANCEL, Chat.model_validate,
            json={"conversation_id": require("conversation_id", conversation_id),
                  "chat_id": require("chat_id", chat_id)},
            options=options_of(options),
        )

    async def create_and_poll(
        self, *, bot_id: str, user_id: str,
        additional_messages: Sequence[EnterMessage | Mapping[str, Any] | str] | None = None,
        conversation_id: str | None = None, poll_timeout: float | None = None, poll_interval: float = 1.0,
        **create_kwargs: Any,
    ) -> ChatPoll:
        """Create a chat, poll it (at most once a second, as the service asks) until it stops, and fetch its messages.

        On ``poll_timeout`` the chat is cancelled (a chat that finished meanwhile, 4104, is fetched).

        Args:
            bot_id: the bot to talk to.
            user_id: your id for the end user.
            additional_messages: the new messages (strings, dicts or `EnterMessage` objects).
            conversation_id: continue this conversation (default: a new one).
            poll_timeout: seconds to wait for the chat to finish before cancelling it (default: no limit).
            poll_interval: seconds between polls, at least 1.0.
            **create_kwargs: any other argument of `create`.

        Returns:
            The finished chat and its messages: the ``answer``, then a ``verbose`` message and any
            ``follow_up`` suggestions.

        Examples:
            ```python
            result = await coze.chat.create_and_poll(bot_id="7351...", user_id="u1",
                                                     additional_messages=["hi"], poll_timeout=60)
            answer = next(m for m in result.messages if m.type == "answer")
            print(answer.content)
            ```
        """
        if poll_interval < 1.0:
            raise ValidationError("poll_interval must be >= 1.0 s (the service asks for at most one poll a second)")
        options = cast(RequestOptions, {k: create_kwargs[k] for k in RequestOptions.__annotations__
                                        if k in create_kwargs})
        chat = await self.create(bot_id=bot_id, user_id=user_id, additional_messages=additional_messages,
                                 conversation_id=conversation_id, **create_kwargs)
        deadline = None if poll_timeout is None else time.monotonic() + poll_timeout
        while not chat.is_final:
            if deadline is not None and time.monotonic() >= deadline:
                try:
                    chat = await self.cancel(conversation_id=chat.conversation_id, chat_id=chat.id, **options)
                except ConflictError:  # 4104: it finished meanwhile; read its final state below
                    pass
                break
            await asyncio.sleep(poll_interval)
            chat = await self._corridor.request(
                RETRIEVE, Chat.model_validate,
                params={"conversation_id": chat.conversation_id, "chat_id": chat.id},
                usage=lambda d: chat_usage(Chat.model_validate(d)) if (d or {}).get("status") == "completed" else None,
                options=options_of(options),
            )
        if not chat.is_final:
            chat = await self.retrieve(conversation_id=chat.conversation_id, chat_id=chat.id, **options)
        messages = await self.messages.list(conversation_id=chat.conversation_id, chat_id=chat.id, **options)
        return ChatPoll(chat=chat, messages=list(messages))
