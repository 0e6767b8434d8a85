"""Setting up a real ward from the command line: `cfw ward`, `cfw groups import`, `cfw rounds`."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import func, select

from survey_app.cli import main
from survey_app.db import get_session
from survey_app.demo import poster_cap
from survey_app.models import AssessmentRound, AuditEntry, PosterToken, ResidentialGroup, Ward

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "groups-dinh-ke.csv"
WARD = [
    "ward",
    "create",
    "dinh-ke",
    "--name",
    "Phường Dĩnh Kế",
    "--province",
    "Bắc Giang",
    "--locality-type",
    "other",
    "--basis",
    "Phường thuộc thành phố trực thuộc tỉnh",
    "--authority",
    "Chủ tịch UBND tỉnh Bắc Giang",
]
ROUND = ["rounds", "create", "dinh-ke", "--name", "Năm 2026"]
ROUND += ["--start", "2026-01-01", "--end", "2026-12-31"]
GROUPS = [("Tổ dân phố Mé", 142, 1380), ("Tổ dân phố Đồng Quan", 96, 930), ("Tổ Chi Ly 1", 0, 0)]
MODELS = (Ward, ResidentialGroup, AssessmentRound, PosterToken, AuditEntry)


def write_csv(tmp_path: Path, text: str, *, bom: bool = True, name: str = "groups.csv") -> str:
    """A CSV file as Excel's "CSV UTF-8" saves it (with a BOM, CRLF line ends)."""
    path = tmp_path / name
    data = text.replace("\n", "\r\n").encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return str(path)


def groups_csv(rows=GROUPS) -> str:
    return "name,children,residents\n" + "".join(f"{n},{c},{r}\n" for n, c, r in rows)


def counts(app) -> dict[str, int]:
    with app.app_context():
        session = get_session()
        return {m.__name__: session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(get_session().scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def cfw(runner, *args: str):
    return runner.invoke(main, list(args))


@pytest.fixture
def ward(runner):
    result = cfw(runner, *WARD)
    assert result.exit_code == 0, result.output
    return "dinh-ke"


@pytest.fixture
def ward_with_groups(runner, ward, tmp_path):
    result = cfw(runner, "groups", "import", ward, write_csv(tmp_path, groups_csv()))
    assert result.exit_code == 0, result.output
    return ward


def test_whole_path_ward_groups_round_and_survey_links(app, runner, tmp_path):
    created = cfw(runner, *WARD)
    assert created.exit_code == 0, created.output
    assert "Ward dinh-ke created" in created.output
    # The shipped example, saved by Excel: BOM, CRLF, diacritics.
    example = write_csv(tmp_path, EXAMPLE.read_text(encoding="utf-8"))
    imported = cfw(runner, "groups", "import", "dinh-ke", example)
    assert imported.exit_code == 0, imported.output
    assert "12 groups were added" in imported.output and "Tổ dân phố Đông Phú" in imported.output

    made = cfw(runner, *ROUND)
    assert made.exit_code == 0, made.output
    assert "12 poster token(s)" in made.output and "http://survey.test/q/" in made.output
    with app.app_context():
        session = get_session()
        ward = session.scalars(select(Ward)).one()
        assert (ward.name, ward.province, ward.locality_type) == (
            "Phường Dĩnh Kế",
            "Bắc Giang",
            "other",
        )
        round_ = session.scalars(select(AssessmentRound)).one()
        assert (round_.rule_version, round_.instrument_version, round_.status) == (
            "qd06-2019",
            "c13-2026.1",
            "open",
        )
        groups = ward.groups
        assert [g.position for g in groups] == list(range(1, 13))
        assert groups[0].name == "Tổ dân phố Mé" and (groups[0].children, groups[0].residents) == (
            142,
            1380,
        )
        for group in groups:
            (token,) = group.tokens
            assert token.round_id == round_.id
            assert token.cap == poster_cap(group.children, group.residents)

    listed = cfw(runner, "groups", "list", "--format", "json")
    rows = json.loads(listed.output)
    assert len(rows) == 12 and {r["group"] for r in rows} >= {"Tổ dân phố Quán Thành"}
    assert all(r["survey_url"].startswith("http://survey.test/q/") for r in rows)
    table = cfw(runner, "groups", "list")
    assert "Tổ dân phố Hòa Sơn" in table.output and "http://survey.test/q/" in table.output
    assert "Năm 2026" in cfw(runner, "rounds", "list").output
    assert "12 groups" in cfw(runner, "ward", "list").output

    actions = audit_actions(app)
    assert actions.count("ward.create") == 1
    assert actions.count("group.create") == 12
    assert actions.count("round.create") == 1 and actions.count("token.create") == 12
    with app.app_context():
        reasons = set(get_session().scalars(select(AuditEntry.reason)))
    assert all(reason.startswith("cli") for reason in reasons)


def test_a_given_cap_applies_to_every_poster(app, runner, ward_with_groups):
    result = cfw(runner, *ROUND, "--cap", "120")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert set(get_session().scalars(select(PosterToken.cap))) == {120}


def test_reimport_updates_populations_without_duplicating(app, runner, ward_with_groups, tmp_path):
    before = counts(app)
    # Same names, one changed population, spelled in NFD as a Mac may save them.
    rows = [("Tổ dân phố Mé", 150, 1400), *GROUPS[1:]]
    text = unicodedata.normalize("NFD", groups_csv(rows))
    dry = cfw(runner, "groups", "import", ward_with_groups, write_csv(tmp_path, text), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert (
        "1 updated" in dry.output
        and "142 → 150" in dry.output
        and "nothing was written" in dry.output
    )
    assert counts(app) == before

    again = cfw(runner, "groups", "import", ward_with_groups, write_csv(tmp_path, text))
    assert again.exit_code == 0, again.output
    assert "0 groups were added, 1 updated, 2 unchanged" in again.output
    after = counts(app)
    assert after["ResidentialGroup"] == before["ResidentialGroup"] == 3
    assert after["AuditEntry"] == before["AuditEntry"] + 1
    with app.app_context():
        session = get_session()
        group = session.scalars(
            select(ResidentialGroup).where(ResidentialGroup.position == 1)
        ).one()
        assert (group.name, group.children, group.residents) == ("Tổ dân phố Mé", 150, 1400)
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry.action == "group.update" and entry.entity_id == str(group.id)
        assert json.loads(entry.old)["children"] == 142 and json.loads(entry.new)["children"] == 150


def test_a_group_added_while_a_round_is_open_gets_a_poster(app, runner, ward_with_groups, tmp_path):
    assert cfw(runner, *ROUND).exit_code == 0
    rows = [*GROUPS, ("Tổ dân phố Tân Mỹ", 152, 1450)]
    result = cfw(
        runner, "groups", "import", ward_with_groups, write_csv(tmp_path, groups_csv(rows))
    )
    assert result.exit_code == 0, result.output
    assert "1 poster token(s) issued" in result.output
    with app.app_context():
        group = (
            get_session()
            .scalars(select(ResidentialGroup).order_by(ResidentialGroup.id.desc()))
            .first()
        )
        assert group.position == 4 and [t.cap for t in group.tokens] == [poster_cap(152, 1450)]


def test_excel_semicolon_csv_is_read(app, runner, ward, tmp_path):
    text = "name;children;residents\nTổ dân phố Hòa Bình;109;1030\n"
    result = cfw(runner, "groups", "import", ward, write_csv(tmp_path, text))
    assert result.exit_code == 0, result.output
    assert counts(app)["ResidentialGroup"] == 1


def test_ward_update_is_audited_with_old_new_and_reason(app, runner, ward):
    missing = cfw(runner, "ward", "update", ward, "--locality-type", "central-city-ward")
    assert missing.exit_code == 2  # --reason is required
    result = cfw(
        runner,
        "ward",
        "update",
        ward,
        "--locality-type",
        "central-city-ward",
        "--reason",
        "Theo Nghị quyết sắp xếp 2025",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        session = get_session()
        assert session.scalars(select(Ward.locality_type)).one() == "central-city-ward"
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "ward.update")).one()
        assert json.loads(entry.old)["locality_type"] == "other"
        assert json.loads(entry.new)["locality_type"] == "central-city-ward"
        assert entry.reason == "cli: Theo Nghị quyết sắp xếp 2025"
    before = counts(app)
    for args in (["--locality-type", "nowhere"], ["--name", "Phường X"]):
        bad = cfw(runner, "ward", "update", ward, *args, "--reason", "x")
        assert bad.exit_code == 2
    same = cfw(runner, "ward", "update", ward, "--province", "Bắc Giang", "--reason", "no change")
    assert same.exit_code == 2 and "nothing to change" in same.output
    assert counts(app) == before


def test_round_close_and_open_are_audited(app, runner, ward_with_groups):
    assert cfw(runner, *ROUND).exit_code == 0
    with app.app_context():
        round_id = get_session().scalars(select(AssessmentRound.id)).one()
    closed = cfw(runner, "rounds", "close", str(round_id), "--reason", "Hết đợt khảo sát")
    assert closed.exit_code == 0 and "is now closed" in closed.output
    twice = cfw(runner, "rounds", "close", str(round_id), "--reason", "Hết đợt khảo sát")
    assert twice.exit_code == 2 and "already closed" in twice.output
    reopened = cfw(runner, "rounds", "open", str(round_id), "--reason", "Gia hạn khảo sát")
    assert reopened.exit_code == 0, reopened.output
    assert cfw(runner, "rounds", "open", "999", "--reason", "Gia hạn khảo sát").exit_code == 2
    actions = audit_actions(app)
    assert actions[-2:] == ["round.close", "round.open"]
    with app.app_context():
        assert get_session().scalars(select(AssessmentRound.status)).one() == "open"


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
    from assessment.ruleset import load_rules

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
    from survey_app.services import group_import, setup

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


def test_ward_signatories_are_set_normalised_and_audited(app, runner, ward):
    decomposed = unicodedata.normalize("NFD", "Vũ Văn Trung")
    result = cfw(
        runner,
        "ward",
        "update",
        ward,
        "--parent-body",
        "  UBND THÀNH PHỐ BẮC GIANG ",
        "--chair-name",
        decomposed,
        "--chair-title",
        "Phó Chủ tịch UBND phường",
        "--signer-name",
        decomposed,
        "--signer-role",
        "vice",
        "--reason",
        "Theo Kế hoạch năm 2024",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        session = get_session()
        stored = session.scalars(select(Ward)).one()
        assert stored.parent_body == "UBND THÀNH PHỐ BẮC GIANG"
        assert stored.signer_name == stored.chair_name == "Vũ Văn Trung"  # NFC
        assert stored.signer_role == "vice"
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "ward.update")).one()
        old, new = json.loads(entry.old), json.loads(entry.new)
    assert old["signer_name"] == old["parent_body"] == "" and old["signer_role"] == "chair"
    assert new["signer_name"] == "Vũ Văn Trung" and new["signer_role"] == "vice"
    assert new["chair_title"] == "Phó Chủ tịch UBND phường"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--signer-role", "deputy"], "signer role 'deputy': use chair or vice"),
        (["--signer-name", "x" * 201], "signer name: at most 200 characters"),
        (["--parent-body", "x" * 201], "parent body: at most 200 characters"),
    ],
)
def test_bad_ward_signatories_exit_2_and_write_nothing(app, runner, ward, args, message):
    before = counts(app)
    result = cfw(runner, "ward", "update", ward, *args, "--reason", "Theo Kế hoạch")
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    created = cfw(runner, *[a.replace("dinh-ke", "dinh-ke-2") for a in WARD], *args)
    assert created.exit_code == 2 and message in created.output
    assert counts(app) == before


def test_service_rejects_an_unknown_signer_role(app, db_session):
    from survey_app.services import setup

    with pytest.raises(setup.SetupError, match="signer role 'Chủ tịch'"):
        setup.create_ward(
            db_session, code="thu", name="Phường Thử", locality_type="other", signer_role="Chủ tịch"
        )
    ward = setup.create_ward(
        db_session, code="thu", name="Phường Thử", locality_type="other", signer_name="A"
    )
    assert (ward.signer_name, ward.signer_role, ward.parent_body) == ("A", "chair", "")
    with pytest.raises(setup.SetupError, match="signer role ''"):
        setup.update_ward(db_session, "thu", reason="Sửa người ký", signer_role="")
