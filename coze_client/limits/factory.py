"""Choosing a limiter backend by URL."""

from __future__ import annotations

from urllib.parse import urlsplit

from ..errors import ValidationError
from .base import RateLimiter
from .memory import MemoryLimiter, NullLimiter
from .plans import Plan
from .sqlite import SqliteLimiter

__all__ = ["build_limiter"]


def build_limiter(url: str | RateLimiter | None, plan: Plan | None) -> RateLimiter:
    """The limiter for ``plan`` named by ``url``.

    * ``None`` or ``"memory://"``: `MemoryLimiter` (this process only);
    * ``"sqlite:///abs/path.db"``: `SqliteLimiter` on ``/abs/path.db``, shared by every
      process of the host;
    * ``"redis://host:6379/0"``: `RedisLimiter`, shared by every
      process on every host using that Redis (see ``docs/fleet.md``);
    * a `RateLimiter` object: used as it is.

    Without a plan every call passes at once (`NullLimiter`).

    Args:
        url: the backend URL (see above), a `RateLimiter` object, or ``None`` for memory.
        plan: the plan whose limits apply; ``None`` gives a `NullLimiter` (unless ``url`` is an object).

    Examples:
        ```python
        from coze_client.limits import get_plan
        type(build_limiter("memory://", get_plan("coze.personal_free"))).__name__
        # 'MemoryLimiter'
        ```
    """
    if url is not None and not isinstance(url, str):
        if isinstance(url, RateLimiter):
            return url
        raise ValidationError(f"limiter must be a URL or a RateLimiter, not {type(url).__name__}")
    if plan is None:
        return NullLimiter()
    if url is None or url in ("memory://", "memory:", "memory"):
        return MemoryLimiter(plan)
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # Everything after "sqlite://" is the path: sqlite:///abs/limits.db -> /abs/limits.db.
        path = url[len("sqlite://") :]
        if not path or path in ("/:memory:", ":memory:"):
            raise ValidationError("the sqlite limiter needs a file path: sqlite:///abs/path/limits.db")
        return SqliteLimiter(plan, path)
    if parts.scheme in ("redis", "rediss"):
        from .redis import RedisLimiter  # on demand: only fleets need redis-py

        return RedisLimiter(plan, url)
    raise ValidationError(f"unknown limiter URL {url!r}; use memory://, sqlite:///path or a RateLimiter")
