"""Conversations, their messages and message feedback (the Coze conversation pages; the Coze message pages)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from typing_extensions import Unpack

from .._models import OperationResult
from .._params import check_meta_data, validate
from .._request import Endpoint
from ..errors import ValidationError
from ..pagination import AsyncPaginator, Page, cursor_page, number_page
from ..types.chat import EnterMessage, Message, MessageContentType, MessageRole
from ..types.conversations import Conversation, FeedbackType, Section
from ._base import APIResource, RequestOptions, done, options_of, require
from .chat import to_messages

__all__ = ["AsyncConversations", "AsyncFeedback", "AsyncMessages"]

CREATE = Endpoint("POST", "/v1/conversation/create", idempotent=False)
RETRIEVE = Endpoint("GET", "/v1/conversation/retrieve")
LIST = Endpoint("GET", "/v1/conversations")
UPDATE = Endpoint("PUT", "/v1/conversations/{conversation_id}")
DELETE = Endpoint("DELETE", "/v1/conversations/{conversation_id}", envelope="none")
CLEAR = Endpoint("POST", "/v1/conversations/{conversation_id}/clear", idempotent=False)

MSG_CREATE = Endpoint("POST", "/v1/conversation/message/create", idempotent=False)
# A read-only POST: safe to retry (reference §5.4).
MSG_LIST = Endpoint("POST", "/v1/conversation/message/list", envelope="top", idempotent=True)
MSG_RETRIEVE = Endpoint("GET", "/v1/conversation/message/retrieve")
MSG_UPDATE = Endpoint("POST", "/v1/conversation/message/modify", envelope="message", idempotent=True)
MSG_DELETE = Endpoint("POST", "/v1/conversation/message/delete", idempotent=False)
FEEDBACK = Endpoint("POST", "/v1/conversations/{conversation_id}/messages/{message_id}/feedback",
                    envelope="none", idempotent=True)
FEEDBACK_DELETE = Endpoint("DELETE", "/v1/conversations/{conversation_id}/messages/{message_id}/feedback",
                           envelope="none")


def _name(name: str | None, *, required: bool) -> str | None:
    if name is None:
        if required:
            raise ValidationError("name is required")
        return None
    if not isinstance(name, str) or len(name) > 100:
        raise ValidationError("name must be a string of at most 100 characters")
    return name


class AsyncFeedback(APIResource):
    """``coze.conversations.messages.feedback``: like / unlike an answer."""

    async def create(
        self, *, conversation_id: str, message_id: str, feedback_type: FeedbackType | Literal["like", "unlike"],
        reason_types: Sequence[str] | None = None, comment: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Give feedback on a text answer.

        Args:
            conversation_id: the conversation's id.
            message_id: the message's id.
            feedback_type: ``"like"`` or ``"unlike"``.
            reason_types: the reasons for an ``unlike`` (the bot's configured tags).
            comment: free text.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.conversations.messages.feedback.create(
                conversation_id=c, message_id=m, feedback_type="like")
            ```
        """
        kind = validate(FeedbackType, feedback_type, "feedback_type").value
        return await self._corridor.request(
            FEEDBACK, done,
            path_params={"conversation_id": conversation_id, "message_id": message_id},
            json={"feedback_type": kind, "reason_types": list(reason_types) if reason_types else None,
                  "comment": comment},
            options=options_of(options),
        )

    async def delete(self, *, conversation_id: str, message_id: str,
                     **options: Unpack[RequestOptions]) -> OperationResult:
        """Remove your feedback from a message.

        Args:
            conversation_id: the conversation's id.
            message_id: the message's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.conversations.messages.feedback.delete(conversation_id=c, message_id=m)
            ```
        """
        return await self._corridor.request(
            FEEDBACK_DELETE, done,
            path_params={"conversation_id": conversation_id, "message_id": message_id},
            options=options_of(options),
        )


class AsyncMessages(APIResource):
    """``coze.conversations.messages``."""

    def __init__(self, corridor: Any) -> None:
        """Attach the sub-resources (``AsyncCoze`` builds the resources; you do not call this).

        Args:
            corridor: the client's request corridor (internal; use ``coze.conversations.messages``).
        """
        super().__init__(corridor)
        self.feedback = AsyncFeedback(corridor)

    async def create(
        self, *, conversation_id: str, role: MessageRole | Literal["user", "assistant"], content: str,
        content_type: MessageContentType | Literal["text", "object_string"] = "text",
        meta_data: Mapping[str, str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Message:
        """Add a message to a conversation.

        Args:
            conversation_id: the conversation's id.
            role: ``"user"`` or ``"assistant"``.
            content: the message text, or an ``object_string`` JSON list for multimodal content.
            content_type: ``"text"`` (default) or ``"object_string"``.
            meta_data: at most 16 string pairs kept with it (keys 1-64, values 1-512 characters).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            msg = await coze.conversations.messages.create(
                conversation_id=c, role="user", content="hello")
            ```
        """
        msg = validate(EnterMessage, {"role": role, "content": content, "content_type": content_type}, "message")
        return await self._corridor.request(
            MSG_CREATE, Message.model_validate,
            params={"conversation_id": require("conversation_id", conversation_id)},
            json={"role": msg.role, "content": msg.content, "content_type": msg.content_type,
                  "meta_data": check_meta_data(meta_data)},
            options=options_of(options),
        )

    def list(
        self, *, conversation_id: str, order: Literal["asc", "desc"] = "desc", chat_id: str | None = None,
        before_id: str | None = None, after_id: str | None = None, limit: int = 50,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[Message]:
        """Messages of a conversation, by cursor (``await`` for one page, ``async for`` for all).

        Args:
            conversation_id: the conversation's id.
            order: ``"desc"`` (newest first, default) or ``"asc"``.
            chat_id: the chat's id.
            before_id: start before this message (with ``order="desc"``).
            after_id: start after this message (with ``order="asc"``).
            limit: messages per page (1-50).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async for msg in coze.conversations.messages.list(conversation_id=c):
                print(msg.role, msg.content)
            ```
        """
        cid = require("conversation_id", conversation_id)
        if order not in ("asc", "desc"):
            raise ValidationError("order must be 'asc' or 'desc'")
        if not 1 <= limit <= 50:
            raise ValidationError("limit must be between 1 and 50")
        call_options = options_of(options)
        corridor = self._corridor

        async def fetch(body: dict[str, Any]) -> Page[Message]:
            def cast(payload: Any) -> Page[Message]:
                payload = payload or {}
                items = [Message.model_validate(m) for m in payload.get("data") or []]
                return cursor_page(items, payload, body)

            return await corridor.request(MSG_LIST, cast, params={"conversation_id": cid}, json=body,
                                          options=call_options)

        return AsyncPaginator(fetch, {"order": order, "chat_id": chat_id, "before_id": before_id,
                                      "after_id": after_id, "limit": limit})

    async def retrieve(self, *, conversation_id: str, message_id: str, **options: Unpack[RequestOptions]) -> Message:
        """One message.

        Args:
            conversation_id: the conversation's id.
            message_id: the message's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            msg = await coze.conversations.messages.retrieve(conversation_id=c, message_id=m)
            ```
        """
        return await self._corridor.request(
            MSG_RETRIEVE, Message.model_validate,
            params={"conversation_id": require("conversation_id", conversation_id),
                    "message_id": require("message_id", message_id)},
            options=options_of(options),
        )

    async def update(
        self, *, conversation_id: str, message_id: str, content: str | None = None,
        content_type: MessageContentType | Literal["text", "object_string"] | None = None,
        meta_data: Mapping[str, str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Message:
        """Change a message's content or meta data (the service answers under ``message``).

        Args:
            conversation_id: the conversation's id.
            message_id: the message's id.
            content: the message text, or an ``object_string`` JSON list for multimodal content.
            content_type: ``"text"`` or ``"object_string"`` (default: unchanged).
            meta_data: at most 16 string pairs kept with it (keys 1-64, values 1-512 characters).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            msg = await coze.conversations.messages.update(conversation_id=c, message_id=m,
                                                            content="edited")
            ```
        """
        if content is None and not meta_data:
            raise ValidationError("content and meta_data cannot both be empty")
        ctype = validate(MessageContentType, content_type, "content_type").value if content_type else None
        if content is not None and ctype is None:
            ctype = "text"
        return await self._corridor.request(
            MSG_UPDATE, Message.model_validate,
            params={"conversation_id": require("conversation_id", conversation_id),
                    "message_id": require("message_id", message_id)},
            json={"content": content, "content_type": ctype, "meta_data": check_meta_data(meta_data)},
            options=options_of(options),
        )

    async def delete(self, *, conversation_id: str, message_id: str, **options: Unpack[RequestOptions]) -> Message:
        """Delete a question or answer; returns the deleted message.

        Args:
            conversation_id: the conversation's id.
            message_id: the message's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.conversations.messages.delete(conversation_id=c, message_id=m)
            ```
        """
        return await self._corridor.request(
            MSG_DELETE, Message.model_validate,
            params={"conversation_id": require("conversation_id", conversation_id),
                    "message_id": require("message_id", message_id)},
            options=options_of(options),
        )


class AsyncConversations(APIResource):
    """``coze.conversations``."""

    def __init__(self, corridor: Any) -> None:
        """Attach the sub-resources (``AsyncCoze`` builds the resources; you do not call this).

        Args:
            corridor: the client's request corridor (internal; use ``coze.conversations``).
        """
        super().__init__(corridor)
        self.messages = AsyncMessages(corridor)

    async def create(
        self, *, bot_id: str | None = None, name: str | None = None, connector_id: str | None = None,
        messages: Sequence[EnterMessage | Mapping[str, Any] | str] | None = None,
        meta_data: Mapping[str, str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Conversation:
        """Create a conversation (bind it to a bot with ``bot_id`` so it shows up in ``list``).

        Args:
            bot_id: the bot's id.
            name: its name.
            connector_id: the channel (connector) id; default the API channel.
            messages: messages to start the conversation with (strings, dicts or `EnterMessage` objects).
            meta_data: at most 16 string pairs kept with it (keys 1-64, values 1-512 characters).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            conv = await coze.conversations.create(bot_id="7351...", name="support")
            ```
        """
        return await self._corridor.request(
            CREATE, Conversation.model_validate,
            json={"bot_id": bot_id, "name": _name(name, required=False), "connector_id": connector_id,
                  "messages": to_messages(messages, limit=100, name="messages"),
                  "meta_data": check_meta_data(meta_data)},
            options=options_of(options),
        )

    async def retrieve(self, *, conversation_id: str, **options: Unpack[RequestOptions]) -> Conversation:
        """One conversation.

        Args:
            conversation_id: the conversation's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            conv = await coze.conversations.retrieve(conversation_id=c)
            ```
        """
        return await self._corridor.request(
            RETRIEVE, Conversation.model_validate,
            params={"conversation_id": require("conversation_id", conversation_id)},
            options=options_of(options),
        )

    def list(
        self, *, bot_id: str, page_num: int = 1, page_size: int = 50,
        sort_order: Literal["ASC", "DESC", "asc", "desc"] | None = None, connector_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[Conversation]:
        """Your conversations with a bot (page number + ``has_more``; ``page_size`` at most 50).

        Args:
            bot_id: the bot's id.
            page_num: the page to fetch, from 1 (iterate the result for every page).
            page_size: items per page (the endpoint's documented range applies).
            sort_order: ``"desc"`` (newest first) or ``"asc"``.
            connector_id: the channel (connector) id; default the API channel.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async for conv in coze.conversations.list(bot_id="7351..."):
                print(conv.id, conv.name)
            ```
        """
        bid = require("bot_id", bot_id)
        if page_num < 1 or not 1 <= page_size <= 50:
            raise ValidationError("page_num must be >= 1 and page_size between 1 and 50")
        order = sort_order.upper() if isinstance(sort_order, str) else None
        if order not in (None, "ASC", "DESC"):
            raise ValidationError("sort_order must be 'ASC' or 'DESC'")
        call_options = options_of(options)
        corridor = self._corridor

        async def fetch(params: dict[str, Any]) -> Page[Conversation]:
            def cast(payload: Any) -> Page[Conversation]:
                payload = payload or {}
                items = [Conversation.model_validate(c) for c in payload.get("conversations") or []]
                return number_page(items, payload, params, default_size=page_size)

            return await corridor.request(LIST, cast, params=params, options=call_options)

        return AsyncPaginator(fetch, {"bot_id": bid, "page_num": page_num, "page_size": page_size,
                                      "sort_order": order, "connector_id": connector_id})

    async def update(self, *, conversation_id: str, name: str, **options: Unpack[RequestOptions]) -> Conversation:
        """Rename a conversation.

        Args:
            conversation_id: the conversation's id.
            name: its name.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.conversations.update(conversation_id=c, name="renamed")
            ```
        """
        return await self._corridor.request(
            UPDATE, Conversation.model_validate, path_params={"conversation_id": conversation_id},
            json={"name": _name(name, required=True)}, options=options_of(options),
        )

    async def delete(self, *, conversation_id: str, **options: Unpack[RequestOptions]) -> OperationResult:
        """Delete a conversation and its messages, permanently.

        Args:
            conversation_id: the conversation's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.conversations.delete(conversation_id=c)
            ```
        """
        return await self._corridor.request(DELETE, done, path_params={"conversation_id": conversation_id},
                                     options=options_of(options))

    async def clear(self, *, conversation_id: str, **options: Unpack[RequestOptions]) -> Section:
        """Start a new context section (the bot forgets what came before).

        Args:
            conversation_id: the conversation's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            section = await coze.conversations.clear(conversation_id=c)
            ```
        """
        return await self._corridor.request(CLEAR, Section.model_validate,
                                            path_params={"conversation_id": conversation_id},
                                            options=options_of(options))
