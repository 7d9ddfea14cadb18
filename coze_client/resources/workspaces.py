"""Workspaces (the Coze bot, user and workspace pages)."""

from __future__ import annotations

from typing import Any

from .._request import Endpoint
from .._transport import TimeoutTypes
from ..errors import ValidationError
from ..pagination import AsyncPaginator, Page, number_page
from ..types.workspaces import Workspace
from ._base import APIResource, opts

__all__ = ["AsyncWorkspaces"]

LIST = Endpoint("GET", "/v1/workspaces")


class AsyncWorkspaces(APIResource):
    """``coze.workspaces``."""

    def list(
        self, *, page_num: int = 1, page_size: int = 20, user_id: str | None = None,
        coze_account_id: str | None = None, timeout: TimeoutTypes = None, max_retries: int | None = None,
    ) -> AsyncPaginator[Workspace]:
        """Workspaces you belong to (page number + ``total_count``).

        Args:
            page_num: the page to fetch, from 1 (iterate the result for every page).
            page_size: items per page (the endpoint's documented range applies).
            user_id: passed as the service's ``user_id`` query parameter (a filter).
            coze_account_id: passed as the service's ``coze_account_id`` query parameter (a filter).
            timeout: this call's timeout (seconds or ``httpx.Timeout``; default: the client's).
            max_retries: this call's retries (default: the client's).

        Examples:
            ```python
            async for ws in coze.workspaces.list():
                print(ws.id, ws.name, ws.role_type)
            ```
        """
        if page_num < 1 or page_size < 1:
            raise ValidationError("page_num and page_size must be >= 1")
        options = opts(timeout, max_retries)
        corridor = self._corridor

        async def fetch(params: dict[str, Any]) -> Page[Workspace]:
            def cast(payload: Any) -> Page[Workspace]:
                payload = payload or {}
                items = [Workspace.model_validate(w) for w in payload.get("workspaces") or []]
                return number_page(items, payload, params, default_size=page_size)

            return await corridor.request(LIST, cast, params=params, options=options)

        return AsyncPaginator(fetch, {"page_num": page_num, "page_size": page_size, "user_id": user_id,
                                      "coze_account_id": coze_account_id})
