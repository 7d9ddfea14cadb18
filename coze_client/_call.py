"""What the limiter and the ledger are told about one attempt, and what they learn after it.

These two small records are the only things the corridor hands to the rate limiter and the
usage ledger, so both can be swapped (memory, sqlite, redis) without touching the transport.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["CallInfo", "Usage"]


@dataclass(frozen=True, slots=True)
class CallInfo:
    """One call (one attempt) as the limiter and ledger see it.

    Args:
        provider: ``"coze"``, ``"xingchen"``, ``"gptbots"`` or ``"easydl"``.
        account: the account the limits and quotas belong to: a name, or a token
            fingerprint. Never a token.
        method: HTTP method.
        path: URL path, e.g. ``/v3/chat``.
        groups: endpoint groups this call belongs to, e.g. ``("chat", "model")``.
            The group ``"all"`` is implied for every call and need not be listed.
        est_tokens: estimated tokens (input + expected output) for token-per-minute limits.
        points: points this call costs (EasyDL), known before sending.
        model: model name when the provider prices per model.
    """

    provider: str
    account: str
    method: str
    path: str
    groups: tuple[str, ...] = ()
    est_tokens: int = 0
    points: int = 0
    model: str | None = None

    def in_group(self, group: str) -> bool:
        """True when a limit or quota for ``group`` applies to this call.

        Args:
            group: an endpoint group name (``"chat"``, ``"model"``, ...); ``"all"`` matches every call.
        """
        return group == "all" or group in self.groups


@dataclass(slots=True)
class Usage:
    """What a response reported about the resources a call consumed.

    Args:
        input_tokens: prompt tokens the response reported (0 when it reported none).
        output_tokens: completion tokens the response reported.
        points: points the call used (EasyDL).
        credits: credits the call used (GPTBots).
        model: the model that answered, when the response names it.
        extra: other counters by name; ``{"failed": 1.0}`` marks an attempt that failed after it may have
            reached the server (the ledger counts it but may leave it unbilled).
    """

    input_tokens: int = 0
    output_tokens: int = 0
    points: int = 0
    credits: float = 0.0
    model: str | None = None
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def total_tokens(self) -> int:
        """Input plus output tokens."""
        return self.input_tokens + self.output_tokens
