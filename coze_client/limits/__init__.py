"""Plans as data and the client-side rate limiter.

Examples:
    ```python
    from coze_client.limits import get_plan, build_limiter
    plan = get_plan("coze.personal_free", {"limits": {"chat_qps": 40}})
    limiter = build_limiter("memory://", plan)
    ```
"""

from ._clock import Clock, LoopClock, VirtualClock
from ._config import get_plan, load_plan
from .base import Permit, RateLimiter
from .factory import build_limiter
from .memory import MemoryLimiter, NullLimiter
from .plans import Limit, Plan, Quota
from .presets import PRESETS
from .sqlite import SqliteLimiter

__all__ = [
    "PRESETS",
    "Clock",
    "Limit",
    "LoopClock",
    "MemoryLimiter",
    "NullLimiter",
    "Permit",
    "Plan",
    "Quota",
    "RateLimiter",
    "SqliteLimiter",
    "VirtualClock",
    "build_limiter",
    "get_plan",
    "load_plan",
]
