"""Sign-in and password-change forms (validation of shape only; the rules live in services)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from survey_app.accounts.users import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from survey_app.core.i18n import _l

USERNAME_MAX_LENGTH = 64


class LoginForm(FlaskForm):
    """Username and password; every failure gets the same message."""

    username = StringField(
        _l("Tên đăng nhập"),
        validators=[
            DataRequired(_l("Hãy nhập tên đăng nhập.")),
            Length(max=USERNAME_MAX_LENGTH),
        ],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Mật khẩu"),
        validators=[DataRequired(_l("Hãy nhập mật khẩu.")), Length(max=PASSWORD_MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(FlaskForm):
    """The current password, then the new one twice."""

    current_password = PasswordField(
        _l("Mật khẩu hiện tại"),
        validators=[
            DataRequired(_l("Hãy nhập mật khẩu hiện tại.")),
            Length(max=PASSWORD_MAX_LENGTH),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("Mật khẩu mới"),
        validators=[DataRequired(_l("Hãy nhập mật khẩu mới.")), Length(max=PASSWORD_MAX_LENGTH)],
        description=_l(
            "Ít nhất %(n)d ký tự; nên dùng một câu dễ nhớ gồm nhiều từ.", n=PASSWORD_MIN_LENGTH
        ),
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[
            DataRequired(_l("Hãy nhập lại mật khẩu mới.")),
            EqualTo("new_password", _l("Hai lần nhập mật khẩu mới không giống nhau.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
