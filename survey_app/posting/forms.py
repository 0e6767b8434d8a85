"""Forms of the posting feature: a resident's comment and the ward's answer to it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length

from survey_app.core.i18n import _l
from survey_app.posting.service import LIMITS


class FeedbackForm(FlaskForm):
    """A comment or objection on the posted result (anonymous; masked by the service)."""

    text = TextAreaField(
        _l("Góp ý hoặc kiến nghị của bạn"),
        description=_l(
            "Không ghi họ tên, số điện thoại, số căn cước hay e-mail: hệ thống tự che các số và "
            "địa chỉ e-mail. Tối đa %(n)d ký tự.",
            n=LIMITS["max_chars"],
        ),
        validators=[
            InputRequired(_l("Hãy viết góp ý trước khi gửi.")),
            Length(
                max=LIMITS["max_chars"],
                message=_l("Góp ý dài quá: tối đa %(n)d ký tự.", n=LIMITS["max_chars"]),
            ),
        ],
        render_kw={"rows": 6, "maxlength": LIMITS["max_chars"]},
    )


class AnswerForm(FlaskForm):
    """The ward's answer to one comment (shown to staff and counted in the dossier)."""

    answer = TextAreaField(
        _l("Trả lời của phường"),
        validators=[
            InputRequired(_l("Nhập nội dung trả lời.")),
            Length(
                max=LIMITS["answer_max_chars"],
                message=_l("Trả lời dài quá: tối đa %(n)d ký tự.", n=LIMITS["answer_max_chars"]),
            ),
        ],
        render_kw={"rows": 3, "maxlength": LIMITS["answer_max_chars"]},
    )
