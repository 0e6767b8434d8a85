"""Fault injection: kill -9 under load loses no acknowledged answer (QUALITY.md "Durability").

Split from test_faults.py: the load, the crash and the restart, with the checks after it.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text

from survey_app.core.db import make_engine
from tests.survey_app.fault_tools import (
    CONNECTION_ERRORS,
    THANKS,
    Browser,
    Server,
    _keys_stored,
    cfw,
    counts_match_recount,
    csrf_of,
    free_port,
    key_of,
    scratch_postgres,
    server_env,
    used_matches_responses,
)
from tests.survey_app.survey_factories import (
    CHILD_PROFILE,
    RESIDENT_PROFILE,
    varied_answers,
)

THREADS = 40
PER_THREAD = 50  # 40 x 50 = 2,000 submissions
KILL_AFTER_ACKS = 2000 // 3
LOAD_DEADLINE_S = 150  # the whole load, crash and restart included
RETRY_SAMPLE = 40


@dataclass
class Attempt:
    """One questionnaire as one phone sent it, to send again later."""

    browser: Browser
    audience: str
    form: dict[str, str]
    outcome: str = "pending"  # ack · unknown (connection lost) · status code as text


@dataclass
class Load:
    """Shared state of the load threads (the lock guards the lists and counters)."""

    port: int
    deadline: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    attempts: dict[str, Attempt] = field(default_factory=dict)
    acks: int = 0
    errors: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    xff: int = 0

    def next_address(self) -> str:
        """A distinct client address per post, so the per-client limit never triggers."""
        with self.lock:
            self.xff += 1
            n = self.xff
        return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def _until_up(load: Load, call):
    """Call ``call()`` until the server answers (it may be dead or restarting), bounded."""
    while True:
        try:
            return call()
        except CONNECTION_ERRORS:
            if time.monotonic() > load.deadline:
                raise
            time.sleep(0.05)


def _phone(load: Load, number: int, token: str) -> None:
    """One thread: consent once, then PER_THREAD x ("another person", GET questions → POST)."""
    audience = "child" if number % 2 else "resident"
    profile = CHILD_PROFILE if audience == "child" else RESIDENT_PROFILE
    browser = Browser(load.port)
    try:
        _until_up(load, lambda: browser.start_survey(token, audience, profile))
        for _ in range(PER_THREAD):
            # Each answer is another person of the household ("another person" link).
            _until_up(load, lambda: browser.request("GET", "/s/another"))
            page = _until_up(load, lambda: browser.request("GET", f"/s/{audience}/questions"))
            assert page.status == 200, (page.status, page.text[:300])
            key = key_of(page.text)
            form = {
                **varied_answers(audience),
                "key": key,
                "csrf_token": csrf_of(page.text),
            }
            attempt = Attempt(browser, audience, form)
            with load.lock:
                load.attempts[key] = attempt
            try:
                reply = browser.request(
                    "POST",
                    f"/s/{audience}/questions",
                    form,
                    {"X-Forwarded-For": load.next_address()},
                )
            except CONNECTION_ERRORS:
                attempt.outcome = "unknown"  # sent; the answer never came back
                continue
            with load.lock:
                load.statuses[reply.status] += 1
                if reply.status == 200 and THANKS in reply.text:
                    attempt.outcome = "ack"
                    load.acks += 1
                else:
                    attempt.outcome = str(reply.status)
            # A phone that got "not saved" would keep the page and press Send again later:
            # the retry phase below does exactly that.
        browser.close()
    except BaseException as exc:  # reported by the test, never left to the thread hook
        with load.lock:
            load.errors.append(f"phone {number}: {type(exc).__name__}: {exc}")


@pytest.fixture
def server_database(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A database for a real server: a new SQLite file, or a throw-away PostgreSQL database."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'served.sqlite3'}"
        return
    with scratch_postgres(database_url, "cfw_faults") as url:
        yield url


@pytest.mark.slow
def test_kill_9_under_load_loses_no_acknowledged_answer(server_database, tmp_path):
    port = free_port()
    env = server_env(server_database, port)
    cfw(["init"], env)
    cfw(["demo", "--answers", "0"], env)
    groups = json.loads(cfw(["groups", "list", "--format", "json"], env))
    tokens = [urlsplit(g["survey_url"]).path.rsplit("/", 1)[1] for g in groups]
    # Each poster's cap has room for every phone aimed at it (a capped 409 is no fault).
    aimed = Counter(n % len(tokens) for n in range(THREADS))
    assert all(groups[i]["cap"] >= phones * PER_THREAD * 2 for i, phones in aimed.items())

    server = Server(env, port, tmp_path / "gunicorn.log")
    engine = make_engine(server_database)
    load = Load(port, deadline=time.monotonic() + LOAD_DEADLINE_S)
    phones = [
        threading.Thread(target=_phone, args=(load, n, tokens[n % len(tokens)]), daemon=True)
        for n in range(THREADS)
    ]
    try:
        server.start()
        for phone in phones:
            phone.start()
        while load.acks < KILL_AFTER_ACKS and time.monotonic() < load.deadline:
            assert not load.errors, load.errors[:5]
            time.sleep(0.005)
        acks_at_kill = load.acks
        killed = server.kill9()
        server.start()  # the phones keep going against the restarted server
        for phone in phones:
            phone.join(timeout=max(1.0, load.deadline - time.monotonic()))
        assert not any(phone.is_alive() for phone in phones), "the load did not finish in time"
        assert not load.errors, load.errors[:5]

        outcomes = Counter(a.outcome for a in load.attempts.values())
        assert len(killed) == 3, killed  # the master and its two workers
        assert KILL_AFTER_ACKS <= acks_at_kill < THREADS * PER_THREAD, acks_at_kill
        assert len(load.attempts) == THREADS * PER_THREAD, outcomes
        assert "500" not in outcomes and "502" not in outcomes, outcomes

        # No acknowledged answer is lost; nothing refused or cut off is half-stored.
        acked = [k for k, a in load.attempts.items() if a.outcome == "ack"]
        unknown = [k for k, a in load.attempts.items() if a.outcome == "unknown"]
        refused = [k for k, a in load.attempts.items() if a.outcome not in ("ack", "unknown")]
        stored = _keys_stored(engine, list(load.attempts))
        assert all(stored[k] == 1 for k in acked), "an acknowledged answer was lost"
        assert not any(stored[k] for k in refused), "a refused answer was stored"
        assert max(stored.values()) == 1
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        counters, recount = counts_match_recount(engine)
        assert counters == recount
        used, per_token = used_matches_responses(engine)
        assert used == per_token  # every cap unit taken belongs to a stored answer

        # Send again, as a phone does after "no connection": the same page, the same key.
        sample = unknown[:RETRY_SAMPLE] + refused[:RETRY_SAMPLE] + acked[:RETRY_SAMPLE]
        for key in sample:
            attempt = load.attempts[key]
            reply = attempt.browser.request(
                "POST",
                f"/s/{attempt.audience}/questions",
                attempt.form,
                {"X-Forwarded-For": load.next_address()},
            )
            assert reply.status == 200 and THANKS in reply.text, (key, reply.status)
            attempt.browser.close()
        again = _keys_stored(engine, sample)
        assert all(again[k] == 1 for k in sample), "a retried submission was stored twice"
        counters, recount = counts_match_recount(engine)
        assert counters == recount
        used, per_token = used_matches_responses(engine)
        assert used == per_token
        print(  # shown with -s: the figures of the closing note
            f"\nkill -9 at {acks_at_kill} acks of {THREADS * PER_THREAD}: outcomes {dict(outcomes)}"
            f", statuses {dict(load.statuses)}; of {len(unknown)} unknown, "
            f"{sum(stored[k] for k in unknown)} were committed before the kill; "
            f"retried {len(sample)}, each stored once"
        )
    finally:
        load.deadline = 0  # stop any phone still waiting for the server
        server.stop()
        engine.dispose()
        for phone in phones:
            phone.join(timeout=5)
        for attempt in load.attempts.values():
            attempt.browser.close()


# ----------------------------------------------------------------------------- locked database
