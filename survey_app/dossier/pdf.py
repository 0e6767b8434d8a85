"""The dossier as PDF: the content model (``survey_app.dossier.model``) laid out with reportlab.

Each document starts on a new page and is numbered on its own: the page number is centred in
the top margin from its second page on, none on page 1 (Decree 30/2020/NĐ-CP, Appendix I). A
draft document carries "DỰ THẢO" on every page. Entry points: :func:`render_dossier_pdf`
(the round's documents), :func:`render_bundle_pdf` (any bundle, e.g. the posting notice) and
:func:`render_score_xlsx` (re-exported from ``survey_app.dossier.xlsx``).
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import PageBreak as NewPage

from survey_app.core.fonts import SERIF, SERIF_BOLD, nfc, register_serif, text_width
from survey_app.dossier.data import DossierData
from survey_app.dossier.documents import dossier_bundle
from survey_app.dossier.model import (
    Block,
    Bundle,
    Document,
    Grid,
    Header,
    PageBreak,
    Para,
    Signature,
    SignaturePair,
)
from survey_app.dossier.style import (
    FRAME_WIDTH,
    HEADER_LEFT,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE,
    STYLES,
    cell_style,
    draw_draft_box,
    draw_watermark,
    fit_size,
    paragraph,
    plain,
    rule_under,
)
from survey_app.dossier.xlsx import render_score_xlsx

__all__ = ["render_bundle_pdf", "render_dossier_pdf", "render_score_xlsx"]

GAP_AFTER_GRID = 3 * mm

_NO_PAD = [
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
]


class DocumentStart(Flowable):
    """Zero-size marker: the page it lands on is page 1 of the next document."""

    def __init__(self, index: int, draft_mark: str | None) -> None:
        super().__init__()
        self.index, self.draft_mark = index, draft_mark

    def wrap(self, _avail_width: float, _avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.document_index = self.index  # type: ignore[attr-defined]
        self.canv.draft_mark = self.draft_mark  # type: ignore[attr-defined]


class DossierCanvas(Canvas):
    """Keeps pages until the end, then numbers them per document and adds the draft mark."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._pages: list[dict[str, object]] = []
        self.document_index = 0
        self.draft_mark: str | None = None

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        counts: dict[int, int] = {}
        for state in self._pages:
            index = int(state["document_index"])  # type: ignore[call-overload]
            counts[index] = counts.get(index, 0) + 1
            self.__dict__.update(state)
            self._decorate(counts[index], state.get("draft_mark"))  # type: ignore[arg-type]
            super().showPage()
        super().save()

    def _decorate(self, page: int, draft_mark: str | None) -> None:
        if draft_mark:
            draw_draft_box(self, draft_mark)
        if page > 1:  # Decree 30: centred in the top margin, not on the first page
            self.saveState()
            self.setFont(SERIF, 13)
            self.drawCentredString(
                MARGIN_LEFT + FRAME_WIDTH / 2, PAGE[1] - MARGIN_TOP + 5 * mm, str(page)
            )
            self.restoreState()


def _header(head: Header) -> Table:
    """Issuer and number on the left; national title, motto and place-date on the right."""
    right_w = FRAME_WIDTH - HEADER_LEFT
    left: list[Flowable] = []
    if head.parent:
        size = fit_size(head.parent, SERIF, HEADER_LEFT - 4, 12, 9.5)
        left.append(Paragraph(nfc(head.parent), _sized("head", size)))
    for line in head.body:
        size = fit_size(line, SERIF_BOLD, HEADER_LEFT - 4, 12, 9.5)
        left.append(Paragraph(nfc(line), _sized("head_bold", size)))
    left.append(rule_under(head.body[-1], SERIF_BOLD, 12, 0.4))
    right: list[Flowable] = [
        plain(head.nation, "nation"),
        plain(head.motto, "motto"),
        rule_under(head.motto, SERIF_BOLD, 13),
    ]
    rows = [[left, right], [plain(head.number, "number"), plain(head.place_date, "place_date")]]
    table = Table(rows, colWidths=[HEADER_LEFT, right_w])
    table.setStyle(TableStyle([*_NO_PAD, ("TOPPADDING", (0, 1), (-1, 1), 6)]))
    return table


def _sized(style: str, size: float) -> object:
    base = STYLES[style]
    if size == base.fontSize:
        return base
    return type(base)(f"{style}-{size}", parent=base, fontSize=size, leading=size * 1.2)


def _grid(grid: Grid) -> Table:
    base = "cell_small" if grid.small else "cell"
    fixed = sum(w for w in grid.widths if w is not None) * mm
    widths = [(w * mm if w is not None else FRAME_WIDTH - fixed) for w in grid.widths]
    head = [Paragraph(nfc(h), STYLES["cell_head"]) for h in grid.header]
    rows: list[list[object]] = [head]
    for row in grid.rows:
        rows.append([[_cell_para(line, base, c.align, c.bold) for line in c.lines] for c in row])
    heights = None
    if grid.row_height is not None:
        heights = [None] + [grid.row_height * mm] * len(grid.rows)
    # The gap after a table is its space after, not a Spacer: a Spacer left over at the page
    # foot would start a page of its own (an empty page before the next document).
    table = Table(
        rows, colWidths=widths, rowHeights=heights, repeatRows=1, spaceAfter=GAP_AFTER_GRID
    )
    commands: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    shade = colors.Color(0.95, 0.95, 0.95)
    commands += [("BACKGROUND", (0, r + 1), (-1, r + 1), shade) for r in grid.shaded]
    commands += [("SPAN", (a, r + 1), (b, r + 1)) for r, a, b in grid.spans]
    table.setStyle(TableStyle(commands))  # type: ignore[arg-type]
    return table


def _cell_para(line: str, base: str, align: str, bold: bool) -> Paragraph:
    return Paragraph(escape(nfc(line)), cell_style(base, align, bold))


def _signature(sig: Signature) -> Flowable:
    """ "Nơi nhận" bottom-left and the signer's block bottom-right, kept on one page."""
    left: list[Flowable] = []
    if sig.recipients:
        left.append(plain(sig.recipients_head, "recipients_head"))
        left += [plain(line, "recipients") for line in sig.recipients]
    right: list[Flowable] = [plain(h.upper(), "signer") for h in sig.heads]
    right += [Spacer(1, 26 * mm), plain(sig.name, "signer")]
    # One row: it never splits, so the block stays on one page; its gap above is dropped at
    # the top of a page.
    widths = [FRAME_WIDTH * 0.45, FRAME_WIDTH * 0.55]
    table = Table([[left, right]], colWidths=widths, spaceBefore=4 * mm)
    table.setStyle(TableStyle(_NO_PAD))
    return table


def _pair(pair: SignaturePair) -> Flowable:
    def column(title: str, name: str) -> list[Flowable]:
        return [
            plain(title, "signer"),
            plain(pair.hint, "hint"),
            Spacer(1, 22 * mm),
            plain(name, "signer"),
        ]

    table = Table(
        [[column(pair.left_title, pair.left_name), column(pair.right_title, pair.right_name)]],
        colWidths=[FRAME_WIDTH / 2] * 2,
        spaceBefore=6 * mm,
        spaceAfter=6 * mm,
    )
    table.setStyle(TableStyle(_NO_PAD))
    return table


def _block(block: Block) -> Flowable:
    if isinstance(block, Para):
        if block.style == "dots":
            count = int(FRAME_WIDTH / text_width(".", SERIF, 14)) - 2
            return plain("." * count, "dots")
        return paragraph(block)
    if isinstance(block, Grid):
        return _grid(block)
    if isinstance(block, Signature):
        return _signature(block)
    if isinstance(block, PageBreak):
        return NewPage()
    return _pair(block)


def document_flowables(doc: Document, index: int) -> list[Flowable]:
    """One document: the page-1 head, type and summary, addressee, then its blocks."""
    out: list[Flowable] = [
        DocumentStart(index, doc.draft_mark if doc.draft else None),
        _header(doc.header),
        Spacer(1, 7 * mm),
        plain(doc.doc_type, "doc_type"),
        plain(doc.subject, "subject"),
        rule_under("x" * 24, SERIF_BOLD, 14),
        Spacer(1, 4 * mm),
    ]
    if doc.to:
        out.append(plain(doc.to, "to"))
    blocks, start = doc.blocks, 0
    while start < len(blocks):
        end = _kept_with(blocks, start)
        flowables = [_block(block) for block in blocks[start:end]]  # each block once
        out.append(flowables[0] if len(flowables) == 1 else KeepTogether(flowables))
        start = end
    return out


def _kept_with(blocks: tuple[Block, ...], start: int) -> int:
    """The end of the run of blocks from ``start`` that stays on one page: a heading keeps
    the block after it when that keeps (`_keeps`), so "2." keeps "2.1." which keeps its first
    line; any other block stands alone."""
    end = start + 1
    while _is_heading(blocks[end - 1]) and end < len(blocks) and _keeps(blocks[end]):
        end += 1
    return end


# A heading stays on the page of what follows it when that is a paragraph or a short table.
_SHORT_TABLE = 15


def _is_heading(block: Block) -> bool:
    return isinstance(block, Para) and block.style == "heading"


def _keeps(block: Block) -> bool:
    return isinstance(block, Para) or (isinstance(block, Grid) and len(block.rows) <= _SHORT_TABLE)


def render_bundle_pdf(bundle: Bundle) -> bytes:
    """A bundle of documents as one PDF, each document starting on a new page."""
    register_serif()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=nfc(bundle.title),
        author=nfc(bundle.author),
        invariant=1,
    )
    frame = Frame(MARGIN_LEFT, MARGIN_BOTTOM, FRAME_WIDTH, doc.height, 0, 0, 0, 0, id="body")
    marks = [d.draft_mark for d in bundle.documents if d.draft]

    def under_content(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        if marks:  # drawn before the page's text, so the text stays legible over it
            draw_watermark(canvas, marks[0])

    doc.addPageTemplates([PageTemplate("page", [frame], onPage=under_content)])
    story: list[Flowable] = []
    for index, document in enumerate(bundle.documents):
        if story:
            story.append(NewPage())
        story += document_flowables(document, index)
    doc.build(story, canvasmaker=DossierCanvas)
    return buffer.getvalue()


def render_dossier_pdf(data: DossierData) -> bytes:
    """The round's dossier as PDF: the documents of ``data.documents``, in order."""
    return render_bundle_pdf(dossier_bundle(data))
