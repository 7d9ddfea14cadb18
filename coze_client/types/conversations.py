"""Conversation, section, feedback and file models (the Coze conversation, message and file upload pages)."""

from __future__ import annotations

from enum import Enum

from .._models import CozeModel

__all__ = ["Conversation", "FeedbackType", "File", "Section"]


class Conversation(CozeModel):
    """A conversation."""

    id: str = ""
    created_at: int | None = None
    updated_at: int | None = None
    meta_data: dict[str, str] | None = None
    last_section_id: str | None = None
    name: str | None = None
    creator_id: str | None = None
    connector_id: str | None = None


class Section(CozeModel):
    """A new context section (after ``conversations.clear``)."""

    id: str = ""
    conversation_id: str = ""


class FeedbackType(str, Enum):
    """Feedback on an answer."""

    LIKE = "like"
    UNLIKE = "unlike"


class File(CozeModel):
    """An uploaded file."""

    id: str = ""
    bytes: int | None = None
    file_name: str | None = None
    created_at: int | None = None

