"""Forms of the administration pages (shape only: the rules live in the services)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length, NumberRange, Optional

from survey_app.accounts.users import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from survey_app.admin.setup import AUTHORITY_MAX, MAX_POPULATION, NAME_MAX, REASON_MIN_LENGTH
from survey_app.core.i18n import _l
from survey_app.workspace.round_forms import DayField

REQUIRED = _l("Vui lòng điền mục này.")
COUNCIL_ROLE_LABELS = {
    "chair": _l("Chủ tịch Hội đồng"),
    "vice_chair": _l("Phó Chủ tịch Hội đồng"),
    "member": _l("Thành viên"),
    "secretary": _l("Thư ký"),
}
REASON_HINT = _l("Ghi vào nhật ký thay đổi; ít nhất %(n)d ký tự.", n=REASON_MIN_LENGTH)


def reason_field(required: bool = True) -> StringField:
    """A "why" field kept in the audit log."""
    checks = [InputRequired(REQUIRED), Length(min=REASON_MIN_LENGTH, max=300)]
    return StringField(
        _l("Lý do"),
        validators=checks if required else [Optional(), Length(max=300)],
        description=REASON_HINT,
    )


class WardForm(FlaskForm):
    """The ward: official name (from the list or typed), locality type and the dossier header."""

    province_code = SelectField(_l("Tỉnh, thành phố"), coerce=str, validate_choice=False)
    unit_code = SelectField(
        _l("Xã, phường, đặc khu (theo danh sách sau sắp xếp năm 2025)"),
        coerce=str,
        validate_choice=False,
    )
    other_name = StringField(
        _l("Tên khác, nếu không có trong danh sách"),
        validators=[Optional(), Length(max=NAME_MAX)],
        description=_l("Chỉ dùng khi không chọn được trong danh sách. Ví dụ: Phường Dĩnh Kế."),
    )
    code = StringField(
        _l("Mã phường trong địa chỉ web"),
        validators=[Optional(), Length(max=64)],
        description=_l(
            "Chữ thường không dấu, số và dấu gạch, ví dụ phuong-bac-giang. "
            "Để trống: tạo từ tên. Không đổi được sau khi tạo."
        ),
    )
    locality_type = SelectField(
        _l("Loại địa bàn (quyết định điểm chuẩn)"),
        validators=[InputRequired(_l("Hãy chọn loại địa bàn: nó quyết định điểm đạt chuẩn."))],
        description=_l(
            "Theo Điều 2 Quyết định 06/QĐ-TTg. Chọn đúng loại đã được xác định cho phường; "
            "phần mềm không tự đoán."
        ),
    )
    locality_basis = TextAreaField(
        _l("Căn cứ pháp lý của loại địa bàn"),
        validators=[InputRequired(REQUIRED), Length(max=2000)],
        description=_l(
            "Ví dụ: số, ngày văn bản phân loại đơn vị hành chính "
            "hoặc danh sách xã đặc biệt khó khăn."
        ),
    )
    recognising_authority = StringField(
        _l("Cấp công nhận"),
        validators=[Optional(), Length(max=AUTHORITY_MAX)],
        description=_l("Ví dụ: Chủ tịch UBND tỉnh Bắc Ninh."),
    )
    parent_body = StringField(
        _l("Cơ quan cấp trên (dòng đầu tiêu đề văn bản)"),
        validators=[Optional(), Length(max=NAME_MAX)],
        description=_l("Ví dụ: UBND TỈNH BẮC NINH."),
    )
    chair_name = StringField(
        _l("Chủ tịch Hội đồng đánh giá"), validators=[Optional(), Length(max=NAME_MAX)]
    )
    chair_title = StringField(
        _l("Chức vụ của Chủ tịch Hội đồng"), validators=[Optional(), Length(max=NAME_MAX)]
    )
    signer_name = StringField(_l("Người ký hồ sơ"), validators=[Optional(), Length(max=NAME_MAX)])
    signer_role = SelectField(
        _l("Người ký với tư cách"),
        choices=[
            SelectChoice("chair", _l("Chủ tịch UBND")),
            SelectChoice("vice", _l("KT. Chủ tịch / Phó Chủ tịch")),
        ],
    )
    reason = reason_field(required=False)


class FirstRunForm(WardForm):
    """The set-up page: the one-time code, the first administrator, then the ward."""

    setup_code = StringField(
        _l("Mã thiết lập một lần"),
        validators=[InputRequired(REQUIRED), Length(max=64)],
        description=_l("Lệnh `cfw init` in mã này trên máy chủ."),
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "characters"},
    )
    username = StringField(
        _l("Tên đăng nhập của quản trị viên"),
        validators=[InputRequired(REQUIRED), Length(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    display_name = StringField(_l("Họ và tên"), validators=[Optional(), Length(max=NAME_MAX)])
    position = StringField(_l("Chức vụ"), validators=[Optional(), Length(max=NAME_MAX)])
    password = PasswordField(
        _l("Mật khẩu"),
        validators=[InputRequired(REQUIRED), Length(max=PASSWORD_MAX_LENGTH)],
        description=_l(
            "Ít nhất %(n)d ký tự; nên dùng một câu dễ nhớ gồm nhiều từ.", n=PASSWORD_MIN_LENGTH
        ),
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("Nhập lại mật khẩu"),
        validators=[
            InputRequired(REQUIRED),
            EqualTo("password", _l("Hai lần nhập mật khẩu không giống nhau.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def population_field(label: str) -> IntegerField:
    return IntegerField(
        label,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(0, MAX_POPULATION, _l("Nhập một số nguyên từ 0 đến %(max)d.")),
        ],
    )


class GroupForm(FlaskForm):
    """One residential group."""

    name = StringField(
        _l("Tên tổ dân phố"), validators=[InputRequired(REQUIRED), Length(max=NAME_MAX)]
    )
    children = population_field(_l("Số trẻ em 10–15 tuổi"))
    residents = population_field(_l("Số người dân từ 16 tuổi"))
    reason = reason_field(required=False)


class RetireForm(FlaskForm):
    """Retire a group or bring it back (a reason is required)."""

    reason = reason_field()


class ImportForm(FlaskForm):
    """A CSV file of groups; on confirm, the same content comes back signed in a hidden field."""

    content = HiddenField()
    reason = reason_field(required=False)


class RoundForm(FlaskForm):
    """A new assessment round."""

    name = StringField(
        _l("Tên đợt"),
        validators=[InputRequired(REQUIRED), Length(max=100)],
        description=_l("Ví dụ: Năm 2026 (không trùng với đợt khác của phường)."),
    )
    period_start = DayField(_l("Từ ngày"), validators=[InputRequired(REQUIRED)])
    period_end = DayField(_l("Đến ngày"), validators=[InputRequired(REQUIRED)])
    rule_version = SelectField(_l("Bộ tiêu chí (phiên bản)"))
    instrument_version = SelectField(_l("Bộ câu hỏi khảo sát (phiên bản)"))


class StatusForm(FlaskForm):
    """Open or close a round's survey, with a reason."""

    reason = reason_field()


class AccountForm(FlaskForm):
    """An account: who, role and where (unit for officers, group for leaders)."""

    username = StringField(
        _l("Tên đăng nhập"),
        validators=[InputRequired(REQUIRED), Length(max=64)],
        description=_l("3–64 ký tự: chữ không dấu, chữ số, dấu chấm, _ hoặc -."),
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )
    display_name = StringField(
        _l("Họ và tên"), validators=[InputRequired(REQUIRED), Length(max=NAME_MAX)]
    )
    position = StringField(
        _l("Chức vụ"),
        validators=[Optional(), Length(max=NAME_MAX)],
        description=_l("Ví dụ: Trưởng Công an phường."),
    )
    role = SelectField(_l("Vai trò"))
    unit = SelectField(_l("Đơn vị (chỉ cho cán bộ đơn vị)"), validate_choice=False, coerce=str)
    group_id = SelectField(_l("Tổ dân phố (chỉ cho tổ trưởng)"), validate_choice=False, coerce=str)
    reason = reason_field(required=False)


class EditAccountForm(AccountForm):
    """Editing keeps the username."""

    username = None  # type: ignore[assignment]


class ActionForm(FlaskForm):
    """Disable, enable or reset a password (the reason is optional, kept in the log)."""

    reason = reason_field(required=False)


class CouncilForm(FlaskForm):
    """One council member."""

    name = StringField(_l("Họ và tên"), validators=[InputRequired(REQUIRED), Length(max=NAME_MAX)])
    position = StringField(
        _l("Chức vụ"),
        validators=[Optional(), Length(max=NAME_MAX)],
        description=_l("Ví dụ: Phó Chủ tịch UBND phường; Trưởng Trạm Y tế."),
    )
    council_role = SelectField(
        _l("Vai trò trong Hội đồng"),
        choices=[SelectChoice(key, label) for key, label in COUNCIL_ROLE_LABELS.items()],
        default="member",
    )
    order = IntegerField(
        _l("Thứ tự in"),
        default=0,
        validators=[Optional(), NumberRange(0, 999, _l("Nhập số từ 0 đến %(max)d."))],
    )
    user_id = SelectField(
        _l("Tài khoản phê duyệt (tài khoản Hội đồng)"), validate_choice=False, coerce=str
    )
    reason = reason_field(required=False)


class WardEditForm(WardForm):
    """Changing a ward needs a reason (the locality type sets the threshold)."""

    reason = reason_field()
