"""The sentences of the survey dashboard: "what to do next" and the groups that stand out.

Kept apart from the figures so that a wording change never touches the statistics. Every
sentence is a whole translatable message (no gluing of fragments), with numbers formatted in
the page's language.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import g, has_request_context

from assessment import BandCertainty, GroupDifferences, SurveyFormula
from survey_app.core.i18n import _, _l, current_language
from survey_app.models import AssessmentRound
from survey_app.results.figures import Cell, Figures, GroupRow, Plain

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
    """One sentence per residential group still behind (largest gap first), at most
    MAX_GROUP_STEPS groups, then how many other groups (not group × audience pairs) remain."""
    behind = []
    for row in groups:
        cells = [c for c in row.cells if c.target is not None and not c.enough]
        if cells:
            gap = sum(c.more_needed if c.more_needed is not None else c.target for c in cells)
            behind.append((gap, row, cells))
    behind.sort(key=lambda item: -item[0])
    steps = []
    for _gap, row, cells in behind[:MAX_GROUP_STEPS]:
        steps += _group_steps(row, cells)
    if len(behind) > MAX_GROUP_STEPS:
        steps.append(
            _(
                "Còn %(n)s tổ dân phố khác chưa đủ câu trả lời (xem bảng tiến độ).",
                n=len(behind) - MAX_GROUP_STEPS,
            )
        )
    return steps


def _group_steps(row: GroupRow, cells: Sequence[Cell]) -> list[str]:
    """What one group still needs: one sentence when both audiences are behind."""
    by = {c.audience: c for c in cells}
    child, resident = by.get("child"), by.get("resident")
    if len(cells) != 2 or child is None or resident is None:
        return [_cell_step(row, cell) for cell in cells]
    known = (child.more_needed is not None, resident.more_needed is not None)
    values = {
        "group": row.name,
        "children": child.more_needed,
        "residents": resident.more_needed,
        "child_target": child.target,
        "resident_target": resident.target,
    }
    if known == (True, True):
        text = _(
            "%(group)s cần thêm %(children)s câu trả lời của trẻ em và %(residents)s câu "
            "trả lời của người dân.",
            **values,
        )
    elif known == (False, False):  # counts hidden: say the goals, not the gaps
        text = _(
            "%(group)s cần thêm câu trả lời của trẻ em (mục tiêu %(child_target)s) và của "
            "người dân (mục tiêu %(resident_target)s).",
            **values,
        )
    elif known == (True, False):
        text = _(
            "%(group)s cần thêm %(children)s câu trả lời của trẻ em, và câu trả lời của "
            "người dân (mục tiêu %(resident_target)s).",
            **values,
        )
    else:
        text = _(
            "%(group)s cần thêm câu trả lời của trẻ em (mục tiêu %(child_target)s), và "
            "%(residents)s câu trả lời của người dân.",
            **values,
        )
    return [text]


def _cell_step(row: GroupRow, cell: Cell) -> str:
    if cell.more_needed is None:  # count hidden: say the goal, not the gap
        return _(
            "%(group)s cần thêm câu trả lời của %(audience)s (mục tiêu %(target)s).",
            group=row.name,
            audience=audience_name(cell.audience).lower(),
            target=cell.target,
        )
    if cell.audience == "child":
        return _(
            "%(group)s cần thêm %(n)s câu trả lời của trẻ em.",
            group=row.name,
            n=cell.more_needed,
        )
    if cell.audience == "resident":
        return _(
            "%(group)s cần thêm %(n)s câu trả lời của người dân.",
            group=row.name,
            n=cell.more_needed,
        )
    return _(
        "%(group)s cần thêm %(n)s câu trả lời (%(audience)s).",
        group=row.name,
        n=cell.more_needed,
        audience=cell.audience,
    )


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


# ----------------------------------------------------------------------------- plain words


def plain_sentences(clean: Figures, combined_hidden: bool) -> Plain:
    """One plain sentence under each statistic, for a reader who never studied statistics."""
    sure = clean.certainty
    official = clean.rates.combined
    interval = points = ""
    if not combined_hidden and official.rate is not None and official.low is not None:
        interval = _(
            "Nói dễ hiểu: 95 trên 100 lần, tỉ lệ thật (nếu hỏi được tất cả mọi người) nằm "
            "trong khoảng %(low)s%% đến %(high)s%%.",
            low=format_number(official.low),
            high=format_number(official.high),
        )
    if not combined_hidden and sure.points is not None and sure.probability_of_points is not None:
        reach = sum(b.probability for b in sure.bands if b.points >= sure.points)
        points = _(
            "Nói dễ hiểu: cứ 100 lần thì khoảng %(n)s lần tỉ lệ thật cho đúng %(points)s "
            "điểm, và khoảng %(reach)s lần cho từ %(points)s điểm trở lên.",
            n=format_number(100.0 * sure.probability_of_points, 0),
            points=sure.points,
            reach=format_number(100.0 * reach, 0),
        )
    return Plain(
        interval=interval,
        points=points,
        bands=_(
            "Mỗi dòng cho biết: cứ 100 lần thì bao nhiêu lần tỉ lệ thật rơi vào mức điểm đó. "
            "Cộng các dòng lại được 100. Dòng ghi “(hiện tại)” là mức của kết quả hiện nay."
        ),
        progress=_(
            "Thanh xanh là số câu trả lời đã có; vạch đen đứng là số cần có. Khi thanh chạm "
            "vạch thì tổ đó đã đủ."
        ),
        rates=_(
            "Chấm là tỉ lệ hài lòng của tổ. Đoạn ngang là khoảng mà tỉ lệ thật nằm trong đó "
            "95 trên 100 lần: đoạn càng dài thì càng ít chắc chắn. Ô có dưới 5 câu trả lời được "
            "ẩn (“<5”) để bảo vệ người trả lời."
        ),
        differences=_(
            "Số p càng nhỏ thì càng khó cho rằng các tổ khác nhau chỉ do tình cờ; p lớn nghĩa "
            "là chưa thấy tổ nào khác hẳn."
        ),
        questions=_(
            "“Hài lòng” là tỉ lệ người chọn mức 4 hoặc 5 trong số người đã trả lời câu đó, "
            "không tính người chọn “không biết”."
        ),
    )
