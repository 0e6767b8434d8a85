"""Survey answer counts per residential group and audience, built from one SQL GROUP BY.

The database layer runs one grouped query and hands over its rows
``(group_id, audience, question_id, value, n)``; :func:`counts_from_rows` turns them, with a
:class:`~assessment.survey.formula.SurveyFormula`, into the structures every statistic uses.
Which answers count as satisfied or as "don't know" comes from the formula only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from assessment.survey.formula import AudienceCounts, SurveyFormula
from assessment.survey.types import GroupId, ToDict

AnswerRow = tuple[GroupId, str, str, int | None, int]
"""One GROUP BY row: group id, audience, question id, answer value (None = skipped), count."""


def group_sort_key(group_id: GroupId) -> tuple[bool, GroupId]:
    """Order numeric ids before text ids, each in natural order (mixed ids never compare)."""
    return (isinstance(group_id, str), group_id)


@dataclass(frozen=True, slots=True)
class GroupCounts(ToDict):
    """Overall-question answers of one audience in one residential group.

    ``valid`` excludes don't-know; ``population`` is the known number of people of this
    audience living in the group (None when nobody entered it).
    """

    group_id: GroupId
    audience: str
    satisfied: int
    valid: int
    dont_know: int
    population: int | None


@dataclass(frozen=True, slots=True)
class QuestionCounts(ToDict):
    """Answer distribution of one question for one group and audience: (value, n), by value."""

    group_id: GroupId
    audience: str
    question_id: str
    answers: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class CellArrays:
    """Column arrays of one audience's cells, in the order of ``SurveyCounts.for_audience``.

    ``population`` is float with NaN where unknown, so it broadcasts in vectorised formulas.
    """

    group_ids: tuple[GroupId, ...]
    satisfied: np.ndarray
    valid: np.ndarray
    population: np.ndarray


@dataclass(frozen=True, slots=True)
class SurveyCounts(ToDict):
    """All counts of one round: one cell per (group, audience) and the per-question breakdown."""

    audiences: tuple[str, ...]
    cells: tuple[GroupCounts, ...]
    questions: tuple[QuestionCounts, ...]

    def for_audience(self, audience: str) -> tuple[GroupCounts, ...]:
        """The cells of one audience, ordered by group."""
        return tuple(c for c in self.cells if c.audience == audience)

    def arrays(self, audience: str) -> CellArrays:
        """The cells of one audience as numpy columns (for vectorised statistics)."""
        cells = self.for_audience(audience)
        return CellArrays(
            group_ids=tuple(c.group_id for c in cells),
            satisfied=np.array([c.satisfied for c in cells], dtype=float),
            valid=np.array([c.valid for c in cells], dtype=float),
            population=np.array(
                [np.nan if c.population is None else c.population for c in cells], dtype=float
            ),
        )

    def totals(self) -> dict[str, AudienceCounts]:
        """Satisfied and valid answers per audience, ready for ``SurveyFormula.combined_rate``."""
        return {
            a: AudienceCounts(
                satisfied=sum(c.satisfied for c in self.for_audience(a)),
                valid=sum(c.valid for c in self.for_audience(a)),
            )
            for a in self.audiences
        }


def counts_from_rows(
    rows: Iterable[AnswerRow],
    formula: SurveyFormula,
    populations: Mapping[tuple[GroupId, str], int] | None = None,
) -> SurveyCounts:
    """Build :class:`SurveyCounts` from the rows of one grouped query.

    ``populations`` maps (group id, audience) to the known population; a group with a
    population but no answer yet still gets a cell (its progress is 0). Rows with a ``None``
    value (question skipped) or ``n == 0`` are ignored; duplicate keys are summed. Raises
    ``ValueError`` for an audience the formula does not know or a negative count, because
    either means the query and the rule file disagree.
    """
    satisfied_values = frozenset(formula.satisfied_values)
    cell: defaultdict[tuple[GroupId, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    distribution: defaultdict[tuple[GroupId, str, str], Counter[int]] = defaultdict(Counter)
    for group_id, audience, question_id, value, n in rows:
        _check_audience(audience, formula)
        count = int(n)
        if count < 0:
            raise ValueError(f"negative count {count} for group {group_id!r}")
        if value is None or count == 0:
            continue
        answer = int(value)
        distribution[(group_id, audience, question_id)][answer] += count
        if question_id != formula.overall_question:
            continue
        sat_valid_dk = cell[(group_id, audience)]
        if answer == formula.dont_know_value:
            sat_valid_dk[2] += count
        else:
            sat_valid_dk[1] += count
            sat_valid_dk[0] += count if answer in satisfied_values else 0

    known = dict(populations or {})
    for (group_id, audience), population in known.items():
        _check_audience(audience, formula)
        if int(population) < 0:
            raise ValueError(f"negative population for group {group_id!r}")

    order = {a: i for i, a in enumerate(formula.audiences)}

    def key(k: tuple[GroupId, str]) -> tuple[int, tuple[bool, GroupId]]:
        return (order[k[1]], group_sort_key(k[0]))

    cells = []
    for k in sorted(set(cell) | set(known), key=key):
        sat, valid, dont_know = cell.get(k, [0, 0, 0])
        pop = known.get(k)
        cells.append(
            GroupCounts(k[0], k[1], sat, valid, dont_know, None if pop is None else int(pop))
        )
    questions = tuple(
        QuestionCounts(g, a, q, tuple(sorted(distribution[(g, a, q)].items())))
        for g, a, q in sorted(distribution, key=lambda k: (key(k[:2]), k[2]))
    )
    return SurveyCounts(tuple(formula.audiences), tuple(cells), questions)


def _check_audience(audience: str, formula: SurveyFormula) -> None:
    if audience not in formula.audiences:
        raise ValueError(f"unknown audience {audience!r}; the formula has {formula.audiences}")
