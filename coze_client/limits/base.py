"""The seam between the corridor and any limiter backend (memory, sqlite, redis).

The corridor calls, for every attempt:

```python
permit = await limiter.acquire(call, max_wait=...)   # waits its turn (FIFO); may raise
...send...
mark_responded(permit)                                # the response head (status, headers) is back
...read the body (a stream may run for many seconds)...
await permit.release(used_tokens=...)                 # once, when the body ended or the attempt failed
```

and, when the server still throttles, ``await limiter.penalize(call, seconds)`` to pause every
group the call belongs to.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from .._call import CallInfo

__all__ = ["Permit", "RateLimiter", "mark_responded"]


@runtime_checkable
class Permit(Protocol):
    """A granted slot for one attempt.

    ``waited`` is the time spent waiting for it (seconds), reported apart from retries.
    """

    waited: float

    async def release(self, *, used_tokens: int | None = None, sent: bool = True) -> None:
        """Close the slot: the response arrived (or the attempt failed).

        ``used_tokens`` corrects a token estimate with the real usage; ``sent=False`` says the
        request certainly never reached the server, so its request slots may be given back.

        Args:
            used_tokens: the tokens the call really used (input + output), replacing the estimate in
                token-per-minute windows; ``None`` keeps the estimate.
            sent: False only when the request certainly never reached the server; True (default) otherwise.
        """
        ...


def mark_responded(permit: Permit) -> None:
    """Tell ``permit`` that its response head (status and headers) has arrived.

    From then on the request has certainly reached the server, so its request-count slots
    (QPS/QPM/QPD) count one window more and no longer; concurrency stays held and token estimates
    stay counted until `Permit.release`. Permits of limiters without the hook (a user's own
    `RateLimiter`) are left alone: they then count their slots until the release, which is
    safe, only slower. Calling it twice, or after the release, changes nothing.

    Args:
        permit: the permit `RateLimiter.acquire` granted for the attempt.
    """
    hook = getattr(permit, "responded", None)
    if hook is not None:
        hook()


@runtime_checkable
class RateLimiter(Protocol):
    """Paces calls so that no limit of the plan is ever exceeded in any window."""

    async def acquire(self, call: CallInfo, *, max_wait: float | None = None) -> Permit:
        """Wait until ``call`` fits every limit that applies to it, then hold a slot.

        Raises `RateLimitWaitError` at once when the wait would exceed
        ``max_wait``, and `LimitUnsatisfiableError` when the call can
        never fit.

        Args:
            call: the attempt asking for a slot: its provider, account, endpoint groups and token estimate.
            max_wait: the longest wait accepted, in seconds; ``None`` (default) waits as long as it takes.

        Returns:
            The `Permit` to release when the attempt is over.
        """
        ...

    async def penalize(self, call: CallInfo, seconds: float) -> None:
        """The server throttled ``call``: hold every group it belongs to for ``seconds``.

        Args:
            call: the attempt the server throttled; its groups (``"all"`` when it has none) are held.
            seconds: how long to hold them, in seconds (the service's ``Retry-After`` or the retry backoff).
        """
        ...

    async def aclose(self) -> None:
        """Release resources (connections, files)."""
        ...
