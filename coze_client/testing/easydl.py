"""A fake Baidu EasyDL public-cloud API (the Baidu EasyDL API docs).

``/oauth/2.0/token`` issues 30-day access tokens for the client-credentials grant; inference
``POST /rpc/2.0/ai_custom/v1/{type}/{service_name}?access_token=`` answers JSON with ``log_id`` and
``results``. Every error is HTTP 200 with ``{error_code, error_msg}``: 110 invalid token, 111 expired,
100 missing token, 336001 non-JSON body, 336002 bad JSON, 336003 bad base64, 336006 missing
field; throttling 18 (QPS), 17 (daily quota) and 19 (total or free-point quota).

Examples:
    ```python
    fake = FakeEasyDL(services={"flowers": ("image_classification_high_perf", 4)})
    fake.base_urls
    # ('https://aip.baidubce.com',)
    ```
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
import urllib.parse
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from ..limits.plans import Limit, Plan, Quota
from ._core import Ctx, FakeServer
from .enforcement import Clock, Rejection
from .faults import Fault

__all__ = ["FakeEasyDL"]

_FIELDS = {
    "classification": "image",
    "detection": "image",
    "segmentation": "image",
    "text_cls": "text",
    "sound_cls": "sound",
}
TOKEN_LIFETIME = 2592000  # 30 days (providers-api.md §C.1)


class FakeEasyDL(FakeServer):
    """Fake EasyDL.

    Args:
        credentials: valid ``{api_key: secret_key}`` pairs (None = any pair).
        services: ``{service_name: (call_type, points)}``: the endpoint group the call belongs to
            (matching the plan's groups, e.g. ``"image_classification_high_perf"``) and the points it
            costs (the providers' pricing pages). Unknown services use ``(type, 4)``.
        labels: the class names answered, best first.
        plan: a plan or preset name to enforce, or None.
        limits: custom or overriding limit records (see `Enforcer`).
        quotas: custom or overriding quota records (see `Enforcer`).
        clock: monotonic seconds for windows (``ManualClock`` in tests; default ``time.monotonic``).
        wall_clock: Unix seconds for daily quotas and token expiry (default ``time.time``).
        count_rejected: whether refused requests occupy their window (default True).
        enforce: False records peaks without refusing anything.
        base_urls: the URLs answered on respx (default ``https://aip.baidubce.com``).
    """

    provider = "easydl"
    base_urls = ("https://aip.baidubce.com",)

    def __init__(
        self,
        *,
        credentials: Mapping[str, str] | None = None,
        services: Mapping[str, tuple[str, int]] | None = None,
        labels: Sequence[str] = ("daisy", "rose", "tulip"),
        plan: Plan | str | None = None,
        limits: Sequence[Limit] = (),
        quotas: Sequence[Quota] = (),
        clock: Clock | None = None,
        wall_clock: Clock | None = None,
        count_rejected: bool = True,
        enforce: bool = True,
        base_urls: Sequence[str] | None = None,
    ) -> None:
        super().__init__(
            plan=plan,
            limits=limits,
            quotas=quotas,
            clock=clock,
            wall_clock=wall_clock,
            count_rejected=count_rejected,
            enforce=enforce,
            base_urls=base_urls,
        )
        self.credentials = dict(credentials) if credentials is not None else None
        self.services = dict(services or {})
        self.labels = list(labels)
        self.tokens: dict[str, float] = {}  # access token -> expiry (wall clock)
        self.route("GET", "/oauth/2.0/token", self._token)
        self.route("POST", "/oauth/2.0/token", self._token)
        self.route("POST", "/rpc/2.0/ai_custom/v1/{type}/{service}", self._infer)

    def error(self, code: int, msg: str) -> httpx.Response:
        """EasyDL's error answer: HTTP 200 with ``{error_code, error_msg, log_id}``.

        Args:
            code: the EasyDL ``error_code``.
            msg: the ``error_msg``.
        """
        return self.json_response({"error_code": code, "error_msg": msg, "log_id": secrets.randbits(63)})

    def error_code_of(self, response: httpx.Response) -> int | None:
        """The body's ``error_code`` (0 without one; None for a body that is not JSON).

        Args:
            response: the answer the fake is about to return.
        """
        try:
            body = json.loads(response.content)
        except (ValueError, httpx.ResponseNotRead):
            return None
        if isinstance(body, dict) and "error_code" in body:
            return int(body["error_code"])
        return 0

    def expire_tokens(self) -> None:
        """Make every issued access token expired (the next call answers 111)."""
        for token in self.tokens:
            self.tokens[token] = 0.0

    # -- hooks ----------------------------------------------------------------------------------
    def authenticate(self, ctx: Ctx) -> httpx.Response | None:
        """100, 110 or 111 for a missing, unknown or expired ``access_token``, else None (the token endpoint is open).

        Args:
            ctx: the request being handled.
        """
        if ctx.path.startswith("/oauth/"):
            return None
        token = self._raw_query(ctx).get("access_token")
        if not token:
            return self.error(100, "Invalid parameter")
        expiry = self.tokens.get(token)
        if expiry is None:
            return self.error(110, "Access token invalid or no longer valid")
        if expiry <= self.wall_clock():
            return self.error(111, "Access token expired")
        return None

    @staticmethod
    def _raw_query(ctx: Ctx) -> dict[str, str]:
        return {k: v for k, v in ctx.request.url.params.multi_items()}

    def _service(self, ctx: Ctx) -> tuple[str, int]:
        return self.services.get(ctx.params.get("service", ""), (ctx.params.get("type", "inference"), 4))

    def groups_for(self, ctx: Ctx) -> tuple[str, ...]:
        """``oauth`` for the token endpoint, else ``inference`` and the service's call type.

        Args:
            ctx: the request being handled.
        """
        if ctx.path.startswith("/oauth/"):
            return ("oauth",)
        return ("inference", self._service(ctx)[0])

    def request_points(self, ctx: Ctx) -> int:
        """The service's points (0 for the token endpoint).

        Args:
            ctx: the request being handled.
        """
        return 0 if ctx.path.startswith("/oauth/") else self._service(ctx)[1]

    def check_request(self, ctx: Ctx) -> httpx.Response | None:
        """336001 for a body that is not JSON-typed, 336002 for bad JSON, else None.

        Args:
            ctx: the request being handled.
        """
        if ctx.path.startswith("/oauth/"):
            return None
        if "json" not in ctx.headers.get("content-type", ""):
            return self.error(336001, "Invalid Argument")  # a form body is refused (providers-api.md §C.2)
        if ctx.json is None:
            return self.error(336002, "Invalid JSON")
        return None

    def rejection_response(self, ctx: Ctx, rejection: Rejection) -> httpx.Response:
        """17 (daily quota), 19 (total or free-point quota) or 18 (QPS), all HTTP 200.

        Args:
            ctx: the request being handled.
            rejection: why the enforcer refused it.
        """
        if rejection.kind in ("quota", "lockout"):
            if rejection.period == "day":
                return self.error(17, "Open api daily request limit reached")
            return self.error(19, "Open api total request limit reached")
        return self.error(18, "Open api qps request limit reached")

    def throttle_response(self, ctx: Ctx, fault: Fault) -> httpx.Response:
        """The fault's ``code`` (18, QPS, by default), HTTP 200.

        Args:
            ctx: the request being handled.
            fault: the injected ``throttle`` fault (its ``code``, when set, is answered).
        """
        return self.error(fault.code or 18, "Open api qps request limit reached")

    def not_found(self, ctx: Ctx, path_known: bool) -> httpx.Response:
        """3 (unsupported method), HTTP 200.

        Args:
            ctx: the request being handled.
            path_known: True when the path has routes, but none for this method.
        """
        return self.error(3, "Unsupported openapi method")

    # -- handlers -------------------------------------------------------------------------------
    async def _token(self, ctx: Ctx) -> httpx.Response:
        # The grant's fields may come in the query or in a form body (OAuth 2.0 client credentials).
        q = self._raw_query(ctx)
        if "x-www-form-urlencoded" in ctx.headers.get("content-type", ""):
            q.update(urllib.parse.parse_qsl(ctx.body.decode("utf-8", "replace")))
        if q.get("grant_type") != "client_credentials":
            return self.json_response(
                {"error": "unsupported_grant_type", "error_description": "unsupported grant type"}, status=400
            )
        client_id, secret = q.get("client_id", ""), q.get("client_secret", "")
        if self.credentials is not None and client_id not in self.credentials:
            return self.json_response({"error": "invalid_client", "error_description": "unknown client id"}, status=401)
        if self.credentials is not None and self.credentials[client_id] != secret:
            return self.json_response(
                {"error": "invalid_client", "error_description": "Client authentication failed"}, status=401
            )
        token = f"24.{secrets.token_hex(16)}.{TOKEN_LIFETIME}.{int(time.time())}.282335-{secrets.randbelow(10**8)}"
        self.tokens[token] = self.wall_clock() + TOKEN_LIFETIME
        return self.json_response(
            {
                "access_token": token,
                "expires_in": TOKEN_LIFETIME,
                "refresh_token": f"25.{secrets.token_hex(16)}",
                "scope": "public brain_all_scope",
                "session_key": secrets.token_hex(8),
                "session_secret": secrets.token_hex(8),
            }
        )

    async def _infer(self, ctx: Ctx) -> httpx.Response:
        kind = ctx.params["type"]
        body = ctx.body_dict()
        field = _FIELDS.get(kind)
        if field is None:
            return self.error(3, "Unsupported openapi method")
        url_input = self._raw_query(ctx).get("input_type") == "url" and body.get("url")
        value = body.get(field)
        if not value and not url_input:
            return self.error(336006, "missing required parameter")
        if field in ("image", "sound") and value:
            if isinstance(value, str) and value.startswith("data:"):
                return self.error(336003, "Base64 decode failed")
            try:
                raw = base64.b64decode(str(value), validate=True)
            except (binascii.Error, ValueError):
                return self.error(336003, "Base64 decode failed")
            if len(str(value)) > 4 * 1024 * 1024:
                return self.error(336004, "input file size invalid")
            del raw
        top = int(body.get("top_num") or 6)
        results: list[dict[str, Any]] = []
        for i, name in enumerate(self.labels[:top]):
            item: dict[str, Any] = {"name": name, "score": round(0.9 / (i + 1), 6)}
            if kind in ("detection", "segmentation"):
                item["location"] = {"left": 10 * i, "top": 10 * i, "width": 50, "height": 50}
            if kind == "segmentation":
                item["mask"] = "0 1 2 3"
            results.append(item)
        return self.json_response({"log_id": secrets.randbits(63), "results": results})
