"""Rule versions in the browser: point table, row-by-row review into a new version, upload,
difference and choosing a version for a round; every step audited, nothing half-written."""

from __future__ import annotations

import datetime as dt
import io
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from assessment import RuleSetError, load_rules
from survey_app.core.db import get_session, write_transaction
from survey_app.models import AssessmentRound, AuditEntry, RoundWorkflow, RuleReview, RuleVersion
from survey_app.rulesets import store as rule_store
from tests.survey_app.workspace_factories import make_world

R2 = "qd06-2019-r2"
R2_TEXT = Path(load_rules(R2).source_path).read_text(encoding="utf-8")


@pytest.fixture
def world(app, make_user):
    world = make_world(app, make_user)
    make_user("wadmin", role="admin", ward_id=world.ward_id, display_name="Nguyễn Văn Quản")
    return world


def _count(app, model) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model))


def _actions(app) -> list[str]:
    with app.app_context():
        return list(get_session().scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _upload(client, text: str, name: str = "mine.toml"):
    data = {"file": (io.BytesIO(text.encode("utf-8")), name)}
    return client.post("/admin/rules/upload", data=data, content_type="multipart/form-data")


def test_point_table_marks_verified_and_provisional_rows(client, login, world):
    login("wadmin")
    listing = client.get("/admin/rules/")
    assert listing.status_code == 200 and R2 in listing.text
    page = client.get(f"/admin/rules/{R2}").text
    assert "row-provisional" in page and "Đã đối chiếu" in page and "Tạm tính" in page
    assert "criteria.c2.indicators[0].bands[1]" in page  # each row names its place in the file
    assert "check against Decision 06/QĐ-TTg" in page  # and its note
    assert client.get("/admin/rules/no-such-version").status_code == 404


def test_review_confirms_and_corrects_rows_into_a_new_immutable_version(app, client, login, world):
    login("wadmin")
    first = client.get(f"/admin/rules/{R2}/review/1")
    assert first.status_code == 200 and "Đúng như văn bản" in first.text
    rows = {r.path: n for n, r in enumerate(_provisional(), 1)}
    band = rows["criteria.c2.indicators[0].bands[1]"]
    assert (
        client.post(f"/admin/rules/{R2}/review/1", data={"decision": "confirmed"}).status_code
        == 303
    )
    corrected = client.post(
        f"/admin/rules/{R2}/review/{band}",
        data={"decision": "corrected", "bound": "97", "points": "45"},
    )
    assert corrected.status_code == 303
    # the draft is in the database, not yet a version
    assert _count(app, RuleReview) == 1 and _count(app, RuleVersion) == 0
    overview = client.get(f"/admin/rules/{R2}/review").text
    assert "Nguyễn Văn Quản" in overview and "2 / " in overview

    saved = client.post(f"/admin/rules/{R2}/review/save")
    assert saved.status_code == 303
    new_id = f"{R2}-test-ward-1"
    assert saved.headers["Location"].endswith(f"/admin/rules/{new_id}")
    with app.app_context():
        rules = rule_store.load(new_id)
        row = get_session().get(RuleVersion, new_id)
        assert row.based_on == R2 and row.created_by_name == "Nguyễn Văn Quản"
    assert rules.version == new_id and rules.sha256 == row.sha256
    ind = rules.criterion("c2").indicators[0]
    assert (ind.bands[1].band.bound, ind.bands[1].band.points) == (97, 45)
    assert ind.bands[1].provenance.verified
    assert ind.bands[1].provenance.source.startswith("confirmed by Nguyễn Văn Quản on ")
    assert ind.bands[1].provenance.source.endswith("against the printed decision")
    assert not ind.bands[2].provenance.verified  # undecided rows stay provisional
    assert load_rules(R2).criterion("c2").indicators[0].bands[1].band.points == 40  # file untouched
    assert "# Ward version" in row.toml and "RELEASED FILES ARE NEVER EDITED" in row.toml
    actions = _actions(app)
    for action in ("rule_review.start", "rule_review.confirmed", "rule_review.corrected"):
        assert action in actions
    assert actions[-2:] == ["rule_version.review", "rule_review.save"]
    assert client.get(f"/admin/rules/{new_id}").status_code == 200


def test_a_correction_that_breaks_the_file_lists_the_errors_and_keeps_the_draft(
    app, client, login, world
):
    login("wadmin")
    rows = {r.path: n for n, r in enumerate(_provisional(), 1)}
    n = rows["criteria.c2.indicators[0]"]
    assert (
        client.post(
            f"/admin/rules/{R2}/review/{n}", data={"decision": "corrected", "max": "60"}
        ).status_code
        == 303
    )
    response = client.post(f"/admin/rules/{R2}/review/save")
    assert response.status_code == 422
    assert (
        "criteria.c2.indicators" in response.text
        and "indicator maxima add up to 60" in response.text
    )
    assert _count(app, RuleVersion) == 0
    with app.app_context():
        assert get_session().scalars(select(RuleReview)).one().status == "draft"


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"decision": "corrected", "points": "forty"}, 422),
        ({"decision": "corrected"}, 422),  # nothing changed
        ({"decision": "maybe"}, 422),
    ],
)
def test_bad_review_input_is_a_4xx_and_writes_nothing(app, client, login, world, data, status):
    login("wadmin")
    n = {r.path: n for n, r in enumerate(_provisional(), 1)}["criteria.c2.indicators[0].bands[1]"]
    before = _count(app, AuditEntry)
    assert client.post(f"/admin/rules/{R2}/review/{n}", data=data).status_code == status
    assert _count(app, AuditEntry) == before and _count(app, RuleReview) == 0
    assert client.get(f"/admin/rules/{R2}/review/9999").status_code == 404


def test_upload_lists_every_error_like_cfw_rules_check(app, client, login, world):
    login("wadmin")
    bad = R2_TEXT.replace('version = "qd06-2019-r2"', 'version = "ward-x"').replace(
        "total = 1000", "total = 990"
    )
    response = _upload(client, bad, "sai.toml")
    assert response.status_code == 422
    assert "sai.toml" in response.text and "meta.total is 990" in response.text
    assert _upload(client, R2_TEXT).status_code == 422  # the shipped name exists already
    assert _upload(client, "not = [toml").status_code == 422
    assert _count(app, RuleVersion) == 0


def test_upload_refuses_a_file_over_the_limit(app, client, login, world):
    login("wadmin")
    response = _upload(client, R2_TEXT + "#" * 300_000)
    assert response.status_code == 413
    assert _count(app, RuleVersion) == 0


def test_upload_then_difference_then_use_for_a_round(app, client, login, world):
    login("wadmin")
    text = R2_TEXT.replace('version = "qd06-2019-r2"', 'version = "dinh-ke-2026"')
    text = text.replace("{ bound = 98, points = 40,", "{ bound = 98, points = 45,", 1)
    response = _upload(client, text)
    assert response.status_code == 303
    diff = client.get(f"/admin/rules/dinh-ke-2026/diff?round={world.round_id}")
    assert diff.status_code == 200
    assert (
        "criteria.c2.indicators[0]" in diff.text and "≥98→40" in diff.text and "≥98→45" in diff.text
    )
    used = client.post(
        "/admin/rules/dinh-ke-2026/use",
        data={"round_id": world.round_id, "reason": "Theo văn bản gốc"},
    )
    assert used.status_code == 303
    with app.app_context():
        assert get_session().get(AssessmentRound, world.round_id).rule_version == "dinh-ke-2026"
    assert _actions(app)[-2:] == ["rule_version.upload", "assessment_round.rule_version"]
    # the round's pages now score with the ward's version
    assert client.get(f"/rounds/{world.round_id}/scorecard").status_code == 200
    assert client.get(f"/rounds/{world.round_id}/criteria/c2").status_code == 200


def test_a_consolidated_round_keeps_its_rules(app, client, login, world):
    login("wadmin")
    with app.app_context(), write_transaction(get_session()) as tx:
        tx.add(
            RoundWorkflow(
                round_id=world.round_id, stage="locked", updated_at=dt.datetime(2024, 12, 1)
            )
        )
    before = _count(app, AuditEntry)
    response = client.post(
        f"/admin/rules/{R2}/use", data={"round_id": world.round_id, "reason": "thử đổi"}
    )
    assert response.status_code == 409
    assert _count(app, AuditEntry) == before
    with app.app_context():
        assert get_session().get(AssessmentRound, world.round_id).rule_version != R2


def test_another_wards_admin_neither_sees_nor_uses_a_wards_version(
    app, client, login, world, make_user
):
    login("wadmin")
    text = R2_TEXT.replace('version = "qd06-2019-r2"', 'version = "ward-one-only"')
    assert _upload(client, text).status_code == 303
    client.post("/logout")
    from survey_app.models import Ward

    with app.app_context(), write_transaction(get_session()) as tx:
        other = Ward(code="other-ward", name="Phường Khác", locality_type="other")
        tx.add(other)
        tx.flush()
        other_id = other.id
    make_user("admin2", role="admin", ward_id=other_id)
    login("admin2")
    assert client.get("/admin/rules/ward-one-only").status_code == 404
    assert "ward-one-only" not in client.get("/admin/rules/").text
    # and world's round (another ward's) cannot be changed from here
    assert (
        client.post(
            f"/admin/rules/{R2}/use", data={"round_id": world.round_id, "reason": "thử đổi"}
        ).status_code
        == 404
    )


def test_unknown_version_is_a_rule_error(app):
    with app.app_context(), pytest.raises(RuleSetError):
        rule_store.load("never-saved")


def test_stored_versions_cannot_be_updated(app, world):
    with app.app_context():
        session = get_session()
        from survey_app.models import User

        actor = session.scalars(select(User).where(User.username == "wadmin")).one()
        text = R2_TEXT.replace('version = "qd06-2019-r2"', 'version = "frozen-1"')
        with write_transaction(session) as tx:
            rule_store.store_version(
                tx, text, origin="upload", based_on="", actor=actor, origin_name="f.toml"
            )
        with pytest.raises(Exception, match="immutable"), write_transaction(session) as tx:
            tx.get(RuleVersion, "frozen-1").toml = "changed"
            tx.flush()
        assert (
            tomllib.loads(session.get(RuleVersion, "frozen-1").toml)["meta"]["version"]
            == "frozen-1"
        )


def _provisional():
    from survey_app.admin.rule_table import provisional

    return provisional(load_rules(R2))
