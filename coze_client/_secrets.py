"""Keep secrets out of logs, reprs, messages and the ledger.

Tokens are recognised by shape (Coze ``pat_``/``sat_``/``czs_`` tokens, ``Bearer`` values, JWTs,
``lm-`` Xingchen keys, ``app-`` GPTBots keys, ``access_token=`` query values). Accounts are
identified by `fingerprint`, a short one-way hash, never by the token itself.

Libraries log too: httpx writes every request's full URL at INFO (EasyDL's ``access_token`` is a
query parameter), httpcore/hpack and websockets write headers at DEBUG. Importing ``coze_client``
puts `RedactingFilter` on those loggers (`REDACTED_LOGGERS`), so their records pass
through `redact` before any handler sees them; nothing else about them changes.
"""

from __future__ import annotations

import hashlib
import logging
import re

__all__ = ["REDACTED_LOGGERS", "RedactingFilter", "fingerprint", "install_log_redaction", "mask", "redact"]

_PATTERNS = [
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=\-]{6,}"),
    re.compile(r"(?i)((?:access_token|api_key|apikey|secret_key|client_id|client_secret|token|authorization)[\"']?\s*[=:]\s*[\"']?)(?!(?i:bearer)\s)[A-Za-z0-9._~+/=\-]{6,}"),
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


# Loggers of the libraries the SDK sends through. A filter acts on records made by its own logger
# only (not on those of child loggers), so each logger that writes URLs or headers is named.
REDACTED_LOGGERS = (
    "httpx",
    "httpcore", "httpcore.connection", "httpcore.http11", "httpcore.http2", "httpcore.proxy", "httpcore.socks",
    "hpack", "hpack.hpack", "hpack.table",
    "websockets", "websockets.client", "websockets.protocol",
)


class RedactingFilter(logging.Filter):
    """A logging filter that replaces secrets in a record's message (never drops the record).

    Examples:
        ```python
        record = logging.LogRecord("httpx", logging.INFO, "", 0, 'HTTP Request: %s %s "%s"',
                                   ("POST", "https://x/v1?access_token=24.abcdef0123", "200 OK"), None)
        RedactingFilter().filter(record), record.getMessage()
        # (True, 'HTTP Request: POST https://x/v1?access_token=*** "200 OK"')
        ```
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact ``record`` in place; always keep it."""
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler's own error path
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


_FILTER = RedactingFilter()


def install_log_redaction(names: tuple[str, ...] = REDACTED_LOGGERS) -> None:
    """Put the redacting filter on ``names`` (idempotent; done when ``coze_client`` is imported)."""
    for name in names:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


install_log_redaction()
