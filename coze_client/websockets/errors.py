"""Realtime errors: an ``error`` frame, and a connection that failed or dropped.

Both fit the library's error tree: `RealtimeAPIError` is a
`StreamError` (an ``error`` event in a stream) and
`RealtimeConnectionError` an `APIConnectionError`.
"""

from __future__ import annotations

from ..errors import APIConnectionError, StreamError

__all__ = ["RealtimeAPIError", "RealtimeConnectionError"]


class RealtimeAPIError(StreamError):
    """The server sent an ``error`` frame (``code``, ``msg``, ``logid``; ``origin_message`` is the
    client frame it refers to, when the server quoted it).

    Examples:
        ```python
        str(RealtimeAPIError("text too long", code=3010, logid="2025abc"))
        # 'code: 3010, msg: text too long, logid: 2025abc'
        ```

    Args:
        msg: the frame's ``msg``.
        code: the frame's error ``code``.
        logid: the frame's ``logid`` (quote it to support).
        event_id: the id of the ``error`` event.
        origin_message: the client frame the error refers to, when the server quoted it.
    """

    def __init__(self, msg: str, *, code: int | None = None, logid: str | None = None,
                 event_id: str | None = None, origin_message: str | None = None) -> None:
        self.event_id = event_id
        self.origin_message = origin_message
        super().__init__(msg, code=code, logid=logid)


class RealtimeConnectionError(APIConnectionError):
    """The WebSocket could not be opened, or closed abnormally (dropped) while in use.

    ``close_code`` is the WebSocket close code when one is known (1006: dropped without a close frame).

    Args:
        message: what failed and what to do.
        sent: whether bytes may have reached the server (False when the connection could not be opened).
        close_code: the WebSocket close code, when one is known.
    """

    def __init__(self, message: str, *, sent: bool = True, close_code: int | None = None) -> None:
        self.close_code = close_code
        super().__init__(message, sent=sent)
