"""Audio sources read in chunks (never a whole file in memory), and text split to the 1024-byte rule."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterable, AsyncIterator, Iterable
from typing import IO, Union

__all__ = ["DEFAULT_CHUNK_SIZE", "TEXT_LIMIT_BYTES", "AudioSource", "iter_audio", "split_text"]

# 32 KiB of audio per frame (about 1 s of 16 kHz 16-bit mono PCM): small enough to keep latency and
# memory low, large enough that base64 + JSON framing stays a few percent of the traffic.
DEFAULT_CHUNK_SIZE = 32 * 1024
# coze-api.md §7 / §2.1 code 3010: speech text is limited to 1024 bytes (UTF-8) per request.
TEXT_LIMIT_BYTES = 1024
_BREAKS = "\n。！？!?；;，,、 \t"

AudioSource = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]", IO[bytes], Iterable[bytes],
                    AsyncIterable[bytes]]


async def iter_audio(source: AudioSource, chunk_size: int = DEFAULT_CHUNK_SIZE) -> AsyncIterator[bytes]:
    """Yield ``source`` in chunks of at most ``chunk_size`` bytes.

    ``source`` is bytes, a file path, a binary file object, or a (sync or async) iterable of bytes.
    Files are read in a worker thread, one chunk at a time, so neither the event loop blocks nor the
    file is held in memory.

    Args:
        source: bytes (or ``bytearray``/``memoryview``), a file path (``str`` or path-like), a binary file
            object (read, not closed), or a sync or async iterable of bytes (pieces longer than ``chunk_size``
            are cut).
        chunk_size: the most bytes per chunk (positive; default 32 KiB).

    Examples:
        ```python
        async def sizes():
            return [len(c) async for c in iter_audio(b"x" * 10, 4)]  # [4, 4, 2]
        ```
    """
    if chunk_size <= 0:
        raise ValueError("chunk_size must be > 0")
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        for start in range(0, len(data), chunk_size):
            yield data[start:start + chunk_size]
        return
    if isinstance(source, (str, os.PathLike)):
        handle = await asyncio.to_thread(open, source, "rb")
        try:
            while chunk := await asyncio.to_thread(handle.read, chunk_size):
                yield chunk
        finally:
            await asyncio.to_thread(handle.close)
        return
    if hasattr(source, "read"):
        reader = source
        while chunk := await asyncio.to_thread(reader.read, chunk_size):
            yield chunk
        return
    if hasattr(source, "__aiter__"):
        async for piece in source:  # type: ignore[union-attr]
            for start in range(0, len(piece), chunk_size):
                yield bytes(piece[start:start + chunk_size])
        return
    for piece in source:  # type: ignore[union-attr]
        for start in range(0, len(piece), chunk_size):
            yield bytes(piece[start:start + chunk_size])


def split_text(text: str, limit: int = TEXT_LIMIT_BYTES) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` UTF-8 bytes, at sentence or word breaks when possible.

    A character is never cut in half.

    Args:
        text: the text to split.
        limit: the most UTF-8 bytes per piece (default 1024, the realtime text limit).

    Examples:
        ```python
        [len(p.encode()) for p in split_text("ab. " * 300)]
        # [1024, 176]
        split_text("你好。" * 200, 30)[0]
        # '你好。你好。你好。'
        ```
    """
    pieces: list[str] = []
    rest = text
    while len(rest.encode("utf-8")) > limit:
        head = rest.encode("utf-8")[:limit].decode("utf-8", "ignore")
        cut = max(head.rfind(ch) for ch in _BREAKS)
        if cut + 1 >= len(head) // 2:
            head = head[:cut + 1]
        pieces.append(head)
        rest = rest[len(head):]
    if rest:
        pieces.append(rest)
    return pieces
