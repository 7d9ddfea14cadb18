"""Collaboration mode and collaborators of bots, apps and workflows: the same three endpoints per kind.

Pages: 开启或关闭智能体多人协作, 添加/删除智能体的协作者, 添加/删除应用的协作者, 开启或关闭工作流多人协作,
添加/删除工作流协作者. The service takes one collaborator per call (enterprise plans only).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from typing_extensions import Unpack

from .._models import OperationResult
from .._params import validate
from .._request import Endpoint
from .._transport import Corridor
from ..types.bot_management import CollaborationMode, Collaborator
from ._base import APIResource, RequestOptions, as_dicts, done, options_of, require

__all__ = ["AsyncAppCollaborators", "AsyncBotCollaborationModes", "AsyncBotCollaborators",
           "AsyncWorkflowCollaborationModes", "AsyncWorkflowCollaborators"]

CollaboratorsArg = str | Collaborator | Mapping[str, Any] | Sequence[str | Collaborator | Mapping[str, Any]]


def _endpoints(kind: str, id_name: str) -> tuple[Endpoint, Endpoint, Endpoint]:
    base = f"/v1/{kind}/{{{id_name}}}"
    return (Endpoint("POST", base + "/collaboration_mode", idempotent=True),
            Endpoint("POST", base + "/collaborators"),
            Endpoint("DELETE", base + "/collaborators/{user_id}"))


BOT_MODE, BOT_ADD, BOT_REMOVE = _endpoints("bots", "bot_id")
APP_MODE, APP_ADD, APP_REMOVE = _endpoints("apps", "app_id")
WF_MODE, WF_ADD, WF_REMOVE = _endpoints("workflows", "workflow_id")


def _people(collaborators: CollaboratorsArg) -> list[dict[str, Any]]:
    if isinstance(collaborators, str):
        collaborators = [{"user_id": collaborators}]
    items = [{"user_id": c} if isinstance(c, str) else c for c in collaborators] \
        if isinstance(collaborators, (list, tuple)) else collaborators
    return as_dicts("collaborators", items, Collaborator, limit=1)


async def _mode(corridor: Corridor, endpoint: Endpoint, id_name: str, entity_id: str, mode: Any,
                options: RequestOptions) -> OperationResult:
    value = validate(CollaborationMode, mode, "collaboration_mode").value
    return await corridor.request(endpoint, done, path_params={id_name: require(id_name, entity_id)},
                                  json={"collaboration_mode": value}, options=options_of(options))


async def _add(corridor: Corridor, endpoint: Endpoint, id_name: str, entity_id: str,
               collaborators: CollaboratorsArg, options: RequestOptions) -> OperationResult:
    return await corridor.request(endpoint, done, path_params={id_name: require(id_name, entity_id)},
                                  json={"collaborators": _people(collaborators)}, options=options_of(options))


async def _remove(corridor: Corridor, endpoint: Endpoint, id_name: str, entity_id: str, user_id: str,
                  options: RequestOptions) -> OperationResult:
    return await corridor.request(endpoint, done, path_params={id_name: require(id_name, entity_id),
                                                               "user_id": require("user_id", user_id)},
                                  options=options_of(options))


class AsyncBotCollaborationModes(APIResource):
    """``coze.bots.collaboration_modes``."""

    async def update(self, *, bot_id: str, collaboration_mode: CollaborationMode | str,
                     **options: Unpack[RequestOptions]) -> OperationResult:
        """Turn multi-person collaboration on (``"collaboration"``) or off (``"single"``; remove collaborators first).

        Args:
            bot_id: the bot's id.
            collaboration_mode: ``"collaboration"`` (on) or ``"single"`` (off), or a ``CollaborationMode``.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.bots.collaboration_modes.update(bot_id="7342...",
                                                       collaboration_mode="collaboration")
            ```
        """
        return await _mode(self._corridor, BOT_MODE, "bot_id", bot_id, collaboration_mode, options)


class AsyncBotCollaborators(APIResource):
    """``coze.bots.collaborators``."""

    async def create(self, *, bot_id: str, collaborators: CollaboratorsArg,
                     **options: Unpack[RequestOptions]) -> OperationResult:
        """Add one collaborator (a user id, ``{"user_id": ...}`` or a list of one; a workspace member).

        Args:
            bot_id: the bot's id.
            collaborators: the one collaborator: a user id, ``{"user_id": ...}`` or a list of one of those.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.bots.collaborators.create(bot_id="7342...", collaborators="5524...")
            ```
        """
        return await _add(self._corridor, BOT_ADD, "bot_id", bot_id, collaborators, options)

    async def delete(self, *, bot_id: str, user_id: str, **options: Unpack[RequestOptions]) -> OperationResult:
        """Remove one collaborator.

        Args:
            bot_id: the bot's id.
            user_id: the collaborator's user id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.bots.collaborators.delete(bot_id="7342...", user_id="5524...")
            ```
        """
        return await _remove(self._corridor, BOT_REMOVE, "bot_id", bot_id, user_id, options)


class AsyncAppCollaborators(APIResource):
    """``coze.apps.collaborators``."""

    async def create(self, *, app_id: str, collaborators: CollaboratorsArg,
                     **options: Unpack[RequestOptions]) -> OperationResult:
        """Add one collaborator to a low-code app.

        Args:
            app_id: the app's id.
            collaborators: the one collaborator: a user id, ``{"user_id": ...}`` or a list of one of those.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.apps.collaborators.create(app_id="7535...", collaborators="5524...")
            ```
        """
        return await _add(self._corridor, APP_ADD, "app_id", app_id, collaborators, options)

    async def delete(self, *, app_id: str, user_id: str, **options: Unpack[RequestOptions]) -> OperationResult:
        """Remove one collaborator (their workflows and plugins pass to the app's owner).

        Args:
            app_id: the app's id.
            user_id: the collaborator's user id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.apps.collaborators.delete(app_id="7535...", user_id="5524...")
            ```
        """
        return await _remove(self._corridor, APP_REMOVE, "app_id", app_id, user_id, options)


class AsyncWorkflowCollaborationModes(APIResource):
    """``coze.workflows.collaboration_modes``."""

    async def update(self, *, workflow_id: str, collaboration_mode: CollaborationMode | str,
                     **options: Unpack[RequestOptions]) -> OperationResult:
        """Turn a workflow's multi-person collaboration on or off.

        Args:
            workflow_id: the workflow's id.
            collaboration_mode: ``"collaboration"`` (on) or ``"single"`` (off), or a ``CollaborationMode``.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.workflows.collaboration_modes.update(workflow_id="7350...",
                                                            collaboration_mode="collaboration")
            ```
        """
        return await _mode(self._corridor, WF_MODE, "workflow_id", workflow_id, collaboration_mode, options)


class AsyncWorkflowCollaborators(APIResource):
    """``coze.workflows.collaborators``."""

    async def create(self, *, workflow_id: str, collaborators: CollaboratorsArg,
                     **options: Unpack[RequestOptions]) -> OperationResult:
        """Add one collaborator to a workflow.

        Args:
            workflow_id: the workflow's id.
            collaborators: the one collaborator: a user id, ``{"user_id": ...}`` or a list of one of those.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.workflows.collaborators.create(workflow_id="7350...",
                                                      collaborators="5524...")
            ```
        """
        return await _add(self._corridor, WF_ADD, "workflow_id", workflow_id, collaborators, options)

    async def delete(self, *, workflow_id: str, user_id: str, **options: Unpack[RequestOptions]) -> OperationResult:
        """Remove one collaborator.

        Args:
            workflow_id: the workflow's id.
            user_id: the collaborator's user id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.workflows.collaborators.delete(workflow_id="7350...", user_id="5524...")
            ```
        """
        return await _remove(self._corridor, WF_REMOVE, "workflow_id", workflow_id, user_id, options)
