"""Public results: nothing before the round closes, aggregates only after, QR leads there."""

from __future__ import annotations

import pytest

from survey_app.core.db import get_session, write_transaction
from survey_app.models import AssessmentRound
from tests.survey_app.stats_factories import fill
from tests.survey_app.survey_factories import make_survey


@pytest.fixture
def setup(app):
    made = make_survey(app, groups=3, cap=500)
    fill(app, made.token_ids[0], "resident", [5, 4, 1])  # small cell: 66.7 %
    fill(app, made.token_ids[1], "resident", [5] * 7 + [2] * 3)
    fill(app, made.token_ids[2], "resident", [4] * 6 + [1] * 2)
    fill(app, made.token_ids[1], "child", [5] * 6 + [3] * 2)
    fill(app, made.token_ids[2], "child", [4] * 5 + [2] * 3)
    return made


def _close(app, setup):
    with app.app_context(), write_transaction(get_session()) as session:
        session.get(AssessmentRound, setup.round_id).status = "closed"


def test_before_close_a_friendly_page_without_numbers(client, setup):
    for url in ("/results/test-survey", f"/results/test-survey/{setup.group_ids[1]}"):
        response = client.get(url)
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert "Kết quả sẽ công bố khi đợt khảo sát kết thúc" in text
        assert "%" not in text


def test_after_close_the_ward_and_group_pages_show_aggregates(app, client, setup):
    _close(app, setup)
    text = client.get("/results/test-survey").get_data(as_text=True)
    assert "Kết quả khảo sát" in text and "70%" in text and "&lt;5" in text
    assert "67%" not in text and "66,7" not in text  # the small group's rate
    group = client.get(f"/results/test-survey/{setup.group_ids[1]}").get_data(as_text=True)
    assert "Tổ dân phố 2" in group and "70%" in group


def test_public_results_page_is_light(app, client, setup):
    _close(app, setup)
    body = client.get("/results/test-survey").data
    css = b""
    for name in ("app.css", "survey.css", "dashboard.css"):
        with client.get(f"/static/css/{name}") as static:  # closes the file (warnings = errors)
            css += static.get_data()
    assert len(body) + len(css) <= 30 * 1024
    assert b"<script" not in body


@pytest.mark.parametrize(
    "url",
    [
        "/results/nope",
        "/results/test-survey/999999",
        "/results/test-survey/99999999999",
        "/results/" + "x" * 80,
    ],
)
def test_unknown_wards_and_groups_are_404(client, setup, url):
    assert client.get(url).status_code == 404


def test_a_closed_rounds_poster_opens_its_groups_results(app, client, setup):
    _close(app, setup)
    response = client.get(f"/q/{setup.tokens[1]}")
    assert response.status_code == 303
    target = response.headers["Location"]
    assert f"/results/test-survey/{setup.group_ids[1]}" in target
    assert "70%" in client.get(target).get_data(as_text=True)
