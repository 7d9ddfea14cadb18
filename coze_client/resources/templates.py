"""Templates and resource copies (pages 复制资源, 查询资源复制的结果; template duplication is in the SDK)."""

from __future__ import annotations

from typing import Literal

from typing_extensions import Unpack

from .._request import Endpoint
from ..errors import ValidationError
from ..types.templates import CopyTask, CopyTaskStarted, TemplateDuplicate
from ._base import APIResource, RequestOptions, options_of, require

__all__ = ["AsyncCopyTasks", "AsyncTemplates"]

DUPLICATE = Endpoint("POST", "/v1/templates/{template_id}/duplicate")
COPY = Endpoint("POST", "/v1/entities/copy_tasks")
COPY_RESULT = Endpoint("GET", "/v1/entities/copy_tasks/{task_id}")


class AsyncTemplates(APIResource):
    """``coze.templates``."""

    async def duplicate(self, *, template_id: str, workspace_id: str, name: str | None = None,
                        **options: Unpack[RequestOptions]) -> TemplateDuplicate:
        """Copy a store template into a workspace (as an agent).

        Args:
            template_id: the store template's id.
            workspace_id: the workspace to copy it into.
            name: the copy's name (``None``: the template's).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            t = await coze.templates.duplicate(template_id="7497...", workspace_id="7350...")
            t.entity_id, t.entity_type
            ```
        """
        body = {"workspace_id": require("workspace_id", workspace_id), "name": name}
        return await self._corridor.request(DUPLICATE, TemplateDuplicate.model_validate,
                                            path_params={"template_id": require("template_id", template_id)},
                                            json=body, options=options_of(options))


class AsyncCopyTasks(APIResource):
    """``coze.copy_tasks``: copy a bot, app or workflow, in its workspace or to another of the same team."""

    async def create(self, *, entity_id: str, entity_type: Literal["bot", "app", "workflow"],
                     to_workspace_id: str | None = None, **options: Unpack[RequestOptions]) -> CopyTaskStarted:
        """Start a copy: a bot in its own workspace is copied at once (``copied_entity_id``); the rest run as
        a task (``task_id``, follow it with `retrieve`).

        Args:
            entity_id: the id of the bot, app or workflow to copy.
            entity_type: ``"bot"``, ``"app"`` or ``"workflow"``.
            to_workspace_id: the workspace to copy into, of the same team (``None``: the entity's own workspace).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            started = await coze.copy_tasks.create(entity_id="7530...", entity_type="workflow")
            task = await coze.copy_tasks.retrieve(task_id=started.task_id)
            ```
        """
        if entity_type not in ("bot", "app", "workflow"):
            raise ValidationError("entity_type must be bot, app or workflow")
        body = {"entity_id": require("entity_id", entity_id), "entity_type": entity_type,
                "to_workspace_id": to_workspace_id}
        return await self._corridor.request(COPY, CopyTaskStarted.model_validate, json=body,
                                            options=options_of(options))

    async def retrieve(self, *, task_id: str, **options: Unpack[RequestOptions]) -> CopyTask:
        """The state of a copy task (``task_status``: in_progress, successful or failed).

        Args:
            task_id: the ``task_id`` that `create` returned.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            (await coze.copy_tasks.retrieve(task_id="123e...")).task_status
            ```
        """
        return await self._corridor.request(COPY_RESULT, CopyTask.model_validate,
                                            path_params={"task_id": require("task_id", task_id)},
                                            options=options_of(options))
