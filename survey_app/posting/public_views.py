"""The public posting page of a ward's result and its comment form (no sign-in).

URL map (blueprint "posting"):
  GET  /posting/<ward_code>              the ward's newest publicly posted round (redirect)
  GET  /posting/<ward_code>/<round_id>   the 13-criterion result, the posting period, the
                                         survey summary, and the comment form while posted
  POST /posting/<ward_code>/<round_id>   send a comment (CSRF, rate limited, masked); the
                                         same view, so a refused comment shows the page again

Pages carry a CSRF token, so they are never cached; no referrer leaves them (like the survey).
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from survey_app.core.db import get_session
from survey_app.core.i18n import _, current_language
from survey_app.models import Ward
from survey_app.posting import service
from survey_app.posting.forms import FeedbackForm
from survey_app.results.dashboard_text import audience_name
from survey_app.results.published import public_ward_or_404

bp = Blueprint("posting", __name__, url_prefix="/posting")


@bp.before_request
def _private() -> None:
    g.cfw_private = True  # the comment form's CSRF token is per visitor: never cached


@bp.after_request
def _no_referrer(response: Any) -> Any:
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.app_template_global("posting_url")
def posting_url(round_id: int) -> str | None:
    """The public posting page of a round whose result is posted (None otherwise): the
    public results pages and the posters' QR codes lead residents on to it."""
    session = get_session()
    round_ = service.public_round_by_id(session, round_id)
    if round_ is None:
        return None
    return url_for("posting.page", ward_code=round_.ward.code, round_id=round_.id)


@bp.get("/<ward_code>")
def latest(ward_code: str) -> Any:
    """The ward's newest posted result, or a page saying nothing is posted yet."""
    ward = public_ward_or_404(ward_code)
    round_ = service.latest_public_round(get_session(), ward)
    if round_ is None:
        return render_template("posting/none.html", ward=ward)
    return redirect(url_for(".page", ward_code=ward.code, round_id=round_.id), 303)


def _render(
    ward: Ward, round_id: int, form: FeedbackForm, status: int = 200, problem: str = ""
) -> Any:
    """The page; ``problem`` is a refusal shown beside the form (the page opens there)."""
    session = get_session()
    round_ = service.public_round(session, ward, round_id)
    if round_ is None:
        abort(404)
    page = service.posting_page(session, round_, lang=current_language())
    body = render_template(
        "posting/page.html",
        ward=ward,
        page=page,
        form=form,
        limits=service.LIMITS,
        lang=current_language(),
        audience_name=audience_name,
        closed_message=service.closed_reason(session, round_),
        problem=problem,
    )
    return body, status


@bp.route("/<ward_code>/<int:round_id>", methods=["GET", "POST"])
def page(ward_code: str, round_id: int) -> Any:
    """The posted result, its period, the survey summary and the comment form; a POST stores
    a resident's comment (only while posted, masked, rate limited per source)."""
    ward = public_ward_or_404(ward_code)
    form = FeedbackForm()
    if request.method == "GET":
        return _render(ward, round_id, form)
    session = get_session()
    if service.public_round(session, ward, round_id) is None:
        abort(404)
    if not form.validate_on_submit():
        return _render(ward, round_id, form, 422)
    try:
        service.submit_feedback(
            session,
            round_id,
            form.text.data,
            # Used in memory for the rate-limit HMAC only: never stored, never logged.
            client_address=request.remote_addr,
            secret=current_app.config["CLIENT_HASH_KEY"],
        )
    except service.PostingError as exc:
        if exc.field:
            form.text.errors = [str(exc)]
            return _render(ward, round_id, form, exc.status)
        return _render(ward, round_id, form, exc.status, problem=str(exc))
    flash(
        _(
            "Đã nhận góp ý của bạn. Cảm ơn bạn! UBND phường sẽ xem xét và trả lời; số góp ý "
            "và việc trả lời được ghi trong hồ sơ đánh giá."
        ),
        "success",
    )
    # To the top of the page, where the thank-you message is shown (an explicit fragment:
    # without one the browser keeps the form's "#gop-y" across the redirect).
    return redirect(url_for(".page", ward_code=ward.code, round_id=round_id) + "#main", 303)
