"""The children's path reads like a child's (issue 14): short sentences, common words.

A plain reading-level check of the Vietnamese (and English) texts a child sees in the newest
instrument: the notice shown before the consent ticks is under 80 words; no sentence is
longer than a child reads in one go; none of the adult words a 10-year-old may not know.
"""

from __future__ import annotations

import re

import pytest

from assessment import load_instrument
from survey_app.admin.rounds import default_instrument_version

CHILD_VERSION = "c13-2026.2"
SHOWN_PARTS = ("who", "why", "voluntary")  # the rest is one tap away (<details>)
MAX_NOTICE_WORDS = 80
MAX_SENTENCE_WORDS = {"notice": 20, "intro": 20, "consent": 20, "question": 25}
# Words and phrases from adult forms that a 10-year-old may not know.
HARD_WORDS = (
    "cookie",
    "ủy ban",
    "nhân dân",
    "ubnd",
    "dữ liệu",
    "thông tin cá nhân",
    "đánh giá",
    "tiêu chí",
    "quyết định",
    "địa bàn",
    "tự nguyện",
    "hài lòng",
    "bỏ qua",
)
_SENTENCE = re.compile(r"(?<=[.!?…:;])\s+")


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(text.strip()) if s]


def _child_texts(lang: str):
    audience = load_instrument(CHILD_VERSION).audience("child")
    for _part, text in audience.notice:
        yield "notice", text.get(lang, ward="Phường Dĩnh Kế")
    yield "intro", audience.intro.get(lang)
    for consent in audience.consents:
        yield "consent", consent.label.get(lang)
    for question in audience.questions:
        yield "question", question.text.get(lang)
    for option in audience.scale:
        yield "scale", option.label.get(lang)


def test_new_rounds_use_the_childrens_instrument():
    assert default_instrument_version() == CHILD_VERSION


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_notice_before_the_ticks_is_under_80_words(lang):
    audience = load_instrument(CHILD_VERSION).audience("child")
    shown = [t.get(lang, ward="Phường Dĩnh Kế") for p, t in audience.notice if p in SHOWN_PARTS]
    words = sum(len(t.split()) for t in shown)
    assert words < MAX_NOTICE_WORDS, words


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_sentences_are_short(lang):
    for kind, text in _child_texts(lang):
        for sentence in _sentences(text):
            limit = MAX_SENTENCE_WORDS.get(kind, 20)
            assert len(sentence.split()) <= limit, (kind, sentence)


def test_no_adult_words_in_what_a_child_reads():
    for kind, text in _child_texts("vi"):
        lowered = text.lower()
        for word in HARD_WORDS:
            assert word not in lowered, (kind, word, text)
    assert "cookie" not in " ".join(t for _k, t in _child_texts("en")).lower()


def test_childrens_scale_words_and_dont_know_explained():
    audience = load_instrument(CHILD_VERSION).audience("child")
    assert [o.label.get("vi") for o in audience.scale] == [
        "Rất buồn",
        "Buồn",
        "Bình thường",
        "Vui",
        "Rất vui",
        "Không biết",
    ]
    assert [o.label.get("en") for o in audience.scale][:5] == [
        "Very sad",
        "Sad",
        "OK",
        "Happy",
        "Very happy",
    ]
    assert "Không biết" in audience.intro.get("vi")  # how to skip: every question is required
    # The residents keep the shared satisfaction scale.
    resident = load_instrument(CHILD_VERSION).audience("resident")
    assert resident.scale[4].label.get("vi") == "Rất hài lòng"
