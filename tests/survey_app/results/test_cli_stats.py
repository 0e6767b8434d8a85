"""`cfw stats`: the table and the JSON keys, suppression included."""

from __future__ import annotations

import json

from survey_app.cli import main
from tests.survey_app.stats_factories import fill, submit
from tests.survey_app.survey_factories import make_survey


def _setup(app):
    made = make_survey(app, groups=3, cap=500)
    fill(app, made.token_ids[0], "resident", [5, 4, 1])
    fill(app, made.token_ids[1], "resident", [5] * 7 + [2] * 3)
    fill(app, made.token_ids[2], "resident", [4] * 6 + [1] * 2)
    fill(app, made.token_ids[1], "child", [5] * 6 + [3] * 2)
    fill(app, made.token_ids[2], "child", [4] * 5 + [2] * 3)
    submit(app, made.token_ids[1], "child", 1, straight=True)
    return made


def test_json_keys_and_suppression(app, runner):
    made = _setup(app)
    result = runner.invoke(main, ["stats", "--round", str(made.round_id), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"round", "ward", "include_flagged", "groups", "audiences", "criterion13"}
    assert set(data["groups"][0]) == {
        "group_id",
        "group",
        "audience",
        "n",
        "target",
        "rate",
        "low",
        "high",
    }
    assert set(data["criterion13"]) >= {"unweighted", "weighted", "points", "bands", "settled"}
    small = next(
        g
        for g in data["groups"]
        if g["group_id"] == made.group_ids[0] and g["audience"] == "resident"
    )
    assert small["n"] == "<5" and small["rate"] == "<5" and small["low"] == "<5"
    assert "66.6" not in result.output
    probabilities = [b["probability"] for b in data["criterion13"]["bands"]]
    assert abs(sum(probabilities) - 1.0) < 1e-6


def test_include_flagged_changes_the_counts(app, runner):
    made = _setup(app)
    plain = json.loads(runner.invoke(main, ["stats", "--format", "json"]).output)
    flagged = json.loads(
        runner.invoke(main, ["stats", "--format", "json", "--include-flagged"]).output
    )
    child = next(a for a in plain["audiences"] if a["audience"] == "child")
    child_all = next(a for a in flagged["audiences"] if a["audience"] == "child")
    assert (child["n"], child_all["n"]) == (16, 17)
    assert plain["round"]["id"] == made.round_id


def test_table_output_and_bad_round(app, runner):
    _setup(app)
    result = runner.invoke(main, ["stats"])
    assert result.exit_code == 0
    assert "Criterion 13 rate" in result.output and "<5" in result.output
    missing = runner.invoke(main, ["stats", "--round", "424242"])
    assert missing.exit_code != 0 and "No round" in missing.output
