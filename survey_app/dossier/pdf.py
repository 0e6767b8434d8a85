"""The round's dossier: request letter, assessment report and council minutes in one PDF.

Pure functions on :class:`~survey_app.dossier.data.DossierData` (the routes build it
from the database). Layout follows Decree 30/2020/NĐ-CP: issuing body and national title, number
and symbol, place and date, document type, body, recipients and signature block. Every page has
a footer with the page number, the round and the audit chain head; while the score is not locked
every page carries a "DỰ THẢO / DRAFT" watermark, so an unlocked figure is never signed by
mistake. The score table as XLSX is :func:`render_score_xlsx` (in ``dossier_xlsx``, re-exported
here)."""

from __future__ import annotations

import io

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from survey_app.core.fonts import text_width
from survey_app.dossier.data import SIGNER_CHAIR, SIGNER_VICE, DossierData
from survey_app.dossier.report import (
    body_in_text,
    recipients,
    report_body,
    score_table,
    verdict,
    ward_in_text,
)
from survey_app.dossier.style import (
    FRAME_WIDTH,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE,
    SERIF,
    canvas_class,
    document_title,
    draw_watermark,
    grid_table,
    para,
    register_serif,
    signature_block,
    title_block,
)
from survey_app.dossier.texts import date_text, lines, short_date, text
from survey_app.dossier.xlsx import render_score_xlsx

__all__ = ["render_dossier_pdf", "render_score_xlsx"]

_DOTS = "......"


def _round_in_text(data: DossierData) -> str:
    name = data.round_name
    return name[:1].lower() + name[1:] if data.language != "en" else name


def _sentence_start(value: str) -> str:
    return value[:1].upper() + value[1:]


def _place_date(data: DossierData, day: object = None) -> str:
    when = data.issued_on if day is None else day
    return f"{data.place_name}, {date_text(when, data.language)}"  # type: ignore[arg-type]


def _signer_heads(data: DossierData) -> list[str]:
    """ "TM. ỦY BAN NHÂN DÂN" then the signer's title, one line per "/" part."""
    title = data.signer_title
    if data.language == "en":
        title = {SIGNER_CHAIR: "CHAIRMAN", SIGNER_VICE: "P.P. CHAIRMAN / VICE CHAIRMAN"}.get(
            title, title
        )
    return [text("on_behalf", data.language), *(t.strip() for t in title.split("/"))]


def _dotted_line() -> Flowable:
    count = int(FRAME_WIDTH / text_width(".", SERIF, 13)) - 2
    return para("." * count, "plain")


def letter(data: DossierData) -> list[Flowable]:
    """The request letter (Tờ trình) to the recognising authority."""
    lang, card = data.language, data.scorecard
    number = text("number", lang, number=data.letter_number or _DOTS, symbol="TTr-UBND")
    authority = data.recognising_authority
    out: list[Flowable] = [
        title_block(data.ward_admin_parent, data.issuing_body, number, _place_date(data), lang),
        *document_title(
            text("letter_type", lang),
            text("letter_subject", lang, ward=ward_in_text(data), round=_round_in_text(data)),
        ),
        para(text("to", lang, authority=authority), "center"),
        Spacer(1, 4 * mm),
        para(text("basis_decision", lang)),
        para(text("basis_council", lang, date=date_text(data.council.meeting_on, lang))),
        para(
            text(
                "letter_body",
                lang,
                body=_sentence_start(body_in_text(data)),
                authority=authority,
                ward=ward_in_text(data),
                round=_round_in_text(data),
            )
        ),
        para(
            "- "
            + text(
                "letter_total",
                lang,
                total=card.total,
                max_total=card.max_total,
                locality=data.locality_label,
                threshold=card.threshold,
            ),
            "bullet",
        ),
        para(
            "- " + text("letter_zero", lang, count=sum(c.points == 0 for c in card.criteria)),
            "bullet",
        ),
        para("- " + text("letter_verdict", lang, verdict=verdict(data)), "bullet"),
    ]
    if not card.recognised:
        out.append(para(text("letter_not_ready", lang), "note"))
    out.append(para(text("enclosed", lang)))
    items = lines("enclosed_items", lang)
    out += [para(f"{i}. {item}", "bullet") for i, item in enumerate(items, start=1)]
    out.append(para(text("letter_close", lang, authority=authority)))
    out.append(
        signature_block(
            [
                *lines("letter_recipients", lang),
                text("archive", lang),
            ],
            _signer_heads(data),
            text("seal_hint", lang),
            data.signer_name,
            lang,
        )
    )
    return out


def report(data: DossierData) -> list[Flowable]:
    """The assessment report (Báo cáo kết quả đánh giá) with the score table and its annexes."""
    lang = data.language
    number = text("number", lang, number=data.document_number or _DOTS, symbol="BC-UBND")
    return [
        title_block(data.ward_admin_parent, data.issuing_body, number, _place_date(data), lang),
        *document_title(
            text("report_type", lang), text("report_subject", lang, round=_round_in_text(data))
        ),
        *report_body(data),
        signature_block(
            recipients(data, "report_recipients"),
            _signer_heads(data),
            text("seal_hint", lang),
            data.signer_name,
            lang,
        ),
    ]


def minutes(data: DossierData) -> list[Flowable]:
    """The council minutes (Biên bản họp Hội đồng đánh giá), prefilled, with signature blanks."""
    lang, card, council = data.language, data.scorecard, data.council
    number = text("number", lang, number=data.minutes_number or _DOTS, symbol="BB-HĐĐG")
    out: list[Flowable] = [
        title_block(
            data.issuing_body,
            text("council_body", lang),
            number,
            _place_date(data, council.meeting_on),
            lang,
        ),
        *document_title(
            text("minutes_type", lang), text("minutes_subject", lang, round=_round_in_text(data))
        ),
        para(
            text(
                "minutes_open",
                lang,
                date=date_text(council.meeting_on, lang),
                place=council.place or _DOTS * 4,
                ward=ward_in_text(data),
            )
        ),
        para(text("sec_attendance", lang), "heading"),
        para(text("chair", lang, name=council.chair_name, title=council.chair_title), "plain"),
        para(text("members", lang), "plain"),
    ]
    out += [para(f"- {m.name}, {m.title}", "bullet") for m in council.members]
    out += [
        para(text("secretary", lang), "plain"),
        para(text("sec_content", lang), "heading"),
        para(text("minutes_review", lang)),
        score_table(data),
    ]
    if any(not c.verified for c in card.criteria):
        out.append(para(text("provisional_note", lang), "note"))
    out += [para(text("opinions", lang), "plain"), *(_dotted_line() for _ in range(4))]
    out += [
        para(text("sec_conclusion", lang), "heading"),
        para(
            text(
                "minutes_result",
                lang,
                verdict=verdict(data),
                total=card.total,
                max_total=card.max_total,
                threshold=card.threshold,
            )
        ),
        para(text("minutes_vote", lang)),
    ]
    if council.approvals:
        out.append(para(text("approvals", lang), "plain"))
        out += [
            para(f"- {a.role}: {a.name}, {short_date(a.at, lang)}", "bullet")
            for a in council.approvals
        ]
    out.append(para(text("minutes_close", lang)))
    out += _minutes_signatures(data)
    return out


def _minutes_signatures(data: DossierData) -> list[Flowable]:
    """Secretary and chair side by side, then a signature row for every council member."""
    lang, council = data.language, data.council

    def column(title: str, name: str) -> list[Flowable]:
        return [
            para(title, "center_bold"),
            para(text("sign_hint", lang), "center_italic"),
            Spacer(1, 22 * mm),
            para(name, "center_bold"),
        ]

    secretary = column(text("sig_secretary", lang), "")  # the name is written by hand
    chair = column(text("sig_chair", lang), council.chair_name)
    pair = Table([[secretary, chair]], colWidths=[FRAME_WIDTH / 2] * 2)
    pair.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    out: list[Flowable] = [KeepTogether([Spacer(1, 6 * mm), pair])]
    if council.members:
        keys = ("col_no", "col_name", "col_title", "col_signature")
        rows: list[list[object]] = [[para(text(k, lang), "cell_head") for k in keys]]
        for i, m in enumerate(council.members, start=1):
            rows.append([para(i, "cell_center"), para(m.name, "cell"), para(m.title, "cell"), ""])
        widths = [10 * mm, 50 * mm, 65 * mm, FRAME_WIDTH - 125 * mm]
        # Fixed tall rows leave room for a handwritten signature.
        heights = [None] + [14 * mm] * len(council.members)
        table = grid_table(rows, widths, row_heights=heights)
        title = para(text("members_sign", lang), "plain")
        out.append(KeepTogether([Spacer(1, 4 * mm), title, table]))
    return out


def render_dossier_pdf(data: DossierData) -> bytes:
    """The dossier as PDF bytes: request letter, assessment report, council minutes.

    Each document starts on a new page; pages are numbered across the whole dossier.
    """
    register_serif()
    draft = data.locked is None
    head_id, head_hash = data.audit_head
    chain = text("chain", data.language, id=head_id, hash=head_hash[:16])
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=text("report_subject", data.language, round=data.round_name),
        author=data.issuing_body,
        subject=data.ward_name,
    )
    frame = Frame(
        MARGIN_LEFT,
        MARGIN_BOTTOM,
        FRAME_WIDTH,
        doc.height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )

    def on_page(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        if draft:
            draw_watermark(canvas, data.language)

    doc.addPageTemplates([PageTemplate("page", [frame], onPage=on_page)])
    story = [*letter(data), PageBreak(), *report(data), PageBreak(), *minutes(data)]
    doc.build(story, canvasmaker=canvas_class(chain, data.round_name, draft, data.language))
    return buffer.getvalue()
