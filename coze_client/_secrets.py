"""Keep secrets out of logs, reprs, messages and the ledger.

Tokens are recognised by shape (Coze ``pat_``/``sat_``/``czs_`` tokens, ``Bearer`` values, JWTs,
``lm-`` Xingchen keys, ``app-`` GPTBots keys, ``access_token=`` query values). Accounts are
identified by `fingerprint`, a short one-way hash, never by the token itself.
"""

from __future__ import annotations

import hashlib
import re

__all__ = ["fingerprint", "mask", "redact"]

_PATTERNS = [
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=\-]{6,}"),
    re.compile(r"(?i)((?:access_token|api_key|apikey|secret_key|client_secret|token|authorization)[\"']?\s*[=:]\s*[\"']?)[A-Za-z0-9._~+/=\-]{6,}"),
    re.compile(r"\b((?:pat|sat|czs|cztei)_)[A-Za-z0-9]{8,}"),
    re.compile(r"\b(eyJ)[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*"),
    re.compile(r"\b(lm-)[A-Za-z0-9+/=]{8,}"),
    re.compile(r"\b(app-)[A-Za-z0-9]{12,}"),
]


def redact(text: str) -> str:
    """Replace anything that looks like a secret in ``text`` with ``***``.

    Examples:
        ```python
        redact("Authorization: Bearer pat_abcdefghijkl")
        # 'Authorization: Bearer ***'
        ```
    """
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + "***", text)
    return text


def mask(secret: str) -> str:
    """A display form of a secret: its kind prefix and a fingerprint, e.g. ``pat_…3f9a2c``."""
    prefix = secret.split("_", 1)[0] + "_" if "_" in secret[:6] else ""
    return f"{prefix}…{fingerprint(secret)[:6]}"


def fingerprint(secret: str) -> str:
    """A stable one-way identifier of a secret (sha256, 16 hex chars), safe to store and log."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()[:16]
