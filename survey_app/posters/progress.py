"""A residential group's survey progress against its target: counts only, small ones hidden.

For the group leader's page. One grouped query over the answer counters of *this group only*
(the overall question: one answer per response); the target comes from the sample plan of the
whole ward, which needs every group's population (entered by staff) but no other group's
answers. Counts below the suppression threshold are shown as "<5" and nothing derived from them
(what is missing, a percentage) is shown either. Only the answers that count toward the target
are shown (not also all questionnaires received: the difference would disclose the number of
"don't know" answers). No answer is ever read.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from assessment import (
    SUPPRESSION_THRESHOLD,
    InstrumentError,
    RuleSetError,
    counts_from_rows,
    load_instrument,
    sample_targets,
)
from survey_app.models import AssessmentRound
from survey_app.results.counts import counted_rows
from survey_app.results.frozen import populations as counted_populations
from survey_app.rulesets import store as rule_store


@dataclass(frozen=True, slots=True)
class AudienceProgress:
    """One audience of one group: what the leader may see."""

    audience: str
    valid: str  # answers that count toward the target (don't-know excluded), or "<5"
    target: int | None  # None: the group's population is not entered
    more_needed: int | None  # None when hidden (small count) or no target
    percent: int | None  # of the target, None when hidden or no target


def shown(count: int, threshold: int = SUPPRESSION_THRESHOLD) -> str:
    """A count as the leader sees it: "<5" from 1 to 4 (0 is "no one yet", not a small cell)."""
    return f"<{threshold}" if 0 < count < threshold else str(count)


def group_progress(
    session: Session, round_: AssessmentRound, group_id: int
) -> list[AudienceProgress]:
    """Progress per audience of one group in a round (counts only, small counts hidden)."""
    try:
        formula = rule_store.load(round_.rule_version, session).survey
        instrument = load_instrument(round_.instrument_version)
    except (RuleSetError, InstrumentError):
        return []
    # Only counted answers (the one definition in results/counts.py): the leader sees what the
    # dashboard and the public page see for this group.
    answer_rows = [
        row
        for row in counted_rows(
            session, round_.id, group_id=group_id, question_id=instrument.overall_question
        )
        if row[1] in formula.audiences
    ]
    populations = {
        key: n
        for key, n in counted_populations(session, round_.id).items()
        if key[1] in formula.audiences
    }
    counts = counts_from_rows(answer_rows, formula, populations)
    plan = sample_targets(counts, formula)
    result = []
    for audience_plan in plan.audiences:
        mine = next((g for g in audience_plan.groups if g.group_id == group_id), None)
        valid = mine.valid if mine else 0
        target = mine.target if mine else None
        hidden = 0 < valid < SUPPRESSION_THRESHOLD
        result.append(
            AudienceProgress(
                audience=audience_plan.audience,
                valid=shown(valid),
                target=target,
                more_needed=None if hidden or target is None else max(0, target - valid),
                percent=None if hidden or not target else min(100, round(100 * valid / target)),
            )
        )
    return result


__all__ = ["AudienceProgress", "group_progress", "shown"]
