"""Forms shared by every feature."""

from __future__ import annotations

from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """A form with no fields: POST-only buttons (sign out, approve, ...) still carry CSRF."""
