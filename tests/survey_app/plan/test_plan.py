"""The ward's yearly plan: made from the template, copied forward, edited, followed and
evidenced by the units; evidence uploads refuse what is not a photo or a PDF."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import func, select
from werkzeug.test import encode_multipart

from survey_app.core.db import get_session
from survey_app.core.vntime import today_vn
from survey_app.models import Evidence, EvidenceFile, Plan, PlanActivity
from survey_app.plan.status import Status, activity_status
from survey_app.plan.template import default_version, load_template
from tests.survey_app.dossier.helpers import docx_text, pdf_text
from tests.survey_app.page import page_text
from tests.survey_app.plan.factories import new_plan
from tests.survey_app.plan.seed_reference import SEED_ASSIGNMENTS, SEED_HEADINGS
from tests.survey_app.workspace_factories import add_round

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
YEAR = 2025


@pytest.fixture
def staff(make_user):
    for name, role, unit in (
        ("vhxh1", "vhxh", None),
        ("doan1", "unit", "doan"),
        ("yte1", "unit", "yte"),
        ("xem1", "viewer", None),
    ):
        make_user(name, role=role, unit=unit)


def _new_plan(client, login, year=YEAR, source="template"):
    login("vhxh1")
    return new_plan(client, year, source)


def test_the_template_assigns_each_criterion_to_one_unit_as_the_seed_plan_does():
    template = load_template(default_version())
    expected = {
        "vhxh": (1, 5, 6, 12, 13),
        "congan": (3, 4),
        "yte": (7, 8, 9),
        "truonghoc": (10,),
        "tuphap": (2,),
        "doan": (11,),
    }
    for unit, criteria in expected.items():
        assert template.unit(unit).criteria == criteria
    assert template.unit("truonghoc").supports == (11,)
    assert [s.key for s in template.sections][:3] == ["preamble", "goal-general", "goal-specific"]


@pytest.mark.parametrize(
    ("today", "done", "expected"),
    [
        (dt.date(2025, 4, 30), None, Status.PLANNED),
        (dt.date(2025, 5, 1), None, Status.IN_PROGRESS),
        (dt.date(2025, 6, 30), None, Status.IN_PROGRESS),
        (dt.date(2025, 7, 1), None, Status.OVERDUE),
        (dt.date(2025, 7, 1), dt.date(2025, 6, 2), Status.DONE),
    ],
)
def test_status_follows_the_dates(today, done, expected):
    assert activity_status(dt.date(2025, 5, 1), dt.date(2025, 6, 30), done, today) is expected


def test_plan_page_carries_the_seed_headings_and_every_assignment(app, client, login, staff):
    plan_id = _new_plan(client, login)
    text = page_text(client.get(f"/plan/{plan_id}"))
    for heading in (
        "I. MỤC TIÊU",
        "II. ĐỐI TƯỢNG, PHẠM VI VÀ THỜI GIAN THỰC HIỆN",
        "III. NỘI DUNG",
        "IV. GIẢI PHÁP THỰC HIỆN",
        "V. TỔ CHỨC THỰC HIỆN",
        "2. Phân công trách nhiệm",
        "Nơi nhận:",
    ):
        assert heading in text
    for line in (
        "tiêu chí số 1, 5, 6, 12, 13",
        "tiêu chí số 3, 4",
        "tiêu chí số 7, 8, 9",
        "tiêu chí số 10",
        "Phối hợp thực hiện tiêu chí số 11",
        "tiêu chí số 2",
        "tiêu chí số 11",
    ):
        assert line in text
    # Mid-sentence the ward reads as in the seed plan: "UBND phường …", "trên địa bàn phường …".
    assert "UBND phường Thử" in text and "trên địa bàn phường Thử" in text and f"năm {YEAR}" in text


def test_copy_forward_moves_dates_and_leaves_done_and_evidence_behind(app, client, login, staff):
    first = _new_plan(client, login)
    with app.app_context():
        session = get_session()
        activity = session.scalars(
            select(PlanActivity).where(PlanActivity.plan_id == first)
        ).first()
        activity_id = activity.id
    client.post(f"/plan/activities/{activity_id}/done", data={"done_on": f"{YEAR}-06-01"})
    second = _new_plan(client, login, YEAR + 1, source=str(first))
    with app.app_context():
        plan = get_session().get(Plan, second)
        assert plan.year == YEAR + 1
        assert all(a.start_on.year == YEAR + 1 and a.done_on is None for a in plan.activities)
        assert not any(a.evidence for a in plan.activities)
    assert (
        client.post("/plan/new", data={"year": YEAR + 1, "source": "template"}).status_code == 409
    )


def test_officer_edits_a_section_and_the_change_is_audited(app, client, login, staff):
    plan_id = _new_plan(client, login)
    response = client.post(
        f"/plan/{plan_id}/sections/goal-specific",
        data={"title": "2. Mục tiêu cụ thể", "body": "- Giữ chuẩn năm nay."},
    )
    assert response.status_code == 303
    assert "Giữ chuẩn năm nay." in page_text(client.get(f"/plan/{plan_id}"))
    with app.app_context():
        from survey_app.models import AuditEntry

        rows = (
            get_session()
            .scalars(select(AuditEntry).where(AuditEntry.entity == "plan_section"))
            .all()
        )
        assert rows and "Giữ chuẩn năm nay." in rows[-1].new


def test_youth_union_marks_its_activity_done_with_a_photo(app, client, login, staff):
    today = today_vn()
    plan_id = _new_plan(client, login, year=today.year)
    response = client.post(
        f"/plan/{plan_id}/activities/new",
        data={
            "title": "Diễn đàn trẻ em phường",
            "lead": "doan",
            "supports": ["truonghoc"],
            "start_on": (today - dt.timedelta(days=10)).isoformat(),
            "due_on": (today + dt.timedelta(days=10)).isoformat(),
            "indicator": "c11.forum_held",
            "notes": "",
        },
    )
    assert response.status_code == 303
    activity_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    client.post("/logout")
    login("doan1")
    home = page_text(client.get("/staff/"))
    assert "Việc của bạn trong kế hoạch của phường" in home and "Diễn đàn trẻ em phường" in home
    page = page_text(client.get(f"/plan/activities/{activity_id}"))
    assert "Diễn đàn trẻ em phường" in page and "Đang thực hiện" in page
    upload = client.post(
        f"/plan/activities/{activity_id}/evidence",
        data={"file": (io.BytesIO(PNG), "dien-dan.png"), "caption": "Ảnh diễn đàn"},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 303, upload.get_data(as_text=True)
    assert (
        client.post(
            f"/plan/activities/{activity_id}/done", data={"done_on": today.isoformat()}
        ).status_code
        == 303
    )
    page = page_text(client.get(f"/plan/activities/{activity_id}"))
    assert "Đã hoàn thành" in page and "dien-dan.png" in page
    with app.app_context():
        item = get_session().scalars(select(Evidence)).one()
        evidence_id = item.id
    # The criterion-11 entry form shows the evidence of the activity linked to its input.
    with app.app_context():
        ward_id = get_session().get(Plan, plan_id).ward_id
    round_id = add_round(app, ward_id, "Năm nay", today.year)
    form = page_text(client.get(f"/rounds/{round_id}/criteria/c11"))
    assert "Minh chứng từ kế hoạch năm" in form and "dien-dan.png" in form
    download = client.get(f"/plan/evidence/{evidence_id}")
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "image/png"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.data == PNG


def test_next_years_plan_activities_reach_the_unit_home_once_the_plan_is_made(
    app, client, login, staff
):
    today = today_vn()
    plan_id = _new_plan(client, login, year=today.year + 1)
    due = dt.date(today.year + 1, 3, 26)
    response = client.post(
        f"/plan/{plan_id}/activities/new",
        data={
            "title": "Diễn đàn trẻ em năm sau",
            "lead": "doan",
            "start_on": dt.date(today.year + 1, 3, 1).isoformat(),
            "due_on": due.isoformat(),
            "indicator": "c11.forum_held",
            "notes": "",
        },
    )
    assert response.status_code == 303
    client.post("/logout")
    login("doan1")
    home = page_text(client.get("/staff/"))
    assert "Diễn đàn trẻ em năm sau" in home and due.strftime("%d/%m/%Y") in home


def test_a_done_date_in_the_future_is_refused(app, client, login, staff):
    plan_id = _new_plan(client, login)
    with app.app_context():
        activity_id = get_session().get(Plan, plan_id).activities[0].id
    future = (today_vn() + dt.timedelta(days=2)).isoformat()
    response = client.post(f"/plan/activities/{activity_id}/done", data={"done_on": future})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"MZ\x90\x00" + b"\x00" * 200, "anh.jpg"),  # a Windows program named like a photo
        (b"\x7fELF" + b"\x00" * 200, "bien-ban.pdf"),  # a Linux program named like a PDF
        (b"<html><script>alert(1)</script></html>", "trang.png"),
        (b"", "trong.png"),
    ],
)
def test_evidence_that_is_not_a_photo_or_pdf_is_refused_and_nothing_stored(
    app, client, login, staff, content, name
):
    plan_id = _new_plan(client, login)
    with app.app_context():
        activity_id = get_session().get(Plan, plan_id).activities[0].id
    response = client.post(
        f"/plan/activities/{activity_id}/evidence",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )
    assert 400 <= response.status_code < 500
    with app.app_context():
        session = get_session()
        assert session.scalar(select(func.count(Evidence.id))) == 0
        assert session.scalar(select(func.count(EvidenceFile.sha256))) == 0


def test_an_oversized_file_is_refused(app, client, login, staff):
    from survey_app.plan.evidence import MAX_BYTES

    plan_id = _new_plan(client, login)
    with app.app_context():
        activity_id = get_session().get(Plan, plan_id).activities[0].id
    big = PDF + b"0" * (MAX_BYTES + 1)
    # Encoded here, in memory: the test client would spool a body this large to a temporary
    # file it never closes (a ResourceWarning that is the client's, not the app's).
    boundary, body = encode_multipart({"file": (io.BytesIO(big), "scan.pdf")})
    response = client.post(
        f"/plan/activities/{activity_id}/evidence",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code in (400, 413)
    with app.app_context():
        assert get_session().scalar(select(func.count(Evidence.id))) == 0


def test_other_pages_keep_the_small_body_limit(app, client, login, staff):
    login("vhxh1")
    response = client.post("/plan/new", data={"year": "2025", "source": "x" * 200_000})
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("who", "status"), [("vhxh1", 303), ("doan1", 303), ("yte1", 403), ("xem1", 403)]
)
def test_only_the_lead_unit_and_the_officer_change_an_activity(
    app, client, login, staff, who, status
):
    plan_id = _new_plan(client, login)
    with app.app_context():
        activity = next(
            a for a in get_session().get(Plan, plan_id).activities if a.lead_unit == "doan"
        )
        activity_id = activity.id
    client.post("/logout")
    login(who)
    response = client.post(
        f"/plan/activities/{activity_id}/done", data={"done_on": today_vn().isoformat()}
    )
    assert response.status_code == status


def test_another_wards_plan_is_not_reachable(app, client, login, staff, make_user):
    plan_id = _new_plan(client, login)
    from survey_app.core.db import write_transaction
    from survey_app.models import Ward

    with app.app_context(), write_transaction(get_session()) as session:
        other = Ward(code="other-ward", name="Phường Khác", locality_type="other")
        session.add(other)
        session.flush()
        other_id = other.id
    make_user("vhxh2", role="vhxh", ward_id=other_id)
    client.post("/logout")
    login("vhxh2")
    assert client.get(f"/plan/{plan_id}").status_code in (403, 404)


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_printed_plan_reads_like_the_seed_document(app, client, login, staff, fmt):
    plan_id = _new_plan(client, login)
    client.post(f"/plan/{plan_id}/header", data={"number": "45/KH-UBND", "issued_on": "2025-03-15"})
    response = client.get(f"/plan/{plan_id}/plan.{fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = pdf_text(response.data) if fmt == "pdf" else docx_text(response.data)
    for heading in SEED_HEADINGS:
        assert heading in text, heading
    for line in SEED_ASSIGNMENTS:
        assert line in text, line
    assert "Số: 45/KH-UBND" in text and "KH-UBND/KH-UBND" not in text
    assert "ngày 15 tháng 03 năm 2025" in text
    assert "vhxh" not in text and "todanpho" not in text  # names, never internal keys


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_year_end_report_lists_what_each_unit_did(app, client, login, staff, fmt):
    plan_id = _new_plan(client, login)
    with app.app_context():
        activity = get_session().get(Plan, plan_id).activities[0]
        activity_id, title = activity.id, activity.title
    client.post(f"/plan/activities/{activity_id}/done", data={"done_on": f"{YEAR}-06-01"})
    client.post(
        f"/plan/activities/{activity_id}/evidence",
        data={"file": (io.BytesIO(PDF), "bien-ban.pdf")},
        content_type="multipart/form-data",
    )
    response = client.get(f"/plan/{plan_id}/report.{fmt}")
    assert response.status_code == 200
    text = pdf_text(response.data) if fmt == "pdf" else docx_text(response.data)
    assert "BÁO CÁO" in text and f"năm {YEAR}" in text
    assert "01/06/2025" in text and "bien-ban.pdf" in text
    assert title[:30] in text
