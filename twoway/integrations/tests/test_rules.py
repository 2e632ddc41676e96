"""The pure rules: webhook signatures and retry backoff."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twoway.integrations.rules.backoff import BackoffPolicy, retry_delay
from twoway.integrations.rules.signing import header_value, parse_header, verify

SECRET = b"whsec_test"


@given(body=st.binary(max_size=2000), t=st.integers(min_value=0, max_value=2**40))
def test_a_signed_body_verifies_and_any_change_does_not(body, t):
    header = header_value(SECRET, t, body)
    assert verify(SECRET, header, body, now=t).ok
    assert verify(SECRET, header, body + b"x", now=t).reason == "mismatch"
    assert verify(b"other", header, body, now=t).reason == "mismatch"


def test_the_timestamp_window_refuses_replays():
    header = header_value(SECRET, 1_000_000, b"{}")
    assert verify(SECRET, header, b"{}", now=1_000_300).ok
    assert verify(SECRET, header, b"{}", now=1_000_301).reason == "stale"
    assert verify(SECRET, header, b"{}", now=999_699).reason == "stale"


def test_malformed_headers():
    for header in ("", "t=1", "v1=abc", "t=x,v1=abc", "garbage"):
        assert verify(SECRET, header, b"{}", now=1).reason == "malformed"
    assert parse_header("t=5,v1=aa,v1=bb") == (5, ["aa", "bb"])


def test_backoff_doubles_then_caps_then_gives_up():
    policy = BackoffPolicy(base_seconds=30, factor=2, cap_seconds=600, max_attempts=6, jitter=0)
    assert [retry_delay(n, policy) for n in range(1, 7)] == [30, 60, 120, 240, 480, None]
    capped = BackoffPolicy(base_seconds=30, cap_seconds=100, max_attempts=10, jitter=0)
    assert retry_delay(5, capped) == 100


@given(attempt=st.integers(min_value=1, max_value=9), unit=st.floats(min_value=0, max_value=1))
def test_jitter_stays_within_its_share_and_the_cap(attempt, unit):
    policy = BackoffPolicy(base_seconds=30, cap_seconds=3600, max_attempts=10, jitter=0.1)
    plain = min(30 * 2 ** (attempt - 1), 3600)
    delay = retry_delay(attempt, policy, unit)
    assert delay is not None
    assert plain * 0.9 - 1e-9 <= delay <= min(plain * 1.1, 3600) + 1e-9


def test_a_policy_that_makes_no_sense_is_refused():
    with pytest.raises(ValueError, match="backoff"):
        BackoffPolicy(base_seconds=0)
    with pytest.raises(ValueError, match="backoff"):
        BackoffPolicy(max_attempts=0)
