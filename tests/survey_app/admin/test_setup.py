"""Setting up a real ward from the command line: `cfw ward`, `cfw groups import`, `cfw rounds`."""

from __future__ import annotations

import json
import unicodedata

import pytest
from sqlalchemy import select

from assessment import default_version
from survey_app.core.db import get_session
from survey_app.models import AssessmentRound, AuditEntry, PosterToken, ResidentialGroup, Ward
from survey_app.survey.caps import poster_cap
from tests.survey_app.setup_factories import (
    EXAMPLE,
    GROUPS,
    ROUND,
    WARD,
    audit_actions,
    cfw,
    counts,
    groups_csv,
    write_csv,
)


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
            default_version(),
            "c13-2026.2",  # the newest instrument, for new rounds
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
    assert same.exit_code == 2 and "Không có gì thay đổi" in same.output
    assert counts(app) == before


def test_round_close_and_open_are_audited(app, runner, ward_with_groups):
    assert cfw(runner, *ROUND).exit_code == 0
    with app.app_context():
        round_id = get_session().scalars(select(AssessmentRound.id)).one()
    closed = cfw(runner, "rounds", "close", str(round_id), "--reason", "Hết đợt khảo sát")
    assert closed.exit_code == 0 and "is now closed" in closed.output
    twice = cfw(runner, "rounds", "close", str(round_id), "--reason", "Hết đợt khảo sát")
    assert twice.exit_code == 2 and "đã ở trạng thái này (closed)" in twice.output
    reopened = cfw(runner, "rounds", "open", str(round_id), "--reason", "Gia hạn khảo sát")
    assert reopened.exit_code == 0, reopened.output
    assert cfw(runner, "rounds", "open", "999", "--reason", "Gia hạn khảo sát").exit_code == 2
    actions = audit_actions(app)
    assert actions[-2:] == ["round.close_survey", "round.open_survey"]
    with app.app_context():
        assert get_session().scalars(select(AssessmentRound.status)).one() == "open"


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
        (["--signer-role", "deputy"], "Người ký 'deputy': chọn một trong chair, vice"),
        (["--signer-name", "x" * 201], "Họ tên người ký: tối đa 200 ký tự"),
        (["--parent-body", "x" * 201], "Cơ quan chủ quản: tối đa 200 ký tự"),
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
    from survey_app.admin import setup

    with pytest.raises(setup.SetupError, match="Người ký 'Chủ tịch'"):
        setup.create_ward(
            db_session, code="thu", name="Phường Thử", locality_type="other", signer_role="Chủ tịch"
        )
    ward = setup.create_ward(
        db_session, code="thu", name="Phường Thử", locality_type="other", signer_name="A"
    )
    assert (ward.signer_name, ward.signer_role, ward.parent_body) == ("A", "chair", "")
    with pytest.raises(setup.SetupError, match="Người ký ''"):
        setup.update_ward(db_session, "thu", reason="Sửa người ký", signer_role="")
