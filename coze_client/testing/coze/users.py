"""FakeCoze area. Users: the token's account."""

from __future__ import annotations

import httpx

from .._core import Ctx
from ._base import AreaBase


class UserRoutes(AreaBase):
    """Users: the token's account."""

    def _setup_users(self) -> None:
        r = self.route
        r("GET", "/v1/users/me", self._users_me)

    async def _users_me(self, ctx: Ctx) -> httpx.Response:
        return self.ok(dict(self.user))
