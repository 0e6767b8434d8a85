"""How many answers the survey needs, per audience and per residential group.

Target per audience, for a margin ``e`` at a confidence level, with the known population N
(Cochran, with finite-population correction)::

    n0 = z^2 p (1 - p) / e^2            (p = 0.5 unless told: the worst case)
    n  = n0 / (1 + (n0 - 1) / N)        rounded up, never above N

The target is then allocated to the groups in proportion to their population, with a floor
of ``min_per_group`` (capped at the group's population) so every group is heard, and rounded
with the largest-remainder (Hamilton) method so the group targets add up exactly. The
floors can push the planned total above the audience target. (Largest remainder is not
"house-monotone": in rare cases a smaller total can give one group one more answer; the
audience total itself always shrinks as the margin widens.)

Progress counts **valid** answers (don't-know excluded), the denominator of the rate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from assessment.survey.counts import SurveyCounts
from assessment.survey.formula import SurveyFormula
from assessment.survey.intervals import z_value
from assessment.survey.types import GroupId, ToDict

MIN_PER_GROUP = 5


def required_sample_size(
    population: ArrayLike | None = None,
    *,
    margin_points: float = 5.0,
    confidence: float = 0.95,
    expected_rate: float = 50.0,
) -> np.ndarray:
    """Valid answers needed for ``±margin_points`` (percentage points), vectorised over N.

    ``population`` None (or NaN) means "very large" (no correction). Returns int64.
    """
    if not 0.0 < margin_points <= 100.0:
        raise ValueError(f"margin must be in (0, 100] points, got {margin_points}")
    if not 0.0 <= expected_rate <= 100.0:
        raise ValueError(f"expected rate must be in [0, 100], got {expected_rate}")
    p, e = expected_rate / 100.0, margin_points / 100.0
    n0 = z_value(confidence) ** 2 * p * (1.0 - p) / e**2
    pop = np.asarray(np.nan if population is None else population, dtype=float)
    if (pop < 0).any():
        raise ValueError("population cannot be negative")
    known = np.isfinite(pop)
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.where(known & (pop > 0), n0 / (1.0 + (n0 - 1.0) / np.where(pop > 0, pop, 1.0)), n0)
    # Subtract a hair before rounding up so 384.0000000001 (float noise) does not become 385.
    n = np.ceil(n - 1e-9)
    n = np.where(known, np.minimum(n, pop), n)
    return np.maximum(n, 0).astype(np.int64)


def allocate(total: int, populations: Sequence[int], *, minimum: int = MIN_PER_GROUP) -> np.ndarray:
    """Split ``total`` answers over groups proportionally to population (largest remainder).

    Each group gets at least ``min(minimum, N_g)`` and at most ``N_g``. Returns int64 targets
    summing to ``total`` clipped to [sum of floors, sum of populations].
    """
    pop = np.asarray(populations, dtype=float)
    if (pop < 0).any():
        raise ValueError("population cannot be negative")
    floor, cap = np.minimum(float(minimum), pop), pop
    goal = float(min(max(total, floor.sum()), cap.sum()))
    if pop.size == 0 or goal <= floor.sum():
        return floor.astype(np.int64)
    # Find the common sampling fraction lam with sum(clip(lam * N, floor, cap)) == goal;
    # the sum grows monotonically with lam, so bisection is exact enough and always ends.
    lo, hi = 0.0, 1.0
    for _ in range(100):
        mid = (lo + hi) / 2.0
        if np.clip(mid * pop, floor, cap).sum() < goal:
            lo = mid
        else:
            hi = mid
    quota = np.clip(hi * pop, floor, cap)
    # sum(quota) >= goal by a hair only, so the floors never overshoot the goal.
    base = np.floor(quota)
    left = round(float(goal - base.sum()))
    if left > 0:
        # Largest fractional part first; ties go to the larger group, then the earlier one.
        room = np.flatnonzero(base < cap)
        order = sorted(room, key=lambda g: (-(quota[g] - base[g]), -pop[g], g))
        base[np.array(order[:left], dtype=np.int64)] += 1
    return base.astype(np.int64)


@dataclass(frozen=True, slots=True)
class GroupTarget(ToDict):
    """Target and progress of one group and audience (target None: population unknown)."""

    group_id: GroupId
    audience: str
    population: int | None
    target: int | None
    valid: int
    more_needed: int | None
    enough: bool | None


@dataclass(frozen=True, slots=True)
class AudienceTarget(ToDict):
    """Target and progress of one audience over the ward.

    ``target`` is the formula's n for the margin; ``planned`` the sum of the group targets
    (above ``target`` when group floors apply); ``more_needed`` the answers still missing in
    the groups behind plan; ``enough`` is True once every group with a known population has
    reached its target (surplus in one group does not make up for another).
    """

    audience: str
    population: int
    target: int
    planned: int
    valid: int
    more_needed: int
    enough: bool
    groups: tuple[GroupTarget, ...]
    groups_without_population: int


@dataclass(frozen=True, slots=True)
class SampleTargets(ToDict):
    """Sample plan and progress of a round, with the verdict "enough" over all audiences."""

    margin_points: float
    confidence: float
    expected_rate: float
    min_per_group: int
    audiences: tuple[AudienceTarget, ...]
    enough: bool
    more_needed: int


def sample_targets(
    counts: SurveyCounts,
    formula: SurveyFormula,
    *,
    margin_points: float = 5.0,
    confidence: float = 0.95,
    expected_rate: float = 50.0,
    min_per_group: int = MIN_PER_GROUP,
) -> SampleTargets:
    """Targets per audience and group from the known populations, and where the round stands.

    Groups without a known population get no target (and are counted in
    ``groups_without_population``): the ward must enter them for the plan to be complete.
    """
    audiences = []
    for audience in formula.audiences:
        cells = counts.for_audience(audience)
        planned_cells = [c for c in cells if c.population is not None]
        pops = [int(c.population or 0) for c in planned_cells]
        target = int(
            required_sample_size(
                sum(pops),
                margin_points=margin_points,
                confidence=confidence,
                expected_rate=expected_rate,
            )
        )
        shares = dict(
            zip(
                (c.group_id for c in planned_cells),
                allocate(target, pops, minimum=min_per_group).tolist(),
                strict=True,
            )
        )
        groups = []
        for c in cells:
            goal = shares.get(c.group_id) if c.population is not None else None
            more = None if goal is None else max(0, goal - c.valid)
            groups.append(
                GroupTarget(
                    c.group_id, audience, c.population, goal, c.valid, more,
                    None if more is None else more == 0,
                )
            )  # fmt: skip
        more_needed = sum(g.more_needed or 0 for g in groups)
        audiences.append(
            AudienceTarget(
                audience=audience,
                population=sum(pops),
                target=target,
                planned=sum(shares.values()),
                valid=sum(c.valid for c in cells),
                more_needed=more_needed,
                enough=more_needed == 0 and bool(planned_cells),
                groups=tuple(groups),
                groups_without_population=len(cells) - len(planned_cells),
            )
        )
    return SampleTargets(
        margin_points=margin_points,
        confidence=confidence,
        expected_rate=expected_rate,
        min_per_group=min_per_group,
        audiences=tuple(audiences),
        enough=all(a.enough for a in audiences),
        more_needed=sum(a.more_needed for a in audiences),
    )


def achieved_margin(
    valid: int, population: int | None = None, *, confidence: float = 0.95
) -> float | None:
    """Margin (percentage points) the current number of valid answers gives at p = 50 %.

    The inverse of :func:`required_sample_size`, for the progress bar ("±6.8 points now");
    None before the first valid answer.
    """
    if valid <= 0:
        return None
    variance = 0.25 / valid
    if population is not None and population > 1:
        variance *= max(0.0, (population - valid) / (population - 1))
    return 100.0 * z_value(confidence) * math.sqrt(variance)
