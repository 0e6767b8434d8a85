"""Survey forms built from the instrument file: every value is checked against its allow-list.

Two forms per audience: the profile (consent ticks, age band, optional gender) and the
questions (one radio group per question, an optional comment, the one-time key). Labels come
from the instrument in the visitor's language; error messages go through gettext.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, TextAreaField
from wtforms.validators import StopValidation

from assessment import Audience, Instrument, load_instrument
from survey_app.core.i18n import _
from survey_app.survey.submission import KEY_PATTERN

# Form fields that every POST may carry besides the instrument's own.
ALWAYS_ALLOWED = frozenset({"csrf_token"})
QUESTION_PREFIX = "q_"
CONSENT_PREFIX = "consent_"


class AllowListField(Field):
    """One value from a fixed list (radio group or tick); anything else is refused.

    A missing value is an error when ``required``; a repeated field or a value outside the
    list is always an error. Coercion never raises: unknown text is simply not allowed.
    """

    def __init__(
        self,
        label: str = "",
        *,
        choices: Iterable[tuple[Any, str]] = (),
        coerce: type = str,
        required: bool = True,
        missing: str = "missing",
        **kwargs: Any,
    ) -> None:
        super().__init__(label, **kwargs)
        self.choices = tuple(choices)
        self.coerce = coerce
        self.required = required
        self.missing = missing  # which message to show: "missing", "consent"

    def process_formdata(self, valuelist: list[str]) -> None:
        self.raw_data = valuelist
        self.data = None
        self.invalid = len(valuelist) > 1
        if len(valuelist) == 1 and valuelist[0] != "":
            try:
                self.data = self.coerce(valuelist[0])
            except (TypeError, ValueError):
                self.invalid = True
            if self.data not in {value for value, _label in self.choices}:
                self.data, self.invalid = None, True

    def pre_validate(self, _form: Any) -> None:
        if getattr(self, "invalid", False):
            raise StopValidation(_("Giá trị không hợp lệ: hãy chọn một trong các ô cho sẵn."))
        if self.data is None:
            if not self.required:
                raise StopValidation()
            if self.missing == "consent":
                raise StopValidation(_("Cần đánh dấu ô này để tiếp tục."))
            raise StopValidation(_("Hãy chọn một câu trả lời."))

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)


class KeyField(HiddenField):
    """The one-time key of a questionnaire page, generated when the page is rendered."""

    def pre_validate(self, _form: Any) -> None:
        if not isinstance(self.data, str) or not KEY_PATTERN.match(self.data):
            raise StopValidation(_("Trang đã cũ: hãy tải lại trang câu hỏi rồi gửi lại."))


class CommentField(TextAreaField):
    """An optional short comment; too long is an error (masking happens in the service)."""

    def __init__(self, label: str = "", *, max_chars: int = 0, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.max_chars = max_chars

    def pre_validate(self, _form: Any) -> None:
        if self.data and len(self.data) > self.max_chars:
            raise StopValidation(
                _("Góp ý dài quá: tối đa %(n)d ký tự.", n=self.max_chars)  # noqa: RUF100
            )


class SurveyForm(FlaskForm):
    """Base of the generated forms: knows its audience and lists unknown fields."""

    audience_id: str = ""

    def unknown_fields(self, formdata: Mapping[str, Any]) -> list[str]:
        """Names posted that this form does not have (e.g. a forged ``group_id``)."""
        known = set(self._fields) | ALWAYS_ALLOWED
        return sorted(name for name in formdata if name not in known)

    def problems(self) -> list[tuple[str, str, str]]:
        """(field name, label, message) of each field with an error, in page order."""
        return [
            (name, str(field.label.text), field.errors[0])
            for name, field in self._fields.items()
            if field.errors
        ]


@functools.lru_cache(maxsize=32)
def _profile_class(version: str, audience_id: str, lang: str) -> type[SurveyForm]:
    instrument = load_instrument(version)
    audience = instrument.audience(audience_id)
    attrs: dict[str, Any] = {"audience_id": audience_id}
    for consent in audience.consents:
        attrs[CONSENT_PREFIX + consent.id] = AllowListField(
            consent.label.get(lang), choices=(("yes", ""),), missing="consent"
        )
    attrs["age_band"] = AllowListField(
        _age_label(audience), choices=[(b.id, b.label.get(lang)) for b in audience.age_bands]
    )
    attrs["gender"] = AllowListField(
        instrument.gender_label.get(lang),
        choices=[(g.id, g.label.get(lang)) for g in instrument.genders],
        required=False,
    )
    return type(f"Profile_{audience_id}_{lang}", (SurveyForm,), attrs)


def _age_label(audience: Audience) -> str:
    return _("Tuổi của em") if audience.faces else _("Tuổi của ông/bà")


@functools.lru_cache(maxsize=32)
def _questions_class(version: str, audience_id: str, lang: str) -> type[SurveyForm]:
    instrument = load_instrument(version)
    audience = instrument.audience(audience_id)
    choices = [(o.value, o.label.get(lang)) for o in (audience.scale or instrument.scale)]
    attrs: dict[str, Any] = {"audience_id": audience_id}
    for number, question in enumerate(audience.questions, start=1):
        attrs[QUESTION_PREFIX + question.id] = AllowListField(
            f"{number}. {question.text.get(lang)}", choices=choices, coerce=int
        )
    attrs["comment"] = CommentField(max_chars=instrument.integrity.comment_max_chars)
    attrs["key"] = KeyField()
    return type(f"Questions_{audience_id}_{lang}", (SurveyForm,), attrs)


def profile_form(instrument: Instrument, audience_id: str, lang: str, **kwargs: Any) -> SurveyForm:
    """The consent-and-about-you form of one audience."""
    return _profile_class(instrument.version, audience_id, lang)(**kwargs)


def questions_form(
    instrument: Instrument, audience_id: str, lang: str, **kwargs: Any
) -> SurveyForm:
    """The questions form of one audience (all questions on one page)."""
    return _questions_class(instrument.version, audience_id, lang)(**kwargs)


def answers_of(form: SurveyForm) -> dict[str, int]:
    """Question id → answer value, from a validated questions form."""
    return {
        name.removeprefix(QUESTION_PREFIX): field.data
        for name, field in form._fields.items()
        if name.startswith(QUESTION_PREFIX)
    }


def profile_of(form: SurveyForm) -> dict[str, Any]:
    """What a validated profile form says: audience, age band, gender (None when skipped)."""
    return {
        "audience": form.audience_id,
        "age_band": form.age_band.data,
        "gender": form.gender.data,
    }


__all__ = [
    "AllowListField",
    "SurveyForm",
    "answers_of",
    "profile_form",
    "profile_of",
    "questions_form",
]
