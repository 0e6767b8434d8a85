"""The round's workflow: order of steps, two different approvers, lock, reopen, dossier."""

from __future__ import annotations

import datetime as dt

import pytest

from survey_app.admin import council
from survey_app.audit import log as audit
from survey_app.core.db import get_session, write_transaction
from survey_app.models import AssessmentRound, CriterionValue
from survey_app.workspace import lifecycle as rounds
from survey_app.workspace import scorecard as scorecard_service
from survey_app.workspace import workflow
from survey_app.workspace.criteria import WorkspaceError
from tests.survey_app.workspace_factories import (
    LOCKED_ON,
    PASSING_INPUTS,
    SURVEY_INPUTS,
    advance,
    enter_everything,
    lifecycle_clock,
    make_world,
    user,
)


@pytest.fixture
def world(app, make_user, monkeypatch):
    monkeypatch.setattr(scorecard_service, "survey_inputs", lambda _s, _r: dict(SURVEY_INPUTS))
    return make_world(app, make_user)


def _post(client, world, action: str, data: dict | None = None):
    return client.post(f"/rounds/{world.round_id}/{action}", data=data or {})


def test_consolidation_waits_for_every_criterion(client, login, world):
    login("vhxh")
    response = _post(client, world, "consolidate")
    assert response.status_code == 409
    assert "các mục chưa gửi" in response.get_data(as_text=True)


def test_skipped_and_repeated_steps_are_refused(app, client, login, world):
    enter_everything(app, world)
    login("hoidong1")
    skipped = _post(client, world, "approve")
    assert skipped.status_code == 409
    assert "Bước tiếp theo: “Tổng hợp số liệu”" in skipped.get_data(as_text=True)
    assert _post(client, world, "lock").status_code == 409
    client.post("/logout")
    login("vhxh")
    assert _post(client, world, "consolidate").status_code == 303
    again = _post(client, world, "consolidate")
    assert again.status_code == 409 and "Phê duyệt" in again.get_data(as_text=True)
    assert (
        _post(client, world, "post", {"post-start": "2024-11-28", "post-days": "7"}).status_code
        == 409
    )


def test_approval_needs_two_different_council_members(app, client, login, world):
    enter_everything(app, world)
    advance(app, world, "consolidated")
    login("hoidong1")
    assert _post(client, world, "approve").status_code == 303
    repeated = _post(client, world, "approve")
    assert repeated.status_code == 409
    assert "thành viên Hội đồng khác" in repeated.get_data(as_text=True)
    client.post("/logout")
    login("vhxh")  # the consolidator is not a council member
    assert _post(client, world, "approve").status_code == 403
    client.post("/logout")
    login("hoidong2")
    assert _post(client, world, "approve").status_code == 303
    with app.app_context():
        assert workflow.stage(get_session(), world.round_id) == "approved"


def test_full_workflow_to_the_decision_with_audit(app, client, login, world):
    enter_everything(app, world, PASSING_INPUTS)
    advance(app, world, "approved")
    login("vhxh")
    unconfirmed = _post(client, world, "lock")
    assert unconfirmed.status_code == 422 and "xác nhận" in unconfirmed.get_data(as_text=True)
    with lifecycle_clock(LOCKED_ON):  # the round's history is 2024's
        assert _post(client, world, "lock", {"lock-confirm": "y"}).status_code == 303
    page = client.get(f"/rounds/{world.round_id}").get_data(as_text=True)
    with app.app_context():
        lock = scorecard_service.active_lock(get_session(), world.round_id)
        assert lock is not None and lock.inputs_sha256 in page and lock.recognised
    bad = _post(client, world, "post", {"post-start": "2024-11-28", "post-days": "0"})
    assert bad.status_code == 422
    short = _post(client, world, "post", {"post-start": "2024-11-28", "post-days": "3"})
    assert short.status_code == 422 and "ít nhất 5 ngày" in short.get_data(as_text=True)
    assert (
        _post(client, world, "post", {"post-start": "2024-11-28", "post-days": "7"}).status_code
        == 303
    )
    send = {"send-sent_on": "2024-12-06", "send-letter": "12/TTr-UBND", "send-confirm": "y"}
    provisional = _post(client, world, "send", send)
    assert provisional.status_code == 409 and "tạm tính" in provisional.get_data(as_text=True)
    client.post("/logout")
    login("quantri")
    why = {"allow_provisional-reason": "Tỉnh hướng dẫn gửi trước, đối chiếu sau"}
    assert _post(client, world, "allow_provisional", why).status_code == 303
    client.post("/logout")
    login("vhxh")
    early = _post(client, world, "send", send | {"send-sent_on": "2024-11-30"})
    assert early.status_code == 422 and "05/12/2024" in early.get_data(as_text=True)
    assert _post(client, world, "send", send).status_code == 303
    decision = {
        "decide-number": "345/QĐ-UBND",
        "decide-date": "2024-12-20",
        "decide-authority": "Chủ tịch UBND thành phố",
        "decide-result": "yes",
        "decide-confirm": "y",
    }
    assert _post(client, world, "decide", decision).status_code == 303
    assert _post(client, world, "decide", decision).status_code == 409
    with app.app_context():
        session = get_session()
        flow = workflow.workflow(session, world.round_id)
        assert flow.stage == "decided" and flow.decision_recognised is True
        assert flow.provisional_override_reason == why["allow_provisional-reason"]
        actions = [r.action for r in audit.history(session, "round", world.round_id)]
        assert actions == [
            "round.consolidate",
            "round.approve",
            "round.approve",
            "round.lock",
            "round.post",
            "round.allow_provisional",
            "round.send",
            "round.decide",
        ]
    history = client.get(f"/audit/history?entity=round&id={world.round_id}")
    assert history.status_code == 200 and "345/QĐ-UBND" in history.get_data(as_text=True)


def test_reopen_needs_a_reason_and_deactivates_the_lock(app, client, login, world):
    enter_everything(app, world)
    advance(app, world, "locked")
    login("vhxh")
    assert _post(client, world, "reopen", {"reopen-reason": ""}).status_code == 422
    reason = "Trạm Y tế báo sai số trẻ tiêm chủng"
    assert _post(client, world, "reopen", {"reopen-reason": reason}).status_code == 303
    assert _post(client, world, "reopen", {"reopen-reason": reason}).status_code == 409
    with app.app_context():
        session = get_session()
        assert workflow.stage(session, world.round_id) == "entering"
        assert scorecard_service.active_lock(session, world.round_id) is None
        last = audit.history(session, "round", world.round_id)[-1]
        assert last.action == "round.reopen" and last.reason == reason
        flow = workflow.workflow(session, world.round_id)
        assert flow.first_approved_by_id is None and flow.second_approved_by_id is None
    # entry is open again
    edit = client.post(
        f"/rounds/{world.round_id}/criteria/c7",
        data={"v_c7__fully_immunised": "57", "reason": reason},
    )
    assert edit.status_code == 303


def test_entry_is_closed_after_consolidation(app, client, login, world):
    enter_everything(app, world)
    advance(app, world, "consolidated")
    login("yte")
    response = client.post(f"/rounds/{world.round_id}/criteria/c7", data={"v_c7__under1": "1"})
    assert response.status_code == 409
    assert "mở lại" in response.get_data(as_text=True)


def test_lock_refuses_missing_survey_figures(app, world, monkeypatch):
    monkeypatch.setattr(scorecard_service, "survey_inputs", lambda _s, _r: None)
    enter_everything(app, world)
    advance(app, world, "approved")
    with app.app_context():
        session = get_session()
        round_ = session.get(AssessmentRound, world.round_id)
        with pytest.raises(WorkspaceError) as refused, write_transaction(session) as tx:
            rounds.lock_round(tx, round_, actor=user(session, world, "vhxh"))
        assert refused.value.status == 409 and "c13.child_valid" in str(refused.value)


def test_a_failed_step_writes_nothing(app, world):
    enter_everything(app, world)
    advance(app, world, "posted")
    with app.app_context():
        session = get_session()
        round_ = session.get(AssessmentRound, world.round_id)
        before = len(audit.history(session, "round", round_.id))
        with pytest.raises(WorkspaceError), write_transaction(session) as tx:
            rounds.send_to_authority(
                tx,
                round_,
                sent_on=dt.date(2024, 11, 29),
                letter_number="1",
                actor=user(session, world, "vhxh"),
            )
        assert workflow.stage(session, round_.id) == "posted"
        assert len(audit.history(session, "round", round_.id)) == before


@pytest.mark.parametrize(("suffix", "magic"), [("dossier.pdf", b"%PDF"), ("scores.xlsx", b"PK")])
def test_dossier_downloads(app, client, login, world, suffix, magic):
    pytest.importorskip("survey_app.dossier.pdf")
    login("vhxh")
    early = client.get(f"/rounds/{world.round_id}/{suffix}")
    assert early.status_code == 409
    enter_everything(app, world)
    advance(app, world, "locked")
    response = client.get(f"/rounds/{world.round_id}/{suffix}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.data.startswith(magic)
    client.post("/logout")
    login("yte")
    assert client.get(f"/rounds/{world.round_id}/{suffix}").status_code == 403


def test_dossier_pdf_carries_the_total_and_verdict(app, client, login, world):
    pytest.importorskip("survey_app.dossier.pdf")
    pypdf = pytest.importorskip("pypdf")
    import io

    enter_everything(app, world)
    advance(app, world, "locked")
    login("vhxh")
    response = client.get(f"/rounds/{world.round_id}/dossier.pdf")
    with app.app_context():
        lock = scorecard_service.active_lock(get_session(), world.round_id)
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.data)).pages)
    assert str(lock.total) in text
    assert lock.inputs_sha256[:16] in text.replace("\n", "")


def test_tampered_value_after_lock_is_caught(app, world):
    enter_everything(app, world)
    advance(app, world, "locked")
    with app.app_context():
        session = get_session()
        round_ = session.get(AssessmentRound, world.round_id)
        assert workflow.verify_locked(session, round_).ok
        with write_transaction(session) as tx:
            row = tx.query(CriterionValue).filter_by(round_id=round_.id, key="c7.under1").one()
            row.value = 40
        outcome = workflow.verify_locked(session, round_)
        assert not outcome.ok and any("c7.under1" in p for p in outcome.problems)


def test_workflow_buttons_carry_csrf(app, client, login, world):
    import re

    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "vhxh", "password": _pw(), "csrf_token": token})
    page = client.get(f"/rounds/{world.round_id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert _post(client, world, "consolidate").status_code == 400  # no token
    assert _post(client, world, "consolidate", {"csrf_token": token}).status_code == 409


def test_another_wards_staff_are_refused(app, client, login, world, make_user):
    from survey_app.models import Ward

    with app.app_context(), write_transaction(get_session()) as session:
        other = Ward(code="other-ward", name="Phường Khác", locality_type="other")
        session.add(other)
        session.flush()
        other_id = other.id
    make_user("vhxh2", role="vhxh", ward_id=other_id)
    login("vhxh2")
    for path in ("", "/criteria", "/criteria/c1", "/scorecard"):
        assert client.get(f"/rounds/{world.round_id}{path}").status_code == 404  # as if unknown
    assert client.get(f"/audit/history?entity=round&id={world.round_id}").status_code == 404
    assert client.get("/rounds/999999").status_code == 404


def _pw() -> str:
    from tests.conftest import TEST_PASSWORD

    return TEST_PASSWORD


def test_once_the_council_list_links_accounts_only_those_accounts_approve(app, world):
    enter_everything(app, world)
    with app.app_context():
        session = get_session()
        round_ = session.get(AssessmentRound, world.round_id)
        with write_transaction(session) as tx:
            rounds.consolidate_round(tx, round_, actor=user(session, world, "vhxh"))
        council.add_member(
            session,
            world.ward_id,
            actor=None,
            name="Vũ Văn Trung",
            position="Phó Chủ tịch UBND phường",
            council_role="chair",
            user_id=world.users["hoidong1"],
        )
        with pytest.raises(WorkspaceError) as refused, write_transaction(session) as tx:
            rounds.approve_round(tx, round_, actor=user(session, world, "hoidong2"))
        assert refused.value.status == 403 and "danh sách Hội đồng" in str(refused.value)
        assert workflow.workflow(session, round_.id).first_approved_by_id is None  # not stored
        with write_transaction(session) as tx:
            rounds.approve_round(tx, round_, actor=user(session, world, "hoidong1"))
        council.add_member(
            session,
            world.ward_id,
            actor=None,
            name="Lê Thị Mai",
            position="Trưởng Trạm Y tế",
            user_id=world.users["hoidong2"],
        )
        with write_transaction(session) as tx:
            rounds.approve_round(tx, round_, actor=user(session, world, "hoidong2"))
        assert workflow.stage(session, round_.id) == "approved"
