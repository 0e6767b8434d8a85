"""Free-text comments for staff: always masked, and quoted only after a reviewer says so.

Every comment is read through `survey_app.results.masking.mask_comment` (so a comment stored
before a masking rule was added is masked by it too). A staff reviewer reads the masked text
and marks it "quotable" or "withheld" (audited, one transaction each); only quotable comments
appear in any quoted place (`quotable_comments`: the public results page, a dossier). The
raw export never carries a child's comment unless it is quotable (survey_app.results.exports).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.audit import log as audit
from survey_app.core.db import write_transaction
from survey_app.core.i18n import _
from survey_app.models import AssessmentRound, ResidentialGroup, Response
from survey_app.models.responses import COMMENT_REVIEWS
from survey_app.results.masking import mask_comment
from survey_app.results.review import REASON_MAX_CHARS, ReviewError, may_review

if TYPE_CHECKING:
    from survey_app.models import User

SHOWN = ("unreviewed", "quotable", "withheld", "all")  # the filters of the comments page


@dataclass(frozen=True, slots=True)
class Comment:
    """One masked comment as staff see it (no answers, age band or gender next to it)."""

    response_id: int
    audience: str
    group_name: str
    text: str  # masked
    review: str


@dataclass(frozen=True, slots=True)
class CommentPage:
    items: tuple[Comment, ...]
    total: int  # comments matching the filter
    counts: dict[str, int]  # comments per review state, whatever the filter
    limit: int
    offset: int


def _has_comment():
    return func.coalesce(Response.comment, "") != ""


def comment_page(
    session: Session, round_id: int, *, show: str = "unreviewed", limit: int = 50, offset: int = 0
) -> CommentPage:
    """The round's comments (masked), unreviewed first, newest first within a state."""
    show = show if show in SHOWN else "unreviewed"
    where = [Response.round_id == round_id, _has_comment()]
    counts = dict.fromkeys(COMMENT_REVIEWS, 0)
    for state, n in session.execute(
        select(Response.comment_review, func.count())
        .where(*where)
        .group_by(Response.comment_review)
    ):
        counts[state] = int(n)
    if show != "all":
        where.append(Response.comment_review == show)
    total = session.scalar(select(func.count()).select_from(Response).where(*where)) or 0
    rows = session.execute(
        select(Response.id, Response.audience, ResidentialGroup.name, Response.comment)
        .add_columns(Response.comment_review)
        .join(ResidentialGroup, ResidentialGroup.id == Response.group_id)
        .where(*where)
        .order_by(Response.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    items = tuple(
        Comment(rid, audience, name, mask_comment(text) or "", state)
        for rid, audience, name, text, state in rows
    )
    return CommentPage(items, int(total), counts, limit, offset)


def quotable_comments(session: Session, round_id: int, *, limit: int = 20) -> tuple[Comment, ...]:
    """The comments a reviewer allowed to be quoted, masked: the only ones a quote may use."""
    rows = session.execute(
        select(Response.id, Response.audience, ResidentialGroup.name, Response.comment)
        .join(ResidentialGroup, ResidentialGroup.id == Response.group_id)
        .where(
            Response.round_id == round_id,
            _has_comment(),
            Response.comment_review == "quotable",
        )
        .order_by(Response.id)
        .limit(limit)
    ).all()
    return tuple(
        Comment(rid, audience, name, mask_comment(text) or "", "quotable")
        for rid, audience, name, text in rows
    )


def review_comment(
    session: Session,
    response_id: int,
    decision: str,
    *,
    actor: User | None,
    reason: str = "",
) -> tuple[str, str]:
    """Mark one comment "quotable", "withheld" or "unreviewed" again; (old, new), audited.

    The audit row keeps the masked text that was approved, so a later change of the masking
    rules cannot silently change what was allowed. Raises ReviewError (400, 403, 404).
    """
    if decision not in COMMENT_REVIEWS:
        raise ReviewError(
            _("Quyết định không hợp lệ: %(value)s.", value=str(decision)[:40]), status=400
        )
    reason = " ".join(str(reason or "").split())
    if len(reason) > REASON_MAX_CHARS:
        raise ReviewError(_("Lý do quá dài (tối đa %(n)s ký tự).", n=REASON_MAX_CHARS), status=400)
    with write_transaction(session):
        response = session.execute(
            select(Response).where(Response.id == response_id).with_for_update()
        ).scalar_one_or_none()
        if response is None or not response.comment:
            raise ReviewError(_("Không tìm thấy ý kiến này."), status=404)
        ward_id = session.execute(
            select(AssessmentRound.ward_id).where(AssessmentRound.id == response.round_id)
        ).scalar_one()
        if actor is not None and not may_review(actor, ward_id):
            raise ReviewError(_("Tài khoản của bạn không được xem xét ý kiến."), 403)
        old = response.comment_review
        if old == decision:
            return old, decision
        response.comment_review = decision
        audit.record(
            session,
            action="survey.comment_review",
            entity="response",
            entity_id=response.id,
            old={"comment_review": old},
            new={"comment_review": decision, "masked": mask_comment(response.comment)},
            reason=reason,
            actor=actor,
            ward_id=ward_id,
        )
        return old, decision


__all__ = [
    "Comment",
    "CommentPage",
    "comment_page",
    "quotable_comments",
    "review_comment",
]
