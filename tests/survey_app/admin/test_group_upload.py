"""Uploading a group list in the browser: every problem named in the reader's language."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from survey_app.core.db import get_session
from survey_app.models import ResidentialGroup
from tests.survey_app.admin.test_people_council import ward_admin  # noqa: F401 (fixture)

BAD = "name,children,residents\nTổ 1,10,100\n,5,50\nTổ 3,-5,40\n".encode()


def _upload(client, ward_id: int, data: bytes, lang: str = "vi"):
    return client.post(
        f"/admin/wards/{ward_id}/groups/import?lang={lang}",
        data={"file": (io.BytesIO(data), "to-dan-pho.csv")},
        content_type="multipart/form-data",
    )


def _groups(app) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count(ResidentialGroup.id)))


def test_a_bad_file_lists_every_row_in_vietnamese_and_saves_nothing(app, ward_admin):  # noqa: F811
    client, ward_id = ward_admin
    before = _groups(app)
    page = _upload(client, ward_id, BAD)
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "Dòng 3: tên để trống" in text
    assert "Dòng 4: Số trẻ em (children) phải là số nguyên từ 0 đến 1.000.000" in text
    assert not re.search(r"\brow \d|must be", text)  # no English left in the Vietnamese page
    assert _groups(app) == before


def test_the_same_file_reads_in_english_when_english_is_chosen(app, ward_admin):  # noqa: F811
    client, ward_id = ward_admin
    page = _upload(client, ward_id, BAD, lang="en")
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "Row 3: name is empty" in text
    assert "Row 4: Children (children) must be a whole number from 0 to 1.000.000" in text


def test_a_file_not_saved_as_utf8_says_how_to_save_it(app, ward_admin):  # noqa: F811
    client, ward_id = ward_admin
    page = _upload(client, ward_id, "name,children,residents\nTổ Mé,1,2\n".encode("utf-16"))
    assert page.status_code == 422
    assert "CSV UTF-8 (Comma delimited)" in page.get_data(as_text=True)
