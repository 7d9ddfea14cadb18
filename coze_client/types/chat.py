"""Chat v3 and message models (the Coze chat page)."""

from __future__ import annotations

import json
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .._models import CozeModel, ResponseModel

__all__ = [
    "Chat",
    "ChatError",
    "ChatEvent",
    "ChatEventType",
    "ChatPoll",
    "ChatStatus",
    "ChatUsage",
    "EnterMessage",
    "Message",
    "MessageContentType",
    "MessageObjectString",
    "MessageRole",
    "MessageType",
    "RequiredAction",
    "ToolCall",
    "ToolOutput",
]


class ChatStatus(str, Enum):
    """Status of a chat. Response fields stay plain strings, so unknown future values never fail."""

    CREATED = "created"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"
    REQUIRES_ACTION = "requires_action"
    CANCELED = "canceled"


FINAL_STATUSES = frozenset({"completed", "failed", "requires_action", "canceled"})


class MessageRole(str, Enum):
    """Who wrote a message."""

    USER = "user"
    ASSISTANT = "assistant"


class MessageType(str, Enum):
    """Kind of message."""

    QUESTION = "question"
    ANSWER = "answer"
    FUNCTION_CALL = "function_call"
    TOOL_OUTPUT = "tool_output"
    TOOL_RESPONSE = "tool_response"
    FOLLOW_UP = "follow_up"
    VERBOSE = "verbose"


class MessageContentType(str, Enum):
    """Format of a message's content."""

    TEXT = "text"
    OBJECT_STRING = "object_string"
    CARD = "card"
    AUDIO = "audio"


class ChatEventType(str, Enum):
    """Event names of the chat stream (the Coze chat page)."""

    CHAT_CREATED = "conversation.chat.created"
    CHAT_IN_PROGRESS = "conversation.chat.in_progress"
    MESSAGE_DELTA = "conversation.message.delta"
    AUDIO_DELTA = "conversation.audio.delta"
    MESSAGE_COMPLETED = "conversation.message.completed"
    CHAT_COMPLETED = "conversation.chat.completed"
    CHAT_FAILED = "conversation.chat.failed"
    CHAT_REQUIRES_ACTION = "conversation.chat.requires_action"
    ERROR = "error"
    DONE = "done"


class MessageObjectString(BaseModel):
    """One item of an ``object_string`` message: text, or a file / image / audio by id or URL."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["text", "file", "image", "audio"]
    text: str | None = None
    file_id: str | None = None
    file_url: str | None = None


class EnterMessage(BaseModel):
    """A message you send (``additional_messages``, conversation ``messages``).

    Examples:
        ```python
        EnterMessage.user_text("hello").model_dump(exclude_none=True)
        # {'role': 'user', 'type': 'question', 'content': 'hello', 'content_type': 'text'}
        ```
    """

    model_config = ConfigDict(extra="forbid", use_enum_values=True, validate_default=True)

    role: MessageRole
    type: MessageType | None = None
    content: str = ""
    content_type: MessageContentType = MessageContentType.TEXT
    meta_data: dict[str, str] | None = None

    @classmethod
    def user_text(cls, text: str, *, meta_data: dict[str, str] | None = None) -> EnterMessage:
        """A user question in plain text.

        Args:
            text: the question.
            meta_data: optional ``{str: str}`` metadata stored with the message.
        """
        return cls(role=MessageRole.USER, type=MessageType.QUESTION, content=text, meta_data=meta_data)

    @classmethod
    def assistant_text(cls, text: str) -> EnterMessage:
        """An assistant answer in plain text (for giving context).

        Args:
            text: the answer.
        """
        return cls(role=MessageRole.ASSISTANT, type=MessageType.ANSWER, content=text)

    @classmethod
    def user_objects(cls, items: list[MessageObjectString | dict[str, Any]]) -> EnterMessage:
        """A user message mixing text, files and images (``object_string``).

        Args:
            items: the parts: ``MessageObjectString`` items or dicts ``{"type": "text" | "file" | "image" | "audio",
                "text": ..., "file_id": ..., "file_url": ...}``; a non-text part needs ``file_id`` or ``file_url``.
        """
        parsed = [MessageObjectString.model_validate(i) for i in items]
        for item in parsed:
            if item.type != "text" and not (item.file_id or item.file_url):
                raise ValueError(f"a {item.type} item needs file_id or file_url")
        content = json.dumps([i.model_dump(exclude_none=True) for i in parsed], ensure_ascii=False)
        return cls(role=MessageRole.USER, type=MessageType.QUESTION, content=content,
                   content_type=MessageContentType.OBJECT_STRING)


class Message(CozeModel):
    """A message as the service returns it (also the payload of message stream events)."""

    id: str = ""
    conversation_id: str = ""
    bot_id: str | None = None
    chat_id: str | None = None
    role: str = ""
    type: str | None = None
    content: str = ""
    content_type: str | None = None
    meta_data: dict[str, str] | None = None
    created_at: int | None = None
    updated_at: int | None = None
    section_id: str | None = None
    reasoning_content: str | None = None

    def object_items(self) -> list[MessageObjectString]:
        """Decode an ``object_string`` content."""
        return [MessageObjectString.model_validate(i) for i in json.loads(self.content or "[]")]


class ChatUsage(ResponseModel):
    """Tokens a chat consumed."""

    model_config = ConfigDict(extra="allow")

    token_count: int = 0
    output_count: int = 0
    input_count: int = 0


class ChatError(ResponseModel):
    """Why a chat failed."""

    model_config = ConfigDict(extra="allow")

    code: int = 0
    msg: str = ""


class ToolCallFunction(ResponseModel):
    """The function a tool call asks for."""

    model_config = ConfigDict(extra="allow")

    name: str = ""
    arguments: str = ""


class ToolCall(ResponseModel):
    """One tool call the bot needs answered."""

    model_config = ConfigDict(extra="allow")

    id: str
    type: str = "function"
    function: ToolCallFunction = Field(default_factory=ToolCallFunction)


class SubmitToolOutputs(ResponseModel):
    """The tool calls of a ``requires_action`` chat."""

    model_config = ConfigDict(extra="allow")

    tool_calls: list[ToolCall] = Field(default_factory=list)


class RequiredAction(ResponseModel):
    """What a ``requires_action`` chat waits for."""

    model_config = ConfigDict(extra="allow")

    type: str = "submit_tool_outputs"
    submit_tool_outputs: SubmitToolOutputs = Field(default_factory=SubmitToolOutputs)


class ToolOutput(BaseModel):
    """Your answer to one tool call."""

    model_config = ConfigDict(extra="forbid")

    tool_call_id: str = Field(min_length=1)
    output: str


class Chat(CozeModel):
    """A chat (one bot turn) and its status."""

    id: str = ""
    conversation_id: str = ""
    bot_id: str | None = None
    created_at: int | None = None
    completed_at: int | None = None
    failed_at: int | None = None
    meta_data: dict[str, str] | None = None
    last_error: ChatError | None = None
    status: str = ""
    required_action: RequiredAction | None = None
    usage: ChatUsage | None = None
    section_id: str | None = None
    inserted_additional_messages: list[dict[str, Any]] | None = None

    @property
    def is_final(self) -> bool:
        """True once the chat stopped running (completed, failed, requires_action or canceled)."""
        return self.status in FINAL_STATUSES


class ChatEvent(CozeModel):
    """One event of a chat stream. Unknown events are kept with their raw ``data``."""

    event: str
    chat: Chat | None = None
    message: Message | None = None
    data: Any = None

    @property
    def is_failed(self) -> bool:
        """True for ``conversation.chat.failed``."""
        return self.event == ChatEventType.CHAT_FAILED.value

    def raise_for_failure(self) -> None:
        """Raise `StreamError` when this is a failed-chat event."""
        if self.is_failed:
            from ..errors import StreamError

            error = self.chat.last_error if self.chat and self.chat.last_error else ChatError()
            raise StreamError(error.msg or "chat failed", code=error.code or None, logid=self.logid)


class ChatPoll(CozeModel):
    """A finished chat and its messages (from ``create_and_poll``)."""

    chat: Chat
    messages: list[Message] = Field(default_factory=list)
