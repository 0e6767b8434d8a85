"""Forms of the plan pages (shape only; the rules live in the plan service)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from survey_app.core.i18n import _l


class NewPlanForm(FlaskForm):
    """A new plan: the year, and whether it starts from the template or last year's plan."""

    year = IntegerField(
        _l("Năm của kế hoạch"), validators=[InputRequired(), NumberRange(2019, 2100)]
    )
    source = SelectField(_l("Bắt đầu từ"), choices=[], validators=[InputRequired()])


class HeaderForm(FlaskForm):
    """The plan's number and date (printed "Số: …/KH-UBND" and "…, ngày … tháng … năm …")."""

    number = StringField(
        _l("Số văn bản"),
        validators=[Optional(), Length(max=64)],
        description=_l("Chỉ số, ví dụ 15 (ký hiệu /KH-UBND được thêm khi in)."),
    )
    issued_on = DateField(_l("Ngày ban hành"), validators=[Optional()])


class SectionForm(FlaskForm):
    """One section's title and text."""

    title = StringField(_l("Tiêu đề"), validators=[Length(max=300)])
    body = TextAreaField(
        _l("Nội dung"),
        validators=[Length(max=20_000)],
        description=_l("Mỗi dòng là một đoạn; bắt đầu dòng bằng “- ” để gạch đầu dòng."),
    )


class ActivityForm(FlaskForm):
    """An activity: what, who leads and supports it, and when."""

    title = StringField(_l("Tên hoạt động"), validators=[DataRequired(), Length(max=300)])
    lead = SelectField(_l("Đơn vị chủ trì"), choices=[], validators=[InputRequired()])
    supports = SelectMultipleField(_l("Đơn vị phối hợp"), choices=[], validators=[Optional()])
    start_on = DateField(_l("Ngày bắt đầu"), validators=[InputRequired()])
    due_on = DateField(_l("Hạn hoàn thành"), validators=[InputRequired()])
    indicator = SelectField(_l("Là minh chứng cho chỉ tiêu"), choices=[], validators=[Optional()])
    notes = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=2000)])


class DoneForm(FlaskForm):
    """Mark an activity done on a day (empty: not done)."""

    done_on = DateField(_l("Ngày hoàn thành"), validators=[Optional()])


class EvidenceForm(FlaskForm):
    """One photo or scanned document."""

    file = FileField(_l("Ảnh hoặc tệp PDF"), validators=[FileRequired(_l("Hãy chọn một tệp."))])
    caption = StringField(_l("Mô tả ngắn"), validators=[Optional(), Length(max=300)])


class AssignmentFormBase(FlaskForm):
    """Who is in charge of each criterion (one select per criterion, added by
    `assignment_form`), and why it changes."""

    reason = StringField(
        _l("Lý do thay đổi (ghi vào nhật ký)"), validators=[Optional(), Length(max=300)]
    )


def criterion_field(number: int) -> str:
    """The form field name of criterion ``number``'s unit."""
    return f"c{number}"


def assignment_form(
    rows: list[tuple[int, str, str]], choices: list[tuple[str, str]]
) -> AssignmentFormBase:
    """A form with one unit select per criterion: ``rows`` are (number, label, current unit)."""

    class AssignmentForm(AssignmentFormBase):
        pass

    options = [SelectChoice(value, label) for value, label in choices]
    for number, label, _unit in rows:
        field = SelectField(label, choices=options, validators=[InputRequired()])
        setattr(AssignmentForm, criterion_field(number), field)
    form = AssignmentForm()
    if not form.is_submitted():
        for number, _label, unit in rows:
            form[criterion_field(number)].data = unit
    return form
