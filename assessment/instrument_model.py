"""What an instrument is: the questionnaires, answer scale, notice and integrity thresholds.

Frozen dataclasses only; `assessment.instrument` loads and validates the TOML file into them.
"""

from __future__ import annotations

from dataclasses import dataclass


class InstrumentError(ValueError):
    """An instrument file is malformed; the message names the file, line and row."""


@dataclass(frozen=True, slots=True)
class Text:
    """One text in every language of the instrument."""

    values: tuple[tuple[str, str], ...]

    def get(self, lang: str, **placeholders: str) -> str:
        """The text in ``lang`` (falling back to Vietnamese), placeholders filled in."""
        table = dict(self.values)
        text = table.get(lang) or table["vi"]
        for name, value in placeholders.items():
            text = text.replace("{" + name + "}", value)
        return text


@dataclass(frozen=True, slots=True)
class Choice:
    """An allowed value with its label: an age band, a gender, a consent tick."""

    id: str
    label: Text


@dataclass(frozen=True, slots=True)
class ScaleOption:
    """One answer on the scale (1-5, or 0 = don't know), with the face drawn for children."""

    value: int
    label: Text
    face: str


@dataclass(frozen=True, slots=True)
class Question:
    """One question: stable id (stored with each answer), topic and text."""

    id: str
    topic: str
    text: Text

    def words(self, lang: str) -> int:
        """Number of words of the question in ``lang`` (for the speeder threshold)."""
        return len(self.text.get(lang).split())


@dataclass(frozen=True, slots=True)
class Audience:
    """One questionnaire: children or residents."""

    id: str
    label: Text
    faces: bool
    intro: Text
    thanks: Text
    hotline: Text | None
    hotline_number: str | None
    notice: tuple[tuple[str, Text], ...]
    consents: tuple[Choice, ...]
    age_bands: tuple[Choice, ...]
    questions: tuple[Question, ...]
    # The answer scale in this audience's own words (the instrument's shared scale when the
    # file gives none): same values and faces, e.g. "Rất buồn … Rất vui" for children.
    scale: tuple[ScaleOption, ...] = ()

    @property
    def question_ids(self) -> tuple[str, ...]:
        """Question ids in the order they are asked."""
        return tuple(q.id for q in self.questions)

    @property
    def age_band_ids(self) -> tuple[str, ...]:
        """Allowed age-band ids."""
        return tuple(b.id for b in self.age_bands)


@dataclass(frozen=True, slots=True)
class Integrity:
    """Thresholds of the integrity flags and limits (all from the file)."""

    reading_words_per_minute: float
    seconds_per_answer: float
    straightline_min_questions: int
    burst_max_answers: int
    burst_window_minutes: int
    repeat_browser_after: int
    duration_bucket_seconds: int
    duration_cap_seconds: int
    comment_max_chars: int
    client_posts_per_window: int
    client_window_minutes: int


@dataclass(frozen=True, slots=True)
class Instrument:
    """A whole instrument version."""

    version: str
    title: Text
    languages: tuple[str, ...]
    overall_question: str
    scale: tuple[ScaleOption, ...]
    dont_know: int
    gender_label: Text
    genders: tuple[Choice, ...]
    audiences: tuple[Audience, ...]
    integrity: Integrity
    path: str

    def audience(self, audience_id: str) -> Audience:
        """The questionnaire of one audience; KeyError for an unknown id."""
        for audience in self.audiences:
            if audience.id == audience_id:
                return audience
        raise KeyError(audience_id)

    @property
    def audience_ids(self) -> tuple[str, ...]:
        """Audience ids in file order."""
        return tuple(a.id for a in self.audiences)

    @property
    def gender_ids(self) -> tuple[str, ...]:
        """Allowed gender ids (the answer is optional)."""
        return tuple(g.id for g in self.genders)

    @property
    def scale_values(self) -> tuple[int, ...]:
        """Every allowed answer value, don't-know included."""
        return tuple(o.value for o in self.scale)

    def speeder_seconds(self, audience_id: str, lang: str) -> float:
        """Fewer seconds than this for a questionnaire is faster than a human can read it."""
        audience = self.audience(audience_id)
        words = sum(q.words(lang) for q in audience.questions)
        rules = self.integrity
        reading = words / rules.reading_words_per_minute * 60.0
        return reading + len(audience.questions) * rules.seconds_per_answer
