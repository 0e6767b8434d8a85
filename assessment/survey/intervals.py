"""Vectorised confidence intervals for satisfaction proportions.

Everything here works on numpy arrays of **proportions in [0, 1]** (the result dataclasses
elsewhere report percent). Undefined cells (no valid answer) give NaN, never a warning.

Which interval when:

- **Wilson** (closed form) for ordinary cells: good coverage, cheap for thousands of cells.
- **Clopper-Pearson** (exact, via the inverse regularised incomplete beta function, i.e.
  ``scipy.stats.beta.ppf``) when ``n < 30`` or fewer than 5 successes or failures: there the
  normal approximation behind Wilson is weakest, and an exact, conservative interval is the
  safer statement for an official figure.
- **Finite-population correction (FPC)**: when the group's population N is known, both sides
  of the interval are shrunk towards the estimate by ``sqrt((N - n) / (N - 1))``. This is the
  usual scaling of the half-width under sampling without replacement, applied to each side so
  an asymmetric interval keeps its shape; it can only narrow an interval, keeps it inside
  [0, 1], and a census (n >= N) has zero width. (An exact hypergeometric interval would be the
  rigorous alternative; for our sample sizes the scaling is the standard practice.)
"""

from __future__ import annotations

from statistics import NormalDist
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

EXACT_BELOW_N = 30
"""Use Clopper-Pearson below this many valid answers."""
EXACT_BELOW_COUNT = 5
"""... or when successes or failures are fewer than this."""


class Intervals(NamedTuple):
    """Vectorised interval result (proportions); NaN where ``n == 0``."""

    estimate: np.ndarray
    low: np.ndarray
    high: np.ndarray
    exact: np.ndarray
    """True where Clopper-Pearson was used."""
    fpc: np.ndarray
    """Factor applied to the half-widths: 1 = no correction, 0 = census."""


def z_value(confidence: float = 0.95) -> float:
    """Two-sided standard normal quantile, e.g. 1.959964 for 0.95 (no SciPy needed)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence}")
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def _arrays(successes: ArrayLike, n: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    s, total = np.broadcast_arrays(np.asarray(successes, float), np.asarray(n, float))
    if np.any(s < 0) or np.any(s > total):
        raise ValueError("successes must lie between 0 and n")
    return s, total


def _ratio(s: np.ndarray, n: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, s / np.where(n > 0, n, 1.0), np.nan)


def wilson_interval(
    successes: ArrayLike, n: ArrayLike, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval (low, high) for every cell; NaN where ``n == 0``.

    ``successes`` and ``n`` may be real-valued (used for effective sample sizes).
    """
    s, total = _arrays(successes, n)
    z2 = z_value(confidence) ** 2
    ok = total > 0
    size = np.where(ok, total, 1.0)
    p = s / size
    denom = 1.0 + z2 / size
    centre = (p + z2 / (2.0 * size)) / denom
    half = np.sqrt(p * (1.0 - p) / size + z2 / (4.0 * size * size)) * np.sqrt(z2) / denom
    # Rounding can put a bound a hair past the estimate at p = 0 or 1: pin it there.
    low = np.minimum(np.clip(centre - half, 0.0, 1.0), p)
    high = np.maximum(np.clip(centre + half, 0.0, 1.0), p)
    return np.where(ok, low, np.nan), np.where(ok, high, np.nan)


def clopper_pearson_interval(
    successes: ArrayLike, n: ArrayLike, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Exact Clopper-Pearson interval (low, high), vectorised; NaN where ``n == 0``."""
    from scipy.special import betaincinv  # imported here: the web workers rarely need it

    s, total = _arrays(successes, n)
    tail = (1.0 - confidence) / 2.0
    ok = total > 0
    # Beta(0, .) and Beta(., 0) are undefined: feed safe parameters and overwrite the ends.
    low = betaincinv(np.where(s > 0, s, 1.0), total - s + 1.0, tail)
    high = betaincinv(s + 1.0, np.where(s < total, total - s, 1.0), 1.0 - tail)
    low = np.where(s > 0, low, 0.0)
    high = np.where(s < total, high, 1.0)
    return np.where(ok, low, np.nan), np.where(ok, high, np.nan)


def exact_preferred(successes: ArrayLike, n: ArrayLike) -> np.ndarray:
    """Cells where Clopper-Pearson replaces Wilson (small n, or few successes or failures)."""
    s, total = _arrays(successes, n)
    return (total < EXACT_BELOW_N) | (np.minimum(s, total - s) < EXACT_BELOW_COUNT)


def fpc_factor(n: ArrayLike, population: ArrayLike | None) -> np.ndarray:
    """``sqrt((N - n) / (N - 1))`` per cell: 1 where N is unknown (NaN), 0 for a census."""
    total = np.asarray(n, float)
    if population is None:
        return np.ones_like(total)
    pop, total = np.broadcast_arrays(np.asarray(population, float), total)
    known = np.isfinite(pop)
    census = known & (total >= pop)
    usable = known & ~census & (pop > 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.sqrt(np.where(usable, (pop - total) / np.where(usable, pop - 1.0, 1.0), 1.0))
    return np.where(census, 0.0, np.minimum(factor, 1.0))


def shrink(
    estimate: np.ndarray, low: np.ndarray, high: np.ndarray, factor: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Scale both sides of an interval towards the estimate by ``factor`` (the FPC)."""
    return (
        np.clip(estimate - factor * (estimate - low), 0.0, 1.0),
        np.clip(estimate + factor * (high - estimate), 0.0, 1.0),
    )


def proportion_intervals(
    successes: ArrayLike,
    n: ArrayLike,
    population: ArrayLike | None = None,
    *,
    confidence: float = 0.95,
) -> Intervals:
    """The interval the dashboard shows for each cell: Wilson or Clopper-Pearson, then FPC.

    SciPy is called once, on the cells that need the exact interval only.
    """
    s, total = _arrays(successes, n)
    low, high = wilson_interval(s, total, confidence)
    exact = exact_preferred(s, total) & (total > 0)
    if exact.any():
        low[exact], high[exact] = clopper_pearson_interval(s[exact], total[exact], confidence)
    estimate = _ratio(s, total)
    factor = fpc_factor(total, population)
    low, high = shrink(estimate, low, high, factor)
    return Intervals(estimate, low, high, exact, factor)


def mover_mean(
    estimates: ArrayLike, lows: ArrayLike, highs: ArrayLike
) -> tuple[float, float, float]:
    """Interval of the mean of independent proportions (MOVER, Zou & Donner 2008).

    Each side of the combined interval is ``sqrt(sum((c * (p - l))^2))`` from the mean, with
    ``c = 1/k``: the variance of a mean of independent estimates, recovered side by side from
    each estimate's own interval, so asymmetry, exact intervals and FPC carry over. It stays
    inside [0, 1] because a root of a sum of squares never exceeds the plain sum.
    """
    p = np.asarray(estimates, float)
    weight = 1.0 / p.size
    mean = float(p.mean())
    below = float(np.sqrt(np.sum((weight * (p - np.asarray(lows, float))) ** 2)))
    above = float(np.sqrt(np.sum((weight * (np.asarray(highs, float) - p)) ** 2)))
    return mean, max(0.0, mean - below), min(1.0, mean + above)


def post_stratified(
    successes: ArrayLike, n: ArrayLike, population: ArrayLike, *, confidence: float = 0.95
) -> tuple[float, float, float, float]:
    """Population-weighted rate over groups with answers: (estimate, low, high, effective n).

    rate = sum(N_g p_g) / sum(N_g). Variance (Cochran 5.9, stratified with FPC):
    ``sum(W_g^2 (1 - n_g/N_g) p_g (1 - p_g) / (n_g - 1))``; a group with a single answer has
    no variance of its own and borrows the ward-level ``p (1 - p)``. The interval is Wilson
    at the effective sample size ``p (1 - p) / variance`` (Wilson rather than Wald so it stays
    sensible near 0 % and 100 %). When that variance is 0 (all groups at 0 % or 100 %) the
    effective size falls back to the plain total with the ward-level FPC. A population below
    the answers counted is read as a census of those answers. All NaN when no group answered.
    """
    s, total = _arrays(successes, n)
    pop = np.broadcast_to(np.asarray(population, float), total.shape)
    answered = total > 0
    if not answered.any():
        return (np.nan, np.nan, np.nan, 0.0)
    s, total, pop = s[answered], total[answered], pop[answered]
    if not np.isfinite(pop).all():
        raise ValueError("post-stratification needs the population of every group with answers")
    pop = np.maximum(pop, total)
    weight = pop / pop.sum()
    p_g = s / total
    rate = float(np.clip(np.sum(weight * p_g), 0.0, 1.0))  # weights may sum to 1 + eps
    spread = np.where(total >= 2, p_g * (1.0 - p_g), rate * (1.0 - rate))
    variance = float(np.sum(weight**2 * (1.0 - total / pop) * spread / np.maximum(total - 1, 1)))
    if variance > 0.0:
        size = rate * (1.0 - rate) / variance
        low, high = wilson_interval(rate * size, size, confidence)
        return rate, float(low), float(high), float(size)
    n_all = float(total.sum())
    low, high = wilson_interval(rate * n_all, n_all, confidence)
    low, high = shrink(np.array(rate), low, high, fpc_factor(n_all, float(pop.sum())))
    return rate, float(low), float(high), n_all
