"""User variables of a bot or app, per end user (pages 设置用户变量的值, 获取用户变量的值)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from typing_extensions import Unpack

from .._models import ListResult, OperationResult
from .._request import Endpoint
from ..errors import ValidationError
from ..types.variables import VariableInput, VariableValue
from ._base import APIResource, RequestOptions, as_dicts, done, options_of, require

__all__ = ["AsyncVariables"]

RETRIEVE = Endpoint("GET", "/v1/variables")
UPDATE = Endpoint("PUT", "/v1/variables")


def _owner(app_id: str | None, bot_id: str | None) -> dict[str, str | None]:
    if (app_id is None) == (bot_id is None):
        raise ValidationError("give exactly one of app_id and bot_id")
    return {"app_id": app_id, "bot_id": bot_id}


class AsyncVariables(APIResource):
    """``coze.variables``."""

    async def retrieve(self, *, connector_uid: str, keywords: Sequence[str] | str | None = None,
                       app_id: str | None = None, bot_id: str | None = None, connector_id: str | None = None,
                       **options: Unpack[RequestOptions]) -> ListResult[VariableValue]:
        """Values of an end user's variables (all of them when ``keywords`` is empty).

        Args:
            connector_uid: the end user's id on the channel (the ``user_id`` your chats send).
            keywords: the variable names to read (one string is a list of one); ``None`` or empty: all of them.
            app_id: the app that owns the variables; give exactly one of ``app_id`` and ``bot_id``.
            bot_id: the bot that owns the variables.
            connector_id: the channel the end user is on (``None``: not sent; the service's default applies).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            values = await coze.variables.retrieve(bot_id="7342...", connector_uid="u1",
                                                   keywords=["city"])
            ```
        """
        if isinstance(keywords, str):
            keywords = [keywords]
        params = {**_owner(app_id, bot_id), "connector_id": connector_id,
                  "connector_uid": require("connector_uid", connector_uid),
                  "keywords": ",".join(keywords) if keywords else None}

        def cast(payload: Any) -> ListResult[VariableValue]:
            items = payload.get("items") if isinstance(payload, Mapping) else None
            return ListResult(VariableValue.model_validate(v) for v in items or [])

        return await self._corridor.request(RETRIEVE, cast, params=params, options=options_of(options))

    async def update(self, *, connector_uid: str,
                     data: Sequence[VariableInput | Mapping[str, str]] | Mapping[str, str],
                     app_id: str | None = None, bot_id: str | None = None, connector_id: str | None = None,
                     **options: Unpack[RequestOptions]) -> OperationResult:
        """Set an end user's variables: a ``{keyword: value}`` dict or a list of ``{keyword, value}``.

        Args:
            connector_uid: the end user's id on the channel (the ``user_id`` your chats send).
            data: the values: a ``{keyword: value}`` dict, or a list of ``VariableInput`` / ``{"keyword": ...,
                "value": ...}`` dicts.
            app_id: the app that owns the variables; give exactly one of ``app_id`` and ``bot_id``.
            bot_id: the bot that owns the variables.
            connector_id: the channel the end user is on (``None``: not sent; the service's default applies).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.variables.update(bot_id="7342...", connector_uid="u1",
                                        data={"city": "Hangzhou"})
            ```
        """
        if isinstance(data, Mapping) and "keyword" not in data:
            data = [{"keyword": k, "value": v} for k, v in data.items()]
        body = {**_owner(app_id, bot_id), "connector_id": connector_id,
                "connector_uid": require("connector_uid", connector_uid),
                "data": as_dicts("data", data, VariableInput)}
        return await self._corridor.request(UPDATE, done, json=body, options=options_of(options))
