"""Poster jobs live in the database: any process reads them; a dead job ends up failed."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import undefer

from survey_app.core.db import get_session, write_transaction
from survey_app.models import PosterJob
from survey_app.posters import jobs as poster_jobs
from tests.survey_app.survey_factories import make_survey


@pytest.fixture
def setup(app):
    return make_survey(app, groups=2)


@pytest.fixture
def staff(setup, make_user, login):
    make_user("vhxh1", role="vhxh", ward_id=setup.ward_id)
    login("vhxh1")


def _add_job(app, setup, *, status: str, age_s: float, job_id: str = "B" * 22) -> str:
    then = poster_jobs.utcnow() - dt.timedelta(seconds=age_s)
    with app.app_context(), write_transaction(get_session()) as session:
        session.add(
            PosterJob(
                id=job_id, ward_id=setup.ward_id, round_id=setup.round_id, user_id=None,
                status=status, done=1, total=2, created_at=then, updated_at=then,
            )
        )  # fmt: skip
    return job_id


def _row(app, job_id: str) -> PosterJob | None:
    with app.app_context():
        query = select(PosterJob).options(undefer(PosterJob.pdf)).where(PosterJob.id == job_id)
        return get_session().scalar(query)


def _start(client, setup) -> str:
    started = client.post(f"/rounds/{setup.round_id}/posters/all?size=A4&lang=vi")
    assert started.status_code == 303, started.get_data(as_text=True)[:500]
    job_id = started.location.rstrip("/").rsplit("/", 1)[1]
    poster_jobs.wait(job_id)
    return job_id


def test_a_finished_job_keeps_its_state_and_pdf_in_the_database(app, client, setup, staff):
    job_id = _start(client, setup)
    row = _row(app, job_id)
    assert row is not None and (row.status, row.done, row.total) == ("done", 2, 2)
    assert len(PdfReader(io.BytesIO(row.pdf)).pages) == 2
    # Nothing on this server's disk: another server can answer the page and the download.
    assert not (Path(app.instance_path) / "poster_jobs").exists()
    assert client.get(f"/posters/jobs/{job_id}.pdf").data == row.pdf


def test_a_job_whose_server_died_is_marked_failed_not_running_forever(app, client, setup, staff):
    job_id = _add_job(app, setup, status="running", age_s=poster_jobs.STALE_AFTER_S + 5)
    page = client.get(f"/posters/jobs/{job_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Không tạo được tệp" in text and 'http-equiv="refresh"' not in text
    row = _row(app, job_id)
    assert (row.status, row.message) == ("failed", poster_jobs.INTERRUPTED)
    assert client.get(f"/posters/jobs/{job_id}.pdf").status_code == 409


def test_a_job_with_a_recent_heartbeat_is_still_running(app, client, setup, staff):
    job_id = _add_job(app, setup, status="running", age_s=poster_jobs.STALE_AFTER_S - 30)
    assert 'http-equiv="refresh"' in client.get(f"/posters/jobs/{job_id}").get_data(as_text=True)
    assert _row(app, job_id).status == "running"


def test_a_failed_render_says_so_on_its_page(app, client, setup, staff, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("font missing")

    monkeypatch.setattr(poster_jobs, "render_posters_pdf", broken)
    job_id = _start(client, setup)
    row = _row(app, job_id)
    assert (row.status, row.message, row.pdf) == ("failed", "font missing", None)
    assert "Không tạo được tệp" in client.get(f"/posters/jobs/{job_id}").get_data(as_text=True)


def test_jobs_older_than_a_day_are_deleted_when_a_new_one_starts(app, client, setup, staff):
    old = _add_job(app, setup, status="done", age_s=poster_jobs.KEEP_FOR_S + 60)
    recent = _add_job(app, setup, status="done", age_s=60, job_id="C" * 22)
    _start(client, setup)
    assert _row(app, old) is None and _row(app, recent) is not None


def test_another_wards_job_is_not_found(app, client, setup, make_user, login):
    job_id = _add_job(app, setup, status="done", age_s=1)
    make_user("other", role="vhxh")  # another ward ("test-ward")
    login("other")
    assert client.get(f"/posters/jobs/{job_id}").status_code == 404
    assert client.get(f"/posters/jobs/{job_id}.pdf").status_code == 404
