"""The rule-version pages and the audit log are linked where an administrator looks for them
(the administration menu and the staff home), and only for roles whose permissions open them."""

from __future__ import annotations

import re

import pytest

from survey_app.core import permissions
from survey_app.core.permissions import ROLES
from tests.survey_app.route_tools import sign_in
from tests.survey_app.workspace_factories import ROLE_USERS, make_world

# (permission, where its link leads)
TOOLS = (("rules.manage", "/admin/rules/"), ("audit.browse", "/audit/"))


def _hrefs(page: str) -> set[str]:
    return set(re.findall(r'href="([^"#?]+)', page))


def _admin_pages(world) -> list[str]:
    ward = world.ward_id
    return [
        "/staff/",
        "/admin/",
        f"/admin/wards/{ward}",
        f"/admin/wards/{ward}/edit",
        f"/admin/wards/{ward}/groups",
        f"/admin/wards/{ward}/rounds",
        f"/admin/wards/{ward}/people",
        f"/admin/wards/{ward}/council",
    ]


def test_the_administrators_pages_link_the_rule_versions_and_the_audit_log(app, make_user):
    world = make_world(app, make_user)
    client = app.test_client()
    sign_in(client, "quantri")
    for url in _admin_pages(world):
        page = client.get(url)
        assert page.status_code == 200, url
        for _permission, target in TOOLS:
            assert target in _hrefs(page.get_data(as_text=True)), (url, target)
    for _permission, target in TOOLS:
        assert client.get(target).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_the_staff_home_links_them_only_for_roles_holding_the_permission(app, make_user, role):
    make_world(app, make_user)
    client = app.test_client()
    sign_in(client, next(name for name, r, _unit in ROLE_USERS if r == role))
    hrefs = _hrefs(client.get("/staff/").get_data(as_text=True))
    for permission, target in TOOLS:
        assert (target in hrefs) == permissions.has(role, permission), (role, target)


def test_the_links_follow_the_permissions_table_not_the_role_name(app, make_user, monkeypatch):
    """An administrator whose role lost the two permissions sees neither link anywhere."""
    world = make_world(app, make_user)
    client = app.test_client()
    sign_in(client, "quantri")
    held = permissions.has
    withdrawn = {permission for permission, _target in TOOLS}
    monkeypatch.setattr(
        permissions, "has", lambda role, perm: perm not in withdrawn and held(role, perm)
    )
    for url in _admin_pages(world):
        page = client.get(url)
        assert page.status_code == 200, url
        for _permission, target in TOOLS:
            assert target not in _hrefs(page.get_data(as_text=True)), (url, target)
