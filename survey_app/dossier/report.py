"""The assessment report (Báo cáo kết quả đánh giá) as content-model blocks.

Parts: I scores, II conclusion (and why not), III what is missing, IV the criterion-13 survey,
V data sources, VI integrity (rule version, hashes, lock, posting), then the annex of
provisional rule rows when there are any. Renderers: ``pdf`` and ``word``.
"""

from __future__ import annotations

from survey_app.dossier.data import (
    DossierData,
    RateCI,
    SourceNote,
    SurveySection,
    provisional_rows,
)
from survey_app.dossier.model import Block, Cell, Grid, Para, Run, cell, para
from survey_app.dossier.parts import (
    body_in_text,
    document_number,
    provisional_groups,
    score_grid,
    sentence,
    verdict,
    ward_in_text,
)
from survey_app.dossier.texts import TEXTS, date_text, number, short_date, text, vietnam_date


def _ci(rate: RateCI, lang: str) -> str:
    if rate.rate is None:
        return "-"
    return f"{number(rate.rate, lang)}% ({number(rate.low, lang)}–{number(rate.high, lang)})"


def audience_label(audience: str, lang: str) -> str:
    """ "Trẻ em" / "Người dân" (the audience id itself only for an unknown audience)."""
    return text(f"aud_{audience}", lang) if audience in ("child", "resident") else audience


def _survey_grid(survey: SurveySection, lang: str) -> Grid:
    conf = number(survey.confidence * 100, lang, 0)
    keys = ("col_audience", "col_valid", "col_target", "col_satisfied")
    header = (*(text(k, lang) for k in keys), text("col_rate", lang, conf=conf))
    header = (*header, text("col_rate_w", lang, conf=conf))
    rows: list[tuple[Cell, ...]] = []
    for a in survey.audiences:
        rows.append(
            (
                cell(audience_label(a.audience, lang)),
                cell(a.respondents, "center"),
                cell("-" if a.target is None else a.target, "center"),
                cell(a.satisfied, "center"),
                cell(_ci(a.rate, lang), "center"),
                cell(_ci(a.rate_weighted, lang), "center"),
            )
        )
    rows.append(
        (
            cell(text("aud_combined", lang), bold=True),
            cell(""),
            cell(""),
            cell(""),
            cell(_ci(survey.combined, lang), "center", bold=True),
            cell(_ci(survey.combined_weighted, lang), "center"),
        )
    )
    return Grid(header, tuple(rows), (28, 20, 20, 20, None, 40), shaded=(len(rows) - 1,))


def survey_blocks(data: DossierData) -> list[Block]:
    """Part IV: who was asked and how, sample vs target, rates with intervals, certainty."""
    lang, s = data.language, data.survey
    out: list[Block] = [para(text("sec_survey", lang), "heading")]
    if s is None:
        return [*out, para(text("survey_none", lang))]
    dates = ""
    if s.started_on and s.ended_on:
        start, end = short_date(s.started_on, lang), short_date(s.ended_on, lang)
        dates = text("survey_dates", lang, start=start, end=end)
    combine = text("combine_pooled" if s.combine == "pooled" else "combine_mean", lang)
    method = text(
        "survey_method",
        lang,
        ages=s.child_ages,
        groups=s.groups,
        dates=dates,
        qr=s.qr_responses,
        paper=s.paper_responses,
        values=s.satisfied_values,
        combine=combine,
        flagged=s.flagged_excluded,
    )
    out += [para(method), _survey_grid(s, lang)]
    points = text(
        "survey_points",
        lang,
        points="-" if s.points is None else s.points,
        points_w="-" if s.points_weighted is None else s.points_weighted,
        margin=number(s.margin_points, lang, 0),
        conf=number(s.confidence * 100, lang, 0),
    )
    out.append(para(points))
    if s.settled:
        out.append(para(text("survey_settled", lang)))
    elif s.probability_of_points is not None and s.points is not None:
        bands = "; ".join(
            text("band_prob", lang, points=p, prob=number(100 * q, lang, 0))
            for p, q in s.band_probabilities
            if q >= 0.005  # bands under half a percent would print as 0% and add noise
        )
        prob = number(100 * s.probability_of_points, lang, 0)
        out.append(para(text("survey_certainty", lang, points=s.points, prob=prob, bands=bands)))
    return out


def sorted_notes(data: DossierData) -> list[SourceNote]:
    """Source notes in criterion order (shared figures first), then in rule-file input order."""
    order = {c.id: c.number for c in data.rules.criteria}
    position = {spec.key: i for i, spec in enumerate(data.rules.inputs)}
    return sorted(
        data.source_notes,
        key=lambda n: (order.get(n.criterion_id, 0), position.get(n.input_key, 999), n.input_key),
    )


def criterion_label(data: DossierData, criterion_id: str) -> str:
    """The criterion's number, or "Chung" for the ward-wide shared figures (never a key)."""
    order = {c.id: c.number for c in data.rules.criteria}
    found = order.get(criterion_id)
    return str(found) if found is not None else text("shared_row", data.language)


def evidence_lines(note: SourceNote, lang: str) -> tuple[str, ...]:
    """ "Minh chứng theo kế hoạch: <activity> (hoàn thành …): <files>", one line per activity."""
    lines = []
    for item in note.evidence:
        done = (
            text("evidence_done", lang, date=short_date(item.done_on, lang)) if item.done_on else ""
        )
        files = ", ".join(item.files)
        lines.append(text("evidence_line", lang, activity=item.activity, done=done, files=files))
    return tuple(lines)


def sources_blocks(data: DossierData) -> list[Block]:
    """Part V: every entered figure with its source note and the plan's evidence linked to it,
    in criterion order."""
    lang = data.language
    out: list[Block] = [para(text("sec_sources", lang), "heading")]
    if not data.source_notes:
        return [*out, para(text("sources_none", lang))]
    rows: list[tuple[Cell, ...]] = []
    for n in sorted_notes(data):
        day = short_date(vietnam_date(n.updated_at), lang)
        rows.append(
            (
                cell(criterion_label(data, n.criterion_id), "center"),
                cell(n.label[:1].upper() + n.label[1:]),
                cell(f"{n.value} {n.unit}".strip(), "center"),
                Cell((n.note, *evidence_lines(n, lang))),
                Cell((n.entered_by, day)),
            )
        )
    keys = ("col_no", "col_input", "col_value", "col_note", "col_entered")
    header = tuple(text(k, lang) for k in keys)
    return [*out, Grid(header, tuple(rows), (13, 52, 19, None, 30), small=True)]


def gaps_blocks(data: DossierData) -> list[Block]:
    """Part III: the cheapest steps to the threshold, criteria blocked by a trigger, gaps."""
    lang, plan = data.language, data.gaps
    out: list[Block] = [para(text("sec_gaps", lang), "heading")]
    return out + lacks_blocks(data) if plan is not None else [*out, para(text("gaps_none", lang))]


def lacks_blocks(data: DossierData) -> list[Block]:
    """What the ward lacks to reach recognition (also printed in the minutes)."""
    lang, plan = data.language, data.gaps
    if plan is None:
        return []
    out: list[Block] = []
    if plan.shortfall > 0:
        out.append(para(text("gaps_plan", lang, shortfall=plan.shortfall), "plain"))
    out += [para(f"- {step.message(lang)}", "bullet") for step in plan.steps]
    out += [para(f"- {m}", "bullet") for m in plan.blocked_messages(lang)]
    if not plan.reachable:
        out.append(para(text("gaps_unreachable", lang)))
    if plan.missing:
        labels = []
        for key in plan.missing:
            spec = data.rules.input(key)
            labels.append(spec.label.get(lang) if spec else key)
        out.append(para(text("gaps_missing", lang, keys="; ".join(labels))))
    if not out:
        out.append(para(text("gaps_none", lang)))
    return out


def integrity_blocks(data: DossierData) -> list[Block]:
    """Part VI: rule version and hashes, the current step, lock, posting and any override."""
    lang, card = data.language, data.scorecard
    key = f"stage_{data.stage}"
    stage = text(key, lang) if key in TEXTS else ""
    out: list[Block] = [para(text("sec_integrity", lang), "heading")]
    line = text(
        "integrity",
        lang,
        version=card.rules_version,
        rules_hash=card.rules_sha256[:16],
        inputs_hash=card.inputs_sha256[:16],
        stage=stage,
    )
    out.append(para(line, "plain"))
    if data.locked:
        at = short_date(data.locked.locked_at, lang)
        name = data.locked.locked_by
        # An account whose name reads as a job title has no person's name to print.
        line = text("locked_by", lang, name=name, at=at) if name else text("locked_at", lang, at=at)
        out.append(para(line, "plain"))
    else:
        out.append(para(text("not_locked", lang), "plain"))
    if data.posting is not None:
        out.append(para(posting_line(data), "plain"))
    out += override_blocks(data)
    return out


def posting_line(data: DossierData) -> str:
    """ "Kết quả … được niêm yết công khai từ ngày … đến ngày …; nhận được … ý kiến"."""
    lang, posting = data.language, data.posting
    assert posting is not None
    comments = ""
    if posting.comments is not None:
        answered = "-" if posting.answered is None else posting.answered
        comments = text("posting_comments", lang, count=posting.comments, answered=answered)
    start, end = short_date(posting.start, lang), short_date(posting.end, lang)
    return text("posting_line", lang, start=start, end=end, comments=comments)


def override_words(data: DossierData) -> dict[str, str]:
    """Who (the person's name, else "quản trị viên"), when (" ngày …", or "") and why (a
    sentence) of the recorded override, as the texts take them."""
    lang, override = data.language, data.override
    assert override is not None
    at = text("override_at", lang, at=short_date(override.at, lang)) if override.at else ""
    who = override.by or text("override_by_admin", lang)
    return {"by": who, "at": at, "reason": sentence(override.reason)}


def override_blocks(data: DossierData) -> list[Block]:
    """The administrator's recorded override (who, when, why), when there is one."""
    if data.override is None:
        return []
    return [para(text("override", data.language, **override_words(data)), "plain")]


def provisional_blocks(data: DossierData) -> list[Block]:
    """The annex listing the rule version's provisional rows by criterion and indicator."""
    lang = data.language
    groups = provisional_groups(data.rules, lang)
    if not groups:
        return []
    count = len(provisional_rows(data.rules))
    version = data.scorecard.rules_version
    if data.override is None:  # a draft until the rows are confirmed
        intro = text("provisional_intro", lang, version=version, count=count)
    else:  # accepted as they are by the administrator (who, when, why)
        words = override_words(data)
        intro = text("provisional_intro_accepted", lang, version=version, count=count, **words)
    rows = tuple((cell(group), Cell(items)) for group, items in groups)
    header = (text("col_criterion", lang), text("col_provisional", lang))
    of = text(
        "annex_of",
        lang,
        number=document_number(data.document_number, "BC-UBND"),
        date=date_text(data.issued_on, lang),
        body=body_in_text(data),
    )
    return [
        para(text("sec_provisional", lang), "heading"),
        Para((Run(of, italic=True),), "center"),
        para(intro, "plain"),
        Grid(header, rows, (62, None), small=True),
    ]


def report_blocks(data: DossierData) -> list[Block]:
    """Parts I-VI of the assessment report and its annex (header and signature excluded)."""
    lang, card = data.language, data.scorecard
    intro = text(
        "report_intro",
        lang,
        body=body_in_text(data),
        ward=ward_in_text(data),
        start=short_date(data.period_start, lang),
        end=short_date(data.period_end, lang),
        version=card.rules_version,
        locality=data.locality_label,
    )
    out: list[Block] = [
        para(intro),
        para(text("sec_scores", lang), "heading"),
        score_grid(data),
        para(text("sec_verdict", lang), "heading"),
        verdict_para(data),
    ]
    if card.reasons:
        out.append(para(text("reasons", lang), "plain"))
        out += [para(f"- {r.message(lang)}", "bullet") for r in card.reasons]
    out += gaps_blocks(data)
    out += survey_blocks(data)
    out += sources_blocks(data)
    out += integrity_blocks(data)
    return out


def verdict_para(data: DossierData) -> Para:
    """ "Tổng điểm 785/1000, ngưỡng 850 điểm: CHƯA ĐẠT chuẩn …" with the verdict in bold."""
    card, lang = data.scorecard, data.language
    marker = "\x00"
    line = text(
        "verdict_line",
        lang,
        total=card.total,
        max_total=card.max_total,
        threshold=card.threshold,
        verdict=marker,
    )
    before, _, after = line.partition(marker)
    return Para((Run(before), Run(verdict(data), bold=True), Run(after)), "body")
