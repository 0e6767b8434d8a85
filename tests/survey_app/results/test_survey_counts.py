"""Counts from the database: counters vs recount, c13 inputs, populations, the review list."""

from __future__ import annotations

import pytest

from assessment import counts_from_rows, question_breakdown
from survey_app.core.db import get_session
from survey_app.results import counts as q
from survey_app.results import frozen
from survey_app.results.questions import _Index
from tests.survey_app.stats_factories import fill, submit
from tests.survey_app.survey_factories import make_survey


@pytest.fixture
def setup(app):
    return make_survey(app, groups=3, cap=500)


def _both_ways(app, round_id):
    with app.app_context():
        session = get_session()
        for flagged in (False, True):
            counters = sorted(q.count_rows(session, round_id, include_flagged=flagged))
            recount = sorted(q.recount_rows(session, round_id, include_flagged=flagged))
            assert counters == recount, f"include_flagged={flagged}"
        return sorted(q.count_rows(session, round_id, include_flagged=True))


def test_counters_equal_a_recount_after_submissions(app, setup):
    fill(app, setup.token_ids[0], "resident", [5, 4, 4, 2, 0])
    fill(app, setup.token_ids[1], "child", [4, 3])
    submit(app, setup.token_ids[2], "resident", 5, straight=True)  # flagged
    rows = _both_ways(app, setup.round_id)
    assert sum(n for *_k, n in rows) == 5 * 8 + 2 * 7 + 8


def test_c13_inputs_use_the_rule_files_formula(app, setup):
    fill(app, setup.token_ids[0], "resident", [5, 4, 3, 0])  # 2 satisfied of 3 valid
    fill(app, setup.token_ids[1], "child", [4, 1])
    submit(app, setup.token_ids[2], "child", 5, straight=True)  # flagged: out by default
    with app.app_context():
        session = get_session()
        assert q.c13_inputs(session, setup.round_id) == {
            "c13.child_satisfied": 1,
            "c13.child_valid": 2,
            "c13.resident_satisfied": 2,
            "c13.resident_valid": 3,
        }
        assert q.c13_inputs(session, setup.round_id, include_flagged=True)["c13.child_valid"] == 3


def test_c13_inputs_of_an_empty_round_are_zero_and_unknown_round_raises(app, setup):
    with app.app_context():
        session = get_session()
        assert set(q.c13_inputs(session, setup.round_id).values()) == {0}
        with pytest.raises(q.RoundNotFound):
            q.c13_inputs(session, 999_999)


def test_populations_skip_groups_without_a_number(app, setup):
    from survey_app.core.db import write_transaction
    from survey_app.models import ResidentialGroup

    with app.app_context(), write_transaction(get_session()) as session:
        session.get(ResidentialGroup, setup.group_ids[2]).children = 0
    with app.app_context():
        pops = frozen.populations(get_session(), setup.round_id)
    assert pops[(setup.group_ids[0], "child")] == 100
    assert pops[(setup.group_ids[0], "resident")] == 1000
    assert (setup.group_ids[2], "child") not in pops


def test_flagged_list_shows_flags_answers_and_masked_comment(app, setup):
    fill(app, setup.token_ids[0], "resident", [4])
    submit(app, setup.token_ids[1], "resident", 5, straight=True, comment="gọi 0912 345 678")
    with app.app_context():
        page = q.flagged_responses(get_session(), setup.round_id, limit=10, offset=0)
    assert page.total == 1 and page.pending == 1
    item = page.items[0]
    assert item.flags == ("straightline", "impossible")
    assert dict(item.answers)["overall"] == 5
    assert "0912" not in (item.comment or "")
    assert item.counts_as_flagged


def test_fast_question_totals_match_question_breakdown(app, setup):
    fill(app, setup.token_ids[0], "resident", [5, 4, 4, 2, 0, 1, 5, 5])
    fill(app, setup.token_ids[1], "resident", [3, 4])
    fill(app, setup.token_ids[2], "resident", [5, 5, 5, 4, 4, 4, 0])
    with app.app_context():
        session = get_session()
        round_ = q.get_round(session, setup.round_id)
        formula = q.formula_for(round_)
        counts = counts_from_rows(
            q.count_rows(session, setup.round_id, include_flagged=False),
            formula,
            frozen.populations(session, setup.round_id),
        )
    index = _Index(counts, 5)
    values = [0, 1, 2, 3, 4, 5]
    for question in ("overall", "safety"):
        table = question_breakdown(counts, question, "resident", values=values)
        columns, grand = index.totals(question, "resident", values)
        assert [str(columns[v]) for v in values] == [str(v) for v in table.column_totals]
        assert str(grand) == str(table.grand_total)
