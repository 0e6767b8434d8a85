"""The staff landing page: who you are and what you can do (features add their links)."""

from __future__ import annotations

from flask import Blueprint, render_template

from survey_app.accounts.auth import current_user, login_required
from survey_app.accounts.users import ROLE_LABELS, UNITS
from survey_app.core.i18n import _l

bp = Blueprint("staff", __name__, url_prefix="/staff")

# What each role does here, in words; feature pages add links next to these lines.
ROLE_TASKS = {
    "admin": (_l("Quản lý tài khoản và phân quyền"), _l("Xem nhật ký thay đổi")),
    "vhxh": (
        _l("Tổng hợp 13 tiêu chí của phường"),
        _l("Quản lý đợt đánh giá và phiếu khảo sát"),
        _l("Chuẩn bị hồ sơ đề nghị công nhận"),
    ),
    "unit": (_l("Nhập số liệu các tiêu chí do đơn vị mình phụ trách"),),
    "council": (_l("Xem bảng điểm tổng hợp"), _l("Thẩm định và phê duyệt kết quả")),
    "leader": (_l("Xem kết quả khảo sát của tổ dân phố mình"),),
    "viewer": (_l("Xem bảng điểm và kết quả khảo sát"),),
}


@bp.get("/")
@login_required
def index() -> str:
    """Greets the signed-in user by role and lists what they can do."""
    user = current_user()
    assert user is not None  # login_required
    return render_template(
        "home/staff.html",
        user=user,
        role_label=ROLE_LABELS[user.role],
        unit_name=UNITS.get(user.unit or "", {}),
        tasks=ROLE_TASKS.get(user.role, ()),
    )
