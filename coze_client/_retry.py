"""The retry policy, in one place (after openai-python's ``_base_client``), run by tenacity.

What is retried (the Coze error-code page; the official SDK's behaviour):

- always, for every method: a connection that certainly carried nothing (refused, pool timeout),
  and "too many requests" (HTTP 429, codes 4009 and 4020): the server did not process it;
- only for retry-safe endpoints (GET/PUT/DELETE and read-only POSTs): timeouts, broken
  connections, HTTP 5xx, codes 5000 and 4013 ("model error"). A chat create that may already be
  running is never retried after an ambiguous failure: it could bill twice;
- never: validation, auth, permission, not-found, quota and balance errors.

Delay: ``min(0.5 * 2**n, 8) * uniform(0.75, 1.0)``, or the server's ``retry-after-ms`` /
``Retry-After`` when given. A Retry-After above ``max_retry_after`` (60 s) is not slept: the error
goes to the caller with ``retry_after`` set.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ._constants import INITIAL_RETRY_DELAY, MAX_RETRY_AFTER, MAX_RETRY_DELAY
from .errors import APIConnectionError, APIError, RateLimitError, ServerError

__all__ = ["RetryPolicy"]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Decides whether a failed attempt is retried and how long to wait first."""

    max_retries: int = 2
    max_retry_after: float = MAX_RETRY_AFTER
    initial_delay: float = INITIAL_RETRY_DELAY
    max_delay: float = MAX_RETRY_DELAY

    def is_retryable(self, exc: BaseException, *, retry_safe: bool) -> bool:
        """True when ``exc`` may be retried for an endpoint that is (or is not) retry-safe."""
        if isinstance(exc, APIConnectionError):
            return (not exc.sent) or retry_safe
        if isinstance(exc, RateLimitError):
            return exc.retry_after is None or exc.retry_after <= self.max_retry_after
        if isinstance(exc, ServerError):
            if exc.retry_after is not None and exc.retry_after > self.max_retry_after:
                return False
            return retry_safe
        return False

    def delay(self, exc: BaseException | None, retries_done: int) -> float:
        """Seconds to wait before retry number ``retries_done + 1``."""
        if isinstance(exc, APIError) and exc.retry_after is not None:
            return min(exc.retry_after, self.max_retry_after)
        backoff = min(self.initial_delay * float(2**retries_done), self.max_delay)
        return backoff * (1.0 - 0.25 * random.random())
