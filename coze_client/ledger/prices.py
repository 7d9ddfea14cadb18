"""Price tables and cost estimates, kept in ONE place.

Every figure comes from the providers' public pricing pages:

* Tongyi Xingchen: yuan per 1000 tokens, input / output, per model (Xingchen pricing page).
* GPTBots: credits per 1000 tokens, input / output, per model and key mode; $10 = 1000 credits
  (GPTBots credits page).
* Baidu EasyDL: points per call type; 1 point = 0.001 yuan; monthly tiered yuan price on the month's
  cumulative paid points; point packs (Baidu EasyDL pricing page).

Money is computed with `Decimal` so the documented examples come out exact
(2,000,000 paid EasyDL points in a month cost exactly 1800 yuan).

Examples:
    ```python
    easydl_month_cost(2_000_000)
    # Decimal('1800.0000')
    xingchen_cost("xingchen-plus", 1000, 500)
    # Decimal('0.010')
    ```
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

__all__ = [
    "EASYDL_FREE_POINTS",
    "EASYDL_POINTS",
    "EASYDL_POINT_PACKS",
    "EASYDL_TIERS",
    "EASYDL_YUAN_PER_POINT",
    "GPTBOTS_CREDITS",
    "GPTBOTS_CREDITS_PER_USD",
    "XINGCHEN_PRICES",
    "Cost",
    "KeyMode",
    "PointPack",
    "TokenPrice",
    "currency_for",
    "easydl_month_cost",
    "easydl_points",
    "easydl_tiered_cost",
    "estimate_cost",
    "gptbots_credits",
    "xingchen_cost",
]

KeyMode = Literal["gptbots", "own"]

_K = Decimal(1000)


@dataclass(frozen=True, slots=True)
class TokenPrice:
    """Price per 1000 tokens, input and output, in the table's currency.

    Args:
        input: the price of 1000 input tokens.
        output: the price of 1000 output tokens.
    """

    input: Decimal
    output: Decimal

    def cost(self, input_tokens: int, output_tokens: int) -> Decimal:
        """Price of ``input_tokens`` + ``output_tokens``.

        Args:
            input_tokens: input (prompt) tokens.
            output_tokens: output (completion) tokens.
        """
        return (self.input * input_tokens + self.output * output_tokens) / _K


def _p(inp: str, out: str | None = None) -> TokenPrice:
    return TokenPrice(Decimal(inp), Decimal(out if out is not None else inp))


@dataclass(frozen=True, slots=True)
class Cost:
    """An estimated cost and its currency (``"yuan"``, ``"credits"``, ``"points"`` or ``""`` when unknown).

    Args:
        amount: the estimate, in ``currency``.
        currency: ``"yuan"``, ``"credits"``, ``"points"``, or ``""`` when the provider publishes no prices.
    """

    amount: Decimal
    currency: str


# --- Tongyi Xingchen: yuan per 1K tokens (plans.md, "Prices (yuan per 1000 tokens, input / output)") ---
XINGCHEN_PRICES: Mapping[str, TokenPrice] = {
    "xingchen-lite": _p("0.002", "0.006"),
    "xingchen-base": _p("0.004", "0.012"),
    "xingchen-plus": _p("0.004", "0.012"),
    "xingchen-plus-v2": _p("0.004", "0.012"),
    "xingchen-max": _p("0.04", "0.12"),
    "xingchen-longcontext": _p("0.02"),
}

# --- GPTBots: credits per 1K tokens, (GPTBots key, own key) (plans.md table; a selection) ---
GPTBOTS_CREDITS_PER_USD = Decimal(100)  # plans.md: "$10 = 1000 credits"
GPTBOTS_CREDITS: Mapping[str, Mapping[KeyMode, TokenPrice]] = {
    "gpt-4.1-1m": {"gptbots": _p("0.22", "0.88"), "own": _p("0.02", "0.08")},
    "gpt-4.1-mini-1m": {"gptbots": _p("0.044", "0.176"), "own": _p("0.004", "0.016")},
    "gpt-4.1-nano-1m": {"gptbots": _p("0.011", "0.044"), "own": _p("0.001", "0.004")},
    "gpt-4o-mini-128k": {"gptbots": _p("0.0165", "0.0665"), "own": _p("0.0015", "0.006")},
    "gpt-4o-128k": {"gptbots": _p("0.225", "1.1"), "own": _p("0.0225", "0.11")},
    "gpt-o3": {"gptbots": _p("1.1", "4.4"), "own": _p("0.1", "0.4")},
    "gpt-o4-mini": {"gptbots": _p("0.121", "0.484"), "own": _p("0.011", "0.044")},
    "gpt-3.5-turbo-16k": {"gptbots": _p("0.055", "0.165"), "own": _p("0.005", "0.015")},
    "deepseek-v3": {"gptbots": _p("0.0157", "0.0314"), "own": _p("0.0014", "0.0029")},
    "deepseek-r1": {"gptbots": _p("0.0629", "0.2514"), "own": _p("0.0057", "0.0229")},
    "gemini-2.5-flash": {"gptbots": _p("0.011", "0.066"), "own": _p("0.0015", "0.006")},
    "gemini-2.5-pro": {"gptbots": _p("0.275", "1.65"), "own": _p("0.025", "0.15")},
    "claude-3.5-haiku-200k": {"gptbots": _p("0.028", "0.138"), "own": _p("0.003", "0.003")},
    "claude-4.0-sonnet-200k": {"gptbots": _p("0.33", "1.65"), "own": _p("0.03", "0.15")},
    "claude-4.0-opus-200k": {"gptbots": _p("1.65", "8.25"), "own": _p("0.15", "0.75")},
    "qwen-3.0-plus-128k": {"gptbots": _p("0.0126", "0.0314"), "own": _p("0.0011", "0.0029")},
    "qwen-3.0-turbo-1m": {"gptbots": _p("0.0047", "0.0094"), "own": _p("0.0004", "0.0009")},
    "hunyuan-lite-4k": {"gptbots": _p("0"), "own": _p("0")},
    "ernie-speed-128k": {"gptbots": _p("0"), "own": _p("0")},
    "glm-4-flashx": {"gptbots": _p("0.0016"), "own": _p("0.0001")},
    "moonshot-8k": {"gptbots": _p("0.1886"), "own": _p("0.0171")},
}
_GPTBOTS_VENDORS = ("openai", "deepseek", "google", "anthropic", "ali", "tencent", "baidu", "zhipu")

# --- Baidu EasyDL (plans.md "Baidu EasyDL") ---
EASYDL_YUAN_PER_POINT = Decimal("0.001")
EASYDL_FREE_POINTS = 10_000  # "Every custom API has 10,000 free points"
EASYDL_POINTS: Mapping[str, int] = {
    "image_classification_autodl": 6,
    "image_classification_high_perf": 4,
    "image_classification_high_accuracy": 4,
    "object_detection_high_perf": 5,
    "object_detection_high_accuracy": 14,
    "object_detection_ultra_high_accuracy": 60,
    "image_segmentation": 16,
    "text_classification_high_accuracy": 5,
    "text_classification_high_perf": 6,
    "text_classification_multilingual": 5,
    "text_classification_multilabel_high_accuracy": 5,
    "text_classification_multilabel_high_perf": 6,
    "entity_extraction_high_accuracy": 5,
    "entity_extraction_high_perf": 7,
    "entity_relation_extraction": 5,
    "sentiment_high_accuracy": 4,
    "sentiment_high_perf": 6,
    "text_similarity_high_accuracy": 5,
    "text_similarity_high_perf": 4,
    "sound_classification": 4,
    "video_classification": 15,
    "tabular_prediction": 4,
    "time_series_forecast": 5,
}
# (upper bound of the tier in points per month, or None for "above"; yuan per point)
EASYDL_TIERS: tuple[tuple[int | None, Decimal], ...] = (
    (1_000_000, Decimal("0.001")),
    (5_000_000, Decimal("0.0008")),
    (None, Decimal("0.00064")),
)


@dataclass(frozen=True, slots=True)
class PointPack:
    """A prepaid EasyDL point pack (valid 12 months, consumed before pay-as-you-go).

    Args:
        points: the points in the pack.
        yuan: the pack's price in yuan.
    """

    points: int
    yuan: Decimal

    @property
    def yuan_per_1000(self) -> Decimal:
        """Effective price per 1000 points."""
        return self.yuan / self.points * _K


EASYDL_POINT_PACKS: tuple[PointPack, ...] = (
    PointPack(200_000, Decimal(180)),
    PointPack(500_000, Decimal(430)),
    PointPack(1_000_000, Decimal(800)),
    PointPack(3_000_000, Decimal(2250)),
    PointPack(5_000_000, Decimal(3500)),
    PointPack(10_000_000, Decimal(6500)),
)

# The unit each provider bills in, and the currency of its estimated cost.
_CURRENCY = {"xingchen": "yuan", "gptbots": "credits", "easydl": "yuan"}


def currency_for(provider: str) -> str:
    """Currency of ``provider``'s cost estimates; ``""`` when no price data exists (Coze).

    Args:
        provider: ``"coze"``, ``"xingchen"``, ``"gptbots"`` or ``"easydl"``.
    """
    return _CURRENCY.get(provider, "")


def xingchen_cost(model: str | None, input_tokens: int, output_tokens: int) -> Decimal:
    """Yuan for a Xingchen call (list price, before any free allowance).

    Unknown models raise ``KeyError`` naming the known ones; ``None`` prices as ``xingchen-plus``
    (the documented default model tier).

    Args:
        model: the model name (case-insensitive), e.g. ``"xingchen-plus"``; ``None`` for the default tier.
        input_tokens: input (prompt) tokens.
        output_tokens: output (completion) tokens.
    """
    name = (model or "xingchen-plus").lower()
    try:
        price = XINGCHEN_PRICES[name]
    except KeyError:
        raise KeyError(f"no Xingchen price for model {model!r}; known: {sorted(XINGCHEN_PRICES)}") from None
    return price.cost(input_tokens, output_tokens)


def _gptbots_key(model: str) -> str:
    """Table key for a model name: lower-case, dashes, vendor word dropped unless it is part of the key."""
    name = model.strip().lower().replace(" ", "-").replace("_", "-")
    if name in GPTBOTS_CREDITS:
        return name
    for vendor in _GPTBOTS_VENDORS:
        if name.startswith(vendor + "-"):
            return name[len(vendor) + 1 :]
    return name


def gptbots_credits(model: str, input_tokens: int, output_tokens: int, key_mode: KeyMode = "gptbots") -> Decimal:
    """Credits for a GPTBots LLM call from the price table.

    Prefer the ``usage.credits.total_credits`` the response reports; this is for estimates.

    Args:
        model: the model as GPTBots names it (``"OpenAI GPT-4.1-1M"`` or ``"gpt-4.1-1m"``: case, spaces,
            underscores and a leading vendor word are normalised); unknown ones raise ``KeyError``.
        input_tokens: input (prompt) tokens.
        output_tokens: output (completion) tokens.
        key_mode: ``"gptbots"`` (default: the platform's model key) or ``"own"`` (your own key, a lower price).

    Examples:
        ```python
        gptbots_credits("OpenAI GPT-4.1-1M", 1000, 1000)
        # Decimal('1.10')
        ```
    """
    try:
        price = GPTBOTS_CREDITS[_gptbots_key(model)][key_mode]
    except KeyError:
        raise KeyError(f"no GPTBots price for model {model!r} ({key_mode} key)") from None
    return price.cost(input_tokens, output_tokens)


def easydl_points(call_type: str) -> int:
    """Points one EasyDL call of ``call_type`` costs (``KeyError`` naming the known types otherwise).

    Args:
        call_type: a key of `EASYDL_POINTS`, e.g. ``"image_classification_high_perf"``.
    """
    try:
        return EASYDL_POINTS[call_type]
    except KeyError:
        raise KeyError(f"unknown EasyDL call type {call_type!r}; known: {sorted(EASYDL_POINTS)}") from None


def easydl_month_cost(paid_points: float) -> Decimal:
    """Yuan for ``paid_points`` consumed in one month, by the monthly tiers (free points excluded).

    Args:
        paid_points: the month's paid points (after the free ones).
    """
    return easydl_tiered_cost(0, paid_points)


def easydl_tiered_cost(month_points_before: float, points: float) -> Decimal:
    """Yuan for ``points`` more paid points when the month already had ``month_points_before``.

    The tier is chosen by the month's cumulative count, so a call straddling 1,000,000 is split.

    Args:
        month_points_before: paid points already used this month, before these.
        points: the paid points to price.

    Examples:
        ```python
        easydl_tiered_cost(999_998, 4)   # 2 points at 0.001, 2 at 0.0008
        # Decimal('0.0036')
        ```
    """
    start = Decimal(str(month_points_before))
    left = Decimal(str(points))
    total = Decimal(0)
    lower = Decimal(0)
    for upper, price in EASYDL_TIERS:
        if left <= 0:
            break
        hi = Decimal(upper) if upper is not None else None
        if hi is not None and start >= hi:
            lower = hi
            continue
        room = left if hi is None else min(left, hi - max(start, lower))
        total += room * price
        left -= room
        start += room
        if hi is not None:
            lower = hi
    return total


def estimate_cost(
    provider: str,
    *,
    model: str | None = None,
    input_tokens: int = 0,
    output_tokens: int = 0,
    points: float = 0,
    credits: float = 0.0,
    key_mode: KeyMode = "gptbots",
    month_points_before: float = 0,
) -> Cost:
    """List-price estimate of one call's cost in its provider's currency.

    * xingchen: yuan from the per-model token prices (unknown model: 0).
    * gptbots: the credits the response reported, else the table estimate (unknown model: 0).
    * easydl: yuan for ``points`` paid points at the monthly tier reached by ``month_points_before``.
    * coze (no published prices): 0 with currency ``""``.

    Free allowances are the ledger's business: pass only the billable tokens / points.

    Args:
        provider: ``"coze"``, ``"xingchen"``, ``"gptbots"`` or ``"easydl"`` (any other: 0, currency ``""``).
        model: the model, for per-model token prices (Xingchen, GPTBots); ``None`` when unknown.
        input_tokens: input (prompt) tokens.
        output_tokens: output (completion) tokens.
        points: billable EasyDL points of the call.
        credits: GPTBots credits the response reported; when non-zero it is the amount.
        key_mode: ``"gptbots"`` (default: the platform's model key) or ``"own"`` (your own key, a lower price).
        month_points_before: EasyDL paid points already used this month (picks the price tier).

    Examples:
        ```python
        estimate_cost("easydl", points=2_000_000)
        # Cost(amount=Decimal('1800.0000'), currency='yuan')
        ```
    """
    currency = currency_for(provider)
    amount = Decimal(0)
    if provider == "xingchen":
        try:
            amount = xingchen_cost(model, input_tokens, output_tokens)
        except KeyError:
            amount = Decimal(0)
    elif provider == "gptbots":
        if credits:
            amount = Decimal(str(credits))
        elif model:
            try:
                amount = gptbots_credits(model, input_tokens, output_tokens, key_mode)
            except KeyError:
                amount = Decimal(0)
    elif provider == "easydl":
        amount = easydl_tiered_cost(month_points_before, points)
    return Cost(amount, currency)
