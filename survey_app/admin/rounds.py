"""Assessment rounds as a ward's set-up sees them: create one (with a poster per group), and
open or close its survey. The `cfw rounds create|open|close` commands and the admin round pages
call these; each is one write transaction with its audit rows, and bad input raises
`SetupError` listing every problem, with nothing written.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment import instrument as instruments
from assessment import ruleset
from survey_app.admin.setup import (
    MAX_POPULATION,
    MAX_POPULATION_TEXT,
    ROUND_NAME_MAX,
    SetupError,
    _audit,
    _groups_of,
    _reason,
    _require_reason,
    clean_text,
)
from survey_app.core.db import write_transaction
from survey_app.core.i18n import _
from survey_app.models import AssessmentRound, ResidentialGroup, Ward
from survey_app.models.wards import ROUND_STATUSES
from survey_app.survey import tokens
from survey_app.survey.caps import poster_cap
from survey_app.workspace import lifecycle
from survey_app.workspace.criteria import WorkspaceError

if TYPE_CHECKING:
    from survey_app.models import User


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
