"""The rule-set vocabulary: the frozen dataclasses a loaded rule file becomes, and its errors.

This is the bottom layer of the rule modules: ``rule_checker`` checks rows into these types,
``rule_criteria`` builds the criteria, ``rule_validation`` the whole ``RuleSet``, and
``ruleset`` (the top) finds and loads the files.
Nothing here reads a file or validates a value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from assessment.bands import Band
from assessment.survey.formula import SurveyFormula

# Locality types are an attribute an administrator sets on each ward record, so every rule
# version must give a threshold for exactly this vocabulary (a file cannot invent a new one).
LOCALITY_TYPES = ("central-city-ward", "mountain-island-difficult", "other")

# Scale kinds an indicator may use; how each turns inputs into points is in assessment.scoring.
SCALE_KINDS = ("percent", "per_1000", "per_100000", "yes_no", "all_or_nothing", "survey")

# The multiplier that defines each rate scale: "tỷ lệ" is per 100, "tỷ suất" per 1,000; national
# statistics state some rates (child injuries) per 100,000 children.
RATE_FACTORS = MappingProxyType({"percent": 100, "per_1000": 1000, "per_100000": 100_000})


class RuleSetError(Exception):
    """A rule file that cannot be used; ``errors`` lists every problem found, not just the first."""

    def __init__(self, errors: list[RuleError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass(frozen=True, slots=True)
class RuleError:
    """One problem in a rule file: the file, the row (a dotted path) and what is wrong."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}"


@dataclass(frozen=True, slots=True)
class Text:
    """A user-facing text in Vietnamese (shown first) and English."""

    vi: str
    en: str

    def get(self, lang: str = "vi") -> str:
        """The text in ``lang`` ("vi" or "en"); Vietnamese for any other value."""
        return self.en if lang == "en" else self.vi


# How a rate of each scale is written after its number ("12.5%", "2.50‰", "250/100.000").
RATE_UNITS = MappingProxyType(
    {
        "percent": Text("%", "%"),
        "per_1000": Text("‰", "‰"),
        "per_100000": Text("/100.000", "/100,000"),
    }
)


@dataclass(frozen=True, slots=True)
class Provenance:
    """Whether a row was checked against the official text, where it comes from, and a note."""

    verified: bool
    source: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class BandRow:
    """A band with its row path and provenance (bands may be confirmed one by one)."""

    band: Band
    path: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class InputSpec:
    """A raw value staff enter: a count (integer in [minimum, maximum]) or a yes/no fact.

    ``actionable`` is False for counts of past events (cases, deaths) that a ward cannot change
    within a round; the gap analysis does not plan on them.
    """

    key: str
    group: str
    type: str
    label: Text
    unit: Text | None = None
    minimum: int = 0
    maximum: int | None = None
    actionable: bool = True


@dataclass(frozen=True, slots=True)
class Indicator:
    """One scored item of a criterion.

    ``numerator``/``denominator`` hold the input keys of a percent (numerator, denominator) or a
    rate per 1,000 or per 100,000 (events, population); ``facts`` the yes/no keys;
    ``satisfied``/``valid`` the per-audience count keys of the survey scale, as (audience, key)
    pairs.
    """

    id: str
    path: str
    label: Text
    scale: str
    max_points: int
    provenance: Provenance
    numerator: str | None = None
    denominator: str | None = None
    facts: tuple[str, ...] = ()
    satisfied: tuple[tuple[str, str], ...] = ()
    valid: tuple[tuple[str, str], ...] = ()
    higher_is_better: bool = True
    if_denominator_zero: str = "zero"
    bands: tuple[BandRow, ...] = ()

    @property
    def plain_bands(self) -> tuple[Band, ...]:
        """The bands without provenance, as ``assessment.bands.points_for`` expects them."""
        return tuple(row.band for row in self.bands)

    @property
    def input_keys(self) -> tuple[str, ...]:
        """Every input key this indicator reads, in a stable order."""
        keys = [k for k in (self.numerator, self.denominator) if k]
        keys += self.facts
        for (_, s), (_, v) in zip(self.satisfied, self.valid, strict=True):
            keys += [s, v]
        return tuple(keys)


@dataclass(frozen=True, slots=True)
class ZeroTrigger:
    """An event count that, when above zero, sets its whole criterion to 0 points."""

    id: str
    path: str
    label: Text
    count: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Criterion:
    """One of the criteria of the standard, with its owner unit, maximum and indicators."""

    id: str
    number: int
    path: str
    name: Text
    unit: str
    max_points: int
    provenance: Provenance
    indicators: tuple[Indicator, ...]
    zero_triggers: tuple[ZeroTrigger, ...] = ()

    @property
    def input_keys(self) -> tuple[str, ...]:
        """Every input key the criterion reads (shared ones included), without duplicates."""
        keys = [t.count for t in self.zero_triggers]
        for ind in self.indicators:
            keys += ind.input_keys
        return tuple(dict.fromkeys(keys))


@dataclass(frozen=True, slots=True)
class Locality:
    """A locality type and its recognition threshold (inclusive)."""

    id: str
    path: str
    label: Text
    threshold: int
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Unit:
    """A ward unit that owns criteria (e.g. the health station)."""

    id: str
    name: Text


@dataclass(frozen=True, slots=True)
class Recognition:
    """The conditions besides the threshold: no criterion at 0, every input entered."""

    no_zero_criterion: bool
    all_inputs_required: bool
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Procedure:
    """The numbers of the assessment procedure (not of the point table), each row with provenance.

    ``posting_min_days`` is the minimum number of days the result is posted publicly
    (niêm yết công khai) before the dossier may be sent.
    """

    posting_min_days: int
    path: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A validated, immutable rule set; ``sha256`` is the hash of the file's bytes.

    ``supersedes`` names the shipped version this one corrects (None for a first version);
    ``procedure`` is None when the file has no ``[procedure]`` section (files released before
    it existed): the rule set then states no posting period and the caller decides what to do.
    """

    id: str
    version: str
    title: Text
    total: int
    effective: date
    status: str
    provenance: Provenance
    recognition: Recognition
    localities: tuple[Locality, ...]
    units: tuple[Unit, ...]
    criteria: tuple[Criterion, ...]
    inputs: tuple[InputSpec, ...]
    survey: SurveyFormula
    survey_provenance: Provenance
    survey_bands: tuple[BandRow, ...]
    source_path: str
    sha256: str
    supersedes: str | None = None
    procedure: Procedure | None = None
    _inputs_by_key: MappingProxyType[str, InputSpec] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        # A lookup table built once; frozen dataclasses need object.__setattr__ for it.
        object.__setattr__(
            self, "_inputs_by_key", MappingProxyType({i.key: i for i in self.inputs})
        )

    @property
    def posting_min_days(self) -> int | None:
        """The minimum public posting period in days, or None when the file does not state it."""
        return self.procedure.posting_min_days if self.procedure else None

    def input(self, key: str) -> InputSpec | None:
        """The input spec of ``key``, or None when the rule set has no such input."""
        return self._inputs_by_key.get(key)

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with this id (KeyError when absent)."""
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)

    def locality(self, locality_id: str) -> Locality | None:
        """The locality type with this id, or None when the rule set does not define it."""
        return next((loc for loc in self.localities if loc.id == locality_id), None)

    def unit(self, unit_id: str) -> Unit | None:
        """The owner unit with this id, or None."""
        return next((u for u in self.units if u.id == unit_id), None)
