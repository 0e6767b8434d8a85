"""`cfw purge`: raw answers of closed rounds go; aggregates, tokens and the audit trail stay."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from survey_app.audit import log as audit
from survey_app.commands.purge import purge
from survey_app.core.db import write_transaction
from survey_app.models import (
    Answer,
    AnswerCount,
    AssessmentRound,
    AuditEntry,
    BrowserMark,
    LoginThrottle,
    PosterToken,
    RateBucket,
    ResidentialGroup,
    Response,
)
from survey_app.ops import retention
from tests.survey_app.ops_data import add_round, row_counts, seed


def _count(session, model, round_id: int) -> int:
    query = select(func.count()).select_from(model)
    if model is Answer:
        query = query.join(Response).where(Response.round_id == round_id)
    else:
        query = query.where(model.round_id == round_id)
    return session.scalar(query)


def test_purge_deletes_raw_rows_of_closed_rounds_only_and_keeps_aggregates(db_session, runner):
    rounds = seed(db_session)
    old, recent = rounds["old"].id, rounds["recent"].id
    counters = db_session.scalar(select(func.count()).select_from(AnswerCount))
    tokens_used = db_session.scalar(select(func.sum(PosterToken.used)))
    recent_answers = _count(db_session, Answer, recent)
    db_session.rollback()

    result = runner.invoke(purge, ["--before", "2025-01-01", "--yes"])

    assert result.exit_code == 0, result.output
    assert "Deleted 4 responses and 12 answers from 1 round(s)" in result.output
    for model in (Response, Answer, BrowserMark):
        assert _count(db_session, model, old) == 0
    assert _count(db_session, Response, recent) == 4
    assert _count(db_session, Answer, recent) == recent_answers
    assert _count(db_session, BrowserMark, recent) == 2
    assert db_session.scalar(select(func.count()).select_from(AnswerCount)) == counters
    assert db_session.scalar(select(func.sum(PosterToken.used))) == tokens_used
    assert db_session.get(AssessmentRound, old).status == "closed"


def test_purge_is_audited_per_round_and_keeps_the_audit_trail(db_session, runner):
    rounds = seed(db_session)
    with write_transaction(db_session):
        audit.record(
            db_session, action="close_round", entity="assessment_round", entity_id=1, old={}, new={}
        )
    db_session.rollback()

    result = runner.invoke(purge, ["--before", "2027-01-01", "--yes"])

    assert result.exit_code == 0, result.output
    entries = db_session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["close_round"] + [retention.AUDIT_ACTION] * 2
    purged = {int(e.entity_id): e for e in entries[1:]}
    assert set(purged) == {rounds["old"].id, rounds["recent"].id}
    entry = purged[rounds["old"].id]
    assert entry.entity == "assessment_round"
    assert entry.ward_id == rounds["old"].ward_id
    assert audit.decode(entry.old) == {
        "responses": 4,
        "answers": 12,
        "comments": 2,
        "browser_marks": 2,
    }
    assert "cfw purge --before 2027-01-01" in entry.reason
    assert audit.verify(db_session).ok


def test_purge_refuses_open_rounds_and_deletes_nothing(db_session, runner):
    rounds = seed(db_session)
    ward = rounds["old"].ward
    groups = list(db_session.scalars(select(ResidentialGroup)))
    add_round(db_session, ward, groups, name="2023", period_end=dt.date(2023, 6, 30), status="open")
    db_session.commit()
    before = row_counts(db_session)
    db_session.rollback()

    result = runner.invoke(purge, ["--before", "2025-01-01", "--yes"])

    assert result.exit_code == 1
    assert "still open" in result.output and "'2023'" in result.output
    assert "Close them first" in result.output
    assert row_counts(db_session) == before


def test_dry_run_deletes_nothing(db_session, runner):
    seed(db_session)
    before = row_counts(db_session)
    db_session.rollback()

    result = runner.invoke(purge, ["--before", "2025-01-01", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "Would delete from round" in result.output
    assert "4 responses, 12 answers, 2 comments" in result.output
    assert "Dry run: nothing deleted." in result.output
    assert row_counts(db_session) == before


def test_declining_the_question_deletes_nothing(db_session, runner):
    seed(db_session)
    before = row_counts(db_session)
    db_session.rollback()

    result = runner.invoke(purge, ["--before", "2025-01-01"], input="n\n")

    assert result.exit_code == 1
    assert "nothing deleted" in result.output
    assert row_counts(db_session) == before


def test_nothing_to_purge_says_so(db_session, runner):
    seed(db_session)
    db_session.rollback()

    result = runner.invoke(purge, ["--before", "2020-01-01", "--yes"])

    assert result.exit_code == 0
    assert "Nothing to purge" in result.output
    assert db_session.scalar(select(func.count()).select_from(AuditEntry)) == 0


@pytest.mark.parametrize("value", ["2025-13-01", "yesterday", ""])
def test_a_bad_date_is_a_clear_usage_error(runner, value):
    result = runner.invoke(purge, ["--before", value, "--yes"])

    assert result.exit_code == 2
    assert "Invalid value for '--before'" in result.output


def test_plan_counts_only_closed_rounds_that_ended_before_the_date(db_session):
    rounds = seed(db_session)

    plan = retention.plan_purge(db_session, dt.date(2024, 7, 1))

    assert [r.round_id for r in plan.rounds] == [rounds["old"].id]
    assert (plan.responses, plan.answers) == (4, 12)
    # The day the period ended is not "before" it: nothing is purged a day early.
    assert retention.plan_purge(db_session, dt.date(2024, 6, 30)).rounds == []


# ----------------------------------------------------------------------------- stale counters


def _add_counters(session) -> None:
    """Sign-in throttles and rate-limit windows: stale ones and ones still limiting."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    days_ago = now - dt.timedelta(days=3)
    with write_transaction(session):
        session.add_all(
            [
                LoginThrottle(
                    key="stale", failures=3, last_failure_at=days_ago, blocked_until=days_ago
                ),
                LoginThrottle(key="recent", failures=1, last_failure_at=now, blocked_until=now),
                # Failed long ago but still made to wait (a long back-off): kept.
                LoginThrottle(
                    key="waiting",
                    failures=9,
                    last_failure_at=days_ago,
                    blocked_until=now + dt.timedelta(hours=1),
                ),
                RateBucket(key="old", window_start=days_ago, count=5),
                RateBucket(key="current", window_start=now, count=1),
            ]
        )


def _counter_keys(session) -> tuple[set[str], set[str]]:
    session.rollback()
    return (
        set(session.scalars(select(LoginThrottle.key))),
        set(session.scalars(select(RateBucket.key))),
    )


def test_prune_counters_forgets_only_counters_that_no_longer_limit_anyone(db_session):
    _add_counters(db_session)

    pruned = retention.prune_counters(db_session)

    assert (pruned.login_throttles, pruned.rate_buckets) == (1, 1)
    assert _counter_keys(db_session) == ({"recent", "waiting"}, {"current"})


def test_cfw_purge_prunes_stale_counters_even_with_no_round_to_purge(db_session, runner):
    seed(db_session)
    _add_counters(db_session)
    db_session.rollback()

    result = runner.invoke(purge, ["--before", "2020-01-01", "--yes"])

    assert result.exit_code == 0, result.output
    assert "Forgot 1 stale sign-in throttle(s) and 1 old rate-limit window(s)." in result.output
    assert _counter_keys(db_session) == ({"recent", "waiting"}, {"current"})


def test_cfw_purge_prunes_stale_counters_after_a_purge(db_session, runner):
    seed(db_session)
    _add_counters(db_session)
    db_session.rollback()

    result = runner.invoke(purge, ["--before", "2026-01-01", "--yes"])

    assert result.exit_code == 0, result.output
    assert "Deleted" in result.output and "Forgot 1 stale sign-in throttle(s)" in result.output
    assert _counter_keys(db_session) == ({"recent", "waiting"}, {"current"})


def test_a_dry_run_keeps_stale_counters(db_session, runner):
    seed(db_session)
    _add_counters(db_session)
    db_session.rollback()

    result = runner.invoke(purge, ["--before", "2020-01-01", "--dry-run"])

    assert result.exit_code == 0
    assert "Forgot" not in result.output
    assert _counter_keys(db_session) == ({"stale", "recent", "waiting"}, {"old", "current"})
