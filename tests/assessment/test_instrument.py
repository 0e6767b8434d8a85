"""The criterion-13 instrument file: what ships is valid, and broken files say where they break."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from assessment.instrument import (
    INSTRUMENTS_DIR,
    MAX_QUESTIONS,
    InstrumentError,
    available_versions,
    load_instrument,
    load_instrument_file,
)

VERSION = "c13-2026.1"
SOURCE = (INSTRUMENTS_DIR / f"{VERSION}.toml").read_text(encoding="utf-8")
HEALTH_EN = (
    'en = "How do you feel about getting health check-ups, vaccines and care when you are ill?"'
)
RULES = Path(__file__).resolve().parents[2] / "assessment" / "rules" / "qd06-2019.toml"


def test_shipped_instrument_is_valid_and_matches_the_design():
    instrument = load_instrument(VERSION)
    assert VERSION in available_versions()
    assert instrument.audience_ids == ("child", "resident")
    assert instrument.scale_values == (1, 2, 3, 4, 5, 0)
    assert instrument.scale[0].label.get("vi") == "Rất không hài lòng"
    assert instrument.scale[4].label.get("vi") == "Rất hài lòng"
    assert instrument.scale[5].label.get("vi").startswith("Không biết")
    assert instrument.gender_ids == ("male", "female", "other", "unsaid")
    child, resident = instrument.audiences
    assert child.faces and not resident.faces
    assert child.age_band_ids == ("10-12", "13-15")
    assert resident.age_band_ids == ("16-29", "30-59", "60+")
    assert [c.id for c in child.consents] == ["guardian", "self"]
    assert [c.id for c in resident.consents] == ["self"]
    assert child.hotline_number == "111" and "111" in child.hotline.get("vi")
    for audience in instrument.audiences:
        assert len(audience.questions) <= MAX_QUESTIONS
        assert "overall" in audience.question_ids
        topics = {q.topic for q in audience.questions}
        assert {"safety", "health", "school", "play", "participation"} <= topics
        assert {"special-protection", "overall"} <= topics
        for part, text in audience.notice:
            assert text.get("vi") and text.get("en"), part
    assert "birth-registration" in {q.topic for q in resident.questions}
    assert "birth-registration" not in {q.topic for q in child.questions}


def test_overall_question_matches_the_rule_file():
    rules = tomllib.loads(RULES.read_text(encoding="utf-8"))
    instrument = load_instrument(VERSION)
    assert instrument.overall_question == rules["survey"]["overall_question"]
    assert instrument.dont_know == rules["survey"]["dont_know_value"]


def test_texts_fall_back_and_fill_placeholders():
    notice = dict(load_instrument(VERSION).audience("child").notice)
    assert "Phường Mẫu" in notice["who"].get("vi", ward="Phường Mẫu")
    assert notice["who"].get("fr") == notice["who"].get("vi")


def test_speeder_threshold_is_derived_from_words_and_questions():
    instrument = load_instrument(VERSION)
    rules = instrument.integrity
    resident = instrument.audience("resident")
    words = sum(len(q.text.get("en").split()) for q in resident.questions)
    expected = words / rules.reading_words_per_minute * 60 + len(resident.questions) * (
        rules.seconds_per_answer
    )
    assert instrument.speeder_seconds("resident", "en") == pytest.approx(expected)
    assert 10 < expected < 120  # a human needs more than a few seconds, less than minutes


def _broken(tmp_path: Path, source: str) -> Path:
    path = tmp_path / f"{VERSION}.toml"
    path.write_text(source, encoding="utf-8")
    return path


def _extra_questions(n: int) -> str:
    return "".join(
        f'\n[[audiences.child.questions]]\nid = "extra{i}"\ntopic = "play"\n'
        f'text = {{ vi = "Câu thêm {i}?", en = "Extra {i}?" }}\n'
        for i in range(n)
    )


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        # more than 10 questions
        (
            lambda s: s.replace(
                "[audiences.resident]\n", _extra_questions(4) + "[audiences.resident]\n"
            ),
            r"audiences\.child\.questions: 11 questions: at most 10",
        ),
        # a missing English text names the row of the question
        (
            lambda s: s.replace(
                HEALTH_EN,
                'fr = "?"',
            ),
            r"audiences\.child\.questions\[1\]\.text: missing translation 'en'",
        ),
        # no overall question
        (
            lambda s: s.replace(
                'id = "overall"\ntopic = "overall"\ntext = { vi = "Nói chung, em',
                'id = "general"\ntopic = "overall"\ntext = { vi = "Nói chung, em',
            ),
            r"audiences\.child\.questions: the overall question 'overall' is missing",
        ),
        # a scale that is not 1-5 plus 0
        (lambda s: s.replace("value = 5\n", "value = 7\n"), r"scale\.options: values must be"),
        (lambda s: s.replace('face = "face-3"', 'face = "grin"'), r"scale\.options\[2\]: face"),
        (lambda s: s.replace("dont_know = 0", "dont_know = 9"), r"scale\.dont_know"),
        (
            lambda s: s.replace("burst_max_answers = 25", "burst_max_answers = -1"),
            r"integrity\.burst_max_answers",
        ),
        (
            lambda s: s.replace('id = "play"\ntopic = "play"', 'id = "safety"\ntopic = "play"', 1),
            r"duplicate question id 'safety'",
        ),
        (
            lambda s: s.replace('id = "13-15"', 'id = "13 to 15 years old!"'),
            r"audiences\.child\.age_bands\[1\]: invalid id",
        ),
        (lambda s: s.replace('version = "c13-2026.1"', 'version = "c13-2099"'), r"meta\.version"),
        (
            lambda s: s.replace("[audiences.child.notice]\n", "[audiences.child.notes]\n"),
            r"audiences\.child\.notice: missing table",
        ),
        (lambda s: s + "\n[oops\n", r"not valid TOML"),
    ],
)
def test_broken_instruments_name_the_file_and_the_row(tmp_path, edit, expected):
    source = edit(SOURCE)
    assert source != SOURCE
    path = _broken(tmp_path, source)
    with pytest.raises(InstrumentError) as error:
        load_instrument_file(path)
    message = str(error.value)
    assert str(path) in message
    assert re.search(expected, message), message


def test_errors_point_at_the_line(tmp_path):
    source = SOURCE.replace(
        'id = "help"\ntopic = "special-protection"', 'id = "help"\ntopic = ""', 1
    )
    path = _broken(tmp_path, source)
    with pytest.raises(InstrumentError) as error:
        load_instrument_file(path)
    line = next(i for i, text in enumerate(source.splitlines(), 1) if 'id = "help"' in text)
    assert f"{path}:{line}: audiences.child.questions[5]: missing topic" in str(error.value)


def test_unknown_version_is_an_error():
    with pytest.raises(InstrumentError, match="no such instrument"):
        load_instrument("c13-1999.1")
    with pytest.raises(InstrumentError, match="invalid instrument version"):
        load_instrument("../../etc/passwd")
