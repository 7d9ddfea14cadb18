"""Reuse the lead's corridor fixtures (a client over respx with recording limiter and ledger)."""

from __future__ import annotations

from tests.core.conftest import api, coze, ledger, limiter

__all__ = ["api", "coze", "ledger", "limiter"]
