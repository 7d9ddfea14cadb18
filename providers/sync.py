"""The one chat interface for sync code: ``providers.open_sync(...)``.

The adapters stay async (one implementation); a sync adapter runs them on coze-client's SDK loop
thread, like `coze_client.Coze`, so their limiter and ledger serve every thread.

Examples:
    ```python
    import providers
    with providers.open_sync("coze", bot_id="7351...", token="pat_...") as bot:
        print(bot.chat("hello").text)
        with bot.stream("tell me a story") as s:
            for delta in s:
                print(delta.text, end="")
        print(s.reply.usage)
    ```
"""

from __future__ import annotations

import inspect
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from coze_client._sync import Coze, SyncStream
from coze_client._sync._loop import LoopClient, Portal, acquire, release, track
from coze_client.errors import StreamError

from .base import ChatDelta, ChatProvider, ChatReply, ChatStream, Conversation, MessagesInput

__all__ = ["SyncAdapter", "SyncChatProvider", "SyncChatStream", "open_sync"]

T = TypeVar("T")


class SyncChatStream(SyncStream[ChatDelta]):
    """A streamed chat for sync code: ``with bot.stream(...) as s: for delta in s: ...``, then ``s.reply``.

    Leaving the block (or breaking out of the loop) closes the connection and settles the call at once.
    """

    _inner: ChatStream

    @property
    def reply(self) -> ChatReply | None:
        """The final reply (None until the stream has ended)."""
        return self._inner.reply

    @property
    def text(self) -> str:
        """The answer text received so far."""
        return self._inner.text

    def final_reply(self) -> ChatReply:
        """Read the rest of the stream (if any) and return the final reply."""
        if self._inner.reply is None and not self._started:
            for _ in self:
                pass
        if self._inner.reply is None:
            raise StreamError("the stream was closed before its final reply")
        return self._inner.reply


class SyncAdapter(LoopClient):
    """Any async adapter for sync code: its coroutine methods run on the SDK loop (EasyDL, ...).

    Built by `open_sync`; applications do not construct it.

    Args:
        inner: the async adapter to wrap (built on ``loop``).
        loop: the SDK's background event loop the adapter lives on.
    """

    def __init__(self, inner: Any, loop: Portal) -> None:
        self._inner = inner
        self._loop = loop
        self._closed = False

    @property
    def adapter(self) -> Any:
        """The async adapter underneath (it lives on the SDK loop: do not await it from another loop)."""
        return self._inner

    @property
    def name(self) -> str:
        """The provider's name."""
        return str(getattr(self._inner, "name", type(self._inner).__name__))

    def run(self, awaitable: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine of the adapter's objects (its ledger, its client) on the SDK loop.

        Args:
            awaitable: the coroutine to run (created from the adapter's objects, not yet awaited).

        Returns:
            What the coroutine returns (its exception is raised here).
        """
        return self._loop.run(awaitable)

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            if name.startswith("_"):
                raise AttributeError(name)
            value = getattr(self._inner, name)
            if inspect.iscoroutinefunction(value):
                loop = self._loop

                def call(*args: Any, **kwargs: Any) -> Any:
                    return loop.run(value(*args, **kwargs))

                call.__doc__ = value.__doc__
                call.__name__ = name
                return call
            return value


    def __repr__(self) -> str:
        return f"Sync{self._inner!r}"


class SyncChatProvider(SyncAdapter):
    """A chat adapter (Coze, Xingchen, GPTBots) for sync code: the same replies and streams.

    Examples:
        ```python
        with open_sync("gptbots", api_key="app-...") as bot:
            conv = bot.new_conversation(user_id="u1")
            bot.chat("My name is Ann.", conversation=conv)
            print(bot.chat("What is my name?", conversation=conv).text)
        ```
    """

    _inner: ChatProvider

    @property
    def adapter(self) -> ChatProvider:
        """The async adapter underneath."""
        return self._inner

    def chat(self, messages: MessagesInput, *, conversation: Conversation | None = None, **options: Any) -> ChatReply:
        """Send ``messages`` and wait for the whole answer.

        Args:
            messages: one user message as a string, a ``{"role", "content"}`` mapping, or a list of either
                (the last must be the user's).
            conversation: the `Conversation` to continue (from `new_conversation`); ``None`` for a one-off exchange.
            **options: the adapter's own per-call options (as its async ``chat()`` takes them).
        """
        return self._loop.run(self._inner.chat(messages, conversation=conversation, **options))

    def stream(
        self, messages: MessagesInput, *, conversation: Conversation | None = None, **options: Any
    ) -> SyncChatStream:
        """Send ``messages`` and stream the answer (validated at once, sent on first iteration).

        Args:
            messages: one user message as a string, a ``{"role", "content"}`` mapping, or a list of either
                (the last must be the user's).
            conversation: the `Conversation` to continue (from `new_conversation`); ``None`` for a one-off exchange.
            **options: the adapter's own per-call options (as its async ``stream()`` takes them).
        """
        return SyncChatStream(self._inner.stream(messages, conversation=conversation, **options), self._loop)

    def new_conversation(self, *, user_id: str | None = None, **options: Any) -> Conversation:
        """Open a conversation handle (GPTBots creates it on the server at once).

        Args:
            user_id: the end user the conversation belongs to; ``None`` uses the adapter's own ``user_id``.
            **options: the adapter's conversation settings (as its async ``new_conversation()`` takes them).
        """
        conversation: Conversation = self._loop.run(_await(self._inner.new_conversation(user_id=user_id, **options)))
        return conversation


async def _await(awaitable: Any) -> Any:
    return await awaitable


@overload
def open_sync(name: Literal["coze", "xingchen", "gptbots"], **config: Any) -> SyncChatProvider: ...
@overload
def open_sync(name: Literal["easydl"], **config: Any) -> SyncAdapter: ...
@overload
def open_sync(name: str, **config: Any) -> SyncChatProvider | SyncAdapter: ...


def open_sync(name: str, **config: Any) -> SyncChatProvider | SyncAdapter:
    """``providers.open(name, **config)`` for sync code (built and run on the SDK loop thread).

    ``"coze"``, ``"xingchen"`` and ``"gptbots"`` give a `SyncChatProvider`; ``"easydl"`` a
    `SyncAdapter` (``classify_image(...)`` and the rest, called without ``await``). For Coze,
    ``client=`` may be a sync `Coze` (the adapter then shares its limiter and ledger).

    Args:
        name: ``"coze"``, ``"xingchen"``, ``"gptbots"`` or ``"easydl"`` (case-insensitive).
        **config: the adapter's constructor keyword arguments (see `providers.open`).

    Examples:
        ```python
        with open_sync("coze", bot_id="7351...", token="pat_...") as bot:
            print(bot.chat("hello").text)
        ```
    """
    from . import open as open_async

    client = config.get("client")
    if isinstance(client, Coze):
        config["client"] = client.async_client
    loop = acquire()
    try:
        adapter = loop.run(_build(open_async, name, config))
    except BaseException:
        release(loop)
        raise
    if isinstance(adapter, ChatProvider):
        sync: SyncAdapter = SyncChatProvider(adapter, loop)
    else:
        sync = SyncAdapter(adapter, loop)
    track(sync)  # closed at exit if the caller never does
    return sync


async def _build(open_async: Any, name: str, config: dict[str, Any]) -> Any:
    # On the SDK loop: whatever the adapter binds to a running loop binds to this one.
    return open_async(name, **config)
