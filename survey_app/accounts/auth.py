"""Who is signed in, and what they may do: sessions, and decorators that read the permissions.

The signed session cookie holds the user id, the account's ``session_version`` and two
timestamps (sign-in and last activity). Every staff request reloads the user: a disabled
account or a bumped ``session_version`` (disable, password change or reset, sign-out) ends
the session at once; so do the idle and absolute timeouts from the config.

Who may do what is the table of `survey_app.core.permissions`: `require(permission)` guards a
view, `can(permission)` answers a page's question; the scope rules (`can_read_unit`,
`can_edit_unit`, `can_see_group`, `can_access_ward`) are the table's and are re-exported here.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, flash, g, redirect, request, session, url_for

from survey_app.core import permissions
from survey_app.core.db import get_session
from survey_app.core.i18n import _
from survey_app.core.permissions import can_access_ward, can_edit_unit, can_read_unit, can_see_group
from survey_app.models import User

F = TypeVar("F", bound=Callable[..., Any])
SESSION_KEY = "auth"
_MISSING = object()
# Endpoints a user who must change their password may still reach.
PASSWORD_CHANGE_ENDPOINTS = frozenset({"auth.change_password", "auth.logout", "static"})


def clock() -> float:
    """Seconds since the epoch; tests monkeypatch this to move time."""
    return time.time()


def start_session(user: User) -> None:
    """A fresh session for ``user``: everything from before sign-in is dropped (no fixation)."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    now = int(clock())
    session[SESSION_KEY] = {"uid": user.id, "sv": user.session_version, "t0": now, "t": now}
    g.cfw_user = user
    g.cfw_private = True


def end_session() -> None:
    """Forget the signed-in user (keeps nothing else either)."""
    session.clear()
    g.cfw_user = None


def _session_expired(data: dict[str, Any], now: float) -> bool:
    config = current_app.config
    started, seen = data.get("t0", 0), data.get("t", 0)
    return (
        now - started >= config["SESSION_ABSOLUTE_TIMEOUT_S"]
        or now - seen >= config["SESSION_IDLE_TIMEOUT_S"]
    )


def current_user() -> User | None:
    """The signed-in, active user of this request, or None (cached on ``g``)."""
    cached = g.get("cfw_user", _MISSING)
    if cached is not _MISSING:
        return cached  # type: ignore[return-value]
    g.cfw_user = None
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    g.cfw_private = True  # a signed-in browser's pages are never cached
    now = clock()
    if _session_expired(data, now):
        end_session()
        g.cfw_session_expired = True
        return None
    user = get_session().get(User, data.get("uid"))
    if user is None or not user.active or user.session_version != data.get("sv"):
        end_session()
        return None
    data["t"] = int(now)
    session[SESSION_KEY] = data  # reassign so the cookie is re-signed with the new time
    g.cfw_user = user
    return user


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site (no scheme, no host), else None."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _login_redirect() -> Any:
    if g.get("cfw_session_expired"):
        flash(_("Phiên làm việc đã hết hạn, vui lòng đăng nhập lại."), "error")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def login_required(view: F) -> F:
    """Only signed-in users; anonymous → sign-in page; must-change-password → change page."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        g.cfw_private = True
        user = current_user()
        if user is None:
            return _login_redirect()
        if user.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
            return redirect(url_for("auth.change_password"))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def require(permission: str) -> Callable[[F], F]:
    """Only signed-in users whose role holds ``permission`` (see permissions.toml); others 403.

    An unknown permission name fails here, when the view is decorated. The permission is
    recorded on the view (``cfw_permission``) so the role × route test can read it.
    """
    permissions.check(permission)

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is not None and not permissions.has(user.role, permission):
                abort(403)
            return view(*args, **kwargs)

        checked.cfw_permission = permission  # type: ignore[attr-defined]
        return login_required(checked)  # type: ignore[return-value]

    return decorator


def can(permission: str, user: User | None = None) -> bool:
    """True when ``user`` (default: the signed-in user) is active and holds ``permission``."""
    permissions.check(permission)
    user = user if user is not None else current_user()
    return user is not None and user.active and permissions.has(user.role, permission)


def require_same_ward(user: User | None, ward_id: int | None) -> None:
    """Abort with 404 unless ``user`` may work on ``ward_id`` (see `can_access_ward`): another
    ward's object answers like one that does not exist (prefer the lookups of accounts/scope)."""
    if not can_access_ward(user, ward_id):
        abort(404)


def require_group(user: User | None, group_id: int) -> None:
    """Abort with 403 unless ``user`` may see residential group ``group_id``."""
    if not can_see_group(user, group_id):
        abort(403)


def init_app(app: Flask) -> None:
    """Expose `current_user`, `can` and the scope helpers to templates."""
    app.jinja_env.globals.update(
        current_user=current_user,
        can=can,
        can_edit_unit=can_edit_unit,
        can_read_unit=can_read_unit,
        can_see_group=can_see_group,
    )


__all__ = [
    "can",
    "can_access_ward",
    "can_edit_unit",
    "can_read_unit",
    "can_see_group",
    "clock",
    "current_user",
    "end_session",
    "login_required",
    "require",
    "require_group",
    "require_same_ward",
    "safe_next",
    "start_session",
]
