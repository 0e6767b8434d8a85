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
            "Dòng 3: tên để trống",
            "Dòng 4: Số trẻ em (children) phải là",
            "Dòng 5: tên 'Tổ 1' trùng dòng 2",
            "Dòng 5: Số dân (residents) phải là",
        ],
        id="every-row-error-listed",
    ),
    pytest.param(
        "name,children,residents\nTổ 1,-3,100\n", ["Dòng 2: Số trẻ em (children)"], id="negative"
    ),
    pytest.param(
        "name,children,residents\nTổ 1,1.380,100\n",
        ["Dòng 2: Số trẻ em (children)"],
        id="separator",
    ),
    pytest.param(
        "name,children,residents\nTổ 1,1000001,100\n",
        ["Dòng 2: Số trẻ em (children)"],
        id="too-big",
    ),
    pytest.param("Tổ 1,10,100\nTổ 2,5,50\n", ["Dòng 1: dòng tiêu đề phải là"], id="no-header"),
    pytest.param("name,children\nTổ 1,10\n", ["dòng tiêu đề phải là"], id="missing-column"),
    pytest.param(
        "name,children,residents\nTổ 1,10,100,7\n", ["Dòng 2: 4 giá trị"], id="extra-cell"
    ),
    pytest.param("name,children,residents\n", ["Không có tổ nào"], id="header-only"),
    pytest.param("", ["Tệp trống"], id="empty"),
    pytest.param("name,children,residents\n" + "T" * 201 + ",1,1\n", ["dài hơn 200"], id="long"),
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
    assert result.exit_code == 2 and "không phải văn bản UTF-8" in result.output
    assert counts(app) == before


def test_import_into_an_unknown_ward_exits_2(app, runner, tmp_path):
    before = counts(app)
    result = cfw(runner, "groups", "import", "nowhere", write_csv(tmp_path, groups_csv()))
    assert result.exit_code == 2 and "Không có phường mã 'nowhere'" in result.output
    assert counts(app) == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"dinh-ke": "Dinh Ke!"}, "dùng 2–64 chữ thường"),
        ({"dinh-ke": "x"}, "dùng 2–64 chữ thường"),
        ({"other": "urban"}, "Loại đơn vị 'urban' không có trong tệp quy tắc"),
        ({"Phường Dĩnh Kế": "  "}, "Tên: bắt buộc"),
        ({}, "Đã có phường mã"),  # the fixture created dinh-ke
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
        (
            ["--start", "2026-12-31", "--end", "2026-01-01"],
            "Ngày kết thúc (01/01/2026) trước ngày bắt đầu",
        ),
        (["--rules", "qd99-2030"], "Không có phiên bản quy tắc 'qd99-2030'"),
        (["--rules", "../../etc/x.toml"], "Không có phiên bản quy tắc"),
        (["--instrument", "c99"], "Không có bộ câu hỏi 'c99'"),
        (["--cap", "0"], "Giới hạn phải là số nguyên"),
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
    assert again.exit_code == 2 and "Phường đã có đợt đánh giá tên 'Năm 2026'" in again.output
    unknown = cfw(runner, "rounds", "create", "nowhere", *ROUND[3:])
    assert unknown.exit_code == 2 and "Không có phường mã 'nowhere'" in unknown.output
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
        "Dòng 1: Số trẻ em (children) phải là số nguyên từ 0 đến 1.000.000 (đang là 'True')"
    ]
    result = group_import.import_groups(
        db_session, "thu", [{"name": " Tổ  1 ", "children": 3, "residents": 5}]
    )
    assert [row.name for row in result.created] == ["Tổ 1"]
