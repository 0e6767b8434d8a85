"""Where the project's files are: one place, so a moved module never miscounts its parents."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # survey_app/
ROOT = PACKAGE.parent  # the checkout: templates/, static/, examples/
TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"
FONTS = STATIC / "fonts"
EXAMPLES = ROOT / "examples"
DATA = PACKAGE / "data"
MIGRATIONS = PACKAGE / "migrations"
TRANSLATIONS = PACKAGE / "translations"
