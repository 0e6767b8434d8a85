"""The criterion-13 formula: how survey answers become a satisfaction rate and points.

The numbers (which answers count as satisfied, how audiences combine, the bands)
come from the rule file; this module only names the computation, so that the
scoring engine and the survey statistics use one definition.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assessment.bands import Band, points_for


@dataclass(frozen=True, slots=True)
class AudienceCounts:
    """Overall-question answers of one audience: satisfied and valid (don't-know excluded)."""

    satisfied: int
    valid: int

    @property
    def rate(self) -> float | None:
        """Satisfied share in percent, or None when nobody gave a valid answer."""
        if self.valid <= 0:
            return None
        return 100.0 * self.satisfied / self.valid


@dataclass(frozen=True, slots=True)
class SurveyFormula:
    """Criterion-13 parameters read from a rule file.

    - ``satisfied_values``: answer codes on the 1-5 scale that count as satisfied;
    - ``dont_know_value``: the code excluded from the denominator;
    - ``audiences``: respondent groups, e.g. ("child", "resident");
    - ``combine``: "mean" (mean of the audience rates) or "pooled" (all answers together);
    - ``overall_question``: id of the instrument question that decides satisfaction;
    - ``bands``: rate (percent) to points, best first.
    """

    satisfied_values: tuple[int, ...]
    dont_know_value: int
    audiences: tuple[str, ...]
    combine: str
    overall_question: str
    bands: tuple[Band, ...]

    def combined_rate(self, counts: Mapping[str, AudienceCounts]) -> float | None:
        """The criterion rate in percent, or None when an audience has no valid answer."""
        parts = [counts.get(a) for a in self.audiences]
        if any(p is None or p.valid <= 0 for p in parts):
            return None
        if self.combine == "pooled":
            satisfied = sum(p.satisfied for p in parts)
            valid = sum(p.valid for p in parts)
            return 100.0 * satisfied / valid
        rates = [p.rate for p in parts]
        return sum(rates) / len(rates)

    def points(self, rate: float) -> int:
        """Points of a combined rate (percent)."""
        return points_for(self.bands, rate, higher_is_better=True)
