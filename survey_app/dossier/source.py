"""Build the dossier's plain data (`survey_app.dossier.data.DossierData`) from a round.

The renderer never touches the database; this module reads the ward, the round, its score
(the locked one when locked), the source notes with the plan's evidence linked to each input,
the unit in charge of each criterion, the council's approvals, the audit chain head, and the
criterion-13 survey statistics (official figures: flagged answers left out).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from survey_app.admin.council import council_of
from survey_app.audit import log as audit
from survey_app.core.fonts import nfc
from survey_app.dossier import data as dd
from survey_app.dossier.parts import in_text
from survey_app.dossier.texts import vietnam_date
from survey_app.models import (
    AssessmentRound,
    Evidence,
    PlanActivity,
    RoundWorkflow,
    User,
    Ward,
)
from survey_app.plan.evidence_store import plan_evidence
from survey_app.plan.owners import round_owners
from survey_app.posting import answers
from survey_app.posting import service as posting
from survey_app.results import frozen
from survey_app.results.counts import formula_for
from survey_app.results.dashboard import figures, load_counts
from survey_app.workspace.criteria import sections, stored_values
from survey_app.workspace.scorecard import round_score
from survey_app.workspace.workflow import stage, workflow

# The dossier is printed in one language, independent of the request's.
APPROVAL_STEPS = {
    "vi": ("Tổng hợp", "Phê duyệt lần 1", "Phê duyệt lần 2"),
    "en": ("Consolidated", "First approval", "Second approval"),
}


# A council member's place as the minutes print it after name and position ("" = nothing).
COUNCIL_PLACES = {
    "vi": {"vice_chair": "Phó Chủ tịch Hội đồng", "member": "Ủy viên", "secretary": "Thư ký"},
    "en": {"vice_chair": "Vice-chair of the council", "member": "Member", "secretary": "Secretary"},
}


# Display names that describe a role or an office, not a person (the demo's accounts carry
# "Thành viên Hội đồng đánh giá", "Công chức Văn hóa - Xã hội"): never printed as a person.
ROLE_LIKE_PREFIXES = (
    "thành viên",
    "quản trị",
    "công chức",
    "công an",
    "trạm y tế",
    "tổ trưởng",
    "người xem",
    "các trường",
    "đoàn thanh niên",
    "hội đồng",
    "chủ tịch",
    "phó chủ tịch",
    "cán bộ",
    "ủy ban",
    "ubnd",
)


def looks_like_role(name: str) -> bool:
    """True when ``name`` reads as an office or a role rather than a person's name."""
    return nfc(name).strip().lower().startswith(ROLE_LIKE_PREFIXES)


def person_name(user: User | None) -> str:
    """A person's name as printed: the full name, else a display name that is a person's name.

    Never the login, never a role or an office ("" instead).
    """
    if user is None:
        return ""
    for candidate in (getattr(user, "full_name", ""), user.display_name):
        name = (candidate or "").strip()
        if name and not looks_like_role(name):
            return name
    return ""


def person_position(user: User) -> str:
    """A person's office as printed ("Trưởng Trạm Y tế phường"), "" when unknown (never a role)."""
    return (getattr(user, "position", "") or "").strip()


def _name(session: Session, user_id: int | None) -> str:
    return person_name(session.get(User, user_id) if user_id is not None else None)


def council_members(
    session: Session, ward_id: int, language: str = "vi"
) -> tuple[dd.CouncilMember, ...]:
    """The ward's council as people: names, positions and places from the ward's council list
    (admin/council.py), in its order; the chair is printed on its own line, not here.

    Login accounts are never read: a ward without a council list prints the "not entered"
    line instead of members.
    """
    places = COUNCIL_PLACES["en" if language == "en" else "vi"]
    return tuple(
        dd.CouncilMember(p.name, p.position, council_role=places.get(p.council_role, ""))
        for p in council_of(session, ward_id).members
    )


def council_section(
    session: Session, ward: Ward, approvals: tuple[dd.Approval, ...], language: str
) -> dd.CouncilSection:
    """The minutes' council: chair (the list's, else the ward's chair fields), members and
    secretary from the ward's council list, and the recorded approvals."""
    council = council_of(session, ward.id)
    chair = council.chair
    secretary = next((p.name for p in council.members if p.council_role == "secretary"), "")
    return dd.CouncilSection(
        chair_name=chair.name if chair is not None else ward.chair_name,
        chair_title=chair.position if chair is not None else ward.chair_title,
        members=council_members(session, ward.id, language),
        approvals=approvals,
        secretary=secretary,
    )


def _value_text(value: int | bool | None, language: str) -> str:
    if isinstance(value, bool):
        return {("vi", True): "có", ("vi", False): "không"}.get(
            (language, value), "yes" if value else "no"
        )
    return "" if value is None else str(value)


def survey_section(session: Session, round_: AssessmentRound) -> dd.SurveySection:
    """The printed criterion-13 section: respondents, targets, rates, points and certainty."""
    formula = formula_for(round_)
    clean, _everything = load_counts(session, round_, formula)
    official = figures(clean, formula, include_flagged=False)
    counted = frozen.tallies(session, round_.id)  # a locked round: as recorded at the lock
    return dd.survey_section_from(
        official.rates,
        official.targets,
        official.certainty,
        flagged_excluded=counted.not_counted,
        groups=counted.groups,
        qr_responses=counted.by_channel.get("qr", 0),
        paper_responses=counted.by_channel.get("paper", 0),
        started_on=round_.period_start,
        ended_on=round_.period_end,
        satisfied_values=", ".join(str(v) for v in formula.satisfied_values),
    )


def _posting(session: Session, round_: AssessmentRound) -> dd.Posting | None:
    """The recorded public posting: its period, and the residents' comments it drew and how
    many the ward answered (from the posting page's feedback)."""
    period = posting.period_of_round(session, round_)
    if period is None:
        return None
    counts = answers.feedback_counts(session, round_.id)
    return dd.Posting(period.start, period.end, comments=counts.received, answered=counts.answered)


def _override(session: Session, flow: RoundWorkflow | None) -> dd.Override | None:
    """The administrator's recorded override of provisional rules, if any (printed in part VI
    and the annex): the reason, when, and who as a person (`person_name`: "" when the account
    has no person's name, never its login or its role)."""
    if flow is None or not flow.provisional_override_reason:
        return None
    return dd.Override(
        flow.provisional_override_reason,
        _override_by(session, flow),
        flow.provisional_override_at,
    )


def _override_by(session: Session, flow: RoundWorkflow) -> str:
    """The person who allowed the override: the account of its audit row (the workflow keeps
    only the account's display name or login, which may be a role: "Quản trị hệ thống")."""
    rows = [
        row
        for row in audit.history(session, "round", flow.round_id)
        if row.action == "round.allow_provisional"
    ]
    if rows and rows[-1].actor_id is not None:
        return _name(session, rows[-1].actor_id)
    stored = flow.provisional_override_by.strip()  # no audit row: recorded by other means
    return "" if looks_like_role(stored) else stored


def evidence_notes(
    rows: list[tuple[PlanActivity, Evidence]],
) -> tuple[dd.PlanEvidence, ...]:
    """The plan's evidence of one input, one entry per activity with its files in order."""
    by_activity: dict[int, tuple[PlanActivity, list[str]]] = {}
    for activity, item in rows:
        by_activity.setdefault(activity.id, (activity, []))[1].append(item.filename)
    return tuple(
        dd.PlanEvidence(activity.title, activity.done_on, tuple(files))
        for activity, files in by_activity.values()
    )


def build_dossier_data(session: Session, round_: AssessmentRound, language: str) -> Any:
    """A round's `DossierData` in ``language`` ("vi"/"en"); ValueError if it cannot be scored."""
    result = round_score(session, round_)
    if result.card is None:
        raise ValueError("; ".join(e.message(language) for e in result.errors))
    rules, ward = result.rules, round_.ward
    stored = stored_values(session, round_.id)
    yes_no = [spec.key for spec in rules.inputs if spec.type == "yes_no"]
    evidence = plan_evidence(session, round_, yes_no)
    notes = []
    for part in sections(rules):
        for spec in part.inputs:
            row = stored.get(spec.key)
            if row is None or part.from_survey:
                continue
            notes.append(
                dd.SourceNote(
                    criterion_id=part.id,
                    input_key=spec.key,
                    label=spec.label.get(language),
                    value=_value_text(row.plain, language),
                    note=row.source_note,
                    unit=spec.unit.get(language) if spec.unit else "",
                    entered_by=_name(session, row.updated_by_id),
                    updated_at=row.updated_at,
                    evidence=evidence_notes(evidence.get(spec.key, [])),
                )
            )
    flow = workflow(session, round_.id)
    approvals = []
    if flow is not None:
        steps = (
            (flow.consolidated_by_id, flow.consolidated_at),
            (flow.first_approved_by_id, flow.first_approved_at),
            (flow.second_approved_by_id, flow.second_approved_at),
        )
        roles = APPROVAL_STEPS["en" if language == "en" else "vi"]
        approvals = [
            dd.Approval(_name(session, u), r, at)
            for (u, at), r in zip(steps, roles, strict=True)
            if u and at
        ]
    lock = result.locked
    sent_on = flow.sent_on if flow is not None else None
    report_day = sent_on or (vietnam_date(lock.locked_at) if lock is not None else None)
    # The locality the score was computed for: a locked round's recorded one, never the
    # ward's type edited since (its threshold decided the verdict).
    locality = rules.locality(result.card.locality)
    return dd.DossierData(
        ward_name=ward.name,
        # Set per ward; the province is only a guess (wrong for a ward of a city).
        ward_admin_parent=ward.parent_body
        or (f"UBND {ward.province.upper()}" if ward.province else ""),
        province=ward.province,
        place_name=ward.name.removeprefix("Phường ").removeprefix("Xã "),
        # Printed mid-sentence ("ngưỡng … đối với các xã, phường …"); never the type's key.
        locality_label=in_text(locality.label.get(language), language) if locality else "",
        recognising_authority=ward.recognising_authority,
        round_name=round_.name,
        period_start=round_.period_start,
        period_end=round_.period_end,
        document_number="",
        issued_on=report_day,
        rules=rules,
        scorecard=result.card,
        gaps=result.plan,
        source_notes=tuple(notes),
        owners=round_owners(session, round_, rules),
        survey=survey_section(session, round_),
        council=council_section(session, ward, tuple(approvals), language),
        stage=stage(session, round_.id),
        locked=(
            dd.LockInfo(lock.inputs_sha256, _name(session, lock.locked_by_id), lock.locked_at)
            if lock is not None
            else None
        ),
        audit_head=audit.chain_head(session),
        signer_name=ward.signer_name,
        signer_title=dd.SIGNER_TITLES.get(ward.signer_role, dd.SIGNER_CHAIR),
        language="en" if language == "en" else "vi",
        letter_number=flow.letter_number if flow is not None else "",
        sent_on=sent_on,
        posting=_posting(session, round_),
        override=_override(session, flow),
    )
