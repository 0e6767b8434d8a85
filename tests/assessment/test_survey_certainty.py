"""Band probabilities of the official rate and the answers needed to settle the band."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import beta

from assessment.survey.certainty import band_certainty
from assessment.survey.stats import combined_interval
from tests.assessment.survey_factories import default_formula, make_counts

CHILD_ONLY = default_formula(audiences=("child",))


def test_single_audience_matches_the_jeffreys_posterior():
    counts = make_counts({(1, "child"): (85, 15, 4)}, formula=CHILD_ONLY)
    result = band_certainty(counts, CHILD_ONLY)
    post = beta(85.5, 15.5)
    expected = [
        post.sf(0.9),
        post.cdf(0.9) - post.cdf(0.8),
        post.cdf(0.8) - post.cdf(0.7),
        post.cdf(0.7) - post.cdf(0.5),
        post.cdf(0.5),
    ]
    assert [b.probability for b in result.bands] == pytest.approx(expected, abs=1e-12)
    assert [b.points for b in result.bands] == [100, 75, 50, 25, 0]
    assert (result.bands[0].high, result.bands[-1].low) == (None, None)
    assert result.rate == 85.0 and result.points == 75 and result.most_likely_points == 75
    assert result.probability_of_points == pytest.approx(expected[1], abs=1e-12)
    json.dumps(result.to_dict())


def test_population_narrows_the_posterior_and_a_census_is_certain():
    cells = {(1, "child"): (85, 15, 0)}
    loose = band_certainty(make_counts(cells, formula=CHILD_ONLY), CHILD_ONLY)
    tight = band_certainty(make_counts(cells, {(1, "child"): 120}, CHILD_ONLY), CHILD_ONLY)
    census = band_certainty(make_counts(cells, {(1, "child"): 100}, CHILD_ONLY), CHILD_ONLY)
    assert tight.probability_of_points > loose.probability_of_points
    assert census.probability_of_points == 1.0 and census.settled


def test_mean_of_two_audiences_agrees_with_monte_carlo():
    formula = default_formula()
    counts = make_counts({(1, "child"): (40, 8, 0), (1, "resident"): (70, 25, 3)})
    result = band_certainty(counts, formula)
    rng = np.random.default_rng(2024)
    draws = (rng.beta(40.5, 8.5, 400_000) + rng.beta(70.5, 25.5, 400_000)) / 2
    edges = [-1.0, 0.5, 0.7, 0.8, 0.9, 2.0]
    mc = np.histogram(draws, bins=edges)[0][::-1] / draws.size
    assert [b.probability for b in result.bands] == pytest.approx(mc, abs=4e-3)
    assert result.rate == pytest.approx(formula.combined_rate(counts.totals()))


def test_pooled_uses_one_posterior():
    formula = default_formula("pooled")
    counts = make_counts({(1, "child"): (40, 8, 0), (1, "resident"): (70, 25, 3)}, formula=formula)
    result = band_certainty(counts, formula)
    assert result.bands[2].probability == pytest.approx(
        beta(110.5, 33.5).cdf(0.8) - beta(110.5, 33.5).cdf(0.7), abs=1e-12
    )


def test_settle_count_is_the_first_that_fits_inside_the_band():
    counts = make_counts({(1, "child"): (17, 3, 0)}, formula=CHILD_ONLY)
    result = band_certainty(counts, CHILD_ONLY)
    assert result.rate == 85.0 and not result.settled
    more = result.more_per_audience
    assert more is not None and more > 0

    def interval(extra):
        n = 20 + extra
        _, low, high = combined_interval([0.85 * n], [n], [np.nan], "mean")
        return 100 * low, 100 * high

    low, high = interval(more)
    assert low >= 80 and high < 90
    low, high = interval(more - 1)
    assert not (low >= 80 and high < 90)


def test_settling_is_bounded_by_the_population():
    counts = make_counts({(1, "child"): (17, 3, 0)}, {(1, "child"): 60}, CHILD_ONLY)
    result = band_certainty(counts, CHILD_ONLY)
    assert result.more_per_audience is not None and result.more_per_audience <= 40


def test_a_rate_on_a_bound_cannot_settle_and_no_answers_say_so():
    on_bound = band_certainty(
        make_counts({(1, "child"): (4, 1, 0)}, formula=CHILD_ONLY), CHILD_ONLY
    )
    assert on_bound.rate == 80.0 and on_bound.points == 75
    assert on_bound.more_per_audience is None and on_bound.reason == "on-boundary"
    empty = band_certainty(make_counts({}, formula=CHILD_ONLY), CHILD_ONLY)
    assert empty.rate is None and empty.bands == () and empty.reason == "no-answers"


def test_settled_when_the_interval_already_fits():
    counts = make_counts({(1, "child"): (10, 990, 0), (1, "resident"): (5, 995, 0)})
    result = band_certainty(counts, default_formula())
    assert result.settled and result.more_per_audience == 0 and result.points == 0


@settings(max_examples=40)
@given(
    st.tuples(st.integers(0, 200), st.integers(0, 200)).filter(lambda c: sum(c) > 0),
    st.tuples(st.integers(0, 200), st.integers(0, 200)).filter(lambda c: sum(c) > 0),
    st.sampled_from(["mean", "pooled"]),
    st.one_of(st.none(), st.integers(0, 300)),
)
def test_band_probabilities_sum_to_one(child, resident, combine, extra_population):
    formula = default_formula(combine)
    cells = {(1, "child"): (*child, 0), (1, "resident"): (*resident, 0)}
    pops = (
        None
        if extra_population is None
        else {k: v[0] + v[1] + extra_population for k, v in cells.items()}
    )
    result = band_certainty(make_counts(cells, pops, formula), formula)
    probabilities = [b.probability for b in result.bands]
    assert sum(probabilities) == pytest.approx(1.0, abs=1e-9)
    assert all(0.0 <= p <= 1.0 for p in probabilities)
