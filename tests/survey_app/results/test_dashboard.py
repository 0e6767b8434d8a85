"""The survey dashboard and the review pages: roles, figures, suppression, review actions."""

from __future__ import annotations

import pytest

from survey_app.core.db import get_session
from survey_app.models import Response
from survey_app.results.dashboard import build_dashboard
from tests.survey_app.stats_factories import fill, submit
from tests.survey_app.survey_factories import make_survey


@pytest.fixture
def setup(app):
    made = make_survey(app, groups=3, cap=500)
    fill(app, made.token_ids[0], "resident", [5, 4, 1])  # 3 answers: a small cell (66.7 %)
    fill(app, made.token_ids[1], "resident", [5] * 7 + [2] * 3)  # 10 answers, 70 %
    fill(app, made.token_ids[2], "resident", [4] * 6 + [1] * 2)  # 8 answers, 75 %
    fill(app, made.token_ids[1], "child", [5] * 6 + [3] * 2)
    fill(app, made.token_ids[2], "child", [4] * 5 + [2] * 3)
    return made


def _login(client, make_user, login, setup, role="vhxh", **kwargs):
    if role in ("unit",):
        kwargs.setdefault("unit", "yte")
    if role != "admin" or "ward_id" in kwargs:
        kwargs.setdefault("ward_id", setup.ward_id)
    make_user(f"u-{role}", role=role, **kwargs)
    assert login(f"u-{role}").status_code == 302


@pytest.mark.parametrize("role", ["vhxh", "council", "viewer", "admin"])
def test_dashboard_for_ward_staff(client, make_user, login, setup, role):
    _login(client, make_user, login, setup, role)
    page = client.get(f"/rounds/{setup.round_id}/survey")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Việc cần làm tiếp" in text and "Tổ dân phố 2" in text
    assert 'role="img"' in text and "<title" in text  # accessible charts
    assert "<script" not in text


@pytest.mark.parametrize("role", ["leader", "unit"])
def test_leaders_and_unit_officers_get_403(client, make_user, login, setup, role):
    _login(client, make_user, login, setup, role)
    assert client.get(f"/rounds/{setup.round_id}/survey").status_code == 403


def test_staff_of_another_ward_get_404_and_anonymous_signs_in(client, make_user, login, setup):
    assert client.get(f"/rounds/{setup.round_id}/survey").status_code == 302
    make_user("other", role="vhxh")  # the default test ward, not the survey's ward
    login("other")
    assert client.get(f"/rounds/{setup.round_id}/survey").status_code == 404
    assert client.get(f"/rounds/{setup.round_id}/survey/flags").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/rounds/999999/survey",
        "/rounds/99999999999/survey",
        "/rounds/abc/survey",
        "/rounds/999999/survey/aggregates.csv",
    ],
)
def test_bad_round_ids_are_404(client, make_user, login, setup, url):
    _login(client, make_user, login, setup)
    assert client.get(url).status_code == 404


def test_small_group_shows_lt5_and_its_rate_nowhere(client, make_user, login, setup):
    _login(client, make_user, login, setup)
    text = client.get(f"/rounds/{setup.round_id}/survey").get_data(as_text=True)
    assert "&lt;5" in text
    assert "66,7" not in text and "66.7" not in text and "67%" not in text


def test_figures_with_and_without_flagged_answers_differ(app, client, make_user, login, setup):
    for _ in range(4):
        submit(app, setup.token_ids[1], "resident", 1, straight=True)  # flagged, dissatisfied
    with app.test_request_context("/"):
        view = build_dashboard(get_session(), setup.round_id)
    clean = view.clean.rates.audiences[1].unweighted
    everything = view.everything.rates.audiences[1].unweighted
    assert (clean.valid, everything.valid) == (21, 25)
    assert everything.rate < clean.rate
    assert view.not_counted == 4
    _login(client, make_user, login, setup)
    text = client.get(f"/rounds/{setup.round_id}/survey").get_data(as_text=True)
    assert "Tính cả mọi phiếu" in text and "n=25" in text and "n=21" in text
    # What is left out is named as what the policy does: held or rejected, not "marked".
    assert "(4 phiếu không được tính)" in text and "không tính phiếu bị đánh dấu" not in text


def test_next_steps_name_groups_behind_target(app, setup):
    with app.test_request_context("/"):
        view = build_dashboard(get_session(), setup.round_id)
    assert any("Tổ dân phố 2 cần thêm" in step for step in view.next_steps)


def test_review_through_the_page(app, client, make_user, login, setup):
    flagged = submit(app, setup.token_ids[1], "resident", 1, straight=True)
    _login(client, make_user, login, setup)
    listing = client.get(f"/rounds/{setup.round_id}/survey/flags")
    assert listing.status_code == 200 and "Phiếu số" in listing.get_data(as_text=True)
    url = f"/rounds/{setup.round_id}/survey/flags/{flagged.response_id}"
    assert client.post(url, data={"decision": "kept", "reason": ""}).status_code == 400
    assert client.post(url, data={"decision": "nuke", "reason": "x"}).status_code == 400
    assert client.post(f"{url}0", data={"decision": "kept", "reason": "x"}).status_code == 404
    done = client.post(url, data={"decision": "kept", "reason": "checked in person"})
    assert done.status_code == 303
    with app.app_context():
        assert get_session().get(Response, flagged.response_id).review == "kept"


def test_viewer_may_read_the_flags_but_not_review(app, client, make_user, login, setup):
    flagged = submit(app, setup.token_ids[1], "resident", 1, straight=True)
    _login(client, make_user, login, setup, "viewer")
    page = client.get(f"/rounds/{setup.round_id}/survey/flags").get_data(as_text=True)
    assert "Phiếu số" in page and 'name="decision"' not in page
    url = f"/rounds/{setup.round_id}/survey/flags/{flagged.response_id}"
    assert client.post(url, data={"decision": "kept", "reason": "x"}).status_code == 403
    with app.app_context():
        assert get_session().get(Response, flagged.response_id).review == "pending"


def test_staff_home_links_to_the_newest_rounds_dashboard(client, make_user, login, setup):
    _login(client, make_user, login, setup, "viewer")
    assert "/survey" in client.get("/staff/").get_data(as_text=True)
    response = client.get("/survey")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/rounds/{setup.round_id}/survey")


def test_a_new_answer_changes_the_view_model(app, setup):
    with app.test_request_context("/"):
        before = build_dashboard(get_session(), setup.round_id)
        again = build_dashboard(get_session(), setup.round_id)
    assert again is before  # same counters: the view model is reused
    submit(app, setup.token_ids[1], "resident", 5)
    with app.test_request_context("/"):
        after = build_dashboard(get_session(), setup.round_id)
    assert after is not before
    assert after.clean.table.grand_total == before.clean.table.grand_total + 1
