"""Template duplication and resource copy tasks (pages 复制资源, 查询资源复制的结果)."""

from __future__ import annotations

from pydantic import Field

from .._models import CozeModel
from ._common import Id

__all__ = ["CopyFailedReason", "CopyTask", "CopyTaskStarted", "TemplateDuplicate"]


class TemplateDuplicate(CozeModel):
    """The entity a template was duplicated into (``entity_type`` is ``agent`` today)."""

    entity_id: Id = None
    entity_type: str | None = None


class CopyTaskStarted(CozeModel):
    """A resource copy: ``copied_entity_id`` when it finished at once (a bot in its own workspace),
    else a ``task_id`` to follow with ``copy_tasks.retrieve``."""

    task_id: Id = None
    copied_entity_id: Id = None

    @property
    def is_done(self) -> bool:
        """True when the copy finished synchronously."""
        return bool(self.copied_entity_id)


class CopyFailedReason(CozeModel):
    """Why one resource of a copy failed."""

    entity_id: Id = None
    entity_name: str | None = None
    entity_type: str | None = None
    failed_reason: str | None = None


class CopyTask(CozeModel):
    """A copy task: ``task_status`` is in_progress, successful or failed."""

    task_id: Id = None
    entity_type: str | None = None
    task_status: str | None = None
    failed_reasons: list[CopyFailedReason] = Field(default_factory=list)
    source_entity_id: Id = None
    target_entity_id: Id = None
    target_workspace_id: Id = None

    @property
    def is_final(self) -> bool:
        """True once the task succeeded or failed."""
        return self.task_status in ("successful", "failed")
