"""Typed request and response models, one module per API area."""

from .chat import (
    Chat,
    ChatError,
    ChatEvent,
    ChatEventType,
    ChatPoll,
    ChatStatus,
    ChatUsage,
    EnterMessage,
    Message,
    MessageContentType,
    MessageObjectString,
    MessageRole,
    MessageType,
    RequiredAction,
    ToolCall,
    ToolOutput,
)
from .conversations import Conversation, FeedbackType, File, Section

__all__ = [
    "Chat",
    "ChatError",
    "ChatEvent",
    "ChatEventType",
    "ChatPoll",
    "ChatStatus",
    "ChatUsage",
    "Conversation",
    "EnterMessage",
    "FeedbackType",
    "File",
    "Message",
    "MessageContentType",
    "MessageObjectString",
    "MessageRole",
    "MessageType",
    "RequiredAction",
    "Section",
    "ToolCall",
    "ToolOutput",
]
