"""FakeCoze area. Knowledge: datasets, documents (processing over time) and images."""

from __future__ import annotations

import base64
from typing import Any

import httpx

from .._core import Ctx
from ._base import AreaBase


class DatasetRoutes(AreaBase):
    """Knowledge: datasets, documents (processing over time) and images."""

    def _setup_datasets(self) -> None:
        r = self.route
        r("POST", "/v1/datasets", self._ds_create)
        r("GET", "/v1/datasets", self._ds_list)
        r("PUT", "/v1/datasets/{did}", self._ds_update)
        r("DELETE", "/v1/datasets/{did}", self._ds_delete)
        r("POST", "/v1/datasets/{did}/process", self._ds_process)
        r("GET", "/v1/datasets/{did}/images", self._img_list)
        r("PUT", "/v1/datasets/{did}/images/{doc}", self._img_caption)
        r("POST", "/open_api/knowledge/document/create", self._doc_create)
        r("POST", "/open_api/knowledge/document/update", self._doc_update)
        r("POST", "/open_api/knowledge/document/list", self._doc_list)
        r("POST", "/open_api/knowledge/document/delete", self._doc_delete)

    # -- knowledge ------------------------------------------------------------------------------
    async def _ds_create(self, ctx: Ctx) -> httpx.Response:
        body = ctx.body_dict()
        if not body.get("name") or not body.get("space_id") or body.get("format_type") not in (0, 2):
            return self.error(4000, "invalid parameter: name, space_id and format_type (0|2) are required")
        did = self.new_id()
        self.datasets[did] = {
            "dataset_id": did,
            "name": body["name"],
            "description": body.get("description", ""),
            "space_id": str(body["space_id"]),
            "status": 1,
            "format_type": body["format_type"],
            "can_edit": True,
            "icon_url": "",
            "doc_count": 0,
            "file_list": [],
            "hit_count": 0,
            "bot_used_count": 0,
            "slice_count": 0,
            "all_file_size": 0,
            "chunk_strategy": {},
            "failed_file_list": [],
            "processing_file_list": [],
            "processing_file_id_list": [],
            "avatar_url": "",
            "creator_id": self.user["user_id"],
            "creator_name": self.user["user_name"],
            "create_time": self.now(),
            "update_time": self.now(),
        }
        return self.ok({"dataset_id": did})

    async def _ds_list(self, ctx: Ctx) -> httpx.Response:
        q = ctx.query
        if not q.get("space_id"):
            return self.error(4000, "invalid parameter: space_id is required")
        page_num, page_size = self._int(q.get("page_num"), 1), self._int(q.get("page_size"), 10)
        if not 1 <= page_size <= 300:
            return self.error(4000, "invalid parameter: page_size must be 1..300")
        items = [
            d
            for d in self.datasets.values()
            if d["space_id"] == q["space_id"]
            and q.get("name", "") in d["name"]
            and (q.get("format_type") is None or str(d["format_type"]) == q["format_type"])
        ]
        start = (page_num - 1) * page_size
        for d in items:
            d["doc_count"] = sum(1 for doc in self.documents.values() if doc["_dataset_id"] == d["dataset_id"])
        return self.ok({"total_count": len(items), "dataset_list": items[start : start + page_size]})

    async def _ds_update(self, ctx: Ctx) -> httpx.Response:
        ds = self.datasets.get(ctx.params["did"])
        if ds is None:
            return self.error(4200, "resource not found")
        body = ctx.body_dict()
        if not body.get("name"):
            return self.error(4000, "invalid parameter: name is required")
        # coze-api.md §5.6: a full overwrite; left-out fields are reset.
        ds.update(name=body["name"], description=body.get("description", ""), icon_url="", update_time=self.now())
        return self.ok(with_data=False)

    async def _ds_delete(self, ctx: Ctx) -> httpx.Response:
        if self.datasets.pop(ctx.params["did"], None) is None:
            return self.error(4200, "resource not found")
        for doc_id in [k for k, d in self.documents.items() if d["_dataset_id"] == ctx.params["did"]]:
            del self.documents[doc_id]
        return self.ok(with_data=False)

    def _progress(self, doc: dict[str, Any]) -> int:
        elapsed = self.clock() - doc["_started"]
        return (
            100 if self.document_process_seconds <= 0 else min(100, int(100 * elapsed / self.document_process_seconds))
        )

    async def _ds_process(self, ctx: Ctx) -> httpx.Response:
        if ctx.params["did"] not in self.datasets:
            return self.error(4200, "resource not found")
        ids = ctx.body_dict().get("document_ids")
        if not ids:
            return self.error(4000, "invalid parameter: document_ids is required")
        out = []
        for doc_id in ids:
            doc = self.documents.get(str(doc_id))
            if doc is None:
                continue
            progress = self._progress(doc)
            status = 1 if progress >= 100 else 0
            doc["status"] = status
            remaining = max(0, int(self.document_process_seconds * (100 - progress) / 100))
            out.append(
                {
                    "document_id": doc["document_id"],
                    "url": "",
                    "size": doc["size"],
                    "type": doc["type"],
                    "status": status,
                    "progress": progress,
                    "update_type": doc["update_type"],
                    "document_name": doc["name"],
                    "remaining_time": remaining,
                    "status_descript": "",
                    "update_interval": doc["update_interval"],
                }
            )
        return self.ok({"data": out})  # coze-api.md §1: progress nested as data.data[]

    def _agw(self, ctx: Ctx) -> httpx.Response | None:
        if ctx.headers.get("agw-js-conv") != "str":
            # Without it int64 ids lose precision in JS gateways; the SDK always sends it (§1).
            return self.error(4000, "invalid parameter: header Agw-Js-Conv: str is required")
        return None

    def _doc_public(self, doc: dict[str, Any]) -> dict[str, Any]:
        doc["status"] = 1 if self._progress(doc) >= 100 else 0
        return self._public(doc)

    async def _doc_create(self, ctx: Ctx) -> httpx.Response:
        problem = self._agw(ctx)
        if problem is not None:
            return problem
        body = ctx.body_dict()
        did = str(body.get("dataset_id") or "")
        bases = body.get("document_bases")
        if did not in self.datasets:
            return self.error(4200, "dataset not found")
        if not bases or len(bases) > 10:
            return self.error(4000, "invalid parameter: 1..10 document_bases are required")
        infos = []
        for base in bases:
            src = base.get("source_info") or {}
            if not base.get("name"):
                return self.error(4000, "invalid parameter: document name is required")
            size = len(base64.b64decode(src["file_base64"])) if src.get("file_base64") else 0
            rule = base.get("update_rule") or {}
            doc = {
                "document_id": self.new_id(),
                "name": base["name"],
                "char_count": size,
                "chunk_strategy": body.get("chunk_strategy") or {},
                "format_type": body.get("format_type", 0),
                "hit_count": 0,
                "size": size,
                "slice_count": 0,
                "source_type": src.get("document_source", 0),
                "status": 0,
                "type": src.get("file_type", "web" if src.get("web_url") else "txt"),
                "update_interval": rule.get("update_interval", 0),
                "update_type": rule.get("update_type", 0),
                "create_time": self.now(),
                "update_time": self.now(),
                "tos_uri": "",
                "_dataset_id": did,
                "_started": self.clock(),
                "_caption": base.get("caption", ""),
            }
            self.documents[doc["document_id"]] = doc
            infos.append(self._doc_public(doc))
        logid = self.logid()
        return self.json_response(
            {"code": 0, "msg": "", "document_infos": infos, "detail": {"logid": logid}}, headers={"x-tt-logid": logid}
        )

    async def _doc_update(self, ctx: Ctx) -> httpx.Response:
        problem = self._agw(ctx)
        if problem is not None:
            return problem
        body = ctx.body_dict()
        doc = self.documents.get(str(body.get("document_id") or ""))
        if doc is None:
            return self.error(4200, "document not found")
        if body.get("document_name"):
            doc["name"] = body["document_name"]
        rule = body.get("update_rule")
        if isinstance(rule, dict):
            doc["update_type"] = rule.get("update_type", doc["update_type"])
            doc["update_interval"] = rule.get("update_interval", doc["update_interval"])
        doc["update_time"] = self.now()
        return self.ok(with_data=False, extra={"document_info": self._doc_public(doc)})

    async def _doc_list(self, ctx: Ctx) -> httpx.Response:
        problem = self._agw(ctx)
        if problem is not None:
            return problem
        body = ctx.body_dict()
        did = str(body.get("dataset_id") or "")
        if did not in self.datasets:
            return self.error(4200, "dataset not found")
        page, size = self._int(body.get("page"), 1), self._int(body.get("size"), 10)
        docs = [d for d in self.documents.values() if d["_dataset_id"] == did]
        start = (page - 1) * size
        logid = self.logid()
        return self.json_response(
            {
                "code": 0,
                "msg": "",
                "document_infos": [self._doc_public(d) for d in docs[start : start + size]],
                "total": len(docs),
                "detail": {"logid": logid},
            },
            headers={"x-tt-logid": logid},
        )

    async def _doc_delete(self, ctx: Ctx) -> httpx.Response:
        problem = self._agw(ctx)
        if problem is not None:
            return problem
        ids = ctx.body_dict().get("document_ids")
        if not ids or len(ids) > 100:
            return self.error(4000, "invalid parameter: 1..100 document_ids are required")
        for doc_id in ids:
            self.documents.pop(str(doc_id), None)
        return self.ok(with_data=False)

    async def _img_list(self, ctx: Ctx) -> httpx.Response:
        did = ctx.params["did"]
        if did not in self.datasets:
            return self.error(4200, "resource not found")
        q = ctx.query
        page_num, page_size = self._int(q.get("page_num"), 1), self._int(q.get("page_size"), 10)
        if not 1 <= page_size <= 299:
            return self.error(4000, "invalid parameter: page_size must be 1..299")
        imgs = [d for d in self.documents.values() if d["_dataset_id"] == did and d["format_type"] == 2]
        if q.get("keyword"):
            imgs = [d for d in imgs if q["keyword"] in d["_caption"]]
        if q.get("has_caption") is not None:
            want = q["has_caption"].lower() == "true"
            imgs = [d for d in imgs if bool(d["_caption"]) == want]
        start = (page_num - 1) * page_size
        infos = [
            {
                "document_id": d["document_id"],
                "url": "",
                "name": d["name"],
                "size": d["size"],
                "type": d["type"],
                "status": d["status"],
                "caption": d["_caption"],
                "creator_id": self.user["user_id"],
                "source_type": d["source_type"],
                "create_time": d["create_time"],
                "update_time": d["update_time"],
            }
            for d in imgs[start : start + page_size]
        ]
        return self.ok({"photo_infos": infos, "total_count": len(imgs)})

    async def _img_caption(self, ctx: Ctx) -> httpx.Response:
        doc = self.documents.get(ctx.params["doc"])
        caption = ctx.body_dict().get("caption")
        if doc is None:
            return self.error(4200, "resource not found")
        if not isinstance(caption, str):
            return self.error(4000, "invalid parameter: caption is required")
        doc["_caption"] = caption
        return self.ok(with_data=False)
