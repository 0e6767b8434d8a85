"""People and roles of a ward, and its assessment council (administrator only).

URL map (prefix /admin/wards/<ward>):
  GET       /people                        every account of the ward
  GET|POST  /people/new                    a new account → its one-time password, shown once
  GET|POST  /people/<user>/edit            name, position, role, unit or group
  POST      /people/<user>/<disable|enable|reset>
  GET|POST  /council                       the council list, and a new member
  GET|POST  /council/<member>/edit
  POST      /council/<member>/remove
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from survey_app.accounts.auth import require
from survey_app.accounts.scope import me
from survey_app.accounts.users import ROLE_LABELS, ROLES, UNITS, AccountError
from survey_app.admin import council, groups, people
from survey_app.admin.forms import (
    COUNCIL_ROLE_LABELS,
    AccountForm,
    ActionForm,
    CouncilForm,
    EditAccountForm,
)
from survey_app.admin.setup import SetupError
from survey_app.admin.web import choices, refused, saved, ward_or_404
from survey_app.core.db import get_session
from survey_app.core.i18n import _, current_language
from survey_app.models import User, Ward

bp = Blueprint("admin_people", __name__, url_prefix="/admin/wards/<int:ward_id>")
ACTIONS = ("disable", "enable", "reset")


def _account_choices(form: AccountForm, ward: Ward) -> None:
    lang = current_language()
    form.role.choices = choices((role, str(ROLE_LABELS[role])) for role in ROLES)
    form.unit.choices = choices(
        [("", _("— Không —"))]
        + [(uid, names.get(lang) or names["vi"]) for uid, names in UNITS.items()]
    )
    live = [g for g in groups.groups_of(get_session(), ward.id) if not g.retired]
    form.group_id.choices = choices([("", _("— Không —"))] + [(str(g.id), g.name) for g in live])


def _scope(form: AccountForm) -> dict[str, object]:
    group = form.group_id.data or ""
    return {
        "role": form.role.data,
        "unit": form.unit.data or None,
        "group_id": int(group) if group.isdigit() else None,
    }


def _account(ward: Ward, user_id: int) -> User:
    try:
        return people.account_of(get_session(), ward.id, user_id)
    except LookupError:
        abort(404)


@bp.get("/people")
@require("admin.people")
def index(ward_id: int) -> str:
    """Every account of the ward with its role, unit or group, and state."""
    ward = ward_or_404(ward_id)
    session = get_session()
    names = {g.id: g.name for g in groups.groups_of(session, ward.id)}
    return render_template(
        "admin/people.html",
        ward=ward,
        people=people.people_of(session, ward.id),
        group_names=names,
        role_labels=ROLE_LABELS,
        units=UNITS,
        action=ActionForm(),
    )


@bp.route("/people/new", methods=["GET", "POST"])
@require("admin.people")
def create(ward_id: int) -> str | Response | tuple[str, int]:
    """A new account; the page after it shows the one-time password once."""
    ward = ward_or_404(ward_id)
    form = AccountForm()
    _account_choices(form, ward)
    context = {"ward": ward, "form": form, "editing": None}
    if not form.is_submitted():
        return render_template("admin/person.html", **context)
    if not form.validate():
        return render_template("admin/person.html", **context), 422
    try:
        user, password = people.create_account(
            get_session(),
            ward_id=ward.id,
            username=form.username.data,
            display_name=form.display_name.data,
            position=form.position.data,
            actor=me(),
            reason=form.reason.data or "",
            **_scope(form),
        )
    except AccountError as exc:
        return refused("admin/person.html", exc, **context)
    return render_template("admin/password_once.html", ward=ward, user=user, password=password)


@bp.route("/people/<int:user_id>/edit", methods=["GET", "POST"])
@require("admin.people")
def edit(ward_id: int, user_id: int) -> str | Response | tuple[str, int]:
    """Correct a name or position, or move someone to another role, unit or group."""
    ward = ward_or_404(ward_id)
    user = _account(ward, user_id)
    form = EditAccountForm(obj=None if _posted() else user)
    if not _posted():
        form.unit.data = user.unit or ""
        form.group_id.data = str(user.group_id or "")
    _account_choices(form, ward)
    context = {"ward": ward, "form": form, "editing": user}
    if not _posted():
        return render_template("admin/person.html", **context)
    if not form.validate():
        return render_template("admin/person.html", **context), 422
    try:
        people.update_account(
            get_session(),
            ward.id,
            user.id,
            display_name=form.display_name.data,
            position=form.position.data or "",
            actor=me(),
            reason=form.reason.data or "",
            **_scope(form),
        )
    except AccountError as exc:
        return refused("admin/person.html", exc, **context)
    saved()
    return redirect(url_for("admin_people.index", ward_id=ward.id), code=303)


def _posted() -> bool:
    return request.method == "POST"


@bp.post("/people/<int:user_id>/<action>")
@require("admin.people")
def account_action(ward_id: int, user_id: int, action: str) -> str | Response | tuple[str, int]:
    """Disable, enable, or reset the password (the new one-time password is shown once)."""
    ward = ward_or_404(ward_id)
    if action not in ACTIONS:
        abort(404)
    user = _account(ward, user_id)
    form = ActionForm()
    if not form.validate():
        abort(400)
    session, reason = get_session(), form.reason.data or ""
    try:
        if action == "reset":
            user, password = people.reset_account_password(
                session, ward.id, user.id, actor=me(), reason=reason
            )
            return render_template(
                "admin/password_once.html", ward=ward, user=user, password=password, reset=True
            )
        people.set_account_active(
            session, ward.id, user.id, action == "enable", actor=me(), reason=reason
        )
    except AccountError as exc:
        return refused(
            "admin/people.html",
            exc,
            409,
            ward=ward,
            people=people.people_of(session, ward.id),
            group_names={g.id: g.name for g in groups.groups_of(session, ward.id)},
            role_labels=ROLE_LABELS,
            units=UNITS,
            action=ActionForm(),
        )
    saved(_("Đã mở lại tài khoản.") if action == "enable" else _("Đã khóa tài khoản."))
    return redirect(url_for("admin_people.index", ward_id=ward.id), code=303)


# ----------------------------------------------------------------------------- council


def _council_choices(form: CouncilForm, ward: Ward) -> None:
    accounts = people.approvers_of(get_session(), ward.id)
    form.user_id.choices = choices(
        [("", _("— Không gắn tài khoản —"))]
        + [(str(u.id), f"{u.display_name or u.username} ({u.username})") for u in accounts]
    )


def _member_values(form: CouncilForm) -> dict[str, object]:
    user = form.user_id.data or ""
    return {
        "name": form.name.data,
        "position": form.position.data or "",
        "council_role": form.council_role.data,
        "order": form.order.data or 0,
        "user_id": int(user) if user.isdigit() else None,
    }


def _council_page(ward: Ward, form: CouncilForm, errors: list[str] | None = None) -> str:
    session = get_session()
    return render_template(
        "admin/council.html",
        ward=ward,
        form=form,
        members=council.members_of(session, ward.id),
        usernames={u.id: u.username for u in people.people_of(session, ward.id)},
        remove=ActionForm(),
        council_roles=COUNCIL_ROLE_LABELS,
        errors=errors or [],
    )


@bp.route("/council", methods=["GET", "POST"])
@require("admin.council")
def council_index(ward_id: int) -> str | Response | tuple[str, int]:
    """The council as the minutes print it, and a form to add a member."""
    ward = ward_or_404(ward_id)
    form = CouncilForm()
    _council_choices(form, ward)
    if not _posted():
        return _council_page(ward, form)
    if not form.validate():
        return _council_page(ward, form), 422
    try:
        council.add_member(
            get_session(),
            ward.id,
            actor=me(),
            reason=form.reason.data or "",
            **_member_values(form),
        )
    except SetupError as exc:
        return _council_page(ward, form, exc.errors), 422
    saved(_("Đã thêm thành viên Hội đồng."))
    return redirect(url_for("admin_people.council_index", ward_id=ward.id), code=303)


@bp.route("/council/<int:member_id>/edit", methods=["GET", "POST"])
@require("admin.council")
def council_edit(ward_id: int, member_id: int) -> str | Response | tuple[str, int]:
    """Correct a member's name, position, place in the council or linked account."""
    ward = ward_or_404(ward_id)
    member = next(
        (m for m in council.members_of(get_session(), ward.id) if m.id == member_id), None
    )
    if member is None:
        abort(404)
    form = CouncilForm(obj=None if _posted() else member)
    if not _posted():
        form.user_id.data = str(member.user_id or "")
    _council_choices(form, ward)
    context = {"ward": ward, "form": form, "member": member}
    if not _posted():
        return render_template("admin/council_member.html", **context)
    if not form.validate():
        return render_template("admin/council_member.html", **context), 422
    try:
        council.update_member(
            get_session(),
            ward.id,
            member.id,
            actor=me(),
            reason=form.reason.data or "",
            **_member_values(form),
        )
    except SetupError as exc:
        return refused("admin/council_member.html", exc, **context)
    saved()
    return redirect(url_for("admin_people.council_index", ward_id=ward.id), code=303)


@bp.post("/council/<int:member_id>/remove")
@require("admin.council")
def council_remove(ward_id: int, member_id: int) -> Response:
    """Take a member off the list (recorded approvals keep their account)."""
    ward = ward_or_404(ward_id)
    form = ActionForm()
    if not form.validate():
        abort(400)
    try:
        council.remove_member(
            get_session(), ward.id, member_id, actor=me(), reason=form.reason.data or ""
        )
    except LookupError:
        abort(404)
    saved(_("Đã bỏ thành viên khỏi danh sách Hội đồng."))
    return redirect(url_for("admin_people.council_index", ward_id=ward.id), code=303)
