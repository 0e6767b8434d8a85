"""Forms of the poster-token page: every change needs a reason (it goes to the audit log)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from survey_app.core.i18n import _l

REASON_MAX = 300
CAP_MAX = 100_000


class TokenChangeForm(FlaskForm):
    """Pause, resume, rotate or revoke: only a reason (the action is in the URL)."""

    reason = StringField(
        _l("Lý do"),
        validators=[
            DataRequired(_l("Hãy ghi lý do (được lưu vào nhật ký thay đổi).")),
            Length(min=3, max=REASON_MAX, message=_l("Lý do từ 3 đến 300 ký tự.")),
        ],
    )


class TokenCapForm(TokenChangeForm):
    """A new cap (how many answers the poster may take in total) and the reason."""

    cap = IntegerField(
        _l("Số câu trả lời tối đa"),
        validators=[
            DataRequired(_l("Hãy nhập số câu trả lời tối đa.")),
            NumberRange(min=1, max=CAP_MAX, message=_l("Từ 1 đến 100000.")),
        ],
    )


class TokenCreateForm(TokenChangeForm):
    """A new token for a group that has none (e.g. after a revoke); the cap is optional."""

    cap = IntegerField(
        _l("Số câu trả lời tối đa"),
        validators=[Optional(), NumberRange(min=1, max=CAP_MAX, message=_l("Từ 1 đến 100000."))],
    )
