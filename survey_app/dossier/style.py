"""Page layout and building blocks of the dossier PDF (Decree 30/2020/NĐ-CP conventions).

A4 portrait with the decree's margins; a serif face (DejaVu Serif Condensed, whose width is close
to the conventional Times New Roman) at 13 pt for the body; the national title block, the
recipients list and the signature block as reusable flowables; a canvas that prints the footer
(page x/y, round, audit chain head) on every page and the DRAFT watermark while unlocked.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from survey_app.core.fonts import nfc, register_family, text_width
from survey_app.dossier.texts import text

SERIF = "DejaVuSerifCond"
SERIF_BOLD = "DejaVuSerifCond-Bold"
SERIF_ITALIC = "DejaVuSerifCond-Italic"
SERIF_BOLD_ITALIC = "DejaVuSerifCond-BoldItalic"
_SERIF_FAMILY = {
    (0, 0): (SERIF, "DejaVuSerifCondensed.ttf"),
    (1, 0): (SERIF_BOLD, "DejaVuSerifCondensed-Bold.ttf"),
    (0, 1): (SERIF_ITALIC, "DejaVuSerifCondensed-Italic.ttf"),
    (1, 1): (SERIF_BOLD_ITALIC, "DejaVuSerifCondensed-BoldItalic.ttf"),
}

# Decree 30/2020, Appendix I: top 20-25, bottom 20-25, left 30-35, right 15-20 mm.
PAGE = A4
MARGIN_TOP, MARGIN_BOTTOM = 20 * mm, 22 * mm
MARGIN_LEFT, MARGIN_RIGHT = 30 * mm, 15 * mm
FRAME_WIDTH = PAGE[0] - MARGIN_LEFT - MARGIN_RIGHT


def register_serif() -> None:
    """Register the shipped serif faces (idempotent, thread-safe) with <b>/<i> mappings."""
    register_family(SERIF, _SERIF_FAMILY)


def _style(name: str, **kw: object) -> ParagraphStyle:
    base: dict[str, object] = {"fontName": SERIF, "fontSize": 13, "leading": 17}
    base.update(kw)
    return ParagraphStyle(name, **base)  # type: ignore[arg-type]


STYLES: dict[str, ParagraphStyle] = {
    "body": _style("body", alignment=TA_JUSTIFY, firstLineIndent=10 * mm, spaceAfter=4),
    "plain": _style("plain", alignment=TA_JUSTIFY, spaceAfter=4),
    "left": _style("left", alignment=TA_LEFT, spaceAfter=4),
    "bullet": _style("bullet", alignment=TA_JUSTIFY, leftIndent=10 * mm, spaceAfter=3),
    "heading": _style("heading", fontName=SERIF_BOLD, spaceBefore=8, spaceAfter=5, keepWithNext=1),
    "center": _style("center", alignment=TA_CENTER),
    "center_bold": _style("center_bold", fontName=SERIF_BOLD, alignment=TA_CENTER),
    "center_italic": _style("center_italic", fontName=SERIF_ITALIC, alignment=TA_CENTER),
    "doc_type": _style("doc_type", fontName=SERIF_BOLD, fontSize=14, leading=18, alignment=1),
    "head": _style("head", fontSize=12.5, leading=15, alignment=TA_CENTER),
    "head_bold": _style("head_bold", fontName=SERIF_BOLD, fontSize=12.5, leading=15, alignment=1),
    "cell": _style("cell", fontSize=10.5, leading=13),
    "cell_center": _style("cell_center", fontSize=10.5, leading=13, alignment=TA_CENTER),
    "cell_head": _style("cell_head", fontName=SERIF_BOLD, fontSize=10.5, leading=13, alignment=1),
    "small": _style("small", fontSize=9.5, leading=11.5),
    "small_center": _style("small_center", fontSize=9.5, leading=11.5, alignment=TA_CENTER),
    "cell_bold": _style("cell_bold", fontName=SERIF_BOLD, fontSize=10.5, leading=13),
    "note": _style("note", fontName=SERIF_ITALIC, fontSize=11, leading=14, spaceBefore=3),
    "recipients_head": _style("rh", fontName=SERIF_BOLD_ITALIC, fontSize=12, leading=15),
    "recipients": _style("recipients", fontSize=11, leading=13.5, alignment=TA_LEFT),
}


def para(value: object, style: str = "body") -> Paragraph:
    """A paragraph of plain text: NFC, and escaped so user text ("<", "&") never reads as markup."""
    return Paragraph(escape(nfc(str(value))), STYLES[style])


def markup(value: str, style: str = "body") -> Paragraph:
    """A paragraph of trusted markup (our own <b>/<i> around escaped values)."""
    return Paragraph(nfc(value), STYLES[style])


class CentredRule(Flowable):
    """A thin horizontal line of a fixed width, centred in whatever width it is given."""

    def __init__(self, width: float) -> None:
        super().__init__()
        self.line_width = width

    def wrap(self, avail_width: float, _avail_height: float) -> tuple[float, float]:
        self.avail = avail_width
        return avail_width, 5  # a little air between the text above and the line

    def draw(self) -> None:
        x0 = (self.avail - self.line_width) / 2
        self.canv.setLineWidth(0.6)
        self.canv.line(x0, 1.5, x0 + self.line_width, 1.5)


def rule(label: str, font: str, size: float, fraction: float = 1.0) -> Flowable:
    """A centred line under a heading, ``fraction`` of the heading's width (Decree 30 style)."""
    return CentredRule(max(12 * mm, text_width(label, font, size) * fraction))


def _fit_size(label: str, font: str, width: float, largest: float, smallest: float) -> float:
    size = largest
    while size > smallest and text_width(label, font, size) > width:
        size -= 0.5
    return size


def title_block(parent: str, body: str, number_line: str, date_line: str, lang: str) -> Table:
    """The top of an administrative document: issuing body | national title, number | date."""
    left_w, right_w = 64 * mm, FRAME_WIDTH - 64 * mm
    inner = left_w - 4
    p_size = _fit_size(parent.upper(), SERIF, inner, 12.5, 10)
    b_size = _fit_size(body.upper(), SERIF_BOLD, inner, 12.5, 10)
    left = [
        Paragraph(escape(nfc(parent.upper())), _style("p", fontSize=p_size, alignment=1)),
        Paragraph(
            escape(nfc(body.upper())),
            _style("b", fontName=SERIF_BOLD, fontSize=b_size, alignment=1),
        ),
        rule(body.upper(), SERIF_BOLD, b_size, 0.4),
    ]
    nation, motto = text("nation", lang), text("motto", lang)
    n_size = _fit_size(nation, SERIF_BOLD, right_w - 4, 12.5, 10)
    right = [
        Paragraph(nation, _style("n", fontName=SERIF_BOLD, fontSize=n_size, alignment=1)),
        Paragraph(motto, _style("m", fontName=SERIF_BOLD, fontSize=13, alignment=1)),
        rule(motto, SERIF_BOLD, 13),
    ]
    rows = [
        [left, right],
        [para(number_line, "center"), para(date_line, "center_italic")],
    ]
    table = Table(rows, colWidths=[left_w, right_w])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (-1, 1), 8),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ]
        )
    )
    return table


def document_title(doc_type: str, subject: str) -> list[Flowable]:
    """ "BÁO CÁO" and its summary line, centred and bold, with a short rule under them."""
    return [
        Spacer(1, 8 * mm),
        para(doc_type, "doc_type"),
        para(subject, "center_bold"),
        rule("x" * 20, SERIF_BOLD, 13, 1.0),
        Spacer(1, 5 * mm),
    ]


def signature_block(
    recipients: Sequence[str], heads: Sequence[str], hint: str, name: str, lang: str
) -> Flowable:
    """ "Nơi nhận:" bottom-left and the signer's block bottom-right, kept on one page."""
    left: list[Flowable] = [para(text("recipients", lang), "recipients_head")]
    left += [para(line, "recipients") for line in recipients]
    right: list[Flowable] = [para(h, "center_bold") for h in heads if h]
    right += [para(hint, "center_italic"), Spacer(1, 20 * mm), para(name, "center_bold")]
    table = Table([[left, right]], colWidths=[FRAME_WIDTH * 0.48, FRAME_WIDTH * 0.52])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("ALIGN", (1, 0), (1, 0), "CENTER"),
            ]
        )
    )
    return KeepTogether([Spacer(1, 6 * mm), table])


def grid_table(
    rows: list[list[object]],
    widths: Sequence[float],
    *,
    bold_rows: Sequence[int] = (),
    extra: Sequence[tuple[object, ...]] = (),
    row_heights: Sequence[float | None] | None = None,
) -> Table:
    """A bordered data table whose header row repeats on every page it spans."""
    heights = list(row_heights) if row_heights else None
    table = Table(rows, colWidths=list(widths), rowHeights=heights, repeatRows=1)
    commands: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    commands += [("BACKGROUND", (0, r), (-1, r), colors.Color(0.95, 0.95, 0.95)) for r in bold_rows]
    table.setStyle(TableStyle(commands + list(extra)))  # type: ignore[arg-type]
    return table


def canvas_class(footer_right: str, round_name: str, draft: bool, lang: str) -> type[Canvas]:
    """A canvas that knows the page count: footer "page x/y · round · chain" and the watermark.

    reportlab learns the page count only at the end, so pages are kept and drawn on ``save``.
    """

    class DossierCanvas(Canvas):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self._pages: list[dict[str, object]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._footer(number, len(self._pages))
                super().showPage()
            super().save()

        def _footer(self, page: int, pages: int) -> None:
            self.saveState()
            y = MARGIN_BOTTOM - 11 * mm
            self.setLineWidth(0.4)
            self.line(MARGIN_LEFT, y + 9, PAGE[0] - MARGIN_RIGHT, y + 9)
            self.setFont(SERIF, 8.5)
            self.drawString(MARGIN_LEFT, y, nfc(text("page", lang, page=page, pages=pages)))
            self.drawCentredString(
                MARGIN_LEFT + FRAME_WIDTH / 2, y, nfc(round_name) + (" · DRAFT" if draft else "")
            )
            self.drawRightString(PAGE[0] - MARGIN_RIGHT, y, nfc(footer_right))
            self.restoreState()

    return DossierCanvas


def draw_watermark(canvas: Canvas, lang: str) -> None:
    """The diagonal "DỰ THẢO / DRAFT" behind the page content (drawn first, in light grey)."""
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.87, 0.87, 0.87))
    canvas.setFont(SERIF_BOLD, 64)
    canvas.translate(PAGE[0] / 2, PAGE[1] / 2)
    canvas.rotate(55)
    canvas.drawCentredString(0, -20, nfc(text("draft", lang)))
    canvas.restoreState()
