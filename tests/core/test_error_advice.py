"""Errors say how to go on."""

from __future__ import annotations

from datetime import datetime, timezone

from coze_client.errors import QuotaExhaustedError


def test_free_plan_lockout_says_what_to_do() -> None:
    err = QuotaExhaustedError(provider="coze", account="team-a", quota="free_calls", used=500.0, limit=500.0,
                              resets_at=None, lockout=True)
    text = str(err)
    assert "500 of 500 used" in text and "the call was not sent" in text
    assert 'plan="coze.personal_paid"' in text and "$COZE_PLAN" in text
    assert "coze-client usage set coze team-a free_calls N --plan PLAN" in text
    assert (err.used, err.limit) == (500, 500) and isinstance(err.used, int)  # prints as 500, not 500.0


def test_periodic_quota_says_when_it_resets() -> None:
    reset = datetime(2030, 1, 2, tzinfo=timezone.utc)
    err = QuotaExhaustedError(provider="xingchen", account="a", quota="free_tokens", used=1.5, limit=1.0,
                              resets_at=reset, lockout=False)
    assert "wait until it resets" in str(err) and err.used == 1.5
