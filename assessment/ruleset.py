"""Rule sets: find, load and validate the versioned point tables in ``assessment/rules``.

A rule set is data (see ``assessment/rules/*.toml``): the numbers of the standard live there and
nowhere in the code. This is the top of the rule modules: ``assessment.ruletypes`` holds the
dataclasses, ``assessment.rule_checker`` the row checks, ``assessment.rule_validation`` builds a
``RuleSet`` from a parsed file, and this module finds and reads the files.
"""

from __future__ import annotations

import functools
import hashlib
import tomllib
from pathlib import Path

from assessment.rule_validation import build_ruleset
from assessment.ruletypes import (
    Indicator,
    InputSpec,
    RuleError,
    RuleSet,
    RuleSetError,
    Text,
)

# The loader's own names, and the types the app has always imported from here (new code
# imports them from ``assessment``).
__all__ = [
    "RULES_DIR",
    "Indicator",
    "InputSpec",
    "RuleError",
    "RuleSet",
    "RuleSetError",
    "Text",
    "available_versions",
    "default_rules",
    "default_version",
    "load_rules",
    "load_rules_file",
    "load_rules_text",
    "looks_like_path",
]

RULES_DIR = Path(__file__).parent / "rules"


def available_versions() -> list[str]:
    """Names of the rule sets shipped in ``assessment/rules`` (file stems), sorted."""
    return sorted(p.stem for p in RULES_DIR.glob("*.toml"))


def looks_like_path(version_or_path: str | Path) -> bool:
    """True when the argument names a file rather than a shipped version."""
    text = str(version_or_path)
    return isinstance(version_or_path, Path) or text.endswith(".toml") or "/" in text


def load_rules(version_or_path: str | Path | None = None) -> RuleSet:
    """Load and validate a rule set by shipped version name (e.g. "qd06-2019") or file path.

    ``None`` loads ``default_version()``, the one new rounds use. Raises ``RuleSetError``
    carrying every problem found; a bad file never yields a RuleSet.
    """
    if version_or_path is None:
        return default_rules()
    if looks_like_path(version_or_path):
        return load_rules_file(Path(version_or_path))
    return _load_version(str(version_or_path))


def default_version() -> str:
    """The shipped version new rounds use: the newest one that no other shipped version supersedes.

    A correction names the version it replaces in ``meta.supersedes`` (data, not code); among the
    versions nobody supersedes, the latest effective date wins, then the version name.
    """
    loaded = [_load_version(v) for v in available_versions()]
    superseded = {r.supersedes for r in loaded if r.supersedes}
    current = [r for r in loaded if r.version not in superseded]
    if not current:
        where = str(RULES_DIR)
        message = "no rule file is shipped" if not loaded else "every version is superseded"
        raise RuleSetError([RuleError(where, "-", message)])
    return max(current, key=lambda r: (r.effective, r.version)).version


def default_rules() -> RuleSet:
    """The rule set of ``default_version()``."""
    return _load_version(default_version())


@functools.lru_cache(maxsize=16)
def _load_version(version: str) -> RuleSet:
    # Shipped files are immutable, so caching by name is safe and keeps `cfw score` fast.
    path = RULES_DIR / f"{version}.toml"
    if not path.is_file():
        known = ", ".join(available_versions()) or "none"
        raise RuleSetError([RuleError(version, "-", f"unknown rule version (available: {known})")])
    rules = load_rules_file(path)
    if rules.version != version:
        raise RuleSetError(
            [RuleError(str(path), "meta.version", f"must equal the file name '{version}'")]
        )
    if rules.supersedes and rules.supersedes not in available_versions():
        known = ", ".join(available_versions())
        message = f"unknown rule version '{rules.supersedes}' (available: {known})"
        raise RuleSetError([RuleError(str(path), "meta.supersedes", message)])
    return rules


def load_rules_file(path: Path) -> RuleSet:
    """Read, parse and validate one rule file (every error collected into ``RuleSetError``)."""
    try:
        raw_bytes = path.read_bytes()
    except OSError as exc:
        raise RuleSetError(
            [RuleError(str(path), "-", f"cannot read file: {exc.strerror}")]
        ) from exc
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RuleSetError([RuleError(str(path), "-", "file is not UTF-8")]) from exc
    return load_rules_text(text, str(path))


def load_rules_text(text: str, origin: str) -> RuleSet:
    """Parse and validate the text of a rule file; ``origin`` names it in errors and the RuleSet.

    The same checks as `load_rules_file` (which calls this), for rule files kept elsewhere than
    on disk, e.g. a version a ward saved in its database. ``sha256`` is the hash of the text's
    UTF-8 bytes, so a file and its text give the same hash.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleSetError([RuleError(origin, "-", f"invalid TOML: {exc}")]) from exc
    return build_ruleset(data, origin, hashlib.sha256(text.encode("utf-8")).hexdigest())
