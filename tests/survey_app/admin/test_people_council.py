"""People and council pages: every role's account, edits, disable, reset; the council list."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey_app.admin import council
from survey_app.core.db import get_session
from survey_app.models import AuditEntry, CouncilMember, User, Ward
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def ward_admin(app, make_user):
    """A ward's administrator (of "test-ward"), signed in; returns (client, ward id)."""
    make_user("hoidong1", role="council")  # creates test-ward
    with app.app_context():
        ward_id = get_session().scalars(select(Ward.id).where(Ward.code == "test-ward")).one()
    make_user("quantri", ward_id=ward_id)
    client = app.test_client()
    assert (
        client.post("/login", data={"username": "quantri", "password": TEST_PASSWORD}).status_code
        == 302
    )
    return client, ward_id


def _user(app, username):
    with app.app_context():
        return get_session().scalars(select(User).where(User.username == username)).one()


def test_admin_creates_a_unit_officer_and_sees_the_one_time_password_once(app, ward_admin):
    client, ward_id = ward_admin
    page = client.post(
        f"/admin/wards/{ward_id}/people/new",
        data={
            "username": "congan2",
            "display_name": "Trần Văn Hùng",
            "position": "Trưởng Công an phường",
            "role": "unit",
            "unit": "congan",
        },
    )
    assert page.status_code == 200
    password = re.search(r'id="otp">([^<]+)<', page.get_data(as_text=True)).group(1)
    created = _user(app, "congan2")
    assert (created.role, created.unit, created.ward_id) == ("unit", "congan", ward_id)
    assert created.position == "Trưởng Công an phường" and created.must_change_password
    other = app.test_client()
    signed = other.post("/login", data={"username": "congan2", "password": password})
    assert signed.status_code == 302
    assert other.get("/staff/").headers["Location"].endswith("/password")


def test_bad_account_input_is_a_422_with_the_reason_and_writes_nothing(app, ward_admin):
    client, ward_id = ward_admin
    before = _count_users(app)
    page = client.post(
        f"/admin/wards/{ward_id}/people/new",
        data={"username": "x", "display_name": "A", "role": "unit", "unit": ""},
    )
    assert page.status_code == 422
    assert "Tên đăng nhập gồm 3–64 ký tự" in page.get_data(as_text=True)
    unitless = client.post(
        f"/admin/wards/{ward_id}/people/new",
        data={"username": "yte2", "display_name": "A", "role": "unit", "unit": ""},
    )
    assert unitless.status_code == 422
    assert _count_users(app) == before


def _count_users(app):
    with app.app_context():
        return len(get_session().scalars(select(User.id)).all())


def test_edit_disable_enable_and_reset(app, ward_admin):
    client, ward_id = ward_admin
    member = _user(app, "hoidong1")
    edited = client.post(
        f"/admin/wards/{ward_id}/people/{member.id}/edit",
        data={
            "display_name": "Lê Thị Mai",
            "position": "Trạm trưởng Trạm Y tế",
            "role": "council",
            "reason": "đúng họ tên",
        },
    )
    assert edited.status_code == 303
    assert _user(app, "hoidong1").position == "Trạm trưởng Trạm Y tế"
    base = f"/admin/wards/{ward_id}/people/{member.id}"
    assert client.post(f"{base}/disable").status_code == 303
    assert not _user(app, "hoidong1").active
    assert client.post(f"{base}/enable").status_code == 303
    reset = client.post(f"{base}/reset")
    assert reset.status_code == 200 and "password-once" in reset.get_data(as_text=True)
    assert _user(app, "hoidong1").must_change_password
    with app.app_context():
        actions = list(
            get_session().scalars(
                select(AuditEntry.action).where(AuditEntry.entity_id == str(member.id))
            )
        )
    for action in ("user.update", "user.disable", "user.enable", "user.password_reset"):
        assert action in actions


def test_an_admin_cannot_lock_themselves_out(app, ward_admin):
    client, ward_id = ward_admin
    me = _user(app, "quantri")
    assert client.post(f"/admin/wards/{ward_id}/people/{me.id}/disable").status_code == 409
    assert _user(app, "quantri").active


def test_another_wards_admin_sees_nothing_of_this_ward(app, ward_admin, make_user):
    _client, ward_id = ward_admin
    with app.app_context():
        from survey_app.core.db import write_transaction

        with write_transaction(get_session()) as session:
            other = Ward(code="other-ward", name="Phường Khác", locality_type="other")
            session.add(other)
            session.flush()
            other_id = other.id
    make_user("quantri2", ward_id=other_id)
    client = app.test_client()
    client.post("/login", data={"username": "quantri2", "password": TEST_PASSWORD})
    member = _user(app, "hoidong1")
    for url in (
        f"/admin/wards/{ward_id}",
        f"/admin/wards/{ward_id}/people",
        f"/admin/wards/{ward_id}/council",
        f"/admin/wards/{ward_id}/groups",
        f"/admin/wards/{ward_id}/rounds",
    ):
        assert client.get(url).status_code == 404, (
            url
        )  # another ward is not even confirmed to exist
    assert client.post(f"/admin/wards/{ward_id}/people/{member.id}/disable").status_code == 404
    # its own ward's URL with a foreign account id: not found
    assert client.post(f"/admin/wards/{other_id}/people/{member.id}/disable").status_code == 404
    assert _user(app, "hoidong1").active


def test_council_list_add_edit_remove_and_council_of(app, ward_admin):
    client, ward_id = ward_admin
    member = _user(app, "hoidong1")
    url = f"/admin/wards/{ward_id}/council"
    added = client.post(
        url,
        data={
            "name": "Vũ Văn Trung",
            "position": "Phó Chủ tịch UBND phường",
            "council_role": "chair",
            "order": "1",
        },
    )
    assert added.status_code == 303
    linked = client.post(
        url,
        data={
            "name": "Lê Thị Mai",
            "position": "Trạm trưởng Trạm Y tế",
            "council_role": "member",
            "order": "2",
            "user_id": str(member.id),
        },
    )
    assert linked.status_code == 303
    second_chair = client.post(url, data={"name": "Ai Đó", "council_role": "chair"})
    assert second_chair.status_code == 422
    assert "đã có Chủ tịch" in second_chair.get_data(as_text=True)
    with app.app_context():
        found = council.council_of(get_session(), ward_id)
        assert found.chair.name == "Vũ Văn Trung"
        assert [(m.name, m.position, m.username) for m in found.members] == [
            ("Lê Thị Mai", "Trạm trưởng Trạm Y tế", "hoidong1")
        ]
        row = (
            get_session()
            .scalars(select(CouncilMember).where(CouncilMember.name == "Lê Thị Mai"))
            .one()
        )
    edit = client.post(
        f"{url}/{row.id}/edit",
        data={
            "name": "Lê Thị Mai",
            "position": "Trưởng Trạm Y tế",
            "council_role": "member",
            "order": "2",
        },
    )
    assert edit.status_code == 303
    assert client.post(f"{url}/{row.id}/remove").status_code == 303
    with app.app_context():
        assert council.council_of(get_session(), ward_id).members == ()
        actions = set(get_session().scalars(select(AuditEntry.action)))
    assert {"council.add", "council.update", "council.remove"} <= actions


def test_council_links_only_council_accounts_of_the_ward(app, ward_admin):
    client, ward_id = ward_admin
    admin = _user(app, "quantri")
    page = client.post(
        f"/admin/wards/{ward_id}/council",
        data={"name": "Ai Đó", "council_role": "member", "user_id": str(admin.id)},
    )
    assert page.status_code == 422
    with app.app_context():
        assert get_session().scalars(select(CouncilMember)).all() == []


def test_the_demo_ships_two_council_accounts_and_its_council(app, runner):
    from survey_app.commands.survey import demo

    assert runner.invoke(demo, ["--answers", "0"]).exit_code == 0
    with app.app_context():
        session = get_session()
        ward_id = session.scalars(select(Ward.id)).one()
        found = council.council_of(session, ward_id)
        assert found.chair.username == "hoidong"
        assert len(found.members) >= 5
        linked = {found.chair.username} | {m.username for m in found.members if m.username}
        assert linked == {"hoidong", "hoidong2"}


def test_the_cli_uses_the_same_services(app, runner, make_user):
    from survey_app.cli import main

    make_user("hoidong1", role="council")
    created = runner.invoke(
        main,
        [
            "user",
            "create",
            "yte9",
            "--role",
            "unit",
            "--unit",
            "yte",
            "--ward",
            "test-ward",
            "--name",
            "Lê Thị Mai",
            "--position",
            "Trạm trưởng Trạm Y tế",
        ],
    )
    assert created.exit_code == 0, created.output
    assert _user(app, "yte9").position == "Trạm trưởng Trạm Y tế"
    updated = runner.invoke(main, ["user", "update", "yte9", "--position", "Trưởng Trạm Y tế"])
    assert updated.exit_code == 0, updated.output
    assert (_user(app, "yte9").position, _user(app, "yte9").unit) == ("Trưởng Trạm Y tế", "yte")
    added = runner.invoke(
        main,
        [
            "council",
            "add",
            "test-ward",
            "--name",
            "Vũ Văn Trung",
            "--role",
            "chair",
            "--user",
            "hoidong1",
        ],
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(main, ["council", "list", "test-ward"])
    assert "chair" in listed.output and "Vũ Văn Trung" in listed.output
    refused = runner.invoke(main, ["council", "add", "test-ward", "--name", "", "--role", "member"])
    assert refused.exit_code != 0
    with app.app_context():
        actions = list(get_session().scalars(select(AuditEntry.action)))
    assert "user.update" in actions and "council.add" in actions
