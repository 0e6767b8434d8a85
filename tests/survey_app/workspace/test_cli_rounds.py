"""`cfw score verify ROUND_ID` and `cfw rounds list`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from survey_app.cli import main
from survey_app.core.db import get_session, write_transaction
from survey_app.models import CriterionValue, LockedScore
from survey_app.workspace import scorecard as scorecard_service
from tests.survey_app.workspace_factories import (
    ROOT,
    SURVEY_INPUTS,
    advance,
    enter_everything,
    make_world,
)


@pytest.fixture
def locked(app, make_user, monkeypatch):
    monkeypatch.setattr(scorecard_service, "survey_inputs", lambda _s, _r: dict(SURVEY_INPUTS))
    world = make_world(app, make_user)
    enter_everything(app, world)
    advance(app, world, "locked")
    return world


def _lock(app, round_id: int) -> LockedScore:
    with app.app_context():
        return scorecard_service.active_lock(get_session(), round_id)


def test_locked_score_verifies(runner, locked):
    result = runner.invoke(main, ["score", "verify", str(locked.round_id)])
    assert result.exit_code == 0, result.output
    assert "verified" in result.output


def test_tampered_stored_input_is_detected(app, runner, locked):
    with app.app_context(), write_transaction(get_session()) as session:
        lock = scorecard_service.active_lock(session, locked.round_id)
        inputs = json.loads(lock.inputs_json)
        inputs["c7.fully_immunised"] = 58
        lock.inputs_json = json.dumps(inputs, sort_keys=True, separators=(",", ":"))
    result = runner.invoke(main, ["score", "verify", str(locked.round_id)])
    assert result.exit_code == 1
    assert "NOT verified" in result.output
    assert "inputs hash differs" in result.output and "c7.fully_immunised" in result.output


def test_tampered_total_is_detected(app, runner, locked):
    with app.app_context(), write_transaction(get_session()) as session:
        scorecard_service.active_lock(session, locked.round_id).total += 100
    result = runner.invoke(main, ["score", "verify", str(locked.round_id)])
    assert result.exit_code == 1 and "total differs" in result.output


def test_value_changed_in_the_database_after_locking_is_detected(app, runner, locked):
    with app.app_context(), write_transaction(get_session()) as session:
        row = (
            session.query(CriterionValue).filter_by(round_id=locked.round_id, key="c2.births").one()
        )
        row.value += 1
    result = runner.invoke(main, ["score", "verify", str(locked.round_id)])
    assert result.exit_code == 1 and "c2.births" in result.output


def test_unlocked_or_unknown_round_is_not_verified(app, runner, make_user):
    world = make_world(app, make_user)
    assert runner.invoke(main, ["score", "verify", str(world.round_id)]).exit_code == 1
    unknown = runner.invoke(main, ["score", "verify", "999"])
    assert unknown.exit_code == 1 and "not found" in unknown.output


def test_rounds_list(runner, locked):
    result = runner.invoke(main, ["rounds", "list"])
    assert result.exit_code == 0
    assert "Năm 2024" in result.output and "locked" in result.output


def test_score_file_still_works_through_the_group():
    example = str(ROOT / "examples" / "dinh-ke-2024.json")
    result = CliRunner().invoke(main, ["score", example, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "total" in json.loads(result.output)
