"""`cfw rules` and `cfw score`: exit codes 0/1/2, JSON keys, Vietnamese names in tables."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from assessment import default_version
from survey_app.commands.rules import rules
from survey_app.commands.score import score

ROOT = Path(__file__).parents[3]
EXAMPLE = ROOT / "examples" / "dinh-ke-2024.json"
BAD_RULES = ROOT / "tests" / "assessment" / "bad_rules"
PERFECT = ROOT / "tests" / "assessment" / "cases" / "perfect_ward.json"


@pytest.fixture
def runner():
    return CliRunner()


def _write(tmp_path: Path, doc) -> str:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_rules_list(runner):
    result = runner.invoke(rules, ["list"])
    assert result.exit_code == 0
    assert "qd06-2019" in result.output


def test_rules_show_table_has_vietnamese_names(runner):
    result = runner.invoke(rules, ["show", "qd06-2019"])
    assert result.exit_code == 0, result.output
    assert "Trẻ em được khai sinh đúng quy định" in result.output
    assert "≥95→50" in result.output and "≥90→35*" in result.output


def test_rules_show_json(runner):
    result = runner.invoke(rules, ["show", "--format", "json"])
    data = json.loads(result.output)
    assert data["version"] == default_version() == "qd06-2019-r2" and len(data["criteria"]) == 13
    assert data["survey"]["audiences"] == ["child", "resident"]


def test_rules_check_ok_and_bad(runner):
    ok = runner.invoke(rules, ["check", str(ROOT / "assessment" / "rules" / "qd06-2019.toml")])
    assert ok.exit_code == 0 and ok.output.startswith("OK: qd06-2019")
    bad = runner.invoke(rules, ["check", str(BAD_RULES / "unknown_locality.toml")])
    assert bad.exit_code == 1
    assert "localities.urban-ward: unknown locality 'urban-ward'" in bad.output
    assert "no threshold for locality 'central-city-ward'" in bad.output


def test_rules_show_of_a_bad_file_exits_1(runner):
    result = runner.invoke(rules, ["show", str(BAD_RULES / "bands_overlapping.toml")])
    assert result.exit_code == 1 and "overlaps band 0" in result.output


def test_template_lists_every_input_and_scores_once_filled(runner, tmp_path):
    result = runner.invoke(rules, ["template"])
    assert result.exit_code == 0
    template = json.loads(result.output)
    assert template["inputs"]["c2"] == {"births": None, "registered_on_time": None}
    guide = template["_guide"]["c2"]
    assert guide["name"]["vi"] == "Trẻ em được khai sinh đúng quy định"
    assert guide["inputs"]["births"]["range"] == [0, 100000]
    assert guide["unit"]["vi"] == "Công chức Tư pháp - Hộ tịch"
    perfect = json.loads(PERFECT.read_text("utf-8"))
    for key, value in perfect.items():
        if not key.startswith("_"):
            group, name = key.split(".", 1)
            template["inputs"][group][name] = value
    template["locality"] = "other"
    scored = runner.invoke(score, [_write(tmp_path, template), "--format", "json"])
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.output)["total"] == 1000


def test_score_example_table(runner):
    result = runner.invoke(score, [str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "Trẻ em được khai sinh đúng quy định" in result.output
    assert "CHƯA ĐẠT / NOT RECOGNISED" in result.output
    assert "Thêm 3 trẻ em được đăng ký khai sinh đúng hạn: +20 điểm" in result.output


def test_score_example_json_keys(runner):
    result = runner.invoke(score, [str(EXAMPLE), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    required = {"total", "max_total", "threshold", "recognised", "reasons", "provisional", "gaps"}
    assert required <= set(data)
    assert (data["total"], data["threshold"], data["recognised"]) == (785, 850, False)
    assert {"id", "points", "max_points", "verified", "indicators"} <= set(data["criteria"][0])
    assert data["reasons"][0]["code"] == "below_threshold"
    assert data["gaps"]["shortfall"] == 65 and data["gaps"]["steps"]


def test_locality_option_overrides_the_file(runner):
    result = runner.invoke(score, [str(EXAMPLE), "--locality", "mountain-island-difficult"])
    assert result.exit_code == 0
    assert "locality mountain-island-difficult" in result.output
    assert "còn thiếu 15 điểm" in result.output


def test_invalid_input_exits_2_listing_every_error(runner, tmp_path):
    doc = {"locality": "other", "inputs": {"c2.births": -1, "c11.forum_held": 1, "c2.birth": 3}}
    result = runner.invoke(score, [_write(tmp_path, doc)])
    assert result.exit_code == 2
    assert "c2.births: cannot be negative" in result.output
    assert "c11.forum_held: must be true (yes) or false (no)" in result.output
    assert "c2.birth: not an input" in result.output


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"inputs": {}}, "locality type missing"),
        ({"locality": "city", "inputs": {}}, "Unknown locality type: city"),
        ({"locality": "other", "inputs": {}, "extra": 1}, "unknown top-level key"),
    ],
)
def test_bad_documents_exit_2(runner, tmp_path, doc, expected):
    result = runner.invoke(score, [_write(tmp_path, doc)])
    assert result.exit_code == 2 and expected in result.output


def test_unreadable_json_exits_2(runner, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    result = runner.invoke(score, [str(path)])
    assert result.exit_code == 2 and "cannot read JSON" in result.output


def test_bad_rules_file_exits_1(runner):
    result = runner.invoke(score, [str(EXAMPLE), "--rules", str(BAD_RULES / "missing_source.toml")])
    assert result.exit_code == 1 and "missing 'source'" in result.output


def test_missing_inputs_still_score_with_exit_0(runner, tmp_path):
    result = runner.invoke(score, [_write(tmp_path, {"locality": "other", "inputs": {}})])
    assert result.exit_code == 0
    assert "chưa đủ số liệu" in result.output


def test_cli_commands_do_not_import_flask_or_sqlalchemy():
    code = (
        "import sys, survey_app.commands.rules, survey_app.commands.score\n"
        "print(','.join(sorted(n for n in sys.modules "
        "if n.split('.')[0] in {'flask', 'sqlalchemy', 'werkzeug'})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
