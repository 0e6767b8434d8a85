"""Do residential groups differ in satisfaction? A chi-square test of homogeneity per audience.

For each audience, the table groups x (satisfied, not satisfied) of valid answers is tested
with Pearson's chi-square (``scipy.stats.chi2_contingency`` without Yates' correction, so the
statistic and the residuals agree for two groups as for many). The test is flagged as
unreliable (``small_expected``) by Cochran's rule: more than 20 % of expected counts below 5,
or any below 1. Groups with few answers can be merged into one row (``merge_below``) to meet
that rule.

Groups that stand out are those with an adjusted standardised residual ``|r| > 2``
(Agresti): roughly, observed satisfaction more than two standard errors from what equal rates
would give. This is an exploratory pointer, not a per-group test: with many groups a few
will cross 2 by chance. A group is named only when the group-rate table shows its cell
(``survey_stats.visible_cells``): naming a suppressed group with its rate would disclose it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assessment.survey.counts import SurveyCounts
from assessment.survey.formula import SurveyFormula
from assessment.survey.stats import visible_cells
from assessment.survey.suppression import SUPPRESSION_THRESHOLD
from assessment.survey.types import GroupId, ToDict


@dataclass(frozen=True, slots=True)
class StandoutGroup(ToDict):
    """A group whose satisfaction is notably "higher" or "lower" than the others'."""

    group_id: GroupId
    valid: int
    rate: float
    residual: float
    direction: str


@dataclass(frozen=True, slots=True)
class GroupDifferences(ToDict):
    """Chi-square test of equal satisfaction across the groups of one audience.

    ``statistic``/``dof``/``p_value`` are None when no test is possible, with ``reason``
    "fewer-than-two-groups" or "no-variation" (everyone, or no one, satisfied).
    """

    audience: str
    groups_tested: int
    statistic: float | None
    dof: int | None
    p_value: float | None
    small_expected: bool
    share_expected_below_5: float | None
    min_expected: float | None
    standouts: tuple[StandoutGroup, ...]
    merged_groups: tuple[GroupId, ...]
    reason: str | None


def group_differences(
    counts: SurveyCounts,
    formula: SurveyFormula,
    *,
    merge_below: int = 0,
    residual_threshold: float = 2.0,
    threshold: int = SUPPRESSION_THRESHOLD,
) -> tuple[GroupDifferences, ...]:
    """Test each audience of the formula for differences between groups.

    Groups with fewer than ``merge_below`` valid answers are pooled into one row (never
    named); groups without valid answers are left out.
    """
    visible = visible_cells(counts, threshold=threshold)
    return tuple(
        _test(counts, audience, merge_below, residual_threshold, visible)
        for audience in formula.audiences
    )


def _test(
    counts: SurveyCounts,
    audience: str,
    merge_below: int,
    residual_limit: float,
    visible: frozenset[tuple[GroupId, str]],
) -> GroupDifferences:
    a = counts.arrays(audience)
    answered = a.valid > 0
    small = answered & (a.valid < merge_below)
    keep = answered & ~small
    ids = [g for g, k in zip(a.group_ids, keep, strict=True) if k]
    merged = tuple(g for g, m in zip(a.group_ids, small, strict=True) if m)
    sat = a.satisfied[keep].tolist() + ([float(a.satisfied[small].sum())] if merged else [])
    valid = a.valid[keep].tolist() + ([float(a.valid[small].sum())] if merged else [])
    observed = np.column_stack([sat, np.subtract(valid, sat)]) if valid else np.zeros((0, 2))

    def untested(reason: str) -> GroupDifferences:
        return GroupDifferences(
            audience, len(valid), None, None, None, False, None, None, (), merged, reason
        )

    if observed.shape[0] < 2:
        return untested("fewer-than-two-groups")
    if (observed.sum(axis=0) == 0).any():
        return untested("no-variation")

    from scipy.stats import chi2_contingency  # lazy: heavy import, used on the dashboard only

    result = chi2_contingency(observed, correction=False)
    expected = np.asarray(result.expected_freq, float)
    share_below_5 = float((expected < 5.0).mean())
    total = observed.sum()
    row_share = observed.sum(axis=1) / total
    col_share = observed.sum(axis=0) / total
    # Adjusted residual of the "satisfied" column (the other column is its mirror image).
    residual = (observed[:, 0] - expected[:, 0]) / np.sqrt(
        expected[:, 0] * (1.0 - row_share) * (1.0 - col_share[0])
    )
    standouts = tuple(
        StandoutGroup(
            group_id=ids[i],
            valid=int(valid[i]),
            rate=100.0 * sat[i] / valid[i],
            residual=float(residual[i]),
            direction="higher" if residual[i] > 0 else "lower",
        )
        for i in range(len(ids))
        if abs(residual[i]) > residual_limit and (ids[i], audience) in visible
    )
    return GroupDifferences(
        audience=audience,
        groups_tested=len(valid),
        statistic=float(result.statistic),
        dof=int(result.dof),
        p_value=float(result.pvalue),
        small_expected=share_below_5 > 0.2 or float(expected.min()) < 1.0,
        share_expected_below_5=share_below_5,
        min_expected=float(expected.min()),
        standouts=standouts,
        merged_groups=merged,
        reason=None,
    )
