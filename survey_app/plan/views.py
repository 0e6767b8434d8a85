"""The ward's yearly plan in the browser.

URL map (blueprint "plan"):
  GET       /plan/                          the ward's plans; the officer makes a new one
  POST      /plan/new                       a new plan from the template or last year's
  GET       /plan/<id>                      the plan: sections, activities, the year's timeline
  POST      /plan/<id>/header               its number and date
  GET,POST  /plan/<id>/sections/<key>       edit one section
  GET,POST  /plan/<id>/criteria             which unit is in charge of each criterion
  GET,POST  /plan/<id>/activities/new       add an activity
  GET,POST  /plan/activities/<id>           one activity: change it (its lead unit or the officer)
  POST      /plan/activities/<id>/done      mark it done (or not)
  POST      /plan/activities/<id>/evidence  attach a photo or scanned document
  GET       /plan/evidence/<id>             download one evidence file (never shown inline)
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from wtforms.fields.choices import SelectChoice

from assessment import load_rules
from survey_app.accounts.auth import require
from survey_app.accounts.scope import me, scoped_or_404
from survey_app.core.db import get_session, write_transaction
from survey_app.core.i18n import _, current_language
from survey_app.core.permissions import has
from survey_app.core.security import MAX_ID, error_response
from survey_app.core.vntime import today_vn
from survey_app.core.web import accepts_upload, download
from survey_app.models import Evidence, EvidenceFile, Plan, PlanActivity, Ward
from survey_app.plan import access, evidence_store, owners, service
from survey_app.plan.evidence import MAX_BYTES, EvidenceError, check_file
from survey_app.plan.forms import (
    ActivityForm,
    DoneForm,
    EvidenceForm,
    HeaderForm,
    NewPlanForm,
    SectionForm,
    assignment_form,
    criterion_field,
)
from survey_app.plan.overview import plan_overview, unit_choices

bp = Blueprint("plan", __name__, url_prefix="/plan")


def _plan_or_404(plan_id: int) -> Plan:
    plan = get_session().get(Plan, plan_id) if 0 < plan_id <= MAX_ID else None
    if plan is None:
        abort(404)
    scoped_or_404(plan)  # another ward's plan: 404, as if it did not exist
    return plan


def _activity_or_404(activity_id: int) -> PlanActivity:
    activity = get_session().get(PlanActivity, activity_id) if 0 < activity_id <= MAX_ID else None
    if activity is None:
        abort(404)
    scoped_or_404(activity, activity.plan.ward_id)
    return activity


def _refused(exc: service.PlanError | EvidenceError | owners.AssignmentError) -> Any:
    return error_response(getattr(exc, "status", 400), message=str(exc))


def _indicator_choices() -> list[tuple[str, str]]:
    lang = current_language()
    rules = load_rules()
    return [("", _("(không)"))] + [
        (spec.key, f"{spec.group.upper()} · {spec.label.get(lang)}")
        for spec in rules.inputs
        if spec.type == "yes_no"
    ]


def _activity_form(plan: Plan, activity: PlanActivity | None = None) -> ActivityForm:
    form = ActivityForm(obj=activity) if activity is not None else ActivityForm()
    units = unit_choices(plan, current_language())
    form.lead.choices = [SelectChoice(value, label) for value, label in units]
    form.supports.choices = [SelectChoice(value, label) for value, label in units]
    form.indicator.choices = [SelectChoice(value, label) for value, label in _indicator_choices()]
    if activity is not None and not form.is_submitted():
        form.lead.data = activity.lead_unit
        form.supports.data = activity.supporting_units
    return form


def _activity_fields(form: ActivityForm) -> dict[str, Any]:
    """An activity form's values as the plan service takes them."""
    return {
        "title": form.title.data,
        "lead": form.lead.data,
        "supports": form.supports.data or [],
        "start_on": form.start_on.data,
        "due_on": form.due_on.data,
        "notes": form.notes.data or "",
        "indicator": form.indicator.data or "",
    }


@bp.get("/")
@require("plan.read")
def index() -> str:
    """The ward's plans, newest year first, and the form for a new one."""
    user = me()
    plans = service.plans_of(get_session(), user.ward_id) if user.ward_id else []
    form = NewPlanForm(year=today_vn().year if not plans else plans[0].year + 1)
    form.source.choices = [SelectChoice("template", _("Mẫu kế hoạch mới nhất"))] + [
        SelectChoice(str(p.id), _("Kế hoạch năm %(year)s", year=p.year)) for p in plans
    ]
    return render_template(
        "plan/index.html", plans=plans, form=form, can_edit=access.may_edit_plan(user)
    )


@bp.post("/new")
@require("plan.edit")
def new() -> Any:
    """Make a plan for a year from the newest template or from an earlier plan."""
    user = me()
    session = get_session()
    plans = service.plans_of(session, user.ward_id) if user.ward_id else []
    form = NewPlanForm()
    form.source.choices = [("template", "")] + [(str(p.id), "") for p in plans]
    if user.ward_id is None or not form.validate_on_submit():
        return error_response(400, message=_("Hãy nhập năm (2019–2100) và chọn cách bắt đầu."))
    try:
        with write_transaction(session):
            ward = session.get(Ward, user.ward_id)
            if form.source.data == "template":
                plan = service.create_plan(session, ward, form.year.data, actor=user)
            else:
                source = _plan_or_404(int(form.source.data))
                plan = service.copy_forward(session, source, form.year.data, actor=user)
            plan_id = plan.id
    except service.PlanError as exc:
        return _refused(exc)
    flash(_("Đã tạo kế hoạch năm %(year)s. Hãy xem lại từng phần.", year=form.year.data), "success")
    return redirect(url_for("plan.show", plan_id=plan_id), 303)


@bp.get("/<int:plan_id>")
@require("plan.read")
def show(plan_id: int) -> str:
    """The plan: header, sections, activities by status, the timeline and progress per unit."""
    plan = _plan_or_404(plan_id)
    user = me()
    view = plan_overview(plan, current_language(), today_vn())
    return render_template(
        "plan/show.html",
        plan=plan,
        view=view,
        header=HeaderForm(obj=plan),
        can_edit=access.may_edit_plan(user),
        my_unit=user.unit if has(user.role, "plan.activity_edit_own_unit") else None,
    )


@bp.post("/<int:plan_id>/header")
@require("plan.edit")
def header(plan_id: int) -> Any:
    """Set the plan's number and date."""
    plan = _plan_or_404(plan_id)
    form = HeaderForm()
    if not form.validate_on_submit():
        return error_response(400, message=_("Số hoặc ngày không hợp lệ."))
    with write_transaction(get_session()):
        service.update_header(
            get_session(),
            plan,
            number=form.number.data or "",
            issued_on=form.issued_on.data,
            actor=me(),
        )
    flash(_("Đã lưu số và ngày của kế hoạch."), "success")
    return redirect(url_for("plan.show", plan_id=plan_id), 303)


@bp.route("/<int:plan_id>/sections/<key>", methods=["GET", "POST"])
@require("plan.edit")
def section(plan_id: int, key: str) -> Any:
    """Edit one section's title and text."""
    plan = _plan_or_404(plan_id)
    found = next((s for s in plan.sections if s.key == key), None)
    if found is None:
        abort(404)
    form = SectionForm(obj=found)
    if form.validate_on_submit():
        try:
            with write_transaction(get_session()):
                service.update_section(
                    get_session(),
                    found,
                    title=form.title.data or "",
                    body=form.body.data or "",
                    actor=me(),
                )
        except service.PlanError as exc:
            return _refused(exc)
        flash(_("Đã lưu phần “%(title)s”.", title=found.title or key), "success")
        return redirect(url_for("plan.show", plan_id=plan_id, _anchor=f"s-{key}"), 303)
    code = 400 if form.is_submitted() else 200
    return render_template("plan/section.html", plan=plan, section=found, form=form), code


@bp.route("/<int:plan_id>/criteria", methods=["GET", "POST"])
@require("plan.edit")
def assignment(plan_id: int) -> Any:
    """Give each criterion to a unit: the unit whose officers then enter its figures."""
    plan = _plan_or_404(plan_id)
    view = plan_overview(plan, current_language(), today_vn())
    current = owners.plan_assignment(plan)
    rows = [
        (n, _("Tiêu chí %(n)d: %(name)s", n=n, name=name), current[n])
        for n, name, _u in view.criteria
    ]
    names = dict(unit_choices(plan, current_language()))
    choices = [(u, names[u]) for u in owners.assignable_units(plan)]
    form = assignment_form(rows, choices)
    if form.validate_on_submit():
        changes = {n: form[criterion_field(n)].data for n, _label, _unit in rows}
        try:
            with write_transaction(get_session()):
                changed = owners.assign_criteria(
                    get_session(), plan, changes, actor=me(), reason=form.reason.data or ""
                )
        except owners.AssignmentError as exc:
            return _refused(exc)
        flash(
            _(
                "Đã đổi phân công %(n)s tiêu chí: đơn vị mới nhập số liệu của tiêu chí đó.",
                n=changed,
            ),
            "success",
        )
        return redirect(url_for("plan.show", plan_id=plan_id, _anchor="assignment"), 303)
    code = 400 if form.is_submitted() else 200
    return render_template(
        "plan/assignment.html",
        plan=plan,
        form=form,
        fields=[criterion_field(n) for n, _label, _unit in rows],
    ), code


@bp.route("/<int:plan_id>/activities/new", methods=["GET", "POST"])
@require("plan.edit")
def new_activity(plan_id: int) -> Any:
    """Add an activity to the plan."""
    plan = _plan_or_404(plan_id)
    form = _activity_form(plan)
    if form.validate_on_submit():
        try:
            with write_transaction(get_session()):
                activity = service.add_activity(
                    get_session(),
                    plan,
                    **_activity_fields(form),
                    actor=me(),
                )
                activity_id = activity.id
        except service.PlanError as exc:
            return _refused(exc)
        flash(_("Đã thêm hoạt động. Đơn vị chủ trì sẽ thấy nó trên trang của mình."), "success")
        return redirect(url_for("plan.activity", activity_id=activity_id), 303)
    code = 400 if form.is_submitted() else 200
    return render_template("plan/activity_form.html", plan=plan, form=form, activity=None), code


@bp.route("/activities/<int:activity_id>", methods=["GET", "POST"])
@require("plan.read")
def activity(activity_id: int) -> Any:
    """One activity with its evidence; its lead unit and the officer may change it."""
    found = _activity_or_404(activity_id)
    user = me()
    may_change = access.may_change_activity(user, found)
    form = _activity_form(found.plan, found)
    if form.is_submitted():
        if not may_change:
            abort(403)
        if form.validate():
            try:
                with write_transaction(get_session()):
                    service.update_activity(
                        get_session(),
                        found,
                        **_activity_fields(form),
                        actor=user,
                    )
            except service.PlanError as exc:
                return _refused(exc)
            flash(_("Đã lưu hoạt động."), "success")
            return redirect(url_for("plan.activity", activity_id=activity_id), 303)
    view = plan_overview(found.plan, current_language(), today_vn())
    row = next(r for r in view.activities if r.id == found.id)
    return render_template(
        "plan/activity.html",
        activity=found,
        row=row,
        view=view,
        form=form,
        done=DoneForm(done_on=found.done_on or today_vn()),
        upload=EvidenceForm(),
        may_change=may_change,
        max_mb=MAX_BYTES // (1024 * 1024),
    ), (400 if form.is_submitted() else 200)


@bp.post("/activities/<int:activity_id>/done")
@require("plan.read")
def done(activity_id: int) -> Any:
    """Mark an activity done on a day (not in the future), or not done with an empty date."""
    found = _activity_or_404(activity_id)
    if not access.may_change_activity(me(), found):
        abort(403)
    form = DoneForm()
    if not form.validate_on_submit():
        return error_response(400, message=_("Ngày không hợp lệ."))
    try:
        with write_transaction(get_session()):
            service.set_done(get_session(), found, form.done_on.data, actor=me(), today=today_vn())
    except service.PlanError as exc:
        return _refused(exc)
    message = _("Đã ghi nhận hoàn thành.") if form.done_on.data else _("Đã bỏ đánh dấu hoàn thành.")
    flash(message, "success")
    return redirect(url_for("plan.activity", activity_id=activity_id), 303)


@bp.post("/activities/<int:activity_id>/evidence")
@accepts_upload(MAX_BYTES)
@require("plan.read")
def evidence(activity_id: int) -> Any:
    """Attach a photo (JPEG, PNG) or a PDF; the type is read from the content."""
    found = _activity_or_404(activity_id)
    if not access.may_change_activity(me(), found):
        abort(403)
    form = EvidenceForm()
    if not form.validate_on_submit():
        return error_response(400, message=_("Hãy chọn một ảnh hoặc tệp PDF."))
    upload = form.file.data
    try:
        data = upload.read(MAX_BYTES + 1)
    finally:
        upload.close()  # a large upload sits in a temporary file: free it now
    try:
        checked = check_file(data, upload.filename or "")
        with write_transaction(get_session()):
            evidence_store.add_evidence(
                get_session(), found, checked, caption=form.caption.data or "", actor=me()
            )
    except (EvidenceError, service.PlanError) as exc:
        return _refused(exc)
    flash(_("Đã lưu minh chứng “%(name)s”.", name=checked.filename), "success")
    return redirect(url_for("plan.activity", activity_id=activity_id), 303)


@bp.get("/evidence/<int:evidence_id>")
@require("plan.read")
def evidence_file(evidence_id: int) -> Any:
    """One evidence file as a download (attachment, its checked type; never inline HTML)."""
    session = get_session()
    item = session.get(Evidence, evidence_id) if 0 < evidence_id <= MAX_ID else None
    if item is None:
        abort(404)
    scoped_or_404(item, item.activity.plan.ward_id)
    stored = session.get(EvidenceFile, item.sha256)
    assert stored is not None  # a foreign key
    return download(stored.data, item.filename, stored.content_type)
