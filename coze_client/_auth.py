"""Where the bearer token comes from: a fixed token, or an async provider (OAuth) that refreshes."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from ._secrets import fingerprint, mask

__all__ = ["StaticToken", "TokenProvider"]


@runtime_checkable
class TokenProvider(Protocol):
    """Anything that can hand out a bearer token, refreshing it when needed.

    ``invalidate()`` is called once when the service answers 4100 (token rejected); the corridor
    then asks for a token again and retries the call once.
    """

    async def get_token(self) -> str:
        """A valid access token."""
        ...

    def invalidate(self) -> None:
        """Forget the cached token (it was rejected)."""
        ...


class StaticToken:
    """A personal or service access token that never changes.

    Examples:
        ```python
        StaticToken("pat_example_secret_value")
        # StaticToken(pat_…6f304a)
        ```

    Args:
        token: the access token (``pat_...``/``sat_...``); surrounding whitespace is stripped, and an empty
            string raises `ValidationError`. Its repr shows only a fingerprint.
    """

    __slots__ = ("_token",)

    def __init__(self, token: str) -> None:
        if not isinstance(token, str) or not token.strip():
            from .errors import ValidationError

            raise ValidationError("token must be a non-empty string")
        self._token = token.strip()

    async def get_token(self) -> str:
        """The token."""
        return self._token

    def invalidate(self) -> None:
        """A static token cannot be refreshed; nothing to forget."""

    @property
    def fingerprint(self) -> str:
        """A stable, one-way id of the token (used as the default ledger account)."""
        return fingerprint(self._token)

    def __repr__(self) -> str:
        return f"StaticToken({mask(self._token)})"
