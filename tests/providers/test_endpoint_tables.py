"""The endpoint -> limit-group tables in docs/plans-and-limits.md are the code's (issue 13.4).

Every endpoint the client and the adapters declare, its groups, and the limits of each preset that
apply to it, are rebuilt here from the code and must appear, row for row, in the docs. Regenerate
the tables after changing an endpoint's groups or a preset::

    .venv/bin/python -m tests.providers.test_endpoint_tables
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from coze_client._call import CallInfo
from coze_client._request import Endpoint
from coze_client.ledger.prices import EASYDL_POINTS
from coze_client.limits import PRESETS
from coze_client.limits.plans import Plan

DOC = Path(__file__).resolve().parents[2] / "docs" / "plans-and-limits.md"

COZE_MODULES = ["chat", "conversations", "files", "workflows", "datasets", "audio", "bots", "users", "workspaces",
                "benefits", "collaboration", "folders", "apps", "templates", "variables", "connectors", "enterprises",
                "api_apps", "end_user_benefits", "plugins"]
COZE_CURRENT = ["coze.personal_free", "coze.personal_paid", "coze.enterprise_standard", "coze.enterprise_flagship"]


def _endpoints(module: str) -> Iterator[Endpoint]:
    seen: set[tuple[str, str]] = set()
    for value in vars(importlib.import_module(module)).values():
        if isinstance(value, Endpoint) and (value.method, value.path) not in seen:
            seen.add((value.method, value.path))
            yield value


def _applying(plans: list[Plan], provider: str, groups: tuple[str, ...]) -> str:
    call = CallInfo(provider, "acct", "POST", "/x", groups=groups)
    names: list[str] = []
    for plan in plans:
        for lim in plan.limits:
            if lim.applies_to(call) and lim.name not in names:
                names.append(lim.name)
    return ", ".join(f"`{n}`" for n in names) or "—"


def _groups(groups: tuple[str, ...]) -> str:
    return ", ".join(f"`{g}`" for g in groups) or "— (`all` only)"


def tables() -> dict[str, list[str]]:
    """Markdown rows per provider, from the code."""
    out: dict[str, list[str]] = {"coze": [], "xingchen": [], "gptbots": [], "easydl": []}
    current = [PRESETS[n] for n in COZE_CURRENT]
    basic, pro = [PRESETS["coze.basic"]], [PRESETS["coze.pro"]]
    rows: dict[str, str] = {}
    for name in COZE_MODULES:
        for ep in _endpoints(f"coze_client.resources.{name}"):
            rows[f"{ep.method} {ep.path}"] = (
                f"| `{ep.method} {ep.path}` | {_groups(ep.groups)} | {_applying(current, 'coze', ep.groups)} "
                f"| {_applying(basic, 'coze', ep.groups)} | {_applying(pro, 'coze', ep.groups)} |"
            )
    from coze_client.websockets.chat import ChatSession
    from coze_client.websockets.speech import SpeechSession
    from coze_client.websockets.transcriptions import TranscriptionSession

    for cls in (ChatSession, SpeechSession, TranscriptionSession):
        g = cls.groups
        rows[f"WS {cls.path}"] = (
            f"| `WS {cls.path}` | {_groups(g)} | {_applying(current, 'coze', g)} "
            f"| {_applying(basic, 'coze', g)} | {_applying(pro, 'coze', g)} |"
        )
    out["coze"] = [rows[k] for k in sorted(rows, key=lambda k: k.split(" ", 1)[1])]
    for provider, module in (("xingchen", "providers.xingchen"), ("gptbots", "providers.gptbots")):
        plans = [p for p in PRESETS.values() if p.provider == provider]
        for ep in _endpoints(module):
            service = ep.headers.get("x-fag-servicename", "") if ep.headers else ""
            label = f"`{ep.method} {ep.path}`" + (f" (`{service}`)" if service else "")
            out[provider].append(f"| {label} | {_groups(ep.groups)} | {_applying(plans, provider, ep.groups)} |")
    free, paid = [PRESETS["easydl.free"]], [PRESETS["easydl.paid"]]
    for call_type in sorted(EASYDL_POINTS):
        g = ("inference", call_type)
        out["easydl"].append(
            f"| `{call_type}` | `inference`, `{call_type}` | {_applying(free, 'easydl', g)} "
            f"| {_applying(paid, 'easydl', g)} | {EASYDL_POINTS[call_type]} |"
        )
    return out


@pytest.mark.parametrize("provider", ["coze", "xingchen", "gptbots", "easydl"])
def test_the_docs_publish_every_endpoint_with_its_groups_and_limits(provider: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    missing = [row for row in tables()[provider] if row not in doc]
    assert not missing, "docs/plans-and-limits.md is out of date (regenerate, see module docstring):\n" + "\n".join(
        missing
    )


if __name__ == "__main__":
    for name, lines in tables().items():
        print(f"## {name}\n")
        print("\n".join(lines))
        print()
