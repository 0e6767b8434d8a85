"""The dashboard's words: groups counted as residential groups, a plain sentence under each
statistic, the round navigation, and the public page printing a hidden cell once."""

from __future__ import annotations

import re

import pytest

from survey_app.core.db import get_session, write_transaction
from survey_app.models import AssessmentRound
from survey_app.results.dashboard import build_dashboard
from tests.survey_app.stats_factories import fill
from tests.survey_app.survey_factories import make_survey


@pytest.fixture
def eight(app):
    """Eight groups, each behind on both audiences (two of them hidden: under 5 answers)."""
    made = make_survey(app, groups=8, cap=500)
    for token_id in made.token_ids[:6]:
        fill(app, token_id, "resident", [5, 4, 4, 2, 5, 4])
        fill(app, token_id, "child", [5, 4, 3, 5, 4, 5])
    fill(app, made.token_ids[6], "resident", [5, 4])
    return made


def _login(make_user, login, setup, role="vhxh"):
    make_user(f"u-{role}", role=role, ward_id=setup.ward_id)
    assert login(f"u-{role}").status_code == 302


def test_what_is_left_counts_residential_groups_not_pairs(app, eight):
    with app.test_request_context("/"):
        view = build_dashboard(get_session(), eight.round_id)
    named = [s for s in view.next_steps if s.startswith("Tổ dân phố ")]
    # One sentence per group, both audiences in it: 5 groups named, the 3 others counted.
    assert len(named) == 5
    assert all("trẻ em" in s and "người dân" in s for s in named)
    assert len({s.split(" cần thêm")[0] for s in named}) == 5
    rest = [s for s in view.next_steps if s.startswith("Còn ")]
    assert rest == ["Còn 3 tổ dân phố khác chưa đủ câu trả lời (xem bảng tiến độ)."]
    assert not any("nhóm khác" in s for s in view.next_steps)


def test_hidden_counts_name_goals_not_gaps(app, eight):
    with app.test_request_context("/"):
        view = build_dashboard(get_session(), eight.round_id)
    for row in view.groups:
        if any(c.hidden for c in row.cells):
            hidden = row
            break
    text = " ".join(view.next_steps)
    if hidden.name in text:
        sentence = next(s for s in view.next_steps if s.startswith(hidden.name + " "))
        assert "mục tiêu" in sentence


def test_every_statistic_has_a_plain_sentence(client, make_user, login, eight):
    _login(make_user, login, eight)
    text = client.get(f"/rounds/{eight.round_id}/survey").get_data(as_text=True)
    assert re.search(r"95 trên 100 lần, tỉ lệ thật .* nằm trong khoảng [\d,]+% đến [\d,]+%", text)
    assert re.search(r"cứ 100 lần thì khoảng \d+ lần tỉ lệ thật cho đúng \d+ điểm", text)
    assert "Mỗi dòng cho biết: cứ 100 lần thì bao nhiêu lần tỉ lệ thật rơi vào mức điểm đó" in text
    assert "Số p càng nhỏ" in text
    english = client.get(f"/rounds/{eight.round_id}/survey?lang=en").get_data(as_text=True)
    assert "95 times in 100" in english
    assert "Tỉ lệ thật" not in english and "cứ 100 lần" not in english


def test_dashboard_carries_the_round_navigation(client, make_user, login, eight):
    _login(make_user, login, eight, "viewer")
    text = client.get(f"/rounds/{eight.round_id}/survey").get_data(as_text=True)
    nav = re.search(r'<nav class="round-nav[^>]*>(.*?)</nav>', text, re.S)
    assert nav, "no round navigation on the dashboard"
    links = nav.group(1)
    assert f'href="/rounds/{eight.round_id}"' in links
    assert f'href="/rounds/{eight.round_id}/scorecard"' in links
    assert f'href="/rounds/{eight.round_id}/survey" aria-current="page"' in links
    # …and the other round pages link back to the survey.
    round_page = client.get(f"/rounds/{eight.round_id}").get_data(as_text=True)
    assert f'href="/rounds/{eight.round_id}/survey"' in round_page


def test_wide_tables_and_charts_scroll_in_their_own_focusable_box(client, make_user, login, eight):
    _login(make_user, login, eight)
    text = client.get(f"/rounds/{eight.round_id}/survey").get_data(as_text=True)
    boxes = re.findall(r'<div class="scroll" role="region" tabindex="0" aria-label="[^"]+">', text)
    assert len(boxes) >= 5  # two progress charts, rates chart, group table, comparison, questions


def test_public_page_prints_a_hidden_cell_once(app, client, eight):
    with app.app_context(), write_transaction(get_session()) as session:
        session.get(AssessmentRound, eight.round_id).status = "closed"
    text = client.get("/results/test-survey").get_data(as_text=True)
    assert "&lt;5" in text
    assert "n=&lt;5" not in text and "&lt;5 <span" not in text
    cells = re.findall(r'<td class="num">(.*?)</td>', text, re.S)
    assert all(c.count("&lt;5") <= 1 for c in cells)


def test_round_pages_link_the_survey_only_for_those_who_may_open_it(
    client, make_user, login, eight
):
    make_user("u-unit", role="unit", unit="yte", ward_id=eight.ward_id)
    assert login("u-unit").status_code == 302
    page = client.get(f"/rounds/{eight.round_id}")
    assert page.status_code == 200
    assert f'href="/rounds/{eight.round_id}/survey"' not in page.get_data(as_text=True)
