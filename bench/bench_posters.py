"""Benchmark: 100 A4 survey posters in one PDF (budget <= 3 s, QUALITY.md "Posters").

Run: ``python bench/bench_posters.py``. Compares
survey_app.posters.pdf.render_posters_pdf with a
baseline measured in the same run: a bare reportlab PDF of 100 pages, each with one line of
Helvetica and a QR code drawn the simplest way (``qrcode.make`` at the same error-correction level,
placed as a bitmap with ``drawImage``). Every run uses
fresh URLs, so the QR-matrix cache never hides the cost of encoding. Prints a table and always
exits 0: it reports, it does not gate.
"""

from __future__ import annotations

import hashlib
import io
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import qrcode
from _table import Row, print_table, ratio, verdict  # bench/ is on sys.path when run directly
from qrcode.constants import ERROR_CORRECT_Q
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from survey_app.posters.pdf import PosterData, render_posters_pdf

BASE = "https://dinhke.bacgiang.gov.vn/khao-sat"
POSTERS = 100
RUNS = 5
BUDGET_S = 3.0


def urls(run: int) -> list[str]:
    """100 realistic survey URLs (22-character base64url-like tokens), different for each run."""
    return [
        f"{BASE}/t/{hashlib.sha256(f'{run}-{n}'.encode()).hexdigest()[:22]}" for n in range(POSTERS)
    ]


def ours(run: int) -> bytes:
    posters = [
        PosterData(
            ward_name="Phường Dĩnh Kế",
            group_name=f"Tổ dân phố số {n + 1} – Đồng Quan",
            url=url,
            short_url=f"dinhke.bacgiang.gov.vn/k/{n + 1}",
            round_label="Đợt khảo sát năm 2025",
            starts_on=date(2025, 10, 1),
            ends_on=date(2025, 10, 31),
        )
        for n, url in enumerate(urls(run))
    ]
    return render_posters_pdf(posters, page_size="A4", allowed_base_url=BASE)


def baseline(run: int) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    side = 100 * mm
    for n, url in enumerate(urls(run)):
        canvas.setFont("Helvetica", 24)
        canvas.drawString(30 * mm, 260 * mm, f"Group {n + 1}")
        image = qrcode.make(url, error_correction=ERROR_CORRECT_Q, box_size=4).get_image()
        canvas.drawImage(ImageReader(image), 55 * mm, 120 * mm, side, side)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def median_seconds(fn: Callable[[int], bytes]) -> tuple[float, int]:
    """Median wall time of RUNS runs after one warm-up, and the size of the last PDF."""
    fn(-1)  # warm-up: imports, font parsing, first-call caches
    times = []
    size = 0
    for run in range(RUNS):
        start = time.perf_counter()
        size = len(fn(run))
        times.append(time.perf_counter() - start)
    return statistics.median(times), size


def main() -> int:
    ours_s, ours_size = median_seconds(ours)
    base_s, base_size = median_seconds(baseline)
    print_table(
        [
            Row(
                f"{POSTERS} A4 posters, one PDF (median s)",
                f"{ours_s:.3f}",
                f"{base_s:.3f}",
                ratio(ours_s, base_s),
                f"<= {BUDGET_S:.0f} s",
                verdict(ours_s <= BUDGET_S),
            )
        ]
    )
    print(
        f"PDF size: ours {ours_size / 1024:.0f} KB ({ours_size / 1024 / POSTERS:.1f} KB/page), "
        f"baseline {base_size / 1024:.0f} KB; median of {RUNS} runs after a warm-up"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
