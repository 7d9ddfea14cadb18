"""Apps (page 查看应用列表) and their collaborators."""

from __future__ import annotations

from typing import Any, Literal

from typing_extensions import Unpack

from .._params import validate
from .._request import Endpoint
from ..pagination import AsyncPaginator
from ..types.apps import App
from ..types.bots import BotPublishStatus
from ._base import APIResource, RequestOptions, number_pager, require
from .collaboration import AsyncAppCollaborators

__all__ = ["AsyncApps"]

LIST = Endpoint("GET", "/v1/apps")


class AsyncApps(APIResource):
    """``coze.apps`` and ``.collaborators``."""

    def __init__(self, corridor: Any) -> None:
        """Attach the sub-resources (``AsyncCoze`` builds the resources; you do not call this).

        Args:
            corridor: the client's request corridor (internal; use ``coze.apps``).
        """
        super().__init__(corridor)
        self.collaborators = AsyncAppCollaborators(corridor)

    def list(
        self, *, workspace_id: str,
        publish_status: BotPublishStatus
        | Literal["all", "published_online", "published_draft", "unpublished_draft"] | None = None,
        connector_id: str | None = None, page_num: int = 1, page_size: int = 20,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[App]:
        """Apps of a workspace. Sends the documented ``page_num`` (the official SDK sends ``page_index``).

        Args:
            workspace_id: the workspace's id.
            publish_status: ``"all"``, ``"published_online"``, ``"published_draft"`` or ``"unpublished_draft"`` (or a
                ``BotPublishStatus``); ``None``: the server's default.
            connector_id: only apps published on this channel (e.g. ``"1024"``, the API channel).
            page_num: the page to start at (1-based).
            page_size: items per page (>= 1).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async for app in coze.apps.list(workspace_id="7350..."):
                print(app.id, app.name, app.is_published)
            ```
        """
        status = validate(BotPublishStatus, publish_status, "publish_status").value if publish_status else None
        return number_pager(self._corridor, LIST, App.model_validate, "items",
                            {"workspace_id": require("workspace_id", workspace_id), "publish_status": status,
                             "connector_id": connector_id, "page_num": page_num, "page_size": page_size},
                            options)
