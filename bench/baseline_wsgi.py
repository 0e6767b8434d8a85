"""The baseline of bench_submit.py: a bare WSGI app storing a survey row with SQLAlchemy Core.

No Flask, no forms, no CSRF, no checks: it parses the url-encoded body and inserts the same
data our app stores for a submission, the ``response`` row and one ``answer`` row per posted
question (same tables, same columns, the one-time key from the body, foreign keys on), in one
``BEGIN IMMEDIATE`` transaction on SQLite WAL with synchronous=FULL, then answers a 303 to
``/s/sent``, as the survey does (post/redirect/get).
What our app adds on top (CSRF, validation, cap, flags, rate limits, counters, the page) is
what the ratio measures. That is the ceiling our full stack is compared with (QUALITY.md:
"≥ 40% of the throughput of a bare WSGI app doing the same SQLAlchemy Core insert").

GET of any path returns a tiny form page with a fresh key and a dummy CSRF token, and a POST
to any other path than ``…/questions`` (the consent step) answers a 303 and stores nothing, so
the load generator runs the same steps against both apps. Run under gunicorn:
``BASELINE_DB=/tmp/x.sqlite3 BASELINE_IDS=round,group,token gunicorn bench.baseline_wsgi:app``.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from sqlalchemy import Engine, MetaData, Table, create_engine, event, insert

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def make_engine(path: str) -> Engine:
    """An engine with the same durability settings as survey_app.core.db.make_engine."""
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 5.0})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let the "begin" event emit BEGIN IMMEDIATE
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


ENGINE = make_engine(os.environ.get("BASELINE_DB", "baseline.sqlite3"))
# Reflect the real table once, then drop the connection: with --preload this runs in the
# master, and a pooled SQLite connection must never be shared by forked workers.
RESPONSE = Table("response", MetaData(), autoload_with=ENGINE)
ANSWER = Table("answer", MetaData(), autoload_with=ENGINE)
ENGINE.dispose()
ROUND_ID, GROUP_ID, TOKEN_ID = (
    int(part) for part in os.environ.get("BASELINE_IDS", "1,1,1").split(",")
)
PAGE = (
    '<!doctype html><form method="post">'
    '<input id="csrf_token" name="csrf_token" type="hidden" value="{csrf}">'
    '<input id="key" name="key" type="hidden" value="{key}"></form>'
)


def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """GET: a form page with a fresh key; POST of the answers: insert the rows, then a 303."""
    if environ["REQUEST_METHOD"] != "POST":
        body = PAGE.format(csrf=secrets.token_urlsafe(32), key=secrets.token_urlsafe(24))
        return _reply(start_response, "200 OK", body.encode())
    if not environ.get("PATH_INFO", "").endswith("/questions"):
        return _reply(start_response, "303 See Other", b"", "/s/resident/questions")
    length = int(environ.get("CONTENT_LENGTH") or 0)
    form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(length).decode()).items()}
    row = {
        "round_id": ROUND_ID,
        "group_id": GROUP_ID,
        "token_id": TOKEN_ID,
        "instrument_version": "c13-2026.1",
        "audience": "resident",
        "age_band": "30-59",
        "gender": None,
        "channel": "qr",
        "comment": form.get("comment") or None,
        "duration_s": 0,
        "day": dt.date.today(),
        "flag_speeder": True,
        "flag_straightline": False,
        "flag_burst": False,
        "flag_repeat": False,
        "review": "pending",
        "submission_key": form["key"],
    }
    answers = [(k[2:], int(v)) for k, v in form.items() if k.startswith("q_") and v.isdigit()]
    with ENGINE.begin() as conn:
        response_id = conn.execute(insert(RESPONSE).returning(RESPONSE.c.id), row).scalar_one()
        if answers:
            conn.execute(
                insert(ANSWER),
                [{"response_id": response_id, "question_id": q, "value": v} for q, v in answers],
            )
    return _reply(start_response, "303 See Other", b"", "/s/sent")


def _reply(
    start_response: StartResponse, status: str, body: bytes, location: str | None = None
) -> list[bytes]:
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
    if location is not None:
        headers.append(("Location", location))
    start_response(status, headers)
    return [body]
