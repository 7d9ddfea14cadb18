"""Users (the Coze bot, user and workspace pages)."""

from __future__ import annotations

from .._request import Endpoint
from .._transport import TimeoutTypes
from ..types.users import User
from ._base import APIResource, opts

__all__ = ["AsyncUsers"]

ME = Endpoint("GET", "/v1/users/me")


class AsyncUsers(APIResource):
    """``coze.users``."""

    async def me(self, *, timeout: TimeoutTypes = None, max_retries: int | None = None) -> User:
        """The account the token belongs to (a cheap way to check a token).

        Args:
            timeout: this call's timeout (seconds or ``httpx.Timeout``; default: the client's).
            max_retries: this call's retries (default: the client's).

        Examples:
            ```python
            me = await coze.users.me()
            me.user_id, me.nick_name
            ```
        """
        return await self._corridor.request(ME, User.model_validate, options=opts(timeout, max_retries))
