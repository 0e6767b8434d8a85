"""Counts from the grouped query, rates per group/audience/combined, suppressed breakdowns."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.survey.counts import GroupCounts, counts_from_rows
from assessment.survey.formula import AudienceCounts
from assessment.survey.intervals import (
    clopper_pearson_interval,
    mover_mean,
    post_stratified,
    wilson_interval,
)
from assessment.survey.stats import group_rates, question_breakdown, survey_rates
from assessment.survey.types import Hidden
from tests.assessment.survey_factories import default_formula, make_counts

FORMULA = default_formula()


def test_counts_from_rows_follow_the_formula():
    rows = [
        (1, "child", "overall", 5, 7),
        (1, "child", "overall", 4, 3),
        (1, "child", "overall", 3, 2),
        (1, "child", "overall", 0, 4),
        (1, "child", "overall", None, 9),  # skipped: ignored
        (1, "child", "q_school", 2, 6),
        (1, "child", "overall", 5, 1),  # a duplicate key is summed
        (2, "resident", "overall", 1, 0),
    ]
    counts = counts_from_rows(rows, FORMULA, {(1, "child"): 40, (3, "resident"): 25})
    assert counts.cells == (
        GroupCounts(1, "child", satisfied=11, valid=13, dont_know=4, population=40),
        GroupCounts(3, "resident", satisfied=0, valid=0, dont_know=0, population=25),
    )
    assert counts.totals() == {
        "child": AudienceCounts(11, 13),
        "resident": AudienceCounts(0, 0),
    }
    by_question = {(q.group_id, q.question_id): q.answers for q in counts.questions}
    assert by_question[(1, "overall")] == ((0, 4), (3, 2), (4, 3), (5, 8))
    assert by_question[(1, "q_school")] == ((2, 6),)
    json.dumps(counts.to_dict())


def test_counts_reject_unknown_audiences_and_negative_counts():
    with pytest.raises(ValueError, match="audience"):
        counts_from_rows([(1, "teacher", "overall", 5, 1)], FORMULA)
    with pytest.raises(ValueError, match="negative"):
        counts_from_rows([(1, "child", "overall", 5, -1)], FORMULA)


def test_satisfied_values_come_from_the_formula():
    strict = default_formula()
    strict = type(strict)(
        (5,), strict.dont_know_value, strict.audiences, "mean", strict.overall_question, ()
    )
    counts = counts_from_rows(
        [(1, "child", "overall", 4, 3), (1, "child", "overall", 5, 2)], strict
    )
    assert counts.cells[0].satisfied == 2 and counts.cells[0].valid == 5


CELLS = {
    (1, "child"): (30, 10, 2),
    (2, "child"): (12, 8, 0),
    (1, "resident"): (70, 20, 5),
    (2, "resident"): (45, 15, 1),
}
POPS = {(1, "child"): 120, (2, "child"): 60, (1, "resident"): 400, (2, "resident"): 300}


def test_unweighted_rates_by_hand_and_with_fpc():
    rates = survey_rates(make_counts(CELLS, POPS), FORMULA)
    child, resident = rates.audiences
    assert child.unweighted.rate == pytest.approx(100 * 42 / 60)
    assert resident.unweighted.rate == pytest.approx(100 * 115 / 150)
    # Wilson on 42/60 shrunk towards the estimate by sqrt((180 - 60) / 179).
    low, _ = wilson_interval(42, 60)
    factor = math.sqrt(120 / 179)
    assert child.unweighted.low == pytest.approx(100 * (0.7 - factor * (0.7 - float(low))))
    assert child.unweighted.method == "wilson" and child.unweighted.fpc


def test_combined_mean_matches_the_formula_and_uses_mover():
    counts = make_counts(CELLS, POPS)
    rates = survey_rates(counts, FORMULA)
    assert rates.combined.rate == pytest.approx(FORMULA.combined_rate(counts.totals()))
    child, resident = rates.audiences
    parts = [child.unweighted, resident.unweighted]
    _, low, high = mover_mean(
        [p.rate / 100 for p in parts], [p.low / 100 for p in parts], [p.high / 100 for p in parts]
    )
    assert (rates.combined.low, rates.combined.high) == pytest.approx((100 * low, 100 * high))
    assert rates.points == FORMULA.points(rates.combined.rate) == 50
    json.dumps(rates.to_dict())


def test_pooled_combination_matches_the_formula():
    formula = default_formula("pooled")
    counts = make_counts(CELLS, POPS, formula)
    rates = survey_rates(counts, formula)
    assert rates.combined.rate == pytest.approx(formula.combined_rate(counts.totals()))
    assert rates.combined.valid == 210 and rates.combined.method == "wilson"
    # Weighted and pooled: each (group, audience) cell is one stratum.
    rate, *_ = post_stratified([30, 12, 70, 45], [40, 20, 90, 60], [120, 60, 400, 300])
    assert rates.combined_weighted.rate == pytest.approx(100 * rate)


def test_weighted_rate_is_post_stratified_by_population():
    rates = survey_rates(make_counts(CELLS, POPS), FORMULA)
    weighted = rates.audiences[0].weighted
    assert weighted.rate == pytest.approx(100 * (120 * 30 / 40 + 60 * 12 / 20) / 180)
    assert weighted.method == "post-stratified" and weighted.effective_n > 0
    assert rates.combined_weighted.method == "mover"


def test_weighting_needs_populations_and_small_cells_go_exact():
    cells = {(1, "child"): (3, 1, 0), (1, "resident"): (0, 0, 4)}
    rates = survey_rates(make_counts(cells), FORMULA)
    child, resident = rates.audiences
    assert child.weighted.method == "no-population" and child.weighted.rate is None
    assert child.unweighted.method == "clopper-pearson"
    low, high = clopper_pearson_interval(3, 4)
    assert (child.unweighted.low, child.unweighted.high) == pytest.approx(
        (100 * float(low), 100 * float(high))
    )
    assert resident.unweighted.rate is None and resident.unweighted.method == "none"
    assert rates.combined.rate is None and rates.points is None
    assert FORMULA.combined_rate(make_counts(cells).totals()) is None


def test_unknown_combine_rule_is_an_error():
    formula = default_formula("median")
    with pytest.raises(ValueError, match="combine"):
        survey_rates(make_counts(CELLS, POPS, default_formula()), formula)


def test_group_rates_suppress_small_cells_and_their_complements():
    cells = {**CELLS, (3, "child"): (2, 1, 0), (3, "resident"): (20, 5, 0)}
    table = group_rates(make_counts(cells, POPS))
    by_cell = {(r.group_id, r.audience): r for r in table.rows}
    small = by_cell[(3, "child")]
    assert isinstance(small.valid, Hidden) and isinstance(small.rate, Hidden)
    assert isinstance(small.low, Hidden) and isinstance(small.high, Hidden)
    # The group total (child + resident) would give 3 back: another cell of that column hides.
    assert isinstance(by_cell[(3, "resident")].valid, Hidden) or isinstance(
        dict(table.group_totals)[3], Hidden
    )
    assert small.method == "suppressed"  # "clopper-pearson" would hint at the size
    shown = by_cell[(1, "resident")]
    assert shown.valid == 90 and shown.rate == pytest.approx(100 * 70 / 90)
    data = table.to_dict()
    assert any(row["rate"] == "<5" for row in data["rows"])
    json.dumps(data)


def test_question_breakdown_is_suppressed():
    counts = make_counts({(1, "child"): (30, 10, 2), (2, "child"): (12, 8, 3)})
    table = question_breakdown(counts, "overall", "child", values=[1, 2, 3, 4, 5, 0])
    assert table.columns == (1, 2, 3, 4, 5, 0)
    assert table.rows == (1, 2)
    data = table.to_dict()
    # Row 1 is 5, 0, 5, 15, 15, 2 and row 2 is 4, 0, 4, 6, 6, 3. Zeros are small cells too;
    # row 1's 0 and 2 sum below 5, so its smallest shown cell goes; then column 3 would show
    # 5 next to a hidden 4, so it goes too; the column-total 0 would follow from the grand
    # total, so the smallest other column total (5, don't-know) hides with it.
    assert data["cells"] == [["<5", "<5", "<5", 15, 15, "<5"], ["<5", "<5", "<5", 6, 6, "<5"]]
    assert data["column_totals"] == [9, "<5", 9, 21, 21, "<5"]
    assert data["row_totals"] == [42, 23]
    assert table.grand_total == 65


@given(
    st.lists(
        st.tuples(st.integers(0, 60), st.integers(0, 60), st.integers(0, 10)),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from(["mean", "pooled"]),
)
def test_rates_stay_in_range_and_contain_the_estimate(parts, combine):
    formula = default_formula(combine)
    cells = {}
    for g, (sat, unsat, dk) in enumerate(parts):
        cells[(g, "child")] = (sat, unsat, dk)
        cells[(g, "resident")] = (unsat, sat, dk)
    pops = {k: sum(v) + 20 for k, v in cells.items()}
    rates = survey_rates(make_counts(cells, pops, formula), formula)
    for estimate in [rates.combined, rates.combined_weighted] + [
        e for a in rates.audiences for e in (a.unweighted, a.weighted)
    ]:
        if estimate.rate is None:
            continue
        assert 0.0 <= estimate.low <= estimate.rate + 1e-9
        assert estimate.rate - 1e-9 <= estimate.high <= 100.0
    assert not any(isinstance(v, np.generic) for v in _leaves(rates.to_dict()))


def _leaves(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


def test_question_breakdown_hides_groups_the_rate_table_hides():
    cells = {(1, "child"): (30, 10, 0), (2, "child"): (20, 10, 0), (3, "child"): (2, 1, 0)}
    counts = make_counts(cells)
    hidden_rates = {r.group_id for r in group_rates(counts).rows if isinstance(r.valid, Hidden)}
    assert 3 in hidden_rates
    table = question_breakdown(counts, "overall", "child")
    for group, total in zip(table.rows, table.row_totals, strict=True):
        assert isinstance(total, Hidden) == (group in hidden_rates)
