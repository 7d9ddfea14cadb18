"""FakeCoze area. File upload and retrieve."""

from __future__ import annotations

from typing import Any

import httpx

from .._core import Ctx
from ._base import AreaBase


class FileRoutes(AreaBase):
    """File upload and retrieve."""

    def _setup_files(self) -> None:
        r = self.route
        r("POST", "/v1/files/upload", self._file_upload)
        r("GET", "/v1/files/retrieve", self._file_retrieve)

    # -- files ----------------------------------------------------------------------------------
    async def _file_upload(self, ctx: Ctx) -> httpx.Response:
        files = ctx.rec.files
        if not files or not files[0].content:
            return self.error(4300, "the uploaded file is empty")
        if len(files) > 1:
            return self.error(4301, "only one file can be uploaded per request")
        upload = files[0]
        if upload.size > self.upload_limit:
            return self.error(4302, f"file is larger than {self.upload_limit} bytes")
        info: dict[str, Any] = {
            "id": self.new_id(),
            "bytes": upload.size,
            "file_name": upload.filename or "file",
            "created_at": self.now(),
        }
        self.files[info["id"]] = dict(info, _content=upload.content)
        return self.ok(info)

    async def _file_retrieve(self, ctx: Ctx) -> httpx.Response:
        info = self.files.get(ctx.query.get("file_id", ""))
        return self.ok(self._public(info)) if info else self.error(4200, "resource not found")
