"""Administration pages in a real browser, at 360 px (phone) and 1280 px (desktop).

The demo's administrator ("admin", a ward administrator of Dĩnh Kế) walks every admin page,
creates a council account and a council member, adds a group, previews a CSV import and sees
the survey links; a second server on an empty database shows the first-run page. Each page is
screenshotted at both widths (artifacts/screenshots/admin-*-360.png / -1280.png).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    PHONE,
    LiveServer,
    _cfw,
    _free_port,
    server_env,
    serving,
    shoot,
    sign_in,
)

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 900}
WIDTHS = {"360": PHONE, "1280": DESKTOP}


def _ward_id(server: LiveServer) -> int:
    return server.count("SELECT id FROM ward WHERE code = 'dinh-ke'")


def _no_sideways_scroll(page) -> None:
    """The page itself never scrolls sideways (wide tables scroll inside their box)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport + 1, f"{page.url}: {width}px wide in a {viewport}px window"


@pytest.fixture
def admin_page(live_server: LiveServer, browser):
    """Factory: a signed-in admin page at a width ("360" or "1280")."""
    contexts = []

    def _open(width: str):
        context = browser.new_context(viewport=WIDTHS[width], locale="vi-VN")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, live_server, "admin")
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_every_admin_page_renders_and_fits(live_server: LiveServer, admin_page, width) -> None:
    page = admin_page(width)
    ward_id = _ward_id(live_server)
    round_id = live_server.groups[0]["round_id"]
    pages = {
        "home": ("admin.ward_home", {}),
        "ward": ("admin.ward_edit", {}),
        "groups": ("admin_groups.index", {}),
        "import": ("admin_groups.import_page", {}),
        "rounds": ("admin_rounds.index", {}),
        "links": ("admin_rounds.links", {"round_id": round_id}),
        "people": ("admin_people.index", {}),
        "person-new": ("admin_people.create", {}),
        "council": ("admin_people.council_index", {}),
    }
    for name, (endpoint, values) in pages.items():
        response = page.goto(live_server.url_for(endpoint, ward_id=ward_id, **values))
        assert response.status == 200, (name, response.status)
        assert page.locator("h1").count() == 1
        _no_sideways_scroll(page)
        shoot(page, f"admin-{name}-{width}")
    # the staff home links here
    page.goto(live_server.url_for("staff.index"))
    assert page.locator("a[href='/admin/']").count() == 1


def test_ward_page_lists_units_of_the_chosen_province_without_js(
    live_server: LiveServer, browser
) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, "admin")
    page.goto(live_server.url_for("admin.ward_edit", ward_id=_ward_id(live_server)))
    page.select_option("select[name=province_code]", label="Bắc Ninh")
    page.click("button[value=pick_province]")
    options = page.locator("select[name=unit_code] option")
    assert options.count() == 100  # 99 units of Bắc Ninh after the reform, and "choose"
    page.select_option("select[name=unit_code]", label="Phường Bắc Giang")
    page.fill("input[name=reason]", "tên mới sau sắp xếp 2025")
    page.click("button[value=save]")
    assert page.locator(".flash-success").count() == 1
    assert live_server.count("SELECT count(*) FROM ward WHERE name = 'Phường Bắc Giang'") == 1
    shoot(page, "admin-ward-saved-360")
    context.close()


def test_admin_creates_a_council_account_and_lists_the_person(
    live_server: LiveServer, admin_page
) -> None:
    page = admin_page("360")
    ward_id = _ward_id(live_server)
    page.goto(live_server.url_for("admin_people.create", ward_id=ward_id))
    page.fill("input[name=username]", "hoidong3")
    page.fill("input[name=display_name]", "Phạm Thị Hồng")
    page.fill("input[name=position]", "Chủ tịch Hội Phụ nữ phường")
    page.select_option("select[name=role]", "council")
    page.click("main form button[type=submit]")
    password = page.locator("#otp").inner_text().strip()
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", password), password
    shoot(page, "admin-password-once-360")
    page.goto(live_server.url_for("admin_people.council_index", ward_id=ward_id))
    page.fill("input[name=name]", "Phạm Thị Hồng")
    page.fill("input[name=position]", "Chủ tịch Hội Phụ nữ phường")
    page.select_option("select[name=user_id]", label="Phạm Thị Hồng (hoidong3)")
    page.click("main form.admin-form button[type=submit]")
    assert page.locator("td", has_text="Phạm Thị Hồng").count() == 1
    shoot(page, "admin-council-added-360")
    # a bad entry: a 4xx page that says why, nothing saved
    page.fill("input[name=name]", "")
    response_status = []
    page.on(
        "response",
        lambda r: response_status.append(r.status) if r.request.method == "POST" else None,
    )
    page.click("main form.admin-form button[type=submit]")
    assert 422 in response_status
    assert page.locator(".flash-error").count() >= 1


def test_group_import_preview_shows_the_changes_before_saving(
    live_server: LiveServer, admin_page, tmp_path: Path
) -> None:
    page = admin_page("1280")
    ward_id = _ward_id(live_server)
    csv_file = tmp_path / "groups.csv"
    csv_file.write_bytes(
        b"\xef\xbb\xbf"  # Excel's "CSV UTF-8" starts with a BOM
        + "name,children,residents\r\nTổ dân phố Mé,150,1400\r\nTổ dân phố Mới,40,380\r\n".encode()
    )
    before = live_server.count("SELECT count(*) FROM residential_group")
    page.goto(live_server.url_for("admin_groups.import_page", ward_id=ward_id))
    page.set_input_files("input[type=file]", str(csv_file))
    page.click("main form button[type=submit]")
    assert page.locator("td", has_text="Tổ dân phố Mới").count() == 1
    assert live_server.count("SELECT count(*) FROM residential_group") == before  # not yet
    shoot(page, "admin-import-preview-1280")
    page.click("main form button[type=submit]")
    assert live_server.count("SELECT count(*) FROM residential_group") == before + 1
    shoot(page, "admin-import-saved-1280")


def test_links_page_warns_about_a_loopback_address(live_server: LiveServer, admin_page) -> None:
    page = admin_page("360")
    round_id = live_server.groups[0]["round_id"]
    page.goto(
        live_server.url_for("admin_rounds.links", ward_id=_ward_id(live_server), round_id=round_id)
    )
    assert page.locator(".warn-banner").count() == 1  # the live server runs on 127.0.0.1
    copy = page.locator("button.copy").first
    assert copy.is_visible()  # copy.js shows the buttons


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """`cfw init` on an empty database (no demo) and `cfw serve`: (base URL, set-up code)."""
    tmp = tmp_path_factory.mktemp("e2e-empty")
    port = _free_port()
    env = server_env(tmp / "empty.sqlite3", port)
    out = _cfw("init", env=env)
    code = re.search(r"one-time set-up code: (\S+)", out).group(1)
    with serving(env, port, tmp / "server.log"):
        yield env["PUBLIC_BASE_URL"], code


def test_first_run_creates_the_ward_and_admin(empty_server, browser) -> None:
    base_url, code = empty_server
    for width, viewport in WIDTHS.items():
        context = browser.new_context(viewport=viewport, locale="vi-VN")
        page = context.new_page()
        page.goto(base_url + "/login")
        assert page.url.endswith("/setup")
        _no_sideways_scroll(page)
        shoot(page, f"admin-first-run-{width}")
        context.close()
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    page.goto(base_url + "/setup")
    page.fill("input[name=setup_code]", code)
    page.select_option("select[name=province_code]", label="Bắc Ninh")
    page.click("button[value=pick_province]")  # the page comes back with Bắc Ninh's units
    page.fill("input[name=username]", "quantri")
    page.fill("input[name=display_name]", "Nguyễn Văn Quản")
    page.fill("input[name=password]", "mot cau de nho cua phuong")
    page.fill("input[name=confirm_password]", "mot cau de nho cua phuong")
    page.fill("#unit-filter", "bac giang")  # the optional filter narrows the long list
    page.select_option("select[name=unit_code]", label="Phường Bắc Giang")
    page.select_option("select[name=locality_type]", "other")
    page.fill("textarea[name=locality_basis]", "Nghị quyết 1658/NQ-UBTVQH15 (2025)")
    page.fill("input[name=recognising_authority]", "Chủ tịch UBND tỉnh Bắc Ninh")
    page.click("button[value=save]")
    assert "/admin/wards/" in page.url, page.locator(".flash-error").all_inner_texts()
    assert page.locator("h1", has_text="Phường Bắc Giang").count() == 1
    shoot(page, "admin-first-run-done-360")
    page.goto(base_url + "/setup")
    assert "/setup" not in page.url  # never again: sign-in, which sends a signed-in user home
    context.close()
