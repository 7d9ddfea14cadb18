"""Every code of the reference table maps to its error class; HTTP status decides second."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest

from coze_client import errors
from coze_client._response import api_error, retry_after_of

CODE_TABLE = [
    *[(c, errors.BadRequestError) for c in (4000, 4001, 4002, 4003, 4004, 4005, 4006, 4007, 4010, 4012, 4014,
                                            4015, 4021, 4105, 4201, 4300, 4301, 4302, 4303, 4304)],
    (4008, errors.DailyLimitError),
    (4009, errors.RateLimitError),
    (4020, errors.RateLimitError),
    (4011, errors.InsufficientBalanceError),
    (4019, errors.InsufficientBalanceError),
    (4022, errors.InsufficientBalanceError),
    (4013, errors.ServerError),
    (5000, errors.ServerError),
    (4016, errors.ConflictError),
    (4104, errors.ConflictError),
    (4315, errors.ConflictError),
    (4100, errors.AuthenticationError),
    (4101, errors.PermissionDeniedError),
    (4200, errors.NotFoundError),
    (4314, errors.NotFoundError),
]


@pytest.mark.parametrize(("code", "cls"), CODE_TABLE)
def test_code_maps_to_class_even_under_http_200(code: int, cls: type[errors.APIError]) -> None:
    response = httpx.Response(200, json={"code": code, "msg": "m", "detail": {"logid": "L"}})
    err = api_error(response, response.json())
    assert type(err) is cls
    assert err is not None and err.code == code and err.logid == "L" and err.status_code == 200


@pytest.mark.parametrize(
    ("status", "cls"),
    [(400, errors.BadRequestError), (401, errors.AuthenticationError), (403, errors.PermissionDeniedError),
     (404, errors.NotFoundError), (429, errors.RateLimitError), (500, errors.ServerError),
     (502, errors.ServerError), (503, errors.ServerError)],
)
def test_status_maps_when_body_has_no_code(status: int, cls: type[errors.APIError]) -> None:
    response = httpx.Response(status, text="<html>Bad Gateway</html>")
    err = api_error(response, response.text)
    assert type(err) is cls and err is not None and err.code is None and err.status_code == status


def test_non_2xx_with_data_is_never_success() -> None:
    response = httpx.Response(502, json={"data": {"id": "1"}})
    assert isinstance(api_error(response, response.json()), errors.ServerError)


def test_success_envelope_is_not_an_error() -> None:
    response = httpx.Response(200, json={"code": 0, "msg": "", "data": {}})
    assert api_error(response, response.json()) is None


def test_logid_header_wins_over_body() -> None:
    response = httpx.Response(200, json={"code": 4000, "msg": "x", "detail": {"logid": "body"}},
                              headers={"x-tt-logid": "header"})
    err = api_error(response, response.json())
    assert err is not None and err.logid == "header"


def test_oauth_style_error_is_an_error() -> None:
    response = httpx.Response(401, json={"error_code": "invalid_token", "error_message": "expired"})
    err = api_error(response, response.json())
    assert isinstance(err, errors.AuthenticationError) and err.msg == "expired"


def test_retry_after_forms() -> None:
    assert retry_after_of(httpx.Response(429, headers={"retry-after-ms": "250"})) == 0.25
    assert retry_after_of(httpx.Response(429, headers={"retry-after": "3"})) == 3.0
    date = retry_after_of(httpx.Response(429, headers={"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}))
    assert date == 0.0  # a date in the past means "now"
    # A date ahead of the real clock (relative to it, so the test passes on any day).
    ahead = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    wait = retry_after_of(httpx.Response(429, headers={"retry-after": ahead}))
    assert wait is not None and 25.0 <= wait <= 30.0
    assert retry_after_of(httpx.Response(429)) is None


def test_error_messages_never_contain_tokens() -> None:
    err = errors.APIError("bad token Bearer pat_abcdefghijklmnopqrstuvwxyz sent", code=4100)
    assert "pat_abcdefghijklmnop" not in str(err) and "***" in str(err)


def test_debug_url_and_str_format() -> None:
    response = httpx.Response(200, json={"code": 4200, "msg": "not published", "debug_url": "https://d"})
    err = api_error(response, response.json())
    assert err is not None and err.debug_url == "https://d"
    assert str(err) == "code: 4200, msg: not published, debug_url: https://d"


@pytest.mark.parametrize(("body", "cls", "code"), [
    ({"error_message": "workspace not found"}, errors.APIError, None),
    ({"error_code": 4200, "error_message": "workspace not found"}, errors.NotFoundError, 4200),
    ({"error_code": "4200", "error_message": "workspace not found", "detail": {"logid": "B"}}, errors.NotFoundError,
     4200),
])
def test_error_only_body_under_http_200_is_an_error(body: dict[str, object], cls: type[errors.APIError],
                                                    code: int | None) -> None:
    response = httpx.Response(200, json=body)
    err = api_error(response, response.json())
    assert type(err) is cls and err.msg == "workspace not found" and err.code == code and err.status_code == 200


@pytest.mark.parametrize("body", [
    {"code": 0, "msg": "", "data": {"error_message": "inside the payload is data"}},
    {"code": 0, "msg": "", "error_message": ""},
    {"error_code": 0, "error_message": ""},
    {"error_code": 0, "error_message": "success"},
    {"error_code": "0", "error_message": "ok"},
    {"data": {"id": "1"}},
])
def test_bodies_that_are_not_error_only(body: dict[str, object]) -> None:
    response = httpx.Response(200, json=body)
    assert api_error(response, response.json()) is None


def test_envelope_code_with_non_ascii_digits_is_not_a_number() -> None:
    response = httpx.Response(200, json={"code": "²", "msg": "odd"})
    assert api_error(response, response.json()) is None  # not a code we can read, and HTTP 200
