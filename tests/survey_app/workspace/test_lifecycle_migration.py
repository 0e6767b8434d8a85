"""Migration 0006_round_lifecycle: a locked round's open survey is closed, others untouched."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from survey_app.core import migrate
from survey_app.core.db import make_engine
from tests.survey_app.ops.test_migrations import scratch_url  # noqa: F401  (the fixture)

T = dt.datetime(2026, 11, 30, 8, 0)
D = dt.date(2026, 1, 1)


def test_locked_rounds_get_their_survey_closed(scratch_url):  # noqa: F811
    engine = make_engine(scratch_url)
    try:
        migrate.upgrade(engine, "0005")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO ward (id, code, name, province, locality_type, locality_basis,"
                    " recognising_authority, created_at) VALUES"
                    " (1, 'p1', 'Phường Một', '', 'other', '', '', :t)"
                ),
                {"t": T},
            )
            for rid, status, stage in ((1, "open", "locked"), (2, "open", "approved"),
                                       (3, "closed", "sent"), (4, "open", None)):  # fmt: skip
                conn.execute(
                    text(
                        "INSERT INTO assessment_round (id, ward_id, name, period_start, period_end,"
                        " rule_version, instrument_version, status, created_at) VALUES"
                        " (:id, 1, :name, :d, :d, 'qd06-2019', 'c13-2026.1', :status, :t)"
                    ),
                    {"id": rid, "name": f"Đợt {rid}", "d": D, "status": status, "t": T},
                )
                if stage:
                    conn.execute(
                        text(
                            "INSERT INTO round_workflow (round_id, stage, letter_number,"
                            " decision_number, decision_authority, updated_at)"
                            " VALUES (:id, :stage, '', '', '', :t)"
                        ),
                        {"id": rid, "stage": stage, "t": T},
                    )
        migrate.upgrade(engine)
        with engine.connect() as conn:
            statuses = dict(conn.execute(text("SELECT id, status FROM assessment_round")).all())
    finally:
        engine.dispose()
    assert statuses == {1: "closed", 2: "open", 3: "closed", 4: "open"}
