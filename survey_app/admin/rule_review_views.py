"""Review a version's provisional rows one by one against the printed decision (administrator).

URL map (blueprint "rule_review"):
  GET  /admin/rules/<version>/review         the provisional rows and the draft's decisions
  GET  /admin/rules/<version>/review/<n>     one row: the text as printed, confirm or correct
  POST /admin/rules/<version>/review/<n>     record the decision in the draft (audited)
  POST /admin/rules/<version>/review/save    save the draft as a new immutable version
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from assessment import RuleSetError
from survey_app.accounts.auth import require
from survey_app.accounts.scope import me
from survey_app.admin import rule_review
from survey_app.admin.rule_review import ReviewError
from survey_app.admin.rule_table import EDITABLE
from survey_app.admin.rule_views import PERMISSION, rules_or_404
from survey_app.core.db import get_session, write_transaction
from survey_app.core.forms import EmptyForm
from survey_app.core.i18n import _, _l
from survey_app.core.security import error_response

bp = Blueprint("rule_review", __name__, url_prefix="/admin/rules")
FIELD_LABELS = {
    "total": _l("Tổng điểm"),
    "posting_min_days": _l("Số ngày niêm yết tối thiểu"),
    "threshold": _l("Ngưỡng điểm công nhận"),
    "max": _l("Điểm tối đa"),
    "points": _l("Điểm"),
    "bound": _l("Mốc (ngưỡng của mức)"),
    "name.vi": _l("Tên (tiếng Việt)"),
    "name.en": _l("Tên (tiếng Anh)"),
    "label.vi": _l("Nội dung (tiếng Việt)"),
    "label.en": _l("Nội dung (tiếng Anh)"),
}
FIELD_ERRORS = {
    "text": _l("Nhập từ 1 đến 500 ký tự."),
    "whole": _l("Nhập một số nguyên từ 0."),
    "number": _l("Nhập một số từ 0."),
    "decision": _l("Chọn: đúng như văn bản, hoặc sửa theo văn bản."),
    "nothing": _l("Chưa sửa ô nào: nếu đúng như văn bản, hãy chọn “Đúng như văn bản”."),
    "saved": _l("Bản rà soát này đã được lưu thành phiên bản mới."),
    "empty": _l("Chưa đối chiếu dòng nào."),
    "changed": _l("Phiên bản gốc đã thay đổi: bắt đầu rà soát lại."),
}


def _items(version: str) -> tuple[Any, Any, list[rule_review.ReviewItem]]:
    rules, _stored = rules_or_404(version)
    review = rule_review.draft(get_session(), version, me())
    return rules, review, rule_review.items(rules, review)


@bp.get("/<version>/review")
@require(PERMISSION)
def overview(version: str) -> Any:
    """Every provisional row of the version, and what the draft decided on each so far."""
    rules, review, found = _items(version)
    return render_template(
        "admin/rules_review.html",
        rules=rules,
        review=review,
        items=found,
        decided=sum(1 for i in found if i.decision),
        errors=[],
        form=EmptyForm(),
        messages=FIELD_ERRORS,
    )


def _row_page(version: str, n: int, errors: dict[str, str], form_values: dict, status: int):
    rules, _review, found = _items(version)
    if not 1 <= n <= len(found):
        abort(404)
    item = found[n - 1]
    page = render_template(
        "admin/rules_review_row.html",
        rules=rules,
        item=item,
        total=len(found),
        fields=EDITABLE[item.row.kind],
        labels=FIELD_LABELS,
        errors={k: FIELD_ERRORS.get(v, v) for k, v in errors.items()},
        values=item.row.values | item.changes | form_values,
        decision=request.form.get("decision") or (item.decision.decision if item.decision else ""),
        form=EmptyForm(),
    )
    return page, status


@bp.route("/<version>/review/<int:n>", methods=["GET", "POST"])
@require(PERMISSION)
def row(version: str, n: int) -> Any:
    """One provisional row: its text and points as the file has them, to compare and decide.

    GET and POST share the route so that an out-of-range ``n`` is a 404 for both (two rules on
    one path would let werkzeug answer 405 for a POST whose number fails the converter).
    """
    if request.method == "POST":
        return _decide(version, n)
    return _row_page(version, n, {}, {}, 200)


def _decide(version: str, n: int) -> Any:
    """Confirm the row as printed or correct it; kept in the draft with who and when."""
    _rules, _review, found = _items(version)
    if not 1 <= n <= len(found):
        abort(404)
    if not EmptyForm().validate_on_submit():
        return error_response(400)
    item = found[n - 1]
    submitted = {f: request.form[f] for f, _kind in EDITABLE[item.row.kind] if f in request.form}
    decision = request.form.get("decision", "")
    try:
        changes = rule_review.check_changes(item.row, submitted) if decision == "corrected" else {}
        with write_transaction(get_session()) as tx:
            review = rule_review.start_review(tx, version, me())
            rule_review.decide_row(tx, review, item.row, decision, changes, me())
    except ReviewError as exc:
        return _row_page(version, n, exc.errors, submitted, exc.status)
    flash(_("Đã ghi nhận dòng %(n)d.", n=n), "success")
    following = next((i.index for i in found if i.index > n and not i.decision), None)
    if following is None:
        return redirect(url_for(".overview", version=version), 303)
    return redirect(url_for(".row", version=version, n=following), 303)


@bp.post("/<version>/review/save")
@require(PERMISSION)
def save(version: str) -> Any:
    """Save the draft as a new version; a correction that breaks the file shows every error."""
    rules, review, found = _items(version)
    if not EmptyForm().validate_on_submit():
        return error_response(400)
    if review is None:
        return error_response(409, message=FIELD_ERRORS["empty"])
    try:
        with write_transaction(get_session()) as tx:
            tx.add(review)
            saved = rule_review.save_review(tx, review, me())
    except ReviewError as exc:
        return error_response(exc.status, message=FIELD_ERRORS[exc.errors[""]])
    except RuleSetError as exc:
        page = render_template(
            "admin/rules_review.html",
            rules=rules,
            review=review,
            items=found,
            decided=sum(1 for i in found if i.decision),
            errors=exc.errors,
            form=EmptyForm(),
            messages=FIELD_ERRORS,
        )
        return page, 422
    flash(_("Đã lưu phiên bản mới %(v)s.", v=saved.id), "success")
    return redirect(url_for("rules.show", version=saved.id), 303)
