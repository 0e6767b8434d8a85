"""The public posting in a real browser, at 360 px (phone) and 1280 px (desktop).

A server of its own (the demo's round is taken through the workflow here, so the shared demo
server of the other browser tests stays untouched): the culture-social officer consolidates,
two council members approve, the officer locks and records the posting from today; a
resident without an account opens the public page from the public results, reads the 13
criteria and the period, sends a comment with a phone number in it (masked) and a comment too
short (refused); the officer reads the comment and answers it. Screenshots:
artifacts/screenshots/posting-*-360.png / -1280.png.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.conftest import PHONE, _cfw, _free_port, server_env, serving, shoot
from tests.e2e.test_accessibility import check

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 900}
WIDTHS = {"360": PHONE, "1280": DESKTOP}
COMMENT = "Tiêu chí 12 chưa đúng: sân chơi tổ Mé chưa có đèn. Gọi tôi 0912 345 678."


@dataclass
class PostingServer:
    """A running server on a demo database of its own."""

    base_url: str
    db_path: Path
    passwords: dict[str, str]
    round_id: int

    def count(self, sql: str, *params: object) -> int:
        """One number from the database (read-only)."""
        with sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True) as conn:
            value = conn.execute(sql, params).fetchone()[0]
        conn.close()
        return value

    def text(self, sql: str) -> str:
        """One text value from the database (read-only)."""
        with sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True) as conn:
            value = conn.execute(sql).fetchone()[0]
        conn.close()
        return value


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostingServer]:
    """`cfw init` + `cfw demo` on a temp database, then `cfw serve` for this module."""
    tmp = tmp_path_factory.mktemp("e2e-posting")
    db_path = tmp / "posting.sqlite3"
    port = _free_port()
    env = server_env(db_path, port)
    _cfw("init", env=env)
    demo = _cfw("demo", "--answers", "40", env=env)
    passwords = dict(re.findall(r"^  (\S+)\s+\S+\s+(\S+)$", demo, re.MULTILINE))
    with sqlite3.connect(db_path) as conn:
        round_id = conn.execute("SELECT max(id) FROM assessment_round").fetchone()[0]
    conn.close()
    with serving(env, port, tmp / "server.log"):
        yield PostingServer(env["PUBLIC_BASE_URL"], db_path, passwords, round_id)


def _context(browser, width: str):
    context = browser.new_context(viewport=WIDTHS[width], locale="vi-VN")
    context.set_default_timeout(15_000)
    return context


def _sign_in(page, server: PostingServer, username: str) -> None:
    page.goto(server.base_url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", server.passwords[username])
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{username} could not sign in: {page.url}"


def _step(page, server: PostingServer, action: str, fill: dict[str, str] | None = None) -> None:
    """Take one workflow step from the round page and check it says what happened."""
    page.goto(f"{server.base_url}/rounds/{server.round_id}")
    form = page.locator(f"form[action$='/rounds/{server.round_id}/{action}']")
    for name, value in (fill or {}).items():
        field = form.locator(f"[name='{name}']")
        if value == "check":
            field.check()
        else:
            field.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".flash-success").count() == 1, (action, page.content()[:2000])


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport + 1, f"{page.url}: {width}px wide in a {viewport}px window"


@pytest.fixture(scope="module")
def posted(server: PostingServer, browser) -> PostingServer:
    """The demo round consolidated, approved twice, locked and posted from today."""
    today = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")).date()
    for username, steps in (
        ("vhxh", [("consolidate", None)]),
        ("hoidong", [("approve", None)]),
        ("hoidong2", [("approve", None)]),
        (
            "vhxh",
            [
                ("lock", {"lock-confirm": "check"}),
                ("post", {"post-start": today.isoformat(), "post-days": "7"}),
            ],
        ),
    ):
        context = _context(browser, "1280")
        page = context.new_page()
        _sign_in(page, server, username)
        for action, fill in steps:
            _step(page, server, action, fill)
        context.close()
    return server


@pytest.mark.parametrize("width", WIDTHS)
def test_the_public_posting_page_shows_the_result_and_takes_a_comment(
    posted: PostingServer, browser, width
) -> None:
    context = _context(browser, width)
    page = context.new_page()
    # A resident arrives from the public results page (where a closed poster's QR leads).
    page.goto(f"{posted.base_url}/results/dinh-ke")
    link = page.locator(f"a[href='/posting/dinh-ke/{posted.round_id}']")
    assert link.count() == 1
    shoot(page, f"posting-results-link-{width}", full_page=False)
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/posting/dinh-ke/{posted.round_id}")
    assert page.locator("h1").inner_text() == (
        "Công khai kết quả tự đánh giá phường phù hợp với trẻ em"
    )
    assert page.locator("table.criteria tbody tr").count() == 13
    total = posted.count(
        "SELECT total FROM locked_score WHERE round_id = ? AND active", posted.round_id
    )
    assert page.locator("table.criteria tfoot td strong").inner_text() == str(total)
    assert "Thời gian niêm yết" in page.locator(".period").inner_text()
    _no_sideways_scroll(page)
    shoot(page, f"posting-page-{width}")
    # A comment too short is refused on the page, nothing stored.
    before = posted.count("SELECT count(*) FROM posting_feedback")
    page.fill("textarea[name=text]", "ngắn")
    page.click("#gop-y button[type=submit]")
    page.wait_for_load_state()
    assert "ít nhất 10 ký tự" in page.locator("#gop-y").inner_text()
    assert posted.count("SELECT count(*) FROM posting_feedback") == before
    page.locator("#gop-y").scroll_into_view_if_needed()
    shoot(page, f"posting-form-error-{width}", full_page=False)
    page.fill("textarea[name=text]", COMMENT)
    shoot(page, f"posting-form-{width}", full_page=False)
    page.click("#gop-y button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".flash-success").count() == 1
    assert posted.count("SELECT count(*) FROM posting_feedback") == before + 1
    stored = posted.text("SELECT text FROM posting_feedback ORDER BY id DESC LIMIT 1")
    assert "0912" not in stored and "***" in stored
    _no_sideways_scroll(page)
    shoot(page, f"posting-sent-{width}", full_page=False)
    context.close()


def test_the_officer_reads_and_answers_the_comments(posted: PostingServer, browser) -> None:
    for width in WIDTHS:
        context = _context(browser, width)
        page = context.new_page()
        _sign_in(page, posted, "vhxh")
        page.goto(f"{posted.base_url}/rounds/{posted.round_id}")
        for href in ("notice.pdf", "notice.docx", "dossier.docx", "feedback"):
            assert page.locator(f"a[href='/rounds/{posted.round_id}/{href}']").count() == 1
        shoot(page, f"posting-round-links-{width}")
        page.click(f"a[href='/rounds/{posted.round_id}/feedback']")
        page.wait_for_load_state()
        assert page.locator(".feedback-item").count() >= 1
        _no_sideways_scroll(page)
        item = page.locator(".feedback-item").first
        item.locator("textarea").fill(
            f"Phường sẽ lắp đèn sân chơi tổ Mé trong tháng 12 ({width} px)."
        )
        item.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(".flash-success").count() == 1
        shoot(page, f"posting-feedback-staff-{width}")
        context.close()
    assert posted.count("SELECT count(*) FROM posting_feedback WHERE status = 'answered'") >= 1
    assert posted.count("SELECT count(*) FROM audit_log WHERE action = 'posting.answer'") >= 2


def test_the_posting_pages_pass_axe(posted: PostingServer, browser) -> None:
    """No serious or critical accessibility problem on the public page (and its form error)
    nor on the staff's comment list (the checker is injected, so CSP is bypassed here only)."""
    context = browser.new_context(viewport=PHONE, locale="vi-VN", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{posted.base_url}/posting/dinh-ke/{posted.round_id}")
    check(page, "posting-page")
    page.fill("textarea[name=text]", "ngắn")
    page.click("#gop-y button[type=submit]")
    page.wait_for_load_state()
    check(page, "posting-form-error")
    _sign_in(page, posted, "vhxh")
    page.goto(f"{posted.base_url}/rounds/{posted.round_id}/feedback")
    check(page, "posting-feedback-staff")
    context.close()
