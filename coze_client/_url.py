"""An ``httpx.URL`` with a query string, without httpx parsing the whole URL again.

httpx checks every character of a URL it is given (about 15 µs for a typical Coze URL with a
query, the largest client-side cost of a call). The corridor's URLs are a base it parsed once
plus a query it percent-encoded itself (``urllib.parse.urlencode``: nothing left for httpx to
check or re-quote), so the parsed form is the base's with that query.

That parsed form is httpx's own (``URL._uri_reference``, a named tuple of the components). If a
future httpx keeps it differently, or the result ever differs from what ``httpx.URL(text)``
gives, `with_query` parses the text like anyone else (checked once, at the first call).
"""

from __future__ import annotations

import httpx

__all__ = ["with_query"]

_fast: bool | None = None  # None: not checked yet


def with_query(base: httpx.URL, query: str) -> httpx.URL:
    """``base`` (no query, already parsed) with ``query`` (already percent-encoded)."""
    global _fast
    if _fast is None:
        _fast = _check(base, query)
    if _fast:
        ref = base._uri_reference  # type: ignore[attr-defined]
        if ref.query is None and ref.fragment is None:  # a base with its own query is joined as text
            url = httpx.URL.__new__(httpx.URL)
            url._uri_reference = ref._replace(query=query)  # type: ignore[attr-defined]
            return url
    return httpx.URL(f"{base}?{query}")


def _check(base: httpx.URL, query: str) -> bool:
    """Whether the fast form equals what httpx itself makes of the text (at the first call)."""
    try:
        fast = httpx.URL.__new__(httpx.URL)
        fast._uri_reference = base._uri_reference._replace(query=query)  # type: ignore[attr-defined]
        slow = httpx.URL(f"{base}?{query}")
        return fast == slow and str(fast) == str(slow) and fast.raw_path == slow.raw_path
    except Exception:  # another httpx: no _uri_reference, or no _replace
        return False
