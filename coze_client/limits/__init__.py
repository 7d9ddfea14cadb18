"""Plans as data and the client-side rate limiter.

Example:
    >>> from coze_client.limits import get_plan, build_limiter
    >>> plan = get_plan("coze.personal_free", {"limits": {"chat_qps": 40}})
    >>> limiter = build_limiter("memory://", plan)
"""

from ._config import get_plan, load_plan
from .plans import Limit, Plan, Quota
from .presets import PRESETS

__all__ = ["PRESETS", "Limit", "Plan", "Quota", "get_plan", "load_plan"]
