"""Shared test set-up: no test touches the user's state directory or real credentials."""

from __future__ import annotations

import os
import tempfile

# Before any coze_client import creates a default sqlite ledger: keep it out of the user's home.
_STATE = tempfile.mkdtemp(prefix="coze-client-tests-")
os.environ["COZE_CLIENT_STATE_DIR"] = _STATE
os.environ.pop("COZE_API_TOKEN", None)
os.environ.pop("COZE_PLAN", None)
