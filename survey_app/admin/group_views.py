"""Residential groups of a ward: list, add, rename, populations, retire; CSV import with preview.

URL map (prefix /admin/wards/<ward>):
  GET|POST  /groups                         the list, and a new group
  GET|POST  /groups/<group>/edit            rename, populations
  POST      /groups/<group>/<retire|restore>
  GET|POST  /groups/import                  upload → preview (nothing saved)
  POST      /groups/import/confirm          the previewed file, signed, checked again and saved
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

from survey_app.accounts.auth import require
from survey_app.accounts.scope import me
from survey_app.admin import group_import, groups
from survey_app.admin.forms import GroupForm, ImportForm, RetireForm
from survey_app.admin.setup import SetupError
from survey_app.admin.web import refused, saved, ward_or_404
from survey_app.core.db import get_session
from survey_app.core.i18n import _, ngettext
from survey_app.models import ResidentialGroup, Ward

bp = Blueprint("admin_groups", __name__, url_prefix="/admin/wards/<int:ward_id>")
IMPORT_SALT = "cfw-group-import"


def _list_page(ward: Ward, form: GroupForm, errors: list[str] | None = None) -> str:
    session = get_session()
    return render_template(
        "admin/groups.html",
        ward=ward,
        groups=groups.groups_of(session, ward.id),
        answers=groups.answer_counts(session, ward.id),
        form=form,
        retire=RetireForm(formdata=None),
        upload=ImportForm(formdata=None),
        errors=errors or [],
    )


def _group(ward: Ward, group_id: int) -> ResidentialGroup:
    try:
        return groups.group_of(get_session(), ward.id, group_id)
    except LookupError:
        abort(404)


@bp.route("/groups", methods=["GET", "POST"])
@require("admin.groups")
def index(ward_id: int) -> str | Response | tuple[str, int]:
    """Every group (retired ones marked) with its populations and answers; add one."""
    ward = ward_or_404(ward_id)
    form = GroupForm()
    if request.method == "GET":
        return _list_page(ward, form)
    if not form.validate():
        return _list_page(ward, form), 422
    try:
        groups.add_group(
            get_session(),
            ward.id,
            name=form.name.data,
            children=form.children.data,
            residents=form.residents.data,
            actor=me(),
            reason=form.reason.data or "",
        )
    except SetupError as exc:
        return _list_page(ward, form, exc.errors), 422
    saved(_("Đã thêm tổ dân phố %(name)s.", name=form.name.data))
    return redirect(url_for("admin_groups.index", ward_id=ward.id), code=303)


@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@require("admin.groups")
def edit(ward_id: int, group_id: int) -> str | Response | tuple[str, int]:
    """Rename a group or correct its populations (they set the survey targets)."""
    ward = ward_or_404(ward_id)
    group = _group(ward, group_id)
    form = GroupForm(obj=None if request.method == "POST" else group)
    context = {"ward": ward, "group": group, "form": form}
    if request.method == "GET":
        return render_template("admin/group.html", **context)
    if not form.validate():
        return render_template("admin/group.html", **context), 422
    try:
        groups.update_group(
            get_session(),
            ward.id,
            group.id,
            name=form.name.data,
            children=form.children.data,
            residents=form.residents.data,
            actor=me(),
            reason=form.reason.data or "",
        )
    except SetupError as exc:
        return refused("admin/group.html", exc, **context)
    saved()
    return redirect(url_for("admin_groups.index", ward_id=ward.id), code=303)


@bp.post("/groups/<int:group_id>/<action>")
@require("admin.groups")
def retire(ward_id: int, group_id: int, action: str) -> str | Response | tuple[str, int]:
    """Retire a group (no new posters, live ones paused, answers kept) or bring it back."""
    ward = ward_or_404(ward_id)
    if action not in ("retire", "restore"):
        abort(404)
    group = _group(ward, group_id)
    form = RetireForm()
    if not form.validate():
        errors = [_("Hãy ghi lý do (ít nhất 5 ký tự) để ngừng hoặc dùng lại một tổ.")]
        return _list_page(ward, GroupForm(formdata=None), errors), 422
    try:
        groups.set_retired(
            get_session(),
            ward.id,
            group.id,
            action == "retire",
            actor=me(),
            reason=form.reason.data,
        )
    except SetupError as exc:
        return _list_page(ward, GroupForm(formdata=None), exc.errors), 409
    saved(
        _("Đã ngừng tổ %(name)s.", name=group.name)
        if action == "retire"
        else _("Đã dùng lại tổ %(name)s.", name=group.name)
    )
    return redirect(url_for("admin_groups.index", ward_id=ward.id), code=303)


# ----------------------------------------------------------------------------- import


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=IMPORT_SALT)


def _preview(ward: Ward, data: bytes) -> tuple[group_import.ImportResult, str]:
    rows = group_import.parse_groups_csv(data)
    result = group_import.import_groups(get_session(), ward.code, rows, dry_run=True)
    return result, _signer().dumps({"ward": ward.id, "csv": data.decode("utf-8-sig")})


@bp.route("/groups/import", methods=["GET", "POST"])
@require("admin.groups")
def import_page(ward_id: int) -> str | tuple[str, int]:
    """Upload a CSV (UTF-8, or Excel's "CSV UTF-8"): see every change or every error first."""
    ward = ward_or_404(ward_id)
    form = ImportForm()
    context = {"ward": ward, "form": form}
    if request.method == "GET":
        return render_template("admin/group_import.html", **context)
    if not form.validate():
        abort(400)
    upload = request.files.get("file")
    data = upload.read(group_import.MAX_CSV_BYTES + 1) if upload else b""
    if not data:
        errors = [_("Hãy chọn một tệp CSV.")]
        return render_template("admin/group_import.html", errors=errors, **context), 422
    if len(data) > group_import.MAX_CSV_BYTES:
        return render_template(
            "admin/group_import.html", errors=[_("Tệp quá lớn.")], **context
        ), 413
    try:
        result, signed = _preview(ward, data)
    except SetupError as exc:
        return refused("admin/group_import.html", exc, **context)
    form.content.data = signed
    return render_template("admin/group_import.html", result=result, **context)


@bp.post("/groups/import/confirm")
@require("admin.groups")
def import_confirm(ward_id: int) -> str | Response | tuple[str, int]:
    """Save the previewed file: it is parsed and checked again, all rows or none."""
    ward = ward_or_404(ward_id)
    form = ImportForm()
    context = {"ward": ward, "form": form}
    try:
        payload = _signer().loads(form.content.data or "")
    except BadSignature:
        abort(400)
    if not form.validate() or payload.get("ward") != ward.id:
        abort(400)
    try:
        rows = group_import.parse_groups_csv(payload["csv"].encode("utf-8"))
        result = group_import.import_groups(
            get_session(), ward.code, rows, actor=me(), reason=form.reason.data or "import"
        )
    except SetupError as exc:
        return refused("admin/group_import.html", exc, **context)
    saved(
        ngettext("Đã thêm %(num)d tổ", "Đã thêm %(num)d tổ", len(result.created))
        + ", "
        + ngettext("cập nhật %(num)d tổ.", "cập nhật %(num)d tổ.", len(result.updated))
    )
    return redirect(url_for("admin_groups.index", ward_id=ward.id), code=303)
