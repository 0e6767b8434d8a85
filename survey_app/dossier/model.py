"""The content model of the dossier's documents: one description, two renderers (PDF, DOCX).

``survey_app.dossier.documents`` and ``survey_app.dossier.notice`` turn plain data into
:class:`Document` values; ``survey_app.dossier.pdf`` and ``survey_app.dossier.word`` lay them
out. Neither renderer decides any wording, so the PDF and the DOCX cannot drift apart. Texts
are plain (never markup): renderers escape them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Paragraph styles (Decree 30/2020/NĐ-CP, Appendix I): body text is justified with a first-line
# indent; "plain" has no indent; "basis" is the italic legal basis ("Căn cứ ..."); "dots" is a
# line of dots to write on by hand.
ParaStyle = Literal[
    "body", "plain", "basis", "heading", "bullet", "center", "center_bold", "note", "dots"
]
Align = Literal["left", "center", "right"]


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of a paragraph with its own weight."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True, slots=True)
class Para:
    """One paragraph: runs of text in one style."""

    runs: tuple[Run, ...]
    style: ParaStyle = "body"

    @property
    def text(self) -> str:
        """The paragraph's plain text."""
        return "".join(r.text for r in self.runs)


def para(text: str, style: ParaStyle = "body") -> Para:
    """A paragraph of one plain run."""
    return Para((Run(text),), style)


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell: its lines of text (one paragraph each), alignment and weight."""

    lines: tuple[str, ...]
    align: Align = "left"
    bold: bool = False


def cell(value: object, align: Align = "left", *, bold: bool = False) -> Cell:
    """A one-line cell ("" for None)."""
    return Cell(("" if value is None else str(value),), align, bold)


@dataclass(frozen=True, slots=True)
class Grid:
    """A bordered table; its header row repeats on every page it spans.

    ``widths`` are millimetres, one per column, with exactly one None: the column that takes
    the remaining width. ``spans`` merge cells ``(row, first column, last column)`` (row 0 is
    the first body row); ``shaded`` body rows get a light background; ``row_height`` (mm)
    leaves room for handwriting; ``small`` sets the whole table one size smaller.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[float | None, ...]
    spans: tuple[tuple[int, int, int], ...] = ()
    shaded: tuple[int, ...] = ()
    row_height: float | None = None
    small: bool = False


@dataclass(frozen=True, slots=True)
class Signature:
    """The bottom of a document: "Nơi nhận" on the left, the signer's block on the right.

    ``heads`` are the authority and title lines ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH"), printed upper case and bold; ``name`` the signer's name ("" leaves room).
    """

    recipients: tuple[str, ...]
    heads: tuple[str, ...]
    name: str
    recipients_head: str = "Nơi nhận:"


@dataclass(frozen=True, slots=True)
class SignaturePair:
    """Two signers side by side without recipients (the minutes: secretary and chair)."""

    left_title: str
    left_name: str
    right_title: str
    right_name: str
    hint: str  # "(Ký, ghi rõ họ tên)"


@dataclass(frozen=True, slots=True)
class PageBreak:
    """What follows starts on a new page (an annex after the signature)."""


Block = Para | Grid | Signature | SignaturePair | PageBreak


@dataclass(frozen=True, slots=True)
class Header:
    """The two-column head of page 1: issuing body and number | national title and date.

    ``parent`` is the body above the issuer (upper case, not bold), "" when there is none;
    ``body`` is the issuer's name lines (upper case, bold), e.g. ("ỦY BAN NHÂN DÂN",
    "PHƯỜNG BẮC GIANG").
    """

    parent: str
    body: tuple[str, ...]
    number: str  # "Số: 15/TTr-UBND"
    place_date: str  # "Bắc Giang, ngày 02 tháng 12 năm 2026"
    nation: str
    motto: str


@dataclass(frozen=True, slots=True)
class Document:
    """One signed document: header, type and summary, an optional addressee, then blocks."""

    key: str  # "letter", "report", "minutes", "notice"
    header: Header
    doc_type: str  # "TỜ TRÌNH"
    subject: str  # the summary line under the type
    blocks: tuple[Block, ...]
    to: str = ""  # "Kính gửi: ..." ("" for none)
    draft: bool = False  # every page carries the draft mark
    draft_mark: str = "DỰ THẢO"


@dataclass(frozen=True, slots=True)
class Bundle:
    """The documents printed together (the dossier), with the PDF/DOCX metadata."""

    documents: tuple[Document, ...]
    title: str
    author: str
    language: str = "vi"
