"""Builders shared by the survey-statistics tests: the DOMAIN default formula and counts."""

from __future__ import annotations

from collections.abc import Mapping

from assessment.bands import Band
from assessment.survey.counts import AnswerRow, SurveyCounts, counts_from_rows
from assessment.survey.formula import SurveyFormula
from assessment.survey.types import GroupId

OVERALL = "overall"


def default_formula(
    combine: str = "mean", audiences: tuple[str, ...] = ("child", "resident")
) -> SurveyFormula:
    """DOMAIN.md defaults: satisfied 4-5, don't know 0, mean of audiences, provisional bands."""
    return SurveyFormula(
        satisfied_values=(4, 5),
        dont_know_value=0,
        audiences=audiences,
        combine=combine,
        overall_question=OVERALL,
        bands=(Band(90, 100), Band(80, 75), Band(70, 50), Band(50, 25)),
    )


def overall_rows(
    cells: Mapping[tuple[GroupId, str], tuple[int, int, int]],
) -> list[AnswerRow]:
    """Rows for (satisfied, not satisfied, don't know) per (group, audience) cell.

    Satisfied answers are split over 4 and 5, the others over 1-3, as the database would
    return them.
    """
    rows: list[AnswerRow] = []
    for (group, audience), (sat, unsat, dont_know) in cells.items():
        rows += [
            (group, audience, OVERALL, 5, sat // 2),
            (group, audience, OVERALL, 4, sat - sat // 2),
        ]
        rows += [
            (group, audience, OVERALL, 3, unsat // 2),
            (group, audience, OVERALL, 1, unsat - unsat // 2),
        ]
        rows.append((group, audience, OVERALL, 0, dont_know))
    return rows


def make_counts(
    cells: Mapping[tuple[GroupId, str], tuple[int, int, int]],
    populations: Mapping[tuple[GroupId, str], int] | None = None,
    formula: SurveyFormula | None = None,
) -> SurveyCounts:
    """SurveyCounts from (satisfied, not satisfied, don't know) per cell."""
    return counts_from_rows(overall_rows(cells), formula or default_formula(), populations)
