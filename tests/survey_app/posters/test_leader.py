"""The group leader sees only their own group: poster, counts ("<5"), share link; no answers."""

from __future__ import annotations

import html

import pytest

from tests.survey_app.posters.test_posters import decode, render_page
from tests.survey_app.survey_factories import (
    backdate_start,
    begin,
    make_survey,
    varied_answers,
)


@pytest.fixture
def setup(app):
    return make_survey(app, groups=2)


@pytest.fixture
def leader(setup, make_user, login):
    make_user("lead1", role="leader", ward_id=setup.ward_id, group_id=setup.group_ids[0])
    login("lead1")


def _answer(app, token: str, audience: str, n: int, *, comment: str = "") -> None:
    for _ in range(n):
        survey_client = app.test_client()
        key = begin(survey_client, token, audience)
        backdate_start(survey_client)
        data = {**varied_answers(audience), "key": key, "comment": comment}
        assert survey_client.post(f"/s/{audience}/questions", data=data).status_code == 303


def test_leader_lands_on_own_group_and_downloads_the_poster(client, setup, leader):
    home = client.get("/staff/group/")
    assert home.status_code == 302 and home.location.endswith(f"/staff/group/{setup.group_ids[0]}")
    page = client.get(home.location).get_data(as_text=True)
    assert "Tổ dân phố 1" in page
    poster = client.get(f"/rounds/{setup.round_id}/posters/{setup.group_ids[0]}.pdf?size=A4")
    assert poster.status_code == 200
    assert decode(render_page(poster.data))[0].text == f"http://survey.test/q/{setup.tokens[0]}"
    paper = client.get(f"/rounds/{setup.round_id}/paper/child.pdf")
    assert paper.status_code == 200 and paper.mimetype == "application/pdf"


def test_counts_below_five_are_hidden_and_no_answer_is_shown(app, client, setup, leader):
    _answer(app, setup.tokens[0], "child", 3, comment="Cần thêm sân chơi bí mật")
    _answer(app, setup.tokens[0], "resident", 6)
    _answer(app, setup.tokens[1], "resident", 2)  # another group: never counted here
    page = html.unescape(client.get(f"/staff/group/{setup.group_ids[0]}").get_data(as_text=True))
    rows = page.split("<tbody>", 1)[1]
    child_row = rows.split("Trẻ em 10–15 tuổi", 1)[1].split("</tr>", 1)[0]
    resident_row = rows.split("Người dân từ 16 tuổi", 1)[1].split("</tr>", 1)[0]
    assert "<5" in child_row and "3" not in child_row.replace("<5", "")
    assert ">6<" in resident_row
    assert "sân chơi bí mật" not in page  # comments and answers are never shown
    assert "Hài lòng" not in page


def test_share_link_and_copy_button_with_fallback(client, setup, leader):
    page = client.get(f"/staff/group/{setup.group_ids[0]}").get_data(as_text=True)
    url = f"http://survey.test/q/{setup.tokens[0]}"
    assert f'value="{url}" readonly' in page
    assert 'data-copy="share-url"' in page and "js/copy.js" in page


def test_share_landing_has_open_graph_tags_and_no_tracking(client, setup):
    response = client.get(f"/q/{setup.tokens[0]}")
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert (
        '<meta property="og:title" content="Khảo sát ý kiến trẻ em và người dân — Tổ dân phố 1">'
        in page
    )
    assert '<meta property="og:type" content="website">' in page
    assert 'property="og:description"' in page and "Phường Thử Nghiệm" in page
    assert "<script" not in page and "http" not in page.split("<body", 1)[0].replace(
        'content="0; url=/s"', ""
    ).replace("http-equiv", "")


@pytest.mark.parametrize(
    "path",
    [
        "/staff/group/{other}",
        "/rounds/{round}/posters/{other}.pdf",
        "/rounds/{round}/paper/child.pdf?group={other}",
    ],
)
def test_another_groups_pages_are_forbidden(client, setup, leader, path):
    url = path.format(other=setup.group_ids[1], round=setup.round_id)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/posters/",
        "/rounds/{round}/posters",
        "/rounds/{round}/posters/qr.zip",
        "/rounds/{round}/posters/tokens",
        "/rounds/{round}/paper",
        "/rounds/{round}/paper/entry?group={own}&audience=child",
    ],
)
def test_leader_cannot_reach_staff_pages(client, setup, leader, path):
    url = path.format(round=setup.round_id, own=setup.group_ids[0])
    assert client.get(url).status_code == 403


def test_staff_see_any_group_of_their_ward(client, setup, make_user, login):
    make_user("vhxh1", role="vhxh", ward_id=setup.ward_id)
    login("vhxh1")
    assert client.get(f"/staff/group/{setup.group_ids[1]}").status_code == 200
    assert client.get("/staff/group/").status_code == 302
