"""Administration home, the ward's details, and the first-run set-up page.

URL map:
  GET       /setup                          first run only (empty database), one-time code
  POST      /setup
  GET       /admin/                         the wards the administrator may work on
  GET       /admin/wards/<ward>             the ward's administration home
  GET|POST  /admin/wards/<ward>/edit        name, locality type, authority, dossier header
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from survey_app.accounts import auth, ratelimit
from survey_app.accounts.auth import require
from survey_app.accounts.scope import me, rounds_of
from survey_app.admin import council, divisions, first_run, groups, people, setup
from survey_app.admin.forms import FirstRunForm, WardEditForm
from survey_app.admin.setup import SetupError
from survey_app.admin.web import (
    fill_ward_choices,
    refused,
    saved,
    ward_into_form,
    ward_or_404,
    ward_values,
)
from survey_app.core.db import get_session, write_transaction
from survey_app.core.i18n import _

bp = Blueprint("admin", __name__, url_prefix="/admin")
setup_bp = Blueprint("first_run", __name__)


# ----------------------------------------------------------------------------- first run


@setup_bp.before_app_request
def _send_to_setup() -> Response | None:
    """On an empty database with a set-up code printed, home and sign-in lead to set-up."""
    entry = request.endpoint in ("home.index", "auth.login") and request.method == "GET"
    if entry and first_run.setup_pending(get_session()):
        return redirect(url_for("first_run.setup_page"))
    return None


def _setup_try_allowed() -> bool:
    """Count one try of the one-time code from this source (committed even if it fails)."""
    config = current_app.config
    key = ratelimit.client_key(config["CLIENT_HASH_KEY"], request.remote_addr, "setup")
    session = get_session()
    with write_transaction(session):
        return ratelimit.hit(
            session, key, limit=config["SETUP_TRIES_PER_WINDOW"], window_s=config["SETUP_WINDOW_S"]
        )


@setup_bp.route("/setup", methods=["GET", "POST"])
def setup_page() -> str | Response | tuple[str, int]:
    """Create the ward and its first administrator; only on an empty database, with the code."""
    g.cfw_private = True  # a page with a password form is never cached
    session = get_session()
    if not first_run.needs_setup(session):
        if request.method == "GET":
            return redirect(url_for("auth.login"))
        abort(409)
    form = FirstRunForm()
    fill_ward_choices(form)
    if request.method == "GET" or request.form.get("action") == "pick_province":
        return render_template("admin/setup.html", form=form)
    values, errors = ward_values(form)
    if not form.validate() or errors:
        return render_template("admin/setup.html", form=form, errors=errors), 422
    values["code"] = (form.code.data or "").strip() or divisions.slug(values["name"])
    if not _setup_try_allowed():
        minutes = current_app.config["SETUP_WINDOW_S"] // 60
        error = _("Nhập mã quá nhiều lần. Vui lòng đợi %(num)d phút rồi thử lại.", num=minutes)
        return render_template("admin/setup.html", form=form, errors=[error]), 429
    try:
        admin, _ward = first_run.complete_setup(
            session,
            code=form.setup_code.data,
            username=form.username.data,
            password=form.password.data,
            display_name=form.display_name.data,
            position=form.position.data,
            ward=values,
        )
    except SetupError as exc:
        return refused("admin/setup.html", exc, form=form)
    auth.start_session(admin)
    saved(_("Đã tạo phường và tài khoản quản trị. Tiếp theo: thêm tổ dân phố và tài khoản."))
    return redirect(url_for("admin.ward_home", ward_id=admin.ward_id), code=303)


# ----------------------------------------------------------------------------- admin home


@bp.get("/")
@require("admin.ward")
def index() -> str | Response:
    """A ward's administrator goes straight to their ward; a deployment admin picks one."""
    user = me()
    if user.ward_id is not None:
        return redirect(url_for("admin.ward_home", ward_id=user.ward_id))
    return render_template("admin/index.html", wards=setup.list_wards(get_session()))


@bp.get("/wards/<int:ward_id>")
@require("admin.ward")
def ward_home(ward_id: int) -> str:
    """What an administrator can do for the ward, with what is still missing."""
    ward = ward_or_404(ward_id)
    session = get_session()
    counts = {
        "groups": sum(not g.retired for g in groups.groups_of(session, ward.id)),
        "rounds": len(rounds_of(me(), ward.id)),
        "people": len(people.people_of(session, ward.id)),
        "council": len(council.members_of(session, ward.id)),
    }
    return render_template("admin/ward_home.html", ward=ward, counts=counts)


@bp.route("/wards/<int:ward_id>/edit", methods=["GET", "POST"])
@require("admin.ward")
def ward_edit(ward_id: int) -> str | Response | tuple[str, int]:
    """The ward's official name, locality type (never guessed) and the dossier header."""
    ward = ward_or_404(ward_id)
    form = WardEditForm()
    if request.method == "GET":
        ward_into_form(form, ward)
    fill_ward_choices(form)
    context = {"form": form, "ward": ward}
    if request.method == "GET" or request.form.get("action") == "pick_province":
        return render_template("admin/ward.html", **context)
    values, errors = ward_values(form)
    if not form.validate() or errors:
        return render_template("admin/ward.html", errors=errors, **context), 422
    try:
        setup.update_ward(get_session(), ward.code, reason=form.reason.data, actor=me(), **values)
    except SetupError as exc:
        return refused("admin/ward.html", exc, **context)
    except IntegrityError:
        get_session().rollback()
        errors = [_("Có thay đổi khác vừa được lưu: hãy tải lại trang.")]
        return render_template("admin/ward.html", errors=errors, **context), 409
    saved()
    return redirect(url_for("admin.ward_home", ward_id=ward.id), code=303)
