"""The assessment report (Báo cáo kết quả đánh giá): score table, verdict, gaps, survey, sources.

Builds reportlab flowables only; the page template, title block and signature block come from
``dossier_style`` and the texts from ``dossier_texts``.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from survey_app.core.fonts import nfc
from survey_app.dossier.data import DossierData, SourceNote, SurveySection
from survey_app.dossier.style import FRAME_WIDTH, grid_table, markup, para
from survey_app.dossier.texts import lines, number, short_date, text

PROVISIONAL_MARK = "*"


def unit_name(data: DossierData, unit_id: str) -> str:
    """The owner unit's name in the dossier language (the id itself when the rules lack it)."""
    unit = data.rules.unit(unit_id)
    return unit.name.get(data.language) if unit else unit_id


def verdict(data: DossierData) -> str:
    """ "ĐẠT chuẩn …" or "CHƯA ĐẠT chuẩn …" in the dossier language."""
    return text("verdict_yes" if data.scorecard.recognised else "verdict_no", data.language)


def score_table(data: DossierData) -> Table:
    """The 13-criterion table with its total and threshold rows; long names wrap in their cell."""
    lang, card = data.language, data.scorecard
    head = [
        para(text(k, lang), "cell_head")
        for k in ("col_no", "col_criterion", "col_unit", "col_max", "col_points", "col_prov")
    ]
    rows: list[list[object]] = [head]
    for c in card.criteria:
        mark = PROVISIONAL_MARK if not c.verified else ""
        rows.append(
            [
                para(c.number, "cell_center"),
                para(c.name.get(lang), "cell"),
                para(unit_name(data, c.unit), "cell"),
                para(c.max_points, "cell_center"),
                para(c.points, "cell_center"),
                para(mark, "cell_center"),
            ]
        )
    total = len(rows)
    rows.append(
        [
            "",
            para(text("total_row", lang), "cell_bold"),
            "",
            para(card.max_total, "cell_center"),
            markup(f"<b>{card.total}</b>", "cell_center"),
            "",
        ]
    )
    rows.append(
        [
            "",
            para(text("threshold_row", lang, locality=data.locality_label), "cell"),
            "",
            "",
            para(card.threshold, "cell_center"),
            "",
        ]
    )
    widths = [10 * mm, None, 36 * mm, 17 * mm, 17 * mm, 16 * mm]
    fixed = sum(w for w in widths if w)
    widths[1] = FRAME_WIDTH - fixed
    spans = [("SPAN", (1, r), (2, r)) for r in (total, total + 1)]
    return grid_table(rows, widths, bold_rows=(total,), extra=spans)  # type: ignore[arg-type]


def _survey_table(survey: SurveySection, lang: str) -> Table:
    conf = number(survey.confidence * 100, lang, 0)
    keys = ("col_audience", "col_valid", "col_target", "col_satisfied")
    head = [para(text(k, lang), "cell_head") for k in keys]
    head += [para(text(k, lang, conf=conf), "cell_head") for k in ("col_rate", "col_rate_w")]

    def ci(rate: object) -> str:
        r = rate  # RateCI
        if r.rate is None:  # type: ignore[attr-defined]
            return "-"
        low, high = number(r.low, lang), number(r.high, lang)  # type: ignore[attr-defined]
        return f"{number(r.rate, lang)}% ({low}–{high})"  # type: ignore[attr-defined]

    rows: list[list[object]] = [head]
    for a in survey.audiences:
        label = (
            text(f"aud_{a.audience}", lang) if a.audience in ("child", "resident") else a.audience
        )
        rows.append(
            [
                para(label, "cell"),
                para(a.respondents, "cell_center"),
                para("-" if a.target is None else a.target, "cell_center"),
                para(a.satisfied, "cell_center"),
                para(ci(a.rate), "cell_center"),
                para(ci(a.rate_weighted), "cell_center"),
            ]
        )
    rows.append(
        [
            para(text("aud_combined", lang), "cell_bold"),
            "",
            "",
            "",
            markup(f"<b>{escape(ci(survey.combined))}</b>", "cell_center"),
            para(ci(survey.combined_weighted), "cell_center"),
        ]
    )
    widths = [28 * mm, 20 * mm, 20 * mm, 20 * mm]
    rest = (FRAME_WIDTH - sum(widths)) / 2
    return grid_table(rows, [*widths, rest, rest], bold_rows=(len(rows) - 1,))


def survey_section(data: DossierData) -> list[Flowable]:
    """Part IV: who was asked and how, sample vs target, rates with intervals, points, certainty."""
    lang, s = data.language, data.survey
    out: list[Flowable] = [para(text("sec_survey", lang), "heading")]
    if s is None:
        return [*out, para(text("survey_none", lang))]
    dates = ""
    if s.started_on and s.ended_on:
        dates = text(
            "survey_dates",
            lang,
            start=short_date(s.started_on, lang),
            end=short_date(s.ended_on, lang),
        )
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
    out += [para(method), _survey_table(s, lang), Spacer(1, 3 * mm)]
    conf = number(s.confidence * 100, lang, 0)
    out.append(
        para(
            text(
                "survey_points",
                lang,
                points="-" if s.points is None else s.points,
                points_w="-" if s.points_weighted is None else s.points_weighted,
                margin=number(s.margin_points, lang, 0),
                conf=conf,
            )
        )
    )
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


def sources_table(data: DossierData) -> list[Flowable]:
    """Part V: every entered figure with its source note, grouped by criterion order."""
    lang = data.language
    out: list[Flowable] = [para(text("sec_sources", lang), "heading")]
    if not data.source_notes:
        return [*out, para(text("sources_none", lang))]
    order = {c.id: c.number for c in data.rules.criteria}
    notes = sorted_notes(data)
    keys = ("col_no", "col_input", "col_value", "col_note", "col_entered")
    rows: list[list[object]] = [[para(text(k, lang), "cell_head") for k in keys]]
    for n in notes:
        value = f"{n.value} {n.unit}".strip()
        day = short_date(n.updated_at.date() if n.updated_at else None, lang)
        rows.append(
            [
                para(order.get(n.criterion_id, n.criterion_id), "small_center"),
                para(n.label[:1].upper() + n.label[1:], "small"),
                para(value, "small_center"),
                para(n.note, "small"),
                [para(n.entered_by, "small"), para(day, "small")],
            ]
        )
    widths = [9 * mm, 55 * mm, 19 * mm, None, 28 * mm]
    widths[3] = FRAME_WIDTH - sum(w for w in widths if w)
    return [*out, grid_table(rows, widths)]  # type: ignore[arg-type]


def sorted_notes(data: DossierData) -> list[SourceNote]:
    """Source notes in criterion order, then in the order the rule file lists the inputs."""
    order = {c.id: c.number for c in data.rules.criteria}
    position = {spec.key: i for i, spec in enumerate(data.rules.inputs)}
    return sorted(
        data.source_notes,
        key=lambda n: (order.get(n.criterion_id, 99), position.get(n.input_key, 999), n.input_key),
    )


def report_body(data: DossierData) -> list[Flowable]:
    """Parts I-VI of the assessment report (the title block and signature are added by caller)."""
    lang, card = data.language, data.scorecard
    out: list[Flowable] = [
        para(
            text(
                "report_intro",
                lang,
                body=body_in_text(data),
                ward=ward_in_text(data),
                start=short_date(data.period_start, lang),
                end=short_date(data.period_end, lang),
                version=card.rules_version,
                locality=data.locality_label,
            )
        ),
        para(text("sec_scores", lang), "heading"),
        score_table(data),
    ]
    if any(not c.verified for c in card.criteria):
        out.append(para(text("provisional_note", lang), "note"))
    out.append(para(text("sec_verdict", lang), "heading"))
    line = text(
        "verdict_line",
        lang,
        total=card.total,
        max_total=card.max_total,
        threshold=card.threshold,
        verdict=f"\x00{verdict(data)}\x01",
    )
    # The verdict words are bold: escape the sentence, then swap the markers for the tags.
    out.append(markup(escape(nfc(line)).replace("\x00", "<b>").replace("\x01", "</b>")))
    if card.reasons:
        out.append(para(text("reasons", lang), "plain"))
        out += [para(f"- {r.message(lang)}", "bullet") for r in card.reasons]
    out += gaps_section(data)
    out += survey_section(data)
    out += sources_table(data)
    out += integrity_section(data)
    return out


def gaps_section(data: DossierData) -> list[Flowable]:
    """Part III: the cheapest steps to the threshold, criteria blocked by a trigger, gaps."""
    lang, plan = data.language, data.gaps
    out: list[Flowable] = [para(text("sec_gaps", lang), "heading")]
    if plan is None:
        return [*out, para(text("gaps_none", lang))]
    if plan.shortfall > 0:
        out.append(para(text("gaps_plan", lang, shortfall=plan.shortfall), "plain"))
    out += [para(f"- {step.message(lang)}", "bullet") for step in plan.steps]
    out += [para(f"- {m}", "bullet") for m in plan.blocked_messages(lang)]
    if not plan.reachable:
        out.append(para(text("gaps_unreachable", lang)))
    if plan.missing:
        out.append(para(text("gaps_missing", lang, keys=", ".join(plan.missing))))
    return out


def integrity_section(data: DossierData) -> list[Flowable]:
    """Part VI: rule version and hashes, lock, and the audit chain head printed in full."""
    lang, card = data.language, data.scorecard
    out: list[Flowable] = [para(text("sec_integrity", lang), "heading")]
    hashes = text(
        "integrity",
        lang,
        version=card.rules_version,
        rules_hash=card.rules_sha256[:16],
        inputs_hash=card.inputs_sha256[:16],
        stage=data.stage,
    )
    out.append(para(hashes, "plain"))
    if data.locked:
        at = short_date(data.locked.locked_at, lang)
        out.append(para(text("locked_by", lang, name=data.locked.locked_by, at=at), "plain"))
    else:
        out.append(para(text("not_locked", lang), "plain"))
    head_id, head_hash = data.audit_head
    out.append(para(text("chain", lang, id=head_id, hash=head_hash), "left"))
    return out


def recipients(data: DossierData, key: str) -> list[str]:
    """The "Nơi nhận" lines: the ward's own list, else the usual defaults, then the archive."""
    base = list(data.recipients) or lines(key, data.language, authority=data.recognising_authority)
    return [*base, text("archive", data.language)]


def ward_in_text(data: DossierData) -> str:
    """The ward's name inside a sentence: "phường Dĩnh Kế" (vi), as given in English."""
    name = data.ward_name
    return name[:1].lower() + name[1:] if data.language != "en" else name


def body_in_text(data: DossierData) -> str:
    """The issuing body inside a sentence: "UBND phường Dĩnh Kế"."""
    if data.language == "en":
        return f"the People's Committee of {data.ward_name}"
    return f"UBND {ward_in_text(data)}"
