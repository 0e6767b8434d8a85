"""Chi-square test of homogeneity across groups, small-expected warning, standout groups."""

from __future__ import annotations

import json
import math

import pytest
from scipy.stats import chi2_contingency

from assessment.survey.differences import group_differences
from tests.assessment.survey_factories import default_formula, make_counts

FORMULA = default_formula()


def test_two_groups_by_hand():
    # 30/10 vs 10/30: expected 20 everywhere, chi2 = 4 * 10^2 / 20 = 20, adjusted residual
    # (30 - 20) / sqrt(20 * .5 * .5) = sqrt(20).
    counts = make_counts({(1, "child"): (30, 10, 0), (2, "child"): (10, 30, 0)})
    child, resident = group_differences(counts, FORMULA)
    assert child.statistic == pytest.approx(20.0) and child.dof == 1
    assert child.p_value == pytest.approx(math.erfc(math.sqrt(10)))
    assert not child.small_expected
    (high, low) = child.standouts
    assert (high.group_id, high.direction, high.rate) == (1, "higher", 75.0)
    assert high.residual == pytest.approx(math.sqrt(20))
    assert (low.group_id, low.direction) == (2, "lower")
    assert resident.reason == "fewer-than-two-groups" and resident.statistic is None
    json.dumps([d.to_dict() for d in (child, resident)])


def test_many_groups_match_scipy():
    cells = {
        (g, "resident"): (sat, unsat, 1)
        for g, sat, unsat in [(1, 50, 10), (2, 40, 20), (3, 45, 12), (4, 20, 25)]
    }
    result = group_differences(make_counts(cells), FORMULA)[1]
    ref = chi2_contingency([[50, 10], [40, 20], [45, 12], [20, 25]], correction=False)
    assert result.statistic == pytest.approx(ref.statistic)
    assert result.p_value == pytest.approx(ref.pvalue) and result.dof == 3
    assert [s.group_id for s in result.standouts if s.direction == "lower"] == [4]


def test_small_expected_counts_are_flagged_and_can_be_merged():
    cells = {
        (1, "child"): (40, 2, 0),
        (2, "child"): (3, 1, 0),
        (3, "child"): (2, 2, 0),
        (4, "child"): (30, 3, 0),
    }
    flagged = group_differences(make_counts(cells), FORMULA)[0]
    assert flagged.small_expected and flagged.min_expected < 1
    merged = group_differences(make_counts(cells), FORMULA, merge_below=5)[0]
    assert merged.merged_groups == (2, 3) and merged.groups_tested == 3


def test_small_groups_are_never_named():
    cells = {(1, "child"): (0, 4, 0), (2, "child"): (90, 5, 0), (3, "child"): (80, 6, 0)}
    result = group_differences(make_counts(cells), FORMULA)[0]
    assert result.statistic is not None
    assert all(s.group_id != 1 for s in result.standouts)


def test_no_variation_is_not_tested():
    cells = {(1, "child"): (10, 0, 0), (2, "child"): (7, 0, 0)}
    assert group_differences(make_counts(cells), FORMULA)[0].reason == "no-variation"
