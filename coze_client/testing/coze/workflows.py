"""FakeCoze area. Workflows: runs (blocking, streaming, async), interrupts and resumes, chatflows, lists."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx

from .._core import Ctx
from ..enforcement import estimate_tokens
from ._base import AreaBase
from ._common import (
    BotScript,
    WorkflowScript,
)


class WorkflowRoutes(AreaBase):
    """Workflows: runs (blocking, streaming, async), interrupts and resumes, chatflows, lists."""

    def _setup_workflows(self) -> None:
        r = self.route
        r("POST", "/v1/workflow/run", self._wf_run)
        r("POST", "/v1/workflow/stream_run", self._wf_stream_run)
        r("POST", "/v1/workflow/stream_resume", self._wf_stream_resume)
        r("POST", "/v1/workflows/resume", self._wf_resume)
        r("GET", "/v1/workflows/{wid}/run_histories/{eid}", self._wf_history)
        r("GET", "/v1/workflows/{wid}/run_histories/{eid}/execute_nodes/{nid}", self._wf_node)
        r("POST", "/v1/workflows/chat", self._wf_chat)
        r("GET", "/v1/workflows", self._wf_list)
        r("GET", "/v1/workflows/{wid}", self._wf_retrieve)
        r("GET", "/v1/workflows/{wid}/versions", self._wf_versions)

    # -- workflows ------------------------------------------------------------------------------
    def _debug_url(self, wid: str, eid: str) -> str:
        return f"https://www.coze.cn/work_flow?execute_id={eid}&space_id={self.workspace_id}&workflow_id={wid}"

    def _wf_script(self, body: dict[str, Any]) -> WorkflowScript | httpx.Response:
        wid = body.get("workflow_id")
        if not wid:
            return self.error(4000, "invalid parameter: workflow_id is required")
        if body.get("bot_id") and body.get("app_id"):
            return self.error(4000, "invalid parameter: bot_id and app_id cannot both be set")
        script = self.workflows.get(str(wid))
        if script is None:
            if self.strict:
                return self.error(4200, "workflow not found or never published")
            script = WorkflowScript(str(wid))
        return script

    def _wf_output(self, script: WorkflowScript, body: dict[str, Any]) -> Any:
        return script.output if script.output is not None else {"output": body.get("parameters") or {}}

    def _usage_for(self, body: dict[str, Any], output: Any) -> dict[str, int]:
        inp = estimate_tokens(json.dumps(body.get("parameters") or {}, ensure_ascii=False))
        out = estimate_tokens(output if isinstance(output, str) else json.dumps(output, ensure_ascii=False))
        return {"input_count": inp, "output_count": out, "token_count": inp + out}

    def _new_execution(self, script: WorkflowScript, body: dict[str, Any], run_mode: int) -> dict[str, Any]:
        eid = self.new_id()
        ex = {
            "execute_id": eid,
            "workflow_id": script.workflow_id,
            "script": script,
            "body": body,
            "run_mode": run_mode,
            "status": "Running",
            "polls": 0,
            "resumes": 0,
            "interrupted": False,
            "event_id": None,
            "created": self.now(),
            "output": None,
            "node_uuid": self.new_id(),
        }
        self.executions[eid] = ex
        return ex

    def _interrupt_data(self, ex: dict[str, Any]) -> dict[str, Any]:
        ex["event_id"] = f"{ex['execute_id']}/{self.new_id()}"
        ex["interrupted"] = True
        return {
            "event_id": ex["event_id"],
            "type": 2,
            "data": json.dumps({"content_type": "text", "content": ex["script"].interrupt}, ensure_ascii=False),
        }

    def _run_result(self, ex: dict[str, Any], output: Any, *, interrupt: bool) -> httpx.Response:
        wid, eid = ex["workflow_id"], ex["execute_id"]
        extra: dict[str, Any] = {
            "debug_url": self._debug_url(wid, eid),
            "execute_id": eid,
            "usage": self._usage_for(ex["body"], output),
        }
        if interrupt:
            extra["data"] = ""
            extra["interrupt_data"] = self._interrupt_data(ex)
        else:
            extra["data"] = output if isinstance(output, str) else json.dumps(output, ensure_ascii=False)
            ex["status"] = "Success"
            ex["output"] = extra["data"]
        logid = self.logid()
        # coze-api.md §1/§5.5: the blocking run puts data (a string), execute_id, debug_url, usage at the top.
        return self.json_response(
            {"code": 0, "msg": "", **extra, "detail": {"logid": logid}}, headers={"x-tt-logid": logid}
        )

    async def _wf_run(self, ctx: Ctx) -> httpx.Response:
        body = ctx.body_dict()
        script = self._wf_script(body)
        if isinstance(script, httpx.Response):
            return script
        if script.error is not None:
            return self.error(*script.error)
        output = self._wf_output(script, body)
        if body.get("is_async"):
            if self.user_level == "free":
                return self.error(6003, "asynchronous workflow runs are only available on paid plans")
            ex = self._new_execution(script, body, 2)
            ex["output"] = output if isinstance(output, str) else json.dumps(output, ensure_ascii=False)
            logid = self.logid()
            return self.json_response(
                {
                    "code": 0,
                    "msg": "",
                    "execute_id": ex["execute_id"],
                    "debug_url": self._debug_url(script.workflow_id, ex["execute_id"]),
                    "detail": {"logid": logid},
                },
                headers={"x-tt-logid": logid},
            )
        ex = self._new_execution(script, body, 0)
        if script.duration:
            await asyncio.sleep(min(script.duration, self.workflow_cutoff))
            if script.duration > self.workflow_cutoff:
                ex["status"] = "Fail"
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=ctx.request)
        return self._run_result(ex, output, interrupt=bool(script.interrupt))

    async def _wf_resume(self, ctx: Ctx) -> httpx.Response:
        found = self._resume_target(ctx)
        if isinstance(found, httpx.Response):
            return found
        ex, body = found
        script: WorkflowScript = ex["script"]
        output = script.resume_output if script.resume_output is not None else {"output": body.get("resume_data")}
        return self._run_result(ex, output, interrupt=False)

    def _resume_target(self, ctx: Ctx) -> tuple[dict[str, Any], dict[str, Any]] | httpx.Response:
        body = ctx.body_dict()
        missing = [k for k in ("workflow_id", "event_id", "interrupt_type", "resume_data") if body.get(k) in (None, "")]
        if missing:
            return self.error(4000, f"invalid parameter: {', '.join(missing)} required")
        eid = str(body["event_id"]).split("/", 1)[0]
        ex = self.executions.get(eid)
        if ex is None or ex["event_id"] != body["event_id"]:
            return self.error(4314, "workflow execution record not found")
        if not ex["interrupted"]:
            return self.error(4315, "the execution has already ended and cannot be resumed")
        if ex["resumes"] >= 3:  # coze-api.md §5.5: at most 3 resumes
            return self.error(4000, "resume limit reached")
        ex["resumes"] += 1
        ex["interrupted"] = False
        return ex, body

    def _wf_message(
        self,
        content: str,
        node_title: str,
        seq: int,
        finish: bool,
        ex: dict[str, Any],
        usage: dict[str, int] | None = None,
    ) -> dict[str, Any]:
        data: dict[str, Any] = {
            "content": content,
            "content_type": "text",
            "node_is_finish": finish,
            "node_seq_id": str(seq),
            "node_title": node_title,
            "node_id": "900001",
            "node_execute_uuid": ex["node_uuid"],
        }
        if usage is not None:
            data["usage"] = usage
        return data

    async def _wf_events(self, ex: dict[str, Any], body: dict[str, Any], *, resumed: bool) -> AsyncIterator[bytes]:
        script: WorkflowScript = ex["script"]
        sse = self._sse
        ids = itertools.count(0)  # coze-api.md §6.2: id counts events from 0 (resets on resume)
        sent = 0

        def ping_due() -> bool:
            return bool(script.ping_every) and sent > 0 and sent % script.ping_every == 0

        if not resumed:
            for i, text in enumerate(script.messages):
                yield sse("Message", self._wf_message(text, "Message", i, i == len(script.messages) - 1, ex), next(ids))
                sent += 1
                if ping_due():
                    yield sse("PING", {"content": "{}"}, next(ids))
            if script.error is not None:
                yield sse("Error", {"error_code": script.error[0], "error_message": script.error[1]}, next(ids))
                ex["status"] = "Fail"
                return
            if script.interrupt:
                data = self._interrupt_data(ex)
                yield sse("Interrupt", {"interrupt_data": data, "node_title": "Question"}, next(ids))
                return
            output = self._wf_output(script, body)
        else:
            output = script.resume_output if script.resume_output is not None else {"output": body.get("resume_data")}
        text = output if isinstance(output, str) else json.dumps(output, ensure_ascii=False)
        yield sse("Message", self._wf_message(text, "End", 0, True, ex, self._usage_for(ex["body"], output)), next(ids))
        sent += 1
        if ping_due():
            yield sse("PING", {"content": "{}"}, next(ids))
        ex["status"] = "Success"
        ex["output"] = text
        yield sse("Done", {"debug_url": self._debug_url(ex["workflow_id"], ex["execute_id"])}, next(ids))

    async def _wf_stream_run(self, ctx: Ctx) -> httpx.Response:
        body = ctx.body_dict()
        script = self._wf_script(body)
        if isinstance(script, httpx.Response):
            return script
        ex = self._new_execution(script, body, 1)
        return self._sse_response(self._wf_events(ex, body, resumed=False))

    async def _wf_stream_resume(self, ctx: Ctx) -> httpx.Response:
        found = self._resume_target(ctx)
        if isinstance(found, httpx.Response):
            return found
        ex, body = found
        return self._sse_response(self._wf_events(ex, body, resumed=True))

    def _history(self, ex: dict[str, Any]) -> dict[str, Any]:
        if ex["run_mode"] == 2 and ex["status"] == "Running":
            ex["polls"] += 1
            if ex["polls"] >= ex["script"].async_polls:
                ex["status"] = "Success"
        done = ex["status"] != "Running"
        return {
            "execute_id": ex["execute_id"],
            "execute_status": ex["status"],
            "bot_id": ex["body"].get("bot_id", ""),
            "connector_id": "1024",
            "connector_uid": self.user["user_id"],
            "run_mode": ex["run_mode"],
            "logid": self.logid(),
            "create_time": ex["created"],
            "update_time": self.now(),
            "output": ex["output"] if done else "",
            "error_code": "",
            "error_message": "",
            "debug_url": self._debug_url(ex["workflow_id"], ex["execute_id"]),
            "usage": self._usage_for(ex["body"], ex["output"] or ""),
            "is_output_trimmed": False,
            "node_execute_status": {
                "900001": {
                    "node_id": "900001",
                    "is_finish": done,
                    "update_time": self.now(),
                    "node_execute_uuid": ex["node_uuid"],
                }
            },
        }

    async def _wf_history(self, ctx: Ctx) -> httpx.Response:
        ex = self.executions.get(ctx.params["eid"])
        if ex is None or ex["workflow_id"] != ctx.params["wid"]:
            return self.error(4314, "workflow execution record not found")
        return self.ok([self._history(ex)])  # coze-api.md §1: a one-element list

    async def _wf_node(self, ctx: Ctx) -> httpx.Response:
        ex = self.executions.get(ctx.params["eid"])
        if ex is None or ex["workflow_id"] != ctx.params["wid"] or ctx.params["nid"] != ex["node_uuid"]:
            return self.error(4314, "workflow execution record not found")
        return self.ok({"is_finish": ex["status"] != "Running", "node_output": ex["output"] or ""})

    async def _wf_chat(self, ctx: Ctx) -> httpx.Response:
        body = ctx.body_dict()
        script = self._wf_script(body)
        if isinstance(script, httpx.Response):
            return script
        msgs = body.get("additional_messages")
        if not msgs or "parameters" not in body:
            return self.error(4000, "invalid parameter: additional_messages and parameters are required")
        if len(msgs) > 50:
            return self.error(4004, "additional_messages exceeds its limit")
        if not body.get("bot_id") and not body.get("app_id"):
            return self.error(4000, "invalid parameter: app_id or bot_id is required")
        bot_id = str(body.get("bot_id") or body.get("app_id"))
        conv_id = body.get("conversation_id")
        conv = self.conversations.get(str(conv_id)) if conv_id else None
        if conv is None:
            conv = self._new_conversation(bot_id)
        chat_id = self.new_id()
        question = self._text_of(msgs[-1]) if isinstance(msgs[-1], dict) else ""
        bot = BotScript(bot_id, replies=script.replies)
        chat = {
            "id": chat_id,
            "conversation_id": conv["id"],
            "bot_id": bot_id,
            "created_at": self.now(),
            "meta_data": {},
            "status": "created",
            "section_id": conv["last_section_id"],
        }
        task = {
            "bot": bot,
            "script": None,
            "question": question,
            "auto_save": True,
            "polls": 0,
            "started": self.clock(),
            "answer": None,
            "history": estimate_tokens(question),
        }
        self.chats[chat_id] = chat
        self._chat_tasks[chat_id] = task
        ex = self._new_execution(script, body, 1)
        return self._sse_response(self._wf_chat_events(chat, task, ex))

    async def _wf_chat_events(
        self, chat: dict[str, Any], task: dict[str, Any], ex: dict[str, Any]
    ) -> AsyncIterator[bytes]:
        async for chunk in self._chat_events(chat, task):
            if chunk.startswith((b"event:done", b"event: done")):
                # coze-api.md §6.3: the chatflow's final done carries the debug_url, not "[DONE]".
                yield self._sse("done", {"debug_url": self._debug_url(ex["workflow_id"], ex["execute_id"])})
                continue
            yield chunk
        ex["status"] = "Success"

    def _wf_basic(self, script: WorkflowScript) -> dict[str, Any]:
        return {
            "workflow_id": script.workflow_id,
            "workflow_name": script.name,
            "description": "",
            "icon_url": "",
            "app_id": "",
            "created_at": self.now(),
            "updated_at": self.now(),
            "creator": {"id": self.user["user_id"], "name": self.user["user_name"]},
        }

    async def _wf_list(self, ctx: Ctx) -> httpx.Response:
        q = ctx.query
        if not q.get("workspace_id") or not q.get("page_num"):
            return self.error(4000, "invalid parameter: workspace_id and page_num are required")
        page_num, page_size = self._int(q.get("page_num"), 1), self._int(q.get("page_size"), 10)
        if not 1 <= page_size <= 30:  # coze-api.md §5.5: page_size 1..30
            return self.error(4000, "invalid parameter: page_size must be 1..30")
        items = [w for w in self.workflows.values() if q.get("workflow_mode") in (None, w.mode)]
        start = (page_num - 1) * page_size
        return self.ok(
            {
                "items": [self._wf_basic(w) for w in items[start : start + page_size]],
                "has_more": start + page_size < len(items),
            }
        )

    async def _wf_retrieve(self, ctx: Ctx) -> httpx.Response:
        script = self.workflows.get(ctx.params["wid"])
        if script is None:
            return self.error(4200, "resource not found")
        data: dict[str, Any] = {"workflow_detail": self._wf_basic(script)}
        if ctx.query.get("include_input_output", "").lower() == "true":
            data["input"] = {"parameters": {"input": {"type": "string", "required": False, "description": ""}}}
            data["output"] = {
                "parameters": {"output": {"type": "string"}},
                "content": "",
                "terminate_plan": "return_variables",
            }
        return self.ok(data)

    async def _wf_versions(self, ctx: Ctx) -> httpx.Response:
        script = self.workflows.get(ctx.params["wid"])
        if script is None:
            return self.error(4200, "resource not found")
        page_size = self._int(ctx.query.get("page_size"), 10)
        if not 1 <= page_size <= 30:
            return self.error(4000, "invalid parameter: page_size must be 1..30")
        versions = [
            {
                "version": f"v0.0.{i}",
                "description": f"version {i}",
                "created_at": self.now(),
                "updated_at": self.now(),
                "workflow_id": script.workflow_id,
                "creator": {"id": self.user["user_id"], "name": self.user["user_name"]},
            }
            for i in range(1, 26)
        ]
        start = self._int(ctx.query.get("page_token") or 0, 0)
        page = versions[start : start + page_size]
        more = start + page_size < len(versions)
        return self.ok({"items": page, "has_more": more, "next_page_token": str(start + page_size) if more else ""})
