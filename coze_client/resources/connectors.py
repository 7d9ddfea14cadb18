"""Connectors (publish channels): bind devices, add a channel to a workspace, and the review result of a bot
on a channel (pages 绑定设备, 添加发布平台, 更新审核结果)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from typing_extensions import Unpack

from .._models import OperationResult
from .._params import validate
from .._request import Endpoint
from ..errors import ValidationError
from ..types.connectors import AuditStatus, UserConfig
from ._base import APIResource, RequestOptions, as_dicts, done, options_of, require

__all__ = ["AsyncConnectorBots", "AsyncConnectors"]

BIND = Endpoint("POST", "/v1/connectors/{connector_id}/user_configs", idempotent=True)
INSTALL = Endpoint("POST", "/v1/connectors/{connector_id}/install", idempotent=True)
BOT_UPDATE = Endpoint("PUT", "/v1/connectors/{connector_id}/bots/{bot_id}")


class AsyncConnectorBots(APIResource):
    """``coze.connectors.bots``: the audit of bots published to your channel."""

    async def update(self, *, connector_id: str, bot_id: str, audit_status: AuditStatus | int,
                     reason: str | None = None, **options: Unpack[RequestOptions]) -> OperationResult:
        """Set a bot's review result on your channel (1 pending, 2 approved, 3 rejected: a reason is required).

        Args:
            connector_id: your channel's id.
            bot_id: the bot's id.
            audit_status: ``1`` pending, ``2`` approved, ``3`` rejected (or an ``AuditStatus``).
            reason: why; required when ``audit_status`` is 3 (rejected).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.connectors.bots.update(connector_id="7485...", bot_id="7342...",
                                              audit_status=3, reason="contains ads")
            ```
        """
        status = validate(AuditStatus, audit_status, "audit_status")
        if status is AuditStatus.REJECTED and not reason:
            raise ValidationError("reason is required when audit_status is 3 (rejected)")
        return await self._corridor.request(
            BOT_UPDATE, done,
            path_params={"connector_id": require("connector_id", connector_id), "bot_id": require("bot_id", bot_id)},
            json={"audit_status": int(status), "reason": reason}, options=options_of(options))


class AsyncConnectors(APIResource):
    """``coze.connectors`` and ``.bots``."""

    def __init__(self, corridor: Any) -> None:
        """Attach the sub-resources (``AsyncCoze`` builds the resources; you do not call this).

        Args:
            corridor: the client's request corridor (internal; use ``coze.connectors``).
        """
        super().__init__(corridor)
        self.bots = AsyncConnectorBots(corridor)

    async def bind(self, *, connector_id: str, configs: Sequence[UserConfig | Mapping[str, Any]],
                   user_id: str | None = None, **options: Unpack[RequestOptions]) -> OperationResult:
        """Bind devices to your custom channel (needs the binding enabled by Coze for the channel).

        Args:
            connector_id: your custom channel's id.
            configs: the device configurations: ``UserConfig`` items or dicts ``{"key": ..., "enums": [{"label": ...,
                "value": ...}]}``.
            user_id: the user the devices are bound for (``None``: omitted from the request).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.connectors.bind(connector_id="7485...", configs=[
                {"key": "device", "enums": [{"label": "Kitchen speaker", "value": "SN123"}]}])
            ```
        """
        return await self._corridor.request(
            BIND, done, path_params={"connector_id": require("connector_id", connector_id)},
            json={"configs": as_dicts("configs", configs, UserConfig), "user_id": user_id},
            options=options_of(options))

    async def install(self, *, connector_id: str, workspace_id: str,
                      **options: Unpack[RequestOptions]) -> OperationResult:
        """Add a publish channel (a public or your custom one) to a workspace.

        Args:
            connector_id: the channel's id.
            workspace_id: the workspace to add the channel to.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.connectors.install(connector_id="7485...", workspace_id="7350...")
            ```
        """
        return await self._corridor.request(
            INSTALL, done, path_params={"connector_id": require("connector_id", connector_id)},
            json={"workspace_id": require("workspace_id", workspace_id)}, options=options_of(options))
