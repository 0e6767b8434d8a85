"""The survey dashboard's figures as plain dataclasses: what a page, an export or JSON shows."""

from __future__ import annotations

from dataclasses import dataclass

from assessment import (
    BandCertainty,
    GroupDifferences,
    GroupRateTable,
    Hidden,
    RateEstimate,
    SampleTargets,
    SurveyCounts,
    SurveyRates,
)
from survey_app.results.questions import QuestionRow

Shown = int | Hidden
ShownRate = float | Hidden | None


@dataclass(frozen=True, slots=True)
class Figures:
    """All statistics of one round for one flag setting (without or with flagged answers)."""

    include_flagged: bool
    counts: SurveyCounts
    rates: SurveyRates
    table: GroupRateTable
    targets: SampleTargets
    certainty: BandCertainty
    differences: tuple[GroupDifferences, ...]


@dataclass(frozen=True, slots=True)
class Cell:
    """One group and audience on the page: progress and rate, hidden parts as Hidden."""

    audience: str
    population: int | None
    valid: Shown
    target: int | None
    more_needed: int | None  # None when the count is hidden or there is no target
    enough: bool | None
    rate: ShownRate
    low: ShownRate
    high: ShownRate

    @property
    def hidden(self) -> bool:
        """True when this cell's count is suppressed."""
        return isinstance(self.valid, Hidden)


@dataclass(frozen=True, slots=True)
class GroupRow:
    """A residential group with one cell per audience."""

    group_id: int
    name: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    """One ward-level figure without and with flagged answers, side by side."""

    label: str
    clean: RateEstimate | None  # None when suppressed
    everything: RateEstimate | None
    clean_n: Shown
    everything_n: Shown


@dataclass(frozen=True, slots=True)
class Plain:
    """One plain sentence under each statistic ("" when the statistic is not shown)."""

    interval: str
    points: str
    bands: str
    progress: str
    rates: str
    differences: str
    questions: str


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Everything the survey dashboard shows; plain values, ready for a template or JSON."""

    round_id: int
    round_name: str
    status: str
    ward_id: int
    ward_name: str
    ward_code: str
    rule_version: str
    instrument_version: str
    audiences: tuple[str, ...]
    bands: tuple[float, ...]
    groups: tuple[GroupRow, ...]
    clean: Figures
    everything: Figures
    comparison: tuple[Comparison, ...]
    combined_hidden: bool
    questions: tuple[QuestionRow, ...]
    standouts: tuple[str, ...]
    next_steps: tuple[str, ...]
    not_counted: int  # responses left out of the official figures (flagged or excluded)
    plain: Plain
