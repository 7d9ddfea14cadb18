"""FakeCoze area. Conversations, their messages and message feedback."""

from __future__ import annotations

from typing import Any

import httpx

from .._core import Ctx
from ._base import AreaBase


class ConversationRoutes(AreaBase):
    """Conversations, their messages and message feedback."""

    def _setup_conversations(self) -> None:
        r = self.route
        r("POST", "/v1/conversation/create", self._conv_create)
        r("GET", "/v1/conversation/retrieve", self._conv_retrieve)
        r("GET", "/v1/conversations", self._conv_list)
        r("PUT", "/v1/conversations/{cid}", self._conv_update)
        r("DELETE", "/v1/conversations/{cid}", self._conv_delete)
        r("POST", "/v1/conversations/{cid}/clear", self._conv_clear)
        r("POST", "/v1/conversation/message/create", self._msg_create)
        r("POST", "/v1/conversation/message/list", self._msg_list)
        r("GET", "/v1/conversation/message/retrieve", self._msg_retrieve)
        r("POST", "/v1/conversation/message/modify", self._msg_modify)
        r("POST", "/v1/conversation/message/delete", self._msg_delete)
        r("POST", "/v1/conversations/{cid}/messages/{mid}/feedback", self._feedback_create)
        r("DELETE", "/v1/conversations/{cid}/messages/{mid}/feedback", self._feedback_delete)

    # -- conversations --------------------------------------------------------------------------
    def _conv_or_error(self, conv_id: str | None) -> dict[str, Any] | httpx.Response:
        if not conv_id:
            return self.error(4000, "invalid parameter: conversation_id is required")
        conv = self.conversations.get(str(conv_id))
        return conv if conv is not None else self.error(4002, "invalid conversation")

    async def _conv_create(self, ctx: Ctx) -> httpx.Response:
        body = ctx.body_dict()
        name = str(body.get("name") or "")
        if len(name) > 100:
            return self.error(4000, "invalid parameter: name is longer than 100 characters")
        conv = self._new_conversation(
            body.get("bot_id"),
            name=name,
            meta=body.get("meta_data"),
            connector_id=str(body.get("connector_id") or "1024"),
        )
        for m in body.get("messages") or []:
            self.messages[conv["id"]].append(
                self._message(
                    conv["id"],
                    conv["_bot_id"],
                    "",
                    str(m.get("role", "user")),
                    str(m.get("type") or ("question" if m.get("role", "user") == "user" else "answer")),
                    str(m.get("content", "")),
                    str(m.get("content_type") or "text"),
                    m.get("meta_data"),
                    conv["last_section_id"],
                )
            )
        return self.ok(self._public(conv))

    async def _conv_retrieve(self, ctx: Ctx) -> httpx.Response:
        conv = self._conv_or_error(ctx.query.get("conversation_id"))
        return conv if isinstance(conv, httpx.Response) else self.ok(self._public(conv))

    @staticmethod
    def _int(value: Any, default: int) -> int:
        try:
            return int(value)
        except (TypeError, ValueError):
            return default

    async def _conv_list(self, ctx: Ctx) -> httpx.Response:
        q = ctx.query
        bot_id = q.get("bot_id")
        if not bot_id:
            return self.error(4000, "invalid parameter: bot_id is required")
        page_num = self._int(q.get("page_num"), 1)
        page_size = self._int(q.get("page_size"), 50)
        if page_num < 1 or not 1 <= page_size <= 50:  # coze-api.md §5.3: page_size max 50
            return self.error(4000, "invalid parameter: page_num >= 1, page_size 1..50")
        connector = q.get("connector_id", "1024")
        items = [c for c in self.conversations.values() if c["_bot_id"] == bot_id and c["connector_id"] == connector]
        items.sort(key=lambda c: (c["created_at"], int(c["id"])), reverse=q.get("sort_order", "DESC").upper() != "ASC")
        start = (page_num - 1) * page_size
        page = items[start : start + page_size]
        return self.ok({"conversations": [self._public(c) for c in page], "has_more": start + page_size < len(items)})

    async def _conv_update(self, ctx: Ctx) -> httpx.Response:
        conv = self._conv_or_error(ctx.params["cid"])
        if isinstance(conv, httpx.Response):
            return conv
        name = ctx.body_dict().get("name")
        if not isinstance(name, str) or not name or len(name) > 100:
            return self.error(4000, "invalid parameter: name (1..100 characters) is required")
        conv["name"] = name
        conv["updated_at"] = self.now()
        return self.ok(self._public(conv))

    async def _conv_delete(self, ctx: Ctx) -> httpx.Response:
        conv = self._conv_or_error(ctx.params["cid"])
        if isinstance(conv, httpx.Response):
            return conv
        del self.conversations[conv["id"]]
        self.messages.pop(conv["id"], None)
        return self.ok(with_data=False)

    async def _conv_clear(self, ctx: Ctx) -> httpx.Response:
        conv = self._conv_or_error(ctx.params["cid"])
        if isinstance(conv, httpx.Response):
            return conv
        conv["last_section_id"] = self.new_id()
        return self.ok({"id": conv["last_section_id"], "conversation_id": conv["id"]})

    # -- messages -------------------------------------------------------------------------------
    def _msg_or_error(self, ctx: Ctx) -> tuple[dict[str, Any], list[dict[str, Any]]] | httpx.Response:
        conv = self._conv_or_error(ctx.query.get("conversation_id"))
        if isinstance(conv, httpx.Response):
            return conv
        mid = ctx.query.get("message_id")
        msgs = self.messages[conv["id"]]
        for m in msgs:
            if m["id"] == mid:
                return m, msgs
        return self.error(4005, "invalid message")

    async def _msg_create(self, ctx: Ctx) -> httpx.Response:
        conv = self._conv_or_error(ctx.query.get("conversation_id"))
        if isinstance(conv, httpx.Response):
            return conv
        body = ctx.body_dict()
        role, content, ctype = body.get("role"), body.get("content"), body.get("content_type")
        if role not in ("user", "assistant") or not content or ctype not in ("text", "object_string"):
            return self.error(4000, "invalid parameter: role, content and content_type are required")
        msg = self._message(
            conv["id"],
            conv["_bot_id"],
            "",
            role,
            "question" if role == "user" else "answer",
            str(content),
            ctype,
            body.get("meta_data"),
            conv["last_section_id"],
        )
        self.messages[conv["id"]].append(msg)
        return self.ok(msg)

    async def _msg_list(self, ctx: Ctx) -> httpx.Response:
        conv = self._conv_or_error(ctx.query.get("conversation_id"))
        if isinstance(conv, httpx.Response):
            return conv
        body = ctx.body_dict()
        limit = self._int(body.get("limit") or 50, 50)
        if not 1 <= limit <= 50:
            return self.error(4000, "invalid parameter: limit must be 1..50")
        order = str(body.get("order") or "desc").lower()
        items = [m for m in self.messages[conv["id"]] if m["type"] in ("question", "answer")]
        if body.get("chat_id"):
            items = [m for m in items if m["chat_id"] == str(body["chat_id"])]
        if order == "desc":
            items = items[::-1]
        before = str(body.get("before_id") or "0")
        after = str(body.get("after_id") or "0")
        ids = [m["id"] for m in items]
        # Cursors are positions in the listing order: after_id pages forward (pass last_id), before_id
        # pages back (pass first_id); "0" means none (coze-api.md §4, §5.4).
        if after != "0":
            pos = ids.index(after) + 1 if after in ids else len(ids)
            page = items[pos : pos + limit]
            has_more = pos + limit < len(items)
        elif before != "0":
            end = ids.index(before) if before in ids else 0
            start = max(0, end - limit)
            page = items[start:end]
            has_more = start > 0
        else:
            page = items[:limit]
            has_more = limit < len(items)
        logid = self.logid()
        return self.json_response(
            {
                "code": 0,
                "msg": "",
                "data": page,
                "first_id": page[0]["id"] if page else "",
                "last_id": page[-1]["id"] if page else "",
                "has_more": has_more,
                "detail": {"logid": logid},
            },
            headers={"x-tt-logid": logid},
        )

    async def _msg_retrieve(self, ctx: Ctx) -> httpx.Response:
        found = self._msg_or_error(ctx)
        return found if isinstance(found, httpx.Response) else self.ok(found[0])

    async def _msg_modify(self, ctx: Ctx) -> httpx.Response:
        found = self._msg_or_error(ctx)
        if isinstance(found, httpx.Response):
            return found
        msg = found[0]
        body = ctx.body_dict()
        if not body.get("content") and not body.get("meta_data"):
            return self.error(4000, "invalid parameter: content and meta_data cannot both be empty")
        if body.get("content"):
            msg["content"] = str(body["content"])
            msg["content_type"] = str(body.get("content_type") or msg["content_type"])
        if body.get("meta_data"):
            msg["meta_data"] = body["meta_data"]
        msg["updated_at"] = self.now()
        logid = self.logid()
        # coze-api.md §1: modify answers under "message", not "data".
        return self.json_response(
            {"code": 0, "msg": "", "message": msg, "detail": {"logid": logid}}, headers={"x-tt-logid": logid}
        )

    async def _msg_delete(self, ctx: Ctx) -> httpx.Response:
        found = self._msg_or_error(ctx)
        if isinstance(found, httpx.Response):
            return found
        msg, msgs = found
        msgs.remove(msg)
        return self.ok(msg)

    async def _feedback_create(self, ctx: Ctx) -> httpx.Response:
        conv = self._conv_or_error(ctx.params["cid"])
        if isinstance(conv, httpx.Response):
            return conv
        mid = ctx.params["mid"]
        if not any(m["id"] == mid for m in self.messages[conv["id"]]):
            return self.error(4005, "invalid message")
        body = ctx.body_dict()
        if body.get("feedback_type") not in ("like", "unlike"):
            return self.error(4000, "invalid parameter: feedback_type must be like or unlike")
        self.feedback[mid] = body
        return self.ok(with_data=False)

    async def _feedback_delete(self, ctx: Ctx) -> httpx.Response:
        if self.feedback.pop(ctx.params["mid"], None) is None:
            return self.error(4200, "resource not found")
        return self.ok(with_data=False)
