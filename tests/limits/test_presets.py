"""Presets match plans.md; overrides in code and TOML; clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from coze_client._call import CallInfo
from coze_client.errors import ValidationError
from coze_client.limits import PRESETS, Limit, Plan, get_plan, load_plan

PLANS_MD = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "plans.md"

ALL_NAMES = {
    "coze.personal_free",
    "coze.personal_paid",
    "coze.enterprise_standard",
    "coze.enterprise_flagship",
    "coze.basic",
    "coze.pro",
    "xingchen.default",
    "gptbots.default",
    "easydl.free",
    "easydl.paid",
}


def test_every_preset_is_there() -> None:
    assert set(PRESETS) == ALL_NAMES
    for name, plan in PRESETS.items():
        assert plan.name == name
        for rec_name, source in [(x.name, x.source) for x in plan.limits] + [(q.name, q.source) for q in plan.quotas]:
            assert source, f"{name}.{rec_name} cites no source"


@pytest.mark.parametrize(
    ("preset", "limit", "figure", "group", "window"),
    [
        ("coze.personal_free", "chat_qps", 20, "chat", 1.0),
        ("coze.personal_free", "workflow_qps", 50, "workflow", 1.0),
        ("coze.personal_free", "upload_qps", 10, "upload", 1.0),
        ("coze.personal_free", "model_rpm", 300, "model", 60.0),
        ("coze.personal_paid", "chat_qps", 100, "chat", 1.0),
        ("coze.personal_paid", "model_rpm", 1000, "model", 60.0),
        ("coze.enterprise_standard", "upload_qps", 20, "upload", 1.0),
        ("coze.enterprise_standard", "model_rpm", 5000, "model", 60.0),
        ("coze.enterprise_flagship", "workflow_qps", 500, "workflow", 1.0),
        ("coze.enterprise_flagship", "model_rpm", 12000, "model", 60.0),
        ("coze.basic", "model_call_qps", 100, "model", 1.0),
        ("coze.basic", "model_qps", 2, "model", 1.0),
        ("coze.basic", "model_qpm", 60, "model", 60.0),
        ("coze.basic", "model_qpd", 3000, "model", 86400.0),
        ("coze.pro", "model_rpm", 12000, "model", 60.0),
        ("xingchen.default", "qps", 1, "all", 1.0),
        ("xingchen.default", "qpm", 60, "all", 60.0),
        ("gptbots.default", "chat_rpm", 100, "conversation", 60.0),
    ],
)
def test_rate_figures(preset: str, limit: str, figure: int, group: str, window: float) -> None:
    lim = PRESETS[preset].limit(limit)
    assert (lim.limit, lim.group, lim.window, lim.kind) == (figure, group, window, "requests")


def test_xingchen_tokens_and_easydl_concurrency() -> None:
    tpm = PRESETS["xingchen.default"].limit("tpm")
    assert (tpm.kind, tpm.limit, tpm.window, tpm.max_per_request) == ("tokens", 1000, 60.0, 32000)
    paid = PRESETS["easydl.paid"]
    hp = CallInfo("easydl", "a", "POST", "/x", groups=("inference", "image_classification_high_perf"))
    other = CallInfo("easydl", "a", "POST", "/x", groups=("inference", "text_classification"))
    applying = {lim.name: lim.limit for lim in paid.limits if lim.applies_to(hp)}
    assert applying == {"concurrency_image_classification_high_perf": 10}
    assert {lim.name: lim.limit for lim in paid.limits if lim.applies_to(other)} == {"concurrency": 4}
    assert all(lim.kind == "concurrency" for lim in paid.limits)
    assert PRESETS["easydl.free"].limits == ()


@pytest.mark.parametrize(
    ("preset", "quota", "unit", "figure", "period", "policy", "lockout", "group"),
    [
        ("coze.personal_free", "free_calls", "calls", 500, "ever", "block", True, "all"),
        ("coze.basic", "free_calls", "calls", 100, "ever", "block", True, "all"),
        ("coze.basic", "paid_plugin_calls", "calls", 20, "day", "allow", False, "all"),
        ("coze.basic", "resource_points", "points", 500, "day", "allow", False, "all"),
        ("coze.pro", "free_calls", "calls", 500, "ever", "warn", False, "all"),
        ("xingchen.default", "free_tokens", "tokens", 1_000_000, "ever", "warn", False, "all"),
        ("easydl.free", "free_points", "points", 10_000, "ever", "block", False, "all"),
        ("easydl.paid", "free_points", "points", 10_000, "ever", "warn", False, "all"),
    ],
)
def test_quotas(
    preset: str, quota: str, unit: str, figure: int, period: str, policy: str, lockout: bool, group: str
) -> None:
    q = PRESETS[preset].quota(quota)
    assert (q.unit, q.limit, q.period, q.policy, q.lockout, q.group) == (
        unit,
        figure,
        period,
        policy,
        lockout,
        group,
    )


def test_paid_tiers_have_no_call_quota() -> None:
    for name in ("coze.personal_paid", "coze.enterprise_standard", "coze.enterprise_flagship"):
        assert PRESETS[name].quotas == ()
    assert PRESETS["gptbots.default"].quotas == ()


@pytest.mark.skipif(not PLANS_MD.exists(), reason="shared/reference not beside the repo")
def test_sources_point_at_the_right_lines() -> None:
    lines = PLANS_MD.read_text(encoding="utf-8").splitlines()
    assert "300 RPM" in lines[17 - 1]
    assert "20 QPS" in lines[14 - 1]
    assert "QPS 2, QPM 60, QPD 3000" in lines[34 - 1]
    assert "TPM 1000" in lines[55 - 1]
    assert "concurrency 10" in lines[116 - 1]


def test_unknown_preset_lists_known_ones() -> None:
    with pytest.raises(ValidationError) as info:
        get_plan("coze.personal_fre")
    assert "coze.personal_free" in str(info.value) and "xingchen.default" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_overrides_in_code() -> None:
    base = PRESETS["coze.personal_free"]
    plan = base.with_overrides(
        limits={"chat_qps": 40, "upload_qps": {"limit": 15, "window": 2}, "workflow_qps": None},
        quotas={"free_calls": {"policy": "warn"}},
    )
    assert plan.limit("chat_qps").limit == 40
    assert (plan.limit("upload_qps").limit, plan.limit("upload_qps").window) == (15, 2.0)
    assert "workflow_qps" not in {x.name for x in plan.limits}
    assert plan.quota("free_calls").policy == "warn" and plan.quota("free_calls").limit == 500
    assert base.limit("chat_qps").limit == 20  # the preset itself is untouched
    added = base.with_overrides(limits={"bots_qps": {"group": "bots", "limit": 5}})
    assert added.limit("bots_qps") == Limit(name="bots_qps", group="bots", limit=5)
    assert get_plan(plan) is plan
    assert get_plan("coze.basic", {"limits": {"model_qps": 3}}).limit("model_qps").limit == 3


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        ({"limits": {"chat_qps": -5}}, "greater than 0"),
        ({"limits": {"chat_qps": "lots"}}, "must be a number"),
        ({"limits": {"chat_qps": {"window": 0}}}, "window"),
        ({"limits": {"chat_qps": {"kind": "bananas"}}}, "kind"),
        ({"limits": {"nope": None}}, "no limit 'nope'"),
        ({"limits": {"new_one": {"windw": 3}}}, "windw"),
        ({"quotas": {"free_calls": {"period": "week"}}}, "period"),
        ({"limitz": {}}, "unknown plan override keys"),
    ],
)
def test_malformed_overrides(overrides: dict[str, object], needle: str) -> None:
    with pytest.raises(ValidationError) as info:
        get_plan("coze.personal_free", overrides)
    assert needle in str(info.value)


def test_toml(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(
        'preset = "coze.personal_free"\nname = "team"\n[limits]\nupload_qps = 12\n'
        '[limits.chat_qps]\nlimit = 40\n[quotas.free_calls]\npolicy = "warn"\n',
        encoding="utf-8",
    )
    plan = load_plan(path)
    assert isinstance(plan, Plan)
    assert plan.name == "team" and plan.provider == "coze"
    assert (plan.limit("chat_qps").limit, plan.limit("upload_qps").limit) == (40, 12)
    assert plan.quota("free_calls").policy == "warn"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('preset = "coze.nope"\n', "unknown plan preset"),
        ("[limits]\nchat_qps = 3\n", "needs preset"),
        ('preset = "coze.basic"\nlimits = [1\n', "not valid TOML"),
        ('preset = "coze.basic"\nextra = 1\n', "unknown keys"),
        ('preset = "coze.basic"\n[limits.model_qps]\nlimit = 0\n', "model_qps"),
    ],
)
def test_toml_errors(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load_plan(path)
    assert needle in str(info.value)
