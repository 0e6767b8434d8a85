"""The dossier's documents as DOCX (python-docx), from the same content model as the PDF.

Every document is its own section: A4, the Decree 30/2020 margins, page numbers centred in the
header from page 2 (none on page 1), restarted per document; "DỰ THẢO" in every page header
of a draft. The body font is Times New Roman (set for every script, so Word uses it for
Vietnamese too); sizes as in the PDF. The page-1 head and the signature are borderless
two-column tables, the data tables use Word's "Table Grid".
"""

from __future__ import annotations

import io

from docx import Document as new_document
from docx.document import Document as WordDocument
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from survey_app.core.fonts import nfc
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
    Run,
    Signature,
    SignaturePair,
)

FONT = "Times New Roman"
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
FRAME_MM = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]
HEADER_LEFT_MM = 72
_CENTER, _JUSTIFY, _LEFT = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
    WD_ALIGN_PARAGRAPH.LEFT,
)
# Children that must follow the element we add, in the order ECMA-376 fixes (Word rejects a
# file whose property elements are out of order).
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_AFTER_PGNUMTYPE = (
    "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
    "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange",
)  # fmt: skip
_AFTER_TBLBORDERS = (
    "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
    "w:tblPrChange",
)  # fmt: skip
# style -> (size, bold, italic, alignment, first-line indent mm, space after pt)
_PARA = {
    "body": (14, False, False, _JUSTIFY, 10, 6),
    "plain": (14, False, False, _JUSTIFY, 0, 6),
    "basis": (14, False, True, _JUSTIFY, 10, 6),
    "bullet": (14, False, False, _JUSTIFY, 10, 3),
    "heading": (14, True, False, _LEFT, 0, 6),
    "center": (14, False, False, _CENTER, 0, 6),
    "center_bold": (14, True, False, _CENTER, 0, 0),
    "note": (12, False, True, _JUSTIFY, 0, 6),
    "dots": (14, False, False, _LEFT, 0, 6),
}


def _font(run: object, size: float, bold: bool = False, italic: bool = False) -> None:
    r = run  # docx Run
    r.font.name = FONT  # type: ignore[attr-defined]
    r.font.size = Pt(size)  # type: ignore[attr-defined]
    r.font.bold = bold  # type: ignore[attr-defined]
    r.font.italic = italic  # type: ignore[attr-defined]
    fonts = r._element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _line(
    paragraph: Paragraph, runs: tuple[Run, ...], size: float, bold: bool, italic: bool
) -> Paragraph:
    for run in runs:
        _font(paragraph.add_run(nfc(run.text)), size, bold or run.bold, italic or run.italic)
    return paragraph


def _format(paragraph: Paragraph, align: object, indent_mm: float = 0, after: float = 0) -> None:
    fmt = paragraph.paragraph_format
    fmt.alignment = align  # type: ignore[assignment]
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(0)
    fmt.line_spacing = 1.1
    if indent_mm:
        fmt.first_line_indent = Mm(indent_mm)


def _cell_text(
    cell: _Cell,
    text: str,
    size: float,
    *,
    bold: bool = False,
    italic: bool = False,
    align: object = _CENTER,
    first: bool = False,
) -> Paragraph:
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    _format(paragraph, align)
    return _line(paragraph, (Run(text),), size, bold, italic)


def _rule(paragraph: Paragraph, width_mm: float, room_mm: float) -> None:
    """Make ``paragraph`` an empty line carrying a centred solid rule ``width_mm`` long."""
    side = max(0.0, (room_mm - width_mm) / 2)
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Mm(side)
    fmt.space_after = fmt.space_before = Pt(0)
    fmt.line_spacing = Pt(3)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.insert_element_before(borders, *_AFTER_PBDR)


def _no_borders(table: object) -> None:
    tbl = table._tbl  # type: ignore[attr-defined]
    props = tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    props.insert_element_before(borders, *_AFTER_TBLBORDERS)


def _widths(table: object, widths_mm: list[float]) -> None:
    table.autofit = False  # type: ignore[attr-defined]
    for column, width in zip(table.columns, widths_mm, strict=True):  # type: ignore[attr-defined]
        column.width = Mm(width)  # the grid (LibreOffice reads it), then every cell (Word)
    for row in table.rows:  # type: ignore[attr-defined]
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _header(doc: WordDocument, head: Header) -> None:
    table = doc.add_table(rows=2, cols=2)
    _no_borders(table)
    _widths(table, [HEADER_LEFT_MM, FRAME_MM - HEADER_LEFT_MM])
    left, right = table.rows[0].cells
    first = True
    if head.parent:
        _cell_text(left, head.parent, 12, first=True)
        first = False
    for line in head.body:
        _cell_text(left, line, 12, bold=True, first=first)
        first = False
    # The issuer's rule is 1/3 to 1/2 of its name, the motto's as long as the motto.
    _rule(left.add_paragraph(), 0.4 * len(head.body[-1]) * 2.6, HEADER_LEFT_MM)
    _cell_text(right, head.nation, 12, bold=True, first=True)
    _cell_text(right, head.motto, 13, bold=True)
    _rule(right.add_paragraph(), 62, FRAME_MM - HEADER_LEFT_MM)
    number, place = table.rows[1].cells
    _cell_text(number, head.number, 13, first=True)
    _cell_text(place, head.place_date, 13, italic=True, first=True)


def _para(doc: WordDocument, block: Para) -> None:
    size, bold, italic, align, indent, after = _PARA[block.style]
    paragraph = doc.add_paragraph()
    _format(paragraph, align, indent, after)
    runs = block.runs
    if block.style == "dots":
        runs = (Run("." * 110),)
    _line(paragraph, runs, size, bold, italic)


def _grid(doc: WordDocument, grid: Grid) -> None:
    size = 10.5 if grid.small else 11.5
    table = doc.add_table(rows=1 + len(grid.rows), cols=len(grid.header))
    table.style = "Table Grid"
    fixed = sum(w for w in grid.widths if w is not None)
    _widths(table, [w if w is not None else FRAME_MM - fixed for w in grid.widths])
    head = table.rows[0]
    head_props = head._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    head_props.append(repeat)
    for cell, title in zip(head.cells, grid.header, strict=True):
        _cell_text(cell, title, size, bold=True, first=True)
    aligns = {"left": _LEFT, "center": _CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}
    for row, cells in zip(table.rows[1:], grid.rows, strict=True):
        if grid.row_height is not None:
            row.height = Mm(grid.row_height)
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        for target, content in zip(row.cells, cells, strict=True):
            for i, line in enumerate(content.lines):
                align = aligns[content.align]
                _cell_text(target, line, size, bold=content.bold, align=align, first=i == 0)
    for r, a, b in grid.spans:
        row = table.rows[r + 1]
        merged = row.cells[a].merge(row.cells[b])
        for paragraph in merged.paragraphs[1:]:  # merge keeps the second cell's empty line
            if not paragraph.text:
                paragraph._p.getparent().remove(paragraph._p)
    doc.add_paragraph()


def _signature(doc: WordDocument, sig: Signature) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [FRAME_MM * 0.45, FRAME_MM * 0.55])
    left, right = table.rows[0].cells
    if sig.recipients:
        _cell_text(left, sig.recipients_head, 12, bold=True, italic=True, align=_LEFT, first=True)
        for line in sig.recipients:
            _cell_text(left, line, 11, align=_LEFT)
    first = True
    for head in sig.heads:
        _cell_text(right, head.upper(), 14, bold=True, first=first)
        first = False
    for _ in range(4):
        _cell_text(right, "", 14)
    _cell_text(right, sig.name, 14, bold=True)


def _pair(doc: WordDocument, pair: SignaturePair) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [FRAME_MM / 2, FRAME_MM / 2])
    for cell, (title, name) in zip(
        table.rows[0].cells,
        ((pair.left_title, pair.left_name), (pair.right_title, pair.right_name)),
        strict=True,
    ):
        _cell_text(cell, title, 14, bold=True, first=True)
        _cell_text(cell, pair.hint, 13, italic=True)
        for _ in range(3):
            _cell_text(cell, "", 14)
        _cell_text(cell, name, 14, bold=True)
    doc.add_paragraph()


def _block(doc: WordDocument, block: Block) -> None:
    if isinstance(block, Para):
        _para(doc, block)
    elif isinstance(block, Grid):
        _grid(doc, block)
    elif isinstance(block, Signature):
        _signature(doc, block)
    elif isinstance(block, PageBreak):
        doc.add_page_break()
    else:
        _pair(doc, block)


def _page_field(paragraph: Paragraph) -> None:
    """A PAGE field (Word fills in the number)."""
    run = paragraph.add_run()
    _font(run, 13)
    for kind, value in (("begin", None), ("instr", " PAGE "), ("end", None)):
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = value
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


def _section(doc: WordDocument, document: Document, first: bool) -> None:
    section = doc.sections[0] if first else doc.add_section(WD_SECTION.NEW_PAGE)
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = Mm(8)
    section.different_first_page_header_footer = True
    restart = OxmlElement("w:pgNumType")
    restart.set(qn("w:start"), "1")
    section._sectPr.insert_element_before(restart, *_AFTER_PGNUMTYPE)
    for head, numbered in ((section.header, True), (section.first_page_header, False)):
        head.is_linked_to_previous = False
        paragraph = head.paragraphs[0]
        _format(paragraph, _CENTER)
        if numbered:
            _page_field(paragraph)
        if document.draft:
            mark = head.add_paragraph()
            _format(mark, WD_ALIGN_PARAGRAPH.RIGHT)
            run = mark.add_run(nfc(document.draft_mark))
            _font(run, 12, bold=True)
            run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)


def render_bundle_docx(bundle: Bundle) -> bytes:
    """A bundle of documents as one DOCX, one section (and page numbering) per document."""
    doc = new_document()
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    doc.core_properties.title = nfc(bundle.title)
    doc.core_properties.author = nfc(bundle.author)
    doc.core_properties.language = bundle.language
    for index, document in enumerate(bundle.documents):
        _section(doc, document, index == 0)
        _header(doc, document.header)
        title = doc.add_paragraph()
        _format(title, _CENTER)
        title.paragraph_format.space_before = Pt(12)
        _line(title, (Run(document.doc_type),), 14, True, False)
        subject = doc.add_paragraph()
        _format(subject, _CENTER, after=6)
        _line(subject, (Run(document.subject),), 14, True, False)
        _rule(doc.add_paragraph(), 50, FRAME_MM)
        if document.to:
            _para(doc, Para((Run(document.to),), "center"))
        for block in document.blocks:
            _block(doc, block)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def render_dossier_docx(data: DossierData) -> bytes:
    """The round's dossier as DOCX: the same documents, in the same order, as the PDF."""
    return render_bundle_docx(dossier_bundle(data))
