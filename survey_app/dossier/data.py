"""Plain data of a round's dossier (request letter, assessment report, council minutes, XLSX).

The staff routes build a :class:`DossierData` from the database (ward settings, the round, the
locked or current scorecard, source notes, survey aggregates, council, audit chain head) and
pass it to ``survey_app.dossier.pdf.render_dossier_pdf`` / ``render_score_xlsx``. The
renderers never touch the database, so they are tested, benchmarked and screenshotted from
:func:`example_dossier`.

Conventions: rates are percentages (0-100) or None when undefined; dates are ``datetime.date``,
moments ``datetime.datetime``; every text is printed after NFC normalisation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
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
from survey_app.core.paths import EXAMPLES

Language = Literal["vi", "en"]
SIGNER_CHAIR = "CHỦ TỊCH"
SIGNER_VICE = "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"  # the "/" separates the two printed lines
# A ward's stored signer role (`survey_app.models.wards.SIGNER_ROLES`) → the printed title.
SIGNER_TITLES = {"chair": SIGNER_CHAIR, "vice": SIGNER_VICE}


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
    """A member of the assessment council (the chair is not repeated here)."""

    name: str
    title: str  # "Trưởng Trạm Y tế"
    unit: str = ""  # owner unit id or name, for the criteria the member answers for


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


@dataclass(frozen=True, slots=True)
class LockInfo:
    """The locked score: the hash of its exact inputs, who locked it and when."""

    inputs_sha256: str
    locked_by: str
    locked_at: datetime


@dataclass(frozen=True, slots=True)
class DossierData:
    """Everything the dossier prints. ``locked`` None prints a DRAFT watermark on every page."""

    ward_name: str  # "Phường Dĩnh Kế" (capitalised as in running text)
    ward_admin_parent: str  # body above the ward, upper case: "UBND THÀNH PHỐ BẮC GIANG"
    province: str  # "Bắc Giang"
    place_name: str  # for "Dĩnh Kế, ngày … tháng … năm …"
    locality_label: str  # locality type as printed mid-sentence: "các xã, phường, … còn lại"
    recognising_authority: str  # "Chủ tịch UBND thành phố Bắc Giang" (a setting since 2025)
    round_name: str  # "Năm 2024"
    period_start: date
    period_end: date
    document_number: str  # number of the report; "" prints "……" to be filled in by hand
    issued_on: date | None  # None prints "ngày … tháng … năm …"
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
    letter_number: str = ""  # number of the request letter (Tờ trình); "" prints dots
    minutes_number: str = ""  # number of the council minutes; "" prints dots
    recipients: tuple[str, ...] = ()  # "Nơi nhận" lines; () prints the usual defaults

    @property
    def issuing_body(self) -> str:
        """Second line of the top-left header, e.g. "UBND PHƯỜNG DĨNH KẾ"."""
        return f"UBND {self.ward_name.upper()}"


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


EXAMPLE_PATH = EXAMPLES / "dinh-ke-2024.json"

# Made-up split of the example's criterion-13 answers over 8 residential groups:
# (children satisfied, children valid, child population, residents ..., resident population).
_EXAMPLE_GROUPS = (
    (17, 20, 150, 22, 27, 610),
    (16, 19, 140, 21, 26, 590),
    (18, 22, 160, 23, 28, 640),
    (15, 19, 130, 20, 25, 560),
    (17, 21, 150, 22, 28, 620),
    (16, 20, 140, 21, 27, 600),
    (17, 20, 150, 21, 27, 590),
    (16, 19, 140, 21, 26, 580),
)


def _example_survey(rules: RuleSet) -> SurveySection:
    from assessment import GroupCounts, SurveyCounts, band_certainty, sample_targets, survey_rates

    cells = []
    for gid, (cs, cv, cp, rs, rv, rp) in enumerate(_EXAMPLE_GROUPS, start=1):
        cells.append(GroupCounts(gid, "child", cs, cv, 3, cp))
        cells.append(GroupCounts(gid, "resident", rs, rv, 4, rp))
    counts = SurveyCounts(("child", "resident"), tuple(cells), ())
    return survey_section_from(
        survey_rates(counts, rules.survey),
        sample_targets(counts, rules.survey),
        band_certainty(counts, rules.survey),
        flagged_excluded=7,
        groups=len(_EXAMPLE_GROUPS),
        qr_responses=301,
        paper_responses=73,
        started_on=date(2024, 10, 1),
        ended_on=date(2024, 10, 31),
    )


def _mid_sentence(label: str) -> str:
    return label[:1].lower() + label[1:]


def example_dossier(*, language: Language = "vi", locked: bool = False) -> DossierData:
    """A complete dossier of examples/dinh-ke-2024.json with made-up survey and council figures.

    For tests, the benchmark and screenshots; ``locked`` False gives the DRAFT watermark.
    """
    from assessment import gap_analysis, load_rules, score

    example = json.loads(EXAMPLE_PATH.read_text(encoding="utf-8"))
    rules = load_rules(example["rules"])
    card = score(example["inputs"], rules, example["locality"])
    notes = []
    for key, value in sorted(card.inputs.items()):
        spec = rules.input(key)
        if spec is None or not key.startswith("c"):
            continue
        shown = ("có" if value else "không") if isinstance(value, bool) else str(value)
        if language == "en" and isinstance(value, bool):
            shown = "yes" if value else "no"
        notes.append(
            SourceNote(
                criterion_id=key.split(".")[0],
                input_key=key,
                label=spec.label.get(language),
                value=shown,
                note="Sổ theo dõi của bộ phận phụ trách, số liệu đến 31/10/2024",
                unit=spec.unit.get(language) if spec.unit else "",
                entered_by="Nguyễn Thị Hoa",
                updated_at=datetime(2024, 11, 5, 9, 30),
            )
        )
    loc = rules.locality(example["locality"])
    members = (
        CouncilMember("Nguyễn Thị Hoa", "Công chức Văn hóa - Xã hội", "vhxh"),
        CouncilMember("Trần Văn Nam", "Trưởng Công an phường", "congan"),
        CouncilMember("Lê Thị Mai", "Trưởng Trạm Y tế phường", "yte"),
        CouncilMember("Phạm Văn Đức", "Công chức Tư pháp - Hộ tịch", "tuphap"),
        CouncilMember("Hoàng Thị Lan", "Hiệu trưởng Trường THCS Dĩnh Kế", "truonghoc"),
        CouncilMember("Đỗ Minh Tuấn", "Bí thư Đoàn phường", "doan"),
    )
    approvals = (
        Approval("Nguyễn Thị Hoa", "Tổng hợp", datetime(2024, 11, 20, 16, 0)),
        Approval("Vũ Văn Trung", "Chủ tịch Hội đồng", datetime(2024, 11, 27, 10, 15)),
    )
    lock = LockInfo(card.inputs_sha256, "Vũ Văn Trung", datetime(2024, 11, 27, 10, 20))
    return DossierData(
        ward_name="Phường Dĩnh Kế",
        ward_admin_parent="UBND THÀNH PHỐ BẮC GIANG",
        province="Bắc Giang",
        place_name="Dĩnh Kế",
        locality_label=_mid_sentence(loc.label.get(language)) if loc else example["locality"],
        recognising_authority="Chủ tịch UBND thành phố Bắc Giang",
        round_name="Năm 2024" if language == "vi" else "Year 2024",
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        document_number="",
        issued_on=date(2024, 11, 28),
        rules=rules,
        scorecard=card,
        gaps=gap_analysis(card, rules),
        source_notes=tuple(notes),
        survey=_example_survey(rules),
        council=CouncilSection(
            chair_name="Vũ Văn Trung",
            chair_title="Phó Chủ tịch UBND phường",
            members=members,
            meeting_on=date(2024, 11, 27),
            approvals=approvals,
            place="Hội trường UBND phường Dĩnh Kế",
        ),
        stage="locked" if locked else "approved",
        locked=lock if locked else None,
        audit_head=(1842, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
        signer_name="Vũ Văn Trung",
        signer_title=SIGNER_VICE,
        language=language,
    )
