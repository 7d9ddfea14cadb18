"""One name for one thing: a document's name is ``document_name`` on `Document` and `DocumentProgress`."""

from __future__ import annotations

from coze_client.types.datasets import Document, DocumentProgress


def test_document_and_progress_share_document_name() -> None:
    listed = Document.model_validate({"document_id": "1", "name": "handbook.pdf"})  # the list endpoint's field
    progress = DocumentProgress.model_validate({"document_id": "1", "document_name": "handbook.pdf"})
    assert listed.document_name == progress.document_name == "handbook.pdf"
    assert listed.name == "handbook.pdf"  # the old attribute still reads (backward compatible)
    assert "name" not in listed.model_dump() and listed.model_dump()["document_name"] == "handbook.pdf"


def test_document_accepts_document_name_too() -> None:
    assert Document.model_validate({"document_name": "a.txt"}).document_name == "a.txt"
    assert "document_name" in (Document.__doc__ or "") and "document_name" in (DocumentProgress.__doc__ or "")
