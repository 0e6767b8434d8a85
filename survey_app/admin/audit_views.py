"""The audit log page (administrator): browse and filter, verify the chain, print its head.

URL map (blueprint "audit_log"):
  GET  /audit/          the ward's rows, newest first, filtered and paginated
  GET  /audit/verify    walk the whole chain and show OK or the first broken row
  GET  /audit/head      a printable page with the chain head (id and hash) for the records

Only administrators (permission "audit.browse"): the log holds every account event of the
ward's staff (password resets, disabled accounts), which the culture–social officer's work does
not need; that officer already reads the history of each figure and round ("Lịch sử"), and the
dossier prints the chain head. A ward's administrator sees only rows about their ward
(survey_app.audit.browse); an administrator of every ward ("wards.all") sees all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, render_template, request

from survey_app.accounts.auth import can, require
from survey_app.accounts.scope import me
from survey_app.audit import browse
from survey_app.audit import log as audit
from survey_app.core.db import get_session
from survey_app.core.i18n import _
from survey_app.core.security import error_response
from survey_app.models import Ward

bp = Blueprint("audit_log", __name__, url_prefix="/audit")
FIELD_MAX = 64
PERMISSION = "audit.browse"


@bp.app_template_filter("vn_time")
def vn_time(at: dt.datetime | None, fmt: str = "%d/%m/%Y %H:%M:%S") -> str:
    """A stored UTC time shown in Vietnam time (Asia/Ho_Chi_Minh)."""
    return browse.vietnam_time(at).strftime(fmt) if at is not None else ""


def _scope() -> tuple[int | None, bool]:
    user = me()
    return user.ward_id, user.ward_id is None and can("wards.all", user)


def _date(name: str) -> dt.date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValueError(name) from None


def _filters() -> browse.Filters:
    values = {
        key: request.args.get(key, "").strip() for key in ("actor", "entity", "entity_id", "action")
    }
    if any(len(v) > FIELD_MAX for v in values.values()):
        raise ValueError("length")
    return browse.Filters(**values, since=_date("since"), until=_date("until"))


@bp.get("/")
@require(PERMISSION)
def index() -> Any:
    """Who changed what, when (Vietnam time), from which value to which, and why."""
    try:
        filters = _filters()
    except ValueError:
        return error_response(
            400, message=_("Bộ lọc không hợp lệ: ngày theo dạng YYYY-MM-DD, mỗi ô tối đa 64 ký tự.")
        )
    raw_page = request.args.get("page", "1")
    if not raw_page.isdigit() or not 0 < int(raw_page) <= 1_000_000:
        return error_response(400, message=_("Số trang không hợp lệ."))
    session = get_session()
    ward_id, all_wards = _scope()
    page = browse.log_page(
        session, ward_id, all_wards=all_wards, filters=filters, page=int(raw_page)
    )
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "audit/log.html",
        page=page,
        filters=filters,
        args=args,
        entities=browse.entities(session, ward_id, all_wards),
        rows=[(row, audit.decode(row.old), audit.decode(row.new)) for row in page.rows],
    )


@bp.get("/verify")
@require(PERMISSION)
def verify() -> Any:
    """Check every link of the chain now (read-only); show OK or the first broken row."""
    session = get_session()
    result = audit.verify(session)
    head_id, head_hash = audit.chain_head(session)
    return render_template("audit/verify.html", result=result, head_id=head_id, head_hash=head_hash)


@bp.get("/head")
@require(PERMISSION)
def head() -> Any:
    """A page to print and file: the chain head, the ward's newest row, checked just now."""
    session = get_session()
    ward_id, all_wards = _scope()
    head_id, head_hash = audit.chain_head(session)
    return render_template(
        "audit/head.html",
        ward=session.get(Ward, ward_id) if ward_id is not None else None,
        head_id=head_id,
        head_hash=head_hash,
        result=audit.verify(session),
        ward_row=browse.ward_head(session, ward_id, all_wards),
        printed_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
    )
