"""The permissions table: it loads, refuses malformed data, and the code checks only its entries."""

from __future__ import annotations

import re

import pytest

from survey_app.core import paths, permissions
from survey_app.core.permissions import PermissionTableError, UnknownPermission

ROLE = {
    "id": "clerk",
    "label": {"vi": "Văn thư", "en": "Clerk"},
    "description": {"vi": "Xem bảng điểm.", "en": "Reads the score table."},
    "grants": ["rounds.read"],
}
PERMISSIONS = {"rounds.read": "Open the workspace."}


def test_the_table_loads_with_todays_roles_in_display_order():
    assert permissions.ROLES == ("admin", "vhxh", "unit", "council", "leader", "viewer")
    assert permissions.role_label("vhxh", "vi") == "Công chức Văn hóa - Xã hội"
    assert permissions.role_label("leader", "en") == "Residential-group leader"
    assert permissions.role_description("unit", "vi").startswith("Nhập số liệu")


def test_has_and_roles_with_read_the_grants():
    assert permissions.has("council", "round.approve")
    assert not permissions.has("vhxh", "round.approve")
    assert permissions.roles_with("round.lock") == ("vhxh", "council")
    assert permissions.roles_with("wards.all") == ("admin",)
    assert "survey.export_raw" in permissions.permissions_of("admin")
    assert not permissions.has(None, "rounds.read")
    assert not permissions.has("nobody", "rounds.read")
    assert permissions.permissions_of("nobody") == frozenset()


@pytest.mark.parametrize(
    "call", [permissions.has, permissions.roles_with, permissions.check], ids=lambda f: f.__name__
)
def test_an_unknown_permission_fails_loudly(call):
    args = ("admin", "survey.dashbaord") if call is permissions.has else ("survey.dashbaord",)
    with pytest.raises(UnknownPermission, match=r"survey\.dashbaord"):
        call(*args)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"roles": [ROLE]}, "needs at least one permission"),
        ({"permissions": PERMISSIONS}, "needs at least one role"),
        ({"roles": [ROLE, ROLE], "permissions": PERMISSIONS}, "defined twice"),
        ({"roles": [ROLE | {"grants": ["rounds.raed"]}], "permissions": PERMISSIONS}, "raed"),
        ({"roles": [ROLE | {"label": {"vi": "Văn thư"}}], "permissions": PERMISSIONS}, "en"),
        ({"roles": [ROLE | {"account": "city"}], "permissions": PERMISSIONS}, "account"),
        ({"roles": [ROLE | {"id": "a b"}], "permissions": PERMISSIONS}, "needs an id"),
        ({"roles": [ROLE], "permissions": {"rounds.read": " "}}, "needs a description"),
    ],
)
def test_a_malformed_table_is_refused_with_what_is_wrong(data, message):
    with pytest.raises(PermissionTableError, match=re.escape(message)):
        permissions.parse(data)


def test_adding_a_role_is_one_entry():
    table = permissions.parse({"roles": [ROLE], "permissions": PERMISSIONS})
    assert [r.id for r in table.roles] == ["clerk"]
    assert table.role("clerk").grants == frozenset({"rounds.read"})
    assert table.role("clerk").account == "ward"


def test_only_roles_that_work_on_every_ward_may_have_no_ward():
    for role in permissions.ROLES:
        assert (permissions.account_kind(role) == "any") == permissions.has(role, "wards.all")


def test_every_permission_is_granted_and_used_by_the_code():
    code = "\n".join(
        path.read_text(encoding="utf-8")
        for path in [*paths.PACKAGE.rglob("*.py"), *paths.TEMPLATES.rglob("*.html")]
    )
    for permission in permissions.PERMISSIONS:
        assert permissions.roles_with(permission), f"{permission}: granted to nobody"
        used = f'"{permission}"' in code or permission.startswith("round.")
        assert used, f"{permission}: no view, service or template names it"


# A check written as a role name: `role == "x"`, `role in (...)`, `X_ROLES = (...)`.
ROLE_CHECK = re.compile(
    r"""\brole\s*(?:==|!=|\bin\b|\bnot in\b)\s*[("']|\w+_ROLES\s*=|require_roles\("""
)


def test_permission_checks_are_not_written_as_role_names():
    # A role name in a check is a permission the table cannot see. The demo data and the
    # migrations (a frozen CHECK constraint) are the only places that may name roles.
    offenders = []
    for path in [*paths.PACKAGE.rglob("*.py"), *paths.TEMPLATES.rglob("*.html")]:
        relative = path.relative_to(paths.ROOT).as_posix()
        if relative.startswith(("survey_app/demo/", "survey_app/migrations/")):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ROLE_CHECK.search(line) and "SIGNER_ROLES" not in line:
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert not offenders, "role checks outside the permissions table:\n" + "\n".join(offenders)
