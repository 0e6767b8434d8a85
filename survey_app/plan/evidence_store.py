"""Evidence of the plan's activities in the database: attach a checked file (stored once per
content hash), and find the evidence linked to a rule-file input (entry forms, dossier notes)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.audit import log as audit
from survey_app.models import AssessmentRound, Evidence, EvidenceFile, Plan, PlanActivity, User
from survey_app.plan.evidence import MAX_FILES, CheckedFile, EvidenceError


def add_evidence(
    session: Session, activity: PlanActivity, checked: CheckedFile, *, caption: str, actor: User
) -> Evidence:
    """Attach a checked file to ``activity``; its bytes are stored once per content."""
    if len(activity.evidence) >= MAX_FILES:
        raise EvidenceError(f"mỗi hoạt động có tối đa {MAX_FILES} tệp minh chứng")
    if session.get(EvidenceFile, checked.sha256) is None:
        session.add(
            EvidenceFile(
                sha256=checked.sha256,
                content_type=checked.content_type,
                size=len(checked.data),
                data=checked.data,
            )
        )
        session.flush()  # the file row first: evidence rows point at it (no relationship)
    item = Evidence(
        activity_id=activity.id,
        sha256=checked.sha256,
        filename=checked.filename,
        content_type=checked.content_type,
        size=len(checked.data),
        caption=caption.strip()[:300],
        uploaded_by=actor.id,
    )
    session.add(item)
    session.flush()
    audit.record(
        session,
        action="create",
        entity="evidence",
        entity_id=item.id,
        old=None,
        new={
            "activity": activity.id,
            "file": item.filename,
            "sha256": item.sha256,
            "size": item.size,
        },
        actor=actor,
        ward_id=activity.plan.ward_id,
    )
    return item


def evidence_for_indicator(
    session: Session, ward_id: int, year: int, indicator: str
) -> list[tuple[PlanActivity, Evidence]]:
    """The evidence of the ward's plan of ``year`` linked to a rule-file input (for the entry
    form and the dossier's source notes)."""
    rows = session.execute(
        select(PlanActivity, Evidence)
        .join(Plan, Plan.id == PlanActivity.plan_id)
        .join(Evidence, Evidence.activity_id == PlanActivity.id)
        .where(Plan.ward_id == ward_id, Plan.year == year, PlanActivity.indicator == indicator)
        .order_by(PlanActivity.position, Evidence.id)
    )
    return [(a, e) for a, e in rows]


def plan_evidence(
    session: Session, round_: AssessmentRound, keys: list[str]
) -> dict[str, list[tuple[PlanActivity, Evidence]]]:
    """For each input key, the evidence of the plan of the round's year linked to it."""
    year = round_.period_start.year
    found = {key: evidence_for_indicator(session, round_.ward_id, year, key) for key in keys}
    return {key: rows for key, rows in found.items() if rows}
