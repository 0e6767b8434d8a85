"""Paper questionnaires: the printable PDF, and staff typing the forms back in."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from assessment import load_instrument
from survey_app.core.db import get_session
from survey_app.models import AnswerCount, Response
from survey_app.posters.paper_form import render_paper_form
from tests.survey_app.survey_factories import INSTRUMENT, make_survey


@pytest.fixture
def setup(app):
    return make_survey(app, groups=2)


@pytest.fixture
def staff(setup, make_user, login):
    make_user("vhxh1", role="vhxh", ward_id=setup.ward_id)
    login("vhxh1")


def _text(pdf: bytes) -> str:
    words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(words.split())


@pytest.mark.parametrize("audience", ["child", "resident"])
def test_paper_pdf_has_every_question_with_diacritics(audience):
    instrument = load_instrument(INSTRUMENT)
    pdf = render_paper_form(instrument, audience, ward_name="Phường Dĩnh Kế")
    text = _text(pdf)
    for question in instrument.audience(audience).questions:
        assert " ".join(question.text.get("vi").split()) in text, question.id
    assert "Tổ dân phố:" in text and "Phường Dĩnh Kế" in text
    for option in instrument.scale:
        assert f"({option.value})" in text  # the code staff type in
    assert "Không ghi tên" in text


def test_paper_pdf_route_pre_prints_the_group(client, setup, staff):
    response = client.get(
        f"/rounds/{setup.round_id}/paper/resident.pdf?group={setup.group_ids[1]}&lang=en"
    )
    assert response.status_code == 200
    text = _text(response.data)
    assert "Residential group: Tổ dân phố 2" in text and "How satisfied" in text
    blank = client.get(f"/rounds/{setup.round_id}/paper/child.pdf")
    assert blank.status_code == 200 and "Tổ dân phố 2" not in _text(blank.data)
    assert client.get(f"/rounds/{setup.round_id}/paper/adult.pdf").status_code == 404
    assert client.get(f"/rounds/{setup.round_id}/paper/child.pdf?group=x").status_code == 400


def _entry_url(setup, audience: str = "child", group: int | None = None) -> str:
    gid = group or setup.group_ids[0]
    return f"/rounds/{setup.round_id}/paper/entry?group={gid}&audience={audience}"


def _key(page: str) -> str:
    match = re.search(r'name="key" type="hidden" value="([^"]+)"', page) or re.search(
        r'id="key" name="key" type="hidden" value="([^"]+)"', page
    )
    assert match
    return match.group(1)


def _form(audience: str, digits: str, key: str, **extra: str) -> dict[str, str]:
    ids = [q.id for q in load_instrument(INSTRUMENT).audience(audience).questions]
    assert len(digits) == len(ids)
    age = "10-12" if audience == "child" else "30-59"
    return {"age_band": age, "gender": "", "key": key, **dict(zip(
        (f"q_{i}" for i in ids), digits, strict=True)), **extra}  # fmt: skip


def _rows(app) -> list[Response]:
    with app.app_context():
        return list(get_session().scalars(select(Response).order_by(Response.id)))


def test_entry_page_is_keyboard_friendly(client, setup, staff):
    page = client.get(_entry_url(setup)).get_data(as_text=True)
    assert "autofocus" in page and 'inputmode="numeric"' in page and 'maxlength="1"' in page
    assert "Lưu và nhập tiếp" in page and "Đã nhập: 0 phiếu giấy" in page
    assert "tabindex" not in page  # natural order: age band, gender, then each question


def test_three_paper_forms_store_three_responses(app, client, setup, staff):
    for digits, audience in (("4534450", "child"), ("1234502", "child"), ("55443215", "resident")):
        page = client.get(_entry_url(setup, audience)).get_data(as_text=True)
        saved = client.post(_entry_url(setup, audience), data=_form(audience, digits, _key(page)))
        assert saved.status_code == 303
        assert saved.location.endswith(_entry_url(setup, audience))  # group and audience kept
    rows = _rows(app)
    assert [(r.channel, r.group_id, r.audience) for r in rows] == [
        ("paper", setup.group_ids[0], "child"),
        ("paper", setup.group_ids[0], "child"),
        ("paper", setup.group_ids[0], "resident"),
    ]
    with app.app_context():
        answers = {a.question_id: a.value for a in get_session().get(Response, rows[1].id).answers}
        counted = get_session().scalar(
            select(AnswerCount.n).where(
                AnswerCount.question_id == "overall", AnswerCount.value == 2
            )
        )
    assert answers["safety"] == 1 and answers["overall"] == 2 and counted == 1
    page = client.get(_entry_url(setup)).get_data(as_text=True)
    assert "Đã nhập: 3 phiếu giấy" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"q_safety": "7"}, "Chỉ nhập một chữ số từ 0 đến 5."),
        ({"q_safety": "a"}, "Chỉ nhập một chữ số từ 0 đến 5."),
        ({"q_safety": "45"}, "Chỉ nhập một chữ số từ 0 đến 5."),
        ({"q_safety": ""}, "Chỉ nhập một chữ số từ 0 đến 5."),
        ({"age_band": "30-59"}, "Hãy chọn nhóm tuổi."),  # a resident's band on a child form
        ({"gender": "robot"}, "Giá trị không hợp lệ"),
    ],
)
def test_invalid_entry_is_refused_with_a_message_and_nothing_written(
    app, client, setup, staff, change, message
):
    page = client.get(_entry_url(setup)).get_data(as_text=True)
    data = {**_form("child", "4534450", _key(page)), **change}
    response = client.post(_entry_url(setup), data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert "Phiếu chưa được lưu" in response.get_data(as_text=True)
    assert _rows(app) == []


def test_double_submit_is_stored_once(app, client, setup, staff):
    page = client.get(_entry_url(setup)).get_data(as_text=True)
    data = _form("child", "4534450", _key(page))
    assert client.post(_entry_url(setup), data=data).status_code == 303
    again = client.post(_entry_url(setup), data=data, follow_redirects=True)
    assert again.status_code == 200 and "không lưu lần hai" in again.get_data(as_text=True)
    assert len(_rows(app)) == 1


def test_a_paused_or_full_poster_does_not_stop_paper_entry(app, client, setup, staff):
    # The cap and the pause guard the public QR link; staff typing in paper forms are not
    # limited by them, and the poster's count of QR answers is left alone.
    from survey_app.models import PosterToken
    from survey_app.survey import tokens

    with app.app_context():
        session = get_session()
        tokens.pause_token(session, setup.token_ids[0], reason="test")
        tokens.set_cap(session, setup.token_ids[0], 0, reason="test")
    page = client.get(_entry_url(setup)).get_data(as_text=True)
    response = client.post(_entry_url(setup), data=_form("child", "4534450", _key(page)))
    assert response.status_code == 303
    assert len(_rows(app)) == 1
    with app.app_context():
        assert get_session().get(PosterToken, setup.token_ids[0]).used == 0


def test_a_closed_round_refuses_paper_entry(app, client, setup, staff):
    from survey_app.models import AssessmentRound

    page = client.get(_entry_url(setup)).get_data(as_text=True)
    with app.app_context():
        session = get_session()
        session.get(AssessmentRound, setup.round_id).status = "closed"
        session.commit()
    response = client.post(_entry_url(setup), data=_form("child", "4534450", _key(page)))
    assert 400 <= response.status_code < 500
    assert _rows(app) == []


def test_bad_group_or_audience(client, setup, staff):
    base = f"/rounds/{setup.round_id}/paper/entry"
    assert client.get(base + "?audience=child").status_code == 400
    assert client.get(base + f"?group={setup.group_ids[0]}&audience=adult").status_code == 400
    assert client.get(base + "?group=99999&audience=child").status_code == 404
    assert client.get(f"/rounds/{setup.round_id}/paper").status_code == 200
