"""The one import point for translations: `_`, `_l`, `ngettext`.

Vietnamese is the source language of the texts users see; English is a translation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, get_locale, gettext, lazy_gettext, ngettext

_ = gettext
_l = lazy_gettext

__all__ = ["_", "_l", "current_language", "document_language", "init_app", "ngettext"]


V = TypeVar("V", bound=Callable[..., Any])


def document_language(view: V) -> V:
    """Mark a view whose `?lang=` is the language of the document it makes (a poster, a paper
    questionnaire), not the user's: the pages stay in the language the user chose."""
    view.document_language = True  # type: ignore[attr-defined]
    return view


def _asked() -> str | None:
    """The user's `?lang=` of this request, if valid (None on a document-language view)."""
    asked = request.args.get("lang")
    if asked not in current_app.config["LANGUAGES"]:
        return None
    view = current_app.view_functions.get(request.endpoint or "")
    return None if getattr(view, "document_language", False) else asked


def remember_language() -> None:
    """Keep `?lang=` in the session, on every request (a hook before each view).

    Babel asks `select_locale` only when something is translated, so a view that only
    redirects (``/survey`` → the round's dashboard, ``/admin/`` → the ward) would otherwise
    forget the choice before the page it leads to is drawn.
    """
    asked = _asked()
    if asked is not None and session.get("lang") != asked:
        session["lang"] = asked


def select_locale() -> str:
    """`?lang=` (remembered in the session by `remember_language`), else the session's
    choice, else Vietnamese."""
    if not has_request_context():  # commands and services run outside a request
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    asked = _asked()
    if asked is not None:
        return asked
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    """The language of the current request ("vi" or "en")."""
    return str(get_locale() or "vi")


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with our locale selector and translations folder; remember `?lang=`."""
    Babel(app, locale_selector=select_locale, default_translation_directories="translations")
    app.before_request(remember_language)
    app.jinja_env.globals["current_language"] = current_language
