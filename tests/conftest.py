"""Shared test set-up: no test touches the user's state directory or real credentials.

The coze-client pytest plugin (``coze_client.testing.plugin``) gives every test its own state directory
and strips ``COZE_*`` variables; this file also covers what runs outside a test (collection, imports,
session fixtures): state and XDG directories point into a temporary directory removed at exit.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

pytest_plugins = ["pytester"]

# Before any coze_client import creates a default sqlite ledger: keep it out of the user's home.
_STATE = tempfile.mkdtemp(prefix="coze-client-tests-")
atexit.register(shutil.rmtree, _STATE, ignore_errors=True)
os.environ["COZE_CLIENT_STATE_DIR"] = os.path.join(_STATE, "state")
os.environ["XDG_STATE_HOME"] = os.path.join(_STATE, "xdg-state")
for _key in [k for k in os.environ if k.startswith(("COZE_", "XINGCHEN_", "GPTBOTS_", "EASYDL_"))]:
    if _key != "COZE_CLIENT_STATE_DIR":
        del os.environ[_key]
