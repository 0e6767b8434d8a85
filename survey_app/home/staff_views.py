"""The staff landing page: who you are, what your role does, and the pages you may open."""

from __future__ import annotations

from flask import Blueprint, render_template

from survey_app.accounts.auth import current_user, login_required
from survey_app.accounts.users import UNITS
from survey_app.core import permissions
from survey_app.core.db import get_session
from survey_app.core.i18n import _l, current_language
from survey_app.core.vntime import today_vn
from survey_app.plan.overview import my_activities
from survey_app.plan.service import plan_of

bp = Blueprint("staff", __name__, url_prefix="/staff")

# The pages a staff member starts from: (permission that opens it, endpoint, what it is for).
# The page shows each line only to a user who `can(...)` its permission (the permissions table,
# survey_app/data/permissions.toml), so it never promises something the user cannot open.
LINKS = (
    (
        "admin.ward",
        "admin.index",
        _l("Quản trị phường: thông tin, tổ dân phố, đợt đánh giá, tài khoản, Hội đồng"),
    ),
    ("posters.manage", "posters.index", _l("Áp phích, mã QR và phiếu giấy của các tổ")),
    (
        "groups.see_own",
        "leader.home",
        _l("Trang của tổ dân phố: áp phích, tiến độ, đường dẫn chia sẻ"),
    ),
    (
        "survey.dashboard",
        "dashboard.latest",
        _l("Khảo sát tiêu chí 13: tiến độ, kết quả, phiếu bị đánh dấu"),
    ),
    ("rounds.read", "rounds.index", _l("Đợt đánh giá: số liệu các tiêu chí, bảng điểm, phê duyệt")),
    ("plan.read", "plan.index", _l("Kế hoạch năm của phường: nhiệm vụ, hoạt động, minh chứng")),
    (
        "rules.manage",
        "rules.index",
        _l("Các phiên bản bộ tiêu chí: bảng điểm, dòng tạm tính, rà soát, tải lên"),
    ),
    (
        "audit.browse",
        "audit_log.index",
        _l("Nhật ký thay đổi: tra cứu, kiểm tra chuỗi, in mã đầu chuỗi"),
    ),
)
for _permission, _endpoint, _label in LINKS:
    permissions.check(_permission)


@bp.get("/")
@login_required
def index() -> str:
    """Greets the signed-in user by role, says what the role does, links to their pages."""
    user = current_user()
    assert user is not None  # login_required
    lang = current_language()
    return render_template(
        "home/staff.html",
        user=user,
        role_label=permissions.role_label(user.role, lang),
        role_description=permissions.role_description(user.role, lang),
        unit_name=UNITS.get(user.unit or "", {}),
        links=LINKS,
        duties=_duties(user, lang),
    )


def _duties(user, lang: str) -> list:
    """The open activities that concern the user in this year's plan and, once the ward has
    made it (from late in the year), next year's; none without a ward or plan."""
    if user.ward_id is None or not permissions.has(user.role, "plan.read"):
        return []
    today, session = today_vn(), get_session()
    rows = []
    for year in (today.year, today.year + 1):
        rows += my_activities(plan_of(session, user.ward_id, year), user, lang, today)
    return sorted(rows, key=lambda row: row.due_on)
