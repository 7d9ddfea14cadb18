"""Files (the Coze file upload page): upload one file (≤512 MB) and retrieve its record."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import IO

from typing_extensions import Unpack

from .._constants import MAX_UPLOAD_BYTES
from .._request import Endpoint
from ..errors import ValidationError
from ..types.conversations import File
from ._base import APIResource, RequestOptions, options_of, require

__all__ = ["AsyncFiles", "FileInput", "read_file_input"]

FileInput = str | os.PathLike[str] | bytes | IO[bytes] | tuple[str, bytes]

UPLOAD = Endpoint("POST", "/v1/files/upload", groups=("upload",), idempotent=False,
                  max_body=MAX_UPLOAD_BYTES + 64 * 1024)
RETRIEVE = Endpoint("GET", "/v1/files/retrieve")


def _read_path(path: Path, limit: int) -> bytes:
    if not path.is_file():
        raise ValidationError(f"no such file: {path}")
    size = path.stat().st_size
    if size > limit:
        raise ValidationError(f"{path.name} is {size} bytes; the limit is {limit} bytes")
    with path.open("rb") as fh:  # closed after use (cozepy leaks the handle, §9.8)
        return fh.read()


async def read_file_input(file: FileInput, *, limit: int = MAX_UPLOAD_BYTES,
                          name: str | None = None) -> tuple[str, bytes]:
    """Resolve a path, bytes, binary file object or ``(name, bytes)`` into ``(name, content)``.

    Disk reads run in a worker thread so the event loop never blocks.

    Args:
        file: a path (``str`` or ``os.PathLike``), ``bytes``, a file object opened in binary mode, or a ``(name,
            bytes)`` tuple.
        limit: the largest accepted size in bytes (default ``MAX_UPLOAD_BYTES``, the upload limit); larger is a
            ``ValidationError``.
        name: the file name to report (default: the path's or file object's name, else ``"file"``); a tuple's own name
            wins.
    """
    if isinstance(file, tuple):
        if len(file) != 2 or not isinstance(file[0], str) or not isinstance(file[1], (bytes, bytearray)):
            raise ValidationError("a file tuple must be (name, bytes)")
        fname, content = file[0], bytes(file[1])
    elif isinstance(file, (bytes, bytearray)):
        fname, content = name or "file", bytes(file)
    elif isinstance(file, (str, os.PathLike)):
        path = Path(file)
        content = await asyncio.to_thread(_read_path, path, limit)
        fname = name or path.name
    elif hasattr(file, "read"):
        content = await asyncio.to_thread(file.read)
        if isinstance(content, str):
            raise ValidationError("file objects must be opened in binary mode")
        fname = name or os.path.basename(str(getattr(file, "name", "") or "file"))
    else:
        raise ValidationError(f"unsupported file input: {type(file).__name__}")
    if not content:
        raise ValidationError("the file is empty (the service answers 4300)")
    if len(content) > limit:
        raise ValidationError(f"{fname} is {len(content)} bytes; the limit is {limit} bytes")
    return fname, content


class AsyncFiles(APIResource):
    """``coze.files``."""

    async def upload(self, *, file: FileInput, **options: Unpack[RequestOptions]) -> File:
        """Upload one file (path, bytes, binary file object or ``(name, bytes)``); ≤512 MB.

        Args:
            file: a path, bytes, or an open binary file (read in a thread; at most 512 MB).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            f = await coze.files.upload(file="report.pdf")
            f.id
            ```
        """
        fname, content = await read_file_input(file)
        return await self._corridor.request(
            UPLOAD, File.model_validate, files={"file": (fname, content)},
            options=options_of(options),
        )

    async def retrieve(self, *, file_id: str, **options: Unpack[RequestOptions]) -> File:
        """The record of an uploaded file.

        Args:
            file_id: the file's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            f = await coze.files.retrieve(file_id="7351...")
            ```
        """
        return await self._corridor.request(RETRIEVE, File.model_validate,
                                            params={"file_id": require("file_id", file_id)},
                                            options=options_of(options))

