"""Setting up a ward with bad input: every error exits 2, lists what to fix, writes nothing."""

from __future__ import annotations

import pytest

from tests.survey_app.setup_factories import (
    ROUND,
    WARD,
    cfw,
    counts,
    groups_csv,
    write_csv,
)

BAD_CSV = [
    pytest.param(
        "name,children,residents\nTổ 1,10,100\n,5,50\nTổ 3,-5,40\nTổ 1,1,x\n",
        [
            "row 3: name is empty",
            "row 4: children must be",
            "row 5: name 'Tổ 1' repeats row 2",
            "row 5: residents must be",
        ],
        id="every-row-error-listed",
    ),
    pytest.param("name,children,residents\nTổ 1,-3,100\n", ["row 2: children"], id="negative"),
    pytest.param("name,children,residents\nTổ 1,1.380,100\n", ["row 2: children"], id="separator"),
    pytest.param("name,children,residents\nTổ 1,1000001,100\n", ["row 2: children"], id="too-big"),
    pytest.param("Tổ 1,10,100\nTổ 2,5,50\n", ["line 1: the header must be"], id="no-header"),
    pytest.param("name,children\nTổ 1,10\n", ["the header must be"], id="missing-column"),
    pytest.param("name,children,residents\nTổ 1,10,100,7\n", ["row 2: 4 values"], id="extra-cell"),
    pytest.param("name,children,residents\n", ["no groups"], id="header-only"),
    pytest.param("", ["the file is empty"], id="empty"),
    pytest.param(
        "name,children,residents\n" + "T" * 201 + ",1,1\n", ["longer than 200"], id="long"
    ),
]


@pytest.mark.parametrize(("text", "messages"), BAD_CSV)
def test_a_bad_csv_exits_2_listing_every_row_and_writes_nothing(
    app, runner, ward, tmp_path, text, messages
):
    before = counts(app)
    result = cfw(runner, "groups", "import", ward, write_csv(tmp_path, text))
    assert result.exit_code == 2, result.output
    assert "nothing was written" in result.output and "Traceback" not in result.output
    for message in messages:
        assert message in result.output
    assert counts(app) == before


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("name,children,residents\nTổ dân phố Mé,1,2\n", "utf-16"),  # Excel "Unicode Text"
        ("name,children,residents\nTo Mé,1,2\n", "latin-1"),
    ],
)
def test_a_non_utf8_file_exits_2(app, runner, ward, tmp_path, text, encoding):
    path = tmp_path / "groups.csv"
    path.write_bytes(text.encode(encoding))
    before = counts(app)
    result = cfw(runner, "groups", "import", ward, str(path))
    assert result.exit_code == 2 and "not UTF-8" in result.output
    assert counts(app) == before


def test_import_into_an_unknown_ward_exits_2(app, runner, tmp_path):
    before = counts(app)
    result = cfw(runner, "groups", "import", "nowhere", write_csv(tmp_path, groups_csv()))
    assert result.exit_code == 2 and "no ward with code 'nowhere'" in result.output
    assert counts(app) == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"dinh-ke": "Dinh Ke!"}, "use 2-64 lowercase"),
        ({"dinh-ke": "x"}, "use 2-64 lowercase"),
        ({"other": "urban"}, "locality type 'urban' is not in the rule file"),
        ({"Phường Dĩnh Kế": "  "}, "name: required"),
        ({}, "already exists"),  # the fixture created dinh-ke
    ],
)
def test_a_bad_ward_exits_2_and_writes_nothing(app, runner, ward, change, message):
    before = counts(app)
    result = cfw(runner, *[change.get(arg, arg) for arg in WARD])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert counts(app) == before


def test_every_locality_of_the_rule_file_is_accepted(app, runner):
    from assessment import load_rules

    for n, locality in enumerate(load_rules().localities):
        args = ["ward", "create", f"ward-{n}", "--name", f"Phường {n}"]
        assert cfw(runner, *args, "--locality-type", locality.id).exit_code == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--start", "2026-12-31", "--end", "2026-01-01"], "ends (2026-01-01) before it starts"),
        (["--rules", "qd99-2030"], "unknown rule version 'qd99-2030'"),
        (["--rules", "../../etc/x.toml"], "unknown rule version"),
        (["--instrument", "c99"], "unknown instrument version 'c99'"),
        (["--cap", "0"], "cap must be"),
    ],
)
def test_a_bad_round_exits_2_and_writes_nothing(app, runner, ward_with_groups, extra, message):
    before = counts(app)
    result = cfw(runner, *ROUND, *extra)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert counts(app) == before


def test_round_names_are_unique_per_ward_and_bad_dates_are_usage_errors(
    app, runner, ward_with_groups
):
    assert cfw(runner, *ROUND).exit_code == 0
    before = counts(app)
    again = cfw(runner, *ROUND)
    assert again.exit_code == 2 and "already has a round named 'Năm 2026'" in again.output
    unknown = cfw(runner, "rounds", "create", "nowhere", *ROUND[3:])
    assert unknown.exit_code == 2 and "no ward with code 'nowhere'" in unknown.output
    bad_date = cfw(runner, *ROUND[:5], "--start", "2026-02-30", "--end", "2026-12-31")
    assert bad_date.exit_code == 2
    assert counts(app) == before


def test_service_validates_rows_given_as_python_values(app, db_session):
    from survey_app.admin import group_import, setup

    setup.create_ward(db_session, code="thu", name="Phường Thử", locality_type="other")
    with pytest.raises(setup.SetupError) as caught:
        rows = [{"name": "Tổ 1", "children": True, "residents": 5}]
        group_import.import_groups(db_session, "thu", rows)
    assert caught.value.errors == [
        "row 1: children must be a whole number from 0 to 1,000,000 (got 'True')"
    ]
    result = group_import.import_groups(
        db_session, "thu", [{"name": " Tổ  1 ", "children": 3, "residents": 5}]
    )
    assert [row.name for row in result.created] == ["Tổ 1"]
