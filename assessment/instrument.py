"""The criterion-13 survey instrument: load and validate a versioned TOML file.

An instrument holds the two questionnaires (children, residents) in every language, the answer
scale, the privacy notice and the integrity thresholds. Pure Python: no Flask, no SQLAlchemy.
Every validation error names the file, the line and the row (e.g. ``audiences.child.questions[3]``)
so that whoever edits the file can find what to fix.
"""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path
from typing import Any

from assessment.instrument_model import (  # re-exported: callers use assessment.instrument
    Audience,
    Choice,
    Instrument,
    InstrumentError,
    Integrity,
    Question,
    ScaleOption,
    Text,
)

INSTRUMENTS_DIR = Path(__file__).with_name("instruments")

# Limits of the design (DOMAIN.md): short questionnaires, a 1-5 scale plus "don't know" = 0.
MAX_QUESTIONS = 10
SCALE_VALUES = (1, 2, 3, 4, 5)
DONT_KNOW = 0
FACES = ("face-1", "face-2", "face-3", "face-4", "face-5", "unknown")
AUDIENCES = ("child", "resident")
NOTICE_PARTS = ("who", "why", "collected", "not_collected", "voluntary", "retention", "contact")
# Column widths of the response tables: ids longer than these could not be stored.
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
BAND_PATTERN = re.compile(r"^[0-9a-z+_-]{1,16}$")
INTEGRITY_KEYS = {
    "reading_words_per_minute": float,
    "seconds_per_answer": float,
    "straightline_min_questions": int,
    "burst_max_answers": int,
    "burst_window_minutes": int,
    "repeat_browser_after": int,
    "duration_bucket_seconds": int,
    "duration_cap_seconds": int,
    "comment_max_chars": int,
    "client_posts_per_window": int,
    "client_window_minutes": int,
}


# ----------------------------------------------------------------------------- loading


def available_versions(directory: Path = INSTRUMENTS_DIR) -> list[str]:
    """Versions of every instrument file shipped in ``directory``."""
    return sorted(p.stem for p in directory.glob("*.toml"))


@functools.lru_cache(maxsize=16)
def load_instrument(version: str, directory: Path = INSTRUMENTS_DIR) -> Instrument:
    """Load and validate the instrument ``version`` (cached: released files never change)."""
    if not ID_PATTERN.match(version.replace(".", "-")):
        raise InstrumentError(f"invalid instrument version {version!r}")
    path = directory / f"{version}.toml"
    if not path.is_file():
        raise InstrumentError(f"{path}: no such instrument file (version {version!r})")
    return load_instrument_file(path)


def load_instrument_file(path: Path | str) -> Instrument:
    """Load and validate one instrument file; InstrumentError names the file, line and row."""
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InstrumentError(f"{path}: cannot read the file: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise InstrumentError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise InstrumentError(f"{path}: not valid TOML: {exc}") from exc
    return _Parser(path, source).instrument(data)


class _Parser:
    """Turns the TOML tables into dataclasses, checking each row as it goes."""

    def __init__(self, path: Path, source: str) -> None:
        self.path = path
        self.lines = source.splitlines()
        self.languages: tuple[str, ...] = ("vi",)

    # -- errors ---------------------------------------------------------------------------
    def fail(self, row: str, message: str, needle: str | None = None) -> InstrumentError:
        """An error naming the file, the line (when it can be found) and the row."""
        line = self._line_of(needle or row.split(".")[-1].split("[")[0])
        where = f"{self.path}:{line}" if line else str(self.path)
        return InstrumentError(f"{where}: {row}: {message}")

    def _line_of(self, needle: str) -> int | None:
        for number, text in enumerate(self.lines, start=1):
            if needle and needle in text:
                return number
        return None

    # -- helpers --------------------------------------------------------------------------
    def table(self, data: dict[str, Any], key: str, row: str) -> dict[str, Any]:
        value = data.get(key)
        if not isinstance(value, dict):
            raise self.fail(f"{row}.{key}" if row else key, "missing table", f"[{row}.{key}")
        return value

    def rows(self, data: dict[str, Any], key: str, row: str) -> list[dict[str, Any]]:
        value = data.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(f"{row}.{key}", "missing or empty list", f"{row}.{key}")
        if not all(isinstance(v, dict) for v in value):
            raise self.fail(f"{row}.{key}", "every item must be a table", f"{row}.{key}")
        return value

    def text(self, data: dict[str, Any], key: str, row: str, needle: str | None = None) -> Text:
        value = data.get(key)
        if not isinstance(value, dict):
            raise self.fail(f"{row}.{key}", "missing text", needle)
        for lang in self.languages:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                raise self.fail(f"{row}.{key}", f"missing translation {lang!r}", needle)
        return Text(tuple((lang, value[lang].strip()) for lang in self.languages))

    def ident(self, data: dict[str, Any], row: str, pattern: re.Pattern[str] = ID_PATTERN) -> str:
        value = data.get("id")
        if not isinstance(value, str) or not pattern.match(value):
            raise self.fail(row, f"invalid id {value!r}", f'id = "{value}"' if value else row)
        return value

    def choices(self, rows: list[dict[str, Any]], row: str, pattern: re.Pattern[str]) -> tuple:
        seen: set[str] = set()
        result = []
        for i, item in enumerate(rows):
            here = f"{row}[{i}]"
            ident = self.ident(item, here, pattern)
            if ident in seen:
                raise self.fail(here, f"duplicate id {ident!r}", f'id = "{ident}"')
            seen.add(ident)
            result.append(Choice(ident, self.text(item, "label", here, f'id = "{ident}"')))
        return tuple(result)

    # -- sections -------------------------------------------------------------------------
    def instrument(self, data: dict[str, Any]) -> Instrument:
        meta = self.table(data, "meta", "")
        languages = meta.get("languages")
        if not isinstance(languages, list) or "vi" not in languages or "en" not in languages:
            raise self.fail("meta.languages", "must list at least 'vi' and 'en'", "languages")
        self.languages = tuple(languages)
        version = meta.get("version")
        if version != self.path.stem:
            raise self.fail(
                "meta.version", f"{version!r} must equal the file name {self.path.stem!r}"
            )
        overall = meta.get("overall_question")
        if not isinstance(overall, str) or not overall:
            raise self.fail("meta.overall_question", "missing", "[meta]")
        scale, dont_know = self.scale(self.table(data, "scale", ""))
        self.shared_scale = scale
        gender = self.table(data, "gender", "")
        audiences_data = self.table(data, "audiences", "")
        if sorted(audiences_data) != sorted(AUDIENCES):
            raise self.fail("audiences", f"must define exactly {AUDIENCES}", "[audiences.")
        return Instrument(
            version=version,
            title=self.text(meta, "title", "meta"),
            languages=self.languages,
            overall_question=overall,
            scale=scale,
            dont_know=dont_know,
            gender_label=self.text(gender, "label", "gender"),
            genders=self.choices(
                self.rows(gender, "options", "gender"), "gender.options", BAND_PATTERN
            ),
            audiences=tuple(
                self.audience(name, audiences_data[name], overall) for name in AUDIENCES
            ),
            integrity=self.integrity(self.table(data, "integrity", "")),
            path=str(self.path),
        )

    def scale(self, data: dict[str, Any]) -> tuple[tuple[ScaleOption, ...], int]:
        if data.get("dont_know") != DONT_KNOW:
            raise self.fail("scale.dont_know", f"must be {DONT_KNOW}", "dont_know")
        options = []
        for i, item in enumerate(self.rows(data, "options", "scale")):
            here = f"scale.options[{i}]"
            value = item.get("value")
            face = item.get("face")
            if face not in FACES:
                raise self.fail(here, f"face must be one of {FACES}", f"value = {value}")
            options.append(ScaleOption(value, self.text(item, "label", here), face))
        values = sorted(o.value for o in options if isinstance(o.value, int))
        if len(values) != len(options) or values != sorted((DONT_KNOW, *SCALE_VALUES)):
            raise self.fail(
                "scale.options",
                f"values must be exactly {SCALE_VALUES} and {DONT_KNOW} (don't know), "
                f"found {[o.value for o in options]}",
                "[[scale.options]]",
            )
        return tuple(options), DONT_KNOW

    def audience(self, name: str, data: dict[str, Any], overall: str) -> Audience:
        row = f"audiences.{name}"
        questions = self.questions(self.rows(data, "questions", row), row)
        if overall not in {q.id for q in questions}:
            raise self.fail(
                f"{row}.questions", f"the overall question {overall!r} is missing", f"[{row}]"
            )
        notice_data = self.table(data, "notice", row)
        notice = tuple(
            (part, self.text(notice_data, part, f"{row}.notice", f"[{row}.notice]"))
            for part in NOTICE_PARTS
        )
        hotline = self.text(data, "hotline", row) if "hotline" in data else None
        own = self.scale({"dont_know": DONT_KNOW, **data["scale"]})[0] if "scale" in data else None
        faces = data.get("faces")
        if not isinstance(faces, bool):
            raise self.fail(f"{row}.faces", "must be true or false", f"[{row}]")
        return Audience(
            id=name,
            label=self.text(data, "label", row, f"[{row}]"),
            faces=faces,
            intro=self.text(data, "intro", row, f"[{row}]"),
            thanks=self.text(data, "thanks", row, f"[{row}]"),
            hotline=hotline,
            hotline_number=data.get("hotline_number"),
            scale=own or self.shared_scale,
            notice=notice,
            consents=self.choices(self.rows(data, "consents", row), f"{row}.consents", ID_PATTERN),
            age_bands=self.choices(
                self.rows(data, "age_bands", row), f"{row}.age_bands", BAND_PATTERN
            ),
            questions=questions,
        )

    def questions(self, rows: list[dict[str, Any]], row: str) -> tuple[Question, ...]:
        if len(rows) > MAX_QUESTIONS:
            raise self.fail(
                f"{row}.questions",
                f"{len(rows)} questions: at most {MAX_QUESTIONS} allowed",
                f"[[{row}.questions]]",
            )
        seen: set[str] = set()
        result = []
        for i, item in enumerate(rows):
            here = f"{row}.questions[{i}]"
            ident = self.ident(item, here)
            needle = f'id = "{ident}"'
            if ident in seen:
                raise self.fail(here, f"duplicate question id {ident!r}", needle)
            seen.add(ident)
            topic = item.get("topic")
            if not isinstance(topic, str) or not topic:
                raise self.fail(here, "missing topic", needle)
            result.append(Question(ident, topic, self.text(item, "text", here, needle)))
        return tuple(result)

    def integrity(self, data: dict[str, Any]) -> Integrity:
        values: dict[str, Any] = {}
        for key, kind in INTEGRITY_KEYS.items():
            value = data.get(key)
            ok = isinstance(value, int | float) and not isinstance(value, bool) and value > 0
            if not ok or (kind is int and not isinstance(value, int)):
                raise self.fail(f"integrity.{key}", f"must be a positive {kind.__name__}", key)
            values[key] = kind(value)
        return Integrity(**values)


__all__ = [
    "Audience",
    "Choice",
    "Instrument",
    "InstrumentError",
    "Integrity",
    "Question",
    "ScaleOption",
    "Text",
    "available_versions",
    "load_instrument",
    "load_instrument_file",
]
