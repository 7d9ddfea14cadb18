"""Shared helpers for the limiter tests."""

from __future__ import annotations

from coze_client._call import CallInfo
from coze_client.limits import Limit, Plan


def coze_call(*groups: str, account: str = "acct", est_tokens: int = 0) -> CallInfo:
    return CallInfo("coze", account, "POST", "/v3/chat", groups=groups, est_tokens=est_tokens)


CHAT = ("chat", "model")
WORKFLOW = ("workflow", "model")


def plan_of(*limits: Limit, provider: str = "coze") -> Plan:
    return Plan(name="test", provider=provider, limits=limits)
