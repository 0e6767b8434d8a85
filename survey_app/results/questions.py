"""Ward-wide results of each survey question for the dashboard and the public results page.

The numbers are the column totals of `assessment.survey.stats.question_breakdown` (answers per
value over every group, with the groups the rate table hides left out and complementary
suppression applied). They are computed here with the same `suppression_mask` call as
`question_breakdown` makes, but without building the per-cell shares the page does not show:
30 breakdowns of 100 groups cost more than every other statistic together. A test checks
that both give the same totals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assessment import (
    SUPPRESSION_THRESHOLD,
    GroupId,
    Hidden,
    Instrument,
    SurveyCounts,
    SurveyFormula,
    group_sort_key,
    suppression_mask,
    visible_cells,
)
from survey_app.core.i18n import _l

Shown = int | Hidden
ShownRate = float | Hidden | None

TOPIC_NAMES = {
    "safety": _l("An toàn, không bị bạo lực, xâm hại"),
    "health": _l("Chăm sóc sức khỏe"),
    "school": _l("Đi học"),
    "play": _l("Nơi vui chơi"),
    "participation": _l("Được lắng nghe"),
    "special-protection": _l("Giúp đỡ trẻ em khó khăn"),
    "birth-registration": _l("Khai sinh, giấy tờ"),
    "overall": _l("Hài lòng chung"),
}


@dataclass(frozen=True, slots=True)
class QuestionRow:
    """Ward-wide result of one question for one audience (suppression applied)."""

    question_id: str
    topic: str
    text: str
    audience: str
    answered: Shown
    satisfied: ShownRate  # percent of valid answers (don't-know excluded), see of_valid
    dont_know: ShownRate  # percent of all answers
    satisfied_with_flagged: ShownRate
    of_valid: bool = True  # False: share of all answers (the don't-know count is hidden)


def question_labels(instrument_version: str) -> dict[str, str]:
    """Short topic label per question id, in the order the questionnaires ask them."""
    from assessment import load_instrument

    labels: dict[str, str] = {}
    for audience in load_instrument(instrument_version).audiences:
        for question in audience.questions:
            topic = TOPIC_NAMES.get(question.topic)
            labels.setdefault(question.id, str(topic) if topic is not None else question.id)
    return labels


class _Index:
    """Answer distributions of one SurveyCounts, indexed once by (audience, question)."""

    def __init__(self, counts: SurveyCounts, threshold: int) -> None:
        self.counts = counts
        self.threshold = threshold
        self.visible = visible_cells(counts, threshold=threshold)
        self.dist: defaultdict[tuple[str, str], dict[GroupId, dict[int, int]]] = defaultdict(dict)
        groups: defaultdict[str, set[GroupId]] = defaultdict(set)
        for c in counts.cells:
            groups[c.audience].add(c.group_id)
        for q in counts.questions:
            groups[q.audience].add(q.group_id)
            self.dist[(q.audience, q.question_id)][q.group_id] = dict(q.answers)
        self.groups = {a: sorted(g, key=group_sort_key) for a, g in groups.items()}

    def totals(
        self, question_id: str, audience: str, values: Sequence[int]
    ) -> tuple[dict[int, Shown], Shown]:
        """Column totals per value and the grand total, exactly as question_breakdown shows."""
        groups = self.groups.get(audience, [])
        dist = self.dist.get((audience, question_id), {})
        table = np.array(
            [[dist.get(g, {}).get(v, 0) for v in values] for g in groups], dtype=np.int64
        ).reshape(len(groups), len(values))
        mask = suppression_mask(
            table,
            threshold=self.threshold,
            column_totals=True,
            hide_rows=[(g, audience) not in self.visible for g in groups],
        )
        hide = Hidden(self.threshold)
        sums = table.sum(axis=0)
        columns = {v: hide if mask.column_totals[j] else int(sums[j]) for j, v in enumerate(values)}
        return columns, hide if mask.grand_total else int(table.sum())


def _ratio(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole > 0 else None


def shares(
    columns: dict[int, Shown],
    grand: Shown,
    satisfied_values: Sequence[int],
    dont_know_value: int,
    of_valid: bool = True,
) -> tuple[ShownRate, ShownRate, Shown, bool]:
    """(satisfied share, don't-know share, answers, share of valid?) from shown totals only.

    Only numbers the breakdown itself shows are used, so the shares disclose nothing the
    export does not. When the don't-know total is hidden the satisfied share is taken of all
    answers instead of the valid ones (the last item says which).
    """
    hide = Hidden(SUPPRESSION_THRESHOLD)
    picked = [columns.get(v, 0) for v in satisfied_values]
    dont_know = columns.get(dont_know_value, 0)
    if isinstance(grand, Hidden) or any(isinstance(v, Hidden) for v in picked):
        return grand if isinstance(grand, Hidden) else hide, hide, grand, True
    satisfied = sum(int(v) for v in picked)
    if isinstance(dont_know, Hidden) or not of_valid:
        dk_share = hide if isinstance(dont_know, Hidden) else _ratio(int(dont_know), grand)
        return _ratio(satisfied, grand), dk_share, grand, False
    return _ratio(satisfied, grand - int(dont_know)), _ratio(int(dont_know), grand), grand, True


def question_rows(
    clean: SurveyCounts,
    everything: SurveyCounts,
    formula: SurveyFormula,
    instrument: Instrument,
    lang: str,
    *,
    threshold: int = SUPPRESSION_THRESHOLD,
) -> tuple[QuestionRow, ...]:
    """Per question and audience: answers, satisfied share and don't-know share, ward-wide."""
    values = list(instrument.scale_values)
    clean_index, all_index = _Index(clean, threshold), _Index(everything, threshold)
    dk = formula.dont_know_value
    rows = []
    for audience in formula.audiences:
        if audience not in instrument.audience_ids:
            continue
        for question in instrument.audience(audience).questions:
            columns, grand = clean_index.totals(question.id, audience, values)
            satisfied, dont_know, answered, of_valid = shares(
                columns, grand, formula.satisfied_values, dk
            )
            columns_all, grand_all = all_index.totals(question.id, audience, values)
            # Same basis as the official column, so the two columns compare like with like.
            satisfied_all, _dk, _n, _v = shares(
                columns_all, grand_all, formula.satisfied_values, dk, of_valid
            )
            topic = TOPIC_NAMES.get(question.topic)
            rows.append(
                QuestionRow(
                    question_id=question.id,
                    topic=str(topic) if topic is not None else question.id,
                    text=question.text.get(lang),
                    audience=audience,
                    answered=answered,
                    satisfied=satisfied,
                    dont_know=dont_know,
                    satisfied_with_flagged=satisfied_all,
                    of_valid=of_valid,
                )
            )
    return tuple(rows)
