"""Page layout, type sizes and the reportlab flowables of the dossier PDF (Decree 30/2020/NĐ-CP).

A4 portrait, margins top/bottom 20 mm, left 30 mm, right 15 mm (Appendix I: 20-25, 20-25,
30-35, 15-20). Liberation Serif (metric-compatible with Times New Roman, full Vietnamese,
SIL OFL, shipped in ``static/fonts``). Sizes from the decree's sample table: national title 12
bold, motto 13 bold, issuer 12 (bold), number 13, place and date 13 italic, document type and
summary 14 bold, body 14, "Nơi nhận" 12 bold italic, recipients 11, signer 14 bold.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from survey_app.core.fonts import (
    SERIF,
    SERIF_BOLD,
    SERIF_BOLD_ITALIC,
    SERIF_ITALIC,
    nfc,
    register_serif,
    text_width,
)
from survey_app.dossier.model import Para

__all__ = ["SERIF", "SERIF_BOLD", "register_serif"]

PAGE = A4
MARGIN_TOP, MARGIN_BOTTOM = 20 * mm, 20 * mm
MARGIN_LEFT, MARGIN_RIGHT = 30 * mm, 15 * mm
FRAME_WIDTH = PAGE[0] - MARGIN_LEFT - MARGIN_RIGHT
HEADER_LEFT = 72 * mm  # the issuing body column of the page-1 head
BODY_SIZE = 14
INDENT = 10 * mm  # first-line indent of body paragraphs (Appendix I: 1 cm or 1.27 cm)


def _style(name: str, **kw: object) -> ParagraphStyle:
    base: dict[str, object] = {
        "fontName": SERIF,
        "fontSize": BODY_SIZE,
        "leading": BODY_SIZE * 1.2,
        "spaceAfter": 6,
    }
    base.update(kw)
    return ParagraphStyle(name, **base)  # type: ignore[arg-type]


STYLES: dict[str, ParagraphStyle] = {
    "body": _style("body", alignment=TA_JUSTIFY, firstLineIndent=INDENT),
    "plain": _style("plain", alignment=TA_JUSTIFY),
    "basis": _style("basis", fontName=SERIF_ITALIC, alignment=TA_JUSTIFY, firstLineIndent=INDENT),
    "bullet": _style("bullet", alignment=TA_JUSTIFY, firstLineIndent=INDENT, spaceAfter=3),
    "heading": _style("heading", fontName=SERIF_BOLD, spaceBefore=6),
    "center": _style("center", alignment=TA_CENTER),
    "center_bold": _style("center_bold", fontName=SERIF_BOLD, alignment=TA_CENTER, spaceAfter=0),
    "note": _style("note", fontName=SERIF_ITALIC, fontSize=12, leading=15),
    "dots": _style("dots", alignment=TA_LEFT),
    "to": _style("to", alignment=TA_CENTER, spaceBefore=6, spaceAfter=8),
    "doc_type": _style("doc_type", fontName=SERIF_BOLD, alignment=TA_CENTER, spaceAfter=0),
    "subject": _style("subject", fontName=SERIF_BOLD, alignment=TA_CENTER, spaceAfter=0),
    "head": _style("head", fontSize=12, leading=14.5, alignment=TA_CENTER, spaceAfter=0),
    "head_bold": _style(
        "head_bold", fontName=SERIF_BOLD, fontSize=12, leading=14.5, alignment=1, spaceAfter=0
    ),
    "nation": _style(
        "nation", fontName=SERIF_BOLD, fontSize=12, leading=14.5, alignment=1, spaceAfter=0
    ),
    "motto": _style(
        "motto", fontName=SERIF_BOLD, fontSize=13, leading=15.5, alignment=1, spaceAfter=0
    ),
    "number": _style("number", fontSize=13, leading=16, alignment=TA_CENTER, spaceAfter=0),
    "place_date": _style(
        "place_date", fontName=SERIF_ITALIC, fontSize=13, leading=16, alignment=1, spaceAfter=0
    ),
    "cell": _style("cell", fontSize=11.5, leading=14, spaceAfter=0),
    "cell_small": _style("cell_small", fontSize=10.5, leading=12.5, spaceAfter=0),
    "cell_head": _style(
        "cell_head", fontName=SERIF_BOLD, fontSize=11.5, leading=14, alignment=1, spaceAfter=0
    ),
    "recipients_head": _style(
        "rh", fontName=SERIF_BOLD_ITALIC, fontSize=12, leading=14, spaceAfter=1
    ),
    "recipients": _style("recipients", fontSize=11, leading=13, spaceAfter=0),
    "signer": _style("signer", fontName=SERIF_BOLD, alignment=TA_CENTER, spaceAfter=0),
    "hint": _style("hint", fontName=SERIF_ITALIC, fontSize=13, alignment=TA_CENTER, spaceAfter=0),
}

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": 2}
_cell_styles: dict[tuple[str, str, bool], ParagraphStyle] = {}


def plain(value: object, style: str) -> Paragraph:
    """A paragraph of plain text: NFC, escaped so user text ("<", "&") never reads as markup."""
    return Paragraph(escape(nfc(str(value))), STYLES[style])


def paragraph(block: Para, style: str | None = None) -> Paragraph:
    """A content-model paragraph: its runs escaped, bold and italic runs tagged."""
    parts = []
    for run in block.runs:
        piece = escape(nfc(run.text))
        if run.bold:
            piece = f"<b>{piece}</b>"
        if run.italic:
            piece = f"<i>{piece}</i>"
        parts.append(piece)
    return Paragraph("".join(parts), STYLES[style or block.style])


def cell_style(base: str, align: str, bold: bool) -> ParagraphStyle:
    """A table cell's style: the base size with the cell's alignment and weight (cached)."""
    key = (base, align, bold)
    if key not in _cell_styles:
        parent = STYLES[base]
        _cell_styles[key] = ParagraphStyle(
            f"{base}-{align}-{int(bold)}",
            parent=parent,
            alignment=_ALIGN[align],
            fontName=SERIF_BOLD if bold else parent.fontName,
        )
    return _cell_styles[key]


class CentredRule(Flowable):
    """A thin horizontal line of a fixed width, centred in whatever width it is given."""

    def __init__(self, width: float, gap: float = 7) -> None:
        super().__init__()
        self.line_width = width
        self.gap = gap

    def wrap(self, avail_width: float, _avail_height: float) -> tuple[float, float]:
        self.avail = avail_width
        return avail_width, self.gap

    def draw(self) -> None:
        x0 = (self.avail - self.line_width) / 2
        self.canv.setLineWidth(0.6)
        self.canv.line(x0, 1.5, x0 + self.line_width, 1.5)


def rule_under(label: str, font: str, size: float, fraction: float = 1.0) -> CentredRule:
    """The solid line under the motto (full length) or the issuer (1/3 to 1/2 of its length)."""
    return CentredRule(max(15 * mm, text_width(label, font, size) * fraction))


def fit_size(label: str, font: str, width: float, largest: float, smallest: float) -> float:
    """The largest size (half-point steps) at which ``label`` fits in ``width``."""
    size = largest
    while size > smallest and text_width(label, font, size) > width:
        size -= 0.5
    return size


def draw_watermark(c: Canvas, mark: str) -> None:
    """ "DỰ THẢO" in light grey across the page, drawn before (under) the page's text."""
    c.saveState()
    c.setFillColor(colors.Color(0.9, 0.9, 0.9))
    c.setFont(SERIF_BOLD, 80)
    c.translate(PAGE[0] / 2, PAGE[1] / 2)
    c.rotate(50)
    c.drawCentredString(0, -25, nfc(mark))
    c.restoreState()


def draw_draft_box(c: Canvas, mark: str) -> None:
    """ "DỰ THẢO" boxed at the top right, in the top margin of every page of a draft."""
    mark = nfc(mark)
    c.saveState()
    size = 12
    width = text_width(mark, SERIF_BOLD, size) + 4 * mm
    x = PAGE[0] - MARGIN_RIGHT - width
    y = PAGE[1] - MARGIN_TOP + 4 * mm
    c.setLineWidth(0.9)
    c.rect(x, y - 1.6 * mm, width, size + 2.2 * mm, stroke=1, fill=0)
    c.setFont(SERIF_BOLD, size)
    c.drawCentredString(x + width / 2, y, mark)
    c.restoreState()
