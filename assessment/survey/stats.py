"""Criterion-13 satisfaction rates with intervals: per group, per audience and combined.

Results report **percent** (like ``AudienceCounts.rate`` and the bands). Two estimates are
shown side by side:

- **unweighted**: satisfied / valid answers, exactly as the rule file's formula defines the
  official rate (this is the one that earns points);
- **weighted**: post-stratified by the known population of each residential group
  (``sum(N_g p_g) / sum(N_g)`` over groups with answers), which corrects for groups that
  answered more eagerly than others. See ``survey_intervals.post_stratified``.

The combined rate follows ``SurveyFormula.combine``: "mean" of the audience rates (interval by
MOVER from the audience intervals, i.e. the variance of a mean of independent estimates) or
"pooled" (all answers as one sample). Per-group breakdowns always go through small-cell
suppression; a group-by-group rate is shown only when its group and audience has at least
``threshold`` valid answers (that cell's size is its answer count, so no separate satisfied
count is published).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from assessment.survey.counts import SurveyCounts, group_sort_key
from assessment.survey.formula import SurveyFormula
from assessment.survey.intervals import mover_mean, post_stratified, proportion_intervals
from assessment.survey.suppression import (
    SUPPRESSION_THRESHOLD,
    Shown,
    ShownRate,
    SuppressedTable,
    SuppressionMask,
    suppress_table,
    suppression_mask,
)
from assessment.survey.types import GroupId, Hidden, ToDict, percent


@dataclass(frozen=True, slots=True)
class RateEstimate(ToDict):
    """A satisfaction rate in percent with its interval; rate None when undefined.

    ``method``: "wilson", "clopper-pearson", "post-stratified", "mover" (mean of audiences),
    "none" (no valid answer) or "no-population" (weighting needs every group's population).
    ``fpc`` says whether a finite-population correction narrowed the interval;
    ``effective_n`` is the sample size the weighted interval is worth.
    """

    rate: float | None
    low: float | None
    high: float | None
    satisfied: int
    valid: int
    method: str
    fpc: bool
    effective_n: float | None = None


@dataclass(frozen=True, slots=True)
class AudienceRates(ToDict):
    """One audience's unweighted (official) and population-weighted rates."""

    audience: str
    unweighted: RateEstimate
    weighted: RateEstimate


@dataclass(frozen=True, slots=True)
class SurveyRates(ToDict):
    """Ward-level rates: per audience, combined as the formula says, and the points earned.

    ``points`` come from the unweighted combined rate (the formula's definition);
    ``points_weighted`` is shown for comparison only.
    """

    combine: str
    confidence: float
    audiences: tuple[AudienceRates, ...]
    combined: RateEstimate
    combined_weighted: RateEstimate
    points: int | None
    points_weighted: int | None


@dataclass(frozen=True, slots=True)
class GroupRate(ToDict):
    """One (group, audience) cell of the dashboard, hidden as ``"<5"`` when it is small."""

    group_id: GroupId
    audience: str
    population: int | None
    valid: Shown
    rate: ShownRate
    low: ShownRate
    high: ShownRate
    method: str


@dataclass(frozen=True, slots=True)
class GroupRateTable(ToDict):
    """Group rates with the totals the page may show (audience, group and grand totals)."""

    rows: tuple[GroupRate, ...]
    audience_totals: tuple[tuple[str, Shown], ...]
    group_totals: tuple[tuple[GroupId, Shown], ...]
    grand_total: Shown
    threshold: int


def _method(valid: float, exact: bool) -> str:
    return "none" if valid <= 0 else "clopper-pearson" if exact else "wilson"


def _estimate(s: float, n: float, population: float, confidence: float) -> RateEstimate:
    iv = proportion_intervals([s], [n], [population], confidence=confidence)
    method = _method(n, bool(iv.exact[0]))
    return RateEstimate(
        percent(iv.estimate[0]),
        percent(iv.low[0]),
        percent(iv.high[0]),
        int(s),
        int(n),
        method,
        bool(n > 0 and iv.fpc[0] < 1.0),
    )


def _weighted(s: np.ndarray, n: np.ndarray, pop: np.ndarray, confidence: float) -> RateEstimate:
    total_s, total_n = int(s.sum()), int(n.sum())
    if total_n == 0:
        return RateEstimate(None, None, None, 0, 0, "none", False)
    if not np.isfinite(pop[n > 0]).all():
        return RateEstimate(None, None, None, total_s, total_n, "no-population", False)
    rate, low, high, size = post_stratified(s, n, pop, confidence=confidence)
    return RateEstimate(
        percent(rate), percent(low), percent(high), total_s, total_n, "post-stratified", True, size
    )


def _mean_of(parts: Sequence[RateEstimate]) -> RateEstimate:
    satisfied = sum(p.satisfied for p in parts)
    valid = sum(p.valid for p in parts)
    missing = [p for p in parts if p.rate is None or p.low is None or p.high is None]
    if missing:
        return RateEstimate(None, None, None, satisfied, valid, missing[0].method, False)
    mean, low, high = mover_mean(
        np.array([p.rate for p in parts], float) / 100.0,
        np.array([p.low for p in parts], float) / 100.0,
        np.array([p.high for p in parts], float) / 100.0,
    )
    fpc = any(p.fpc for p in parts)
    return RateEstimate(percent(mean), percent(low), percent(high), satisfied, valid, "mover", fpc)


def combined_interval(
    satisfied: ArrayLike,
    valid: ArrayLike,
    population: ArrayLike,
    combine: str,
    *,
    confidence: float = 0.95,
) -> tuple[float, float, float]:
    """Official combined rate and interval (proportions) from per-audience totals.

    Arrays hold one entry per audience (population NaN when unknown; real values allowed, for
    planning). NaN when an audience has no valid answer, like ``SurveyFormula.combined_rate``.
    """
    s, n = np.asarray(satisfied, float), np.asarray(valid, float)
    pop = np.asarray(population, float)
    if combine == "pooled":
        iv = proportion_intervals([s.sum()], [n.sum()], [pop.sum()], confidence=confidence)
        return float(iv.estimate[0]), float(iv.low[0]), float(iv.high[0])
    if combine != "mean":
        raise ValueError(f"unknown combine rule {combine!r}")
    if (n <= 0).any():
        return (np.nan, np.nan, np.nan)
    iv = proportion_intervals(s, n, pop, confidence=confidence)
    return mover_mean(iv.estimate, iv.low, iv.high)


def survey_rates(
    counts: SurveyCounts, formula: SurveyFormula, *, confidence: float = 0.95
) -> SurveyRates:
    """Per-audience and combined rates, unweighted and weighted, with points.

    The unweighted combined rate equals ``formula.combined_rate(counts.totals())``.
    """
    if formula.combine not in ("mean", "pooled"):
        raise ValueError(f"unknown combine rule {formula.combine!r}")
    audiences, totals = [], []
    for audience in formula.audiences:
        a = counts.arrays(audience)
        # The ward population is only known when every group of the audience has one.
        pop = float(a.population.sum()) if np.isfinite(a.population).all() else np.nan
        totals.append((float(a.satisfied.sum()), float(a.valid.sum()), pop))
        audiences.append(
            AudienceRates(
                audience,
                _estimate(*totals[-1], confidence),
                _weighted(a.satisfied, a.valid, a.population, confidence),
            )
        )
    if formula.combine == "pooled":
        s, n, pop = (float(v) for v in np.sum(totals, axis=0))
        combined = _estimate(s, n, pop, confidence)
        # Pooled and weighted: every (group, audience) cell is a stratum of its own.
        every = [counts.arrays(a) for a in formula.audiences]
        combined_weighted = _weighted(
            np.concatenate([x.satisfied for x in every]),
            np.concatenate([x.valid for x in every]),
            np.concatenate([x.population for x in every]),
            confidence,
        )
    else:
        combined = _mean_of([a.unweighted for a in audiences])
        combined_weighted = _mean_of([a.weighted for a in audiences])
    return SurveyRates(
        combine=formula.combine,
        confidence=confidence,
        audiences=tuple(audiences),
        combined=combined,
        combined_weighted=combined_weighted,
        points=None if combined.rate is None else formula.points(combined.rate),
        points_weighted=(
            None if combined_weighted.rate is None else formula.points(combined_weighted.rate)
        ),
    )


def _cell_mask(
    counts: SurveyCounts, threshold: int
) -> tuple[dict[GroupId, int], np.ndarray, SuppressionMask]:
    """Suppression of the audiences x groups table of valid answers (all margins shown).

    This table counts respondents, so a zero (nobody answered yet) is not a small cell.
    """
    groups = sorted({c.group_id for c in counts.cells}, key=group_sort_key)
    col = {g: j for j, g in enumerate(groups)}
    row = {a: i for i, a in enumerate(counts.audiences)}
    table = np.zeros((len(row), len(groups)), dtype=np.int64)
    for c in counts.cells:
        table[row[c.audience], col[c.group_id]] = c.valid
    mask = suppression_mask(
        table, threshold=threshold, row_totals=True, column_totals=True, zero_is_small=False
    )
    return col, table, mask


def visible_cells(
    counts: SurveyCounts, *, threshold: int = SUPPRESSION_THRESHOLD
) -> frozenset[tuple[GroupId, str]]:
    """The (group, audience) cells :func:`group_rates` shows.

    Every other output that names a group (breakdowns, standout groups) stays within this set.
    """
    col, _, mask = _cell_mask(counts, threshold)
    return frozenset(
        (c.group_id, c.audience)
        for c in counts.cells
        if not mask.cells[counts.audiences.index(c.audience), col[c.group_id]]
    )


def group_rates(
    counts: SurveyCounts,
    *,
    confidence: float = 0.95,
    threshold: int = SUPPRESSION_THRESHOLD,
) -> GroupRateTable:
    """Every (group, audience) rate with its interval, small cells suppressed.

    Intervals for all cells are computed in one vectorised pass (one SciPy call for the
    cells needing Clopper-Pearson). Suppression runs on the table audiences x groups of
    valid answers with audience, group and grand totals all displayed.
    """
    cells = counts.cells
    iv = proportion_intervals(
        [c.satisfied for c in cells],
        [c.valid for c in cells],
        [np.nan if c.population is None else c.population for c in cells],
        confidence=confidence,
    )
    col, table, mask = _cell_mask(counts, threshold)
    row = {a: i for i, a in enumerate(counts.audiences)}
    hide = Hidden(threshold)
    rows = []
    for k, c in enumerate(cells):
        hidden = bool(mask.cells[row[c.audience], col[c.group_id]])
        # Even the method name would tell "no answer" or "n >= 30" about a hidden cell.
        method = "suppressed" if hidden else _method(c.valid, bool(iv.exact[k]))
        rows.append(
            GroupRate(
                c.group_id,
                c.audience,
                c.population,
                hide if hidden else c.valid,
                hide if hidden else percent(iv.estimate[k]),
                hide if hidden else percent(iv.low[k]),
                hide if hidden else percent(iv.high[k]),
                method,
            )
        )
    return GroupRateTable(
        rows=tuple(rows),
        audience_totals=tuple(
            (a, hide if mask.row_totals[i] else int(table[i].sum())) for a, i in row.items()
        ),
        group_totals=tuple(
            (g, hide if mask.column_totals[j] else int(table[:, j].sum())) for g, j in col.items()
        ),
        grand_total=hide if mask.grand_total else int(table.sum()),
        threshold=threshold,
    )


def question_breakdown(
    counts: SurveyCounts,
    question_id: str,
    audience: str,
    *,
    values: Sequence[int] | None = None,
    threshold: int = SUPPRESSION_THRESHOLD,
) -> SuppressedTable:
    """Answer distribution of one question by group (rows) and answer value (columns).

    ``values`` are the instrument's answer codes (default: the codes seen). Every group of
    the audience is a row, answered or not; ward-wide column totals are shown; small cells
    and anything that would let them be recovered are hidden. A group whose rate
    :func:`group_rates` hides is hidden here as a whole row, so the two tables cannot be
    subtracted from each other.
    """
    groups = sorted(
        {c.group_id for c in counts.for_audience(audience)}
        | {q.group_id for q in counts.questions if q.audience == audience},
        key=group_sort_key,
    )
    dist = {
        q.group_id: dict(q.answers)
        for q in counts.questions
        if q.audience == audience and q.question_id == question_id
    }
    if values is None:
        values = sorted({v for answers in dist.values() for v in answers})
    table = [[dist.get(g, {}).get(v, 0) for v in values] for g in groups]
    visible = visible_cells(counts, threshold=threshold)
    return suppress_table(
        np.array(table, dtype=np.int64).reshape(len(groups), len(values)),
        groups,
        list(values),
        threshold=threshold,
        column_totals=True,
        hide_rows=[(g, audience) not in visible for g in groups],
    )
