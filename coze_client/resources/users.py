"""Users (the Coze bot, user and workspace pages)."""

from __future__ import annotations

from typing_extensions import Unpack

from .._request import Endpoint
from ..types.users import User
from ._base import APIResource, RequestOptions, options_of

__all__ = ["AsyncUsers"]

ME = Endpoint("GET", "/v1/users/me")


class AsyncUsers(APIResource):
    """``coze.users``."""

    async def me(self, **options: Unpack[RequestOptions]) -> User:
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
        return await self._corridor.request(ME, User.model_validate, options=options_of(options))
