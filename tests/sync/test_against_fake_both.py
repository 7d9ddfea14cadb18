"""The resource flows of ``tests/resources/test_against_fake.py``, run again on both clients.

The test bodies are imported unchanged; ``client`` comes from ``tests/sync/conftest.py``, where it is
parametrised over ``AsyncCoze`` and the sync ``Coze`` (seen through an async view).
"""

from __future__ import annotations

from tests.resources.test_against_fake import (
    test_account_endpoints,
    test_knowledge_flow_with_progress,
    test_voice_flow,
    test_workflow_history_and_chatflow,
    test_workflow_run_stream_interrupt_resume,
    test_workflows_list_retrieve_versions,
)

__all__ = [
    "test_account_endpoints",
    "test_knowledge_flow_with_progress",
    "test_voice_flow",
    "test_workflow_history_and_chatflow",
    "test_workflow_run_stream_interrupt_resume",
    "test_workflows_list_retrieve_versions",
]
