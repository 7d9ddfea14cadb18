"""Typed request and response models, one module per API area.

Area modules: ``chat``, ``conversations``, ``workflows``, ``datasets``, ``audio``, ``bots``, ``users``,
``workspaces``, ``benefits`` (import their models from there, e.g. ``coze_client.types.workflows``), and the
management areas: ``bot_management``, ``workspace_members``, ``folders``, ``apps``, ``templates``, ``variables``,
``connectors``, ``enterprises``, ``api_apps``, ``end_user_benefits``, ``plugins``.
"""

from . import audio, benefits, bots, datasets, users, workflows, workspaces
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
    "audio",
    "benefits",
    "bots",
    "datasets",
    "users",
    "workflows",
    "workspaces",
]
