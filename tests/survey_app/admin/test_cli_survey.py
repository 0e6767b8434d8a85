"""`cfw demo` and `cfw groups list`."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from assessment import default_version
from survey_app.commands.survey import demo, groups
from survey_app.core.db import get_session
from survey_app.models import AnswerCount, AssessmentRound, ResidentialGroup, Response, User, Ward


def test_demo_then_groups_list_json(app, runner):
    result = runner.invoke(demo, ["--answers", "40", "--seed", "7"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Phường Dĩnh Kế" in out
    assert "http://survey.test/q/" in out  # one group's survey URL
    assert "Staff sign-in: http://survey.test/login" in out
    for username in (
        "admin",
        "vhxh",
        "congan",
        "yte",
        "tuphap",
        "truonghoc",
        "doan",
        "hoidong",
        "hoidong2",
        "totruong1",
        "xem",
    ):
        assert f"  {username} " in out
    with app.app_context():
        session = get_session()
        ward = session.execute(select(Ward)).scalar_one()
        assert ward.locality_type == "other" and "Bắc Giang" in ward.recognising_authority
        assert session.execute(select(func.count(ResidentialGroup.id))).scalar() == 12
        round_ = session.execute(select(AssessmentRound)).scalar_one()
        assert (round_.rule_version, round_.instrument_version) == (default_version(), "c13-2026.2")
        assert round_.status == "open"
        assert session.execute(select(func.count(Response.id))).scalar() == 40
        assert session.execute(select(func.sum(AnswerCount.n))).scalar() > 40 * 6
        users = {u.username: u for u in session.execute(select(User)).scalars()}
        assert users["totruong1"].group_id is not None and users["yte"].unit == "yte"
        assert not any(u.must_change_password for u in users.values())

    listed = runner.invoke(groups, ["list", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert len(rows) == 12
    assert all(r["survey_url"].startswith("http://survey.test/q/") for r in rows)
    assert sum(r["responses"]["child"] + r["responses"]["resident"] for r in rows) == 40
    assert all(r["token_status"] == "active" and r["cap"] >= 50 for r in rows)
    table = runner.invoke(groups, ["list"])
    assert "Tổ dân phố Mé" in table.output

    again = runner.invoke(demo, ["--if-new"])
    assert again.exit_code == 0 and "already exists" in again.output
    with app.app_context():
        assert get_session().execute(select(func.count(Ward.id))).scalar() == 1


def test_demo_is_reproducible_with_a_seed(app, runner):
    runner.invoke(demo, ["--answers", "15", "--seed", "3"])
    with app.app_context():
        first = sorted(get_session().execute(select(Response.submission_key)).scalars())
    assert len(first) == 15 and all(k.startswith("demo-") for k in first)


def test_groups_list_of_an_empty_database(runner):
    result = runner.invoke(groups, ["list"])
    assert result.exit_code == 0 and "No groups" in result.output
    assert json.loads(runner.invoke(groups, ["list", "--format", "json"]).output) == []
