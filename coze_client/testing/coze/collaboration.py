"""Collaboration mode and collaborators of bots, apps and workflows (one state for the three kinds)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from ._base import AreaBase

if TYPE_CHECKING:
    from .._core import Ctx


class CollaborationRoutes(AreaBase):
    """``/v1/{bots,apps,workflows}/{id}/collaboration_mode`` and ``.../collaborators``."""

    def _setup_collaboration(self) -> None:
        self.collaboration_modes: dict[tuple[str, str], str] = {}
        self.collaborators: dict[tuple[str, str], set[str]] = {}
        for kind in ("bots", "workflows"):
            self.route("POST", f"/v1/{kind}/{{eid}}/collaboration_mode", self._collab_mode)
        for kind in ("bots", "apps", "workflows"):
            self.route("POST", f"/v1/{kind}/{{eid}}/collaborators", self._collab_add)
            self.route("DELETE", f"/v1/{kind}/{{eid}}/collaborators/{{uid}}", self._collab_remove)

    @staticmethod
    def _collab_key(ctx: Ctx) -> tuple[str, str]:
        return ctx.path.split("/")[2], ctx.params["eid"]

    def collaboration_on(self, kind: str, entity_id: str) -> bool:
        """Apps are collaborative by nature; bots and workflows once switched on.

        Args:
            kind: the path segment of the entity: ``"bots"``, ``"workflows"`` or ``"apps"``.
            entity_id: the bot, workflow or app id.
        """
        return kind == "apps" or self.collaboration_modes.get((kind, entity_id)) == "collaboration"

    async def _collab_mode(self, ctx: Ctx) -> httpx.Response:
        mode = self.body_of(ctx).get("collaboration_mode")
        if mode not in ("single", "collaboration"):
            return self.bad("collaboration_mode must be single or collaboration")
        key = self._collab_key(ctx)
        if mode == "single" and self.collaborators.get(key):
            return self.error(4000, "remove every collaborator before turning collaboration off")
        self.collaboration_modes[key] = mode
        return self.ok(with_data=False)

    async def _collab_add(self, ctx: Ctx) -> httpx.Response:
        people: Any = self.body_of(ctx).get("collaborators")
        if not isinstance(people, list) or len(people) != 1 or not isinstance(people[0], dict) \
                or not people[0].get("user_id"):
            return self.bad("collaborators must hold exactly one {user_id}")
        kind, eid = self._collab_key(ctx)
        if not self.collaboration_on(kind, eid):
            return self.error(4000, "turn collaboration on first (collaboration_mode)")
        self.collaborators.setdefault((kind, eid), set()).add(str(people[0]["user_id"]))
        return self.ok(with_data=False)

    async def _collab_remove(self, ctx: Ctx) -> httpx.Response:
        people = self.collaborators.get(self._collab_key(ctx), set())
        if ctx.params["uid"] not in people:
            return self.missing("collaborator")
        people.discard(ctx.params["uid"])
        return self.ok(with_data=False)
