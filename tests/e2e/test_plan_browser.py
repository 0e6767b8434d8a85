"""The ward's yearly plan in a real browser, at 360 px and 1280 px: the plan page with its
timeline, an activity with its evidence, the youth-union officer's home with its duties, and
issue 16's "done when" walked end to end.

The walk: the culture-social officer makes next year's plan from this year's and edits one of
its sections; in this year's plan (the one this year's assessment round follows) she adds an
activity for the youth union with a due date, linked to criterion 11's "children's forum held";
the youth-union officer sees it on their home, marks it done with a photo as evidence, and finds
that photo on criterion 11's entry form next to the figure it supports; the plans and the
year-end report print as PDF and DOCX that read like the seed document.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from survey_app.core.vntime import today_vn
from tests.e2e.conftest import LiveServer, shoot, sign_in
from tests.survey_app.dossier.helpers import docx_text, pdf_text
from tests.survey_app.plan.seed_reference import SEED_ASSIGNMENTS, SEED_HEADINGS

pytestmark = pytest.mark.e2e

SIZES = {"360": {"width": 360, "height": 740}, "1280": {"width": 1280, "height": 900}}
FORUM_TITLE = "Diễn đàn trẻ em cuối năm: trẻ em góp ý kế hoạch năm sau"
NEW_GOAL = "- Tổ chức ít nhất hai diễn đàn trẻ em trong năm."
PHOTO_NAME = "dien-dan.png"


@pytest.mark.parametrize("size", sorted(SIZES))
def test_plan_pages_fit_the_screen(live_server: LiveServer, browser, size: str) -> None:
    context = browser.new_context(viewport=SIZES[size], locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server, "vhxh")
    page.goto(live_server.url_for("plan.index"))
    shoot(page, f"plan-index-{size}")
    page.locator("main a[href*='/plan/']").first.click()
    page.wait_for_load_state()
    assert page.locator("svg.timeline").count() == 1
    assert "Phân công trách nhiệm" in page.inner_text("main")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[size]["width"], f"the plan page is {width} px wide"
    shoot(page, f"plan-show-{size}")
    page.locator("ol.activities a").first.click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    shoot(page, f"plan-activity-{size}")
    context.close()


def test_youth_union_sees_its_duties_on_its_home(live_server: LiveServer, phone) -> None:
    page = phone()
    sign_in(page, live_server, "doan")
    page.goto(live_server.url_for("staff.index"))
    shoot(page, "plan-unit-home-360")
    assert "Kế hoạch năm của phường" in page.inner_text("main")


def _both(page, name: str) -> None:
    """Screenshots of the current page at 360 px and at 1280 px; neither scrolls sideways."""
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{name} is {width} px wide at {size} px"
        shoot(page, f"{name}-{size}")
    page.set_viewport_size(SIZES["360"])


def _photo() -> bytes:
    image = Image.new("RGB", (240, 160), (250, 230, 200))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _download(page, url: str) -> tuple[str, str]:
    """The text of a downloaded PDF or DOCX (the browser's own signed-in session)."""
    response = page.request.get(url)
    assert response.status == 200, url
    assert response.headers["content-disposition"].startswith("attachment;")
    body = response.body()
    return ("pdf", pdf_text(body)) if url.endswith(".pdf") else ("docx", docx_text(body))


def _plan_id(page) -> int:
    return int(page.url.split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1])


def test_done_when_from_next_years_plan_to_the_criterion_11_form(
    live_server: LiveServer, browser
) -> None:
    today = today_vn()
    this_year, next_year = today.year, today.year + 1
    due = min(today + dt.timedelta(days=14), dt.date(this_year, 12, 31))
    officer = browser.new_context(viewport=SIZES["360"], locale="vi-VN")
    page = officer.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server, "vhxh")

    # 1. Next year's plan, copied from this year's.
    page.goto(live_server.url_for("plan.index"))
    page.fill("input[name=year]", str(next_year))
    page.select_option("select[name=source]", label=f"Kế hoạch năm {this_year}")
    page.click("form[action$='/plan/new'] button[type=submit]")
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert f"năm {next_year}" in main and "Đã tạo kế hoạch" in main, main[:500]
    next_id = _plan_id(page)
    assert f"Thời gian thực hiện: năm {next_year}" in main
    _both(page, "done-when-1-next-year-plan")
    # The copy keeps who is in charge of each criterion (the page that changes it).
    page.click("a:has-text('Sửa phân công tiêu chí')")
    page.wait_for_load_state()
    assert page.locator("select[name=c11]").input_value() == "doan"
    assert page.locator("select[name=c10]").input_value() == "truonghoc"
    _both(page, "done-when-1b-assignment")
    page.goto(live_server.url_for("plan.show", plan_id=next_id))

    # 2. One of its sections edited.
    page.click("#s-goal-specific a:has-text('Sửa phần này')")
    page.wait_for_load_state()
    body = page.locator("textarea[name=body]")
    body.fill(body.input_value() + "\n" + NEW_GOAL)
    _both(page, "done-when-2-edit-section")
    page.click("main form:has(textarea[name=body]) button[type=submit]")
    page.wait_for_load_state()
    assert NEW_GOAL[2:] in page.inner_text("#s-goal-specific")

    # 3. An activity for the youth union with a due date, in this year's plan.
    page.goto(live_server.url_for("plan.index"))
    page.click(f"main a:has-text('Kế hoạch năm {this_year}')")
    page.wait_for_load_state()
    this_id = _plan_id(page)
    page.click("a:has-text('Thêm hoạt động')")
    page.wait_for_load_state()
    page.fill("input[name=title]", FORUM_TITLE)
    page.select_option("select[name=lead]", "doan")
    page.select_option("select[name=supports]", ["truonghoc", "vhxh"])
    page.fill("input[name=start_on]", today.isoformat())
    page.fill("input[name=due_on]", due.isoformat())
    page.select_option("select[name=indicator]", "c11.forum_held")
    _both(page, "done-when-3-new-activity")
    page.click("form.activity-form button[type=submit]")
    page.wait_for_load_state()
    assert FORUM_TITLE in page.inner_text("main h1")
    assert "Đang thực hiện" in page.inner_text("main")

    # 4. The youth-union officer sees it on their home and marks it done with a photo.
    unit = browser.new_context(viewport=SIZES["360"], locale="vi-VN")
    union = unit.new_page()
    union.set_default_timeout(15_000)
    sign_in(union, live_server, "doan")
    union.goto(live_server.url_for("staff.index"))
    duties = union.inner_text("ul.duties")
    assert FORUM_TITLE in duties and f"hạn {due:%d/%m/%Y}" in duties
    _both(union, "done-when-4-union-home")
    union.click(f"ul.duties a:has-text('{FORUM_TITLE[:20]}')")
    union.wait_for_load_state()
    union.set_input_files(
        "input[name=file]", {"name": PHOTO_NAME, "mimeType": "image/png", "buffer": _photo()}
    )
    union.fill("input[name=caption]", "Ảnh diễn đàn")
    union.click("form[action$='/evidence'] button[type=submit]")
    union.wait_for_load_state()
    assert PHOTO_NAME in union.inner_text("ul.evidence")
    union.fill("input[name=done_on]", today.isoformat())
    union.click("form[action$='/done'] button[type=submit]")
    union.wait_for_load_state()
    assert "Đã hoàn thành" in union.inner_text("main")
    _both(union, "done-when-5-activity-done")

    # 5. Criterion 11's entry form shows that evidence (and the demo's own forum evidence).
    round_id = live_server.count(
        "SELECT max(id) FROM assessment_round WHERE strftime('%Y', period_start) = ?",
        str(this_year),
    )
    union.goto(live_server.url_for("criteria.edit", round_id=round_id, section_id="c11"))
    form = union.inner_text("main")
    assert "Đơn vị phụ trách: Đoàn Thanh niên phường" in form
    assert f"Phân công tiêu chí theo Kế hoạch năm {this_year}" in form
    assert f"Minh chứng từ kế hoạch năm {this_year}" in form
    assert PHOTO_NAME in form and FORUM_TITLE in form
    assert "bien-ban.pdf" in form  # the demo's own forum of this year, evidenced
    _both(union, "done-when-6-criterion-11-form")
    unit.close()

    # 6. The plans and the year-end report print as PDF and DOCX that read like the seed.
    page.goto(live_server.url_for("plan.show", plan_id=this_id))
    assert "Đã hoàn thành" in page.inner_text("ol.activities")
    _both(page, "done-when-7-this-year-plan")
    for kind, fmt in (("plan", "pdf"), ("plan", "docx"), ("report", "pdf"), ("report", "docx")):
        url = live_server.url_for(
            "plan_documents.plan_document", plan_id=this_id, kind=kind, fmt=fmt
        )
        _fmt, text = _download(page, url)
        if kind == "plan":
            for line in (*SEED_HEADINGS, *SEED_ASSIGNMENTS):
                assert line in text, (fmt, line)
            assert FORUM_TITLE[:20] in text
        else:
            assert "BÁO CÁO" in text and f"năm {this_year}" in text
            assert FORUM_TITLE[:30] in text and PHOTO_NAME in text
            assert f"{today:%d/%m/%Y}" in text
    for fmt in ("pdf", "docx"):
        url = live_server.url_for(
            "plan_documents.plan_document", plan_id=next_id, kind="plan", fmt=fmt
        )
        _fmt, text = _download(page, url)
        assert NEW_GOAL[2:] in text and f"năm {next_year}" in text
        for line in SEED_ASSIGNMENTS:
            assert line in text, (fmt, line)
    officer.close()
