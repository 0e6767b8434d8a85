"""A round taken through the workflow prints its own dates, numbers, posting and documents."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from survey_app.core.db import get_session
from survey_app.dossier.data import LETTER, MINUTES, REPORT
from survey_app.dossier.pdf import render_dossier_pdf
from survey_app.dossier.source import build_dossier_data
from survey_app.dossier.texts import vietnam_date
from survey_app.models import AssessmentRound
from survey_app.workspace import scorecard as scorecard_service
from tests.survey_app.dossier.helpers import docx_text, leaked_keys, pdf_pages
from tests.survey_app.workspace_factories import (
    ENTERED_INPUTS,
    SURVEY_INPUTS,
    advance,
    enter_everything,
    make_world,
)

# The example's figures improved so that the ward reaches the threshold (895 of 850).
PASSING = {
    **ENTERED_INPUTS,
    "c2.registered_on_time": 61,
    "c4.offending_children": 0,
    "c7.fully_immunised": 58,
    "c9.checked": 2250,
    "c11.views_in_plan": True,
}


@pytest.fixture
def world(app, make_user, monkeypatch):
    monkeypatch.setattr(scorecard_service, "survey_inputs", lambda _s, _r: dict(SURVEY_INPUTS))
    return make_world(app, make_user)


def _dossier(app, world):
    with app.app_context():
        session = get_session()
        data = build_dossier_data(session, session.get(AssessmentRound, world.round_id), "vi")
        lock = scorecard_service.active_lock(session, world.round_id)
        return data, lock


def test_a_posted_passing_round_prints_its_dates_and_posting(app, world):
    enter_everything(app, world, PASSING)
    advance(app, world, "posted")
    data, lock = _dossier(app, world)
    assert data.scorecard.recognised and data.documents == (LETTER, REPORT, MINUTES)
    assert data.posting is not None
    assert (data.posting.start, data.posting.end) == (dt.date(2024, 11, 28), dt.date(2024, 12, 4))
    day = vietnam_date(lock.locked_at)
    assert data.issued_on == day  # the report is dated the (Vietnam) day the score was locked
    pages = pdf_pages(render_dossier_pdf(data))
    text = " ".join(pages)
    report = next(p for p in pages if "BÁO CÁO" in p)
    assert f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}" in report
    assert "niêm yết công khai từ ngày 28/11/2024 đến ngày 04/12/2024" in text
    assert "Bước hiện tại của hồ sơ: đang niêm yết công khai kết quả." in text
    assert "Đã khóa" in text and "bởi lúc" not in " ".join(text.split())  # a name, or none
    assert data.locality_label.startswith("các xã") and "Các xã" not in text
    assert leaked_keys(text) == []
    # Once sent: the letter carries the number as typed, once, and the recorded send date.
    for typed in ("15/TTr-UBND", "15"):
        sent = dataclasses.replace(data, letter_number=typed, sent_on=dt.date(2024, 12, 6))
        letter = pdf_pages(render_dossier_pdf(sent))[0]
        assert "Số: 15/TTr-UBND" in letter and letter.count("TTr-UBND") == 1
        assert ", ngày 06 tháng 12 năm 2024" in letter


def test_a_failing_round_from_the_workflow_has_no_letter(app, world):
    enter_everything(app, world)
    advance(app, world, "locked")
    data, _lock = _dossier(app, world)
    assert not data.scorecard.recognised and data.documents == (REPORT, MINUTES)
    text = " ".join(pdf_pages(render_dossier_pdf(data)))
    assert "TỜ TRÌNH" not in text and "CHƯA ĐẠT" in text


def test_dossier_docx_download(app, client, login, world):
    login("vhxh")
    url = f"/rounds/{world.round_id}/dossier.docx"
    assert client.get(url).status_code == 409  # nothing consolidated yet
    enter_everything(app, world, PASSING)
    advance(app, world, "locked")
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype.endswith("wordprocessingml.document")
    assert 'filename="ho-so-dot-' in response.headers["Content-Disposition"]
    text = docx_text(response.data)
    assert "TỜ TRÌNH" in text and "BÁO CÁO" in text and "BIÊN BẢN" in text
    client.post("/logout")
    login("yte")
    assert client.get(url).status_code == 403
