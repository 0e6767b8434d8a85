"""Where a round stands, read side: its workflow row, its stage, and the locked score's check.

The lifecycle itself (what each stage allows, which step leads where) is the table of
survey_app/core/lifecycle.py; the steps are the service functions of
survey_app/workspace/lifecycle.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy.orm import Session

from assessment import RuleSetError, inputs_sha256
from survey_app.core import lifecycle as table
from survey_app.models import AssessmentRound, LockedScore, RoundWorkflow
from survey_app.rulesets import store as rule_store
from survey_app.workspace.criteria import plain_values, sections, stage_of
from survey_app.workspace.scorecard import active_lock, compute


@dataclass(frozen=True, slots=True)
class VerifyOutcome:
    """The result of `verify_locked`: ok, or every difference found."""

    ok: bool
    problems: tuple[str, ...]
    lock: LockedScore | None = None


def workflow(session: Session, round_id: int) -> RoundWorkflow | None:
    """The stored workflow row of a round (None until its first step)."""
    return session.get(RoundWorkflow, round_id)


stage = stage_of  # the round's stage ("entering" until its first step)
stage_at_least = table.stage_at_least


def verify_locked(session: Session, round_: AssessmentRound) -> VerifyOutcome:
    """Recompute a locked score from its stored inputs and rule version; name every difference.

    Checks the stored inputs against their hash, the recomputed total and verdict against the
    stored ones, the rule file against the hash it had, and the values in the database against
    the locked inputs (a value changed after locking).
    """
    lock = active_lock(session, round_.id)
    if lock is None:
        return VerifyOutcome(False, ("round has no locked score",))
    problems: list[str] = []
    try:
        inputs = json.loads(lock.inputs_json)
        rules = rule_store.load(lock.rule_version, session)
        card = compute(inputs, rules, lock.locality)
    except (ValueError, RuleSetError) as exc:  # InvalidInputs and JSON errors are ValueErrors
        return VerifyOutcome(False, (f"stored inputs cannot be rescored: {exc}",), lock)
    if inputs_sha256(inputs) != lock.inputs_sha256:
        problems.append(
            f"inputs hash differs: stored {lock.inputs_sha256}, recomputed {inputs_sha256(inputs)}"
        )
    if rules.sha256 != lock.rules_sha256:
        problems.append(f"rule file {lock.rule_version} changed since locking")
    if card.total != lock.total:
        problems.append(f"total differs: stored {lock.total}, recomputed {card.total}")
    if card.recognised != lock.recognised:
        problems.append(f"verdict differs: stored {lock.recognised}, recomputed {card.recognised}")
    stored = json.loads(lock.scorecard_json)
    if stored.get("inputs_sha256") != lock.inputs_sha256 or stored.get("total") != lock.total:
        problems.append("stored scorecard does not match the locked hash or total")
    current = plain_values(session, round_.id)
    survey_keys = {spec.key for part in sections(rules) if part.from_survey for spec in part.inputs}
    for key in sorted((set(current) | set(inputs)) - survey_keys):
        if inputs.get(key) != current.get(key):
            problems.append(f"{key}: database {current.get(key)!r} ≠ locked {inputs.get(key)!r}")
    return VerifyOutcome(not problems, tuple(problems), lock)


__all__ = [
    "VerifyOutcome",
    "stage",
    "stage_at_least",
    "verify_locked",
    "workflow",
]
