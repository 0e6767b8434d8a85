"""Plan templates: versioned data files in survey_app/data/plan-templates/, read and checked.

A template holds every word of a plan's default text (Vietnamese), the units the plan gives
duties to and the criteria each leads, and the activities of section III. Code never holds
plan text.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from survey_app.core.paths import DATA

TEMPLATE_DIR = DATA / "plan-templates"
SECTION_KINDS = ("text", "criteria", "activities", "duties")
# The fixed words the printed plan and its year-end report need from [document].
DOCUMENT_WORDS = frozenset(
    {
        "symbol_report",
        "plan_type",
        "plan_subject",
        "criterion",
        "lead_line",
        "support_line",
        "request",
        "activity_columns",
        "report_type",
        "report_subject",
        "report_intro",
        "report_summary",
        "report_unit",
        "report_columns",
        "not_done",
        "no_activity",
        "report_recipients",
    }
)


class TemplateError(ValueError):
    """A template file that cannot be used, with every problem found."""


@dataclass(frozen=True, slots=True)
class UnitDuty:
    """A unit named by the plan: its duties, the criteria it leads and the ones it supports."""

    id: str
    name: dict[str, str]
    duties: tuple[str, ...]
    criteria: tuple[int, ...]
    supports: tuple[int, ...]
    request: bool  # "Đề nghị …": a body the committee asks rather than directs


@dataclass(frozen=True, slots=True)
class SectionTemplate:
    """One section: its key, printed title (vi/en), default text and what else fills it."""

    key: str
    title: dict[str, str]
    body: str
    kind: str


@dataclass(frozen=True, slots=True)
class ActivityTemplate:
    """A default activity of section III with its months in the plan's year."""

    title: str
    lead: str
    supports: tuple[str, ...]
    start_month: int
    due_month: int
    indicator: str


@dataclass(frozen=True, slots=True)
class PlanTemplate:
    """A whole template file."""

    version: str
    title: dict[str, str]
    symbol: str
    units: tuple[UnitDuty, ...]
    sections: tuple[SectionTemplate, ...]
    activities: tuple[ActivityTemplate, ...]
    words: dict[str, dict[str, str]]  # the [document] table: fixed words of the printed plan

    def word(self, key: str, lang: str, **params: object) -> str:
        """A fixed word of the printed documents in ``lang``, filled with ``params``."""
        entry = self.words[key]
        text = entry.get(lang) or entry["vi"]
        return text.format(**params) if params else text

    def unit(self, unit_id: str) -> UnitDuty | None:
        """The unit with this id, or None."""
        return next((u for u in self.units if u.id == unit_id), None)


def available_versions() -> list[str]:
    """The template versions shipped, oldest first."""
    return sorted(p.stem for p in TEMPLATE_DIR.glob("*.toml"))


def default_version() -> str:
    """The newest template: new plans are made from it."""
    versions = available_versions()
    if not versions:  # pragma: no cover - the package ships one
        raise TemplateError("no plan template is installed")
    return versions[-1]


def _text(value: object, where: str, problems: list[str]) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        problems.append(f"{where}: expected {{ vi = …, en = … }}")
        return {"vi": "", "en": ""}
    return {"vi": value.get("vi", ""), "en": value.get("en", "")}


def parse_template(data: dict, origin: str) -> PlanTemplate:
    """A checked `PlanTemplate` from a parsed file; TemplateError lists every problem."""
    problems: list[str] = []
    meta = data.get("meta", {})
    units = tuple(
        UnitDuty(
            id=str(u.get("id", "")),
            name=_text(u.get("name"), f"units[{i}].name", problems),
            duties=tuple(str(d) for d in u.get("duties", [])),
            criteria=tuple(int(c) for c in u.get("criteria", [])),
            supports=tuple(int(c) for c in u.get("supports", [])),
            request=bool(u.get("request", False)),
        )
        for i, u in enumerate(data.get("units", []))
    )
    unit_ids = [u.id for u in units]
    if len(set(unit_ids)) != len(unit_ids) or "" in unit_ids:
        problems.append("units: every unit needs a distinct id")
    led = sorted(c for u in units for c in u.criteria)
    if led != list(range(1, 14)):
        problems.append(
            f"units: each of the 13 criteria must be led by exactly one unit, got {led}"
        )
    sections = tuple(
        SectionTemplate(
            key=str(s.get("key", "")),
            title=_text(s.get("title", {"vi": "", "en": ""}), f"sections[{i}].title", problems),
            body=str(s.get("body", "")),
            kind=str(s.get("kind", "text")),
        )
        for i, s in enumerate(data.get("sections", []))
    )
    for s in sections:
        if s.kind not in SECTION_KINDS:
            problems.append(f"sections.{s.key}: unknown kind {s.kind!r}")
    activities = []
    for i, a in enumerate(data.get("activities", [])):
        act = ActivityTemplate(
            title=str(a.get("title", "")),
            lead=str(a.get("lead", "")),
            supports=tuple(str(x) for x in a.get("supports", [])),
            start_month=int(a.get("start_month", 1)),
            due_month=int(a.get("due_month", 12)),
            indicator=str(a.get("indicator", "")),
        )
        if act.lead not in unit_ids or any(x not in unit_ids for x in act.supports):
            problems.append(f"activities[{i}]: lead and supports must be units of the template")
        if not 1 <= act.start_month <= act.due_month <= 12:
            problems.append(f"activities[{i}]: months must satisfy 1 <= start <= due <= 12")
        activities.append(act)
    words = {
        key: value if isinstance(value, dict) else {"vi": str(value), "en": str(value)}
        for key, value in data.get("document", {}).items()
    }
    missing = sorted(DOCUMENT_WORDS - set(words))
    if missing:
        problems.append(f"document: missing {', '.join(missing)}")
    if problems:
        raise TemplateError(f"{origin}: " + "; ".join(problems))
    return PlanTemplate(
        version=str(meta.get("version", "")),
        title=_text(meta.get("title"), "meta.title", []),
        symbol=str(meta.get("symbol", "KH-UBND")),
        units=units,
        sections=sections,
        activities=tuple(activities),
        words=words,
    )


@cache
def load_template(version: str) -> PlanTemplate:
    """The template of ``version`` (TemplateError when it is unknown or invalid)."""
    if version not in available_versions():
        raise TemplateError(f"unknown plan template {version!r}")
    path = TEMPLATE_DIR / f"{version}.toml"
    return parse_template(tomllib.loads(path.read_text(encoding="utf-8")), path.name)
