"""Fault injection: a locked database, a full disk, a retried submission (kill -9: its own file).

QUALITY.md "Durability": no acknowledged answer is lost, `integrity_check` stays ok, a locked
or full database answers 503 "not saved, press Send again" with nothing half-written, and the
same submission sent again afterwards is stored exactly once.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import time
from contextlib import suppress
from pathlib import Path

import pytest
from sqlalchemy import text

from survey_app.app import create_app
from survey_app.core.db import get_session
from survey_app.models import PosterToken
from tests.survey_app.fault_tools import (
    NOT_SAVED,
    THANKS,
    _keys_stored,
    _table_counts,
    _token_used,
    counts_match_recount,
)
from tests.survey_app.survey_factories import (
    backdate_start,
    begin,
    make_survey,
    varied_answers,
)


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
