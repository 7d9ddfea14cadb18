"""Baidu EasyDL custom-model inference, through the coze-client corridor.

Wire facts: the Baidu EasyDL API docs; points, free points and concurrency:
the providers' pricing pages ("Baidu EasyDL"). The access token comes from the API key and secret key
(``/oauth/2.0/token``, client-credentials grant, the key pair in the form body), is cached for its
30-day life and refreshed ONCE when calls find it rejected (codes 110/111), however many calls find it
at the same time; a key pair the token endpoint refuses is asked once per call, not retried. The
token travels in the ``access_token`` query parameter, which the log filter of
``coze_client._secrets`` masks in httpx's request lines. Errors arrive as HTTP 200 with ``error_code`` and are typed.
Each call reserves its points (per call type, from ``coze_client.ledger.prices``) in the ledger
before it is sent; failed calls keep them (failed calls use free points too). Free points and
paid-state concurrency are per published API, so every service is its own ledger/limiter account
(``<account>:<service>``).

Examples:
    ```python
    async def main() -> None:
        async with EasyDL(api_key="...", secret_key="...", plan="easydl.free") as easydl:
            result = await easydl.classify_image("flowers", image_bytes)
            print(result.results[0].name)
    ```
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextvars
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx
from pydantic import Field

from coze_client._call import Usage
from coze_client._models import CozeModel
from coze_client._request import Endpoint
from coze_client._response import parse_body, retry_after_of
from coze_client._secrets import fingerprint, mask
from coze_client.errors import (
    APIError,
    AuthenticationError,
    AuthRefreshError,
    BadRequestError,
    DailyLimitError,
    InsufficientBalanceError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestTooLargeError,
    ServerError,
    ValidationError,
    error_class_for,
)
from coze_client.ledger.base import UsageLedger
from coze_client.ledger.prices import EASYDL_POINTS, easydl_points
from coze_client.limits.base import RateLimiter
from coze_client.limits.plans import Plan

from ._pipeline import Pipeline, PipelineOwner, call_options, env_secret

__all__ = [
    "DEFAULT_BASE_URL",
    "ERROR_CLASSES",
    "MAX_BASE64_BYTES",
    "EasyDL",
    "EasyDLLabel",
    "EasyDLResult",
    "EasyDLToken",
    "easydl_error",
]

DEFAULT_BASE_URL = "https://aip.baidubce.com"  # providers-api.md §C.1, §C.2
TOKEN_PATH = "/oauth/2.0/token"
# providers-api.md §C.2: image base64 at most 4 MB after encoding (no data: header); applied to sound too.
MAX_BASE64_BYTES = 4 * 1024 * 1024
# providers-api.md §C.1: the SDK refreshes 30 s before expiry.
EXPIRY_MARGIN = 30.0

# providers-api.md §C.3: codes -> the existing error classes. Data, kept once.
ERROR_CLASSES: Mapping[int, type[APIError]] = {
    1: ServerError,  # unknown error: retry
    2: ServerError,  # service temporarily unavailable: retry
    3: NotFoundError,  # unsupported openapi method: wrong URL or service name
    4: RateLimitError,  # cluster over its limit: retry later
    6: PermissionDeniedError,  # the app lacks this API
    13: ServerError,  # get service token failed
    14: AuthenticationError,  # IAM certification failed
    15: NotFoundError,  # app does not exist
    17: DailyLimitError,  # daily request limit reached
    18: RateLimitError,  # QPS limit reached: back off
    19: InsufficientBalanceError,  # total / free quota used up: enable billing or buy points
    100: AuthenticationError,  # invalid or missing access_token
    110: AuthenticationError,  # access token invalid: refetch and retry once
    111: AuthenticationError,  # access token expired: refetch and retry once
    216100: BadRequestError,
    216101: BadRequestError,
    216102: BadRequestError,
    216110: NotFoundError,
    216200: BadRequestError,
    216201: BadRequestError,
    216202: BadRequestError,
    282000: ServerError,
    336000: ServerError,  # internal error: retry
    336001: BadRequestError,  # invalid argument (non-JSON body, bad base64)
    336002: BadRequestError,  # invalid JSON
    336003: BadRequestError,  # base64 decode failed
    336004: BadRequestError,  # input file size invalid (over 4 MB)
    336005: BadRequestError,  # image decode failed
    336006: BadRequestError,  # missing required parameter
}

# Which JSON field carries the input, per ``{type}`` path segment (providers-api.md §C.2).
_FIELDS = {"classification": "image", "detection": "image", "segmentation": "image", "text_cls": "text",
           "sound_cls": "sound"}

_used_generation: contextvars.ContextVar[int] = contextvars.ContextVar("easydl_token_generation")


def _code_of(body: Any) -> int | None:
    if not isinstance(body, dict):
        return None
    raw = body.get("error_code")
    if raw in (None, 0, "0", ""):
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        return -1  # e.g. "SDK108": an error without a numeric code


def easydl_error(response: httpx.Response, body: Any) -> APIError | None:
    """The typed error of an EasyDL answer (HTTP 200 with ``error_code``), or None for a success.

    Args:
        response: the HTTP response (its status and ``Retry-After`` header are read).
        body: the decoded body (a dict, or the text when it was not JSON).

    Examples:
        ```python
        err = easydl_error(httpx.Response(200), {"error_code": 17, "error_msg": "daily limit"})
        type(err).__name__, err.code
        # ('DailyLimitError', 17)
        ```
    """
    status = response.status_code
    code = _code_of(body)
    if code is None:
        if 200 <= status < 300:
            return None
        msg = body.strip()[:500] if isinstance(body, str) else f"HTTP {status}"
        return error_class_for(None, status)(msg or f"HTTP {status}", status_code=status, body=body,
                                             retry_after=retry_after_of(response))
    assert isinstance(body, dict)
    cls = ERROR_CLASSES.get(code)
    if cls is None:
        cls = BadRequestError if 336001 <= code <= 336999 else APIError
    log_id = body.get("log_id")
    return cls(str(body.get("error_msg") or f"error {code}"), code=code if code >= 0 else None, status_code=status,
               logid=str(log_id) if log_id is not None else None, retry_after=retry_after_of(response), body=body)


class EasyDLToken:
    """The EasyDL access token: fetched from API key + secret key, cached, refreshed in a single flight.

    A `TokenProvider`: the corridor calls `invalidate` when a call is
    answered 110/111 and then asks for a token again. Each token has a generation; a call's
    ``invalidate()`` only drops the token it was itself given, so when fifty calls find the token
    expired at once, exactly one refresh runs and the other forty-nine reuse its result.

    Args:
        api_key: the application's API key (``client_id`` of the token request). Never logged.
        secret_key: the application's secret key (``client_secret``). Never logged.
        token_url: the token endpoint (default ``https://aip.baidubce.com/oauth/2.0/token``).
        http: the ``httpx.AsyncClient`` the token is fetched with (not closed here); `EasyDL` sets its own.
            Without one, fetching raises `AuthRefreshError`.
        timeout: the token request's timeout (seconds or ``httpx.Timeout``; default 30 s).
        clock: a monotonic clock in seconds, read to expire the token (tests pass a fake one).

    Examples:
        ```python
        token = EasyDLToken("api-key", "secret-key")
        token
        # EasyDLToken(api_key=…8c2840, refreshes=0)
        ```
    """

    def __init__(
        self,
        api_key: str,
        secret_key: str,
        *,
        token_url: str = DEFAULT_BASE_URL + TOKEN_PATH,
        http: httpx.AsyncClient | None = None,
        timeout: float | httpx.Timeout = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not api_key or not secret_key:
            raise ValidationError("EasyDL needs both an API key and a secret key")
        self._api_key = api_key
        self._secret_key = secret_key
        self.token_url = token_url
        self.http = http
        self.timeout = timeout
        self._clock = clock
        self._token: str | None = None
        self._expires = 0.0
        self._generation = 0
        self._stale = False
        self._inflight: asyncio.Future[None] | None = None
        self.refreshes = 0
        """How many times a token was fetched (the single-flight tests read it)."""

    def __repr__(self) -> str:
        return f"EasyDLToken(api_key={mask(self._api_key)}, refreshes={self.refreshes})"

    def _valid(self) -> bool:
        return self._token is not None and not self._stale and self._clock() < self._expires

    async def get_token(self) -> str:
        """A valid access token (fetched once however many calls ask at the same time).

        Every caller that finds no valid token awaits the same fetch, so a failed fetch fails them all
        at once instead of being repeated by each. The fetch runs as its own task: a caller that is
        cancelled does not cancel it for the others.
        """
        if not self._valid():
            task = self._inflight
            if task is None or task.done():
                task = self._inflight = asyncio.ensure_future(self._fetch())
                # Retrieve the outcome even if every waiter was cancelled (no "never retrieved" warning).
                task.add_done_callback(lambda t: t.cancelled() or t.exception())
            await asyncio.shield(task)
        _used_generation.set(self._generation)
        assert self._token is not None
        return self._token

    def invalidate(self) -> None:
        """Forget the token this call used (a no-op when another call already replaced it)."""
        used = _used_generation.get(None)
        if used is None or used == self._generation:
            self._stale = True

    async def _fetch(self) -> None:
        if self.http is None:
            raise AuthRefreshError("EasyDLToken has no HTTP client")
        form = {"grant_type": "client_credentials", "client_id": self._api_key, "client_secret": self._secret_key}
        try:
            # The key pair goes in the form body (an OAuth 2.0 client-credentials grant accepts it there),
            # never in the URL: URLs end up in logs (httpx logs each one at INFO), bodies do not.
            response = await self.http.post(self.token_url, data=form, timeout=self.timeout,
                                            headers={"Content-Type": "application/x-www-form-urlencoded"})
        except httpx.TransportError as exc:
            # Only the exception's class: its text could carry the URL and with it the secret key.
            raise AuthRefreshError(f"could not reach the EasyDL token endpoint ({type(exc).__name__})") from None
        body = parse_body(response)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            err = body.get("error") if isinstance(body, dict) else None
            desc = body.get("error_description") if isinstance(body, dict) else None
            if err == "invalid_client" or response.status_code == 401:
                # "unknown client id": bad API key; "Client authentication failed": bad secret key.
                raise AuthenticationError(f"EasyDL refused the credentials: {desc or err or 'invalid_client'}",
                                          status_code=response.status_code)
            raise AuthRefreshError(f"EasyDL token request failed (HTTP {response.status_code}): {desc or err or ''}")
        expires_in = body.get("expires_in") if isinstance(body, dict) else None
        life = float(expires_in) if isinstance(expires_in, (int, float)) and expires_in > 0 else 2592000.0
        self._token = token
        self._expires = self._clock() + max(0.0, life - EXPIRY_MARGIN)
        self._generation += 1
        self._stale = False
        self.refreshes += 1


def _in_query(request: httpx.Request, token: str) -> None:
    """EasyDL takes the token as the ``access_token`` query parameter (the Baidu EasyDL API docs)."""
    request.url = request.url.copy_set_param("access_token", token)


class EasyDLLabel(CozeModel):
    """One result: class ``name`` and ``score``; ``location`` (detection, segmentation) and ``mask``."""

    name: str = ""
    score: float = 0.0
    location: dict[str, float] | None = None
    mask: str | None = None


class EasyDLResult(CozeModel):
    """An inference answer: ``log_id`` and ``results`` (best first); ``points`` the call reserved.

    ``.meta`` tells what the corridor did (attempts, limiter wait).
    """

    log_id: int | str | None = None
    results: list[EasyDLLabel] = Field(default_factory=list)
    points: int = 0


def _b64(data: bytes | bytearray | memoryview | str, what: str, path: str) -> str:
    """Base64 text of ``data`` (bytes are encoded; text must already be base64), at most 4 MB."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        if not raw:
            raise ValidationError(f"{what} is empty")
        # 4 bytes of base64 per 3 input bytes: refuse before spending time encoding.
        size = 4 * ((len(raw) + 2) // 3)
        if size > MAX_BASE64_BYTES:
            raise RequestTooLargeError(size, MAX_BASE64_BYTES, path)
        return base64.b64encode(raw).decode("ascii")
    if not isinstance(data, str):
        raise ValidationError(f"{what} must be bytes or base64 text, got {type(data).__name__}")
    text = "".join(data.split())
    if text.startswith("data:"):
        # providers-api.md §C.3 336003: the service wants no data: header; strip it.
        text = text.split(",", 1)[1] if "," in text else ""
    if not text:
        raise ValidationError(f"{what} is empty")
    if len(text) > MAX_BASE64_BYTES:
        raise RequestTooLargeError(len(text), MAX_BASE64_BYTES, path)
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(f"{what} is not valid base64 (the service would answer 336003)") from None
    return text


class EasyDL(PipelineOwner):
    """Baidu EasyDL inference: classification, detection, segmentation, text and sound classification.

    Args:
        api_key: the application's API key (default ``EASYDL_API_KEY``).
        secret_key: the application's secret key (default ``EASYDL_SECRET_KEY``).
        plan: ``"easydl.free"`` (10,000 free points per API, refused beyond them) or ``"easydl.paid"``
            (billed beyond them; concurrency 10 for high-performance image classification, 4 otherwise).
        account: the name limits and points are filed under (default: a fingerprint of the API key);
            each service is ``<account>:<service>``.
        limiter: a URL (``"memory://"``, ``"sqlite:///path"``; closed by `aclose`) or an instance
            (shared; never closed here).
        ledger: a URL (``"memory://"``, ``"sqlite:///path"``; closed by `aclose`) or an instance
            (shared; never closed here).
        base_url: the API host (default ``https://aip.baidubce.com``).
        token_url: the token endpoint (default: ``base_url`` + ``/oauth/2.0/token``).
        http_client: an ``httpx.AsyncClient`` to send through, token requests included (shared; never closed
            here); default: one of its own.
        timeout: the default timeout of each call (seconds or ``httpx.Timeout``; default 600 s, 5 s to connect).
        max_retries: how many times a failed call that may be retried is sent again (default 2).

    Examples:
        ```python
        easydl = EasyDL(api_key="ak-example", secret_key="sk-example", ledger="memory://")
        easydl.plan.name
        # 'easydl.free'
        ```
    """

    name = "easydl"

    def __init__(
        self,
        *,
        api_key: str | None = None,
        secret_key: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        token_url: str | None = None,
        plan: str | Plan | None = "easydl.free",
        account: str | None = None,
        limiter: str | RateLimiter | None = None,
        ledger: str | UsageLedger | None = None,
        http_client: httpx.AsyncClient | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = 2,
    ) -> None:
        key = env_secret(api_key, "EASYDL_API_KEY", "EasyDL API key")
        secret = env_secret(secret_key, "EASYDL_SECRET_KEY", "EasyDL secret key")
        self.token = EasyDLToken(key, secret, token_url=token_url or base_url.rstrip("/") + TOKEN_PATH)
        # Each service is its own account (per-API free points): the plan binds to every service of
        # this account ("<account>:*"), never to every account of the provider.
        base_account = account or fingerprint(key)
        self._pipe = Pipeline(
            provider="easydl", base_url=base_url, auth=self.token, account=base_account,
            plan=plan, limiter=limiter, ledger=ledger, http_client=http_client, timeout=timeout,
            max_retries=max_retries, headers={"Content-Type": "application/json"}, authorize=_in_query,
            parse_error=easydl_error, ledger_account=f"{base_account}:*",
        )
        self.token.http = self._pipe.http
        self.token.timeout = self._pipe.timeout

    @property
    def plan(self) -> Plan | None:
        """The plan whose limits and quotas apply."""
        return self._pipe.plan

    @property
    def account(self) -> str:
        """The base account name (services are ``<account>:<service>``)."""
        return self._pipe.account

    def service_account(self, service: str) -> str:
        """The ledger/limiter account of one published API.

        Args:
            service: the API's URL suffix, as in `predict`.

        Returns:
            ``<account>:<service>``.
        """
        return f"{self._pipe.account}:{service}"

    def __repr__(self) -> str:
        plan = self.plan.name if self.plan is not None else None
        return f"EasyDL(plan={plan!r}, account={self.account!r}, token={self.token!r})"

    # -- the generic call
    async def predict(
        self, kind: str, service: str, body: Mapping[str, Any], *, call_type: str, points: int | None = None,
        params: Mapping[str, Any] | None = None, timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None, max_wait: float | None = None,
    ) -> EasyDLResult:
        """One inference call: ``POST /rpc/2.0/ai_custom/v1/{kind}/{service}``.

        ``call_type`` names the price row (``coze_client.ledger.prices.EASYDL_POINTS``) and the limiter
        group; ``points`` overrides its price (latency-tier packs).

        Args:
            kind: the path segment of the model type: ``classification``, ``detection``, ``segmentation``,
                ``text_cls``, ``sound_cls`` ...
            service: the URL suffix you gave the published API (a non-empty name without ``/``).
            body: the JSON body, sent as it is (e.g. ``{"text": ...}`` or ``{"image": <base64>}``).
            call_type: the price row and limiter group, a key of ``EASYDL_POINTS``
                (e.g. ``"text_classification_high_perf"``); unknown names raise `ValidationError`.
            points: the points this call uses, overriding ``call_type``'s price (a non-negative integer).
            params: extra query parameters (e.g. ``{"input_type": "url"}``).
            timeout: this call's timeout (seconds or ``httpx.Timeout``; default: the client's).
            max_retries: this call's retries (default: the client's).
            max_wait: fail at once with `RateLimitWaitError` when the limiter would wait longer (seconds).

        Examples:
            ```python
            await easydl.predict("text_cls", "news", {"text": "..."},
                                 call_type="text_classification_high_perf")
            ```
        """
        if not isinstance(service, str) or not service.strip() or "/" in service:
            raise ValidationError("service must be the API's URL suffix (a non-empty name without '/')")
        if not isinstance(kind, str) or not kind or "/" in kind:
            raise ValidationError("kind must be the path segment, e.g. 'classification'")
        if points is None:
            try:
                points = easydl_points(call_type)
            except KeyError:
                raise ValidationError(
                    f"unknown EasyDL call type {call_type!r}; known: {sorted(EASYDL_POINTS)} (or pass points=)"
                ) from None
        if isinstance(points, bool) or not isinstance(points, int) or points < 0:
            raise ValidationError("points must be a non-negative integer")
        endpoint = Endpoint("POST", f"/rpc/2.0/ai_custom/v1/{kind}/{{service}}",
                            groups=("inference", call_type), envelope="top",
                            # Inference changes nothing on the server: safe to retry (each attempt uses points).
                            idempotent=True)
        corridor = self._pipe.corridor_for(self.service_account(service))
        cost = points

        def cast(data: Any) -> EasyDLResult:
            result = EasyDLResult.model_validate(data if isinstance(data, dict) else {})
            result.points = cost
            return result

        return await corridor.request(
            endpoint, cast, path_params={"service": service}, json=dict(body), params=params,
            points=points, usage=lambda _: Usage(points=cost),
            options=call_options(timeout, max_retries, max_wait),
        )

    # -- the call types
    async def classify_image(
        self, service: str, image: bytes | str | None = None, *, url: str | None = None, top_num: int | None = None,
        call_type: str = "image_classification_high_perf", **call: Any,
    ) -> EasyDLResult:
        """Image classification (``classification``): image bytes or base64, or ``url=``.

        Args:
            service: the URL suffix you gave the published API.
            image: the image as bytes (encoded here) or base64 text, at most 4 MB once encoded; or use ``url``.
            url: an http(s) URL of the image instead of ``image`` (give exactly one of them).
            top_num: how many classes to return, best first (a positive integer; ``None``: the API's default).
            call_type: the price row and limiter group, a key of ``EASYDL_POINTS``
                (default ``"image_classification_high_perf"``).
            **call: passed on to `predict`: ``points``, ``timeout``, ``max_retries``, ``max_wait``.

        Examples:
            ```python
            result = await easydl.classify_image("flowers", image_bytes, top_num=3)
            ```
        """
        body, params = self._image_body("classification", image, url)
        if top_num is not None:
            body["top_num"] = _positive("top_num", top_num)
        return await self.predict("classification", service, body, call_type=call_type, params=params, **call)

    async def detect_objects(
        self, service: str, image: bytes | str | None = None, *, url: str | None = None,
        threshold: float | None = None, call_type: str = "object_detection_high_perf", **call: Any,
    ) -> EasyDLResult:
        """Object detection (``detection``): results carry ``location``.

        Args:
            service: the URL suffix you gave the published API.
            image: the image as bytes (encoded here) or base64 text, at most 4 MB once encoded; or use ``url``.
            url: an http(s) URL of the image instead of ``image`` (give exactly one of them).
            threshold: the lowest score to return, from 0 to 1 (``None``: the API's default).
            call_type: the price row and limiter group, a key of ``EASYDL_POINTS``
                (default ``"object_detection_high_perf"``).
            **call: passed on to `predict`: ``points``, ``timeout``, ``max_retries``, ``max_wait``.

        Examples:
            ```python
            result = await easydl.detect_objects("parts", image_bytes, threshold=0.5)
            ```
        """
        body, params = self._image_body("detection", image, url)
        if threshold is not None:
            body["threshold"] = _threshold(threshold)
        return await self.predict("detection", service, body, call_type=call_type, params=params, **call)

    async def segment_image(
        self, service: str, image: bytes | str, *, threshold: float | None = None,
        call_type: str = "image_segmentation", **call: Any,
    ) -> EasyDLResult:
        """Image segmentation (``segmentation``): results carry ``location`` and ``mask``.

        Args:
            service: the URL suffix you gave the published API.
            image: the image as bytes (encoded here) or base64 text, at most 4 MB once encoded.
            threshold: the lowest score to return, from 0 to 1 (``None``: the API's default).
            call_type: the price row and limiter group, a key of ``EASYDL_POINTS``
                (default ``"image_segmentation"``).
            **call: passed on to `predict`: ``points``, ``timeout``, ``max_retries``, ``max_wait``.

        Examples:
            ```python
            result = await easydl.segment_image("cells", image_bytes)
            ```
        """
        body, params = self._image_body("segmentation", image, None)
        if threshold is not None:
            body["threshold"] = _threshold(threshold)
        return await self.predict("segmentation", service, body, call_type=call_type, params=params, **call)

    async def classify_text(
        self, service: str, text: str, *, top_num: int | None = None,
        call_type: str = "text_classification_high_perf", **call: Any,
    ) -> EasyDLResult:
        """Text classification (``text_cls``), UTF-8 text.

        Args:
            service: the URL suffix you gave the published API.
            text: the text to classify (not empty).
            top_num: how many classes to return, best first (a positive integer; ``None``: the API's default).
            call_type: the price row and limiter group, a key of ``EASYDL_POINTS``
                (default ``"text_classification_high_perf"``).
            **call: passed on to `predict`: ``points``, ``timeout``, ``max_retries``, ``max_wait``.

        Examples:
            ```python
            result = await easydl.classify_text("news", "股市今天大涨")
            ```
        """
        if not isinstance(text, str) or not text.strip():
            raise ValidationError("text must be a non-empty string")
        body: dict[str, Any] = {"text": text}
        if top_num is not None:
            body["top_num"] = _positive("top_num", top_num)
        return await self.predict("text_cls", service, body, call_type=call_type, **call)

    async def classify_sound(
        self, service: str, sound: bytes | str, *, top_num: int | None = None,
        call_type: str = "sound_classification", **call: Any,
    ) -> EasyDLResult:
        """Sound classification (``sound_cls``): audio bytes or base64 (at most 15 s of audio).

        Args:
            service: the URL suffix you gave the published API.
            sound: the audio as bytes (encoded here) or base64 text, at most 4 MB once encoded.
            top_num: how many classes to return, best first (a positive integer; ``None``: the API's default).
            call_type: the price row and limiter group, a key of ``EASYDL_POINTS``
                (default ``"sound_classification"``).
            **call: passed on to `predict`: ``points``, ``timeout``, ``max_retries``, ``max_wait``.

        Examples:
            ```python
            result = await easydl.classify_sound("birds", wav_bytes)
            ```
        """
        body: dict[str, Any] = {"sound": _b64(sound, "sound", "/rpc/2.0/ai_custom/v1/sound_cls")}
        if top_num is not None:
            body["top_num"] = _positive("top_num", top_num)
        return await self.predict("sound_cls", service, body, call_type=call_type, **call)

    @staticmethod
    def _image_body(kind: str, image: bytes | str | None, url: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
        if (image is None) == (url is None):
            raise ValidationError("pass exactly one of image= (bytes or base64) and url=")
        if url is not None:
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                raise ValidationError("url must be an http(s) URL")
            return {"url": url}, {"input_type": "url"}
        assert image is not None
        return {"image": _b64(image, "image", f"/rpc/2.0/ai_custom/v1/{kind}")}, {}


def _positive(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(f"{name} must be a positive integer")
    return value


def _threshold(value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= float(value) <= 1.0:
        raise ValidationError("threshold must be between 0 and 1")
    return float(value)
