"""Setting up a real ward: the ward itself, and what its groups and rounds share.

Each use case is one write transaction with an audit row per change; bad input raises
`SetupError` carrying *every* problem found, and nothing is written. Importing residential
groups from a file lives in `survey_app.admin.group_import`, rounds in `survey_app.admin.rounds`.
The `cfw ward` commands and the admin pages call these functions.

``actor`` None means the command line: the audit reason then starts with "cli".
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment import ruleset
from survey_app.audit import log as audit
from survey_app.core.db import write_transaction
from survey_app.core.i18n import _, _l
from survey_app.models import AssessmentRound, ResidentialGroup, Ward
from survey_app.models.wards import SIGNER_ROLES

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
