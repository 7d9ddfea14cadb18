"""Hosts, defaults and size caps (facts from the Coze API overview; the official SDK's behaviour)."""

from __future__ import annotations

import httpx

__all__ = [
    "COZE_CN_BASE_URL",
    "COZE_COM_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "MAX_BODY_BYTES",
    "MAX_RETRY_AFTER",
    "MAX_UPLOAD_BYTES",
    "MAX_WORKFLOW_BODY_BYTES",
]

COZE_CN_BASE_URL = "https://api.coze.cn"
COZE_COM_BASE_URL = "https://api.coze.com"

# openai-python / anthropic defaults: 10 min read, short connect; cozepy uses the same 600 s (§2.3).
DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
# A Retry-After longer than this is raised to the caller instead of slept.
MAX_RETRY_AFTER = 60.0
# Backoff: min(INITIAL * 2**n, MAX) * jitter in [0.75, 1.0] (openai-python's policy).
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0

# Request body caps (§2.4): workflow APIs 20 MB, all others 15 MB; uploads 512 MB (§5.8).
MAX_BODY_BYTES = 15 * 1024 * 1024
MAX_WORKFLOW_BODY_BYTES = 20 * 1024 * 1024
MAX_UPLOAD_BYTES = 512 * 1024 * 1024

LOGID_HEADER = "x-tt-logid"
