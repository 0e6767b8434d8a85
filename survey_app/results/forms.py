"""The review decision on a flagged survey response (CSRF via FlaskForm)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from survey_app.core.i18n import _l
from survey_app.results.review import REASON_MAX_CHARS

DECISIONS = (
    SelectChoice("kept", _l("Giữ lại (tính vào kết quả)")),
    SelectChoice("excluded", _l("Loại (không tính)")),
    SelectChoice("pending", _l("Chờ xem xét lại")),
)


class ReviewForm(FlaskForm):
    """Keep, exclude or re-open one response, with the reason the audit log keeps."""

    decision = RadioField(
        _l("Quyết định"),
        choices=list(DECISIONS),
        validators=[DataRequired(message=_l("Hãy chọn một quyết định."))],
    )
    reason = StringField(
        _l("Lý do"),
        validators=[
            DataRequired(message=_l("Hãy ghi lý do của quyết định.")),
            Length(max=REASON_MAX_CHARS),
        ],
    )


class BulkReviewForm(ReviewForm):
    """The same decision and reason for every ticked response (the ids come as "ids")."""


COMMENT_DECISIONS = (
    SelectChoice("quotable", _l("Được trích dẫn")),
    SelectChoice("withheld", _l("Không trích dẫn")),
    SelectChoice("unreviewed", _l("Chưa xem xét")),
)


class CommentReviewForm(FlaskForm):
    """Whether one masked comment may be quoted; the note is optional (audited either way)."""

    decision = RadioField(
        _l("Quyết định"),
        choices=list(COMMENT_DECISIONS),
        validators=[DataRequired(message=_l("Hãy chọn một quyết định."))],
    )
    reason = StringField(_l("Ghi chú (không bắt buộc)"), validators=[Length(max=REASON_MAX_CHARS)])
