"""Small builders shared by the resource tests."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx


def env(data: object, **extra: object) -> dict[str, object]:
    """The standard envelope."""
    return {"code": 0, "msg": "", "data": data, "detail": {"logid": "L"}, **extra}


def ok(data: object = None, **extra: object) -> httpx.Response:
    return httpx.Response(200, json=env(data, **extra), headers={"x-tt-logid": "L"})


def body_of(route: Any, index: int = -1) -> Any:
    return json.loads(route.calls[index].request.content)


def query_of(route: Any, index: int = -1) -> dict[str, str]:
    return dict(route.calls[index].request.url.params)


def wf_sse(*events: tuple[int | None, str, object]) -> bytes:
    out = []
    for event_id, name, data in events:
        payload = data if isinstance(data, str) else json.dumps(data)
        head = f"id: {event_id}\n" if event_id is not None else ""
        out.append(f"{head}event: {name}\ndata: {payload}\n\n")
    return "".join(out).encode()


def chunked(body: bytes, content_type: str = "text/event-stream", chunk: int = 11) -> httpx.Response:
    async def gen() -> AsyncIterator[bytes]:
        for i in range(0, len(body), chunk):
            yield body[i : i + chunk]

    return httpx.Response(200, headers={"content-type": content_type, "x-tt-logid": "S"}, content=gen())


def multipart_fields(request: httpx.Request) -> dict[str, str | bytes]:
    """Parse a multipart body into name -> value (bytes for file parts), with the stdlib email parser."""
    from email.parser import BytesParser
    from email.policy import HTTP

    ctype = request.headers["content-type"]
    assert ctype.startswith("multipart/form-data"), ctype
    raw = b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + request.content
    message = BytesParser(policy=HTTP).parsebytes(raw)
    out: dict[str, str | bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        out[str(name)] = payload if part.get_filename() else payload.decode()
    return out


def top(**fields: object) -> httpx.Response:
    """A body whose payload sits at the top level (workflow run, knowledge documents)."""
    return httpx.Response(200, json={"code": 0, "msg": "", **fields, "detail": {"logid": "L"}},
                          headers={"x-tt-logid": "L"})
