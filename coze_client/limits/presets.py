"""Every plan preset, as data, in one table (`PRESETS`).

Each figure comes from the provider's pricing or API pages; its ``source`` names the line of the
project's plan table it was copied from. Change a figure here and nowhere else; the limiter reads ``plan.limits``
and the usage ledger reads ``plan.quotas``.

Groups (see `coze_client._call.CallInfo`): Coze ``"chat"`` (POST /v3/chat),
``"workflow"`` (run, stream run, workflows/chat, run-history and node-output queries),
``"upload"`` (POST /v1/files/upload), ``"model"`` (chat + workflow run + stream run +
workflows/chat: every call that runs a model) and ``"all"``; the other providers use ``"chat"``,
GPTBots ``"conversation"`` (every conversation-type endpoint), ``"inference"`` and, for EasyDL, the
call type (``"image_classification_high_perf"``). The endpoint -> group tables of every provider are
published in ``docs/plans-and-limits.md``.

"Per day" rate limits are judged as a sliding 24 h window: stricter than the provider's calendar
day, so it can never let a calendar day exceed the limit.
"""

from __future__ import annotations

from types import MappingProxyType

from .plans import Limit, Plan, Quota, QuotaPolicy

__all__ = ["PRESETS"]

_P = "plans.md:"
_A = "providers-api.md:"
_DAY = 86400.0


def _coze_current(name: str, column: int, chat: int, workflow: int, upload: int, rpm: int, desc: str) -> Plan:
    col = f" (column {column})"
    return Plan(
        name=name,
        provider="coze",
        description=desc,
        limits=(
            Limit(name="chat_qps", group="chat", limit=chat, window=1.0, source=f"{_P}14{col}"),
            Limit(name="workflow_qps", group="workflow", limit=workflow, window=1.0, source=f"{_P}15{col}"),
            Limit(name="upload_qps", group="upload", limit=upload, window=1.0, source=f"{_P}16{col}"),
            Limit(name="model_rpm", group="model", limit=rpm, window=60.0, source=f"{_P}9-10,17{col}"),
        ),
        quotas=(
            (
                Quota(
                    name="free_calls",
                    unit="calls",
                    limit=500,
                    period="ever",
                    policy="block",
                    lockout=True,
                    source=f"{_P}18,20-22",
                ),
            )
            if name == "coze.personal_free"
            else ()
        ),
    )


# What an API client can and cannot see on the legacy plans (basic-vs-pro page): API calls count
# toward the cumulative call quota, and on Basic they deduct no resource points; paid-plugin trials
# run inside the bot. Those two quotas are shown, never counted: the client cannot see them.
_PLUGIN_NOTE = ("paid-plugin trial calls happen inside the bot, where an API client cannot see them; "
                "check the Coze console")
_POINTS_NOTE = {
    "coze.basic": "API calls on Basic deduct no resource points (they count only toward free_calls); "
                  "points spent on the web platform are invisible to the client",
    "coze.pro": "after the free calls, API calls are billed in resource points the API does not report; "
                "check the Coze console",
}


def _coze_legacy_quotas(
    plan: str, *, free_calls: int, plugin_calls: int, policy: QuotaPolicy, lockout: bool, after: str
) -> tuple[Quota, ...]:
    """The legacy Basic / Professional quotas (the providers' pricing pages): one counted, two only shown."""
    return (
        Quota(name="free_calls", unit="calls", limit=free_calls, period="ever", policy=policy, lockout=lockout,
              source=f"{_P}31"),
        Quota(name="paid_plugin_calls", unit="calls", limit=plugin_calls, period="day", policy="allow",
              counted=False, note=_PLUGIN_NOTE, source=f"{_P}36,41"),
        Quota(name="resource_points", unit="points", limit=500, period="day", policy="allow",
              counted=False, note=_POINTS_NOTE[plan], source=f"{_P}35,41{after}"),
    )


_PLANS: tuple[Plan, ...] = (
    _coze_current("coze.personal_free", 1, 20, 50, 10, 300, "Coze personal free plan (API overview page)."),
    _coze_current(
        "coze.personal_paid", 2, 100, 100, 10, 1000, "Coze personal paid plans (advanced, premium, flagship)."
    ),
    _coze_current("coze.enterprise_standard", 3, 200, 200, 20, 5000, "Coze enterprise standard plan."),
    _coze_current("coze.enterprise_flagship", 4, 500, 500, 20, 12000, "Coze enterprise flagship plan."),
    Plan(
        name="coze.basic",
        provider="coze",
        description="Coze legacy Basic plan (basic-vs-pro page, 2025-02-26).",
        limits=(
            Limit(name="model_call_qps", group="model", limit=100, window=1.0, source=f"{_P}33"),
            Limit(name="model_qps", group="model", limit=2, window=1.0, source=f"{_P}34"),
            Limit(name="model_qpm", group="model", limit=60, window=60.0, source=f"{_P}34"),
            Limit(name="model_qpd", group="model", limit=3000, window=_DAY, source=f"{_P}34 (sliding 24 h)"),
        ),
        quotas=_coze_legacy_quotas(
            "coze.basic", free_calls=100, plugin_calls=20, policy="block", lockout=True, after=""
        ),
    ),
    Plan(
        name="coze.pro",
        provider="coze",
        description="Coze legacy Professional plan: billed by resource points after the free quota.",
        limits=(
            Limit(name="model_call_qps", group="model", limit=100, window=1.0, source=f"{_P}33 (not stated: 100)"),
            Limit(name="model_rpm", group="model", limit=12000, window=60.0, source=f"{_P}34 (Volcano Ark max)"),
        ),
        quotas=_coze_legacy_quotas("coze.pro", free_calls=500, plugin_calls=100, policy="warn", lockout=False,
                                   after=" (then billed)"),
    ),
    Plan(
        name="xingchen.default",
        provider="xingchen",
        description="Tongyi Xingchen default rates, per main account, shared by all its API keys.",
        limits=(
            # Per main account, "independent of model" (plans.md:54): every API call counts, so
            # QPS/QPM are on "all"; only chat calls carry tokens, so TPM is on "chat".
            Limit(name="qps", group="all", limit=1, window=1.0, source=f"{_P}54-56"),
            Limit(name="qpm", group="all", limit=60, window=60.0, source=f"{_P}54-56"),
            Limit(
                name="tpm",
                group="chat",
                kind="tokens",
                limit=1000,
                window=60.0,
                max_per_request=32000,
                source=f"{_P}54-56 (input + output)",
            ),
        ),
        quotas=(
            Quota(
                name="free_tokens",
                unit="tokens",
                limit=1_000_000,
                period="ever",
                policy="warn",
                source=f"{_P}58-59 (then billed)",
            ),
        ),
    ),
    Plan(
        name="gptbots.default",
        provider="gptbots",
        description="GPTBots: conversation APIs about 100 requests a minute per bot; billed in credits.",
        # Every conversation-type endpoint (create, send message, messages) shares the per-bot window.
        # The name stays "chat_rpm" (overrides in the wild use it); the group says what it counts.
        limits=(
            Limit(name="chat_rpm", group="conversation", limit=100, window=60.0, source=f"{_A}311-312 (per bot)"),
        ),
        # Credits are bought, not granted: no fixed quota (plans.md:70); budgets are the ledger's job.
        quotas=(),
    ),
    Plan(
        name="easydl.free",
        provider="easydl",
        description="Baidu EasyDL free state: 10,000 free points per API, no guaranteed concurrency.",
        # plans.md:115: no concurrency is guaranteed in the free state, so no figure to pace by.
        limits=(),
        quotas=(
            Quota(
                name="free_points",
                unit="points",
                limit=10_000,
                period="ever",
                policy="block",
                source=f"{_P}113-115 (per API; failed calls count too)",
            ),
        ),
    ),
    Plan(
        name="easydl.paid",
        provider="easydl",
        description="Baidu EasyDL paid state: guaranteed concurrency, billed after the free points.",
        limits=(
            Limit(
                name="concurrency",
                group="all",
                kind="concurrency",
                limit=4,
                exclude_groups=("image_classification_high_perf",),
                source=f"{_P}116",
            ),
            Limit(
                name="concurrency_image_classification_high_perf",
                group="image_classification_high_perf",
                kind="concurrency",
                limit=10,
                source=f"{_P}116",
            ),
        ),
        quotas=(
            Quota(
                name="free_points",
                unit="points",
                limit=10_000,
                period="ever",
                policy="warn",
                source=f"{_P}113,116 (per API; then billed)",
            ),
        ),
    ),
)

#: Every preset by name. Read-only: derive changed plans with :meth:`Plan.with_overrides`.
PRESETS = MappingProxyType({plan.name: plan for plan in _PLANS})
