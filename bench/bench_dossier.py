"""Benchmark: the round's dossier PDF (request letter, report, minutes) of the example ward.

Run: ``python bench/bench_dossier.py``. Compares survey_app.dossier.pdf.render_dossier_pdf on
``example_dossier()`` with a baseline measured in the same run: a bare reportlab platypus document
of the same page count, one paragraph per page and one 15-row table, in the same embedded serif
font. No budget in QUALITY.md: it reports the ratio and always exits 0.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _table import Row, print_table, ratio  # bench/ is on sys.path when run directly
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table

from survey_app.core.fonts import SERIF, register_serif
from survey_app.demo.dossier_example import example_dossier
from survey_app.dossier.pdf import render_dossier_pdf

RUNS = 5
DATA = example_dossier()


def ours() -> bytes:
    return render_dossier_pdf(DATA)


def baseline(pages: int) -> Callable[[], bytes]:
    """A minimal platypus document with ``pages`` pages in the same font."""

    def build() -> bytes:
        register_serif()
        style = ParagraphStyle("b", fontName=SERIF, fontSize=13, leading=17)
        story: list[object] = [Table([[str(i), "Tiêu chí", "100"] for i in range(15)])]
        for page in range(pages):
            story += [Paragraph(f"Trang {page + 1}: Phường Dĩnh Kế", style), PageBreak()]
        buffer = io.BytesIO()
        SimpleDocTemplate(buffer, pagesize=A4).build(story[:-1])  # type: ignore[arg-type]
        return buffer.getvalue()

    return build


def median_seconds(fn: Callable[[], bytes]) -> float:
    """Median wall time of RUNS runs after one warm-up (imports, font parsing)."""
    fn()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    pages = len(PdfReader(io.BytesIO(ours())).pages)
    ours_s = median_seconds(ours)
    base_s = median_seconds(baseline(pages))
    figure = f"dossier PDF, {pages} A4 pages (median s)"
    print_table([Row(figure, f"{ours_s:.3f}", f"{base_s:.3f}", ratio(ours_s, base_s))])
    print(f"median of {RUNS} runs after a warm-up")
    return 0


if __name__ == "__main__":
    sys.exit(main())
