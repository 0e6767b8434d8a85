"""The staff home: the role's name and description from the table, and only links that open."""

from __future__ import annotations

import re

import pytest

from survey_app.core.permissions import ROLES, role_description, role_label
from tests.survey_app.route_tools import sign_in
from tests.survey_app.workspace_factories import ROLE_USERS, make_world

LINKS = re.compile(r'<ul class="tasks">(.*?)</ul>', re.S)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_what_it_does_and_only_pages_it_may_open(app, make_user, login, role):
    make_world(app, make_user)
    client = app.test_client()
    username = next(name for name, r, _unit in ROLE_USERS if r == role)
    sign_in(client, username)
    page = client.get("/staff/").get_data(as_text=True)
    assert role_label(role, "vi") in page
    assert role_description(role, "vi") in page
    hrefs = re.findall(r'href="([^"]+)"', LINKS.search(page).group(1))
    assert hrefs, f"{role}: the home links nowhere"
    for href in hrefs:
        assert client.get(href).status_code in (200, 302, 303), (role, href)
