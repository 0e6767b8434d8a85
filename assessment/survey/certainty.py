"""How sure are the criterion-13 points? Band probabilities and the answers that would settle them.

**Band probabilities.** Each audience's true rate gets the Jeffreys posterior
``Beta(s + 1/2, f + 1/2)`` (s satisfied, f other valid answers): the standard objective prior
for a proportion, well behaved at 0 % and 100 %. A known population is honoured by giving the
posterior the effective size ``n / fpc^2`` (the same narrowing the intervals get); a census
is a point mass. The official rate is then

- "pooled": one Beta on the pooled counts, exact via the regularised incomplete beta;
- "mean": the mean of independent Betas. Its distribution is computed deterministically (no
  random draws): all audiences but one are discretised on a fixed grid of ``grid`` bins and
  convolved, and the last one enters through its exact CDF. The error is below one bin
  (1/4000 = 0.025 percentage points by default), and probabilities sum to 1 by construction.

**Settling.** ``more_per_audience`` is the number of extra valid answers per audience after
which the official interval (as ``survey_stats.combined_interval`` computes it) lies inside one
band, *assuming the current rate holds* (for "pooled", the pooled rate). It is found by
bisection up to the remaining population (a census always settles) or ``max_additional``.
A rate sitting exactly on a band bound can never settle: the answer is None, reason
"on-boundary".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assessment.survey.counts import SurveyCounts
from assessment.survey.formula import SurveyFormula
from assessment.survey.intervals import fpc_factor
from assessment.survey.stats import combined_interval
from assessment.survey.types import ToDict

GRID = 4000
MAX_ADDITIONAL = 100_000


@dataclass(frozen=True, slots=True)
class BandProbability(ToDict):
    """Probability that the true rate lies in one band: ``low <= rate < high`` (percent).

    ``low`` None is the open bottom ("else 0 points"); ``high`` None the open top.
    """

    points: int
    low: float | None
    high: float | None
    probability: float


@dataclass(frozen=True, slots=True)
class BandCertainty(ToDict):
    """How sure the criterion-13 points are, and what would make them sure.

    ``probability_of_points`` is the probability of the band the current rate earns;
    ``settled`` says the interval already lies inside one band; ``more_per_audience`` is None
    when it cannot be said, with ``reason`` "no-answers", "on-boundary" or "beyond-limit".
    """

    rate: float | None
    points: int | None
    bands: tuple[BandProbability, ...]
    most_likely_points: int | None
    probability_of_points: float | None
    settled: bool
    more_per_audience: int | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class _Posterior:
    """Jeffreys Beta(a, b), or a point mass at ``point`` when ``a`` is None (census)."""

    a: float | None
    b: float | None
    point: float

    def sf(self, x: np.ndarray) -> np.ndarray:
        """P(X >= x)."""
        if self.a is None:
            return (self.point >= x).astype(float)
        from scipy.special import betainc  # lazy: see survey_intervals

        return 1.0 - betainc(self.a, self.b, np.clip(x, 0.0, 1.0))

    def bin_masses(self, edges: np.ndarray) -> np.ndarray:
        """Probability of each grid bin [edges[i], edges[i+1])."""
        if self.a is None:
            masses = np.zeros(edges.size - 1)
            masses[min(int(self.point * (edges.size - 1)), edges.size - 2)] = 1.0
            return masses
        return np.diff(1.0 - self.sf(edges))


def _posterior(s: float, n: float, population: float) -> _Posterior:
    p = s / n
    factor = float(fpc_factor(n, population))
    if factor == 0.0:
        return _Posterior(None, None, p)
    size = n / factor**2
    return _Posterior(p * size + 0.5, (1.0 - p) * size + 0.5, p)


def _tail(posteriors: Sequence[_Posterior], thresholds: np.ndarray, grid: int) -> np.ndarray:
    """P(mean of the posteriors >= t) for each threshold t (proportions)."""
    # Point masses go into the grid part; a continuous one (if any) gets the exact CDF.
    ordered = sorted(posteriors, key=lambda q: q.a is not None)
    *rest, last = ordered
    edges = np.linspace(0.0, 1.0, grid + 1)
    pmf = np.ones(1)
    for q in rest:
        pmf = np.convolve(pmf, q.bin_masses(edges))
    # Value of the partial sum at grid index i: the sum of the bins' midpoints.
    sums = (np.arange(pmf.size) + 0.5 * len(rest)) / grid
    k = len(ordered)
    tail = (pmf[None, :] * last.sf(k * thresholds[:, None] - sums[None, :])).sum(axis=1)
    return tail / pmf.sum()


def _band_ranges(formula: SurveyFormula) -> list[tuple[int, float | None, float | None]]:
    """(points, low, high) per band, best first, plus the open bottom band when reachable."""
    ranges: list[tuple[int, float | None, float | None]] = []
    upper: float | None = None
    for band in formula.bands:
        ranges.append((band.points, float(band.bound), upper))
        upper = float(band.bound)
    if upper is None or upper > 0.0:
        ranges.append((formula.points(-math.inf), None, upper))
    return ranges


def band_certainty(
    counts: SurveyCounts,
    formula: SurveyFormula,
    *,
    confidence: float = 0.95,
    grid: int = GRID,
    max_additional: int = MAX_ADDITIONAL,
) -> BandCertainty:
    """Band probabilities of the official combined rate and the answers needed to settle it."""
    totals = counts.totals()
    rate = formula.combined_rate(totals)
    ranges = _band_ranges(formula)
    if rate is None:
        return BandCertainty(None, None, (), None, None, False, None, "no-answers")
    s = np.array([totals[a].satisfied for a in formula.audiences], float)
    n = np.array([totals[a].valid for a in formula.audiences], float)
    pop = np.array([_population(counts, a) for a in formula.audiences], float)
    if formula.combine == "pooled":
        posteriors = [_posterior(s.sum(), n.sum(), pop.sum())]
    else:
        posteriors = [_posterior(*v) for v in zip(s, n, pop, strict=True)]

    bounds = np.array([lo for _, lo, _ in ranges if lo is not None], float) / 100.0
    if all(q.a is None for q in posteriors):  # a census: no uncertainty left
        tail = (rate / 100.0 >= bounds).astype(float)
    else:
        tail = _tail(posteriors, bounds, grid)
    # Bands are best first, so their lower bounds fall; P(band) = P(>= low) - P(>= high).
    at_least = [*tail.tolist(), 1.0][: len(ranges)]
    probs = np.clip(np.diff([0.0, *at_least]), 0.0, None)
    probs = probs / probs.sum()
    bands = tuple(
        BandProbability(p, lo, hi, float(q)) for (p, lo, hi), q in zip(ranges, probs, strict=True)
    )
    points = formula.points(rate)
    current = next(b for b in bands if (b.low is None or rate >= b.low))
    more, reason, settled = _settle(formula, rate, current, s, n, pop, confidence, max_additional)
    return BandCertainty(
        rate=rate,
        points=points,
        bands=bands,
        most_likely_points=max(bands, key=lambda b: b.probability).points,
        probability_of_points=current.probability,
        settled=settled,
        more_per_audience=more,
        reason=reason,
    )


def _population(counts: SurveyCounts, audience: str) -> float:
    """The audience's ward population, NaN unless every group has one."""
    pops = [c.population for c in counts.for_audience(audience)]
    known = [p for p in pops if p is not None]
    return float(sum(known)) if pops and len(known) == len(pops) else math.nan


def _settle(
    formula: SurveyFormula,
    rate: float,
    band: BandProbability,
    s: np.ndarray,
    n: np.ndarray,
    pop: np.ndarray,
    confidence: float,
    max_additional: int,
) -> tuple[int | None, str | None, bool]:
    """(more per audience, reason when unknown, settled now)."""
    if band.low is not None and math.isclose(rate, band.low, abs_tol=1e-9):
        return None, "on-boundary", False
    # "The current rate holds": each audience keeps its rate (the pooled rate when pooled).
    p = s / n if formula.combine == "mean" else np.full_like(s, s.sum() / n.sum())

    def inside(extra: int) -> bool:
        size = np.maximum(n, np.fmin(n + extra, pop))  # fmin: an unknown population is no cap
        _, low, high = combined_interval(
            p * size, size, pop, formula.combine, confidence=confidence
        )
        return (band.low is None or 100.0 * low >= band.low) and (
            band.high is None or 100.0 * high < band.high
        )

    if inside(0):
        return 0, None, True
    known = np.isfinite(pop).all()
    top = int(np.max(pop - n)) if known else max_additional
    if top <= 0 or not inside(top):
        return None, "beyond-limit", False
    lo, hi = 0, top  # inside(lo) is False, inside(hi) is True
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if inside(mid) else (mid, hi)
    return hi, None, False
