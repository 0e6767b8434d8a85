"""The one import point for translations: `_`, `_l`, `ngettext`.

Vietnamese is the source language of the texts users see; English is a translation.
"""

from __future__ import annotations

from flask import Flask, has_request_context, request, session
from flask_babel import Babel, get_locale, gettext, lazy_gettext, ngettext

_ = gettext
_l = lazy_gettext

__all__ = ["_", "_l", "current_language", "init_app", "ngettext"]


def select_locale() -> str:
    """`?lang=` (remembered in the session), else the session's choice, else Vietnamese."""
    from flask import current_app

    if not has_request_context():  # commands and services run outside a request
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked in languages:
        session["lang"] = asked
        return asked
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    """The language of the current request ("vi" or "en")."""
    return str(get_locale() or "vi")


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with our locale selector and translations folder."""
    Babel(app, locale_selector=select_locale, default_translation_directories="translations")
    app.jinja_env.globals["current_language"] = current_language
