"""The paper-entry form: one questionnaire typed in as digits, built from the instrument.

Fast with a keyboard: selects for age band and gender (type the first letter), then one
one-character box per question that accepts the answer's code (0-5) as printed on the form.
Every value is checked against the instrument's allow-lists; the service checks again.
"""

from __future__ import annotations

import functools
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation

from assessment import Instrument, load_instrument
from survey_app.core.i18n import _, _l
from survey_app.survey.forms import KeyField

QUESTION_PREFIX = "q_"


class DigitField(StringField):
    """One answer typed as its code: exactly one digit from the scale, nothing else."""

    def __init__(self, label: str = "", *, allowed: tuple[int, ...] = (), **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.allowed = allowed

    def pre_validate(self, _form: Any) -> None:
        raw = (self.data or "").strip()
        if len(raw) != 1 or not raw.isdigit() or int(raw) not in self.allowed:
            low, high = min(self.allowed), max(self.allowed)
            raise StopValidation(
                _("Chỉ nhập một chữ số từ %(low)d đến %(high)d.", low=low, high=high)
            )
        self.data = raw

    def value(self) -> int:
        """The validated answer as a number."""
        return int(self.data)


class PaperForm(FlaskForm):
    """Base of the generated paper forms."""

    def question_fields(self) -> list[Field]:
        """The answer boxes in the order of the questionnaire."""
        return [f for name, f in self._fields.items() if name.startswith(QUESTION_PREFIX)]

    def answers(self) -> dict[str, int]:
        """Question id → answer, from a validated form."""
        return {
            f.name.removeprefix(QUESTION_PREFIX): f.value()  # type: ignore[attr-defined]
            for f in self.question_fields()
        }

    def problems(self) -> list[tuple[str, str, str]]:
        """(field id, label, first message) of each field with an error, in page order."""
        return [(f.id, str(f.label.text), f.errors[0]) for f in self if f.errors]


@functools.lru_cache(maxsize=16)
def _paper_class(version: str, audience_id: str, lang: str) -> type[PaperForm]:
    instrument = load_instrument(version)
    audience = instrument.audience(audience_id)
    attrs: dict[str, Any] = {
        "age_band": SelectField(
            _l("Nhóm tuổi"),
            choices=[SelectChoice("", "—")]
            + [SelectChoice(b.id, b.label.get(lang)) for b in audience.age_bands],
            validate_choice=False,
        ),
        "gender": SelectField(
            instrument.gender_label.get(lang),
            choices=[SelectChoice("", "—")]
            + [SelectChoice(g.id, g.label.get(lang)) for g in instrument.genders],
            validate_choice=False,
        ),
        "key": KeyField(),
    }
    allowed = instrument.scale_values
    for number, question in enumerate(audience.questions, start=1):
        attrs[QUESTION_PREFIX + question.id] = DigitField(
            f"{number}. {question.text.get(lang)}",
            allowed=allowed,
            render_kw={
                "inputmode": "numeric",
                "maxlength": "1",
                "autocomplete": "off",
                "pattern": "[" + "".join(str(v) for v in sorted(allowed)) + "]",
                "class": "digit",
                "required": True,
            },
        )
    return type(f"Paper_{audience_id}_{lang}", (PaperForm,), attrs)


def paper_form(instrument: Instrument, audience_id: str, lang: str, **kwargs: Any) -> PaperForm:
    """The paper-entry form of one audience (KeyError for an unknown audience)."""
    form = _paper_class(instrument.version, audience_id, lang)(**kwargs)
    audience = instrument.audience(audience_id)
    # Allow-lists checked here (not by SelectField) so each gets a message in the user's words.
    form.allowed_age_bands = audience.age_band_ids  # type: ignore[attr-defined]
    form.allowed_genders = instrument.gender_ids  # type: ignore[attr-defined]
    return form


def check_choices(form: PaperForm) -> bool:
    """Age band required and from the list, gender empty or from the list; adds errors."""
    ok = True
    if form.age_band.data not in form.allowed_age_bands:  # type: ignore[attr-defined]
        form.age_band.errors = [_("Hãy chọn nhóm tuổi.")]
        ok = False
    if form.gender.data and form.gender.data not in form.allowed_genders:  # type: ignore[attr-defined]
        form.gender.errors = [_("Giá trị không hợp lệ: hãy chọn một trong các ô cho sẵn.")]
        ok = False
    return ok


__all__ = ["DigitField", "PaperForm", "check_choices", "paper_form"]
