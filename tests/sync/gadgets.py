"""A resource the generator has not seen (the tests add it to ``AsyncCoze`` for a while)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from coze_client.resources._base import APIResource


class AsyncGadgets(APIResource):
    """``coze.gadgets``: a resource added after the last generation."""

    async def spin(self, *, speed: int) -> int:
        """Spin (async)."""
        return speed * 2

    def names(self) -> list[str]:
        """Names, at once."""
        return ["a", "b"]

    async def ticks(self, *, count: int) -> AsyncIterator[int]:
        """Tick ``count`` times (an async generator)."""
        for i in range(count):
            yield i
