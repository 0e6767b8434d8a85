"""The sentences of the survey dashboard: "what to do next" and the groups that stand out.

Kept apart from the figures so that a wording change never touches the statistics. Every
sentence is a whole translatable message (no gluing of fragments), with numbers formatted in
the page's language.
"""

from __future__ import annotations

from collections.abc import Sequence

from assessment import BandCertainty, GroupDifferences, SurveyFormula
from survey_app.core.i18n import _, _l, current_language
from survey_app.models import AssessmentRound
from survey_app.results.figures import Figures, GroupRow

MAX_GROUP_STEPS = 5  # "what to do next" names at most this many groups, then "and N more"

AUDIENCE_NAMES = {"child": _l("Trẻ em"), "resident": _l("Người dân")}


def audience_name(audience: str) -> str:
    """Short display name of an audience ("Trẻ em", "Người dân")."""
    name = AUDIENCE_NAMES.get(audience)
    return str(name) if name is not None else audience


def standout_lines(
    differences: Sequence[GroupDifferences], names: dict[int, str]
) -> tuple[str, ...]:
    """Plain sentences naming groups whose satisfaction differs clearly from the others'."""
    lines = []
    for test in differences:
        for s in test.standouts:
            name = names.get(int(s.group_id), f"#{s.group_id}")
            rate = format_number(s.rate)
            if s.direction == "lower":
                text = _(
                    "%(group)s: tỷ lệ hài lòng của %(audience)s thấp hơn hẳn các tổ khác "
                    "(%(rate)s%%). Nên tìm hiểu lý do.",
                    group=name,
                    audience=audience_name(test.audience).lower(),
                    rate=rate,
                )
            else:
                text = _(
                    "%(group)s: tỷ lệ hài lòng của %(audience)s cao hơn hẳn các tổ khác "
                    "(%(rate)s%%).",
                    group=name,
                    audience=audience_name(test.audience).lower(),
                    rate=rate,
                )
            lines.append(text)
    return tuple(lines)


def format_number(value: float | None, digits: int = 1) -> str:
    """A number in the page's language: "1.234,5" in Vietnamese, "1,234.5" in English.

    Plain string formatting rather than Babel's: a dashboard prints thousands of numbers and
    Babel's per-call locale lookup cost more than the statistics themselves.
    """
    if value is None:
        return "–"
    text = f"{float(value):,.{max(0, digits)}f}"
    if _language() == "vi":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def _language() -> str:
    from flask import g, has_request_context

    if not has_request_context():
        return "en"  # commands print plain English figures
    # A page formats a thousand numbers: look the language up once per request.
    if "cfw_number_language" not in g:
        g.cfw_number_language = current_language()
    return g.cfw_number_language


# ----------------------------------------------------------------------------- what next


def next_steps(
    round_: AssessmentRound,
    clean: Figures,
    groups: Sequence[GroupRow],
    formula: SurveyFormula,
    not_counted: int,
    combined_hidden: bool,
) -> tuple[str, ...]:
    """Short sentences saying what the culture-social officer should do next, most useful first."""
    steps: list[str] = []
    if round_.is_open:
        steps += _collection_steps(groups)
    missing = max((a.groups_without_population for a in clean.targets.audiences), default=0)
    if missing:
        steps.append(
            _(
                "Nhập số trẻ em và số người dân của %(n)s tổ dân phố để tính được mục tiêu.",
                n=missing,
            )
        )
    if not_counted:
        steps.append(
            _(
                "%(n)s phiếu bị đánh dấu hoặc đã bị loại chưa được tính: hãy xem và quyết định "
                "giữ hay loại.",
                n=not_counted,
            )
        )
    steps += _certainty_steps(round_, clean, formula, combined_hidden)
    if round_.is_open and clean.targets.enough and clean.certainty.settled:
        steps.append(_("Đã đủ câu trả lời và điểm đã chắc chắn: có thể kết thúc đợt khảo sát."))
    return tuple(steps)


def _collection_steps(groups: Sequence[GroupRow]) -> list[str]:
    behind = []
    for row in groups:
        for cell in row.cells:
            if cell.target is None or cell.enough:
                continue
            behind.append(
                (cell.more_needed if cell.more_needed is not None else cell.target, row, cell)
            )
    behind.sort(key=lambda item: -item[0])
    steps = []
    for _n, row, cell in behind[:MAX_GROUP_STEPS]:
        if cell.more_needed is None:  # count hidden: say the goal, not the gap
            text = _(
                "%(group)s cần thêm câu trả lời của %(audience)s (mục tiêu %(target)s).",
                group=row.name,
                audience=audience_name(cell.audience).lower(),
                target=cell.target,
            )
        elif cell.audience == "child":
            text = _(
                "%(group)s cần thêm %(n)s câu trả lời của trẻ em.",
                group=row.name,
                n=cell.more_needed,
            )
        elif cell.audience == "resident":
            text = _(
                "%(group)s cần thêm %(n)s câu trả lời của người dân.",
                group=row.name,
                n=cell.more_needed,
            )
        else:
            text = _(
                "%(group)s cần thêm %(n)s câu trả lời (%(audience)s).",
                group=row.name,
                n=cell.more_needed,
                audience=cell.audience,
            )
        steps.append(text)
    if len(behind) > MAX_GROUP_STEPS:
        steps.append(
            _(
                "Còn %(n)s nhóm khác chưa đủ câu trả lời (xem bảng tiến độ).",
                n=len(behind) - MAX_GROUP_STEPS,
            )
        )
    return steps


def _odds(sure: BandCertainty) -> str:
    """ "25 điểm: 59%; 50 điểm: 41%" for the bands with a real chance (≥ 1 %), best first."""
    parts = [
        _("%(points)s điểm: %(p)s%%", points=b.points, p=format_number(100.0 * b.probability, 0))
        for b in sure.bands
        if b.probability >= 0.01
    ]
    return "; ".join(parts)


def _certainty_steps(
    round_: AssessmentRound,
    clean: Figures,
    formula: SurveyFormula,
    combined_hidden: bool,
) -> list[str]:
    sure = clean.certainty
    if sure.rate is None or combined_hidden:
        return [_("Chưa đủ câu trả lời của cả trẻ em và người dân để tính điểm tiêu chí 13.")]
    if sure.settled:
        return [_("Điểm tiêu chí 13 đã chắc chắn: %(points)s điểm.", points=sure.points)]
    bounds = [float(b.bound) for b in formula.bands]
    nearest = min(bounds, key=lambda b: abs(b - sure.rate)) if bounds else None
    where = format_number(nearest, 0) if nearest is not None else "–"
    odds = _odds(sure)
    # More than the whole planned sample again is not advice a ward can follow: say the odds.
    planned = max((a.planned for a in clean.targets.audiences), default=0)
    feasible = sure.more_per_audience is not None and sure.more_per_audience <= max(planned, 1)
    if not round_.is_open or not feasible:
        return [
            _(
                "Kết quả đang ở sát ranh giới %(bound)s%%, chưa chắc chắn được bao nhiêu điểm "
                "(%(odds)s). Nên báo Hội đồng về điều này.",
                bound=where,
                odds=odds,
            )
        ]
    total = sure.more_per_audience * len(formula.audiences)
    return [
        _(
            "Kết quả đang ở sát ranh giới %(bound)s%%: cần thêm khoảng %(total)s câu trả lời "
            "(%(each)s của trẻ em và %(each)s của người dân) để chắc chắn (%(odds)s).",
            bound=where,
            total=total,
            each=sure.more_per_audience,
            odds=odds,
        )
    ]
