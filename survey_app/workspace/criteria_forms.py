"""The entry form of one criterion, generated from the round's rule file (never hand-written).

Each input of the section becomes a field with the rule file's label, unit and valid range:
a count is an IntegerField with a NumberRange, a yes/no fact a Có/Không radio; every value has
its own source-note field (register or report, and its date).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from assessment import InputSpec
from survey_app.accounts.users import UNIT_SOURCE_EXAMPLES
from survey_app.core.i18n import _, _l
from survey_app.models.criteria import SOURCE_NOTE_MAX
from survey_app.workspace.criteria import Section

YES, NO = "1", "0"
REASON_MAX = 500


def value_field_name(key: str) -> str:
    """The form field of an input key ("c2.births" → "v_c2__births")."""
    return "v_" + key.replace(".", "__")


def note_field_name(key: str) -> str:
    """The source-note field of an input key."""
    return "n_" + key.replace(".", "__")


class CriterionFormBase(FlaskForm):
    """Fields shared by every criterion form: why a value changed (kept in the audit log)."""

    reason = TextAreaField(
        _l("Lý do thay đổi (nếu sửa số liệu đã nhập)"),
        validators=[Optional(), Length(max=REASON_MAX)],
    )


class CountField(IntegerField):
    """A whole-number field whose "not a number" message is in the user's language."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Parse the number; a non-number gets a translated message."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_("Chỉ nhập chữ số, ví dụ 58.")) from None


class InRange:
    """Like NumberRange, but silent when the value is missing or not a number (said already)."""

    def __init__(self, low: int, high: int | None, message: str) -> None:
        self.low, self.high, self.message = low, high, message

    def __call__(self, _form: Any, field: Field) -> None:
        """Raise ValidationError when the number is out of range."""
        value = field.data
        if value is None:
            return
        if value < self.low or (self.high is not None and value > self.high):
            raise ValidationError(self.message)


def _value_field(spec: InputSpec, lang: str) -> Field:
    label = spec.label.get(lang)
    if spec.type == "yes_no":
        return RadioField(
            label,
            choices=[SelectChoice(YES, _l("Có")), SelectChoice(NO, _l("Không"))],
            validators=[Optional()],
        )
    unit = spec.unit.get(lang) if spec.unit else ""
    high = spec.maximum
    hint = (
        _("Đơn vị: %(unit)s · từ %(low)d đến %(high)d", unit=unit, low=spec.minimum, high=high)
        if high is not None
        else _("Đơn vị: %(unit)s · từ %(low)d", unit=unit, low=spec.minimum)
    )
    message = (
        _("Nhập số nguyên từ %(low)d đến %(high)d.", low=spec.minimum, high=high)
        if high is not None
        else _("Nhập số nguyên từ %(low)d trở lên.", low=spec.minimum)
    )
    return CountField(
        label,
        validators=[Optional(), InRange(spec.minimum, high, message)],
        description=hint,
        render_kw={"inputmode": "numeric", "min": spec.minimum, "max": high},
    )


def criterion_form(
    part: Section, lang: str, stored: Mapping[str, Any] | None = None, **kwargs: Any
) -> CriterionFormBase:
    """A form for ``part``; ``stored`` holds {key: (value, note)} shown before any POST."""
    attrs: dict[str, Any] = {}
    example = UNIT_SOURCE_EXAMPLES.get(part.unit, {}).get(lang, "")
    hint = _("Sổ, báo cáo và ngày, ví dụ: %(example)s", example=example) if example else ""
    for spec in part.inputs:
        attrs[value_field_name(spec.key)] = _value_field(spec, lang)
        attrs[note_field_name(spec.key)] = StringField(
            _l("Nguồn số liệu"),
            validators=[Optional(), Length(max=SOURCE_NOTE_MAX)],
            description=hint or _("Sổ, báo cáo và ngày nhận số liệu"),
        )
    form_class = type(f"CriterionForm_{part.id}", (CriterionFormBase,), attrs)
    data: dict[str, Any] = {}
    for key, (value, note) in (stored or {}).items():
        if isinstance(value, bool):
            data[value_field_name(key)] = YES if value else NO
        else:
            data[value_field_name(key)] = value
        data[note_field_name(key)] = note
    return form_class(data=data, **kwargs)


def submitted_values(
    form: CriterionFormBase, part: Section
) -> tuple[dict[str, int | bool | None], dict[str, str]]:
    """The values and source notes a validated form carries, by input key."""
    values: dict[str, int | bool | None] = {}
    notes: dict[str, str] = {}
    for spec in part.inputs:
        raw = form[value_field_name(spec.key)].data
        if spec.type == "yes_no":
            values[spec.key] = None if raw in (None, "") else raw == YES
        else:
            values[spec.key] = raw
        notes[spec.key] = (form[note_field_name(spec.key)].data or "").strip()
    return values, notes
