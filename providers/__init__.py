"""One chat interface over Coze, Tongyi Xingchen and GPTBots, plus the Baidu EasyDL adapter.

``providers`` is built on `coze_client` (its corridor, limiter, ledger and errors);
``coze_client`` never imports ``providers``.

Examples:
    ```python
    import providers
    async def ask(name: str, **config: object) -> str:
        async with providers.open(name, **config) as bot:
            return (await bot.chat("hello")).text
    sorted(providers.CHAT_PROVIDERS)
    # ['coze', 'gptbots', 'xingchen']
    ```
"""

from __future__ import annotations

import builtins
from typing import Any, Literal, overload

from coze_client.errors import ValidationError

from .base import (
    ChatDelta,
    ChatMessage,
    ChatProvider,
    ChatReply,
    ChatStream,
    ChatUsage,
    Conversation,
    MessageInput,
    MessagesInput,
    normalize_messages,
)
from .coze import CozeProvider
from .easydl import EasyDL, EasyDLResult, EasyDLToken
from .gptbots import GPTBotsCreditPage, GPTBotsCredits, GPTBotsMessages, GPTBotsProvider
from .sync import SyncAdapter, SyncChatProvider, SyncChatStream, open_sync
from .xingchen import XingchenProvider, XingchenResult

__all__ = [
    "CHAT_PROVIDERS",
    "ChatDelta",
    "ChatMessage",
    "ChatProvider",
    "ChatReply",
    "ChatStream",
    "ChatUsage",
    "Conversation",
    "CozeProvider",
    "EasyDL",
    "EasyDLResult",
    "EasyDLToken",
    "GPTBotsCreditPage",
    "GPTBotsCredits",
    "GPTBotsMessages",
    "GPTBotsProvider",
    "MessageInput",
    "MessagesInput",
    "SyncAdapter",
    "SyncChatProvider",
    "SyncChatStream",
    "XingchenProvider",
    "XingchenResult",
    "normalize_messages",
    "open",
    "open_sync",
]

#: The chat adapters by name.
CHAT_PROVIDERS: dict[str, builtins.type[Any]] = {
    "coze": CozeProvider,
    "xingchen": XingchenProvider,
    "gptbots": GPTBotsProvider,
}


@overload
def open(name: Literal["coze"], **config: Any) -> CozeProvider: ...
@overload
def open(name: Literal["xingchen"], **config: Any) -> XingchenProvider: ...
@overload
def open(name: Literal["gptbots"], **config: Any) -> GPTBotsProvider: ...
@overload
def open(name: Literal["easydl"], **config: Any) -> EasyDL: ...
@overload
def open(name: str, **config: Any) -> ChatProvider | EasyDL: ...


def open(name: str, **config: Any) -> ChatProvider | EasyDL:
    """The adapter called ``name``, configured with ``config`` (its constructor's keyword arguments).

    ``"coze"``, ``"xingchen"`` and ``"gptbots"`` return a `ChatProvider`; ``"easydl"`` returns
    the `EasyDL` inference adapter (not a chat provider).

    Args:
        name: ``"coze"``, ``"xingchen"``, ``"gptbots"`` or ``"easydl"`` (case-insensitive; surrounding spaces are
            ignored).
        **config: the keyword arguments of that adapter's constructor: `CozeProvider`, `XingchenProvider`,
            `GPTBotsProvider` or `EasyDL`.

    Examples:
        ```python
        bot = open("gptbots", api_key="app-exampleexample12", region="th", ledger="memory://")
        bot.name, bot.base_url
        # ('gptbots', 'https://api-th.gptbots.ai')
        ```
    """
    key = name.strip().lower() if isinstance(name, str) else name
    if key == "easydl":
        return EasyDL(**config)
    cls = CHAT_PROVIDERS.get(key)
    if cls is None:
        raise ValidationError(f"unknown provider {name!r}; use one of {[*sorted(CHAT_PROVIDERS), 'easydl']}")
    provider: ChatProvider = cls(**config)
    return provider
