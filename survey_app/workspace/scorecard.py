"""The combined scorecard of a round: entered values + survey aggregates → `assessment.score`.

Views never compute scores: they ask `round_score`, which builds the plain inputs from the
stored criterion values and the survey statistics (criterion 13), scores them with the round's
rule version and the ward's locality type, plans the gap and compares with the ward's previous
round. A locked round is shown from its frozen inputs, so the page matches the locked score.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment import (
    GapPlan,
    InputError,
    InvalidInputs,
    RuleSet,
    Scorecard,
    gap_analysis,
    score,
)
from survey_app.models import AssessmentRound, LockedScore
from survey_app.results.counts import c13_inputs
from survey_app.results.frozen import active_lock
from survey_app.rulesets import store as rule_store
from survey_app.workspace.criteria import lang, plain_values, rules_for


@dataclass(frozen=True, slots=True)
class RoundScore:
    """Everything the scorecard page shows; ``errors`` is set when the inputs cannot be scored."""

    round: AssessmentRound
    rules: RuleSet
    inputs: Mapping[str, int | bool]
    card: Scorecard | None
    plan: GapPlan | None
    survey_available: bool
    locked: LockedScore | None = None
    previous_round: AssessmentRound | None = None
    previous_total: int | None = None
    deltas: Mapping[str, int] = field(default_factory=dict)
    errors: tuple[InputError, ...] = ()


def survey_inputs(session: Session, round_id: int) -> dict[str, int]:
    """Criterion 13's counts from the survey statistics (the counted answers only)."""
    return dict(c13_inputs(session, round_id, include_flagged=False))


def round_inputs(session: Session, round_: AssessmentRound) -> tuple[dict[str, Any], bool]:
    """A round's plain inputs (entered values + survey counts); True when the survey fed in."""
    values: dict[str, Any] = dict(plain_values(session, round_.id))
    survey = survey_inputs(session, round_.id)
    if survey is not None:
        values.update(survey)
    return values, survey is not None


def compute(inputs: Mapping[str, Any], rules: RuleSet, locality: str) -> Scorecard:
    """The pure score (raises `InvalidInputs`); here so services and commands share one path."""
    return score(inputs, rules, locality)


def _previous_round(session: Session, round_: AssessmentRound) -> AssessmentRound | None:
    return session.scalars(
        select(AssessmentRound)
        .where(
            AssessmentRound.ward_id == round_.ward_id,
            AssessmentRound.id != round_.id,
            AssessmentRound.period_end < round_.period_start,
        )
        .order_by(AssessmentRound.period_end.desc(), AssessmentRound.id.desc())
        .limit(1)
    ).first()


def criterion_points(session: Session, round_: AssessmentRound) -> dict[str, int] | None:
    """Points per criterion id of a round: from its locked score, else computed now."""
    lock = active_lock(session, round_.id)
    if lock is not None:
        stored = json.loads(lock.scorecard_json)
        return {c["id"]: int(c["points"]) for c in stored["criteria"]}
    inputs, _survey = round_inputs(session, round_)
    try:
        card = compute(inputs, rules_for(round_), round_.ward.locality_type)
    except InvalidInputs:
        return None
    return {c.id: c.points for c in card.criteria}


def round_score(session: Session, round_: AssessmentRound) -> RoundScore:
    """Score a round for display: scorecard, gap plan and the change since the previous round."""
    lock = active_lock(session, round_.id)
    if lock is not None:
        rules = rule_store.load(lock.rule_version, session)
        inputs: dict[str, Any] = json.loads(lock.inputs_json)
        locality, survey = lock.locality, True
    else:
        rules = rules_for(round_)
        inputs, survey = round_inputs(session, round_)
        locality = round_.ward.locality_type
    try:
        card = compute(inputs, rules, locality)
    except InvalidInputs as exc:
        return RoundScore(round_, rules, inputs, None, None, survey, lock, errors=exc.errors)
    plan = gap_analysis(card, rules)
    previous = _previous_round(session, round_)
    before = criterion_points(session, previous) if previous is not None else None
    deltas = {}
    if before is not None:
        deltas = {c.id: c.points - before[c.id] for c in card.criteria if c.id in before}
    return RoundScore(
        round_,
        rules,
        inputs,
        card,
        plan,
        survey,
        lock,
        previous,
        sum(before.values()) if before is not None else None,
        deltas,
    )


def error_messages(result: RoundScore) -> list[str]:
    """The scoring errors of a result in the request's language."""
    language = lang()
    return [e.message(language) for e in result.errors]


__all__ = [
    "RoundScore",
    "active_lock",
    "compute",
    "criterion_points",
    "error_messages",
    "round_inputs",
    "round_score",
    "survey_inputs",
]
