"""The posting step's first day: never before the day the result was locked (Vietnam date),
never further ahead of today than survey_app/data/procedure.toml allows. A posting dated
before the lock could be over when recorded (no resident could ever comment) and let the
dossier be sent at once."""

from __future__ import annotations

import datetime as dt

import pytest

from survey_app.audit import log as audit
from survey_app.core.db import get_session
from survey_app.core.vntime import today_vn
from survey_app.workspace import procedure, workflow
from survey_app.workspace import scorecard as scorecard_service
from survey_app.workspace.criteria import WorkspaceError
from tests.survey_app.page import page_text
from tests.survey_app.workspace_factories import (
    PASSING_INPUTS,
    SURVEY_INPUTS,
    advance,
    enter_everything,
    make_world,
)


@pytest.fixture
def world(app, make_user, monkeypatch):
    """A passing round locked today (the lock is taken now, as in the browser)."""
    monkeypatch.setattr(scorecard_service, "survey_inputs", lambda _s, _r: dict(SURVEY_INPUTS))
    world = make_world(app, make_user)
    enter_everything(app, world, PASSING_INPUTS)
    advance(app, world, "locked", locked_on=today_vn())
    return world


def _post(client, world, start: dt.date, days: int = 5):
    data = {"post-start": start.isoformat(), "post-days": str(days)}
    return client.post(f"/rounds/{world.round_id}/post", data=data)


def _posting_recorded(app, world) -> bool:
    with app.app_context():
        session = get_session()
        flow = workflow.workflow(session, world.round_id)
        actions = [r.action for r in audit.history(session, "round", world.round_id)]
    assert (flow.stage == "posted") == ("round.post" in actions)
    return flow.posting_start is not None


def test_a_posting_dated_before_the_lock_is_refused_and_nothing_is_written(
    app, client, login, world
):
    login("vhxh")
    today = today_vn()
    hint = page_text(client.get(f"/rounds/{world.round_id}"))
    assert f"Ngày bắt đầu: từ ngày khóa kết quả ({today.strftime('%d/%m/%Y')})" in hint
    backdated = _post(client, world, today - dt.timedelta(days=62))  # e.g. 01/10 for 5 days
    assert backdated.status_code == 422
    text = page_text(backdated)
    assert "không được trước ngày khóa kết quả" in text and today.strftime("%d/%m/%Y") in text
    yesterday = _post(client, world, today - dt.timedelta(days=1))
    assert yesterday.status_code == 422
    assert not _posting_recorded(app, world)


def test_a_posting_from_the_day_of_the_lock_is_recorded_and_still_holds_back_the_dossier(
    app, client, login, world
):
    login("vhxh")
    today = today_vn()
    assert _post(client, world, today).status_code == 303
    assert _posting_recorded(app, world)
    client.post("/logout")
    login("quantri")  # the test rules have provisional rows
    why = {"allow_provisional-reason": "Tỉnh hướng dẫn gửi trước, đối chiếu sau"}
    assert client.post(f"/rounds/{world.round_id}/allow_provisional", data=why).status_code == 303
    client.post("/logout")
    login("vhxh")
    send = {"send-sent_on": today.isoformat(), "send-letter": "12/TTr-UBND", "send-confirm": "y"}
    early = client.post(f"/rounds/{world.round_id}/send", data=send)
    assert early.status_code == 422 and "hết thời gian công khai" in page_text(early)


def test_a_posting_further_ahead_than_the_procedure_allows_is_refused(app, client, login, world):
    login("vhxh")
    ahead = procedure.POSTING_MAX_START_DAYS_AHEAD
    too_far = _post(client, world, today_vn() + dt.timedelta(days=ahead + 1))
    assert too_far.status_code == 422 and f"trong vòng {ahead} ngày tới" in page_text(too_far)
    assert not _posting_recorded(app, world)
    assert _post(client, world, today_vn() + dt.timedelta(days=ahead)).status_code == 303
    assert _posting_recorded(app, world)


def test_the_day_of_the_lock_is_its_date_in_vietnam():
    locked_at = dt.datetime(2026, 12, 1, 18, 30)  # UTC: 01:30 on 2 December in Vietnam
    now = dt.datetime(2026, 12, 3, 2, 0)
    with pytest.raises(WorkspaceError) as refused:
        procedure.check_posting_start(dt.date(2026, 12, 1), locked_at, now=now)
    assert refused.value.status == 422 and refused.value.errors == {"start": ""}
    assert "02/12/2026" in str(refused.value)
    procedure.check_posting_start(dt.date(2026, 12, 2), locked_at, now=now)
