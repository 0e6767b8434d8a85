"""The one masking of free-text comments: who wrote it, and where they live or study, is hidden.

`mask_comment` is applied before a comment is stored (survey_app.survey.submit) and again
whenever one is shown to staff or exported (survey_app.results), so a rule added to
survey_app/data/masking.toml also covers comments stored before it; masking a masked text
changes nothing. In order it hides: e-mail addresses and phone numbers, schools ("trường THCS
Dĩnh Kế"), classes ("lớp 7A"), addresses ("số nhà 12", "ngõ 5", "đường Lê Lợi", "tổ 3"),
personal names (after "tên là", after a title such as "cô" or "bạn", or a full name starting
with a common family name: "Nguyễn Thị Lan"), then every remaining number. The words and the
labels that replace them are data. Masking errs towards hiding too much: a staff reviewer
reads the masked text before a comment may be quoted (survey_app.results.comments).

Pure: no database, no Flask.
"""

from __future__ import annotations

import functools
import re
import sys
import tomllib
import unicodedata
from dataclasses import dataclass

from survey_app.core.paths import DATA

MASKING_FILE = DATA / "masking.toml"
KINDS = ("contact", "name", "school", "class", "address", "number")
# What identifies a *person*: the masking of comments on a posted result, which must keep the
# criterion and the place they are about ("tiêu chí 12", "sân chơi tổ 3") to be answerable.
PEOPLE = frozenset(("contact", "name", "school", "class"))

# Letters by case, from the whole Latin range Vietnamese uses (Python's re has no \p{Lu}).
_UPPER = "".join(
    c for c in map(chr, range(0x41, 0x1F00)) if c.isalpha() and c.isupper() and c.isprintable()
)
_LOWER = "".join(
    c for c in map(chr, range(0x61, 0x1F00)) if c.isalpha() and c.islower() and c.isprintable()
)
_U = f"[{re.escape(_UPPER)}]"
_L = f"[{re.escape(_LOWER)}]"
_CAP = rf"(?>{_U}(?:{_L}+|{_U}*))"  # "Lan", "LAN", "A": a capitalised word
_NAME = rf"{_CAP}(?:[ \t]+{_CAP}){{0,3}}"  # one to four capitalised words
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_PHONE = r"\+?\d(?:[\s.\-()]*\d){6,}"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A class or house number: digits with letters or digits glued on ("7A", "12B", "7A1", "5/3").
# Words and codes are atomic groups, so a long run of letters or digits cannot backtrack.
_CODE = r"(?>\d+(?:[/.\-]?[0-9A-Za-z]+)*)"


@dataclass(frozen=True, slots=True)
class Masker:
    """The compiled masking rules, in the order they apply, and their labels."""

    labels: dict[str, str]
    steps: tuple[tuple[str, re.Pattern[str]], ...]
    label_pattern: re.Pattern[str]

    def mask(self, text: str, kinds: frozenset[str] | tuple[str, ...] = KINDS) -> str:
        for kind, pattern in self.steps:
            if kind not in kinds:
                continue
            label = self.labels[kind]
            text = pattern.sub(lambda m, label=label: _keep_lead(m, label), text)
        return text


def _keep_lead(match: re.Match[str], label: str) -> str:
    """Replace what the pattern found; a named "lead" group (the word before it) stays."""
    lead = match.groupdict().get("lead")
    return f"{lead}{label}" if lead else label


def _words(items: list[str]) -> str:
    """An alternation of phrases, longest first, spaces matching any run of blanks."""
    ordered = sorted({w.strip() for w in items if w.strip()}, key=len, reverse=True)
    return "|".join(r"[ \t]+".join(map(re.escape, w.split())) for w in ordered)


def build_masker(data: dict) -> Masker:
    """Compile the rules of a masking file (raises KeyError/ValueError on a broken file)."""
    labels = {k: str(data["labels"][k]) for k in KINDS}
    if any(not v for v in labels.values()):
        raise ValueError("every masking label must be non-empty")
    b = r"(?<![\w@])"  # start of a word
    e = r"(?![\w])"  # end of a word
    label_alt = "|".join(re.escape(v) for v in sorted(set(labels.values()), key=len, reverse=True))
    # Part of a place or a name already hidden ("đường [tên]"); a hidden phone number is not.
    parts = sorted({v for k, v in labels.items() if k != "contact"}, key=len, reverse=True)
    masked = rf"(?:{'|'.join(re.escape(v) for v in parts)})"
    school_levels = _words(data["schools"]["levels"])
    school = (
        rf"{b}(?i:{_words(data['schools']['words'])})(?:[ \t]+(?i:{school_levels}))*"
        rf"(?:[ \t]+(?:{_CAP}|{_CODE}|{masked}))+{e}"
        rf"|{b}(?:{school_levels})(?:[ \t]+(?:{_CAP}|{_CODE}))+{e}"
    )
    named_before = rf"{b}(?:{_CAP}|{_CODE})(?:[ \t]+(?:{_CAP}|{_CODE}))*[ \t]+"
    school += rf"|{named_before}(?i:{_words(data['schools']['after'])}){e}"
    klass = (
        rf"{b}(?i:{_words(data['classes']['words'])})[ \t]*(?:{_CODE}|{_CAP})"
        rf"(?:[ \t]*{_CODE}|[ \t]+{_U}{_L}*)*{e}"
    )
    address = (
        rf"{b}(?i:{_words(data['addresses']['words'])})[ \t]*(?:{_CODE}|{_CAP}|{masked})"
        rf"(?:[ \t]*(?:{_CODE}|{_CAP}|{masked}))*{e}"
    )
    address += rf"|{named_before}(?i:{_words(data['addresses']['after'])}){e}"
    names = data["names"]
    any_word = rf"(?:{_U}|{_L})+"
    named = (
        rf"(?P<lead>{b}(?i:{_words(names['named'])})[ \t]+)(?!{masked})"
        rf"{any_word}(?:[ \t]+{any_word}){{0,3}}{e}"
    )
    introduced = rf"(?P<lead>{b}(?i:{_words(names['introducers'])})[ \t]+){_NAME}{e}"
    titled = rf"(?P<lead>{b}(?i:{_words(names['titles'])})[ \t]+){_NAME}{e}"
    full = rf"{b}(?:{_words(names['surnames'])})(?:[ \t]+{_CAP}){{1,3}}{e}"
    steps = (
        ("contact", re.compile(_EMAIL, re.UNICODE)),
        ("contact", re.compile(_PHONE)),
        ("school", re.compile(school)),
        ("class", re.compile(klass)),
        ("address", re.compile(address)),
        ("name", re.compile(named)),
        ("name", re.compile(introduced)),
        ("name", re.compile(titled)),
        ("name", re.compile(full)),
        ("number", re.compile(rf"{b}{_CODE}|\d+")),
    )
    return Masker(labels, steps, re.compile(rf"(?:{label_alt})"))


@functools.cache
def masker() -> Masker:
    """The rules of survey_app/data/masking.toml (read and compiled once per process)."""
    with MASKING_FILE.open("rb") as handle:
        return build_masker(tomllib.load(handle))


def mask_comment(
    text: str | None,
    max_chars: int = sys.maxsize,
    kinds: frozenset[str] | tuple[str, ...] = KINDS,
) -> str | None:
    """A comment fit to store or show: identities masked, control characters gone, ≤ max_chars.

    ``kinds`` limits what is hidden (default: everything; `PEOPLE` keeps places and numbers).
    Idempotent: ``mask_comment(mask_comment(t)) == mask_comment(t)``.
    """
    if not text:
        return None
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())
    text = masker().mask(text, kinds)
    text = text[:max_chars].strip()
    return text or None


# Compiled once at import: a preloaded server compiles before it forks its workers, so no
# submission pays for it.
masker()


__all__ = ["KINDS", "MASKING_FILE", "PEOPLE", "Masker", "build_masker", "mask_comment", "masker"]
