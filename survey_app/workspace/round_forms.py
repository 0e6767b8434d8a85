"""Forms of the round's workflow steps that carry data (posting, sending, decision, reopening)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from survey_app.core.i18n import _, _l
from survey_app.workspace.lifecycle import REASON_MIN_LENGTH

# Upper bounds only stop absurd input; the procedure's own numbers are the ward's to set.
MAX_POSTING_DAYS = 365
REQUIRED = _l("Vui lòng điền mục này.")
CONFIRM = _l("Đánh dấu ô xác nhận để thực hiện bước này (không hoàn tác được).")


def confirm_field(label: Any) -> BooleanField:
    """The required tick of an irreversible step (works without JavaScript)."""
    return BooleanField(label, validators=[DataRequired(CONFIRM)])


class LockForm(FlaskForm):
    """Locking the approved result (irreversible without reopening)."""

    confirm = confirm_field(
        _l("Tôi xác nhận khóa kết quả và đóng khảo sát: sau đó không gì thay đổi được điểm.")
    )


class DayField(DateField):
    """A date field whose "not a date" message is in the user's language."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Parse the date; a non-date gets a translated message."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_("Ngày không hợp lệ.")) from None


class PostForm(FlaskForm):
    """Public posting of the locked result."""

    start = DayField(_l("Ngày bắt đầu công khai"), validators=[InputRequired(REQUIRED)])
    days = IntegerField(
        _l("Số ngày công khai"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(min=1, max=MAX_POSTING_DAYS, message=_l("Nhập số ngày từ 1 đến %(max)d.")),
        ],
    )


class SendForm(FlaskForm):
    """The dossier sent to the recognising authority."""

    sent_on = DayField(_l("Ngày gửi hồ sơ"), validators=[InputRequired(REQUIRED)])
    letter = StringField(
        _l("Số tờ trình / công văn đề nghị"),
        validators=[InputRequired(REQUIRED), Length(max=100)],
    )
    confirm = confirm_field(_l("Tôi xác nhận hồ sơ đã được gửi đến cơ quan công nhận."))


class DecisionForm(FlaskForm):
    """The recognising authority's decision."""

    number = StringField(_l("Số quyết định"), validators=[InputRequired(REQUIRED), Length(max=100)])
    date = DayField(_l("Ngày quyết định"), validators=[InputRequired(REQUIRED)])
    authority = StringField(
        _l("Cơ quan ra quyết định"), validators=[InputRequired(REQUIRED), Length(max=300)]
    )
    result = RadioField(
        _l("Kết quả"),
        choices=[
            SelectChoice("yes", _l("Được công nhận")),
            SelectChoice("no", _l("Không được công nhận")),
        ],
        validators=[InputRequired(REQUIRED)],
    )
    confirm = confirm_field(_l("Tôi xác nhận đã nhận được quyết định này."))


class ReopenForm(FlaskForm):
    """Reopening a round for corrections (the reason goes to the audit log)."""

    reason = TextAreaField(
        _l("Lý do mở lại"),
        validators=[
            InputRequired(REQUIRED),
            Length(
                min=REASON_MIN_LENGTH, max=500, message=_l("Lý do từ %(min)d đến %(max)d ký tự.")
            ),
        ],
    )


class ReasonForm(FlaskForm):
    """A step whose only data is its reason (the survey's steps, allowing provisional rules)."""

    reason = StringField(
        _l("Lý do"),
        validators=[
            InputRequired(REQUIRED),
            Length(
                min=REASON_MIN_LENGTH, max=300, message=_l("Lý do từ %(min)d đến %(max)d ký tự.")
            ),
        ],
    )
