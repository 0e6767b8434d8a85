"""Sample dossier data for tests, the benchmark and the page screenshots (never production).

:func:`example_dossier` is examples/dinh-ke-2024.json with made-up survey, council and posting
figures: as recorded it does not reach the threshold (785/1000 against 850); ``passing=True``
improves a few figures so that it does (895). ``locked=False`` gives an unlocked (draft) score;
``verified=True`` pretends the rule version has no provisional row (for the "DỰ THẢO iff
provisional" checks, until a fully verified rule version ships).
"""

from __future__ import annotations

import copy
import dataclasses
import json
from datetime import date, datetime
from typing import Any

from assessment import (
    GroupCounts,
    RuleSet,
    SurveyCounts,
    band_certainty,
    gap_analysis,
    load_rules,
    sample_targets,
    score,
    survey_rates,
)
from survey_app.core.paths import EXAMPLES
from survey_app.dossier.data import (
    SIGNER_VICE,
    Approval,
    CouncilMember,
    CouncilSection,
    DossierData,
    Language,
    LockInfo,
    Override,
    Posting,
    SourceNote,
    SurveySection,
    Vote,
    survey_section_from,
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
# The figures a passing variant changes: every birth registered, every infant immunised, ...
_PASSING = {
    ("c2", "registered_on_time"): 61,
    ("c4", "offending_children"): 0,
    ("c7", "fully_immunised"): 58,
    ("c9", "checked"): 2250,
    ("c11", "views_in_plan"): True,
}
MEMBERS = (
    CouncilMember("Nguyễn Thị Hoa", "Công chức Văn hóa - Xã hội", True, "Phó Chủ tịch Hội đồng"),
    CouncilMember("Trần Văn Nam", "Trưởng Công an phường", True, "Ủy viên"),
    CouncilMember("Lê Thị Mai", "Trưởng Trạm Y tế phường", True, "Ủy viên"),
    CouncilMember("Phạm Văn Đức", "Công chức Tư pháp - Hộ tịch", True, "Ủy viên"),
    CouncilMember("Hoàng Thị Lan", "Hiệu trưởng Trường THCS Dĩnh Kế", False, "Ủy viên"),
    CouncilMember("Đỗ Minh Tuấn", "Bí thư Đoàn phường", True, "Ủy viên, Thư ký"),
)


def _example_survey(rules: RuleSet) -> SurveySection:
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


def verified_rules(rules: RuleSet) -> RuleSet:
    """A copy of ``rules`` with every row marked verified (sample data only)."""

    def fix(row: Any) -> Any:
        return dataclasses.replace(row, provenance=verified(row.provenance))

    def verified(provenance: Any) -> Any:
        return dataclasses.replace(provenance, verified=True)

    criteria = []
    for c in rules.criteria:
        indicators = tuple(
            dataclasses.replace(fix(i), bands=tuple(fix(b) for b in i.bands)) for i in c.indicators
        )
        triggers = tuple(fix(t) for t in c.zero_triggers)
        criteria.append(dataclasses.replace(fix(c), indicators=indicators, zero_triggers=triggers))
    return dataclasses.replace(
        rules,
        provenance=verified(rules.provenance),
        recognition=fix(rules.recognition),
        localities=tuple(fix(loc) for loc in rules.localities),
        criteria=tuple(criteria),
        survey_provenance=verified(rules.survey_provenance),
        survey_bands=tuple(fix(b) for b in rules.survey_bands),
        procedure=fix(rules.procedure) if rules.procedure is not None else None,
    )


def _source_notes(card: Any, rules: RuleSet, language: Language) -> tuple[SourceNote, ...]:
    notes = []
    surveyed = {c.id for c in rules.criteria if all(i.scale == "survey" for i in c.indicators)}
    for key, value in sorted(card.inputs.items()):
        spec = rules.input(key)
        if spec is None or spec.group in surveyed:  # criterion 13 comes from the survey
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
                updated_at=datetime(2024, 11, 5, 2, 30),  # UTC: 09:30 in Vietnam
            )
        )
    return tuple(notes)


def example_dossier(
    *,
    language: Language = "vi",
    locked: bool = True,
    passing: bool = False,
    verified: bool = False,
    override: bool = False,
) -> DossierData:
    """A complete sample dossier (see the module docstring for the variants)."""
    example = json.loads(EXAMPLE_PATH.read_text(encoding="utf-8"))
    inputs = copy.deepcopy(example["inputs"])
    if passing:
        for (group, key), value in _PASSING.items():
            inputs[group][key] = value
    rules = load_rules(example["rules"])
    if verified:
        rules = verified_rules(rules)
    card = score(inputs, rules, example["locality"])
    loc = rules.locality(example["locality"])
    approvals = (
        Approval("Nguyễn Thị Hoa", "Tổng hợp", datetime(2024, 11, 20, 9, 0)),
        Approval("Vũ Văn Trung", "Phê duyệt lần 1", datetime(2024, 11, 26, 23, 40)),
        Approval("Trần Văn Nam", "Phê duyệt lần 2", datetime(2024, 11, 27, 3, 15)),
    )
    lock = LockInfo(card.inputs_sha256, "Vũ Văn Trung", datetime(2024, 11, 27, 3, 20))
    return DossierData(
        ward_name="Phường Dĩnh Kế",
        ward_admin_parent="",
        province="Bắc Giang",
        place_name="Dĩnh Kế",
        locality_label=_mid_sentence(loc.label.get(language)) if loc else example["locality"],
        recognising_authority="Chủ tịch UBND thành phố Bắc Giang",
        round_name="Năm 2024" if language == "vi" else "Year 2024",
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        document_number="12",
        issued_on=date(2024, 11, 28),
        rules=rules,
        scorecard=card,
        gaps=gap_analysis(card, rules),
        source_notes=_source_notes(card, rules, language),
        survey=_example_survey(rules),
        council=CouncilSection(
            chair_name="Vũ Văn Trung",
            chair_title="Phó Chủ tịch UBND phường",
            members=MEMBERS,
            meeting_on=date(2024, 11, 27),
            approvals=approvals,
            place="Hội trường UBND phường Dĩnh Kế",
            vote=Vote(5, 0) if passing else Vote(0, 5),
            secretary="Đỗ Minh Tuấn",
        ),
        stage=("sent" if passing else "posted") if locked else "approved",
        locked=lock if locked else None,
        audit_head=(1842, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
        signer_name="Vũ Văn Trung",
        signer_title=SIGNER_VICE,
        language=language,
        letter_number="15/TTr-UBND",
        minutes_number="03",
        sent_on=date(2024, 12, 9) if passing else None,
        posting=Posting(date(2024, 11, 28), date(2024, 12, 7), comments=2, answered=2),
        override=(
            Override(
                "Bảng điểm chính thức đã đối chiếu tại Sở Y tế",
                "Nguyễn Văn Quản trị",
                datetime(2024, 12, 8, 2, 0),
            )
            if override
            else None
        ),
    )
