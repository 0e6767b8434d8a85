"""Proportion intervals: hand calculations, SciPy references and invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import binomtest

from assessment.survey.intervals import (
    clopper_pearson_interval,
    exact_preferred,
    fpc_factor,
    mover_mean,
    post_stratified,
    proportion_intervals,
    wilson_interval,
    z_value,
)

Z = 1.959963984540054


def test_z_value_matches_the_normal_quantile():
    assert z_value(0.95) == pytest.approx(Z, abs=1e-12)
    with pytest.raises(ValueError):
        z_value(1.0)


def test_wilson_by_hand_for_8_of_10():
    # p = .8, z^2 = 3.8415: centre (p + z^2/2n)/(1 + z^2/n), half z*sqrt(pq/n + z^2/4n^2)/(...)
    z2 = Z * Z
    centre = (0.8 + z2 / 20) / (1 + z2 / 10)
    half = Z * math.sqrt(0.8 * 0.2 / 10 + z2 / 400) / (1 + z2 / 10)
    low, high = wilson_interval(8, 10)
    assert (float(low), float(high)) == pytest.approx((centre - half, centre + half))
    assert (float(low), float(high)) == pytest.approx((0.4902, 0.9433), abs=1e-4)


def test_clopper_pearson_by_hand_at_the_ends():
    # 0 of 10: upper = 1 - 0.025^(1/10); 10 of 10: lower = 0.025^(1/10).
    low, high = clopper_pearson_interval([0, 10], [10, 10])
    assert low.tolist()[0] == 0.0 and high.tolist()[1] == 1.0
    assert high[0] == pytest.approx(1 - 0.025**0.1)
    assert low[1] == pytest.approx(0.025**0.1)


@pytest.mark.parametrize(("k", "n"), [(0, 7), (3, 12), (17, 40), (38, 40), (250, 400), (1, 1)])
def test_intervals_match_scipy_binomtest(k, n):
    ref_w = binomtest(k, n).proportion_ci(method="wilson")
    ref_e = binomtest(k, n).proportion_ci(method="exact")
    w_low, w_high = wilson_interval(k, n)
    e_low, e_high = clopper_pearson_interval(k, n)
    assert (float(w_low), float(w_high)) == pytest.approx((ref_w.low, ref_w.high), abs=1e-12)
    assert (float(e_low), float(e_high)) == pytest.approx((ref_e.low, ref_e.high), abs=1e-10)


def test_no_answers_give_nan_without_warnings():
    iv = proportion_intervals([0, 3], [0, 5], [10, np.nan])
    assert np.isnan(iv.estimate[0]) and np.isnan(iv.low[0]) and np.isnan(iv.high[0])
    assert iv.estimate[1] == pytest.approx(0.6)


def test_chooser_uses_exact_for_small_or_lopsided_cells():
    chosen = exact_preferred([10, 20, 50, 97], [29, 40, 100, 100])
    assert chosen.tolist() == [True, False, False, True]
    iv = proportion_intervals([10, 20], [29, 40])
    cp_low, _ = clopper_pearson_interval(10, 29)
    w_low, _ = wilson_interval(20, 40)
    assert iv.low.tolist() == pytest.approx([float(cp_low), float(w_low)])
    assert iv.exact.tolist() == [True, False]


def test_fpc_by_hand_and_census():
    assert fpc_factor(50, 100) == pytest.approx(math.sqrt(50 / 99))
    assert fpc_factor(100, 100) == 0.0 and fpc_factor(120, 100) == 0.0
    assert fpc_factor(5, np.nan) == 1.0
    assert fpc_factor([0], [1]).tolist() == [1.0]
    iv = proportion_intervals([25], [50], [100])
    w_low, w_high = wilson_interval(25, 50)
    half = float(w_high - w_low) / 2
    assert float(iv.high[0] - iv.low[0]) / 2 == pytest.approx(half * math.sqrt(50 / 99))
    census = proportion_intervals([30], [40], [40])
    assert census.low[0] == census.high[0] == pytest.approx(0.75)


def test_mover_mean_by_hand():
    mean, low, high = mover_mean([0.5, 0.7], [0.4, 0.6], [0.6, 0.8])
    side = math.sqrt(2 * 0.05**2)
    assert (mean, low, high) == pytest.approx((0.6, 0.6 - side, 0.6 + side))


def test_post_stratified_by_hand():
    # g1: 8/10 of N=100, g2: 3/10 of N=300 -> W = .25/.75; Cochran 5.9 variance with FPC.
    rate, low, high, size = post_stratified([8, 3], [10, 10], [100, 300])
    variance = 0.25**2 * 0.9 * 0.8 * 0.2 / 9 + 0.75**2 * (1 - 10 / 300) * 0.3 * 0.7 / 9
    assert rate == pytest.approx(0.425)
    assert size == pytest.approx(0.425 * 0.575 / variance)
    ref_low, ref_high = wilson_interval(0.425 * size, size)
    assert (low, high) == pytest.approx((float(ref_low), float(ref_high)))


def test_post_stratified_edges():
    assert math.isnan(post_stratified([0], [0], [10])[0])
    rate, low, high, _ = post_stratified([5, 7], [5, 7], [10, 20])
    assert rate == 1.0 and high == 1.0 and 0.0 < low < 1.0
    census = post_stratified([4, 1], [5, 5], [5, 5])
    assert census[1] == census[2] == pytest.approx(0.5)
    with pytest.raises(ValueError):
        post_stratified([1], [2], [np.nan])


def test_fifteen_hundred_cells_in_one_vectorised_call():
    rng = np.random.default_rng(7)
    n = rng.integers(0, 400, size=1500)
    s = rng.binomial(n, 0.8)
    pop = n + rng.integers(0, 500, size=1500)
    iv = proportion_intervals(s, n, pop)
    assert iv.low.shape == (1500,)
    for k in rng.choice(np.flatnonzero(n > 0), size=10, replace=False):
        ref = proportion_intervals([s[k]], [n[k]], [pop[k]])
        assert iv.low[k] == pytest.approx(ref.low[0]) and iv.high[k] == pytest.approx(ref.high[0])


cells = st.integers(0, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@given(cells, st.one_of(st.none(), st.integers(0, 5000)))
def test_intervals_contain_the_estimate_and_stay_in_unit_range(cell, population):
    s, n = cell
    iv = proportion_intervals([s], [n], None if population is None else [population])
    if n == 0:
        assert np.isnan(iv.low[0])
        return
    assert 0.0 <= iv.low[0] <= iv.estimate[0] <= iv.high[0] <= 1.0


@given(cells, st.integers(1, 5000))
def test_fpc_never_widens_an_interval(cell, population):
    s, n = cell
    plain = proportion_intervals([s], [n])
    corrected = proportion_intervals([s], [n], [population])
    if n == 0:
        return
    assert corrected.low[0] >= plain.low[0] - 1e-12
    assert corrected.high[0] <= plain.high[0] + 1e-12


@given(st.lists(cells.filter(lambda c: c[1] > 0), min_size=1, max_size=4))
def test_mover_mean_contains_the_mean_and_stays_in_unit_range(parts):
    iv = proportion_intervals([s for s, _ in parts], [n for _, n in parts])
    mean, low, high = mover_mean(iv.estimate, iv.low, iv.high)
    assert 0.0 <= low <= mean + 1e-12 and mean - 1e-12 <= high <= 1.0
