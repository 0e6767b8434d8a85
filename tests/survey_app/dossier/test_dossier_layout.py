"""The printed layout of the dossier: no page holds nothing but its number and the draft mark."""

from __future__ import annotations

import re

import pytest

from survey_app.core.db import get_session
from survey_app.demo.dossier_example import example_dossier
from survey_app.dossier.model import Bundle, Document, Grid, Header, cell
from survey_app.dossier.pdf import render_bundle_pdf, render_dossier_pdf
from survey_app.dossier.source import build_dossier_data
from survey_app.dossier.texts import text
from survey_app.models import AssessmentRound
from tests.survey_app.dossier.helpers import pdf_pages
from tests.survey_app.posting.factories import post_demo


def empty_pages(pdf: bytes, draft_mark: str) -> list[int]:
    """Numbers of the pages whose only text is the page number and the draft mark."""
    empty = []
    for number, page in enumerate(pdf_pages(pdf), start=1):
        words = re.sub(r"\d+", " ", page.replace(draft_mark, " "))
        if not re.search(r"\w", words):
            empty.append(number)
    return empty


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_page_of_the_posted_demo_dossier_is_empty(app, language):
    # The demo as `cfw demo` makes it (300 answers, seed 2024), locked and posted today for
    # 30 days: its annex table ended at a page foot.
    round_id = post_demo(app, answers=300, seed=2024, started_days_ago=0, days=30)
    with app.test_request_context():
        session = get_session()
        data = build_dossier_data(session, session.get(AssessmentRound, round_id), language)
    pdf = render_dossier_pdf(data)
    assert data.draft and len(pdf_pages(pdf)) > 3
    assert empty_pages(pdf, text("draft", language)) == []


@pytest.mark.parametrize(
    "options",
    [{}, {"passing": True}, {"passing": True, "override": True}, {"locked": False}],
)
def test_no_page_of_the_example_dossiers_is_empty(options):
    data = example_dossier(**options)
    assert empty_pages(render_dossier_pdf(data), text("draft", "vi")) == []


def _table_document(rows: int) -> Document:
    head = Header("", ("ỦY BAN NHÂN DÂN", "PHƯỜNG THỬ"), "Số: 1", "ngày 01", "CỘNG HÒA", "Độc lập")
    body = tuple((cell(i), cell("x")) for i in range(rows))
    grid = Grid(("TT", "Nội dung"), body, (15, None), row_height=2.5, small=True)
    return Document("report", head, "BẢNG", f"{rows} dòng", (grid,), draft=True)


def test_a_table_ending_at_the_page_foot_leaves_no_empty_page():
    """Each document's one table has a row more than the one before: one of them ends within
    the gap after a table of the page foot, whatever the exact metrics of the fonts."""
    documents = tuple(_table_document(rows) for rows in range(74, 90))
    pdf = render_bundle_pdf(Bundle(documents, "Thử", "Thử"))
    assert len(pdf_pages(pdf)) >= len(documents)
    assert empty_pages(pdf, "DỰ THẢO") == []
