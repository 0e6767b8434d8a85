"""Text extraction for the dossier tests: PDF pages with pypdf, DOCX with python-docx."""

from __future__ import annotations

import io
import re
import unicodedata

from docx import Document
from pypdf import PdfReader

# Internal keys that must never reach print: role and unit keys, stage keys, section ids.
INTERNAL_KEYS = (
    "vhxh",
    "tuphap",
    "congan",
    "yte",
    "truonghoc",
    "doan",
    "ward",
    "council",
    "posted",
    "locked",
    "approved",
    "consolidated",
    "entering",
    "decided",
    "hoidong",
    "c13",
    "flagged_excluded",
    "qr_responses",
    "paper_responses",
)


def squash(raw: str) -> str:
    """NFC with whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", raw).split())


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of every page (NFC, whitespace collapsed)."""
    return [squash(page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages]


def pdf_text(pdf: bytes) -> str:
    return " ".join(pdf_pages(pdf))


def docx_text(docx: bytes) -> str:
    """Body paragraphs, every table cell (nested too) and the page headers, in order."""
    doc = Document(io.BytesIO(docx))
    parts: list[str] = []

    def tables(items: object) -> None:
        for table in items:  # type: ignore[attr-defined]
            for row in table.rows:
                for cell in row.cells:
                    parts.extend(p.text for p in cell.paragraphs)
                    tables(cell.tables)

    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            parts.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
    tables(doc.tables)
    for section in doc.sections:
        for head in (section.header, section.first_page_header):
            parts.extend(p.text for p in head.paragraphs)
    return squash(" ".join(parts))


# English prints "ward", "locked"... as words: only the keys that are never English words.
ENGLISH_KEYS = tuple(
    k
    for k in INTERNAL_KEYS
    if k
    not in (
        "ward",
        "council",
        "posted",
        "locked",
        "approved",
        "consolidated",
        "entering",
        "decided",
    )
)


def leaked_keys(text: str, keys: tuple[str, ...] = INTERNAL_KEYS) -> list[str]:
    """Internal keys found as whole words in ``text``."""
    return [k for k in keys if re.search(rf"(?<![\w.]){re.escape(k)}(?![\w])", text)]
