"""The corridor's URLs with a query are what httpx itself makes of the same text (coze_client/_url.py)."""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coze_client import _url
from coze_client._url import with_query

BASES = ["https://api.coze.cn/v3/chat/retrieve", "http://127.0.0.1:8080/v1/x/%E4%BD%A0", "https://u:p@h.example/a/b/"]

values = st.one_of(st.text(max_size=30), st.integers().map(str))
queries = st.dictionaries(st.text(min_size=1, max_size=12), values, min_size=1, max_size=5)


@settings(max_examples=300, deadline=None)
@given(base=st.sampled_from(BASES), params=queries)
def test_the_fast_url_equals_httpx_parsing_the_text(base: str, params: dict[str, str]) -> None:
    query = urlencode(params, doseq=True)
    fast = with_query(httpx.URL(base), query)
    slow = httpx.URL(f"{base}?{query}")
    assert _url._fast is True  # this httpx keeps its parsed form where with_query expects it
    assert fast == slow
    assert str(fast) == str(slow)
    assert (fast.raw_path, fast.query, fast.host, fast.port, fast.scheme) == (
        slow.raw_path, slow.query, slow.host, slow.port, slow.scheme,
    )
    assert httpx.Request("GET", fast).url == httpx.Request("GET", base, params=params).url


def test_a_base_with_its_own_query_is_joined_as_text() -> None:
    url = with_query(httpx.URL("https://h.example/a?x=1"), "y=2")
    assert url == httpx.URL("https://h.example/a?x=1?y=2")


def test_another_httpx_falls_back_to_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_url, "_fast", None)
    monkeypatch.setattr(_url, "_check", lambda base, query: False)  # as if httpx kept its URLs elsewhere
    url = with_query(httpx.URL("https://api.coze.cn/v3/chat/retrieve"), "a=1&b=%20")
    assert _url._fast is False
    assert url == httpx.URL("https://api.coze.cn/v3/chat/retrieve?a=1&b=%20")
