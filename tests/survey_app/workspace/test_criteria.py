"""Criteria entry: forms generated from the rule file, unit scope, validation, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey_app.audit import log as audit
from survey_app.core.db import get_session, write_transaction
from survey_app.models import AssessmentRound, AuditEntry, CriterionValue
from survey_app.workspace import criteria
from tests.survey_app.workspace_factories import make_world, user


@pytest.fixture
def world(app, make_user):
    return make_world(app, make_user)


def _url(world, section: str = "") -> str:
    base = f"/rounds/{world.round_id}/criteria"
    return f"{base}/{section}" if section else base


def test_health_station_enters_criteria_7_to_9_and_is_refused_criterion_3(client, login, world):
    login("yte")
    listing = client.get(_url(world)).get_data(as_text=True)
    assert "Trạm Y tế phường" in listing and "Tiêu chí 7" in listing
    assert "Tiêu chí 3" not in listing  # another unit's criterion is not even listed
    forms = {
        "c7": {"v_c7__under1": "58", "v_c7__fully_immunised": "56"},
        "c8": {"v_c8__under5_measured": "310", "v_c8__underweight": "14", "v_c8__stunted": "38"},
        "c9": {"v_c9__checked": "1800"},
    }
    for section, data in forms.items():
        page = client.get(_url(world, section))
        assert page.status_code == 200
        notes = {k.replace("v_", "n_", 1): "Sổ tiêm chủng, 31/10/2024" for k in data}
        saved = client.post(_url(world, section), data=data | notes)
        assert saved.status_code == 303, saved.get_data(as_text=True)
        submitted = client.post(_url(world, section) + "/submit")
        assert submitted.status_code == 303
    assert client.get(_url(world, "c3")).status_code == 403
    assert client.post(_url(world, "c3"), data={"v_c3__serious_cases": "0"}).status_code == 403
    assert client.post(_url(world, "c3") + "/submit").status_code == 403
    with client.application.app_context():
        session = get_session()
        values = criteria.plain_values(session, world.round_id)
        assert values["c7.fully_immunised"] == 56 and values["c9.checked"] == 1800
        assert "c3.serious_cases" not in values
        states = criteria.entries(session, world.round_id)
        assert {k: v.state for k, v in states.items()} == {
            "c7": "submitted",
            "c8": "submitted",
            "c9": "submitted",
        }


def test_form_is_generated_from_the_rule_file(client, login, world):
    login("vhxh")
    page = client.get(_url(world, "c1")).get_data(as_text=True)
    # yes/no facts are Có/Không radios with the rule file's labels
    assert "Có người được phân công làm công tác bảo vệ trẻ em cấp phường" in page
    assert 'type="radio"' in page and "Có" in page and "Không" in page
    page = client.get(_url(world, "c2")).get_data(as_text=True)
    assert "trẻ em sinh ra trong kỳ" in page and 'max="100000"' in page
    assert "Đơn vị: trẻ em · từ 0 đến 100000" in page
    assert client.get(_url(world, "ward")).status_code == 200
    assert client.get(_url(world, "c99")).status_code == 404


def test_the_source_hint_names_the_record_of_the_unit_in_charge(client, login, world):
    login("yte")
    page = client.get(_url(world, "c7")).get_data(as_text=True)
    assert "ví dụ: Sổ tiêm chủng của Trạm Y tế" in page
    assert "Sổ đăng ký khai sinh" not in page  # the civil-status register is not the clinic's
    client.post("/logout")
    login("vhxh")
    assert "ví dụ: Sổ đăng ký khai sinh" in client.get(_url(world, "c2")).get_data(as_text=True)


def test_numerator_larger_than_denominator_names_both(client, login, world):
    login("vhxh")
    response = client.post(
        _url(world, "c2"), data={"v_c2__births": "61", "v_c2__registered_on_time": "70"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "trẻ em được đăng ký khai sinh đúng hạn" in page and "trẻ em sinh ra trong kỳ" in page
    assert "(70)" in page and "(61)" in page
    with client.application.app_context():
        assert criteria.plain_values(get_session(), world.round_id) == {}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"v_c2__births": "-1"}, "Nhập số nguyên từ 0 đến 100000."),
        ({"v_c2__births": "100001"}, "Nhập số nguyên từ 0 đến 100000."),
        ({"v_c2__births": "abc"}, "Chỉ nhập chữ số, ví dụ 58."),
        ({"n_c2__births": "x" * 301}, ""),
    ],
)
def test_bad_values_are_refused_with_a_message(client, login, world, data, message):
    login("vhxh")
    response = client.post(_url(world, "c2"), data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert 'class="errors"' in response.get_data(as_text=True)


def test_submit_names_the_missing_figure_and_note(client, login, world):
    login("yte")
    client.post(_url(world, "c7"), data={"v_c7__under1": "58"})
    response = client.post(_url(world, "c7") + "/submit")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Chưa nhập số liệu: trẻ em dưới 1 tuổi được tiêm chủng đầy đủ" in page or (
        "Chưa nhập số liệu" in page
    )
    assert "Ghi rõ nguồn số liệu" in page


def test_every_change_is_audited_with_old_new_and_reason(app, world):
    with app.app_context():
        session = get_session()
        round_ = session.get(AssessmentRound, world.round_id)
        actor = user(session, world, "yte")
        with write_transaction(session) as tx:
            criteria.record_criterion_value(
                tx, round_, "c7.under1", 58, source_note="Sổ tiêm chủng", actor=actor
            )
        with write_transaction(session) as tx:
            criteria.record_criterion_value(
                tx, round_, "c7.under1", 57, source_note="Sổ tiêm chủng", actor=actor,
                reason="Trùng một trẻ",
            )  # fmt: skip
        rows = audit.history(session, "criterion_value", f"{round_.id}:c7.under1")
        assert [(audit.decode(r.old), audit.decode(r.new), r.reason) for r in rows] == [
            (None, {"value": 58, "source_note": "Sổ tiêm chủng"}, ""),
            (
                {"value": 58, "source_note": "Sổ tiêm chủng"},
                {"value": 57, "source_note": "Sổ tiêm chủng"},
                "Trùng một trẻ",
            ),
        ]
        assert rows[0].actor_unit == "yte" and audit.verify(session).ok


def test_an_exception_after_a_change_leaves_neither_change_nor_audit_row(app, world):
    with app.app_context():
        session = get_session()
        round_ = session.get(AssessmentRound, world.round_id)
        actor = user(session, world, "yte")
        audit_rows = session.scalar(select(func.count()).select_from(AuditEntry))
        with pytest.raises(RuntimeError), write_transaction(session) as tx:
            changed = criteria.record_criterion_value(
                tx, round_, "c7.under1", 58, source_note="Sổ", actor=actor
            )
            assert changed == 1
            raise RuntimeError("crash after the change")
        assert session.scalar(select(func.count()).select_from(CriterionValue)) == 0
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == audit_rows


def test_service_refuses_another_units_criterion(app, world):
    with app.app_context():
        session = get_session()
        round_ = session.get(AssessmentRound, world.round_id)
        with pytest.raises(criteria.WorkspaceError) as refused, write_transaction(session) as tx:
            criteria.record_criterion_value(
                tx, round_, "c3.serious_cases", 0, source_note="", actor=user(session, world, "yte")
            )
        assert refused.value.status == 403


def test_editing_a_submitted_criterion_returns_it_to_draft(client, login, world):
    login("yte")
    data = {"v_c9__checked": "1800", "n_c9__checked": "Sổ khám sức khỏe"}
    client.post(_url(world, "c9"), data=data)
    client.post(_url(world, "c9") + "/submit")
    assert client.post(_url(world, "c9") + "/submit").status_code == 409  # repeated
    client.post(_url(world, "c9"), data=data | {"v_c9__checked": "1790", "reason": "Sửa"})
    with client.application.app_context():
        assert criteria.entries(get_session(), world.round_id)["c9"].state == "draft"
    history = client.get(f"/audit/history?entity=criterion_value&id={world.round_id}:c9.checked")
    page = history.get_data(as_text=True)
    assert history.status_code == 200 and "1790" in page and "Sửa" in page


def test_survey_criterion_is_not_typed_in(client, login, world):
    login("vhxh")
    assert "Lấy từ phiếu khảo sát" in client.get(_url(world)).get_data(as_text=True)
    response = client.post(_url(world, "c13"), data={})
    assert response.status_code == 409


def test_history_of_another_units_value_is_refused(client, login, world):
    login("yte")
    ok = client.get(f"/audit/history?entity=criterion_value&id={world.round_id}:c7.under1")
    assert ok.status_code == 200
    other = client.get(
        f"/audit/history?entity=criterion_value&id={world.round_id}:c3.serious_cases"
    )
    assert other.status_code == 403
    assert client.get("/audit/history?entity=user&id=1").status_code == 403  # admins only
    assert client.get("/audit/history").status_code == 400
