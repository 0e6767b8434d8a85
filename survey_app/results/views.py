"""The criterion-13 survey dashboard for staff: review of flagged answers and exports.

URL map (blueprint "dashboard"):
  GET  /survey                                 → the dashboard of the user's ward's newest round
  GET  /rounds/<id>/survey                     dashboard (admin, vhxh, council, viewer of the ward)
  GET  /rounds/<id>/survey/flags               flagged and reviewed responses (same roles)
  POST /rounds/<id>/survey/flags/<response>    review decision with a reason (admin, vhxh)
  POST /rounds/<id>/survey/flags/bulk          one decision, one reason, many responses
  GET  /rounds/<id>/survey/aggregates.csv      aggregates, suppression applied (same roles)
  GET  /rounds/<id>/survey/aggregates.xlsx     the same as a workbook
  GET  /rounds/<id>/survey/responses.csv       anonymised raw answers (admin, vhxh)
  GET  /rounds/<id>/survey/comments            masked comments to review for quoting (admin, vhxh)
  POST /rounds/<id>/survey/comments/<response> "may be quoted" or not (audited)

Group leaders have their own page (another feature): they get 403 here, like unit officers.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from assessment import Hidden
from survey_app.accounts.auth import can, current_user, require
from survey_app.accounts.scope import current_round, me, response_or_404, round_or_404
from survey_app.core import charts
from survey_app.core.db import get_session
from survey_app.core.i18n import _, current_language
from survey_app.core.security import MAX_ID, error_response
from survey_app.core.web import download
from survey_app.results import comments as survey_comments
from survey_app.results import exports as survey_exports
from survey_app.results import review
from survey_app.results.counts import FLAG_NAMES, REVIEW_VIEWS, flagged_responses, rule_counts
from survey_app.results.dashboard import build_dashboard
from survey_app.results.dashboard_text import audience_name, format_number
from survey_app.results.figures import Dashboard
from survey_app.results.forms import (
    COMMENT_DECISIONS,
    DECISIONS,
    BulkReviewForm,
    CommentReviewForm,
    ReviewForm,
)
from survey_app.results.questions import question_labels

bp = Blueprint("dashboard", __name__)

PAGE_SIZE = 50


def _percent(value: Any) -> str:
    return f"{format_number(value)}%" if isinstance(value, int | float) else str(value or "–")


def _charts(view: Dashboard) -> dict[str, Any]:
    names = audience_name
    ward_rows = []
    # The ward's own rate per audience first, hidden like the comparison table hides it.
    for k, row in enumerate(view.comparison[: 2 * len(view.audiences) : 2]):
        est = row.clean
        if est is None:
            ward_rows.append(charts.Dot(_("Cả phường"), k, Hidden(5), None, None, "<5"))
        elif est.rate is not None:
            text = f"{est.rate:.0f}% ({est.low:.0f}–{est.high:.0f})"
            ward_rows.append(charts.Dot(_("Cả phường"), k, est.rate, est.low, est.high, text))
    return {
        "progress": charts.progress_charts(view.groups, view.audiences, names, "✓"),
        "rates": charts.group_rate_chart(
            view.groups,
            view.audiences,
            names,
            view.bands,
            lambda v: f"{format_number(v, 0)}%",
            ward_rows,
        ),
    }


@bp.app_template_filter("pct")
def pct_filter(value: Any, digits: int = 1) -> str:
    """A percentage in the page's language ("87,3%"), "<5" for a hidden one, "–" for none."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{format_number(value, digits)}%"
    return "–" if value is None else str(value)


# ----------------------------------------------------------------------------- staff pages


@bp.get("/survey")
@require("survey.dashboard")
def latest() -> Any:
    """The newest round of the user's ward (open rounds first); 404 when there is none."""
    round_ = current_round(me())
    if round_ is None:
        return error_response(404, message=_("Chưa có đợt đánh giá nào."))
    round_id = round_.id
    return redirect(url_for("dashboard.survey", round_id=round_id), 303)


@bp.get("/rounds/<int:round_id>/survey")
@require("survey.dashboard")
def survey(round_id: int) -> Any:
    """The dashboard: progress, rates with intervals, criterion-13 points and what to do next."""
    round_ = round_or_404(round_id)
    view = build_dashboard(get_session(), round_.id, lang=current_language())
    return render_template(
        "results/dashboard.html",
        view=view,
        charts=_charts(view),
        audience_name=audience_name,
        can_review=review.may_review(current_user(), round_.ward_id),
        raw_allowed=can("survey.export_raw"),
        rules=rule_counts(get_session(), round_.id),
        format_p=lambda p: "< 0,001" if p < 0.001 else format_number(p, 3),
    )


@bp.get("/rounds/<int:round_id>/survey/flags")
@require("survey.dashboard")
def flags(round_id: int) -> Any:
    """Flagged and reviewed responses, pending first, with review forms for reviewers."""
    round_ = round_or_404(round_id)
    page = request.args.get("page", "1")
    number = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    flag = request.args.get("flag", "")
    flag = flag if flag in FLAG_NAMES else ""
    view = request.args.get("show", "all")
    view = view if view in REVIEW_VIEWS else "all"
    listing = flagged_responses(
        get_session(),
        round_.id,
        limit=PAGE_SIZE,
        offset=(number - 1) * PAGE_SIZE,
        flag=flag or None,
        view=view,
    )
    return render_template(
        "results/flags.html",
        round=round_,
        listing=listing,
        page=number,
        pages=max(1, -(-listing.total // PAGE_SIZE)),
        flag=flag,
        show=view,
        flag_names=FLAG_NAMES,
        views=REVIEW_VIEWS,
        rules=rule_counts(get_session(), round_.id),
        bulk=BulkReviewForm(),
        form=ReviewForm(),
        decisions=DECISIONS,
        question_labels=question_labels(round_.instrument_version),
        can_review=review.may_review(current_user(), round_.ward_id),
        audience_name=audience_name,
    )


@bp.post("/rounds/<int:round_id>/survey/flags/<int:response_id>")
@require("survey.dashboard")
def review_action(round_id: int, response_id: int) -> Any:
    """Keep, exclude or re-open one response (audited); viewers and the council get 403."""
    round_ = round_or_404(round_id)
    if not review.may_review(current_user(), round_.ward_id):
        abort(403)
    response_or_404(response_id, round_)
    form = ReviewForm()
    if not form.validate_on_submit():
        problems = [str(e) for errors in form.errors.values() for e in errors]
        return error_response(400, message=" ".join(problems) or None)
    try:
        review.review_response(
            get_session(),
            response_id,
            form.decision.data,
            actor=current_user(),
            reason=form.reason.data,
        )
    except review.ReviewError as exc:
        return error_response(exc.status, message=str(exc))
    flash(_("Đã lưu quyết định cho phiếu số %(id)s.", id=response_id), "success")
    return redirect(
        url_for("dashboard.flags", round_id=round_.id, page=request.args.get("page")), 303
    )


@bp.post("/rounds/<int:round_id>/survey/flags/bulk")
@require("survey.dashboard")
def review_bulk(round_id: int) -> Any:
    """One decision with one reason for the ticked responses (each audited)."""
    round_ = round_or_404(round_id)
    if not review.may_review(current_user(), round_.ward_id):
        abort(403)
    form = BulkReviewForm()
    ids = [int(v) for v in request.form.getlist("ids") if v.isdigit() and 0 < int(v) <= MAX_ID]
    if not form.validate_on_submit():
        problems = [str(e) for errors in form.errors.values() for e in errors]
        return error_response(400, message=" ".join(problems) or None)
    try:
        done = review.review_many(
            get_session(),
            round_.id,
            ids,
            form.decision.data,
            actor=current_user(),
            reason=form.reason.data,
        )
    except review.ReviewError as exc:
        return error_response(exc.status, message=str(exc))
    flash(_("Đã lưu quyết định cho %(n)s phiếu.", n=len(done)), "success")
    back = {k: request.args.get(k) for k in ("page", "flag", "show") if request.args.get(k)}
    return redirect(url_for("dashboard.flags", round_id=round_.id, **back), 303)


@bp.get("/rounds/<int:round_id>/survey/aggregates.csv")
@require("survey.dashboard")
def aggregates_csv(round_id: int) -> Response:
    """Aggregates (without and with flagged answers) as CSV; small cells read "<5"."""
    round_ = round_or_404(round_id)
    view = build_dashboard(get_session(), round_.id, lang=current_language())
    data = survey_exports.aggregates_csv(view)
    return download(data, f"survey-round-{round_.id}-aggregates.csv")


@bp.get("/rounds/<int:round_id>/survey/aggregates.xlsx")
@require("survey.dashboard")
def aggregates_xlsx(round_id: int) -> Response:
    """Aggregates as an XLSX workbook; small cells read "<5"."""
    round_ = round_or_404(round_id)
    view = build_dashboard(get_session(), round_.id, lang=current_language())
    return download(
        survey_exports.aggregates_xlsx(view), f"survey-round-{round_.id}-aggregates.xlsx"
    )


@bp.get("/rounds/<int:round_id>/survey/responses.csv")
@require("survey.export_raw")
def responses_csv(round_id: int) -> Response:
    """Anonymised raw answers (no token, key or id), for the culture-social officer and admin."""
    round_ = round_or_404(round_id)
    data = survey_exports.responses_csv(get_session(), round_.id, round_.instrument_version)
    return download(data, f"survey-round-{round_.id}-responses.csv")


@bp.get("/rounds/<int:round_id>/survey/comments")
@require("survey.review")
def comments(round_id: int) -> Any:
    """The round's comments, masked, with a "may be quoted" decision for each."""
    round_ = round_or_404(round_id)
    page = request.args.get("page", "1")
    number = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    show = request.args.get("show", "unreviewed")
    show = show if show in survey_comments.SHOWN else "unreviewed"
    listing = survey_comments.comment_page(
        get_session(), round_.id, show=show, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
    )
    return render_template(
        "results/comments.html",
        round=round_,
        listing=listing,
        page=number,
        pages=max(1, -(-listing.total // PAGE_SIZE)),
        show=show,
        shows=survey_comments.SHOWN,
        form=CommentReviewForm(),
        decisions=COMMENT_DECISIONS,
        audience_name=audience_name,
    )


@bp.post("/rounds/<int:round_id>/survey/comments/<int:response_id>")
@require("survey.review")
def comment_review(round_id: int, response_id: int) -> Any:
    """Mark one masked comment quotable, withheld or unreviewed again (audited)."""
    round_ = round_or_404(round_id)
    response_or_404(response_id, round_)
    form = CommentReviewForm()
    if not form.validate_on_submit():
        problems = [str(e) for errors in form.errors.values() for e in errors]
        return error_response(400, message=" ".join(problems) or None)
    try:
        survey_comments.review_comment(
            get_session(),
            response_id,
            form.decision.data,
            actor=current_user(),
            reason=form.reason.data or "",
        )
    except review.ReviewError as exc:
        return error_response(exc.status, message=str(exc))
    flash(_("Đã lưu quyết định cho ý kiến ở phiếu số %(id)s.", id=response_id), "success")
    back = {k: request.args.get(k) for k in ("page", "show") if request.args.get(k)}
    return redirect(url_for("dashboard.comments", round_id=round_.id, **back), 303)
