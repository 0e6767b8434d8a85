"""Fault injection: kill -9 under load, a locked database, a full disk, a retried submission.

QUALITY.md "Durability": no acknowledged answer is lost, `integrity_check` stays ok, a locked
or full database answers 503 "not saved, press Send again" with nothing half-written, and the
same submission sent again afterwards is stored exactly once.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Engine, func, select, text

from survey_app.app import create_app
from survey_app.core.db import Base, get_session, make_engine
from survey_app.models import PosterToken, Response
from tests.survey_app.fault_tools import (
    CONNECTION_ERRORS,
    NOT_SAVED,
    THANKS,
    Browser,
    Server,
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
    backdate_start,
    begin,
    make_survey,
    varied_answers,
)

THREADS = 40
PER_THREAD = 50  # 40 x 50 = 2,000 submissions
KILL_AFTER_ACKS = 2000 // 3
LOAD_DEADLINE_S = 150  # the whole load, crash and restart included
RETRY_SAMPLE = 40


def _table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in Base.metadata.sorted_tables
        }


def _token_used(engine: Engine) -> dict[int, int]:
    with engine.connect() as conn:
        return dict(conn.execute(select(PosterToken.id, PosterToken.used)).all())


def _keys_stored(engine: Engine, keys: list[str]) -> Counter[str]:
    with engine.connect() as conn:
        found = Counter[str]()
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            found.update(
                conn.execute(
                    select(Response.submission_key).where(Response.submission_key.in_(chunk))
                ).scalars()
            )
    return found


# ----------------------------------------------------------------------------- kill -9


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


@pytest.fixture
def busy_app(app, tmp_path):
    """The test app with a short lock wait (busy_timeout on SQLite, lock_timeout on PG)."""
    busy = create_app(dict(app.config, SQLITE_BUSY_TIMEOUT_MS=200))
    busy.instance_path = str(tmp_path / "instance-busy")
    yield busy
    busy.extensions["cfw_engine"].dispose()


class _Blocker:
    """Another connection holding the write lock past the app's lock wait."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.conn = None

    def __enter__(self) -> _Blocker:
        if self.url.startswith("sqlite"):
            self.conn = sqlite3.connect(self.url.removeprefix("sqlite:///"), isolation_level=None)
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            import psycopg

            self.conn = psycopg.connect(self.url.replace("+psycopg", ""))
            # Writers wait, readers don't: like a long migration or a stuck transaction.
            self.conn.execute("LOCK TABLE poster_token IN EXCLUSIVE MODE")
        return self

    def __exit__(self, *_exc: object) -> None:
        assert self.conn is not None
        if isinstance(self.conn, sqlite3.Connection):
            self.conn.execute("ROLLBACK")
        else:
            self.conn.rollback()
        self.conn.close()


def test_survey_post_on_a_locked_database_is_503_then_the_same_key_stores_once(
    busy_app, database_url
):
    setup = make_survey(busy_app, groups=1, cap=10)
    client = busy_app.test_client()
    key = begin(client, setup.tokens[0], "child")
    backdate_start(client)
    data = {**varied_answers("child"), "key": key}
    engine = busy_app.extensions["cfw_engine"]
    before, used_before = _table_counts(engine), _token_used(engine)

    with _Blocker(database_url):
        started = time.monotonic()
        refused = client.post("/s/child/questions", data=data)
        waited = time.monotonic() - started
    assert refused.status_code == 503, refused.get_data(as_text=True)[:500]
    assert NOT_SAVED in refused.get_data(as_text=True)
    assert refused.headers["Retry-After"]
    assert waited < 5  # the lock wait is bounded: no worker hangs on a stuck lock
    assert _table_counts(engine) == before  # no response, answers, counters, buckets
    assert _token_used(engine) == used_before  # no cap unit taken

    stored = client.post("/s/child/questions", data=data, follow_redirects=True)  # "Send again"
    assert stored.status_code == 200 and THANKS in stored.get_data(as_text=True)
    again = client.post("/s/child/questions", data=data)  # and a double tap on top
    assert again.status_code == 303
    assert _keys_stored(engine, [key]) == {key: 1}
    assert _token_used(engine)[setup.token_ids[0]] == used_before[setup.token_ids[0]] + 1
    counters, recount = counts_match_recount(engine)
    assert counters == recount


# ----------------------------------------------------------------------------- full disk


def _mount_tmpfs(mountpoint: Path, size: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mountpoint.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(mountpoint)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")


def _fill(path: Path) -> int:
    """Write ``path`` until the disk is full, in smaller and smaller pieces; bytes written."""
    written = 0
    with path.open("wb", buffering=0) as handle:
        for size in (1 << 20, 1 << 16, 1 << 12, 1 << 9, 1):
            for _ in range(100_000):  # bounded: a 16 MB tmpfs needs far fewer
                try:
                    handle.write(b"\0" * size)
                    written += size
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
    return written


def test_full_disk_answers_503_writes_nothing_then_the_same_key_stores_once(
    database_url, template_db, tmp_path
):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite on a small tmpfs only: a PostgreSQL server's disk is not ours")
    mountpoint = tmp_path / "small-disk"
    _mount_tmpfs(mountpoint, "16m")
    app = None
    try:
        target = mountpoint / "cfw.sqlite3"
        with sqlite3.connect(template_db) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        src.close()
        dst.close()
        app = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": f"sqlite:///{target}",
                "SECRET_KEY": "test-secret-key",
                "WTF_CSRF_ENABLED": False,
            }
        )
        app.instance_path = str(tmp_path / "instance-disk")
        setup = make_survey(app, groups=1, cap=10)
        client = app.test_client()
        key = begin(client, setup.tokens[0], "resident")
        backdate_start(client)
        data = {**varied_answers("resident"), "key": key}
        engine = app.extensions["cfw_engine"]
        before, used_before = _table_counts(engine), _token_used(engine)
        with engine.connect() as conn:
            # An empty WAL: the next commit must grow a file on the full disk.
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))

        filler = mountpoint / "filler"
        assert _fill(filler) > 0
        refused = client.post("/s/resident/questions", data=data)
        assert refused.status_code == 503, refused.get_data(as_text=True)[:500]
        assert NOT_SAVED in refused.get_data(as_text=True)
        filler.unlink()

        assert _table_counts(engine) == before
        assert _token_used(engine) == used_before
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        stored = client.post("/s/resident/questions", data=data, follow_redirects=True)
        assert stored.status_code == 200 and THANKS in stored.get_data(as_text=True)
        assert _keys_stored(engine, [key]) == {key: 1}
        with app.app_context():
            assert get_session().get(PosterToken, setup.token_ids[0]).used == 1
    finally:
        if app is not None:
            app.extensions["cfw_engine"].dispose()
        with suppress(OSError):
            (mountpoint / "filler").unlink()
        done = subprocess.run(["umount", str(mountpoint)], capture_output=True, timeout=30)
        if done.returncode != 0:  # something still holds a file open: detach lazily
            subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True, timeout=30)
