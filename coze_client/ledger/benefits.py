"""Read Coze's benefits response into used counts (truth fed back from the server).

``GET /v1/commerce/benefit/benefits/get`` (the Coze API overview) answers with ``data.basic_info.user_level``
and ``data.benefit_info[]``; each entry has ``benefit_type``, ``resource_id`` and the blocks ``basic``,
``extra[]`` and ``effective``, each ``{status, item_info{strategy, total, used, start_at, end_at}}``.
These functions are pure: the client makes the HTTP call and hands over the parsed JSON.

Examples:
    ```python
    body = {"code": 0, "data": {"basic_info": {"user_level": "free"}, "benefit_info": [
        {"benefit_type": "api_call", "resource_id": "all",
         "effective": {"status": "valid", "item_info": {"total": 500, "used": 123}}}]}}
    quota_updates_from_benefits(body, {"api_call": "free_calls"})
    # {'free_calls': 123.0}
    ```
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ValidationError

__all__ = ["BenefitItem", "parse_benefits", "quota_updates_from_benefits", "user_level"]


@dataclass(frozen=True, slots=True)
class BenefitItem:
    """One block of one benefit entry (``block`` is ``"effective"``, ``"basic"`` or ``"extra"``).

    Args:
        benefit_type: the entry's ``benefit_type`` (e.g. ``"api_run_qps"``).
        resource_id: the entry's ``resource_id`` (e.g. ``"chat"``); ``""`` when absent.
        block: which block of the entry: ``"effective"``, ``"basic"`` or ``"extra"``.
        status: the block's ``status``, as the service sent it; ``""`` when absent.
        strategy: ``item_info.strategy``, as the service sent it; ``""`` when absent.
        total: ``item_info.total`` as a number; ``None`` when absent.
        used: ``item_info.used`` as a number; ``None`` when absent.
        start_at: ``item_info.start_at`` (a Unix timestamp); ``None`` when absent.
        end_at: ``item_info.end_at`` (a Unix timestamp); ``None`` when absent.
    """

    benefit_type: str
    resource_id: str
    block: str
    status: str
    strategy: str
    total: float | None
    used: float | None
    start_at: int | None
    end_at: int | None


def _data(body: Mapping[str, Any]) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise ValidationError(f"benefits response must be a JSON object, got {type(body).__name__}")
    data = body.get("data", body)  # accept the envelope or its data
    if not isinstance(data, Mapping):
        raise ValidationError("benefits response 'data' is not an object")
    return data


def _num(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"benefits response has a non-numeric count: {value!r}") from None


def _int(value: Any) -> int | None:
    number = _num(value)
    return None if number is None else int(number)


def user_level(body: Mapping[str, Any]) -> str | None:
    """``basic_info.user_level`` (``free``, ``pro_personal``, ``team``, ``enterprise``, ``v1_pro_instance``).

    Args:
        body: the parsed JSON of the benefits response: the whole envelope or its ``data`` object.

    Returns:
        The level as text; ``None`` when the response has none.
    """
    info = _data(body).get("basic_info") or {}
    level = info.get("user_level") if isinstance(info, Mapping) else None
    return str(level) if level is not None else None


def parse_benefits(body: Mapping[str, Any]) -> list[BenefitItem]:
    """Every block of every benefit entry, in response order (effective, basic, then extra[]).

    Args:
        body: the parsed JSON of the benefits response: the whole envelope or its ``data`` object. A
            malformed shape or a non-numeric count raises `ValidationError`.
    """
    entries = _data(body).get("benefit_info") or []
    if not isinstance(entries, list):
        raise ValidationError("benefits response 'benefit_info' is not a list")
    items: list[BenefitItem] = []
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        blocks: list[tuple[str, Any]] = [("effective", entry.get("effective")), ("basic", entry.get("basic"))]
        blocks += [("extra", block) for block in entry.get("extra") or []]
        for name, block in blocks:
            if not isinstance(block, Mapping):
                continue
            info = block.get("item_info") or {}
            if not isinstance(info, Mapping):
                continue
            items.append(
                BenefitItem(
                    benefit_type=str(entry.get("benefit_type", "")),
                    resource_id=str(entry.get("resource_id", "")),
                    block=name,
                    status=str(block.get("status", "")),
                    strategy=str(info.get("strategy", "")),
                    total=_num(info.get("total")),
                    used=_num(info.get("used")),
                    start_at=_int(info.get("start_at")),
                    end_at=_int(info.get("end_at")),
                )
            )
    return items


def quota_updates_from_benefits(body: Mapping[str, Any], mapping: Mapping[str, str]) -> dict[str, float]:
    """Used counts per ledger quota, for `set_used`.

    ``mapping`` maps ``"benefit_type"`` or ``"benefit_type:resource_id"`` to a quota name. Per entry the
    ``effective`` block wins, else ``basic``; blocks without a ``used`` figure are skipped.

    Args:
        body: the parsed JSON of the benefits response: the whole envelope or its ``data`` object.
        mapping: ``"benefit_type"`` or ``"benefit_type:resource_id"`` -> ledger quota name; the more
            specific key wins. Entries it does not name are ignored.
    """
    chosen: dict[str, tuple[int, float]] = {}
    rank = {"effective": 0, "basic": 1, "extra": 2}
    for item in parse_benefits(body):
        quota = mapping.get(f"{item.benefit_type}:{item.resource_id}") or mapping.get(item.benefit_type)
        if quota is None or item.used is None:
            continue
        order = rank[item.block]
        if quota not in chosen or order < chosen[quota][0]:
            chosen[quota] = (order, item.used)
    return {quota: used for quota, (_, used) in chosen.items()}
