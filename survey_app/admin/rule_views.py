"""Rule versions in the browser (administrator): list, point table, upload, difference, use.

URL map (blueprint "rules"):
  GET  /admin/rules/                         shipped versions and the ward's saved versions
  GET  /admin/rules/<version>                the point table, verified and provisional rows
  GET  /admin/rules/upload  · POST           upload a rule file (checked like `cfw rules check`)
  GET  /admin/rules/<version>/diff?round=…   its difference from the round's version
  POST /admin/rules/<version>/use            score a round (not consolidated yet) with it
The row-by-row review lives in `survey_app.admin.rule_review_views`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from assessment import RuleError, RuleSet, RuleSetError
from survey_app.accounts.auth import require
from survey_app.accounts.scope import current_round, me, round_or_404, rounds_of
from survey_app.admin import rule_table, rule_use
from survey_app.admin.rule_review import draft
from survey_app.core.db import get_session, write_transaction
from survey_app.core.i18n import _, _l
from survey_app.core.security import error_response
from survey_app.models import RuleVersion
from survey_app.rulesets import store as rule_store
from survey_app.workspace.workflow import stage

bp = Blueprint("rules", __name__, url_prefix="/admin/rules")
# A rule file is ~45 KB; the app-wide request limit is smaller than a file with long notes.
RULE_FILE_MAX_BYTES = 256 * 1024
PERMISSION = "rules.manage"
CHANGE_LABELS = {
    "points": _l("Điểm"),
    "bands": _l("Mức điểm"),
    "wording": _l("Nội dung"),
    "verified": _l("Đã đối chiếu"),
    "source": _l("Nguồn"),
    "added": _l("Thêm mới"),
    "removed": _l("Bỏ đi"),
}
USE_REFUSALS = {
    "consolidated": _l(
        "Đợt này đã tổng hợp số liệu: không đổi bộ tiêu chí được nữa (mở lại đợt trước)."
    ),
    "unknown": _l("Phường này không dùng được phiên bản này."),
    "same": _l("Đợt này đang dùng đúng phiên bản này."),
}


class UploadForm(FlaskForm):
    """A rule file (TOML) to check and keep as a new version."""

    file = FileField(_l("Tệp bộ tiêu chí (.toml)"), validators=[FileRequired(_l("Chọn một tệp."))])


class UseForm(FlaskForm):
    """Choose a version for one round, with a reason for the audit log."""

    round_id = HiddenField(validators=[DataRequired()])
    reason = StringField(
        _l("Lý do"),
        validators=[DataRequired(_l("Ghi lý do.")), Length(5, 300, _l("Từ 5 đến 300 ký tự."))],
    )


@bp.before_request
def _bigger_upload_limit() -> None:
    if request.endpoint == "rules.upload":
        request.max_content_length = RULE_FILE_MAX_BYTES


def _all_wards() -> bool:
    return rule_store.all_wards(me())


def rules_or_404(version: str) -> tuple[RuleSet, RuleVersion | None]:
    """The rule set of a version the signed-in administrator may see (404 otherwise)."""
    if not rule_store.VERSION_PATTERN.fullmatch(version):
        abort(404)
    stored = None
    if not rule_store.is_shipped(version):
        stored = rule_store.stored_version(get_session(), version)
        if not rule_store.may_use(me().ward_id, stored, all_wards=_all_wards()):
            abort(404)
    try:
        return rule_store.load(version, get_session()), stored
    except RuleSetError:
        abort(404)


@bp.get("/")
@require(PERMISSION)
def index() -> str:
    """Every version this administrator may use, with its provisional row count."""
    session = get_session()
    shipped = [rule_store.load(v) for v in rule_store.shipped_versions()]
    stored = [
        (row, rule_store.load(row.id, session))
        for row in rule_store.visible_versions(session, me())
    ]
    used = {r.rule_version for r in rounds_of(me())}
    return render_template(
        "admin/rules_list.html",
        shipped=shipped,
        stored=stored,
        used=used,
        count=lambda rs: len(rule_table.provisional(rs)),
    )


@bp.get("/<version>")
@require(PERMISSION)
def show(version: str) -> str:
    """The point table of one version: criteria, indicators, bands, provenance of each row."""
    rules, stored = rules_or_404(version)
    return render_template(
        "admin/rules_show.html",
        rules=rules,
        stored=stored,
        rows=rule_table.rows(rules),
        provisional=len(rule_table.provisional(rules)),
        review=draft(get_session(), version, me()),
    )


def _error_page(errors: list[RuleError], form: UploadForm, status: int) -> Any:
    page = render_template("admin/rules_upload.html", form=form, errors=errors)
    return page, status


@bp.route("/upload", methods=["GET", "POST"])
@require(PERMISSION)
def upload() -> Any:
    """Check an uploaded rule file with the same errors as `cfw rules check`; keep it if valid."""
    form = UploadForm()
    if request.method == "GET":
        return render_template("admin/rules_upload.html", form=form, errors=[])
    if not form.validate_on_submit():
        return _error_page([], form, 400)
    name = (form.file.data.filename or "upload.toml").rsplit("/", 1)[-1][:100]
    raw = form.file.data.read(RULE_FILE_MAX_BYTES + 1)
    if len(raw) > RULE_FILE_MAX_BYTES:
        too_big = RuleError(name, "-", f"file is larger than {RULE_FILE_MAX_BYTES // 1024} KB")
        return _error_page([too_big], form, 413)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _error_page([RuleError(name, "-", "file is not UTF-8")], form, 422)
    try:
        with write_transaction(get_session()) as tx:
            row = rule_store.store_version(
                tx, text, origin="upload", based_on="", actor=me(), origin_name=name
            )
    except RuleSetError as exc:
        return _error_page(exc.errors, form, 422)
    flash(
        _("Tệp hợp lệ, đã lưu thành phiên bản %(v)s. Xem khác biệt trước khi dùng.", v=row.id),
        "success",
    )
    return redirect(url_for(".diff", version=row.id), 303)


@bp.get("/<version>/diff")
@require(PERMISSION)
def diff(version: str) -> Any:
    """What this version changes against the version a round uses, before choosing it."""
    rules, _stored = rules_or_404(version)
    session = get_session()
    round_ = current_round(me(), request.args.get("round"))
    against = rule_store.load(round_.rule_version, session) if round_ is not None else None
    refusal = None
    if round_ is not None:
        try:
            rule_use.check_choice(session, round_, version)
        except rule_use.RuleUseError as exc:
            refusal = USE_REFUSALS[str(exc)]
    return render_template(
        "admin/rules_diff.html",
        rules=rules,
        round=round_,
        rounds=rounds_of(me()),
        stage=stage(session, round_.id) if round_ else None,
        against=against,
        changes=rule_table.differences(against, rules) if against else [],
        inputs=rule_table.input_changes(against, rules) if against else ([], []),
        labels=CHANGE_LABELS,
        refusal=refusal,
        form=UseForm(round_id=round_.id if round_ else ""),
    )


@bp.post("/<version>/use")
@require(PERMISSION)
def use(version: str) -> Any:
    """Score a round that is not consolidated yet with this version (audited, with a reason)."""
    rules_or_404(version)
    form = UseForm()
    raw_id = (form.round_id.data or "").strip()
    if not raw_id.isdigit():
        return error_response(400, message=_("Thiếu đợt đánh giá."))
    round_ = round_or_404(int(raw_id))
    if not form.validate_on_submit():
        message = "; ".join(e for errors in form.errors.values() for e in errors)
        return error_response(
            422, message=message, back_url=url_for(".diff", version=version, round=round_.id)
        )
    try:
        with write_transaction(get_session()) as tx:
            rule_use.choose_round_rules(tx, round_, version, actor=me(), reason=form.reason.data)
    except rule_use.RuleUseError as exc:
        return error_response(
            exc.status,
            message=USE_REFUSALS[str(exc)],
            back_url=url_for(".diff", version=version, round=round_.id),
        )
    flash(_("Đợt %(name)s từ nay dùng bộ tiêu chí %(v)s.", name=round_.name, v=version), "success")
    return redirect(url_for("rounds.show", round_id=round_.id), 303)
