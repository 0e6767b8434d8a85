"""The public survey reached from a poster's QR code (no sign-in, no personal data).

URL map (blueprint "public"):
  GET  /q/<token>                 check the poster token (typed forms repaired), keep its id in
                                  the session, landing page with Open Graph tags → /s
  GET  /s                         who is answering: a child or a resident
  GET  /s/<audience>              notice, consent ticks, age band, optional gender
  POST /s/<audience>              → /s/<audience>/questions
  GET  /s/<audience>/questions    all questions on one page (one-time key in a hidden field)
  POST /s/<audience>/questions    store the answers → /s/sent (post/redirect/get)
  GET  /s/sent                    the thank-you page; Back or reload after sending lands on
                                  "already sent" pages, never on the filled form again
  GET  /s/another                 the thank-you page's "another person" link: a fresh answer
                                  for the next member of a household on the same phone

A token that cannot take answers gets a page saying what to do, with these codes:
404 unknown · 410 rotated (with the new poster's link), revoked, round closed ·
423 paused (try again later) · 409 cap reached · 429 too many posts from one client ·
400 no survey in progress (the session expired: scan again).
"""

from __future__ import annotations

import datetime as dt
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
    session,
    url_for,
)
from markupsafe import Markup
from sqlalchemy import select

from assessment import Instrument, InstrumentError, load_instrument
from survey_app.core.db import get_session
from survey_app.core.i18n import current_language
from survey_app.models import Ward
from survey_app.results.published import results_url
from survey_app.survey import submit as survey
from survey_app.survey import tokens
from survey_app.survey.forms import (
    CONSENT_PREFIX,
    QUESTION_PREFIX,
    SurveyForm,
    answers_of,
    profile_form,
    profile_of,
    questions_form,
)
from survey_app.survey.tokens import TokenInfo, TokenState

bp = Blueprint("public", __name__)

STATUS_BY_STATE = {
    TokenState.UNKNOWN: 404,
    TokenState.ROTATED: 410,
    TokenState.REVOKED: 410,
    TokenState.CLOSED: 410,
    TokenState.PAUSED: 423,
    TokenState.CAPPED: 409,
}
# Session keys of a survey in progress (a signed cookie: the token id, never the token).
TOKEN_KEY, PROFILE_KEY, STARTED_KEY = "sv_token", "sv_profile", "sv_started"
# After a sent answer: which audience sent it (until "another person" or a new scan); the
# household mark of an answer started from the "another person" link; the one-time key of
# the questions page last shown while the poster was active (see `_started_before_pause`).
SENT_KEY, HOUSEHOLD_KEY, ISSUED_KEY = "sv_sent", "sv_household", "sv_issued"


# ----------------------------------------------------------------------------- routes


@bp.get("/q/<token>")
def scan(token: str) -> Any:
    """A poster's QR code or a typed/shared link: keep the token's id, then go on to /s.

    A tiny landing page (200) instead of a redirect, so that chat apps previewing a shared
    link find its Open Graph title; a meta refresh takes people on at once (the token then
    leaves the address bar). Typed tokens are repaired by `tokens.lookup`.
    """
    current_language()  # remember ?lang= from the poster before moving on
    info = tokens.lookup(get_session(), token)
    if info.state is TokenState.CLOSED:
        # Once the round closes, the poster shows people what their answers changed.
        target = results_url(get_session(), info.ward_id, info.group_id, info.round_id)
        if target:
            return redirect(target, 303)
    if not info.usable:
        return _state_page(info)
    for key in (PROFILE_KEY, SENT_KEY, HOUSEHOLD_KEY):
        session.pop(key, None)
    session[TOKEN_KEY] = info.token_id
    return render_template("survey/landing.html", **_context(info, None))


@bp.get("/s")
def start() -> Any:
    """Who is answering: two big buttons (or "already sent" after an answer)."""
    info, instrument = _survey()
    if SENT_KEY in session:
        return _already_sent(info, instrument)
    session.pop(PROFILE_KEY, None)
    return render_template("survey/start.html", **_context(info, instrument))


@bp.route("/s/<audience>", methods=["GET", "POST"])
def profile(audience: str) -> Any:
    """The notice, the consent ticks and a few facts about the respondent (no personal data)."""
    info, instrument = _survey(audience)
    if SENT_KEY in session:
        return _already_sent(info, instrument)
    form = profile_form(instrument, audience, current_language())
    if request.method == "POST":
        unknown = form.unknown_fields(request.form)
        if not unknown and form.validate_on_submit():
            session[PROFILE_KEY] = profile_of(form)
            return redirect(url_for("public.questions", audience=audience), 303)
        return _form_page("survey/profile.html", form, unknown, info, instrument, audience)
    return render_template("survey/profile.html", form=form, **_context(info, instrument, audience))


@bp.route("/s/<audience>/questions", methods=["GET", "POST"])
def questions(audience: str) -> Any:
    """All questions on one page; POST stores them in one transaction, then → /s/sent."""
    info, instrument = _survey(audience, paused_ok=request.method == "POST")
    if SENT_KEY in session and request.method == "GET":
        # Back or reload: "already sent", never the form again. A form sent again (a resend,
        # a double tap) carries its one-time key, so it is recognised and stored only once.
        return _already_sent(info, instrument)
    chosen = session.get(PROFILE_KEY)
    if not chosen or chosen.get("audience") != audience:
        if request.method == "GET":
            return redirect(url_for("public.profile", audience=audience), 303)
        return _message_page("expired", 400, info, instrument)
    form = questions_form(instrument, audience, current_language())
    if request.method == "GET":
        form.key.data = survey.new_submission_key()
        session[STARTED_KEY] = survey.utcnow().timestamp()
        session[ISSUED_KEY] = form.key.data
        context = _context(info, instrument, audience)
        return render_template(
            "survey/questions.html",
            form=form,
            blank_fieldsets=_blank_fieldsets(form, instrument, audience, context["lang"]),
            **context,
        )
    unknown = form.unknown_fields(request.form)
    if unknown or not form.validate_on_submit():
        return _form_page("survey/questions.html", form, unknown, info, instrument, audience)
    try:
        result = survey.submit_response(
            get_session(),
            _submission(form, chosen, info),
            instrument=instrument,
            secret=current_app.config["CLIENT_HASH_KEY"],
            timezone=current_app.config["BABEL_DEFAULT_TIMEZONE"],
            info=info,
        )
    except survey.SubmitRefused as refused:
        if refused.reason == "rate_limited":
            return _message_page("rate_limited", 429, info, instrument)
        return _state_page(refused.info or TokenInfo(TokenState(refused.reason)))
    except survey.InvalidSubmission:
        return _message_page("invalid", 400, info, instrument)
    for key in (STARTED_KEY, ISSUED_KEY, HOUSEHOLD_KEY):
        session.pop(key, None)
    session[SENT_KEY] = result.audience
    return redirect(url_for("public.sent"), 303)


@bp.get("/s/sent")
def sent() -> Any:
    """The thank-you page of the answer just sent (reload shows it again, stores nothing)."""
    info, instrument = _survey(paused_ok=True)
    sent_audience = session.get(SENT_KEY)
    if sent_audience not in instrument.audience_ids:
        return redirect(url_for("public.start"), 303)
    return render_template(
        "survey/thanks.html",
        thanks_audience=instrument.audience(sent_audience),
        already=False,
        **_context(info, instrument, sent_audience),
    )


@bp.get("/s/another")
def another() -> Any:
    """Another person of the household answers on this phone: a fresh, unflagged answer."""
    _survey()
    if session.pop(SENT_KEY, None) is not None:
        session[HOUSEHOLD_KEY] = True
    return redirect(url_for("public.start"), 303)  # /s forgets the last person's profile


@bp.after_request
def _privacy_headers(response: Response) -> Response:
    """No referrer leaves a survey page; nothing is cached; the browser cookie is set once."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    if survey.BROWSER_COOKIE not in request.cookies:
        response.set_cookie(
            survey.BROWSER_COOKIE,
            survey.new_browser_id(),
            max_age=survey.BROWSER_COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


# ----------------------------------------------------------------------------- helpers


def _survey(
    audience: str | None = None, *, paused_ok: bool = False
) -> tuple[TokenInfo, Instrument]:
    """The token of the survey in progress and its instrument, or stop with a page.

    ``paused_ok``: a poster paused while someone was answering still takes the answer whose
    questions page was shown before the pause (`_started_before_pause`), and still shows
    its thank-you page.
    """
    token_id = session.get(TOKEN_KEY)
    if token_id is None:
        abort(_message_page("no_survey", 400, None, None))
    info = tokens.lookup_by_id(get_session(), token_id)
    paused = paused_ok and info.state is TokenState.PAUSED
    if not info.usable and not paused:
        abort(_state_page(info))
    try:
        instrument = load_instrument(info.instrument_version)
    except InstrumentError:
        current_app.logger.error("round uses a missing instrument: %s", info.instrument_version)
        abort(_state_page(TokenInfo(TokenState.CLOSED)))
    if audience is not None and audience not in instrument.audience_ids:
        abort(_message_page("not_found", 404, info, instrument))
    return info, instrument


def _already_sent(info: TokenInfo, instrument: Instrument) -> Response:
    """Back or reload after a sent answer: say so, offer a fresh start for another person."""
    sent_audience = session.get(SENT_KEY)
    if sent_audience not in instrument.audience_ids:
        session.pop(SENT_KEY, None)
        return redirect(url_for("public.start"), 303)
    page = render_template(
        "survey/thanks.html",
        thanks_audience=instrument.audience(sent_audience),
        already=True,
        **_context(info, instrument, sent_audience),
    )
    return make_response(page, 200)


def _started_before_pause(form: SurveyForm) -> bool:
    """True when this form's one-time key is the one shown while the poster was active."""
    issued = session.get(ISSUED_KEY)
    return bool(issued) and issued == form.key.data


def _context(
    info: TokenInfo | None, instrument: Instrument | None, audience: str | None = None
) -> dict[str, Any]:
    lang = current_language()
    return {
        "info": info,
        "instrument": instrument,
        "audience": instrument.audience(audience) if instrument and audience else None,
        "lang": lang,
        "ward": info.ward_name if info else "",
        "question_prefix": QUESTION_PREFIX,
        "consent_prefix": CONSENT_PREFIX,
    }


# Rendered question groups of a page without answers or errors: the same bytes for every
# GET of one instrument version, audience and language (none of it is per visitor).
_BLANK_FIELDSETS: dict[tuple[str, str, str], Markup] = {}


def _blank_fieldsets(form: SurveyForm, instrument: Instrument, audience: str, lang: str) -> Markup:
    """The radio groups of a blank questions form, rendered once per process (not in debug)."""
    key = (instrument.version, audience, lang)
    cached = _BLANK_FIELDSETS.get(key)
    if cached is None:
        html = Markup(
            render_template(
                "survey/_questions_fieldsets.html",
                form=form,
                **_context(None, instrument, audience),
            )
        )
        if current_app.debug:
            return html  # templates may be edited while the development server runs
        cached = _BLANK_FIELDSETS.setdefault(key, html)
    return cached


def _form_page(
    template: str,
    form: SurveyForm,
    unknown: list[str],
    info: TokenInfo,
    instrument: Instrument,
    audience: str,
) -> Response:
    """The form again with what to fix (400); nothing was written."""
    page = render_template(
        template,
        form=form,
        unknown=unknown,
        problems=form.problems(),
        **_context(info, instrument, audience),
    )
    return make_response(page, 400)


def _state_page(info: TokenInfo) -> Response:
    """What a visitor with an unusable poster token should do, with its status code."""
    replacement = None
    if info.state is TokenState.ROTATED and info.replacement:
        replacement = url_for("public.scan", token=info.replacement)
    page = render_template(
        "survey/state.html",
        state=info.state.value,
        replacement=replacement,
        ward=info.ward_name or _only_ward_name(),
        group=info.group_name,
    )
    return make_response(page, STATUS_BY_STATE.get(info.state, 404))


def _only_ward_name() -> str:
    """The ward's name when this server serves one ward (an unknown token can still say it)."""
    names = get_session().execute(select(Ward.name).limit(2)).scalars().all()
    return names[0] if len(names) == 1 else ""


def _message_page(
    kind: str, code: int, info: TokenInfo | None, instrument: Instrument | None
) -> Response:
    """A short page for other stops: no survey in progress, expired, rate limited."""
    page = render_template("survey/message.html", kind=kind, **_context(info, instrument))
    return make_response(page, code)


def _submission(form: SurveyForm, chosen: dict[str, Any], info: TokenInfo) -> survey.Submission:
    started = session.get(STARTED_KEY)
    return survey.Submission(
        token_id=info.token_id or 0,
        audience=chosen["audience"],
        age_band=chosen["age_band"],
        gender=chosen.get("gender"),
        answers=answers_of(form),
        submission_key=form.key.data,
        lang=current_language(),
        comment=form.comment.data or None,
        started_at=dt.datetime.fromtimestamp(started, dt.UTC).replace(tzinfo=None)
        if isinstance(started, int | float)
        else None,
        browser_id=request.cookies.get(survey.BROWSER_COOKIE),
        household=bool(session.get(HOUSEHOLD_KEY)),
        started_before_pause=_started_before_pause(form),
        # Used in memory for the rate-limit HMAC only: never stored, never logged.
        client_address=request.remote_addr,
    )
