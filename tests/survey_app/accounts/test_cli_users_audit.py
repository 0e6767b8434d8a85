"""`cfw user ...` and `cfw audit ...`."""

from __future__ import annotations

import re

from sqlalchemy import select, update

from survey_app.commands.audit import audit
from survey_app.commands.users import user
from survey_app.core.db import get_session, write_transaction
from survey_app.models import AuditEntry, User, Ward
from tests.survey_app.audit.test_audit import tamper

OTP = re.compile(r"[a-z2-9]{4}(?:-[a-z2-9]{4}){3}")


def _ward(app, code: str = "phuong-1") -> int:
    with app.app_context(), write_transaction(get_session()) as session:
        ward = Ward(code=code, name="Phường 1", locality_type="other")
        session.add(ward)
        session.flush()
        return ward.id


def test_create_prints_a_one_time_password_that_must_be_changed(app, client, runner):
    result = runner.invoke(user, ["create", "quantri", "--role", "admin", "--name", "Chị Lan"])
    assert result.exit_code == 0, result.output
    password = OTP.search(result.output).group(0)
    response = client.post("/login", data={"username": "quantri", "password": password})
    assert response.status_code == 302
    assert client.get("/staff/").headers["Location"] == "/password"


def test_create_a_unit_officer_in_a_ward(app, runner):
    ward_id = _ward(app)
    args = ["create", "yte1", "--role", "unit", "--unit", "yte", "--ward", "phuong-1"]
    assert runner.invoke(user, args).exit_code == 0
    with app.app_context():
        created = get_session().scalars(select(User).where(User.username == "yte1")).one()
    assert (created.unit, created.ward_id, created.must_change_password) == ("yte", ward_id, True)


def test_create_explains_what_is_wrong(app, runner):
    result = runner.invoke(user, ["create", "yte1", "--role", "unit", "--ward", "nowhere"])
    assert result.exit_code == 1 and "No ward" in result.output
    _ward(app)
    result = runner.invoke(user, ["create", "yte1", "--role", "unit", "--ward", "phuong-1"])
    assert result.exit_code == 1 and "đơn vị" in result.output


def test_list_disable_enable_and_reset(app, client, runner):
    runner.invoke(user, ["create", "quantri", "--role", "admin"])
    runner.invoke(user, ["create", "quantri2", "--role", "admin"])
    listing = runner.invoke(user, ["list"]).output
    assert "quantri " in listing and "must change password" in listing

    assert runner.invoke(user, ["disable", "quantri2", "--reason", "nghỉ"]).exit_code == 0
    assert "disabled" in runner.invoke(user, ["list"]).output
    assert runner.invoke(user, ["enable", "quantri2"]).exit_code == 0

    reset = runner.invoke(user, ["reset-password", "quantri"])
    password = OTP.search(reset.output).group(0)
    response = client.post("/login", data={"username": "quantri", "password": password})
    assert response.status_code == 302

    missing = runner.invoke(user, ["disable", "nobody"])
    assert missing.exit_code == 1 and "No user" in missing.output


def test_audit_verify_and_show(app, runner):
    runner.invoke(user, ["create", "quantri", "--role", "admin"])
    runner.invoke(user, ["create", "quantri2", "--role", "admin"])
    runner.invoke(user, ["disable", "quantri2", "--reason", "nghỉ việc"])

    ok = runner.invoke(audit, ["verify"])
    assert ok.exit_code == 0 and "OK: 3 rows" in ok.output

    shown = runner.invoke(audit, ["show", "--entity", "user", "--id", "2"]).output
    assert "user.disable" in shown and "nghỉ việc" in shown and "user.create" in shown
    assert "quantri " not in shown  # only user 2
    latest = runner.invoke(audit, ["show", "--limit", "1"]).output.splitlines()
    assert [line.split()[0] for line in latest if line.startswith("#")] == ["#3"]

    with app.app_context():
        session = get_session()
        tamper(session, update(AuditEntry).where(AuditEntry.id == 2).values(reason="sửa"))
    broken = runner.invoke(audit, ["verify"])
    assert broken.exit_code == 1 and "row 2" in broken.output
