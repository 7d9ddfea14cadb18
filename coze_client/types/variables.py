"""User variables (pages 设置用户变量的值, 获取用户变量的值)."""

from __future__ import annotations

from .._models import CozeModel
from ._common import RequestItem

__all__ = ["VariableInput", "VariableValue"]


class VariableValue(CozeModel):
    """A variable's value for one end user."""

    keyword: str | None = None
    value: str | None = None
    create_time: int | None = None
    update_time: int | None = None


class VariableInput(RequestItem):
    """A value to set."""

    keyword: str
    value: str
