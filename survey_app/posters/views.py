"""Survey posters for staff: one group's poster, every poster of a round, the QR images.

URL map (blueprint "posters", prefix /staff/posters):
  GET  /                                      rounds of the user's ward          vhxh, admin
  GET  /rounds/<round>                        groups with their poster links     vhxh, admin
  GET  /rounds/<round>/groups/<group>.pdf     one poster (?size=A4|A5&lang=vi|en)
                                                          vhxh, admin, leader of that group
  POST /rounds/<round>/all                    start the all-posters job → its page
  GET  /jobs/<job>                            progress (refreshes itself every 2 s, no JS)
  GET  /jobs/<job>.pdf                        the finished PDF
  GET  /rounds/<round>/qr.zip                 PNG + SVG QR code of every group
Every QR code is made only for URLs under PUBLIC_BASE_URL (qr_codes.check_public_url).
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from survey_app.accounts.auth import require
from survey_app.accounts.scope import group_or_404, me, round_or_404, rounds_of, scoped_or_404
from survey_app.core.config import is_loopback_url
from survey_app.core.db import get_session
from survey_app.core.forms import EmptyForm
from survey_app.core.i18n import _, document_language
from survey_app.core.web import download
from survey_app.models import AssessmentRound, User
from survey_app.posters import data as poster_service
from survey_app.posters import jobs as poster_jobs
from survey_app.posters.data import LOCALES, SIZES, PosterError
from survey_app.posters.pdf import render_posters_pdf
from survey_app.posters.qr import PosterURLError, ascii_stem, qr_zip

bp = Blueprint("posters", __name__)


# ----------------------------------------------------------------------------- helpers


def staff_round(round_id: int) -> tuple[User, AssessmentRound]:
    """The signed-in user and a round of their ward (404 unknown, 403 another ward)."""
    return me(), round_or_404(round_id)


def choice(name: str, allowed: tuple[str, ...]) -> str:
    """A query argument from an allow-list (the first is the default); 400 otherwise."""
    value = request.args.get(name, allowed[0])
    if value not in allowed:
        message = _(
            "Giá trị không hợp lệ cho %(name)s: chọn một trong %(allowed)s.",
            name=name,
            allowed=", ".join(allowed),
        )
        abort(problem(message, 400))
    return value


def problem(message: str, code: int = 409) -> Response:
    """A page saying why a poster could not be made (what to fix), with a 4xx code."""
    page = render_template("posters/problem.html", message=message)
    return make_response(page, code)


# ----------------------------------------------------------------------------- routes


@bp.get("/posters/")
@require("posters.manage")
def index() -> str:
    """The rounds whose posters this user may print."""
    return render_template("posters/index.html", rounds=rounds_of(me()))


@bp.get("/rounds/<int:round_id>/posters")
@require("posters.manage")
def round_page(round_id: int) -> str:
    """Every group of the round with links to its poster, plus the batch downloads."""
    _user, round_ = staff_round(round_id)
    groups = poster_service.round_groups(get_session(), round_)
    base = current_app.config["PUBLIC_BASE_URL"]
    return render_template(
        "posters/round.html",
        round=round_,
        groups=groups,
        form=EmptyForm(),
        sizes=SIZES,
        locales=LOCALES,
        base_url=base,
        loopback=is_loopback_url(base),
    )


@bp.get("/rounds/<int:round_id>/posters/<int:group_id>.pdf")
@document_language
@require("posters.group_poster")
def group_poster(round_id: int, group_id: int) -> Any:
    """One group's poster as a one-page PDF (a leader: only their own group)."""
    _user, round_ = staff_round(round_id)
    group = group_or_404(group_id, round_)
    size, lang = choice("size", SIZES), choice("lang", LOCALES)
    session = get_session()
    base = current_app.config["PUBLIC_BASE_URL"]
    try:
        posters, _skipped = poster_service.round_posters(
            session, round_id, base_url=base, locale=lang, group_ids=[group_id]
        )

        pdf = render_posters_pdf(posters, page_size=size, allowed_base_url=base)  # type: ignore[arg-type]
    except PosterError:
        return problem(_("Tổ này chưa có mã QR đang dùng trong đợt này: hãy tạo mã mới."))
    except PosterURLError:
        return problem(_("Địa chỉ khảo sát không nằm dưới PUBLIC_BASE_URL: không tạo mã QR."))
    return download(pdf, f"poster-{ascii_stem(group.name)}-{size}-{lang}.pdf")


@bp.post("/rounds/<int:round_id>/posters/all")
@document_language
@require("posters.manage")
def start_all(round_id: int) -> Any:
    """Start drawing every poster of the round in the background; show its progress page."""
    user, round_ = staff_round(round_id)
    size, lang = choice("size", SIZES), choice("lang", LOCALES)
    if not EmptyForm().validate_on_submit():
        abort(400)
    base = current_app.config["PUBLIC_BASE_URL"]
    if is_loopback_url(base) and request.form.get("confirm_loopback") != "yes":
        return problem(
            _(
                "Địa chỉ gốc %(url)s chỉ mở được trên máy chủ: điện thoại không quét được các "
                "mã QR này. Hãy đặt PUBLIC_BASE_URL, hoặc đánh dấu ô xác nhận nếu chỉ in thử.",
                url=base,
            )
        )
    try:
        posters, skipped = poster_service.round_posters(
            get_session(), round_id, base_url=base, locale=lang
        )
    except PosterError:
        return problem(_("Không tổ nào của đợt này có mã QR đang dùng: hãy tạo mã trước."))
    except PosterURLError:
        return problem(_("Địa chỉ khảo sát không nằm dưới PUBLIC_BASE_URL: không tạo mã QR."))
    job = poster_jobs.start_job(
        get_session(),
        posters,
        page_size=size,
        allowed_base_url=base,
        ward_id=round_.ward_id,
        round_id=round_id,
        actor=user,
        skipped=skipped,
    )
    return redirect(url_for("posters.job_page", job_id=job.id), 303)


def _job(job_id: str) -> poster_jobs.JobState:
    """A job of the user's ward, or 404 (another ward's job is not even confirmed to exist)."""
    return scoped_or_404(poster_jobs.read_job(get_session(), job_id))


@bp.get("/posters/jobs/<job_id>")
@require("posters.manage")
def job_page(job_id: str) -> str:
    """Progress of a poster job; refreshes itself every 2 seconds until it ends."""
    return render_template("posters/job.html", job=_job(job_id))


@bp.get("/posters/jobs/<job_id>.pdf")
@require("posters.manage")
def job_pdf(job_id: str) -> Any:
    """The finished PDF of a job (409 while it is still running)."""
    job = _job(job_id)
    pdf = poster_jobs.job_pdf(get_session(), job.id) if job.status == "done" else None
    if pdf is None:
        return problem(_("Tệp chưa sẵn sàng: hãy chờ đến khi xong."))
    return download(pdf, f"posters-round-{job.round_id}.pdf")


@bp.get("/rounds/<int:round_id>/posters/qr.zip")
@require("posters.manage")
def qr_images(round_id: int) -> Any:
    """A zip with a PNG and an SVG QR code for every group with a live token."""
    staff_round(round_id)
    base = current_app.config["PUBLIC_BASE_URL"]
    try:
        items = poster_service.qr_items(get_session(), round_id, base_url=base)
        data = qr_zip(items, allowed_base_url=base)
    except PosterError:
        return problem(_("Không tổ nào của đợt này có mã QR đang dùng: hãy tạo mã trước."))
    except PosterURLError:
        return problem(_("Địa chỉ khảo sát không nằm dưới PUBLIC_BASE_URL: không tạo mã QR."))
    return download(data, f"qr-round-{round_id}.zip")
