"""Criterion values entered by the owner units: record, validate, submit; every change audited.

What a unit enters comes from the round's rule file: each criterion's ``inputs`` form one
section, owned by the unit the round's assignment puts in charge of it (the ward's plan for
the year, else the rule file: `survey_app.plan.owners`); the shared inputs ("ward.children")
form a section of their own, entered by the culture-social officer. A value is checked
against the rule file's range and, with the values already stored, against the scoring
library's `validate_inputs` (a part never exceeds its whole). Each function runs inside the
caller's write transaction and writes its audit rows there, so a change and its record are
stored together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from flask import has_request_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment import InputSpec, InvalidInputs, RuleSet, validate_inputs
from survey_app.audit import log as audit
from survey_app.core.i18n import _, current_language
from survey_app.core.permissions import can_access_ward, can_edit_unit
from survey_app.models import AssessmentRound, CriterionEntry, CriterionValue, RoundWorkflow, User
from survey_app.models.criteria import SOURCE_NOTE_MAX
from survey_app.plan.owners import round_owners
from survey_app.workspace.sections import (  # re-exported: callers use criteria.*
    SHARED_SECTION,
    Section,
    entered_sections,
    readable_sections,
    rules_for,
    section,
    sections,
)

Value = int | bool | None


class WorkspaceError(ValueError):
    """A request the staff workspace refuses; ``status`` is the HTTP code it maps to.

    ``errors`` maps an input key to the message shown next to its field.
    """

    def __init__(
        self, message: str, *, status: int = 422, errors: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.errors = dict(errors or {})


def note_key(key: str) -> str:
    """The key of a source-note message in ``WorkspaceError.errors`` (values use the input key)."""
    return f"{key}#note"


def lang() -> str:
    """The language of the current request, Vietnamese outside one (commands)."""
    return current_language() if has_request_context() else "vi"


def now() -> dt.datetime:
    """The current UTC time without tzinfo (how every timestamp here is stored)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def stored_values(session: Session, round_id: int) -> dict[str, CriterionValue]:
    """Every stored value row of a round, by input key."""
    rows = session.scalars(select(CriterionValue).where(CriterionValue.round_id == round_id))
    return {row.key: row for row in rows}


def plain_values(session: Session, round_id: int) -> dict[str, int | bool]:
    """The entered values of a round as the scoring library takes them (missing ones left out)."""
    return {
        k: row.plain for k, row in stored_values(session, round_id).items() if row.plain is not None
    }


def entries(session: Session, round_id: int) -> dict[str, CriterionEntry]:
    """The entry state rows of a round, by section id (absent = draft, nothing entered)."""
    rows = session.scalars(select(CriterionEntry).where(CriterionEntry.round_id == round_id))
    return {row.criterion: row for row in rows}


def stage_of(session: Session, round_id: int) -> str:
    """The workflow stage of a round ("entering" until the first step is taken)."""
    flow = session.get(RoundWorkflow, round_id)
    return flow.stage if flow is not None else "entering"


def round_sections(session: Session, round_: AssessmentRound) -> list[Section]:
    """The round's sections, each owned by the unit its assignment puts in charge."""
    rules = rules_for(round_)
    return sections(rules, round_owners(session, round_, rules))


def round_section(session: Session, round_: AssessmentRound, section_id: str) -> Section:
    """One section of the round with its unit in charge (KeyError when there is none)."""
    rules = rules_for(round_)
    return section(rules, section_id, round_owners(session, round_, rules))


def check_may_edit(session: Session, round_: AssessmentRound, part: Section, actor: User) -> None:
    """Raise `WorkspaceError` (403 not the actor's unit, 409 survey-fed or past entry) or pass."""
    if not can_access_ward(actor, round_.ward_id) or not can_edit_unit(actor, part.unit):
        raise WorkspaceError(_("Bạn không được nhập số liệu của tiêu chí này."), status=403)
    if part.from_survey:
        raise WorkspaceError(_("Tiêu chí này lấy số liệu từ phiếu khảo sát."), status=409)
    if stage_of(session, round_.id) != "entering":
        raise WorkspaceError(
            _("Đợt đánh giá đã được tổng hợp: muốn sửa số liệu phải mở lại đợt (ghi rõ lý do)."),
            status=409,
        )


def _label(spec: InputSpec, language: str) -> str:
    return spec.label.get(language)


def check_values(
    rules: RuleSet, part: Section, values: Mapping[str, Value], others: Mapping[str, int | bool]
) -> dict[str, str]:
    """Messages by input key for every value that cannot be stored (empty when all are fine).

    ``others`` are the round's values already stored, so a part is compared with its whole
    even when only one of them changes.
    """
    language = lang()
    specs = {spec.key: spec for spec in part.inputs}
    errors: dict[str, str] = {}
    for key, value in values.items():
        spec = specs.get(key)
        if spec is None:
            errors[key] = _("Số liệu %(key)s không thuộc mục này.", key=key)
        elif value is None:
            continue
        elif spec.type == "yes_no":
            if not isinstance(value, bool):
                errors[key] = _("%(label)s: chọn Có hoặc Không.", label=_label(spec, language))
        elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors[key] = _("%(label)s phải là số nguyên không âm.", label=_label(spec, language))
        elif value < spec.minimum or (spec.maximum is not None and value > spec.maximum):
            errors[key] = _(
                "%(label)s phải trong khoảng %(low)d – %(high)d.",
                label=_label(spec, language),
                low=spec.minimum,
                high=spec.maximum if spec.maximum is not None else value,
            )
    if errors:
        return errors
    merged = {k: v for k, v in others.items() if k not in values}
    merged.update({k: v for k, v in values.items() if v is not None})
    errors.update(_ratio_errors(rules, merged, set(values), language))
    if not errors:
        try:
            validate_inputs(merged, rules)
        except InvalidInputs as exc:  # a rule the checks above do not know yet
            for problem in exc.errors:
                errors.setdefault(problem.key, problem.message(language))
    return errors


def _ratio_errors(
    rules: RuleSet, merged: Mapping[str, int | bool], changed: set[str], language: str
) -> dict[str, str]:
    """A numerator larger than its denominator, named by both labels."""
    errors: dict[str, str] = {}
    for crit in rules.criteria:
        for ind in crit.indicators:
            if ind.scale != "percent" or not ind.numerator or not ind.denominator:
                continue
            part, whole = ind.numerator, ind.denominator
            if part not in merged or whole not in merged or not ({part, whole} & changed):
                continue
            if int(merged[part]) > int(merged[whole]):
                part_spec, whole_spec = rules.input(part), rules.input(whole)
                assert part_spec is not None and whole_spec is not None  # validated rule file
                errors[part if part in changed else whole] = _(
                    "Số “%(part)s” (%(got)d) lớn hơn số “%(whole)s” (%(limit)d): kiểm tra lại.",
                    part=_label(part_spec, language),
                    got=int(merged[part]),
                    whole=_label(whole_spec, language),
                    limit=int(merged[whole]),
                )
    return errors


def _snapshot(row: CriterionValue | None) -> dict[str, object] | None:
    if row is None:
        return None
    return {"value": row.plain, "source_note": row.source_note}


def _entry_for_update(session: Session, round_id: int, section_id: str) -> CriterionEntry:
    entry = session.scalars(
        select(CriterionEntry).where(
            CriterionEntry.round_id == round_id, CriterionEntry.criterion == section_id
        )
    ).first()
    if entry is None:
        entry = CriterionEntry(round_id=round_id, criterion=section_id, state="draft")
        session.add(entry)
    return entry


def record_criterion_values(
    session: Session,
    round_: AssessmentRound,
    section_id: str,
    values: Mapping[str, Value],
    notes: Mapping[str, str],
    *,
    actor: User,
    reason: str = "",
) -> int:
    """Store a section's values and source notes; returns how many values changed.

    A value of None means "not entered yet" (a draft may be incomplete). Refuses (raising
    `WorkspaceError`) a section the actor's unit does not own (403), a round past entry
    (409) and any invalid value (422, every message by field); nothing is written then. Each
    changed value gets an audit row with its old and new value and ``reason``; a change to a
    submitted section returns it to draft (also audited).
    """
    rules = rules_for(round_)
    part = section(rules, section_id, round_owners(session, round_, rules))
    check_may_edit(session, round_, part, actor)
    for key, note in notes.items():
        if len(note) > SOURCE_NOTE_MAX:
            raise WorkspaceError(
                _("Ghi chú nguồn dài quá %(n)d ký tự.", n=SOURCE_NOTE_MAX),
                errors={note_key(key): _("Ghi chú nguồn dài quá %(n)d ký tự.", n=SOURCE_NOTE_MAX)},
            )
    stored = stored_values(session, round_.id)
    others = {k: row.plain for k, row in stored.items() if row.plain is not None}
    errors = check_values(rules, part, values, others)
    if errors:
        raise WorkspaceError(_("Số liệu chưa hợp lệ, xem thông báo ở từng ô."), errors=errors)
    specs = {spec.key: spec for spec in part.inputs}
    changed = 0
    for key in specs:
        if key not in values and key not in notes:
            continue
        row = stored.get(key)
        old = _snapshot(row)
        value = values.get(key, row.plain if row else None)
        note = notes.get(key, row.source_note if row else "").strip()
        if old == {"value": value, "source_note": note}:
            continue
        if row is None:
            kind = "yes_no" if specs[key].type == "yes_no" else "count"
            row = CriterionValue(round_id=round_.id, key=key, kind=kind)
            session.add(row)
        row.value = None if value is None else int(value)
        row.source_note = note
        row.updated_by_id = actor.id
        row.updated_at = now()
        changed += 1
        audit.record(
            session,
            action="criterion_value.update",
            entity="criterion_value",
            entity_id=f"{round_.id}:{key}",
            old=old,
            new=_snapshot(row),
            reason=reason,
            actor=actor,
            ward_id=round_.ward_id,
        )
    if changed:
        entry = _entry_for_update(session, round_.id, section_id)
        entry.unit = part.unit  # the unit in charge now: the round keeps it once entry closes
        if entry.state == "submitted":
            _set_state(session, round_, entry, "draft", actor, reason or _("Sửa số liệu đã gửi"))
    session.flush()
    return changed


def record_criterion_value(
    session: Session,
    round_: AssessmentRound,
    key: str,
    value: Value,
    *,
    source_note: str,
    actor: User,
    reason: str = "",
) -> int:
    """Store one value (e.g. "c2.births") with its source note; see `record_criterion_values`."""
    spec = rules_for(round_).input(key)
    if spec is None:
        raise WorkspaceError(_("Số liệu %(key)s không thuộc mục này.", key=key), status=404)
    return record_criterion_values(
        session, round_, spec.group, {key: value}, {key: source_note}, actor=actor, reason=reason
    )


def _set_state(
    session: Session,
    round_: AssessmentRound,
    entry: CriterionEntry,
    state: str,
    actor: User,
    reason: str,
) -> None:
    old = {"state": entry.state}
    entry.state = state
    entry.submitted_by_id = actor.id if state == "submitted" else None
    entry.submitted_at = now() if state == "submitted" else None
    session.flush()
    audit.record(
        session,
        action=f"criterion_entry.{state}",
        entity="criterion_entry",
        entity_id=f"{round_.id}:{entry.criterion}",
        old=old,
        new={"state": state},
        reason=reason,
        actor=actor,
        ward_id=round_.ward_id,
    )


def missing_problems(
    part: Section, stored: Mapping[str, CriterionValue], language: str
) -> dict[str, str]:
    """Messages by key for a section's values or source notes not entered yet."""
    problems: dict[str, str] = {}
    for spec in part.inputs:
        row = stored.get(spec.key)
        if row is None or row.value is None:
            problems[spec.key] = _("Chưa nhập số liệu: %(label)s.", label=_label(spec, language))
        elif not row.source_note:
            problems[note_key(spec.key)] = _(
                "Ghi rõ nguồn số liệu (sổ, báo cáo, ngày) cho: %(label)s.",
                label=_label(spec, language),
            )
    return problems


def submit_criterion(
    session: Session, round_: AssessmentRound, section_id: str, *, actor: User
) -> CriterionEntry:
    """Mark a section submitted to the culture-social officer (audited).

    Refuses (`WorkspaceError`) a section with a missing figure or source note (422, each
    named), one already submitted (409), and everything `record_criterion_values` refuses.
    """
    rules = rules_for(round_)
    part = section(rules, section_id, round_owners(session, round_, rules))
    check_may_edit(session, round_, part, actor)
    stored = stored_values(session, round_.id)
    problems = missing_problems(part, stored, lang())
    if problems:
        raise WorkspaceError(_("Chưa gửi được: còn thiếu số liệu."), errors=problems)
    entry = _entry_for_update(session, round_.id, section_id)
    if entry.state == "submitted":
        raise WorkspaceError(_("Mục này đã được gửi rồi."), status=409)
    entry.unit = part.unit
    _set_state(session, round_, entry, "submitted", actor, "")
    return entry


__all__ = [
    "SHARED_SECTION",
    "Section",
    "WorkspaceError",
    "check_may_edit",
    "check_values",
    "entered_sections",
    "entries",
    "missing_problems",
    "note_key",
    "plain_values",
    "readable_sections",
    "record_criterion_value",
    "record_criterion_values",
    "round_section",
    "round_sections",
    "rules_for",
    "section",
    "sections",
    "stage_of",
    "stored_values",
    "submit_criterion",
]
