"""Migration 0008_lock_survey_record: a score locked before it gets its survey record, the same
one `lock_round` now writes (results/frozen.record), from the data as it is."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from survey_app.core import migrate
from survey_app.core.db import make_engine
from survey_app.results import frozen
from tests.survey_app.ops.test_migrations import scratch_url  # noqa: F401  (the fixture)

T = dt.datetime(2026, 11, 30, 8, 0)
D = dt.date(2026, 1, 1)
BEFORE = "0007_comment_review"


def _insert(conn, table: str, **row) -> None:
    names = ", ".join(row)
    binds = ", ".join(f":{k}" for k in row)
    conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({binds})"), row)


def _populate(engine) -> None:
    with engine.begin() as conn:
        _insert(conn, "ward", id=1, code="p1", name="Phường Một", province="", created_at=T,
                locality_type="other", locality_basis="", recognising_authority="")  # fmt: skip
        for gid, children, residents in ((1, 30, 400), (2, 0, 250)):
            _insert(conn, "residential_group", id=gid, ward_id=1, name=f"Tổ {gid}",
                    position=gid, children=children, residents=residents)  # fmt: skip
        _insert(conn, "assessment_round", id=1, ward_id=1, name="2026", period_start=D,
                period_end=D, rule_version="qd06-2019", instrument_version="c13-2026.1",
                status="closed", created_at=T)  # fmt: skip
        _insert(conn, "poster_token", id=1, token="tok1", group_id=1, round_id=1, cap=50,
                used=3, status="active", created_at=T)  # fmt: skip
        for rid, group, channel, review, held in (
            (1, 1, "qr", "pending", False),
            (2, 1, "paper", "pending", True),
            (3, 2, "qr", "excluded", False),
        ):
            _insert(conn, "response", id=rid, round_id=1, group_id=group, token_id=1,
                    instrument_version="c13-2026.1", audience="resident", age_band="30-59",
                    channel=channel, day=D, flag_speeder=held, flag_straightline=False,
                    flag_burst=False, flag_repeat=False, flag_impossible=False, held=held,
                    review=review, submission_key=f"k{rid}")  # fmt: skip
        _insert(conn, "locked_score", id=1, round_id=1, inputs_json="{}",
                rule_version="qd06-2019", rules_sha256="0" * 64, locality="other",
                scorecard_json="{}", inputs_sha256="0" * 64, total=800, recognised=False,
                locked_at=T, active=True)  # fmt: skip


def test_scores_locked_before_get_the_survey_record_of_the_data_as_it_is(scratch_url):  # noqa: F811
    engine = make_engine(scratch_url)
    try:
        migrate.upgrade(engine, BEFORE)
        _populate(engine)
        migrate.upgrade(engine)
        columns = {c["name"]: c for c in inspect(engine).get_columns("locked_score")}
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT survey_json FROM locked_score")).scalar_one()
        with Session(engine) as session:
            now = frozen.record(session, 1)
            populations = frozen.populations(session, 1)
            tallies = frozen.tallies(session, 1)
    finally:
        engine.dispose()
    assert columns["survey_json"]["nullable"] is False
    assert stored == now
    assert json.loads(stored) == {
        "populations": [[1, "child", 30], [1, "resident", 400], [2, "resident", 250]],
        "responses": {"paper": 1, "qr": 2},
        "not_counted": 2,
        "groups": 2,
    }
    assert populations == {(1, "child"): 30, (1, "resident"): 400, (2, "resident"): 250}
    assert (dict(tallies.by_channel), tallies.not_counted, tallies.groups) == (
        {"paper": 1, "qr": 2},
        2,
        2,
    )
