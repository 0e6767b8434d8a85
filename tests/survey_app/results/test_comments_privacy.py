"""Children's free text without identities, and raw exports with small-cell protection.

The review's example ("Em tên là Nguyễn Thị Lan, lớp 7A trường THCS …") must never reach an
export, staff see it masked, only a comment a reviewer marked "may be quoted" is quoted, and
an export of a group with 3 children has no group × age band × gender cell identifying them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
import time
from collections import Counter

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from assessment import load_instrument
from survey_app.core.db import get_session, write_transaction
from survey_app.models import AssessmentRound, AuditEntry, Response
from survey_app.results.masking import build_masker, mask_comment, masker
from survey_app.survey import submission
from survey_app.survey import submit as survey
from tests.survey_app.page import page_text
from tests.survey_app.stats_factories import fill
from tests.survey_app.survey_factories import (
    CHILD_QUESTIONS,
    INSTRUMENT,
    make_survey,
)

LAN = "Em tên là Nguyễn Thị Lan, lớp 7A trường THCS Dĩnh Kế, nhà em ở số nhà 12 ngõ 5."
SECRETS = ("Nguyễn", "Thị Lan", "Lan", "7A", "THCS", "Dĩnh Kế", "12", "ngõ 5")


def _child(app, token_id, *, age="10-12", gender="female", comment=None, overall=4):
    answers = {q: 3 + i % 3 for i, q in enumerate(CHILD_QUESTIONS)}
    answers["overall"] = overall
    now = dt.datetime(2026, 10, 1, 3, 0)
    with app.app_context():
        return survey.submit_response(
            get_session(),
            survey.Submission(
                token_id=token_id,
                audience="child",
                age_band=age,
                gender=gender,
                answers=answers,
                submission_key=secrets.token_urlsafe(24),
                comment=comment,
                started_at=now - dt.timedelta(seconds=600),
            ),
            instrument=load_instrument(INSTRUMENT),
            secret="test-secret-key",
            now=now,
        )


@pytest.fixture
def world(app):
    """Group 1: 3 children (one wrote LAN). Group 2: 8 children of mixed ages and genders.
    Group 3: 6 children. Residents everywhere. One stored comment predates the masking."""
    made = make_survey(app, groups=3, cap=500)
    small = [
        _child(app, made.token_ids[0], comment=LAN),
        _child(app, made.token_ids[0], age="13-15", gender="male"),
        _child(app, made.token_ids[0], gender="male"),
    ]
    for i in range(8):
        _child(
            app,
            made.token_ids[1],
            age=("10-12", "13-15")[i % 2],
            gender=("female", "male")[i % 3 == 0],
        )
    for _ in range(6):
        _child(app, made.token_ids[2])
    for token_id in made.token_ids:
        fill(app, token_id, "resident", [5, 4, 3, 4, 5])
    # A comment stored raw (before the masking rules existed), straight into the database.
    old = _child(app, made.token_ids[1], comment="ok")
    with app.app_context(), write_transaction(get_session()) as session:
        session.get(Response, old.response_id).comment = LAN
    made.lan_ids = [small[0].response_id, old.response_id]
    return made


def _login(make_user, login, setup, role="vhxh"):
    make_user(f"p-{role}", role=role, ward_id=setup.ward_id)
    assert login(f"p-{role}").status_code == 302


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


# ----------------------------------------------------------------------------- masking


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (LAN, "Em tên là [tên], [lớp] [trường], nhà em ở [địa chỉ] [địa chỉ]."),
        ("Em tên là Nguyễn Thị Lan, lớp 7A trường THCS …", "Em tên là [tên], [lớp] [trường] …"),
        ("tên em là lan, em thích đá bóng", "tên em là [tên], em thích đá bóng"),
        (
            "Cô Hằng dạy hay, bạn Minh hay bắt nạt em.",
            "Cô [tên] dạy hay, bạn [tên] hay bắt nạt em.",
        ),
        ("Trần Văn Nam đánh em", "[tên] đánh em"),
        ("Em học lớp 7A1 ở trường tiểu học Kim Đồng", "Em học [lớp] ở [trường]"),
        ("Nhà cháu ở Tổ dân phố Mé, đường Lê Lợi", "Nhà cháu ở [địa chỉ], [địa chỉ]"),
        ("Em 12 tuổi", "Em [số] tuổi"),
        ("Gọi 0912 345 678 nhé", "Gọi *** nhé"),
        ("My name is Lan, class 7A at Kim Dong school", "My name is [tên], [lớp] at [trường]"),
        # Ordinary sentences keep their words (the demo's sample comments).
        ("Cần thêm sân chơi cho trẻ em trong tổ.", "Cần thêm sân chơi cho trẻ em trong tổ."),
        ("Đường đi học buổi tối còn tối.", "Đường đi học buổi tối còn tối."),
        ("Các cô chú ở phường rất nhiệt tình.", "Các cô chú ở phường rất nhiệt tình."),
    ],
)
def test_masking_hides_names_schools_classes_addresses_and_numbers(text, masked):
    assert mask_comment(text) == masked
    assert mask_comment(masked) == masked  # masking a masked text changes nothing


def test_masking_is_one_function_used_on_the_way_in():
    assert submission.mask_comment is mask_comment
    assert survey.mask_comment is mask_comment


def test_long_runs_do_not_make_masking_slow():
    start = time.perf_counter()
    for text in ("lớp " + "1" * 300 + "ư", "số " + "A " * 150 + "ư", "Nguyễn " + "Lan " * 70):
        mask_comment(text, 300)
    assert time.perf_counter() - start < 1.0


def test_a_broken_masking_file_is_refused():
    with pytest.raises(KeyError):
        build_masker({"labels": {"name": "[tên]"}})
    assert masker().labels["name"] == "[tên]"


def test_stored_comment_is_masked_on_the_way_in(app, world):
    with app.app_context():
        stored = get_session().get(Response, world.lan_ids[0]).comment
    assert stored.startswith("Em tên là [tên]")
    assert not any(s in stored for s in SECRETS)


# ----------------------------------------------------------------------------- exports


def test_the_example_text_reaches_no_export(client, make_user, login, world):
    _login(make_user, login, world)
    base = f"/rounds/{world.round_id}/survey"
    texts = [
        client.get(f"{base}/responses.csv").get_data().decode("utf-8-sig"),
        client.get(f"{base}/aggregates.csv").get_data().decode("utf-8-sig"),
    ]
    book = load_workbook(io.BytesIO(client.get(f"{base}/aggregates.xlsx").data))
    texts.append(" ".join(str(c.value) for s in book for row in s.iter_rows() for c in row))
    for text in texts:
        assert "Em tên là" not in text
        assert not any(s in text for s in ("Nguyễn Thị Lan", "Thị Lan", "THCS", "7A"))


def test_a_childs_comment_is_exported_masked_and_only_once_quotable(
    app, client, make_user, login, world
):
    _login(make_user, login, world)
    url = f"/rounds/{world.round_id}/survey"
    rows = _csv(client.get(f"{url}/responses.csv"))
    header = rows[0]
    comments = [r[header.index("comment")] for r in rows[1:] if r[2] == "child"]
    assert not any(comments)
    old = world.lan_ids[1]
    assert client.post(f"{url}/comments/{old}", data={"decision": "quotable"}).status_code == 303
    rows = _csv(client.get(f"{url}/responses.csv"))
    comments = [r[header.index("comment")] for r in rows[1:] if r[2] == "child" and r[-1]]
    assert comments == [mask_comment(LAN)]


def test_children_rows_leave_out_what_could_single_a_child_out(client, make_user, login, world):
    _login(make_user, login, world)
    rows = _csv(client.get(f"/rounds/{world.round_id}/survey/responses.csv"))
    header = rows[0]
    col = {name: header.index(name) for name in header}
    children = [r for r in rows[1:] if r[col["audience"]] == "child"]
    residents = [r for r in rows[1:] if r[col["audience"]] == "resident"]
    assert residents and all(r[col["day"]] for r in residents)  # residents keep their columns
    for name in ("age_band", "gender", "channel", "day", "duration_s"):
        assert all(r[col[name]] == "" for r in children), name
    # The group of 3 children: not named, and its 3 rows (a pool under 5) are left out.
    assert not any(r[col["group"]] == "Tổ dân phố 1" for r in children)
    assert len(children) == 8 + 1 + 6
    cells = Counter((r[col["group"]], r[col["age_band"]], r[col["gender"]]) for r in children)
    assert all(n >= 5 for n in cells.values()), cells
    # Row numbers run 1..N; the children's order is not the order they answered in.
    assert [r[0] for r in rows[1:]] == [str(i) for i in range(1, len(rows))]


def test_small_groups_are_pooled_when_the_pool_reaches_five(app, client, make_user, login):
    made = make_survey(app, groups=3, cap=500)
    for token_id in made.token_ids[:2]:
        for _ in range(3):
            _child(app, token_id)
    for _ in range(5):
        _child(app, made.token_ids[2])
    _login(make_user, login, made)
    rows = _csv(client.get(f"/rounds/{made.round_id}/survey/responses.csv"))
    groups = Counter(r[1] for r in rows[1:] if r[2] == "child")
    assert groups == {"": 6, "Tổ dân phố 3": 5}


# ----------------------------------------------------------------------------- staff view


def test_staff_see_the_comment_masked(client, make_user, login, world):
    _login(make_user, login, world)
    text = page_text(client.get(f"/rounds/{world.round_id}/survey/comments"))
    assert "Em tên là [tên], [lớp] [trường]" in text
    assert not any(s in text for s in ("Nguyễn Thị Lan", "Thị Lan", "THCS", "7A"))
    flags = page_text(client.get(f"/rounds/{world.round_id}/survey/flags?show=all"))
    assert "Nguyễn Thị Lan" not in flags


@pytest.mark.parametrize("role", ["viewer", "council"])
def test_only_reviewers_open_the_comments(client, make_user, login, world, role):
    _login(make_user, login, world, role)
    url = f"/rounds/{world.round_id}/survey/comments"
    assert client.get(url).status_code == 403
    assert (
        client.post(f"{url}/{world.lan_ids[0]}", data={"decision": "quotable"}).status_code == 403
    )


def test_bad_decisions_are_refused_and_nothing_changes(app, client, make_user, login, world):
    _login(make_user, login, world)
    url = f"/rounds/{world.round_id}/survey/comments"
    assert client.post(f"{url}/{world.lan_ids[0]}", data={"decision": "publish"}).status_code == 400
    assert client.post(f"{url}/{world.lan_ids[0]}", data={}).status_code == 400
    assert client.post(f"{url}/99999999", data={"decision": "quotable"}).status_code == 404
    with app.app_context():
        assert get_session().get(Response, world.lan_ids[0]).comment_review == "unreviewed"


def test_only_quotable_comments_are_quoted_and_each_decision_is_audited(
    app, client, make_user, login, world
):
    _login(make_user, login, world)
    with app.app_context(), write_transaction(get_session()) as session:
        session.get(AssessmentRound, world.round_id).status = "closed"
    public = client.get("/results/test-survey").get_data(as_text=True)
    assert "Em tên là" not in public  # not reviewed yet: not quoted
    url = f"/rounds/{world.round_id}/survey/comments"
    first, second = world.lan_ids
    assert client.post(f"{url}/{first}", data={"decision": "quotable"}).status_code == 303
    assert client.post(f"{url}/{second}", data={"decision": "withheld"}).status_code == 303
    public = client.get("/results/test-survey").get_data(as_text=True)
    assert public.count("Em tên là [tên]") == 1
    words = page_text(client.get("/results/test-survey"))
    assert not any(s in words for s in ("Nguyễn Thị Lan", "THCS", "7A"))
    assert "Tổ dân phố 1" not in public.split("Một số ý kiến")[1].split("</blockquote>")[0]
    with app.app_context():
        rows = (
            get_session()
            .scalars(select(AuditEntry).where(AuditEntry.action == "survey.comment_review"))
            .all()
        )
    assert {(r.entity_id, r.actor_name) for r in rows} == {
        (str(first), "p-vhxh"),
        (str(second), "p-vhxh"),
    }
    assert all("Nguyễn" not in r.new for r in rows)
