"""Sample targets: Cochran's n with FPC, proportional allocation, progress verdicts."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.survey.sampling import (
    achieved_margin,
    allocate,
    required_sample_size,
    sample_targets,
)
from tests.assessment.survey_factories import default_formula, make_counts

FORMULA = default_formula()


@pytest.mark.parametrize(
    ("population", "expected"),
    [(None, 385), (1000, 278), (100, 80), (10_000, 370), (3, 3), (0, 0)],
)
def test_required_sample_size_by_hand(population, expected):
    # n0 = 1.96^2 * .25 / .05^2 = 384.15; n = n0 / (1 + (n0 - 1) / N), rounded up, <= N.
    assert int(required_sample_size(population)) == expected


def test_required_sample_size_is_vectorised_and_validates():
    assert required_sample_size([100, 1000, np.nan]).tolist() == [80, 278, 385]
    assert int(required_sample_size(margin_points=10)) == 97
    assert int(required_sample_size(expected_rate=80)) == 246
    with pytest.raises(ValueError):
        required_sample_size(margin_points=0)


def test_allocation_by_hand():
    # Proportional quotas 2, 6, 12; the first is lifted to the floor of 5, the rest shrink.
    assert allocate(20, [10, 30, 60]).tolist() == [5, 5, 10]
    # Equal remainders: the larger group, then the earlier one, gets the extra answer.
    assert allocate(7, [100, 100, 100], minimum=0).tolist() == [3, 2, 2]
    assert allocate(7, [90, 100, 100], minimum=0).tolist() == [2, 3, 2]
    # The floor is capped at the group's population; never more than everybody.
    assert allocate(2, [3, 1, 50]).tolist() == [3, 1, 5]
    assert allocate(500, [3, 1, 50]).tolist() == [3, 1, 50]
    assert allocate(10, []).tolist() == []


@given(
    st.integers(0, 2000),
    st.lists(st.integers(0, 800), min_size=1, max_size=30),
    st.integers(0, 10),
)
def test_allocation_sums_and_respects_floor_and_cap(total, pops, minimum):
    shares = allocate(total, pops, minimum=minimum)
    floor = np.minimum(minimum, pops)
    assert (shares >= floor).all() and (shares <= np.array(pops)).all()
    assert shares.sum() == min(max(total, floor.sum()), sum(pops))


@given(
    st.one_of(st.none(), st.integers(1, 100_000)),
    st.floats(0.5, 20.0),
    st.floats(0.5, 20.0),
    st.floats(1.0, 99.0),
)
def test_targets_never_grow_as_the_margin_widens(population, m1, m2, rate):
    narrow, wide = sorted((m1, m2))
    assert required_sample_size(population, margin_points=wide, expected_rate=rate) <= (
        required_sample_size(population, margin_points=narrow, expected_rate=rate)
    )


@given(st.lists(st.integers(0, 500), min_size=1, max_size=8), st.floats(1, 10), st.floats(1, 10))
def test_audience_targets_never_grow_as_the_margin_widens(pops, m1, m2):
    narrow, wide = sorted((m1, m2))
    counts = make_counts({}, {(g, "child"): n for g, n in enumerate(pops)})
    targets = [sample_targets(counts, FORMULA, margin_points=m) for m in (narrow, wide)]
    a_narrow, a_wide = (t.audiences[0] for t in targets)
    assert a_wide.target <= a_narrow.target and a_wide.planned <= a_narrow.planned


def test_sample_targets_progress_and_verdicts():
    cells = {(1, "child"): (20, 5, 3), (2, "child"): (2, 1, 0), (1, "resident"): (300, 50, 0)}
    pops = {(1, "child"): 100, (2, "child"): 300, (1, "resident"): 400, (3, "resident"): 9}
    targets = sample_targets(make_counts(cells, pops), FORMULA)
    child, resident = targets.audiences
    assert child.population == 400 and child.target == int(required_sample_size(400))
    g1, g2 = child.groups
    assert g1.valid == 25 and g1.target + g2.target == child.planned == child.target
    assert g1.target == round(child.target / 4) and g1.more_needed == g1.target - 25
    assert not child.enough and child.more_needed == g1.more_needed + g2.more_needed
    r1, r3 = resident.groups
    assert r3.target == 5 and r3.more_needed == 5 and not r3.enough
    assert r1.enough and r1.more_needed == 0
    assert not targets.enough and targets.more_needed == child.more_needed + 5
    json.dumps(targets.to_dict())


def test_groups_without_population_get_no_target():
    targets = sample_targets(make_counts({(1, "child"): (5, 5, 0)}), FORMULA)
    child = targets.audiences[0]
    assert child.groups[0].target is None and child.groups[0].enough is None
    assert child.groups_without_population == 1 and not child.enough


def test_achieved_margin_inverts_the_target():
    assert achieved_margin(0) is None
    assert achieved_margin(385) == pytest.approx(4.994, abs=1e-3)
    assert achieved_margin(278, 1000) <= 5.0 < achieved_margin(277, 1000)
