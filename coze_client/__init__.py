"""coze-client: an async SDK for the Coze Open API that never trips a rate limit or a free quota by accident.

Examples:
    ```python
    from coze_client import AsyncCoze, COZE_CN_BASE_URL
    async def main() -> None:
        async with AsyncCoze(token="pat_...", base_url=COZE_CN_BASE_URL, plan="coze.personal_free") as coze:
            async with coze.chat.stream(bot_id="7351...", user_id="u1", additional_messages=["hi"]) as events:
                async for event in events:
                    print(event.event)
    ```
"""

from ._auth import StaticToken, TokenProvider
from ._call import CallInfo, Usage
from ._client import AsyncCoze
from ._constants import COZE_CN_BASE_URL, COZE_COM_BASE_URL
from ._models import CallMeta, CozeModel, ListResult, OperationResult
from ._streaming import EventStream
from ._sync import Coze, SyncContextError, SyncEventStream, SyncPaginator
from ._version import __version__
from .errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    CozeError,
    DailyLimitError,
    InsufficientBalanceError,
    LedgerError,
    LimiterError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExhaustedError,
    RateLimitError,
    RateLimitWaitError,
    ServerError,
    StreamError,
    ValidationError,
)
from .pagination import AsyncPaginator, Page
from .types import Chat, ChatEvent, Conversation, EnterMessage, Message

__all__ = [
    "COZE_CN_BASE_URL",
    "COZE_COM_BASE_URL",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AsyncCoze",
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "CallInfo",
    "CallMeta",
    "Chat",
    "ChatEvent",
    "ConflictError",
    "Conversation",
    "Coze",
    "CozeError",
    "CozeModel",
    "DailyLimitError",
    "EnterMessage",
    "EventStream",
    "InsufficientBalanceError",
    "LedgerError",
    "LimiterError",
    "ListResult",
    "Message",
    "NotFoundError",
    "OperationResult",
    "Page",
    "PermissionDeniedError",
    "QuotaExhaustedError",
    "RateLimitError",
    "RateLimitWaitError",
    "ServerError",
    "StaticToken",
    "StreamError",
    "SyncContextError",
    "SyncEventStream",
    "SyncPaginator",
    "TokenProvider",
    "Usage",
    "ValidationError",
    "__version__",
]
