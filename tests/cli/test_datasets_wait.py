"""``coze-client datasets wait`` draws progress until the fake finishes processing."""

from __future__ import annotations

import io

from rich.console import Console

from coze_client import AsyncCoze
from coze_client.cli.datasets import wait_documents
from coze_client.testing import FakeCoze
from coze_client.types.datasets import DocumentBase


async def test_wait_documents_until_processed() -> None:
    fake = FakeCoze()
    fake.document_process_seconds = 0.6
    with fake.mock():
        async with AsyncCoze(token="pat_cli_test_token_123", plan=None, ledger="memory://") as coze:
            ds = await coze.datasets.create(name="FAQ", space_id=fake.workspace_id, format_type=0)
            docs = await coze.datasets.documents.create(
                dataset_id=ds.dataset_id, document_bases=[DocumentBase.web_page("site", "https://example.com")])
            out = io.StringIO()
            status = await wait_documents(coze, ds.dataset_id, [d.document_id for d in docs], poll_interval=0.5,
                                          timeout=10, console=Console(file=out, width=100))
    assert status == 0
    assert "site" in out.getvalue()
    assert len(fake.find("POST", f"/v1/datasets/{ds.dataset_id}/process")) >= 2
