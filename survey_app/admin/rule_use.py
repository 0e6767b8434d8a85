"""Choose the rule version a round is scored with (before it is consolidated), audited."""

from __future__ import annotations

from sqlalchemy.orm import Session

from survey_app.audit import log as audit
from survey_app.models import AssessmentRound, User
from survey_app.rulesets import store as rule_store
from survey_app.workspace.workflow import stage, stage_at_least


class RuleUseError(ValueError):
    """A choice that is refused: ``status`` 409 (round too far along) or 422 (bad version)."""

    def __init__(self, message: str, status: int) -> None:
        self.status = status
        super().__init__(message)


def check_choice(session: Session, round_: AssessmentRound, version: str) -> None:
    """Raise RuleUseError unless ``round_`` may switch to ``version`` now."""
    if stage_at_least(stage(session, round_.id), "consolidated"):
        raise RuleUseError("consolidated", 409)
    if not rule_store.is_shipped(version) and not rule_store.may_use(
        round_.ward_id, rule_store.stored_version(session, version)
    ):
        raise RuleUseError("unknown", 422)
    if version == round_.rule_version:
        raise RuleUseError("same", 422)


def choose_round_rules(
    session: Session, round_: AssessmentRound, version: str, *, actor: User, reason: str = ""
) -> AssessmentRound:
    """Score ``round_`` with ``version`` from now on (in the caller's transaction, audited).

    Refused once the round is consolidated or later (its figures are under review or locked):
    reopen it first. Entered values are kept; inputs the new version no longer reads are unused.
    """
    check_choice(session, round_, version)
    rule_store.load(version, session)  # a stored text that no longer loads is never chosen
    old = {"rule_version": round_.rule_version}
    round_.rule_version = version
    session.flush()
    audit.record(
        session,
        action="assessment_round.rule_version",
        entity="assessment_round",
        entity_id=round_.id,
        old=old,
        new={"rule_version": version},
        reason=reason,
        actor=actor,
        ward_id=round_.ward_id,
    )
    return round_
