"""Poster downloads for staff: one group's PDF, every poster of a round (background job), QR zip."""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest
from pypdf import PdfReader

from survey_app.core.db import get_session, write_transaction
from survey_app.models import PosterJob
from survey_app.posters import jobs as poster_jobs
from tests.survey_app.posters.test_posters import decode, page_text, render_page
from tests.survey_app.survey_factories import make_survey

BASE = "http://survey.test"


@pytest.fixture
def setup(app):
    return make_survey(app, groups=3)


@pytest.fixture
def staff(setup, make_user, login):
    make_user("vhxh1", role="vhxh", ward_id=setup.ward_id)
    login("vhxh1")


def test_a_group_poster_downloads_with_its_qr_and_names(client, setup, staff):
    response = client.get(f"/rounds/{setup.round_id}/posters/{setup.group_ids[1]}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    pdf = response.data
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = page_text(pdf)
    assert "Phường Thử Nghiệm" in text and "Tổ dân phố 2" in text
    codes = decode(render_page(pdf))
    assert [c.text for c in codes] == [f"{BASE}/q/{setup.tokens[1]}"]
    # The short address typed out: no scheme, the token in hyphenated groups of 4-5.
    typed = re.search(r"survey\.test/q/([0-9a-z-]+)", text)
    assert typed and typed.group(1).replace("-", "") == setup.tokens[1]
    assert all(4 <= len(part) <= 5 for part in typed.group(1).split("-"))


def test_a5_english_poster_and_bad_options(client, setup, staff):
    url = f"/rounds/{setup.round_id}/posters/{setup.group_ids[0]}.pdf"
    english = client.get(url + "?size=A5&lang=en")
    assert english.status_code == 200 and "Survey for children" in page_text(english.data)
    bad = client.get(url + "?size=A3")
    assert bad.status_code == 400 and "A4, A5" in bad.get_data(as_text=True)
    assert client.get(f"/rounds/{setup.round_id}/posters/99999.pdf").status_code == 404
    assert client.get(f"/rounds/99999/posters/{setup.group_ids[0]}.pdf").status_code == 404


def test_qr_codes_are_only_made_under_the_public_base_url(app, client, setup, staff):
    app.config["PUBLIC_BASE_URL"] = "https://elsewhere.example"
    ok = client.get(f"/rounds/{setup.round_id}/posters/{setup.group_ids[0]}.pdf")
    assert ok.status_code == 200  # URLs are built from the base, so they stay under it
    codes = decode(render_page(ok.data))
    assert codes[0].text.startswith("https://elsewhere.example/q/")


def _wait_done(client, location: str) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        page = client.get(location).get_data(as_text=True)
        if 'http-equiv="refresh"' not in page:
            return page
        time.sleep(0.05)
    raise AssertionError("poster job did not finish")


def test_all_posters_job_reaches_done_with_one_page_per_group(client, setup, staff):
    started = client.post(f"/rounds/{setup.round_id}/posters/all?size=A4&lang=vi")
    assert started.status_code == 303
    location = started.location
    first = client.get(location)
    assert first.status_code == 200
    page = _wait_done(client, location)
    assert "Tải tệp PDF" in page
    job_id = location.rstrip("/").rsplit("/", 1)[1]
    pdf = client.get(f"/posters/jobs/{job_id}.pdf")
    assert pdf.status_code == 200
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == 3
    assert "Tổ dân phố 3" in reader.pages[2].extract_text()


def test_job_progress_page_refreshes_itself_while_running(app, client, setup, staff):
    with app.app_context(), write_transaction(get_session()) as session:
        now = poster_jobs.utcnow()
        session.add(
            PosterJob(
                id="A" * 22, ward_id=setup.ward_id, round_id=setup.round_id, user_id=None,
                status="running", done=1, total=3, created_at=now, updated_at=now,
            )
        )  # fmt: skip
    page = client.get(f"/posters/jobs/{'A' * 22}").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in page and "1 / 3" in page
    assert client.get(f"/posters/jobs/{'A' * 22}.pdf").status_code == 409
    assert client.get("/posters/jobs/not-a-job").status_code == 404


def test_qr_zip_has_a_png_and_an_svg_per_group(client, setup, staff):
    response = client.get(f"/rounds/{setup.round_id}/posters/qr.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = sorted(zipfile.ZipFile(io.BytesIO(response.data)).namelist())
    assert names == sorted(f"to-dan-pho-{n}.{ext}" for n in (1, 2, 3) for ext in ("png", "svg"))
    svg = zipfile.ZipFile(io.BytesIO(response.data)).read("to-dan-pho-1.svg").decode()
    assert f"{BASE}/q/{setup.tokens[0]}" in svg


def test_other_roles_and_wards_cannot_print(client, setup, make_user, login):
    make_user("viewer1", role="viewer", ward_id=setup.ward_id)
    login("viewer1")
    assert client.get(f"/rounds/{setup.round_id}/posters").status_code == 403
    assert client.get(f"/rounds/{setup.round_id}/posters/qr.zip").status_code == 403
    client.post("/logout")
    make_user("other", role="vhxh")  # another ward ("test-ward"): its round is not found
    login("other")
    assert client.get(f"/rounds/{setup.round_id}/posters").status_code == 404
    url = f"/rounds/{setup.round_id}/posters/{setup.group_ids[0]}.pdf"
    assert client.get(url).status_code == 404


def test_round_page_lists_every_group(client, setup, staff):
    page = client.get(f"/rounds/{setup.round_id}/posters").get_data(as_text=True)
    assert all(f"Tổ dân phố {n}" in page for n in (1, 2, 3))
    assert client.get("/posters/").status_code == 200
