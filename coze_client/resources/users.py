"""Users (reference coze-api.md §5.9)."""

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

        Example:
            >>> me = await coze.users.me()  # doctest: +SKIP
            >>> me.user_id, me.nick_name  # doctest: +SKIP
        """
        return await self._corridor.request(ME, User.model_validate, options=options_of(options))
