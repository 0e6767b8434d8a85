"""The paper questionnaire's notice is written for paper, not copied from the phone survey."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from assessment.instrument import load_instrument
from survey_app.posters.paper_form import paper_notice, render_paper_form
from tests.survey_app.survey_factories import INSTRUMENT


def _text(pdf: bytes) -> str:
    words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(words.split())


@pytest.mark.parametrize("audience", ["child", "resident"])
def test_paper_notice_has_no_phone_words(audience):
    instrument = load_instrument(INSTRUMENT)
    text = _text(render_paper_form(instrument, audience, ward_name="Phường Dĩnh Kế"))
    for online in ("mã QR", "cookie", "Điện thoại chỉ giữ", "Trình duyệt", "địa chỉ mạng"):
        assert online not in text, online
    assert "UBND Phường Dĩnh Kế" in text or "UBND phường" in text  # who runs it
    assert "thùng phiếu" in text  # how to hand the sheet back
    assert "không ai biết phiếu nào là của em" in text or "chỉ công bố số liệu tổng hợp" in text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_paper_notice_keeps_the_instrument_items_that_fit_paper(lang):
    audience = load_instrument(INSTRUMENT).audience("child")
    lines = paper_notice(audience, lang, "Phường Dĩnh Kế")
    online = dict(audience.notice)
    for key in ("who", "why", "voluntary", "retention", "contact"):
        assert online[key].get(lang, ward="Phường Dĩnh Kế") in lines
    for key in ("collected", "not_collected"):
        assert online[key].get(lang, ward="Phường Dĩnh Kế") not in lines
    assert lines.index(online["why"].get(lang, ward="Phường Dĩnh Kế")) == 1


def test_pre_printed_group_is_not_labelled_twice():
    instrument = load_instrument(INSTRUMENT)
    pdf = render_paper_form(
        instrument, "resident", ward_name="Phường Dĩnh Kế", group_name="Tổ dân phố Mé"
    )
    text = _text(pdf)
    assert "Tổ dân phố: Mé" in text and "Tổ dân phố: Tổ dân phố" not in text
