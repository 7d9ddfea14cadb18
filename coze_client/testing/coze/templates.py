"""Template duplication and resource copy tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from ._base import AreaBase

if TYPE_CHECKING:
    from .._core import Ctx


class TemplateRoutes(AreaBase):
    """``/v1/templates/{id}/duplicate`` and ``/v1/entities/copy_tasks``."""

    def _setup_templates(self) -> None:
        self.copy_tasks: dict[str, dict[str, Any]] = {}
        self.route("POST", "/v1/templates/{tid}/duplicate", self._template_duplicate)
        self.route("POST", "/v1/entities/copy_tasks", self._copy_create)
        self.route("GET", "/v1/entities/copy_tasks/{task}", self._copy_result)

    async def _template_duplicate(self, ctx: Ctx) -> httpx.Response:
        body = self.body_of(ctx)
        if body.get("workspace_id") not in self.workspaces:
            return self.bad("workspace_id must be a workspace you belong to")
        bot_id = self.new_id()
        self.bot(bot_id, name=str(body.get("name") or f"template {ctx.params['tid']}"))
        return self.ok({"entity_id": bot_id, "entity_type": "agent"})

    def _copy_of(self, entity_type: str, entity_id: str) -> str | None:
        if entity_type == "bot" and entity_id in self.bots:
            source = self.bots[entity_id]
            new = self.new_id()
            self.bot(new, replies=source.replies, name=source.name, description=source.description)
            return new
        if entity_type == "workflow" and entity_id in self.workflows:
            new = self.new_id()
            self.workflows[new] = self.workflows[entity_id]
            return new
        if entity_type == "app" and entity_id in self.apps:
            new = self.new_id()
            self.apps[new] = {**self.apps[entity_id], "id": new, "is_published": False}
            return new
        return None

    async def _copy_create(self, ctx: Ctx) -> httpx.Response:
        body = self.body_of(ctx)
        kind, eid, target = body.get("entity_type"), str(body.get("entity_id") or ""), body.get("to_workspace_id")
        if kind not in ("bot", "app", "workflow") or not eid:
            return self.bad("entity_type (bot | app | workflow) and entity_id are required")
        if target is not None and target not in self.workspaces:
            return self.bad("to_workspace_id must be a workspace you belong to")
        copied = self._copy_of(kind, eid)
        if kind == "bot" and target is None:  # the synchronous case of the page
            return self.ok({"copied_entity_id": copied}) if copied else self.missing("bot")
        task_id = self.new_id()
        task: dict[str, Any] = {"task_id": task_id, "entity_type": kind, "source_entity_id": eid,
                                "target_workspace_id": target or self.workspace_id}
        if copied:
            task.update(task_status="successful", target_entity_id=copied)
        else:
            task.update(task_status="failed", failed_reasons=[
                {"entity_id": eid, "entity_name": "", "entity_type": kind, "failed_reason": "resource not found"}])
        self.copy_tasks[task_id] = task
        return self.ok({"task_id": task_id})

    async def _copy_result(self, ctx: Ctx) -> httpx.Response:
        task = self.copy_tasks.get(ctx.params["task"])
        return self.ok(task) if task is not None else self.missing("copy task")
