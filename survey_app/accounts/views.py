"""Sign in, sign out, change password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from survey_app.accounts import auth, ratelimit, signin
from survey_app.accounts import users as accounts
from survey_app.accounts.forms import ChangePasswordForm, LoginForm
from survey_app.core.db import get_session, write_transaction
from survey_app.core.forms import EmptyForm
from survey_app.core.i18n import _, ngettext
from survey_app.models import User

bp = Blueprint("auth", __name__)


def _limits() -> signin.Limits:
    config = current_app.config
    return signin.Limits(
        window_s=config["LOGIN_FAILURE_WINDOW_S"],
        per_account=config["LOGIN_FAILURES_PER_ACCOUNT"],
        per_client=config["LOGIN_FAILURES_PER_CLIENT"],
        delay_base_s=config["LOGIN_DELAY_BASE_S"],
        delay_max_s=config["LOGIN_DELAY_MAX_S"],
    )


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int, dict[str, str]]:
    """The sign-in form; one generic error for every failure, throttled per account and client."""
    g.cfw_private = True
    next_url = auth.safe_next(request.args.get("next"))
    if auth.current_user() is not None:
        return redirect(next_url or url_for("staff.index"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("accounts/login.html", form=form)
    client = ratelimit.client_key(
        current_app.config["CLIENT_HASH_KEY"], request.remote_addr, "login"
    )
    result = signin.attempt(
        get_session(),
        username=form.username.data,
        password=form.password.data,
        client=client,
        limits=_limits(),
        hash_key=current_app.config["USERNAME_HASH_KEY"],
    )
    if result.retry_after_s is not None:
        if result.retry_after_s < 60:
            error = ngettext(
                "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(num)d giây.",
                "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(num)d giây.",
                result.retry_after_s,
            )
        else:
            error = ngettext(
                "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(num)d phút.",
                "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(num)d phút.",
                -(-result.retry_after_s // 60),
            )
        page = render_template("accounts/login.html", form=form, error=error)
        return page, 429, {"Retry-After": str(result.retry_after_s)}
    if result.user is None:
        return render_template(
            "accounts/login.html", form=form, error=_("Tên đăng nhập hoặc mật khẩu không đúng.")
        )
    auth.start_session(result.user)
    return redirect(next_url or url_for("staff.index"))


@bp.post("/logout")
def logout() -> Response:
    """Sign out; this ends every session of the account (cookie sessions can't be told apart)."""
    g.cfw_private = True
    form = EmptyForm()
    user = auth.current_user()
    if form.validate_on_submit() and user is not None:
        with write_transaction() as session:
            fresh = session.get(User, user.id)
            if fresh is not None:
                fresh.session_version += 1
    auth.end_session()
    flash(_("Bạn đã đăng xuất."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@auth.login_required
def change_password() -> str | Response:
    """Change one's own password (required at first sign-in with a one-time password)."""
    user = auth.current_user()
    assert user is not None  # login_required
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            with write_transaction() as session:
                fresh = session.get(User, user.id)
                assert fresh is not None
                accounts.change_password(
                    session,
                    fresh,
                    current=form.current_password.data,
                    new=form.new_password.data,
                )
        except accounts.AccountError as exc:
            field = getattr(form, exc.field or "new_password")
            field.errors = [*field.errors, str(exc)]
        else:
            auth.start_session(fresh)  # other sessions ended with the version bump
            flash(_("Đã đổi mật khẩu."), "success")
            return redirect(url_for("staff.index"))
    return render_template("accounts/password.html", form=form, user=user)
