"""Setting up a real ward: the ward itself, its residential groups and its assessment rounds.

Each use case is one write transaction with an audit row per change; bad input raises
`SetupError` carrying *every* problem found, and nothing is written (importing residential
groups from a file lives in `survey_app.admin.group_import`). The `cfw ward`,
`cfw groups import` and `cfw rounds create|open|close` commands call these functions; a
future admin page can call the same ones.

``actor`` None means the command line: the audit reason then starts with "cli".
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment import instrument as instruments
from assessment import ruleset
from survey_app.audit import log as audit
from survey_app.core.db import write_transaction
from survey_app.core.i18n import _, _l
from survey_app.models import AssessmentRound, ResidentialGroup, Ward
from survey_app.models.wards import ROUND_STATUSES, SIGNER_ROLES
from survey_app.survey import tokens
from survey_app.survey.caps import poster_cap
from survey_app.workspace import lifecycle
from survey_app.workspace.criteria import WorkspaceError

if TYPE_CHECKING:
    from survey_app.models import User

CODE_PATTERN = re.compile(r"[a-z0-9-]{2,64}")
NAME_MAX = 200  # ward and group names (the column width)
ROUND_NAME_MAX = 100
AUTHORITY_MAX = 300
MAX_POPULATION = 1_000_000
MAX_POPULATION_TEXT = f"{MAX_POPULATION:,}".replace(",", ".")  # 1.000.000, as written in Vietnam
MAX_GROUP_ROWS = 2_000  # a ward has dozens of groups; this only stops a wrong file early
REASON_MIN_LENGTH = 5
SIGNATORY_FIELDS = ("parent_body", "chair_name", "chair_title", "signer_name", "signer_role")
WARD_FIELDS = ("code", "name", "province", "locality_type", "locality_basis")
WARD_FIELDS += ("recognising_authority", *SIGNATORY_FIELDS)  # signatories: printed on dossiers
# How the length messages name a field.
FIELD_LABELS = {
    "province": _l("Tỉnh, thành phố"),
    "parent_body": _l("Cơ quan chủ quản"),
    "chair_name": _l("Họ tên Chủ tịch"),
    "chair_title": _l("Chức vụ Chủ tịch"),
    "signer_name": _l("Họ tên người ký"),
    "recognising_authority": _l("Cơ quan công nhận"),
}


class SetupError(ValueError):
    """Input that cannot be stored; ``errors`` lists every problem, one message each."""

    def __init__(self, errors: list[str] | str) -> None:
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("; ".join(self.errors))


# ----------------------------------------------------------------------------- helpers


def clean_text(value: Any) -> str:
    """Text as stored: NFC-normalised, outer spaces stripped, inner runs of spaces collapsed.

    NFC matters for Vietnamese: a file saved on macOS may spell "ổ" as o + two combining
    marks, and a re-import must still find "Tổ dân phố Mé" instead of adding a twin.
    """
    text = "" if value is None else str(value)
    return " ".join(unicodedata.normalize("NFC", text).split())


def _reason(reason: str, actor: User | None) -> str:
    """The audited reason; changes from the command line (no actor) are marked "cli"."""
    return reason if actor is not None else (f"cli: {reason}" if reason else "cli")


def _require_reason(reason: str) -> str:
    reason = clean_text(reason)
    if len(reason) < REASON_MIN_LENGTH:
        raise SetupError(_("Hãy ghi lý do (ít nhất %(n)d ký tự).", n=REASON_MIN_LENGTH))
    return reason


def locality_ids() -> list[str]:
    """The locality types of the default rule file (never a list in code: rules are data)."""
    return [loc.id for loc in ruleset.load_rules().localities]


def get_ward(session: Session, code: str) -> Ward:
    """The ward with ``code`` (SetupError when there is none)."""
    ward = session.execute(select(Ward).where(Ward.code == code)).scalar()
    if ward is None:
        raise SetupError(_("Không có phường mã %(code)r (xem `cfw ward list`).", code=code))
    return ward


GROUP_FIELDS = ("ward_id", "name", "position", "children", "residents", "retired")
ROUND_FIELDS = ("ward_id", "name", "period_start", "period_end", "rule_version")
ROUND_FIELDS += ("instrument_version", "status")


def snapshot(obj: Ward | ResidentialGroup | AssessmentRound) -> dict[str, Any]:
    """The audited fields of a ward, group or round, as the audit log stores them."""
    fields = {Ward: WARD_FIELDS, ResidentialGroup: GROUP_FIELDS}.get(type(obj), ROUND_FIELDS)
    return {name: getattr(obj, name) for name in fields}


def _audit(
    session: Session,
    action: str,
    obj: Ward | ResidentialGroup | AssessmentRound,
    old: dict[str, Any] | None,
    *,
    reason: str,
    actor: User | None,
) -> None:
    """One audit row for ``obj`` (flushed first, so a new row has its id); ``reason`` as is."""
    session.flush()
    ward_id = obj.id if isinstance(obj, Ward) else obj.ward_id
    audit.record(
        session,
        action=action,
        entity=obj.__tablename__,
        entity_id=obj.id,
        old=old,
        new=snapshot(obj),
        reason=reason,
        actor=actor,
        ward_id=ward_id,
    )


# ----------------------------------------------------------------------------- wards


def _check_ward_fields(values: dict[str, str]) -> list[str]:
    """Every problem with the ward fields present in ``values`` (already cleaned)."""
    errors = []
    if "code" in values and not CODE_PATTERN.fullmatch(values["code"]):
        errors.append(
            _(
                "Mã %(code)r: dùng 2–64 chữ thường a-z, chữ số hoặc dấu '-' (ví dụ dinh-ke).",
                code=values["code"],
            )
        )
    if "name" in values and not 0 < len(values["name"]) <= NAME_MAX:
        errors.append(_("Tên: bắt buộc, tối đa %(n)d ký tự.", n=NAME_MAX))
    limits = dict.fromkeys(("province", *SIGNATORY_FIELDS[:-1]), NAME_MAX)
    for key, limit in (limits | {"recognising_authority": AUTHORITY_MAX}).items():
        if len(values.get(key, "")) > limit:
            errors.append(_("%(field)s: tối đa %(n)d ký tự.", field=FIELD_LABELS[key], n=limit))
    if values.get("signer_role", "chair") not in SIGNER_ROLES:
        errors.append(
            _(
                "Người ký %(role)r: chọn một trong %(roles)s.",
                role=values["signer_role"],
                roles=", ".join(SIGNER_ROLES),
            )
        )
    if "locality_type" in values:
        known = locality_ids()
        if values["locality_type"] not in known:
            errors.append(
                _(
                    "Loại đơn vị %(kind)r không có trong tệp quy tắc (chọn một trong: %(known)s).",
                    kind=values["locality_type"],
                    known=", ".join(known),
                )
            )
    return errors


def _valid_ward_fields(**given: Any) -> dict[str, str]:
    """The given ward fields as stored (None = not given), or SetupError listing every problem.

    The legal basis keeps its line breaks (it may quote a decision); codes are only stripped.
    """
    values = {
        key: str(value).strip()
        if key in ("code", "locality_type", "locality_basis")
        else clean_text(value)
        for key, value in given.items()
        if value is not None
    }
    errors = _check_ward_fields(values)
    if errors:
        raise SetupError(errors)
    return values


def create_ward(
    session: Session,
    *,
    code: str,
    name: str,
    province: str = "",
    locality_type: str,
    locality_basis: str = "",
    recognising_authority: str = "",
    actor: User | None = None,
    reason: str = "",
    **signatories: str,
) -> Ward:
    """Use case: register a ward (one transaction, audited "ward.create").

    ``code`` is the ward's permanent slug (it appears in public result URLs), so it is
    checked strictly; ``locality_type`` must be a locality id of the default rule file.
    """
    values = _valid_ward_fields(
        code=code,
        name=name,
        province=province,
        locality_type=locality_type,
        locality_basis=locality_basis,
        recognising_authority=recognising_authority,
        **signatories,
    )
    with write_transaction(session):
        if session.execute(select(Ward.id).where(Ward.code == values["code"])).first():
            raise SetupError(_("Đã có phường mã %(code)r.", code=values["code"]))
        ward = Ward(**values)
        session.add(ward)
        _audit(session, "ward.create", ward, None, reason=_reason(reason, actor), actor=actor)
        return ward


def update_ward(
    session: Session,
    code: str,
    *,
    reason: str,
    name: str | None = None,
    province: str | None = None,
    locality_type: str | None = None,
    locality_basis: str | None = None,
    recognising_authority: str | None = None,
    actor: User | None = None,
    **signatories: str | None,
) -> Ward:
    """Use case: change a ward's details (None = keep), audited "ward.update" with old/new.

    The locality type decides the recognition threshold, so every change needs a reason.
    """
    reason = _require_reason(reason)
    values = _valid_ward_fields(
        name=name,
        province=province,
        locality_type=locality_type,
        locality_basis=locality_basis,
        recognising_authority=recognising_authority,
        **signatories,
    )
    with write_transaction(session):
        ward = get_ward(session, code)
        old = snapshot(ward)
        changes = {key: value for key, value in values.items() if old[key] != value}
        if not changes:
            raise SetupError(_("Không có gì thay đổi: mọi giá trị đều giống giá trị đã lưu."))
        for key, value in changes.items():
            setattr(ward, key, value)
        _audit(session, "ward.update", ward, old, reason=_reason(reason, actor), actor=actor)
        return ward


def list_wards(session: Session) -> list[Ward]:
    """Every ward, by code (a deployment hosts a handful: their groups load lazily)."""
    return list(session.scalars(select(Ward).order_by(Ward.code)))


def _groups_of(session: Session, ward: Ward) -> list[ResidentialGroup]:
    # Queried, not `ward.groups`: sessions keep objects across commits (expire_on_commit is
    # off), so a collection loaded before an import would miss the groups it added.
    query = select(ResidentialGroup).where(ResidentialGroup.ward_id == ward.id)
    return list(session.scalars(query.order_by(ResidentialGroup.position, ResidentialGroup.id)))


# ----------------------------------------------------------------------------- rounds


def default_instrument_version() -> str | None:
    """The instrument a new round uses when none is named: the newest shipped one.

    Versions are compared number by number ("c13-2026.10" is newer than "c13-2026.9");
    None when nothing is shipped. Existing rounds keep the version they name.
    """
    shipped = instruments.available_versions()
    if not shipped:
        return None
    return max(shipped, key=lambda v: [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", v)])


def _check_versions(rule_version: str, instrument_version: str, ward: Ward | None) -> list[str]:
    errors = []
    # Only shipped names: `load_rules` also accepts a file path, which a round must not use.
    if rule_version not in ruleset.available_versions():
        known = ", ".join(ruleset.available_versions())
        errors.append(
            _("Không có phiên bản quy tắc %(v)r (có: %(known)s).", v=rule_version, known=known)
        )
    else:
        try:
            rules = ruleset.load_rules(rule_version)
        except ruleset.RuleSetError as exc:
            errors.append(_("Không đọc được quy tắc %(v)r: %(error)s", v=rule_version, error=exc))
        else:
            if ward is not None and rules.locality(ward.locality_type) is None:
                errors.append(
                    _(
                        "Quy tắc %(v)r không có loại đơn vị %(kind)r của phường: sửa thông tin "
                        "phường hoặc chọn quy tắc khác.",
                        v=rule_version,
                        kind=ward.locality_type,
                    )
                )
    if instrument_version not in instruments.available_versions():
        known = ", ".join(instruments.available_versions())
        errors.append(
            _("Không có bộ câu hỏi %(v)r (có: %(known)s).", v=instrument_version, known=known)
        )
    else:
        try:
            instruments.load_instrument(instrument_version)
        except instruments.InstrumentError as exc:
            errors.append(
                _("Không đọc được bộ câu hỏi %(v)r: %(error)s", v=instrument_version, error=exc)
            )
    return errors


def create_round(
    session: Session,
    *,
    ward_code: str,
    name: str,
    period_start: dt.date,
    period_end: dt.date,
    rule_version: str,
    instrument_version: str,
    cap: int | None = None,
    actor: User | None = None,
    reason: str = "",
) -> tuple[AssessmentRound, list[tuple[ResidentialGroup, tokens.PosterToken]]]:
    """Use case: open an assessment round and issue one poster token per group.

    Each token's cap is ``cap`` when given, else `caps.poster_cap` of the group's
    populations. Audited "round.create" (and "token.create" per poster). Returns the
    round and its (group, token) pairs.
    """
    name = clean_text(name)
    errors = []
    if not 0 < len(name) <= ROUND_NAME_MAX:
        errors.append(_("Tên: bắt buộc, tối đa %(n)d ký tự.", n=ROUND_NAME_MAX))
    if period_end < period_start:
        errors.append(
            _(
                "Ngày kết thúc (%(end)s) trước ngày bắt đầu (%(start)s).",
                end=period_end.strftime("%d/%m/%Y"),
                start=period_start.strftime("%d/%m/%Y"),
            )
        )
    if cap is not None and (isinstance(cap, bool) or not 1 <= cap <= MAX_POPULATION):
        errors.append(
            _(
                "Giới hạn phải là số nguyên từ 1 đến %(n)s.",
                n=MAX_POPULATION_TEXT,
            )
        )
    with write_transaction(session):
        ward = session.execute(select(Ward).where(Ward.code == ward_code)).scalar()
        if ward is None:
            errors.insert(
                0, _("Không có phường mã %(code)r (xem `cfw ward list`).", code=ward_code)
            )
        errors += _check_versions(rule_version, instrument_version, ward)
        if (
            ward is not None
            and session.execute(
                select(AssessmentRound.id).where(
                    AssessmentRound.ward_id == ward.id, AssessmentRound.name == name
                )
            ).first()
        ):
            errors.append(_("Phường đã có đợt đánh giá tên %(name)r.", name=name))
        if errors:
            raise SetupError(errors)
        assert ward is not None
        round_ = AssessmentRound(
            ward_id=ward.id,
            name=name,
            period_start=period_start,
            period_end=period_end,
            rule_version=rule_version,
            instrument_version=instrument_version,
            status="open",
        )
        session.add(round_)
        why = _reason(reason or "rounds create", actor)
        _audit(session, "round.create", round_, None, reason=why, actor=actor)
        issued = []
        for group in (g for g in _groups_of(session, ward) if not g.retired):
            group_cap = cap if cap is not None else poster_cap(group.children, group.residents)
            token = tokens.new_token(session, group, round_, group_cap, actor=actor, reason=why)
            issued.append((group, token))
        return round_, issued


def set_round_status(
    session: Session,
    round_id: int,
    status: str,
    *,
    reason: str,
    actor: User | None = None,
) -> AssessmentRound:
    """Use case: open or close a round's survey, the lifecycle's "open_survey" and
    "close_survey" steps (audited "round.open_survey" / "round.close_survey").

    Opening is refused once the round's figures are frozen (locked or later): answers
    arriving then would not be in the locked result. Reopen the round first.
    """

    if status not in ROUND_STATUSES:
        raise SetupError(
            _("Trạng thái phải là một trong: %(known)s.", known=", ".join(ROUND_STATUSES))
        )
    reason = _require_reason(reason)
    with write_transaction(session):
        round_ = session.get(AssessmentRound, round_id)
        if round_ is None:
            raise SetupError(
                _("Không có đợt đánh giá số %(id)d (xem `cfw rounds list`).", id=round_id)
            )
        if round_.status == status:
            raise SetupError(
                _(
                    "Khảo sát của đợt %(id)d đã ở trạng thái này (%(status)s).",
                    id=round_id,
                    status=status,
                )
            )
        step = lifecycle.open_survey if status == "open" else lifecycle.close_survey
        try:
            step(session, round_, reason=_reason(reason, actor), actor=actor)
        except WorkspaceError as exc:
            raise SetupError(_("Đợt %(id)d: %(error)s", id=round_id, error=exc)) from None
        return round_
