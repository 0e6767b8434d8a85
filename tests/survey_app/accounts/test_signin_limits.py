"""Sign-in limits that hold under races and cannot lock the owner out.

Run on PostgreSQL too: DATABASE_URL=postgresql+psycopg://... pytest this file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading

import pytest
from sqlalchemy import select

from survey_app.accounts import signin
from survey_app.core.db import get_session
from survey_app.models import LoginThrottle
from tests.conftest import TEST_PASSWORD

ATTACKER = "203.0.113.7"
OWNER = "198.51.100.4"


@pytest.fixture
def limits_app(app):
    # Waits far longer than any test run, so no outcome depends on how fast threads start.
    app.config.update(LOGIN_DELAY_BASE_S=3600, LOGIN_DELAY_MAX_S=7200)
    return app


def _rows(app, prefix: str = "") -> list[LoginThrottle]:
    # Its own app context: the db_session fixture's would be shared with the requests.
    with app.app_context():
        session = get_session()
        rows = session.scalars(select(LoginThrottle).where(LoginThrottle.key.startswith(prefix)))
        return list(rows)


def _post(app, address: str, username: str, password: str) -> int:
    client = app.test_client()
    data = {"username": username, "password": password}
    return client.post("/login", data=data, environ_base={"REMOTE_ADDR": address}).status_code


def test_twenty_parallel_wrong_passwords_get_exactly_the_allowed_tries(limits_app, make_user):
    make_user("yte", role="unit", unit="yte")
    allowed = limits_app.config["LOGIN_FAILURES_PER_ACCOUNT"]
    statuses: list[int] = []
    barrier = threading.Barrier(20)

    def guess(i: int) -> None:
        barrier.wait()
        statuses.append(_post(limits_app, ATTACKER, "yte", f"wrong-guess-{i}"))

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * allowed + [429] * (20 - allowed)
    # The right password from the attacker's source waits too...
    assert _post(limits_app, ATTACKER, "yte", TEST_PASSWORD) == 429
    # ...but the owner, from another address, signs in at once.
    assert _post(limits_app, OWNER, "yte", TEST_PASSWORD) == 302


def test_the_owner_gets_in_from_another_source_however_many_sources_failed(limits_app, make_user):
    make_user("hoidong", role="council")
    for n in range(4):  # four strangers, each past its free tries
        for _ in range(limits_app.config["LOGIN_FAILURES_PER_ACCOUNT"] + 1):
            _post(limits_app, f"203.0.113.{n + 10}", "hoidong", "wrong-password")
    assert _post(limits_app, "203.0.113.10", "hoidong", TEST_PASSWORD) == 429
    assert _post(limits_app, OWNER, "hoidong", TEST_PASSWORD) == 302


def test_a_source_spraying_many_accounts_is_slowed(limits_app, make_user):
    limits_app.config["LOGIN_FAILURES_PER_CLIENT"] = 3
    make_user("canbo")
    for name in ("a1", "a2", "a3"):
        assert _post(limits_app, ATTACKER, name, "wrong-password") == 200
    assert _post(limits_app, ATTACKER, "canbo", TEST_PASSWORD) == 429
    assert _post(limits_app, OWNER, "canbo", TEST_PASSWORD) == 302


def test_the_wait_doubles_after_the_free_tries_and_is_capped():
    limits = signin.Limits(window_s=900, per_account=5, per_client=20, delay_base_s=2)
    waits = [signin.wait_after(n, 5, limits) for n in range(1, 12)]
    assert waits == [0, 0, 0, 0, 2, 4, 8, 16, 32, 64, 128]
    assert signin.wait_after(40, 5, limits) == limits.delay_max_s


def test_each_failure_past_the_free_tries_waits_longer(app, make_user):
    app.config.update(LOGIN_DELAY_BASE_S=2, LOGIN_FAILURES_PER_ACCOUNT=2)
    make_user("canbo")
    waits = []
    for _ in range(4):
        assert _post(app, ATTACKER, "canbo", "wrong-password") == 200
        (row,) = _rows(app, "login-pair:")
        waits.append((row.blocked_until - row.last_failure_at).total_seconds())
        with app.app_context():  # let the wait pass without sleeping: move it into the past
            session = get_session()
            for stored in session.scalars(select(LoginThrottle)):
                stored.blocked_until -= dt.timedelta(hours=1)
                stored.last_failure_at -= dt.timedelta(seconds=1)
            session.commit()
    assert waits == [0, 2, 4, 8]


def test_a_right_password_gives_the_try_back(limits_app, make_user):
    make_user("canbo")
    for _ in range(limits_app.config["LOGIN_FAILURES_PER_ACCOUNT"] - 1):
        assert _post(limits_app, ATTACKER, "canbo", "wrong-password") == 200
    (source,) = _rows(limits_app, "login:")
    assert source.failures == limits_app.config["LOGIN_FAILURES_PER_ACCOUNT"] - 1
    assert _post(limits_app, ATTACKER, "canbo", TEST_PASSWORD) == 302
    assert _rows(limits_app, "login-pair:") == []  # the pair's count starts again
    (source,) = _rows(limits_app, "login:")
    assert source.failures == limits_app.config["LOGIN_FAILURES_PER_ACCOUNT"] - 1  # given back
    assert _post(limits_app, ATTACKER, "canbo", "wrong-password") == 200


def test_throttle_keys_are_keyed_hashes_of_nothing_readable(limits_app):
    typed = "MatKhau-go-nham-o-day"  # a password typed into the username box
    _post(limits_app, ATTACKER, typed, "x")
    stored = " ".join(row.key for row in _rows(limits_app))
    normalised = typed.strip().lower()
    for leak in (typed, normalised, ATTACKER):
        assert leak not in stored
        assert hashlib.sha256(leak.encode()).hexdigest()[:40] not in stored
    expected = signin.pair_key(limits_app.config["USERNAME_HASH_KEY"], typed, "x")
    assert expected.startswith("login-pair:") and expected != signin.pair_key("other", typed, "x")


def test_retrying_as_each_wait_ends_never_earns_new_free_tries(app, monkeypatch):
    """A day of guessing from one source, each guess 1 s after the wait ends (review B1).

    Before, a wait that reached the quiet window (both 15 minutes) reset the count: 630
    guesses a day. Now the window counts from the end of the wait: the waits stay at the cap.
    """
    limits = signin.Limits(window_s=900, per_account=5, per_client=20, delay_max_s=900)
    clock = [dt.datetime(2026, 12, 1, 0, 0)]
    monkeypatch.setattr(signin, "_now", lambda: clock[0])
    free = {"login-pair:x": limits.per_account, "login-client:y": limits.per_client}
    guesses, end = 0, clock[0] + dt.timedelta(days=1)
    with app.app_context():
        session = get_session()
        while clock[0] < end:
            wait = signin.take_try(session, free, limits)
            if wait is None:
                guesses += 1
                wait = 0
            clock[0] += dt.timedelta(seconds=wait + 1)
    # 5 free tries, then waits of 2, 4, ... 512 s (9 tries), then one try per 900 s.
    assert guesses <= 5 + 9 + 24 * 3600 // 900
    # Left alone for the window after the wait: the free tries come back.
    with app.app_context():
        session = get_session()
        clock[0] += dt.timedelta(seconds=900 + 900 + 1)
        assert [signin.take_try(session, free, limits) for _ in range(5)] == [None] * 5
