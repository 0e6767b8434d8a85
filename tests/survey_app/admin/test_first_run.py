"""The first-run set-up page: guarded by a one-time code, creates the ward and its admin."""

from __future__ import annotations

from sqlalchemy import func, select

from survey_app.admin import first_run
from survey_app.models import AuditEntry, SetupCode, User, Ward
from tests.conftest import TEST_PASSWORD

FORM = {
    "username": "quantri",
    "display_name": "Nguyễn Văn A",
    "position": "Công chức Văn hóa - Xã hội",
    "password": TEST_PASSWORD,
    "confirm_password": TEST_PASSWORD,
    "province_code": "24",
    "unit_code": "7210",  # Phường Bắc Giang, Bắc Ninh (after the 2025 reform)
    "locality_type": "other",
    "locality_basis": "Phường thuộc tỉnh (Nghị quyết 1658/NQ-UBTVQH15)",
    "signer_role": "chair",
    "action": "save",
}


def _code(app) -> str:
    from survey_app.core.db import get_session

    with app.app_context():
        return first_run.issue_setup_code(get_session())


def _count(app, model) -> int:
    from survey_app.core.db import get_session

    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model))


def test_an_empty_database_sends_visitors_to_the_setup_page(app, client):
    assert client.get("/login").status_code == 200  # no code printed yet: nothing to set up
    _code(app)
    assert client.get("/login").headers["Location"].endswith("/setup")
    page = client.get("/setup")
    assert page.status_code == 200
    assert "Mã thiết lập một lần" in page.get_data(as_text=True)


def test_setup_creates_the_ward_and_admin_and_spends_the_code(app, client):
    code = _code(app)
    response = client.post("/setup", data=FORM | {"setup_code": code.lower()})
    assert response.status_code == 303, response.get_data(as_text=True)
    from survey_app.core.db import get_session

    with app.app_context():
        session = get_session()
        ward = session.scalars(select(Ward)).one()
        assert (ward.name, ward.province, ward.code) == (
            "Phường Bắc Giang",
            "Bắc Ninh",
            "phuong-bac-giang",
        )
        admin = session.scalars(select(User)).one()
        assert (admin.role, admin.ward_id, admin.must_change_password) == ("admin", ward.id, False)
        assert admin.position == "Công chức Văn hóa - Xã hội"
        assert session.scalars(select(SetupCode)).one().used_at is not None
        actions = set(session.scalars(select(AuditEntry.action)))
        assert {"setup.code_issued", "ward.create", "user.create"} <= actions
    # signed in as the new administrator; the page is gone for good
    assert client.get(response.headers["Location"]).status_code == 200
    assert client.get("/setup").status_code == 302
    assert client.post("/setup", data=FORM | {"setup_code": code}).status_code == 409


def test_a_wrong_code_writes_nothing(app, client):
    _code(app)
    response = client.post("/setup", data=FORM | {"setup_code": "AAAAA-BBBBB-CCCCC-DDDDD"})
    assert response.status_code == 422
    assert "Mã thiết lập không đúng" in response.get_data(as_text=True)
    assert _count(app, Ward) == 0 and _count(app, User) == 0


def test_guessing_the_code_is_slowed_and_the_right_code_then_waits_too(app, client):
    # One window longer than any test run, so no try falls into the next window.
    app.config.update(SETUP_TRIES_PER_WINDOW=3, SETUP_WINDOW_S=10**9)
    code = _code(app)
    for n in range(3):
        wrong = client.post("/setup", data=FORM | {"setup_code": f"AAAAA-BBBBB-CCCCC-DDDD{n}"})
        assert wrong.status_code == 422
    waited = client.post("/setup", data=FORM | {"setup_code": code})
    assert waited.status_code == 429
    assert "Nhập mã quá nhiều lần" in waited.get_data(as_text=True)
    assert _count(app, Ward) == 0
    other = app.test_client()  # another source is not slowed by this one
    assert (
        other.post(
            "/setup", data=FORM | {"setup_code": code}, environ_base={"REMOTE_ADDR": "198.51.100.9"}
        ).status_code
        == 303
    )


def test_without_a_printed_code_nobody_gets_in(app, client):
    response = client.post("/setup", data=FORM | {"setup_code": ""})
    assert response.status_code == 422
    assert _count(app, Ward) == 0


def test_a_new_code_expires_the_old_one(app, client):
    old = _code(app)
    _code(app)
    assert client.post("/setup", data=FORM | {"setup_code": old}).status_code == 422


def test_a_weak_password_or_missing_locality_is_refused_with_nothing_written(app, client):
    code = _code(app)
    weak = client.post(
        "/setup",
        data=FORM | {"setup_code": code, "password": "12345678", "confirm_password": "12345678"},
    )
    assert weak.status_code == 422
    no_type = client.post("/setup", data=FORM | {"setup_code": code, "locality_type": ""})
    assert no_type.status_code == 422
    assert "loại địa bàn" in no_type.get_data(as_text=True)
    assert _count(app, Ward) == 0 and _count(app, User) == 0
    # the code still works after refused attempts
    assert client.post("/setup", data=FORM | {"setup_code": code}).status_code == 303


def test_a_unit_the_list_lacks_can_be_typed(app, client):
    code = _code(app)
    data = FORM | {
        "setup_code": code,
        "unit_code": "",
        "other_name": "Phường Dĩnh Kế",
        "code": "dinh-ke",
    }
    assert client.post("/setup", data=data).status_code == 303
    from survey_app.core.db import get_session

    with app.app_context():
        assert get_session().scalars(select(Ward.name)).one() == "Phường Dĩnh Kế"


def test_picking_a_province_lists_its_units_without_saving(app, client):
    page = client.post("/setup", data={"province_code": "24", "action": "pick_province"})
    assert page.status_code == 200
    assert "Phường Bắc Giang" in page.get_data(as_text=True)
    assert _count(app, Ward) == 0


def test_init_prints_a_code_only_on_an_empty_database(app, runner, make_user):
    from survey_app.cli import main

    assert "set-up code" not in runner.invoke(main, ["init", "--no-setup-code"]).output
    first = runner.invoke(main, ["init"])
    assert "one-time set-up code" in first.output
    make_user("quantri")
    assert "set-up code" not in runner.invoke(main, ["init"]).output
