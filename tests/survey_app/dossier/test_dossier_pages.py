"""Every page of a passing and a failing dossier (and the posting notice) rendered to PNG.

The images go to artifacts/dossier/ (gitignored; kept by CI with the e2e screenshots) for a
person to look at. ``pdftoppm -r 60`` (poppler-utils) when installed, else pypdfium2 at the
same resolution. The checks: one image per page, nothing blank, A4 proportions.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image

from survey_app.demo.dossier_example import example_dossier
from survey_app.dossier.data import Posting
from survey_app.dossier.notice import notice_data, render_notice_pdf
from survey_app.dossier.pdf import render_dossier_pdf
from survey_app.dossier.word import render_dossier_docx

ARTIFACTS = Path(__file__).resolve().parents[3] / "artifacts" / "dossier"
DPI = 60


def _png_pages(pdf: bytes, stem: str) -> list[Path]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{stem}-*.png"):
        old.unlink()
    source = ARTIFACTS / f"{stem}.pdf"
    source.write_bytes(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-r", str(DPI), "-png", str(source), str(ARTIFACTS / stem)],
            check=True,
            timeout=120,
        )
    else:
        document = pypdfium2.PdfDocument(pdf)
        for i, page in enumerate(document, start=1):
            image = page.render(scale=DPI / 72).to_pil()
            image.save(ARTIFACTS / f"{stem}-{i:02d}.png")
    return sorted(ARTIFACTS.glob(f"{stem}-*.png"))


def _sample(kind: str) -> bytes:
    if kind == "notice":
        data = example_dossier(passing=True)
        posting = Posting(dt.date(2024, 11, 28), dt.date(2024, 12, 7))
        return render_notice_pdf(notice_data(data, posting, number="07"))
    return render_dossier_pdf(example_dossier(passing=kind == "passing"))


@pytest.mark.parametrize("kind", ["passing", "failing", "notice"])
def test_every_page_renders_to_png(kind: str) -> None:
    pdf = _sample(kind)
    pages = len(pypdfium2.PdfDocument(pdf))
    images = _png_pages(pdf, f"dossier-{kind}")
    assert len(images) == pages >= 2
    for path in images:
        with Image.open(path) as image:
            width, height = image.size
            assert abs(height / width - 297 / 210) < 0.01
            grey = image.convert("L")
            dark = sum(grey.histogram()[:128])
            assert dark > 0.005 * width * height, f"{path.name} looks blank"
    if kind == "passing":
        (ARTIFACTS / "dossier-passing.docx").write_bytes(
            render_dossier_docx(example_dossier(passing=True))
        )
