"""Knowledge over respx: datasets, documents (Agw-Js-Conv header, top-level bodies), images, progress waits."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest
import respx

from coze_client import AsyncCoze, errors
from coze_client.resources.datasets import local_document
from coze_client.types.datasets import DocumentBase, DocumentChunkStrategy, DocumentProgress, DocumentUpdateRule

from .helpers import body_of, ok, query_of, top


async def test_dataset_create_list_update_delete(coze: AsyncCoze, api: respx.MockRouter) -> None:
    create = api.post("/v1/datasets").mock(return_value=ok({"dataset_id": "d1"}))
    ds = await coze.datasets.create(name="FAQ", space_id="s1", format_type=2, description="pics", file_id="f1")
    assert body_of(create) == {"name": "FAQ", "space_id": "s1", "format_type": 2, "description": "pics",
                               "file_id": "f1"}
    assert ds.dataset_id == "d1"

    listing = api.get("/v1/datasets").mock(side_effect=[
        ok({"total_count": 3, "dataset_list": [{"dataset_id": "d1", "name": "FAQ", "status": 1, "doc_count": 2},
                                               {"dataset_id": "d2", "name": "B"}]}),
        ok({"total_count": 3, "dataset_list": [{"dataset_id": "d3", "name": "C"}]}),
    ])
    page = await coze.datasets.list(space_id="s1", name="F", format_type=0, page_size=2)
    assert page.total == 3 and page.has_more and page.items[0].doc_count == 2
    assert query_of(listing) == {"space_id": "s1", "name": "F", "format_type": "0", "page_num": "1",
                                 "page_size": "2"}
    listing.side_effect = [
        ok({"total_count": 3, "dataset_list": [{"dataset_id": "d1"}, {"dataset_id": "d2"}]}),
        ok({"total_count": 3, "dataset_list": [{"dataset_id": "d3"}]}),
    ]
    everything = await coze.datasets.list(space_id="s1", page_size=2).to_list()
    assert [d.dataset_id for d in everything] == ["d1", "d2", "d3"]
    assert query_of(listing)["page_num"] == "2"

    update = api.put("/v1/datasets/d1").mock(return_value=ok())
    await coze.datasets.update(dataset_id="d1", name="FAQ2")
    assert body_of(update) == {"name": "FAQ2"}
    delete = api.delete("/v1/datasets/d1").mock(return_value=ok())
    await coze.datasets.delete(dataset_id="d1")
    assert delete.call_count == 1


async def test_dataset_validation(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.post("/v1/datasets").mock(return_value=ok({"dataset_id": "d1"}))
    with pytest.raises(errors.ValidationError, match="format_type"):
        await coze.datasets.create(name="x", space_id="s", format_type=1)  # tables cannot be created by API
    with pytest.raises(errors.ValidationError, match="100 characters"):
        await coze.datasets.create(name="x" * 101, space_id="s", format_type=0)
    with pytest.raises(errors.ValidationError):
        coze.datasets.list(space_id="s", page_size=301)
    assert route.call_count == 0


async def test_process_reads_the_nested_list(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.post("/v1/datasets/d1/process").mock(return_value=ok({"data": [
        {"document_id": "7", "status": 0, "progress": 40, "document_name": "a.pdf", "remaining_time": 3},
        {"document_id": "8", "status": 9, "progress": 0, "status_descript": "bad file"}]}))
    items = await coze.datasets.process(dataset_id="d1", document_ids=["7", 8])  # type: ignore[list-item]
    assert body_of(route) == {"document_ids": ["7", "8"]}
    assert [(p.document_id, p.progress, p.is_done, p.is_failed) for p in items] == [
        ("7", 40, False, False), ("8", 0, True, True)]
    assert items.logid == "L"


async def test_documents_create_local_web_image_with_header(coze: AsyncCoze, api: respx.MockRouter,
                                                            tmp_path: Path) -> None:
    route = api.post("/open_api/knowledge/document/create").mock(return_value=top(document_infos=[
        {"document_id": "7401", "name": "a.txt", "status": 0, "format_type": 0}]))
    path = tmp_path / "a.txt"
    path.write_bytes(b"hello knowledge")
    local = await local_document(path, update_rule={"update_type": 0})
    docs = await coze.datasets.documents.create(
        dataset_id="d1",
        document_bases=[local, DocumentBase.web_page("site", "https://example.com", update_interval_hours=24),
                        {"name": "pic", "source_info": {"source_file_id": "f9"}, "caption": "a cat"}],
        chunk_strategy=DocumentChunkStrategy.custom(separator="\n\n", max_tokens=800), format_type=0,
    )
    request = route.calls[0].request
    assert request.headers["Agw-Js-Conv"] == "str"
    sent = body_of(route)
    assert sent["dataset_id"] == "d1" and sent["format_type"] == 0
    assert sent["document_bases"][0] == {"name": "a.txt", "source_info": {
        "file_base64": base64.b64encode(b"hello knowledge").decode(), "file_type": "txt"},
        "update_rule": {"update_type": 0}}
    assert sent["document_bases"][1] == {"name": "site", "source_info": {"web_url": "https://example.com",
                                                                         "document_source": 1},
                                         "update_rule": {"update_type": 1, "update_interval": 24}}
    assert sent["document_bases"][2] == {"name": "pic", "source_info": {"source_file_id": "f9",
                                                                        "document_source": 5}, "caption": "a cat"}
    assert sent["chunk_strategy"] == {"chunk_type": 1, "separator": "\n\n", "max_tokens": 800}
    assert [d.document_id for d in docs] == ["7401"]


async def test_documents_create_validation(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.post("/open_api/knowledge/document/create").mock(return_value=top(document_infos=[]))
    web = DocumentBase.web_page("s", "https://e.com")
    with pytest.raises(errors.ValidationError, match="at most 10"):
        await coze.datasets.documents.create(dataset_id="d1", document_bases=[web] * 11)
    with pytest.raises(errors.ValidationError, match="exactly one"):
        await coze.datasets.documents.create(dataset_id="d1", document_bases=[
            {"name": "x", "source_info": {"web_url": "https://e.com", "source_file_id": "f"}}])
    with pytest.raises(errors.ValidationError, match="file_type"):
        await local_document(("a.exe", b"MZ"))
    with pytest.raises(errors.ValidationError, match="chunk_type=1"):
        await coze.datasets.documents.create(dataset_id="d1", document_bases=[web],
                                             chunk_strategy={"chunk_type": 0, "max_tokens": 500})
    with pytest.raises(errors.ValidationError):
        await coze.datasets.documents.create(dataset_id="d1", document_bases=[web],
                                             chunk_strategy={"chunk_type": 1, "max_tokens": 50})
    with pytest.raises(errors.ValidationError, match="update_interval"):
        await coze.datasets.documents.create(dataset_id="d1", document_bases=[
            {"name": "s", "source_info": {"web_url": "https://e.com"},
             "update_rule": {"update_type": 1, "update_interval": 12}}])
    assert route.call_count == 0


async def test_document_update_serialises_update_rule(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.post("/open_api/knowledge/document/update").mock(
        return_value=top(document_info={"document_id": "7"}))
    await coze.datasets.documents.update(document_id="7", document_name="renamed",
                                         update_rule=DocumentUpdateRule.every(hours=48))
    assert route.calls[0].request.headers["Agw-Js-Conv"] == "str"
    assert body_of(route) == {"document_id": "7", "document_name": "renamed",
                              "update_rule": {"update_type": 1, "update_interval": 48}}
    with pytest.raises(errors.ValidationError):
        await coze.datasets.documents.update(document_id="7")


async def test_document_list_pages_in_the_body(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.post("/open_api/knowledge/document/list").mock(side_effect=[
        top(document_infos=[{"document_id": "1"}, {"document_id": "2"}], total=3),
        top(document_infos=[{"document_id": "3"}], total=3),
    ])
    docs = await coze.datasets.documents.list(dataset_id="d1", size=2).to_list()
    assert [d.document_id for d in docs] == ["1", "2", "3"]
    assert body_of(route, 0) == {"dataset_id": "d1", "page": 1, "size": 2}
    assert body_of(route, 1) == {"dataset_id": "d1", "page": 2, "size": 2}
    assert route.calls[0].request.headers["Agw-Js-Conv"] == "str"
    assert route.calls[0].request.url.params == httpx.QueryParams()


async def test_document_delete_caps_ids(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.post("/open_api/knowledge/document/delete").mock(return_value=top())
    await coze.datasets.documents.delete(document_ids=["1", "2"])
    assert body_of(route) == {"document_ids": ["1", "2"]}
    assert route.calls[0].request.headers["Agw-Js-Conv"] == "str"
    with pytest.raises(errors.ValidationError, match="at most 100"):
        await coze.datasets.documents.delete(document_ids=[str(i) for i in range(101)])
    with pytest.raises(errors.ValidationError):
        await coze.datasets.documents.delete(document_ids=[])
    assert route.call_count == 1


async def test_images_list_and_caption(coze: AsyncCoze, api: respx.MockRouter) -> None:
    route = api.get("/v1/datasets/d1/images").mock(return_value=ok({
        "photo_infos": [{"document_id": "p1", "url": "https://img", "caption": ""}], "total_count": 1}))
    page = await coze.datasets.images.list(dataset_id="d1", keyword="cat", has_caption=False, page_size=5)
    assert query_of(route) == {"page_num": "1", "page_size": "5", "keyword": "cat", "has_caption": "false"}
    assert page.total == 1 and not page.has_more and page.items[0].url == "https://img"
    caption = api.put("/v1/datasets/d1/images/p1").mock(return_value=ok())
    await coze.datasets.images.update(dataset_id="d1", document_id="p1", caption="a cat")
    assert body_of(caption) == {"caption": "a cat"}
    with pytest.raises(errors.ValidationError):
        coze.datasets.images.list(dataset_id="d1", page_size=300)


async def test_wait_until_processed_reports_progress(coze: AsyncCoze, api: respx.MockRouter,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    monkeypatch.setattr("coze_client.resources.datasets.asyncio.sleep", fake_sleep)
    api.post("/v1/datasets/d1/process").mock(side_effect=[
        ok({"data": [{"document_id": "7", "status": 0, "progress": 10}, {"document_id": "8", "status": 0}]}),
        ok({"data": [{"document_id": "7", "status": 1, "progress": 100}, {"document_id": "8", "status": 0}]}),
        ok({"data": [{"document_id": "7", "status": 1, "progress": 100}, {"document_id": "8", "status": 9}]}),
    ])
    seen: list[list[tuple[str, int | None]]] = []

    async def progress(items: list[DocumentProgress]) -> None:
        seen.append([(p.document_id, p.status) for p in items])

    final = await coze.datasets.documents.wait_until_processed("d1", ["7", "8"], progress=progress,
                                                               poll_interval=1.0)
    assert seen == [[("7", 0), ("8", 0)], [("7", 1), ("8", 0)], [("7", 1), ("8", 9)]]
    assert sleeps == [1.0, 1.0]
    assert [p.is_failed for p in final] == [False, True]


async def test_wait_until_processed_times_out(coze: AsyncCoze, api: respx.MockRouter) -> None:
    api.post("/v1/datasets/d1/process").mock(return_value=ok({"data": [{"document_id": "7", "status": 0}]}))
    calls: list[int] = []
    with pytest.raises(TimeoutError, match="7"):
        await coze.datasets.documents.wait_until_processed("d1", ["7"], progress=lambda items: calls.append(1),
                                                           poll_interval=0.5, timeout=0.2)
    assert calls == [1]
    with pytest.raises(errors.ValidationError):
        await coze.datasets.documents.wait_until_processed("d1", ["7"], poll_interval=0.01)


def test_rich_progress_draws_one_bar_per_document() -> None:
    import io

    from rich.console import Console
    from rich.progress import Progress

    from coze_client.resources.datasets import rich_progress

    bars = Progress(console=Console(file=io.StringIO(), force_terminal=False), auto_refresh=False)
    update = rich_progress(bars)
    update([DocumentProgress(document_id="7", document_name="a.pdf", status=0, progress=30),
            DocumentProgress(document_id="8", status=0, progress=0)])
    update([DocumentProgress(document_id="7", document_name="a.pdf", status=1, progress=100),
            DocumentProgress(document_id="8", status=9, status_descript="bad file")])
    tasks = {t.description.split(" ")[0]: t for t in bars.tasks}
    assert len(bars.tasks) == 2
    assert tasks["a.pdf"].completed == 100 and tasks["a.pdf"].finished
    assert "failed: bad file" in tasks["8"].description and tasks["8"].completed == 100
