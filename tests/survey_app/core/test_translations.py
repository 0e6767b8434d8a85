"""Vietnamese first, with a full English translation of every string users see."""

from __future__ import annotations

from survey_app.commands.translate import missing_translations


def test_every_string_has_an_english_translation():
    assert missing_translations() == []
