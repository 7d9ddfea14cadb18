"""FakeCoze area. Chat v3: create (blocking and streaming), retrieve, messages, tool outputs, cancel."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx

from .._core import Ctx
from ..enforcement import estimate_tokens
from ._base import AreaBase
from ._common import (
    _FINAL,
    BotScript,
    ChatScript,
)


class ChatRoutes(AreaBase):
    """Chat v3: create (blocking and streaming), retrieve, messages, tool outputs, cancel."""

    def _setup_chat(self) -> None:
        r = self.route
        r("POST", "/v3/chat", self._chat_create)
        r("GET", "/v3/chat/retrieve", self._chat_retrieve)
        r("POST", "/v3/chat/retrieve", self._chat_retrieve_post)
        r("GET", "/v3/chat/message/list", self._chat_messages)
        r("POST", "/v3/chat/submit_tool_outputs", self._submit_tool_outputs)
        r("POST", "/v3/chat/cancel", self._chat_cancel)

    # -- chat -----------------------------------------------------------------------------------
    def _message(
        self,
        conv_id: str,
        bot_id: str,
        chat_id: str,
        role: str,
        type_: str,
        content: str,
        content_type: str = "text",
        meta: dict[str, Any] | None = None,
        section_id: str = "",
        message_id: str | None = None,
    ) -> dict[str, Any]:
        now = self.now()
        return {
            "id": message_id or self.new_id(),
            "conversation_id": conv_id,
            "bot_id": bot_id,
            "chat_id": chat_id,
            "meta_data": meta or {},
            "role": role,
            "content": content,
            "content_type": content_type,
            "created_at": now,
            "updated_at": now,
            "type": type_,
            "section_id": section_id,
            "reasoning_content": "",
        }

    def _new_conversation(
        self, bot_id: str | None, *, name: str = "", meta: dict[str, Any] | None = None, connector_id: str = "1024"
    ) -> dict[str, Any]:
        now = self.now()
        conv: dict[str, Any] = {
            "id": self.new_id(),
            "created_at": now,
            "updated_at": now,
            "meta_data": meta or {},
            "last_section_id": self.new_id(),
            "name": name,
            "creator_id": self.user["user_id"],
            "connector_id": connector_id,
            "_bot_id": bot_id or "",
        }
        self.conversations[conv["id"]] = conv
        self.messages[conv["id"]] = []
        return conv

    @staticmethod
    def _public(obj: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in obj.items() if not k.startswith("_")}

    @staticmethod
    def _text_of(message: dict[str, Any]) -> str:
        content = message.get("content", "")
        if message.get("content_type") == "object_string" and isinstance(content, str):
            try:
                parts = json.loads(content)
                return " ".join(
                    str(p.get("text", "")) for p in parts if isinstance(p, dict) and p.get("type") == "text"
                )
            except ValueError:
                return content
        return content if isinstance(content, str) else json.dumps(content)

    def _take_chat_script(self, bot_id: str) -> ChatScript | None:
        for script in self.chat_scripts:
            if script.times > 0 and (script.bot_id is None or script.bot_id == bot_id):
                script.times -= 1
                if script.times == 0:
                    self.chat_scripts.remove(script)
                return script
        return None

    def _chat_obj(self, chat: dict[str, Any]) -> dict[str, Any]:
        return self._public(chat)

    async def _chat_create(self, ctx: Ctx) -> httpx.Response:
        body = ctx.body_dict()
        bot_id = str(body.get("bot_id") or "")
        if not bot_id or not body.get("user_id"):
            return self.error(4000, "invalid parameter: bot_id and user_id are required")
        if self.strict and bot_id not in self.bots:
            return self.error(4006, "invalid bot")
        stream = bool(body.get("stream", False))
        auto_save = bool(body.get("auto_save_history", True))
        if not stream and not auto_save:
            return self.error(4007, "stream=false is only allowed with auto_save_history=true")
        meta = body.get("meta_data") or {}
        if len(meta) > 16 or any(len(str(k)) > 64 or len(str(v)) > 512 for k, v in meta.items()):
            return self.error(4003, "meta_data exceeds its limit")
        additional = body.get("additional_messages") or []
        if len(additional) > 100:
            return self.error(4004, "additional_messages exceeds its limit")
        problem = self._check_enter_messages(additional, auto_save)
        if problem is not None:
            return problem
        if body.get("publish_status") == "unpublished_draft" and body.get("bot_version"):
            return self.error(4000, "invalid parameter: bot_version cannot be used with unpublished_draft")
        shortcut = body.get("shortcut_command")
        if shortcut is not None and (not isinstance(shortcut, dict) or not shortcut.get("command_id")):
            return self.error(4000, "invalid parameter: shortcut_command.command_id is required")
        conv_id = ctx.query.get("conversation_id")
        if conv_id:
            if conv_id not in self.conversations:
                return self.error(4002, "invalid conversation")
            if any(
                c["conversation_id"] == conv_id and c["status"] in ("created", "in_progress")
                for c in self.chats.values()
            ):
                return self.error(4016, "a chat is already in progress in this conversation")
            conv = self.conversations[conv_id]
        else:
            conv = self._new_conversation(bot_id)
        conv_id = conv["id"]
        chat_id = self.new_id()
        section = conv["last_section_id"]
        question = ""
        for m in additional:
            msg = self._message(
                conv_id,
                bot_id,
                chat_id,
                str(m.get("role", "user")),
                str(m.get("type") or ("question" if m.get("role", "user") == "user" else "answer")),
                m.get("content", "") if isinstance(m.get("content", ""), str) else json.dumps(m["content"]),
                str(m.get("content_type") or "text"),
                m.get("meta_data"),
                section,
            )
            if auto_save:
                self.messages[conv_id].append(msg)
            if msg["role"] == "user":
                question = self._text_of(msg)
        bot = self.bots.get(bot_id) or BotScript(bot_id)
        script = self._take_chat_script(bot_id)
        chat = {
            "id": chat_id,
            "conversation_id": conv_id,
            "bot_id": bot_id,
            "created_at": self.now(),
            "meta_data": meta,
            "status": "created",
            "section_id": section,
        }
        task = {
            "bot": bot,
            "script": script,
            "question": question,
            "auto_save": auto_save,
            "polls": 0,
            "started": self.clock(),
            "answer": None,
            "history": sum(estimate_tokens(self._text_of(m)) for m in additional),
        }
        self.chats[chat_id] = chat
        self._chat_tasks[chat_id] = task
        if not stream:
            chat["status"] = "in_progress"
            return self.ok(self._chat_obj(chat))
        return self._sse_response(self._chat_events(chat, task))

    def _check_enter_messages(self, messages: list[Any], auto_save: bool) -> httpx.Response | None:
        """EnterMessage rules of the Coze chat page (4000 when broken)."""
        for m in messages:
            if not isinstance(m, dict) or m.get("role") not in ("user", "assistant"):
                return self.error(4000, "invalid parameter: every message needs role user or assistant")
            # The documented default is "question", which only a user may send; an assistant message
            # without a type is taken as an answer (the reference has no evidence the server refuses it).
            kind = m.get("type") or ("question" if m["role"] == "user" else "answer")
            if kind == "question" and m["role"] != "user":
                return self.error(4000, "invalid parameter: type question needs role user")
            if auto_save and kind not in ("question", "answer"):
                return self.error(4000, "invalid parameter: only question and answer messages can be saved")
            if m.get("content") not in (None, "") and m.get("content_type") not in ("text", "object_string", "card"):
                return self.error(4000, "invalid parameter: content_type is required with content")
            if m.get("content_type") == "object_string":
                try:
                    parts = json.loads(m.get("content") or "")
                except (TypeError, ValueError):
                    return self.error(4000, "invalid parameter: object_string content must be a JSON array")
                if not isinstance(parts, list) or not all(
                    isinstance(p, dict)
                    and p.get("type") in ("text", "file", "image", "audio")
                    and (p["type"] == "text" or p.get("file_id") or p.get("file_url"))
                    for p in parts
                ):
                    return self.error(4000, "invalid parameter: object_string items need a type and a file_id/file_url")
        return None

    def _finish_chat(self, chat: dict[str, Any], task: dict[str, Any]) -> list[dict[str, Any]]:
        """Move a chat to its final state; returns the messages it produced (in order)."""
        script: ChatScript | None = task["script"]
        bot: BotScript = task["bot"]
        conv_id, chat_id, bot_id = chat["conversation_id"], chat["id"], chat["bot_id"]
        section = chat.get("section_id", "")
        produced: list[dict[str, Any]] = []
        now = self.now()
        if script is not None and (script.failed or script.error) is not None:
            code, msg = script.failed or script.error  # type: ignore[misc]
            chat["status"] = "failed"
            chat["failed_at"] = now
            chat["last_error"] = {"code": code, "msg": msg}
            chat["usage"] = {"token_count": 0, "output_count": 0, "input_count": 0}
            return produced
        if script is not None and script.requires_action is not None and not task.get("tool_outputs"):
            calls: list[dict[str, Any]] = []
            for call in script.requires_action:
                calls.append(
                    {
                        "id": self.new_id(),
                        "type": "function",
                        "function": {
                            "name": call.get("name", "tool"),
                            "arguments": json.dumps(call.get("arguments", {}), ensure_ascii=False),
                        },
                    }
                )
            fc = self._message(
                conv_id,
                bot_id,
                chat_id,
                "assistant",
                "function_call",
                json.dumps(
                    {"name": calls[0]["function"]["name"], "arguments": json.loads(calls[0]["function"]["arguments"])},
                    ensure_ascii=False,
                ),
                section_id=section,
            )
            produced.append(fc)
            chat["status"] = "requires_action"
            chat["required_action"] = {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": calls}}
            chat["usage"] = {"token_count": task["history"], "output_count": 0, "input_count": task["history"]}
            task["produced"] = produced
            return produced
        question = task["question"]
        if task.get("tool_outputs"):
            question = " ".join(str(t.get("output", "")) for t in task["tool_outputs"])
        answer_text = task["answer"] if task["answer"] is not None else bot.reply_for(question)
        task["answer"] = answer_text
        pieces = bot.pieces(answer_text)
        full = "".join(pieces)
        answer = self._message(conv_id, bot_id, chat_id, "assistant", "answer", full, section_id=section)
        if bot.reasoning:
            answer["reasoning_content"] = bot.reasoning
        produced.append(answer)
        verbose = self._message(
            conv_id,
            bot_id,
            chat_id,
            "assistant",
            "verbose",
            json.dumps(
                {
                    "msg_type": "generate_answer_finish",
                    "data": '{"finish_reason":0,"FinData":""}',
                    "from_module": None,
                    "from_unit": None,
                }
            ),
            section_id=section,
        )
        produced.append(verbose)
        for text in bot.follow_ups:
            produced.append(self._message(conv_id, bot_id, chat_id, "assistant", "follow_up", text, section_id=section))
        out_tokens = estimate_tokens(full) + estimate_tokens(bot.reasoning or "")
        in_tokens = max(1, task["history"])
        chat["status"] = "completed"
        chat["completed_at"] = now
        chat["usage"] = {"token_count": in_tokens + out_tokens, "output_count": out_tokens, "input_count": in_tokens}
        chat.pop("required_action", None)
        task["produced"] = task.get("produced", []) + produced
        task["pieces"] = pieces
        if task["auto_save"]:
            self.messages[conv_id].append(answer)
        self.conversations.get(conv_id, {})["updated_at"] = now
        return produced

    async def _chat_events(
        self, chat: dict[str, Any], task: dict[str, Any], resumed: bool = False
    ) -> AsyncIterator[bytes]:
        sse = self._sse
        if not resumed:
            chat["status"] = "created"
            yield sse("conversation.chat.created", self._chat_obj(chat))
        chat["status"] = "in_progress"
        yield sse("conversation.chat.in_progress", self._chat_obj(chat))
        script: ChatScript | None = task["script"]
        if script is not None and script.error is not None and not resumed:
            # coze-api.md §6.1: an ``error`` event {code, msg} ends the stream (no chat.failed, no done).
            self._finish_chat(chat, task)
            yield sse("error", {"code": script.error[0], "msg": script.error[1]})
            return
        produced = self._finish_chat(chat, task)
        if chat["status"] == "failed":
            yield sse("conversation.chat.failed", self._chat_obj(chat))
            return
        if chat["status"] == "requires_action":
            for msg in produced:
                yield sse("conversation.message.completed", msg)
            yield sse("conversation.chat.requires_action", self._chat_obj(chat))
            yield sse("done", '"[DONE]"')
            return
        answer = produced[0]
        bot: BotScript = task["bot"]
        if bot.reasoning:
            delta = dict(answer, content="", reasoning_content=bot.reasoning)
            yield sse("conversation.message.delta", delta)
        # Build delta events from one template: thousands of events must stay cheap (benchmarks).
        template = dict(answer, content="\x00PIECE\x00", reasoning_content="")
        sep = ": " if self.sse_space else ":"
        prefix, suffix = json.dumps(template, ensure_ascii=False, separators=(",", ":")).split('"\\u0000PIECE\\u0000"')
        head = f"event{sep}conversation.message.delta\ndata{sep}{prefix}"
        for piece in task["pieces"]:
            yield (head + json.dumps(piece, ensure_ascii=False) + suffix + "\n\n").encode()
        for msg in produced:
            yield sse("conversation.message.completed", msg)
        yield sse("conversation.chat.completed", self._chat_obj(chat))
        yield sse("done", '"[DONE]"')

    def _advance(self, chat: dict[str, Any]) -> None:
        task = self._chat_tasks.get(chat["id"])
        if task is None or chat["status"] not in ("created", "in_progress"):
            return
        task["polls"] += 1
        bot: BotScript = task["bot"]
        if task["polls"] >= bot.polls and self.clock() - task["started"] >= bot.delay:
            self._finish_chat(chat, task)

    def _find_chat(self, ctx: Ctx, source: dict[str, Any]) -> dict[str, Any] | httpx.Response:
        conv_id, chat_id = source.get("conversation_id"), source.get("chat_id")
        if not conv_id or not chat_id:
            return self.error(4000, "invalid parameter: conversation_id and chat_id are required")
        chat = self.chats.get(str(chat_id))
        if chat is None or chat["conversation_id"] != str(conv_id):
            return self.error(4001, "invalid chat")
        return chat

    async def _chat_retrieve(self, ctx: Ctx) -> httpx.Response:
        chat = self._find_chat(ctx, ctx.query)
        if isinstance(chat, httpx.Response):
            return chat
        self._advance(chat)
        return self.ok(self._chat_obj(chat))

    async def _chat_retrieve_post(self, ctx: Ctx) -> httpx.Response:
        # coze-api.md §5.2/§9.6: the spec says GET; cozepy 0.20.0 sends POST with query parameters.
        # The fake tolerates it (answering like GET) so cozepy's create_and_poll works, and records it:
        # a test can assert no POST retrieve was sent by *our* client (fake.find("POST", "/v3/chat/retrieve")).
        return await self._chat_retrieve(ctx)

    async def _chat_messages(self, ctx: Ctx) -> httpx.Response:
        chat = self._find_chat(ctx, ctx.query)
        if isinstance(chat, httpx.Response):
            return chat
        task = self._chat_tasks.get(chat["id"], {})
        return self.ok(list(task.get("produced", [])))

    async def _submit_tool_outputs(self, ctx: Ctx) -> httpx.Response:
        chat = self._find_chat(ctx, ctx.query)
        if isinstance(chat, httpx.Response):
            return chat
        body = ctx.body_dict()
        outputs = body.get("tool_outputs")
        if not outputs or not all(isinstance(o, dict) and o.get("tool_call_id") and "output" in o for o in outputs):
            return self.error(4000, "invalid parameter: tool_outputs[{tool_call_id, output}] required")
        if chat["status"] != "requires_action":
            return self.error(4000, "the chat does not require action")
        task = self._chat_tasks[chat["id"]]
        if not task["auto_save"]:
            return self.error(5000, "internal error: tool outputs need auto_save_history=true")
        known = {c["id"] for c in chat["required_action"]["submit_tool_outputs"]["tool_calls"]}
        if any(o["tool_call_id"] not in known for o in outputs):
            return self.error(4000, "invalid parameter: unknown tool_call_id")
        task["tool_outputs"] = outputs
        task["produced"].append(
            self._message(
                chat["conversation_id"],
                chat["bot_id"],
                chat["id"],
                "assistant",
                "tool_response",
                str(outputs[0].get("output", "")),
                section_id=chat.get("section_id", ""),
            )
        )
        chat.pop("required_action", None)
        if body.get("stream"):
            return self._sse_response(self._chat_events(chat, task, resumed=True))
        chat["status"] = "in_progress"
        task["polls"] = 0
        task["started"] = self.clock()
        return self.ok(self._chat_obj(chat))

    async def _chat_cancel(self, ctx: Ctx) -> httpx.Response:
        chat = self._find_chat(ctx, ctx.body_dict())
        if isinstance(chat, httpx.Response):
            return chat
        if chat["status"] in _FINAL:
            return self.error(4104, "the chat cannot be cancelled in its current status")
        chat["status"] = "canceled"
        return self.ok(self._chat_obj(chat))
