"""What every FakeCoze area mixin relies on: the server's envelope, ids, clock and paging helpers."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any

import httpx

from ._interface import CozeInterface

if TYPE_CHECKING:
    from .._core import Ctx

Handler = Callable[["Ctx"], Coroutine[Any, Any, httpx.Response]]


class AreaBase(CozeInterface):
    """Base of the area mixins: shared helpers (FakeCoze's interface comes from CozeInterface)."""

    # -- helpers ---------------------------------------------------------------------------------
    def bad(self, what: str) -> httpx.Response:
        """4000 invalid parameter.

        Args:
            what: what is wrong, appended to the message.
        """
        return self.error(4000, f"invalid parameter: {what}")

    def missing(self, what: str = "resource") -> httpx.Response:
        """4200 not found.

        Args:
            what: what was not found (``"<what> not found"``).
        """
        return self.error(4200, f"{what} not found")

    @staticmethod
    def body_of(ctx: Ctx) -> dict[str, Any]:
        """The JSON body as a dict ({} when absent or not an object).

        Args:
            ctx: the request being handled.
        """
        body = ctx.json
        return body if isinstance(body, dict) else {}

    def number_page(self, items: Sequence[Any], q: dict[str, str], *, default: int = 20, max_size: int = 50,
                    total_key: str = "total", items_key: str = "items", num_key: str = "page_num",
                    has_more: bool = False) -> httpx.Response:
        """A page-number page with the list under ``items_key`` and the count under ``total_key``.

        Args:
            items: every item, in order.
            q: the request's query (``page_size`` and ``num_key`` are read; 4000 when not integers or out of range).
            default: the page size when the query has none.
            max_size: the largest page size accepted.
            total_key: the key of the item count.
            items_key: the key of the page's list.
            num_key: the query key of the page number (1-based).
            has_more: answer ``has_more`` instead of the count.
        """
        try:
            num, size = int(q.get(num_key, 1)), int(q.get("page_size", default))
        except ValueError:
            return self.bad(f"{num_key} and page_size must be integers")
        if num < 1 or not 1 <= size <= max_size:
            return self.bad(f"page_size must be 1..{max_size}")
        start = (num - 1) * size
        data: dict[str, Any] = {items_key: list(items[start:start + size])}
        if has_more:
            data["has_more"] = start + size < len(items)
        else:
            data[total_key] = len(items)
        return self.ok(data)

    def token_page(self, items: Sequence[Any], q: dict[str, str], *, default: int = 20, max_size: int = 200,
                   items_key: str = "items", token_key: str = "next_page_token") -> httpx.Response:
        """A page-token page (the token is the next offset).

        Args:
            items: every item, in order.
            q: the request's query (``page_token`` and ``page_size`` are read).
            default: the page size when the query has none.
            max_size: the largest page size accepted.
            items_key: the key of the page's list.
            token_key: the key of the next page's token (``""`` on the last page).
        """
        try:
            start = int(q.get("page_token") or 0)
            size = int(q.get("page_size", default))
        except ValueError:
            return self.bad("page_token or page_size")
        if not 1 <= size <= max_size:
            return self.bad(f"page_size must be 1..{max_size}")
        end = start + size
        more = end < len(items)
        return self.ok({items_key: list(items[start:end]), "has_more": more, token_key: str(end) if more else ""})
