"""Which lifecycle step a user may take on a round now, and how steps and stages are named.

The read side of survey_app/workspace/lifecycle.py (which takes the steps): the guards
(`check_step`, `allowed_actions`) and the wording in the request's language, all read from
the table of survey_app/core/lifecycle.py.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from survey_app.core import lifecycle as table
from survey_app.core.i18n import _
from survey_app.core.permissions import can_access_ward, check, has
from survey_app.models import AssessmentRound, User
from survey_app.workspace import procedure
from survey_app.workspace.criteria import WorkspaceError, lang
from survey_app.workspace.scorecard import active_lock
from survey_app.workspace.workflow import stage, workflow

# The permission of each step is named by the table (who holds it: data/permissions.toml).
PERMISSIONS = {step: check(move.permission) for step, move in table.TRANSITIONS.items()}


def step_label(step: str) -> str:
    """The step's label in the request's language."""
    return table.transition(step).title(lang())


def stage_label(current: str) -> str:
    """The stage's label in the request's language."""
    return table.state(current).title(lang())


def stage_labels() -> dict[str, str]:
    """Every stage's label, in order."""
    return {s: stage_label(s) for s in table.STAGES}


def done_message(step: str, current: str) -> str:
    """What the page says after ``step``: what happened, then what comes next."""
    text = table.transition(step).done_text(lang())
    following = table.next_step(current)
    if following is None:
        return text
    return text + " " + _("Bước tiếp theo: “%(next)s”.", next=step_label(following))


def allowed_actions(session: Session, round_: AssessmentRound, user: User | None) -> list[str]:
    """The steps ``user`` may take on the round now (the page shows them as buttons)."""
    if user is None or not can_access_ward(user, round_.ward_id):
        return []
    flow = workflow(session, round_.id)
    current = flow.stage if flow else "entering"
    actions = [
        step
        for step in table.TRANSITIONS
        if table.may_start(step, current, round_.status) and has(user.role, PERMISSIONS[step])
    ]
    if "approve" in actions and flow is not None and flow.first_approved_by_id == user.id:
        actions.remove("approve")  # the second approval must be somebody else's
    if "allow_provisional" in actions and not needs_provisional_override(session, round_.id):
        actions.remove("allow_provisional")
    return actions


def check_step(session: Session, round_: AssessmentRound, step: str, actor: User | None) -> None:
    """Raise `WorkspaceError` unless ``actor`` may take ``step`` now (403 role, 409 order).

    ``actor`` None is the command line (the operator of the server).
    """
    if actor is not None and (
        not can_access_ward(actor, round_.ward_id) or not has(actor.role, PERMISSIONS[step])
    ):
        raise WorkspaceError(_("Tài khoản của bạn không được thực hiện bước này."), status=403)
    current = stage(session, round_.id)
    if table.may_start(step, current, round_.status):
        return
    move = table.transition(step)
    if move.survey and not move.target and current in move.sources:
        already = _("Khảo sát đang mở.") if round_.status == "open" else _("Khảo sát đã đóng.")
        raise WorkspaceError(already, status=409)
    if move.survey == "open" and table.figures_frozen(current):
        raise WorkspaceError(
            _(
                "Không mở được khảo sát: kết quả đợt đánh giá đã khóa. "
                "Muốn nhận thêm câu trả lời, hãy “%(reopen)s” (ghi rõ lý do).",
                reopen=step_label("reopen"),
            ),
            status=409,
        )
    following = table.next_step(current)
    raise WorkspaceError(
        _(
            "Không thực hiện được “%(action)s”: đợt đánh giá đang ở bước “%(stage)s”. "
            "Bước tiếp theo: “%(next)s”.",
            action=step_label(step),
            stage=stage_label(current),
            next=step_label(following) if following else _("không còn bước nào"),
        ),
        status=409,
    )


def needs_provisional_override(session: Session, round_id: int) -> bool:
    """True when the locked score used provisional rows and nobody has allowed sending yet."""
    return procedure.needs_override(active_lock(session, round_id), workflow(session, round_id))


__all__ = [
    "PERMISSIONS",
    "allowed_actions",
    "check_step",
    "done_message",
    "needs_provisional_override",
    "stage_label",
    "stage_labels",
    "step_label",
]
