"""Folders of a workspace (pages 查询文件夹列表, 查询文件夹详情)."""

from __future__ import annotations

from typing import Literal

from typing_extensions import Unpack

from .._params import validate
from .._request import Endpoint
from ..pagination import AsyncPaginator
from ..types.folders import Folder, FolderType
from ._base import APIResource, RequestOptions, number_pager, options_of, require

__all__ = ["AsyncFolders"]

LIST = Endpoint("GET", "/v1/folders")
RETRIEVE = Endpoint("GET", "/v1/folders/{folder_id}")


class AsyncFolders(APIResource):
    """``coze.folders``."""

    def list(self, *, workspace_id: str, folder_type: FolderType | Literal["development", "library"],
             parent_folder_id: str | None = None, page_num: int = 1, page_size: int = 20,
             **options: Unpack[RequestOptions]) -> AsyncPaginator[Folder]:
        """Folders of a workspace's development or library tree (children of ``parent_folder_id``).

        Args:
            workspace_id: the workspace's id.
            folder_type: ``"development"`` or ``"library"`` (or a ``FolderType``): which tree.
            parent_folder_id: list the children of this folder (``None``: the tree's top level).
            page_num: the page to start at (1-based).
            page_size: items per page (>= 1).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async for f in coze.folders.list(workspace_id="7350...", folder_type="library"):
                print(f.id, f.name)
            ```
        """
        kind = validate(FolderType, folder_type, "folder_type").value
        return number_pager(self._corridor, LIST, Folder.model_validate, "items",
                            {"workspace_id": require("workspace_id", workspace_id), "folder_type": kind,
                             "parent_folder_id": parent_folder_id, "page_num": page_num, "page_size": page_size},
                            options)

    async def retrieve(self, *, folder_id: str, **options: Unpack[RequestOptions]) -> Folder:
        """One folder.

        Args:
            folder_id: the folder's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            (await coze.folders.retrieve(folder_id="7460...")).name
            ```
        """
        return await self._corridor.request(RETRIEVE, Folder.model_validate,
                                            path_params={"folder_id": require("folder_id", folder_id)},
                                            options=options_of(options))
