"""`cfw translate`: keep the English catalogue complete (Vietnamese is the source language).

Several people may add strings at once, so every command that writes the catalogue
holds a file lock while it extracts, merges and compiles.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import click

from survey_app.core import paths

ROOT = paths.ROOT
TRANSLATIONS = ROOT / "survey_app" / "translations"
CATALOGUE = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"


def _pybabel(*args: str) -> None:
    exe = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(exe), "-q", *args], cwd=ROOT, check=True)


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    with open(TRANSLATIONS / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def extract_template(target: Path) -> None:
    """Extract every translatable string of the code and templates into a .pot file."""
    # `_l` is our lazy gettext (i18n.py): pybabel does not know it by default.
    _pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "--no-location",
        "--omit-header",
        "-o",
        str(target),
        ".",
    )


def missing_translations() -> list[str]:
    """Msgids of the code that have no English translation (or are marked fuzzy)."""
    from babel.messages.pofile import read_po

    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        extract_template(pot)
        with pot.open("rb") as fh:
            wanted = {m.id for m in read_po(fh) if m.id}
    with CATALOGUE.open("rb") as fh:
        catalogue = read_po(fh)
    missing = []
    for msgid in sorted(wanted, key=str):
        message = catalogue.get(msgid)
        empty = (
            message is None
            or not message.string
            or (isinstance(message.string, tuple) and not all(message.string))
        )
        if empty or (message is not None and message.fuzzy):
            missing.append(msgid if isinstance(msgid, str) else msgid[0])
    return missing


def _update_catalogue(pot: Path) -> None:
    """Merge a fresh template into the catalogue, keeping translations, dropping dead strings."""
    _pybabel(
        "update",
        "--no-fuzzy-matching",
        "--ignore-obsolete",
        "-i",
        str(pot),
        "-d",
        str(TRANSLATIONS),
    )


@click.group("translate")
def translate() -> None:
    """Keep the English translation complete."""


@translate.command("update")
def update() -> None:
    """Extract new strings into the catalogue (keeping existing translations) and compile."""
    with _locked(), tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        extract_template(pot)
        _update_catalogue(pot)
        _pybabel("compile", "-d", str(TRANSLATIONS))
    click.echo(f"Updated {CATALOGUE.relative_to(ROOT)}")


@translate.command("add")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def add(source: Path) -> None:
    """Merge translations from a JSON file {"Vietnamese msgid": "English", ...} and compile.

    Plural entries take a list: {"msgid": ["one", "other"]}.
    """
    from babel.messages.pofile import read_po, write_po

    try:
        pairs = json.loads(source.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise click.ClickException(f"{source}: not valid UTF-8 JSON: {exc}") from exc
    if not isinstance(pairs, dict):
        raise click.ClickException(f"{source}: expected an object of msgid → English")
    with _locked(), tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        extract_template(pot)
        _update_catalogue(pot)
        with CATALOGUE.open("rb") as fh:
            catalogue = read_po(fh, locale="en")
        unknown = []
        for msgid, english in pairs.items():
            message = catalogue.get(msgid)
            if message is None:
                # A plural entry is keyed by its singular msgid.
                message = next(
                    (m for m in catalogue if isinstance(m.id, tuple) and m.id[0] == msgid), None
                )
            if message is None:
                unknown.append(msgid)
                continue
            message.string = tuple(english) if isinstance(english, list) else english
            message.flags.discard("fuzzy")
        with CATALOGUE.open("wb") as fh:
            write_po(fh, catalogue, width=100, omit_header=False)
        _pybabel("compile", "-d", str(TRANSLATIONS))
    click.echo(
        f"Merged {len(pairs) - len(unknown)} translations into {CATALOGUE.relative_to(ROOT)}"
    )
    for msgid in unknown:
        click.echo(f"  not in the code (skipped): {msgid}", err=True)


@translate.command("check")
def check() -> None:
    """Exit 1 listing every string without an English translation."""
    missing = missing_translations()
    for msgid in missing:
        click.echo(msgid)
    if missing:
        raise click.ClickException(f"{len(missing)} string(s) have no English translation")
    click.echo("Every string has an English translation.")
