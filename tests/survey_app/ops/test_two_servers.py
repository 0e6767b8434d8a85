"""Two real app servers (gunicorn) on one PostgreSQL database serve the same flows alternately.

One browser's requests go to server A and server B in turn, as nginx without sticky sessions
sends them: sign in on one and work on the other (signed cookies, same SECRET_KEY), enter a
criterion value, answer the survey on A and see it counted on B, start a poster job on A and
follow its progress and download it on B. Runs only on PostgreSQL (`make test-pg`), in a
throw-away database of its own; marked slow (two servers start).
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from survey_app.accounts.users import create_user
from survey_app.core.db import make_engine, write_transaction
from survey_app.models import (
    AssessmentRound,
    CriterionValue,
    PosterJob,
    PosterToken,
    Response,
    Ward,
)
from tests.conftest import PG_URL
from tests.survey_app.fault_tools import (
    ROOT,
    Browser,
    Server,
    cfw,
    csrf_of,
    free_port,
    key_of,
    server_env,
)
from tests.survey_app.survey_factories import RESIDENT_PROFILE, varied_answers

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not PG_URL.startswith("postgresql"),
        reason="several app servers share PostgreSQL: runs with DATABASE_URL=postgresql+... ",
    ),
]
PASSWORD = "two-servers-passphrase-1"


@dataclass
class World:
    url: str
    ward_id: int
    round_id: int
    token: str


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    """A scratch PostgreSQL database with the demo ward and two staff accounts of ours."""
    name = f"cfw_two_{secrets.token_hex(4)}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        env = server_env(url, 0)
        cfw(["init"], env)
        cfw(["demo"], env)
        engine = make_engine(url)
        with Session(engine) as session, write_transaction(session):
            ward = session.scalars(select(Ward)).one()
            round_ = session.scalars(select(AssessmentRound)).one()
            token = session.scalar(
                select(PosterToken.token).where(
                    PosterToken.round_id == round_.id, PosterToken.status == "active"
                )
            )
            for username, role, unit in (("vhxh2", "vhxh", "vhxh"), ("yte2", "unit", "yte")):
                create_user(
                    session, username=username, role=role, unit=unit, ward_id=ward.id,
                    password=PASSWORD, must_change_password=False,
                )  # fmt: skip
            made = World(url, ward.id, round_.id, token)
        engine.dispose()
        yield made
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def servers(world: World, tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    started = []
    try:
        for name in ("a", "b"):
            port = free_port()
            server = Server(server_env(world.url, port), port, tmp_path / f"{name}.log")
            server.start(timeout=60)
            started.append(server)
        yield started[0], started[1]
    finally:
        for server in started:
            server.stop()


class Alternating:
    """One browser whose every request goes to the other server than the last one."""

    def __init__(self, a: Server, b: Server) -> None:
        self.a = Browser(a.port)
        self.b = Browser(b.port, cookies=self.a.cookies)  # one cookie jar: one browser
        self.next_is_a = True
        self.seen: list[int] = []

    def on(self, which: str) -> Browser:
        browser = self.a if which == "a" else self.b
        self.seen.append(browser.port)
        return browser

    def request(self, method: str, path: str, form: dict[str, str] | None = None):
        which = "a" if self.next_is_a else "b"
        self.next_is_a = not self.next_is_a
        return self.on(which).request(method, path, form)

    def close(self) -> None:
        self.a.close()
        self.b.close()


def _scalar(url: str, query):
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return session.scalar(query)
    finally:
        engine.dispose()


def test_staff_survey_and_poster_job_across_two_servers(world, servers):
    a, b = servers
    staff = Alternating(a, b)
    try:
        # Sign in: the form from A, the POST to B, the next page from A again.
        page = staff.request("GET", "/login")
        assert page.status == 200
        signed = staff.request(
            "POST", "/login",
            {"csrf_token": csrf_of(page.text), "username": "yte2", "password": PASSWORD},
        )  # fmt: skip
        assert signed.status in (302, 303), signed.text[:500]
        criteria = f"/rounds/{world.round_id}/criteria/c7"
        form = staff.request("GET", criteria)
        assert form.status == 200, form.text[:500]
        saved = staff.request(
            "POST", criteria,
            {"csrf_token": csrf_of(form.text), "v_c7__fully_immunised": "57",
             "reason": "Số liệu trạm y tế tháng 11"},
        )  # fmt: skip
        assert saved.status == 303, saved.text[:800]
        shown = staff.request("GET", criteria)
        assert shown.status == 200 and 'value="57"' in shown.text
        stored = _scalar(
            world.url,
            select(CriterionValue.value).where(
                CriterionValue.round_id == world.round_id,
                CriterionValue.key == "c7.fully_immunised",
            ),
        )
        assert stored == 57
        staff.request("POST", "/logout", {"csrf_token": csrf_of(shown.text)})

        # The survey: scan and consent on A and B, the answers posted through A...
        phone = Alternating(a, b)
        before = _scalar(world.url, select(func.count()).select_from(Response))
        assert phone.request("GET", f"/q/{world.token}").status == 200
        profile = phone.request("GET", "/s/resident")
        consent = phone.request(
            "POST", "/s/resident", RESIDENT_PROFILE | {"csrf_token": csrf_of(profile.text)}
        )
        assert consent.status == 303, consent.text[:500]
        questions = phone.on("b").request("GET", "/s/resident/questions")
        answers = varied_answers("resident") | {
            "csrf_token": csrf_of(questions.text),
            "key": key_of(questions.text),
        }
        thanks = phone.on("a").request("POST", "/s/resident/questions", answers)
        assert thanks.status == 200 and "Đã gửi xong!" in thanks.text
        # ...and counted once on B too: the same one-time key again through B stores nothing.
        again = phone.on("b").request("POST", "/s/resident/questions", answers)
        assert again.status in (200, 400), again.text[:300]
        assert _scalar(world.url, select(func.count()).select_from(Response)) == before + 1
        phone.close()

        # Poster job: started on A, followed and downloaded on B.
        poster = Alternating(a, b)
        page = poster.on("b").request("GET", "/login")
        signed = poster.on("a").request(
            "POST", "/login",
            {"csrf_token": csrf_of(page.text), "username": "vhxh2", "password": PASSWORD},
        )  # fmt: skip
        assert signed.status in (302, 303)
        round_page = poster.on("b").request("GET", f"/rounds/{world.round_id}/posters")
        assert round_page.status == 200
        started = poster.on("a").request(
            "POST",
            f"/rounds/{world.round_id}/posters/all?size=A4&lang=vi",
            # the servers' public address is loopback: a test print, said so
            {"csrf_token": csrf_of(round_page.text), "confirm_loopback": "yes"},
        )
        assert started.status == 303, started.text[:500]
        job_path = urlsplit(started.headers["location"]).path
        job_id = job_path.rsplit("/", 1)[1]
        deadline = time.monotonic() + 90
        while True:
            progress = poster.on("b").request("GET", job_path)
            assert progress.status == 200
            if 'http-equiv="refresh"' not in progress.text:
                break
            assert time.monotonic() < deadline, "the poster job did not finish on server A"
            time.sleep(0.2)
        assert "Tải tệp PDF" in progress.text
        pdf = poster.on("b").request("GET", f"{job_path}.pdf")
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
        pages = len(re.findall(r"/Type\s*/Page\b", pdf.text))
        groups = _scalar(
            world.url,
            select(PosterJob.total).where(PosterJob.id == job_id, PosterJob.status == "done"),
        )
        assert pages == groups > 0
        # The servers share a disk here, so make sure the state went through the database.
        assert not list(ROOT.glob(f"instance/**/{job_id}*"))
        poster.close()
    finally:
        staff.close()
    assert {a.port, b.port} <= set(staff.seen)
