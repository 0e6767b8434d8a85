"""Database-backed rate limits."""

from __future__ import annotations

import datetime as dt

from survey_app.accounts import ratelimit
from survey_app.core.db import write_transaction


def test_hit_allows_up_to_the_limit_then_refuses(db_session):
    results = []
    for _ in range(4):
        with write_transaction(db_session):
            results.append(ratelimit.hit(db_session, "k", limit=3, window_s=3600))
    assert results == [True, True, True, False]
    assert ratelimit.count(db_session, "k", window_s=3600) == 4


def test_reset_forgets_the_key(db_session):
    with write_transaction(db_session):
        ratelimit.hit(db_session, "k", limit=1, window_s=3600)
        ratelimit.reset(db_session, "k")
    assert ratelimit.count(db_session, "k", window_s=3600) == 0


def test_client_key_hides_the_address_and_rotates_daily():
    day1, day2 = dt.date(2026, 11, 1), dt.date(2026, 11, 2)
    k1 = ratelimit.client_key("s", "203.0.113.9", "survey", day1)
    assert "203.0.113.9" not in k1
    assert k1 == ratelimit.client_key("s", "203.0.113.9", "survey", day1)
    assert k1 != ratelimit.client_key("s", "203.0.113.9", "survey", day2)
    assert k1 != ratelimit.client_key("s", "203.0.113.9", "login", day1)
