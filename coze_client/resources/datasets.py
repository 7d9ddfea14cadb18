"""Knowledge bases: datasets, documents and images (the Coze knowledge pages).

The ``/open_api/knowledge/document/*`` endpoints always get the header ``Agw-Js-Conv: str`` (so
int64 ids come back as strings, the Coze API overview), and answer at the top level of the body.
"""

from __future__ import annotations

import asyncio
import base64
import builtins
import inspect
import os
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from typing_extensions import Unpack

from .._models import ListResult, OperationResult
from .._params import validate
from .._request import Endpoint
from ..errors import ValidationError
from ..pagination import AsyncPaginator, Page, number_page
from ..types.datasets import (
    LOCAL_FILE_TYPES,
    CreateDatasetResult,
    Dataset,
    DatasetFormatType,
    Document,
    DocumentBase,
    DocumentChunkStrategy,
    DocumentProgress,
    DocumentSourceInfo,
    DocumentUpdateRule,
    Photo,
)
from ._base import APIResource, RequestOptions, done, options_of, require
from .files import FileInput, read_file_input

__all__ = [
    "AsyncDatasetImages",
    "AsyncDatasets",
    "AsyncDocuments",
    "ProgressCallback",
    "local_document",
    "rich_progress",
]

_CONV = {"Agw-Js-Conv": "str"}  # ids as strings on the knowledge-document endpoints (§1)

CREATE = Endpoint("POST", "/v1/datasets", idempotent=False)
LIST = Endpoint("GET", "/v1/datasets")
UPDATE = Endpoint("PUT", "/v1/datasets/{dataset_id}", envelope="none")
DELETE = Endpoint("DELETE", "/v1/datasets/{dataset_id}", envelope="none")
# A read-only POST: safe to retry.
PROCESS = Endpoint("POST", "/v1/datasets/{dataset_id}/process", idempotent=True)
DOC_CREATE = Endpoint("POST", "/open_api/knowledge/document/create", envelope="top", idempotent=False,
                      headers=_CONV)
DOC_UPDATE = Endpoint("POST", "/open_api/knowledge/document/update", envelope="none", idempotent=True,
                      headers=_CONV)
DOC_LIST = Endpoint("POST", "/open_api/knowledge/document/list", envelope="top", idempotent=True, headers=_CONV)
DOC_DELETE = Endpoint("POST", "/open_api/knowledge/document/delete", envelope="none", idempotent=True,
                      headers=_CONV)
IMG_LIST = Endpoint("GET", "/v1/datasets/{dataset_id}/images")
IMG_UPDATE = Endpoint("PUT", "/v1/datasets/{dataset_id}/images/{document_id}", envelope="none")

#: Called with the latest progress of every document while ``wait_until_processed`` polls (sync or async).
ProgressCallback = Callable[[list[DocumentProgress]], Awaitable[None] | None]


async def local_document(file: FileInput, *, name: str | None = None, file_type: str | None = None,
                         update_rule: DocumentUpdateRule | Mapping[str, Any] | None = None) -> DocumentBase:
    """A `DocumentBase` from a local file (path, bytes, file object or ``(name, bytes)``), read in a thread.

    ``file_type`` defaults to the name's extension (pdf, txt, doc or docx).

    Args:
        file: a path, bytes, an open binary file or ``(name, bytes)``.
        name: the document's name (default: the file's name).
        file_type: ``pdf``, ``txt``, ``doc`` or ``docx`` (default: the name's extension).
        update_rule: a `DocumentUpdateRule` (or its dict).

    Examples:
        ```python
        doc = await local_document("handbook.pdf")
        await coze.datasets.documents.create(dataset_id="74...", document_bases=[doc])
        ```
    """
    fname, content = await read_file_input(file, name=name)
    kind = (file_type or os.path.splitext(fname)[1].lstrip(".")).lower()
    if kind not in LOCAL_FILE_TYPES:
        raise ValidationError(f"file_type {kind!r} is not supported; use one of {sorted(LOCAL_FILE_TYPES)}")
    # Base64 of a multi-megabyte file takes milliseconds: keep it off the event loop too.
    encoded = (await asyncio.to_thread(base64.b64encode, content)).decode("ascii")
    doc = DocumentBase(name=Path(name or fname).name,
                       source_info=DocumentSourceInfo(file_base64=encoded, file_type=kind))
    if update_rule is not None:
        doc.update_rule = validate(DocumentUpdateRule, update_rule, "update_rule")
    return doc


def rich_progress(progress: Any) -> Callable[[list[DocumentProgress]], None]:
    """A ``wait_until_processed`` callback that draws one ``rich`` progress bar per document.

    ``progress`` is a started `rich.progress.Progress` (the CLI's ``--wait`` uses this).

    Args:
        progress: a started ``rich.progress.Progress`` to draw the bars in.

    Examples:
        ```python
        from rich.progress import Progress
        with Progress() as bars:
            await coze.datasets.documents.wait_until_processed(ds, ids, progress=rich_progress(bars))
        ```
    """
    tasks: dict[str, Any] = {}

    def update(items: list[DocumentProgress]) -> None:
        for item in items:
            task = tasks.get(item.document_id)
            if task is None:
                task = tasks[item.document_id] = progress.add_task(item.document_name or item.document_id,
                                                                   total=100)
            label = item.document_name or item.document_id
            if item.is_failed:
                label = f"{label} [red]failed: {item.status_descript or 'unknown reason'}[/red]"
            progress.update(task, completed=100 if item.is_done else (item.progress or 0), description=label)

    return update


def _format_type(value: Any, allowed: tuple[int, ...]) -> int | None:
    if value is None:
        return None
    kind = validate(DatasetFormatType, value, "format_type")
    if kind.value not in allowed:
        raise ValidationError(f"format_type must be one of {allowed}")
    return int(kind.value)


def _ids(name: str, ids: Sequence[str | int], limit: int) -> list[str]:
    if isinstance(ids, (str, bytes)) or not isinstance(ids, Sequence) or not ids:
        raise ValidationError(f"{name} must be a non-empty list of ids")
    if len(ids) > limit:
        raise ValidationError(f"{name} holds {len(ids)} ids; at most {limit} are allowed per call")
    return [require(name, i) for i in ids]


class AsyncDocuments(APIResource):
    """``coze.datasets.documents``: the files and web pages of a knowledge base."""

    async def create(
        self, *, dataset_id: str, document_bases: Sequence[DocumentBase | Mapping[str, Any]],
        chunk_strategy: DocumentChunkStrategy | Mapping[str, Any] | None = None,
        format_type: DatasetFormatType | int | None = None,
        **options: Unpack[RequestOptions],
    ) -> ListResult[Document]:
        """Add up to 10 documents: local files (`local_document`), web pages or uploaded images.

        ``chunk_strategy`` only counts on the first upload into a knowledge base. Processing runs in
        the background: follow it with `wait_until_processed`.

        Args:
            dataset_id: the knowledge base's id.
            document_bases: up to 10 `DocumentBase` objects (or dicts): local files, web pages or uploaded images.
            chunk_strategy: how to cut the documents (`DocumentChunkStrategy`); honoured on the first upload only.
            format_type: 0 text or 2 images (the knowledge base's kind).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            docs = await coze.datasets.documents.create(dataset_id="74...", document_bases=[
                DocumentBase.web_page("Coze docs", "https://www.coze.cn/open/docs", update_interval_hours=24)])
            ```
        """
        if isinstance(document_bases, Mapping) or not isinstance(document_bases, Sequence) or not document_bases:
            raise ValidationError("document_bases must be a non-empty list")
        if len(document_bases) > 10:
            raise ValidationError(f"document_bases holds {len(document_bases)} documents; at most 10 per call")
        bases = [validate(DocumentBase, d, "document_bases").model_dump(mode="json", exclude_none=True)
                 for d in document_bases]
        strategy = (validate(DocumentChunkStrategy, chunk_strategy, "chunk_strategy")
                    .model_dump(mode="json", exclude_none=True) if chunk_strategy is not None else None)
        return await self._corridor.request(
            DOC_CREATE, lambda p: ListResult([Document.model_validate(d) for d in (p or {}).get("document_infos")
                                              or []]),
            json={"dataset_id": require("dataset_id", dataset_id), "document_bases": bases,
                  "chunk_strategy": strategy, "format_type": _format_type(format_type, (0, 2))},
            options=options_of(options),
        )

    async def update(
        self, *, document_id: str, document_name: str | None = None,
        update_rule: DocumentUpdateRule | Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Rename a document or change its refresh rule (web pages).

        Args:
            document_id: the document's id.
            document_name: its new name.
            update_rule: its new refresh rule (`DocumentUpdateRule`, web pages only).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.datasets.documents.update(document_id="75...",
                update_rule=DocumentUpdateRule.every(hours=48))
            ```
        """
        if document_name is None and update_rule is None:
            raise ValidationError("give document_name and/or update_rule")
        # Serialised here: cozepy crashes with "DocumentUpdateRule is not JSON serializable" (§5.6, §9.7).
        rule = (validate(DocumentUpdateRule, update_rule, "update_rule").model_dump(mode="json", exclude_none=True)
                if update_rule is not None else None)
        return await self._corridor.request(
            DOC_UPDATE, done,
            json={"document_id": require("document_id", document_id), "document_name": document_name,
                  "update_rule": rule},
            options=options_of(options),
        )

    def list(
        self, *, dataset_id: str, page: int = 1, size: int = 10,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[Document]:
        """Documents of a knowledge base (``page`` / ``size`` go in the body; the answer has a total).

        Args:
            dataset_id: the knowledge base's id.
            page: the page to fetch, from 1 (iterate the result for every page).
            size: documents per page.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async for doc in coze.datasets.documents.list(dataset_id="74..."):
                print(doc.document_id, doc.document_name)
            ```
        """
        did = require("dataset_id", dataset_id)
        if page < 1 or size < 1:
            raise ValidationError("page and size must be >= 1")
        call_options = options_of(options)
        corridor = self._corridor

        async def fetch(body: dict[str, Any]) -> Page[Document]:
            def cast(payload: Any) -> Page[Document]:
                payload = payload or {}
                items = [Document.model_validate(d) for d in payload.get("document_infos") or []]
                return number_page(items, payload, body, num_key="page", size_key="size", default_size=size)

            return await corridor.request(DOC_LIST, cast, json=body, options=call_options)

        return AsyncPaginator(fetch, {"dataset_id": did, "page": page, "size": size})

    async def delete(self, *, document_ids: Sequence[str], **options: Unpack[RequestOptions]) -> OperationResult:
        """Delete up to 100 documents.

        Args:
            document_ids: up to 100 document ids.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.datasets.documents.delete(document_ids=["75...", "76..."])
            ```
        """
        return await self._corridor.request(DOC_DELETE, done,
                                     json={"document_ids": _ids("document_ids", document_ids, 100)},
                                     options=options_of(options))

    async def wait_until_processed(
        self, dataset_id: str, document_ids: Sequence[str], *, progress: ProgressCallback | None = None,
        poll_interval: float = 2.0, timeout: float | None = 600.0,
    ) -> builtins.list[DocumentProgress]:
        """Poll ``datasets.process`` until every document is done (status 1) or failed (status 9).

        ``progress`` (sync or async) gets each poll's list. Returns the final progress list (check
        ``is_failed`` per document); an id missing from the service's answer counts as still processing.
        Raises `TimeoutError` after ``timeout`` seconds.

        Args:
            dataset_id: the knowledge base's id.
            document_ids: the documents to follow.
            progress: called (sync or async) with each poll's list of `DocumentProgress`.
            poll_interval: seconds between polls (each poll is one API call).
            timeout: seconds before `TimeoutError` (None: wait for ever).

        Examples:
            ```python
            docs = await coze.datasets.documents.create(dataset_id=ds, document_bases=[doc])
            final = await coze.datasets.documents.wait_until_processed(
                ds, [d.document_id for d in docs],
                progress=lambda items: print([(p.document_name, p.progress) for p in items]))
            ```
        """
        if poll_interval < 0.5:
            raise ValidationError("poll_interval must be >= 0.5 s (each poll is a request you pay for in QPS)")
        ids = _ids("document_ids", document_ids, 100)
        deadline = None if timeout is None else time.monotonic() + timeout
        process = AsyncDatasets(self._corridor).process
        while True:
            items = list(await process(dataset_id=dataset_id, document_ids=ids))
            if progress is not None:
                result = progress(items)
                if inspect.isawaitable(result):
                    await result
            seen = {p.document_id: p for p in items}
            if all(i in seen and seen[i].is_done for i in ids):
                return items
            if deadline is not None and time.monotonic() + poll_interval > deadline:
                pending = [i for i in ids if not (i in seen and seen[i].is_done)]
                raise TimeoutError(f"documents still processing after {timeout} s: {pending}")
            await asyncio.sleep(poll_interval)


class AsyncDatasetImages(APIResource):
    """``coze.datasets.images``: images of an image knowledge base."""

    def list(
        self, *, dataset_id: str, page_num: int = 1, page_size: int = 10, keyword: str | None = None,
        has_caption: bool | None = None, **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[Photo]:
        """Images, optionally searched by caption (``page_size`` 1-299).

        Args:
            dataset_id: the knowledge base's id.
            page_num: the page to fetch, from 1 (iterate the result for every page).
            page_size: items per page (the endpoint's documented range applies).
            keyword: search the captions for this text.
            has_caption: only images with (True) or without (False) a caption.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async for photo in coze.datasets.images.list(dataset_id="74...", has_caption=False):
                print(photo.document_id, photo.url)
            ```
        """
        did = require("dataset_id", dataset_id)
        if page_num < 1 or not 1 <= page_size <= 299:
            raise ValidationError("page_num must be >= 1 and page_size between 1 and 299")
        call_options = options_of(options)
        corridor = self._corridor

        async def fetch(params: dict[str, Any]) -> Page[Photo]:
            def cast(payload: Any) -> Page[Photo]:
                payload = payload or {}
                items = [Photo.model_validate(p) for p in payload.get("photo_infos") or []]
                return number_page(items, payload, params, default_size=page_size)

            return await corridor.request(IMG_LIST, cast, path_params={"dataset_id": did}, params=params,
                                          options=call_options)

        return AsyncPaginator(fetch, {"page_num": page_num, "page_size": page_size, "keyword": keyword,
                                      "has_caption": has_caption})

    async def update(self, *, dataset_id: str, document_id: str, caption: str,
                     **options: Unpack[RequestOptions]) -> OperationResult:
        """Set an image's caption.

        Args:
            dataset_id: the knowledge base's id.
            document_id: the image's document id.
            caption: the new caption.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.datasets.images.update(dataset_id="74...", document_id="75...",
                                              caption="a red bicycle")
            ```
        """
        if not isinstance(caption, str):
            raise ValidationError("caption must be a string")
        return await self._corridor.request(IMG_UPDATE, done,
                                     path_params={"dataset_id": dataset_id, "document_id": document_id},
                                     json={"caption": caption}, options=options_of(options))


class AsyncDatasets(APIResource):
    """``coze.datasets``: knowledge bases."""

    def __init__(self, corridor: Any) -> None:
        """Attach the sub-resources (``AsyncCoze`` builds the resources; you do not call this).

        Args:
            corridor: the client's request corridor (internal; use ``coze.datasets``).
        """
        super().__init__(corridor)
        self.documents = AsyncDocuments(corridor)
        self.images = AsyncDatasetImages(corridor)

    async def create(
        self, *, name: str, space_id: str, format_type: DatasetFormatType | int, description: str | None = None,
        file_id: str | None = None, **options: Unpack[RequestOptions],
    ) -> CreateDatasetResult:
        """Create a knowledge base (``format_type`` 0 text, 2 images; ``file_id`` an uploaded icon).

        Args:
            name: at most 100 characters.
            space_id: the workspace to create it in.
            format_type: 0 text documents or 2 images.
            description: a description.
            file_id: an uploaded icon (`files.upload`).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            ds = await coze.datasets.create(name="FAQ", space_id="74...", format_type=0)
            ds.dataset_id
            ```
        """
        return await self._corridor.request(
            CREATE, CreateDatasetResult.model_validate,
            json={"name": _name(name), "space_id": require("space_id", space_id),
                  "format_type": _format_type(format_type, (0, 2)), "description": description, "file_id": file_id},
            options=options_of(options),
        )

    def list(
        self, *, space_id: str, name: str | None = None, format_type: DatasetFormatType | int | None = None,
        page_num: int = 1, page_size: int = 10, **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[Dataset]:
        """Knowledge bases of a space (``name`` matches fuzzily; ``page_size`` 1-300).

        Args:
            space_id: the workspace.
            name: only knowledge bases whose name matches this (fuzzy).
            format_type: only this kind: 0 text, 1 tables, 2 images.
            page_num: the page to fetch, from 1 (iterate the result for every page).
            page_size: items per page (the endpoint's documented range applies).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            async for ds in coze.datasets.list(space_id="74..."):
                print(ds.dataset_id, ds.name, ds.doc_count)
            ```
        """
        sid = require("space_id", space_id)
        if page_num < 1 or not 1 <= page_size <= 300:
            raise ValidationError("page_num must be >= 1 and page_size between 1 and 300")
        kind = _format_type(format_type, (0, 1, 2))
        call_options = options_of(options)
        corridor = self._corridor

        async def fetch(params: dict[str, Any]) -> Page[Dataset]:
            def cast(payload: Any) -> Page[Dataset]:
                payload = payload or {}
                items = [Dataset.model_validate(d) for d in payload.get("dataset_list") or []]
                return number_page(items, payload, params, default_size=page_size)

            return await corridor.request(LIST, cast, params=params, options=call_options)

        return AsyncPaginator(fetch, {"space_id": sid, "name": name, "format_type": kind, "page_num": page_num,
                                      "page_size": page_size})

    async def update(self, *, dataset_id: str, name: str, file_id: str | None = None,
                     description: str | None = None, **options: Unpack[RequestOptions]) -> OperationResult:
        """Overwrite a knowledge base's name, icon and description.

        This is a full overwrite: a field you leave out is reset on the server (the Coze knowledge pages).

        Args:
            dataset_id: the knowledge base's id.
            name: the name (a full overwrite: send it even when unchanged).
            file_id: an uploaded icon (`files.upload`).
            description: the description (left out: reset on the server).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.datasets.update(dataset_id="74...", name="FAQ",
                                       description="support answers")
            ```
        """
        return await self._corridor.request(UPDATE, done, path_params={"dataset_id": dataset_id},
                                     json={"name": _name(name), "file_id": file_id, "description": description},
                                     options=options_of(options))

    async def delete(self, *, dataset_id: str, **options: Unpack[RequestOptions]) -> OperationResult:
        """Delete a knowledge base, its files, and its bindings to agents.

        Args:
            dataset_id: the knowledge base's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            await coze.datasets.delete(dataset_id="74...")
            ```
        """
        return await self._corridor.request(DELETE, done, path_params={"dataset_id": dataset_id},
                                     options=options_of(options))

    async def process(self, *, dataset_id: str, document_ids: Sequence[str],
                      **options: Unpack[RequestOptions]) -> ListResult[DocumentProgress]:
        """Processing progress of documents (the answer nests the list as ``data.data``).

        Args:
            dataset_id: the knowledge base's id.
            document_ids: the documents whose progress to read.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for p in await coze.datasets.process(dataset_id="74...", document_ids=["75..."]):
                print(p.document_name, p.status, p.progress)
            ```
        """
        return await self._corridor.request(
            PROCESS, lambda p: ListResult([DocumentProgress.model_validate(d) for d in (p or {}).get("data") or []]),
            path_params={"dataset_id": dataset_id},
            json={"document_ids": _ids("document_ids", document_ids, 100)},
            options=options_of(options),
        )


def _name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise ValidationError("name is required and must be at most 100 characters")
    return name
