"""Helpers shared by the staff workspace's blueprints (criteria, scorecard, rounds)."""

from __future__ import annotations

from typing import Any

from survey_app.core.i18n import _
from survey_app.core.security import error_response
from survey_app.workspace.criteria import WorkspaceError


def concurrent_change() -> tuple[Any, int]:
    """409 when two people saved the same thing at once (a unique row raced); nothing was saved."""
    return error_response(
        409, message=_("Vừa có người khác lưu cùng mục này. Hãy tải lại trang rồi làm lại.")
    )


def refused(exc: WorkspaceError) -> tuple[Any, int]:
    """The error page of a refused step: its status and the message saying what to do."""
    return error_response(exc.status, message=str(exc))
