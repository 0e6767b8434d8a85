"""The rule-file format: the shipped versions (qd06-2019, its correction r2, the default) and
one bad file per kind of error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessment import ruleset
from assessment.bands import Band
from assessment.ruleset import (
    RuleSetError,
    available_versions,
    default_rules,
    default_version,
    load_rules,
    load_rules_file,
)
from assessment.ruletypes import LOCALITY_TYPES, RATE_FACTORS, RATE_UNITS, Text
from assessment.survey.formula import SurveyFormula

BAD_RULES = Path(__file__).parent / "bad_rules"
PROVISIONAL_NOTE = "check against Decision 06/QĐ-TTg, Art. 2(2)"


@pytest.fixture(scope="module")
def rules():
    return load_rules("qd06-2019")


def _indicator(rules, criterion_id, indicator_id):
    return next(i for i in rules.criterion(criterion_id).indicators if i.id == indicator_id)


# A released rule file is never edited (stored scores refer to it by version): a correction is a
# new file with a new version. This pin fails when someone edits a released file in place.
RELEASED = {
    "qd06-2019": "0385a7363a47a42752a7ad86b18bc2255b51191b9fd4a4413fb79cdf5866bb04",
    "qd06-2019-r2": "2b9f78365b30d272ba9e1a0b98c98ecb69bbc0c029275d05897b36ed3d0f4abb",
}


@pytest.mark.parametrize("version", sorted(RELEASED))
def test_released_rule_files_are_never_edited(version):
    assert load_rules(version).sha256 == RELEASED[version]


def test_shipped_versions_are_listed_and_the_default_loads():
    assert set(RELEASED) <= set(available_versions())
    assert load_rules().version in available_versions()


def test_loading_by_version_or_by_path_gives_the_same_rules(rules):
    by_path = load_rules(Path(rules.source_path))
    assert by_path.sha256 == rules.sha256
    assert by_path.criteria == rules.criteria


def test_unknown_version_names_the_available_ones():
    with pytest.raises(RuleSetError, match=r"unknown rule version.*qd06-2019"):
        load_rules("qd06-2030")


def test_shipped_rules_have_thirteen_criteria_summing_to_the_total(rules):
    assert [c.id for c in rules.criteria] == [f"c{n}" for n in range(1, 14)]
    assert rules.total == 1000
    assert sum(c.max_points for c in rules.criteria) == rules.total
    for c in rules.criteria:
        assert sum(i.max_points for i in c.indicators) == c.max_points


def test_provisional_allocation(rules):
    maxima = {c.id: c.max_points for c in rules.criteria}
    assert maxima == {
        "c1": 100, "c2": 50, "c3": 100, "c4": 75, "c5": 100, "c6": 125, "c7": 50,
        "c8": 50, "c9": 50, "c10": 100, "c11": 50, "c12": 50, "c13": 100,
    }  # fmt: skip
    # Only criterion 1's maximum is stated as confirmed; the others are provisional.
    assert {c.id for c in rules.criteria if c.provenance.verified} == {"c1"}


def test_thresholds_are_confirmed(rules):
    thresholds = {loc.id: loc.threshold for loc in rules.localities}
    assert thresholds == {"central-city-ward": 900, "mountain-island-difficult": 800, "other": 850}
    assert all(loc.provenance.verified and loc.provenance.source for loc in rules.localities)
    assert {loc.id for loc in rules.localities} == set(LOCALITY_TYPES)
    assert rules.recognition.no_zero_criterion and rules.recognition.provenance.verified


def test_criterion_1_confirmed_items(rules):
    points = {i.id: (i.max_points, i.provenance.verified) for i in rules.criterion("c1").indicators}
    assert points == {
        "person_assigned": (50, True),
        "collaborators": (15, True),
        "board": (15, True),
        "funding": (20, False),  # inferred from the total, not read in the text
    }
    assert "inferred" in _indicator(rules, "c1", "funding").provenance.note


def test_criterion_6_and_7_confirmed_top_bands(rules):
    supported = _indicator(rules, "c6", "special_supported")
    assert supported.bands[0].band == Band(95, 50) and supported.bands[0].provenance.verified
    assert not any(row.provenance.verified for row in supported.bands[1:])
    plans = _indicator(rules, "c6", "plans_in_time")
    assert [r.band for r in plans.bands] == [Band(100, 75)] and plans.bands[0].provenance.verified
    immunised = _indicator(rules, "c7", "fully_immunised")
    assert immunised.bands[0].band == Band(98, 50) and immunised.bands[0].provenance.verified


def test_zero_triggers_on_criteria_3_and_5(rules):
    assert [t.count for t in rules.criterion("c3").zero_triggers] == ["c3.serious_cases"]
    assert [t.count for t in rules.criterion("c5").zero_triggers] == ["c5.accident_deaths"]


def test_units_and_owners(rules):
    names = {u.id: u.name.vi for u in rules.units}
    assert names == {
        "vhxh": "Công chức Văn hóa - Xã hội",
        "tuphap": "Công chức Tư pháp - Hộ tịch",
        "congan": "Công an phường",
        "yte": "Trạm Y tế phường",
        "truonghoc": "Các trường học",
        "doan": "Đoàn Thanh niên phường",
    }
    owners = {c.id: c.unit for c in rules.criteria}
    assert owners["c2"] == "tuphap" and owners["c3"] == owners["c4"] == "congan"
    assert owners["c7"] == owners["c8"] == owners["c9"] == "yte"
    assert owners["c10"] == "truonghoc" and owners["c11"] == "doan"


def test_criterion_13_formula_is_parsed_into_a_survey_formula(rules):
    assert rules.survey == SurveyFormula(
        satisfied_values=(4, 5),
        dont_know_value=0,
        audiences=("child", "resident"),
        combine="mean",
        overall_question="overall",
        bands=(Band(90, 100), Band(80, 75), Band(70, 50), Band(50, 25)),
    )
    assert not rules.survey_provenance.verified
    assert not any(r.provenance.verified for r in rules.survey_bands)


def test_the_base_of_the_bad_files_is_valid():
    assert load_rules_file(BAD_RULES / "_valid.toml").version == "mini"


BAD_FILES = sorted(p for p in BAD_RULES.glob("*.toml") if not p.name.startswith("_"))


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_each_bad_rule_file_is_rejected_with_its_row_and_message(path):
    header = path.read_text(encoding="utf-8")
    row = re.search(r"^# expect-row: (.+)$", header, re.M).group(1)
    message = re.search(r"^# expect: (.+)$", header, re.M).group(1)
    with pytest.raises(RuleSetError) as caught:
        load_rules(path)
    errors = caught.value.errors
    assert any(e.path == row and message in e.message for e in errors), errors
    assert all(e.file == str(path) for e in errors)
    assert str(path) in str(caught.value)


def test_all_errors_are_collected_not_just_the_first(tmp_path):
    text = (BAD_RULES / "_valid.toml").read_text(encoding="utf-8")
    text = text.replace("total = 100", "total = 95").replace('scale = "yes_no"', 'scale = "flag"')
    text = text.replace(', en = "Test criterion one" }', " }")
    bad = tmp_path / "several.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(RuleSetError) as caught:
        load_rules(bad)
    messages = " | ".join(str(e) for e in caught.value.errors)
    assert "unknown scale kind 'flag'" in messages
    assert "missing translation 'en'" in messages
    assert "meta.total is 95" in messages


def test_unreadable_file_is_a_rule_error(tmp_path):
    with pytest.raises(RuleSetError, match="cannot read file"):
        load_rules(tmp_path / "absent.toml")


# ---- qd06-2019-r2: the corrections published sources confirm --------------------------------

PRESS_SOURCES = ("cuuchienbinh.vn", "baothaibinh.com.vn")


@pytest.fixture(scope="module")
def r2():
    return load_rules("qd06-2019-r2")


def test_r2_is_the_default_version_for_new_rounds(r2):
    assert default_version() == "qd06-2019-r2"
    assert load_rules().version == default_rules().version == "qd06-2019-r2"
    assert r2.supersedes == "qd06-2019"
    assert load_rules("qd06-2019").supersedes is None


def test_r2_keeps_the_total_the_allocation_and_every_input_key(rules, r2):
    assert r2.total == sum(c.max_points for c in r2.criteria) == 1000
    for old, new in zip(rules.criteria, r2.criteria, strict=True):
        assert (new.id, new.max_points, new.unit) == (old.id, old.max_points, old.unit)
        assert [(i.id, i.max_points) for i in new.indicators] == [
            (i.id, i.max_points) for i in old.indicators
        ]
    # Stored inputs and entry forms carry over from one version to the other.
    assert [(s.key, s.type) for s in r2.inputs] == [(s.key, s.type) for s in rules.inputs]
    assert [(loc.id, loc.threshold) for loc in r2.localities] == [
        (loc.id, loc.threshold) for loc in rules.localities
    ]


def test_r2_confirms_the_maxima_of_criteria_6_and_7(r2):
    assert {c.id for c in r2.criteria if c.provenance.verified} == {"c1", "c6", "c7"}
    c6, c7 = r2.criterion("c6"), r2.criterion("c7")
    assert (c6.max_points, c7.max_points) == (125, 50)
    assert [(i.id, i.max_points) for i in c6.indicators] == [
        ("special_supported", 50),
        ("plans_in_time", 75),
    ]
    for row in (c6.provenance, c7.provenance, *(i.provenance for i in c6.indicators)):
        assert row.verified and all(site in row.source for site in PRESS_SOURCES)
    immunised = _indicator(r2, "c7", "fully_immunised")
    assert immunised.bands[0].band == Band(98, 50) and immunised.bands[0].provenance.verified


def test_r2_lower_bands_of_criteria_6_and_7_stay_provisional_with_a_note(r2):
    for cid, iid, top in (("c6", "special_supported", "95%"), ("c7", "fully_immunised", "98%")):
        lower = _indicator(r2, cid, iid).bands[1:]
        assert lower and not any(row.provenance.verified for row in lower)
        assert all(f"only the top band (>= {top}" in row.provenance.note for row in lower)


def test_r2_wording_from_the_regulations_table(r2):
    board = _indicator(r2, "c1", "board")
    assert board.label.vi == (
        "Có ban BVTE hoặc nhóm chuyên trách BVTE cấp xã thực hiện tốt chế độ giao ban, "
        "đánh giá định kỳ hằng tháng, quý, năm"
    )
    assert "vitreem.baodansinh.vn, 22/11/2021" in board.provenance.source
    plans = _indicator(r2, "c6", "plans_in_time")
    assert plans.label.vi == (
        "Tỷ lệ vụ việc trẻ em bị xâm hại tình dục, bỏ rơi, mua bán được Chủ tịch Ủy ban nhân dân "
        "cấp xã phê duyệt kế hoạch can thiệp, hỗ trợ kịp thời"
    )
    assert plans.label.en.endswith("approved an intervention and support plan in time")


def test_r2_official_criterion_names(r2):
    names = {c.id: c.name.vi for c in r2.criteria}
    assert names["c7"] == (
        "Trẻ em dưới 1 tuổi được tiêm chủng đầy đủ các loại vắc xin thuộc chương trình "
        "tiêm chủng mở rộng"
    )
    assert names["c8"] == "Trẻ em dưới 5 tuổi bị suy dinh dưỡng thể nhẹ cân và thể thấp còi"
    assert names["c12"] == (
        "Hoạt động vui chơi, giải trí, văn hóa, thể dục, thể thao dành cho trẻ em"
    )
    english = {c.id: c.name.en for c in r2.criteria}
    assert "expanded programme on immunisation" in english["c7"]
    assert "underweight" in english["c8"] and "stunting" in english["c8"]
    assert "physical-education and sports" in english["c12"]


def test_r2_states_the_injury_rate_per_100000_children_and_keeps_it_provisional(rules, r2):
    new, old = _indicator(r2, "c5", "injury_rate"), _indicator(rules, "c5", "injury_rate")
    assert (old.scale, new.scale) == ("per_1000", "per_100000")
    assert "100.000" in new.label.vi and "100,000" in new.label.en
    assert not new.provenance.verified and "100,000" in new.provenance.note
    # The same provisional bands, restated: 2 per 1,000 is 200 per 100,000.
    assert [(b.bound * 100, b.points) for b in old.plain_bands] == [
        (b.bound, b.points) for b in new.plain_bands
    ]


def test_r2_holds_the_minimum_posting_period_as_provisional_data(r2):
    assert r2.posting_min_days == 5
    assert r2.procedure is not None and r2.procedure.path == "procedure"
    assert not r2.procedure.provenance.verified
    assert "not confirmed in the official text" in r2.procedure.provenance.note


def test_a_version_without_a_procedure_section_states_no_posting_period(rules):
    # Rules are data: the code supplies no default; the app decides what an absent period means.
    assert rules.procedure is None and rules.posting_min_days is None


def test_a_valid_procedure_section_is_parsed(tmp_path):
    text = (BAD_RULES / "_valid.toml").read_text(encoding="utf-8")
    text += '\n[procedure]\nposting_min_days = 7\nverified = true\nsource = "tests"\n'
    path = tmp_path / "with_procedure.toml"
    path.write_text(text, encoding="utf-8")
    rules = load_rules_file(path)
    assert rules.posting_min_days == 7 and rules.procedure.provenance.verified
    assert load_rules_file(BAD_RULES / "_valid.toml").procedure is None


@pytest.mark.parametrize("version", ["qd06-2019", "qd06-2019-r2"])
def test_every_shipped_version_labels_each_provisional_row(version):
    loaded = load_rules(version)
    rows = [loaded.provenance, loaded.survey_provenance]
    rows += [r.provenance for r in loaded.survey_bands]
    rows += [loaded.procedure.provenance] if loaded.procedure else []
    for c in loaded.criteria:
        rows += [c.provenance] + [t.provenance for t in c.zero_triggers]
        for i in c.indicators:
            rows += [i.provenance] + [b.provenance for b in i.bands]
    assert all(p.source for p in rows)
    assert all(PROVISIONAL_NOTE in p.note for p in rows if not p.verified)


def test_every_rate_scale_has_a_unit_to_print():
    assert set(RATE_UNITS) == set(RATE_FACTORS)
    assert RATE_UNITS["per_100000"] == Text("/100.000", "/100,000")


# ---- default_version(): which shipped version new rounds use -------------------------------


def _shipped(tmp_path, monkeypatch, versions: dict[str, tuple[str, str | None]]):
    """Ship test rule files: version -> (effective date, version it supersedes or None)."""
    base = (BAD_RULES / "_valid.toml").read_text(encoding="utf-8")
    for version, (effective, supersedes) in versions.items():
        meta = f'version = "{version}"\n'
        meta += f'supersedes = "{supersedes}"\n' if supersedes else ""
        text = base.replace('version = "mini"\n', meta).replace("2024-01-01", effective)
        (tmp_path / f"{version}.toml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(ruleset, "RULES_DIR", tmp_path)
    ruleset._load_version.cache_clear()  # the cache is keyed by version name only


@pytest.fixture
def shipped(tmp_path, monkeypatch):
    yield lambda versions: _shipped(tmp_path, monkeypatch, versions)
    ruleset._load_version.cache_clear()


def test_a_correction_is_the_default_even_with_an_older_effective_date(shipped):
    shipped({"std-a": ("2024-06-01", None), "std-a-r2": ("2024-01-01", "std-a")})
    assert default_version() == "std-a-r2"


def test_among_current_versions_the_latest_effective_date_wins(shipped):
    shipped({"old": ("2019-01-03", None), "new": ("2025-07-01", None)})
    assert default_version() == "new"


def test_a_shipped_file_cannot_supersede_an_unknown_version(shipped):
    shipped({"std-b": ("2024-01-01", "std-x")})
    with pytest.raises(RuleSetError) as caught:
        default_version()
    (error,) = caught.value.errors
    assert error.file.endswith("std-b.toml") and error.path == "meta.supersedes"
    assert "unknown rule version 'std-x'" in error.message
