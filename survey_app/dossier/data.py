"""Plain data of a round's dossier (request letter, assessment report, council minutes, XLSX).

The staff routes build a :class:`DossierData` from the database (ward settings, the round, the
locked or current scorecard, source notes, survey aggregates, council, audit chain head) and
pass it to ``survey_app.dossier.pdf.render_dossier_pdf`` / ``render_dossier_docx`` /
``render_score_xlsx``. The renderers never touch the database, so they are tested, benchmarked
and screenshotted from sample data (``survey_app.demo.dossier_example``).

Conventions: rates are percentages (0-100) or None when undefined; dates are ``datetime.date``,
moments ``datetime.datetime``; every text is printed after NFC normalisation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Literal

from assessment import (
    BandCertainty,
    GapPlan,
    RateEstimate,
    RuleSet,
    SampleTargets,
    Scorecard,
    SurveyRates,
)

Language = Literal["vi", "en"]
SIGNER_CHAIR = "CHỦ TỊCH"
SIGNER_VICE = "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"  # the "/" separates the two printed lines
# A ward's stored signer role (`survey_app.models.wards.SIGNER_ROLES`) → the printed title.
SIGNER_TITLES = {"chair": SIGNER_CHAIR, "vice": SIGNER_VICE}
# The documents of a dossier, in print order; which of them a round gets: `DossierData.documents`.
LETTER, REPORT, MINUTES = "letter", "report", "minutes"


@dataclass(frozen=True, slots=True)
class PlanEvidence:
    """An activity of the ward's plan linked to a yes/no input, and its evidence files."""

    activity: str  # the activity's title
    done_on: date | None
    files: tuple[str, ...]  # file names, in upload order


@dataclass(frozen=True, slots=True)
class SourceNote:
    """Where one entered figure comes from (register, report, date), as the owner unit noted it."""

    criterion_id: str  # "c7"
    input_key: str  # "c7.fully_immunised"
    label: str  # the input's label in the dossier's language
    value: str  # already formatted ("56", "có"/"yes")
    note: str  # free text typed by the unit officer: printed and exported escaped
    unit: str = ""  # unit of the value ("trẻ em"), not the owner unit
    entered_by: str = ""
    updated_at: datetime | None = None
    evidence: tuple[PlanEvidence, ...] = ()  # the plan's evidence linked to this input


@dataclass(frozen=True, slots=True)
class RateCI:
    """A rate in percent with its confidence interval; all None when there is no answer."""

    rate: float | None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True, slots=True)
class SurveyAudience:
    """One respondent group ("child" or "resident") of the criterion-13 survey."""

    audience: str
    respondents: int  # valid answers to the overall question (don't-know excluded)
    satisfied: int
    target: int | None  # sample size needed for +/- margin_points at the confidence level
    population: int | None
    rate: RateCI  # unweighted: the official figure
    rate_weighted: RateCI  # weighted by residential-group population, for comparison


@dataclass(frozen=True, slots=True)
class SurveySection:
    """Criterion-13 survey method and statistics as printed in the report."""

    audiences: tuple[SurveyAudience, ...]
    combined: RateCI
    combined_weighted: RateCI
    points: int | None
    points_weighted: int | None
    band_probabilities: tuple[tuple[int, float], ...]  # (points, probability 0-1), best first
    probability_of_points: float | None  # probability of the band actually earned
    settled: bool  # the interval lies inside one band
    flagged_excluded: int  # flagged responses left out of every figure
    groups: int  # residential groups surveyed
    qr_responses: int
    paper_responses: int
    started_on: date | None = None
    ended_on: date | None = None
    child_ages: str = "10-15"
    confidence: float = 0.95
    margin_points: float = 5.0
    combine: str = "mean"  # "mean" of the audiences or "pooled"
    satisfied_values: str = "4, 5"  # answers counted as satisfied on the 1-5 scale


@dataclass(frozen=True, slots=True)
class CouncilMember:
    """A person on the assessment council (the chair is not repeated here).

    ``position`` is the person's office as printed ("Trưởng Trạm Y tế phường"), never a role key
    or a login; ``attended`` None leaves the attendance to be written by hand.
    """

    name: str
    position: str = ""
    attended: bool | None = None
    council_role: str = ""  # "Phó Chủ tịch Hội đồng", "Ủy viên", "Thư ký"; "" prints nothing


@dataclass(frozen=True, slots=True)
class Vote:
    """The council's recorded vote on the result: members for and against (of those present)."""

    in_favour: int
    against: int
    abstained: int = 0


@dataclass(frozen=True, slots=True)
class Approval:
    """One recorded approval of the round (consolidation, council review, lock)."""

    name: str
    role: str
    at: datetime


@dataclass(frozen=True, slots=True)
class CouncilSection:
    """The assessment council: chair, members, meeting date and the recorded approvals."""

    chair_name: str
    chair_title: str
    members: tuple[CouncilMember, ...] = ()
    meeting_on: date | None = None  # None: the date is left blank to be written by hand
    approvals: tuple[Approval, ...] = ()
    place: str = ""  # "Hội trường UBND phường"; "" prints a blank
    vote: Vote | None = None  # None: the vote is written by hand
    secretary: str = ""  # the secretary's name; "" leaves it to be written by hand

    @property
    def present(self) -> tuple[CouncilMember, ...]:
        """The members recorded as present."""
        return tuple(m for m in self.members if m.attended)


@dataclass(frozen=True, slots=True)
class LockInfo:
    """The locked score: the hash of its exact inputs, who locked it and when."""

    inputs_sha256: str
    locked_by: str
    locked_at: datetime


@dataclass(frozen=True, slots=True)
class Override:
    """An administrator's audited decision to send although the rules have provisional rows."""

    reason: str
    by: str  # the person's name
    at: datetime | None = None  # UTC, printed in Vietnam time


@dataclass(frozen=True, slots=True)
class Posting:
    """The public posting (niêm yết) of the result: period and the comments it drew."""

    start: date
    end: date
    comments: int | None = None  # None: not counted by the system
    answered: int | None = None


@dataclass(frozen=True, slots=True)
class DossierData:
    """Everything the dossier prints.

    Every page is marked "DỰ THẢO" (draft) while the score is not locked, or while its rule
    version has provisional rows and no verified override was recorded.
    """

    ward_name: str  # "Phường Dĩnh Kế" (capitalised as in running text)
    ward_admin_parent: str  # body above the ward, upper case: "UBND THÀNH PHỐ BẮC GIANG"
    province: str  # "Bắc Giang"
    place_name: str  # for "Dĩnh Kế, ngày … tháng … năm …"
    locality_label: str  # locality type as printed mid-sentence: "các xã, phường, … còn lại"
    recognising_authority: str  # "Chủ tịch UBND thành phố Bắc Giang" (a setting since 2025)
    round_name: str  # "Năm 2024"
    period_start: date
    period_end: date
    document_number: str  # number of the report as typed ("15" or "15/BC-UBND"); "" dots
    issued_on: date | None  # the report's date; None prints "ngày … tháng … năm …"
    rules: RuleSet
    scorecard: Scorecard
    gaps: GapPlan | None
    source_notes: tuple[SourceNote, ...]
    survey: SurveySection | None
    council: CouncilSection
    stage: str  # workflow stage id: "open", "consolidated", "approved", "locked", ...
    locked: LockInfo | None
    audit_head: tuple[int, str]  # (id, sha256 hex) of the last audit-log row
    signer_name: str
    signer_title: str = SIGNER_CHAIR  # or SIGNER_VICE
    language: Language = "vi"
    letter_number: str = ""  # number of the request letter as typed ("15/TTr-UBND" or "15")
    minutes_number: str = ""  # number of the council minutes; "" prints dots
    recipients: tuple[str, ...] = ()  # "Nơi nhận" lines; () prints the usual defaults
    sent_on: date | None = None  # the recorded send date: the request letter's date
    posting: Posting | None = None
    override: Override | None = None
    unit_abbreviation: str = "VHXH"  # drafting unit in "Lưu: VT, VHXH."
    # Criterion id → the unit in charge in this round (the ward's plan, survey_app/plan/owners);
    # a criterion not listed prints the rule file's unit.
    owners: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def owner(self, criterion_id: str, default: str) -> str:
        """The unit in charge of ``criterion_id`` in this round (``default``: the rule file's)."""
        return self.owners.get(criterion_id, default)

    @property
    def issuing_body(self) -> str:
        """Second line of the top-left header: "ỦY BAN NHÂN DÂN" then the ward, upper case."""
        return self.ward_name.upper()

    @property
    def documents(self) -> tuple[str, ...]:
        """The documents this round gets: the request letter only when the result is recognised.

        A failing round gets the assessment report and the council minutes (with what it lacks)
        and nothing that asks the authority for recognition; the workflow refuses to send it.
        """
        if self.scorecard.recognised:
            return (LETTER, REPORT, MINUTES)
        return (REPORT, MINUTES)

    @property
    def provisional(self) -> bool:
        """True when the rule version still has provisional rows."""
        return bool(provisional_rows(self.rules))

    @property
    def draft(self) -> bool:
        """True when every page must carry the "DỰ THẢO" mark."""
        return self.locked is None or (self.provisional and self.override is None)


def provisional_rows(rules: RuleSet) -> tuple[str, ...]:
    """Paths of every provisional (not verified) row of a rule version, in file order."""
    rows: list[str] = []
    if not rules.provenance.verified:
        rows.append("meta")
    if not rules.recognition.provenance.verified:
        rows.append("recognition")
    rows += [loc.path for loc in rules.localities if not loc.provenance.verified]
    for c in rules.criteria:
        if not c.provenance.verified:
            rows.append(c.path)
        for ind in c.indicators:
            if not ind.provenance.verified:
                rows.append(ind.path)
            rows += [b.path for b in ind.bands if not b.provenance.verified]
        rows += [t.path for t in c.zero_triggers if not t.provenance.verified]
    if not rules.survey_provenance.verified:
        rows.append("survey")
    rows += [b.path for b in rules.survey_bands if not b.provenance.verified]
    if rules.procedure is not None and not rules.procedure.provenance.verified:
        rows.append(rules.procedure.path)
    return tuple(rows)


def _ci(estimate: RateEstimate) -> RateCI:
    return RateCI(estimate.rate, estimate.low, estimate.high)


def survey_section_from(
    rates: SurveyRates,
    targets: SampleTargets | None,
    certainty: BandCertainty | None,
    *,
    flagged_excluded: int,
    groups: int,
    qr_responses: int,
    paper_responses: int,
    started_on: date | None = None,
    ended_on: date | None = None,
    child_ages: str = "10-15",
    satisfied_values: str = "4, 5",
) -> SurveySection:
    """Build the printed survey section from the ``assessment`` statistics of the round."""
    by_audience = {t.audience: t for t in targets.audiences} if targets else {}
    audiences = []
    for a in rates.audiences:
        target = by_audience.get(a.audience)
        audiences.append(
            SurveyAudience(
                audience=a.audience,
                respondents=a.unweighted.valid,
                satisfied=a.unweighted.satisfied,
                target=target.target if target else None,
                population=target.population if target else None,
                rate=_ci(a.unweighted),
                rate_weighted=_ci(a.weighted),
            )
        )
    bands = tuple((b.points, b.probability) for b in certainty.bands) if certainty else ()
    return SurveySection(
        audiences=tuple(audiences),
        combined=_ci(rates.combined),
        combined_weighted=_ci(rates.combined_weighted),
        points=rates.points,
        points_weighted=rates.points_weighted,
        band_probabilities=bands,
        probability_of_points=certainty.probability_of_points if certainty else None,
        settled=bool(certainty and certainty.settled),
        flagged_excluded=flagged_excluded,
        groups=groups,
        qr_responses=qr_responses,
        paper_responses=paper_responses,
        started_on=started_on,
        ended_on=ended_on,
        child_ages=child_ages,
        confidence=rates.confidence,
        margin_points=targets.margin_points if targets else 5.0,
        combine=rates.combine,
        satisfied_values=satisfied_values,
    )
