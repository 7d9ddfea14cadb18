"""Paid plugins of the plugin store (pages 查询付费插件列表, 查询插件分类, 查询插件详情, 批量查询插件信息,
调用插件工具). No official SDK has these endpoints."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from .._models import CozeModel
from ._common import Id

__all__ = ["PluginCategory", "PluginDetail", "PluginTool", "PluginToolResult", "StorePlugin"]


class PluginCategory(CozeModel):
    """A plugin store category."""

    id: Id = None
    name: str | None = None


class StorePlugin(CozeModel):
    """A paid plugin as the store lists it: ``metainfo`` (name, ``entity_id`` = the plugin id, ...)
    and ``plugin_info`` (heat, call count, success rate, ...)."""

    metainfo: dict[str, Any] = Field(default_factory=dict)
    plugin_info: dict[str, Any] = Field(default_factory=dict)

    @property
    def plugin_id(self) -> str | None:
        """The plugin id to pass to ``plugins.retrieve`` and ``plugins.call``."""
        value = self.metainfo.get("entity_id")
        return None if value is None else str(value)

    @property
    def name(self) -> str | None:
        """The plugin's name."""
        return self.metainfo.get("name")


class PluginTool(CozeModel):
    """A tool of a plugin, with its input and output JSON schemas."""

    tool_id: Id = None
    name: str | None = None
    description: str | None = None
    input_schema: dict[str, Any] | None = Field(default=None, alias="inputSchema")
    output_schema: dict[str, Any] | None = Field(default=None, alias="outputSchema")


class PluginDetail(CozeModel):
    """A plugin's details: its tools and, for paid plugins, an MCP server configuration."""

    plugin_id: Id = None
    name: str | None = None
    name_for_model: str | None = None
    description: str | None = None
    icon_url: str | None = None
    is_call_available: bool | None = None
    created_at: int | None = None
    updated_at: int | None = None
    mcp_json: str | None = None
    tools: list[PluginTool] = Field(default_factory=list)


class PluginToolResult(CozeModel):
    """What a plugin tool returned (its shape is the tool's own)."""

    result: Any = None
