"""Plans as data and the client-side rate limiter."""

from .plans import Limit, Plan, Quota

__all__ = ["Limit", "Plan", "Quota"]
