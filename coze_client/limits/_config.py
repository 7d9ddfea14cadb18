"""Choosing a plan: by preset name, from a `Plan`, with overrides, or from a TOML file."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

from ..errors import ValidationError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,no-redef,unused-ignore]
from .plans import Plan
from .presets import PRESETS

__all__ = ["get_plan", "load_plan"]

_TOML_KEYS = {"preset", "name", "timezone", "limits", "quotas"}


def get_plan(name_or_plan: str | Plan, overrides: Mapping[str, Any] | None = None) -> Plan:
    """The plan called ``name_or_plan`` (a preset name) or the given `Plan`, with overrides.

    ``overrides`` is ``{"limits": {...}, "quotas": {...}}`` as in `Plan.with_overrides`.
    Unknown preset names raise `ValidationError` listing the known ones.

    Examples:
        ```python
        plan = get_plan("coze.personal_free", {"limits": {"chat_qps": 40}})
        plan.limit("chat_qps").limit, plan.limit("model_rpm").limit
        # (40, 300)
        ```

    Args:
        name_or_plan: a preset name (a key of `PRESETS`, e.g. ``"coze.personal_free"``) or a `Plan`.
        overrides: a mapping with any of ``"limits"``, ``"quotas"``, ``"name"``, ``"timezone"``, as the
            arguments of `Plan.with_overrides`; ``None`` or empty returns the plan unchanged.
    """
    if isinstance(name_or_plan, Plan):
        plan = name_or_plan
    elif isinstance(name_or_plan, str):
        try:
            plan = PRESETS[name_or_plan]
        except KeyError:
            raise ValidationError(
                f"unknown plan preset {name_or_plan!r}; known presets: {', '.join(sorted(PRESETS))}"
            ) from None
    else:
        raise ValidationError(f"plan must be a preset name or a Plan, not {type(name_or_plan).__name__}")
    if not overrides:
        return plan
    extra = set(overrides) - {"limits", "quotas", "name", "timezone"}
    if extra:
        raise ValidationError(f"unknown plan override keys {sorted(extra)}; use 'limits' and 'quotas'")
    return plan.with_overrides(
        limits=overrides.get("limits"),
        quotas=overrides.get("quotas"),
        name=overrides.get("name"),
        timezone=overrides.get("timezone"),
    )


def load_plan(path: str | os.PathLike[str]) -> Plan:
    """Read a plan from a TOML file: a preset plus overrides.

    The file format:

    ```python
    preset = "coze.personal_free"     # required: the preset to start from
    name = "my-team"                  # optional: a new name for the plan
    [limits.chat_qps]                 # change fields of a limit ...
    limit = 40
    [limits]                          # ... or give just the new figure
    upload_qps = 20
    [quotas.free_calls]
    policy = "warn"
    ```

    Examples:
        ```python
        load_plan("plan.toml").limit("chat_qps").limit
        # 40
        ```

    Args:
        path: the TOML file (a string or path-like object).
    """
    try:
        with open(path, "rb") as fh:  # a small config file, read once at start-up
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"plan file {os.fspath(path)!r} is not valid TOML: {exc}") from None
    unknown = set(data) - _TOML_KEYS
    if unknown:
        raise ValidationError(
            f"plan file {os.fspath(path)!r}: unknown keys {sorted(unknown)}; allowed: {sorted(_TOML_KEYS)}"
        )
    preset = data.get("preset")
    if not isinstance(preset, str):
        raise ValidationError(f'plan file {os.fspath(path)!r} needs preset = "<name>"')
    return get_plan(preset, {k: v for k, v in data.items() if k != "preset"})
