"""Survey posters: one printable page per residential group (tổ dân phố), A4 or A5 portrait.

Pure functions on plain data: the routes and CLI turn groups and tokens into PosterData and call
:func:`render_posters_pdf`. Design choices for the ward office photocopier: black on white only
(no grey, no colour needed), a solid header band and a thick frame that survive copying, a vector
QR code (error correction Q, 4-module quiet zone) at least 9 cm wide on A4, and the short URL
typed out in a large monospaced face for people who cannot scan.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from survey_app.core.fonts import (
    MONO_BOLD,
    SANS,
    SANS_BOLD,
    FittedText,
    fit_text_prefer_one_line,
    nfc,
    register_fonts,
)
from survey_app.posters.qr import (
    QUIET_ZONE,
    Matrix,
    PosterURLError,
    check_public_url,
    dark_runs,
    qr_modules,
    qr_png,
    qr_svg,
    qr_zip,
)
from survey_app.posters.texts import POSTER_TEXTS

# The QR helpers live in qr_codes (no PDF import for web routes); re-exported for one import.
__all__ = [
    "PosterData",
    "PosterURLError",
    "check_public_url",
    "qr_png",
    "qr_svg",
    "qr_zip",
    "render_posters_pdf",
]

Locale = Literal["vi", "en"]
PageSize = Literal["A4", "A5"]
_PAGE_SIZES: dict[str, tuple[float, float]] = {"A4": A4, "A5": A5}

# Layout is designed in A4 points and scaled for A5, so both sizes keep the same proportions.
_FRAME_INSET = 8 * mm  # inside the unprintable edge of office printers (~5 mm)
_FRAME_WIDTH = 2 * mm
_PAD = 8 * mm  # content inset from the frame
_BAND_HEIGHT = 29 * mm
_QR_MODULES_MAX = 100 * mm  # width of the dark-module area, quiet zone excluded
_SHORT_URL_MAX = 60  # fits on one line at the smallest monospaced size, A4 and A5

# Font, largest size, size down to which one line is preferred, smallest size, max lines (A4 pt).
# Normal texts print at their largest size (>= 12 pt on A4 except the footer); the smaller sizes
# are reached only by unusually long names, so nothing overflows.
_STYLES: dict[str, tuple[str, float, float, float, int]] = {
    "kicker": (SANS, 13, 11, 11, 1),
    "ward": (SANS_BOLD, 30, 14, 14, 1),
    "group": (SANS_BOLD, 32, 22, 16, 2),
    "title": (SANS, 19, 15, 12, 2),
    "hint": (SANS_BOLD, 13, 10, 10, 1),
    "url_label": (SANS, 12, 9, 9, 1),
    "short_url": (MONO_BOLD, 24, 10, 10, 1),
    "lead": (SANS_BOLD, 14, 12, 10, 2),
    "body": (SANS, 12.5, 9.5, 9.5, 4),
    "dates": (SANS_BOLD, 15, 9, 9, 1),
    "privacy": (SANS_BOLD, 13, 11, 9, 2),
    "footer": (SANS, 9.5, 7, 7, 1),
}


@dataclass(frozen=True, slots=True)
class PosterData:
    """Everything printed on one poster; the route builds it from a group and its live token."""

    ward_name: str
    group_name: str
    url: str
    short_url: str
    round_label: str
    starts_on: date
    ends_on: date | None
    locale: Locale = "vi"
    # Ages come from the survey instrument; the defaults match DOMAIN.md (children 10-15).
    child_min_age: int = 10
    child_max_age: int = 15

    def __post_init__(self) -> None:
        if self.locale not in POSTER_TEXTS:
            raise ValueError(f"locale must be one of {sorted(POSTER_TEXTS)}, not {self.locale!r}")
        for field in ("ward_name", "group_name", "short_url", "round_label"):
            if not getattr(self, field).strip():
                raise ValueError(f"PosterData.{field} must not be empty")
        # The typed-out address is never cut with an ellipsis: a truncated URL is worse than none.
        if len(self.short_url) > _SHORT_URL_MAX or any(ch.isspace() for ch in self.short_url):
            raise ValueError(
                f"PosterData.short_url must be at most {_SHORT_URL_MAX} characters without spaces"
            )
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValueError("PosterData.ends_on is before starts_on")
        if not 0 < self.child_min_age <= self.child_max_age:
            raise ValueError("child ages must satisfy 0 < child_min_age <= child_max_age")


def poster_lines(poster: PosterData) -> dict[str, str]:
    """The poster's texts in its locale with placeholders filled, NFC-normalised."""
    texts = POSTER_TEXTS[poster.locale]
    fmt = texts["date_format"]
    values = {
        "child_min": str(poster.child_min_age),
        "child_max": str(poster.child_max_age),
        "adult_min": str(poster.child_max_age + 1),
        "round": poster.round_label.strip(),
        "start": poster.starts_on.strftime(fmt),
        "end": poster.ends_on.strftime(fmt) if poster.ends_on else "",
    }
    lines = {key: nfc(text.format(**values)) for key, text in texts.items()}
    lines["dates"] = lines["dates_range"] if poster.ends_on else lines["dates_open"]
    return lines


def render_posters_pdf(
    posters: Sequence[PosterData],
    *,
    page_size: PageSize = "A4",
    allowed_base_url: str,
    on_page: Callable[[int, int], None] | None = None,
) -> bytes:
    """Render one poster page per item into a single PDF and return its bytes.

    Every URL is checked against ``allowed_base_url`` before drawing starts (PosterURLError
    otherwise), so a bad row never yields a partial PDF. ``on_page(done, total)`` is called after
    each page, for a progress bar in a web job.
    """
    if page_size not in _PAGE_SIZES:
        raise ValueError(f"page_size must be 'A4' or 'A5', not {page_size!r}")
    if not posters:
        raise ValueError("render_posters_pdf needs at least one poster")
    matrices = [qr_modules(p.url, allowed_base_url=allowed_base_url) for p in posters]
    register_fonts()
    width, height = _PAGE_SIZES[page_size]
    out = io.BytesIO()
    # invariant=1: no timestamps or random IDs, so the same posters give the same bytes.
    # initialFontName: otherwise reportlab declares Helvetica on every page, unused but listed.
    canvas = Canvas(
        out, pagesize=(width, height), pageCompression=1, invariant=1, initialFontName=SANS
    )
    first = posters[0]
    canvas.setTitle(f"{POSTER_TEXTS[first.locale]['pdf_title']} – {nfc(first.ward_name)}")
    canvas.setAuthor(nfc(first.ward_name))
    canvas.setCreator("child-friendly-ward")
    total = len(posters)
    for done, (poster, matrix) in enumerate(zip(posters, matrices, strict=True), start=1):
        _draw_poster(canvas, poster, matrix, width, height)
        canvas.showPage()
        if on_page is not None:
            on_page(done, total)
    canvas.save()
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class _Text:
    """One line of text placed on the page (x is the centre when ``centred``)."""

    font: str
    size: float
    x: float
    y: float
    line: str
    centred: bool = True


def _fit(style: str, text: str, max_width: float, scale: float) -> FittedText:
    font, size, one_line_min, min_size, max_lines = _STYLES[style]
    return fit_text_prefer_one_line(
        text,
        font,
        max_size=size * scale,
        one_line_min=one_line_min * scale,
        min_size=min_size * scale,
        max_width=max_width,
        max_lines=max_lines,
    )


def _draw_texts(canvas: Canvas, texts: Sequence[_Text]) -> None:
    for item in texts:
        canvas.setFont(item.font, item.size)
        if item.centred:
            canvas.drawCentredString(item.x, item.y, nfc(item.line))
        else:
            canvas.drawString(item.x, item.y, nfc(item.line))


def _draw_poster(
    canvas: Canvas, poster: PosterData, matrix: Matrix, width: float, height: float
) -> None:
    """Draw one poster.

    Two stacks are laid out first (top: band, group, title; bottom: scan hint, URL, audiences,
    dates, privacy, footer); the QR code takes the space between, up to _QR_MODULES_MAX, so a very
    long name shrinks the code a little instead of overflowing onto it. Text is drawn in reading
    order (top to bottom) so copying or extracting it gives sensible sentences.
    """
    s = width / A4[0]
    text = poster_lines(poster)
    left = _FRAME_INSET + _FRAME_WIDTH * s / 2
    right, top, bottom = width - left, height - left, left
    inner_left = left + _PAD * s
    inner_width = right - left - 2 * _PAD * s
    mid = width / 2
    fonts = {key: _STYLES[key][0] for key in _STYLES}

    canvas.setFillGray(0)
    canvas.setStrokeGray(0)
    canvas.setLineWidth(_FRAME_WIDTH * s)
    canvas.rect(left, bottom, right - left, top - bottom, stroke=1, fill=0)
    # Header band: white text on solid black survives photocopying and reads from afar.
    band_bottom = top - _BAND_HEIGHT * s
    canvas.rect(left, band_bottom, right - left, top - band_bottom, stroke=0, fill=1)
    canvas.setFillGray(1)
    kicker = _fit("kicker", text["kicker"], inner_width, s)
    ward = _fit("ward", poster.ward_name, inner_width, s)
    _draw_texts(
        canvas,
        [
            _Text(fonts["kicker"], kicker.size, mid, top - 9.5 * mm * s, kicker.lines[0]),
            _Text(fonts["ward"], ward.size, mid, band_bottom + 6.5 * mm * s, ward.lines[0]),
        ],
    )
    canvas.setFillGray(0)

    top_texts: list[_Text] = []
    y = band_bottom - 3 * mm * s
    group = _fit("group", poster.group_name, inner_width, s)
    for line in group.lines:
        y -= group.size * 1.12
        top_texts.append(_Text(fonts["group"], group.size, mid, y, line))
    title = _fit("title", text["title"], inner_width, s)
    y -= 2 * mm * s
    for line in title.lines:
        y -= title.size * 1.2
        top_texts.append(_Text(fonts["title"], title.size, mid, y, line))
    _draw_texts(canvas, top_texts)
    qr_top = y - title.size * 0.3

    # Bottom stack, laid out upwards from the frame; drawn after the QR code in reading order.
    bottom_texts: list[list[_Text]] = []
    y = bottom + 4 * mm * s
    footer = _fit("footer", text["footer"], inner_width, s)
    bottom_texts.append([_Text(fonts["footer"], footer.size, mid, y, footer.lines[0])])
    y += 6 * mm * s
    privacy = _fit("privacy", text["privacy"], inner_width - 6 * mm * s, s)
    box_height = len(privacy.lines) * privacy.size * 1.25 + 5 * mm * s
    canvas.setLineWidth(1 * mm * s)
    canvas.rect(inner_left, y, inner_width, box_height, stroke=1, fill=0)
    line_y = y + box_height - 2.5 * mm * s
    lines = []
    for line in privacy.lines:
        line_y -= privacy.size * 1.05
        lines.append(_Text(fonts["privacy"], privacy.size, mid, line_y, line))
        line_y -= privacy.size * 0.2
    bottom_texts.append(lines)
    y += box_height + 5 * mm * s
    dates = _fit("dates", text["dates"], inner_width, s)
    bottom_texts.append([_Text(fonts["dates"], dates.size, mid, y, dates.lines[0])])
    y += dates.size + 6 * mm * s
    y = _layout_audiences(canvas, text, inner_left, inner_width, y, s, bottom_texts)
    for key, value, gap in (
        ("short_url", poster.short_url, 2),
        ("url_label", text["url_label"], 1.5),
        ("hint", "▲ " + text["scan_hint"] + " ▲", 0),
    ):
        fitted = _fit(key, value, inner_width, s)
        bottom_texts.append([_Text(fonts[key], fitted.size, mid, y, fitted.lines[0])])
        y += fitted.size + gap * mm * s
    qr_bottom = y

    # The quiet zone is white like the gaps around it, so it may touch the neighbouring text.
    n = len(matrix)
    per_module = min(_QR_MODULES_MAX * s / (n - 2 * QUIET_ZONE), (qr_top - qr_bottom) / n)
    side = per_module * n
    _draw_qr(canvas, matrix, mid - side / 2, (qr_top + qr_bottom) / 2 - side / 2, side)
    for group_texts in reversed(bottom_texts):
        _draw_texts(canvas, group_texts)


def _layout_audiences(
    canvas: Canvas,
    text: dict[str, str],
    x: float,
    width: float,
    y: float,
    s: float,
    out: list[list[_Text]],
) -> float:
    """Children (left) and adults (right) side by side: a bold question, then plain words.

    Laid out upwards from baseline ``y``; appends the lines to ``out`` and returns the baseline
    for the next line above the block.
    """
    gap = 7 * mm * s
    col = (width - gap) / 2
    blocks = [
        (_fit("lead", text[lead], col, s), _fit("body", text[body], col, s))
        for lead, body in (("child_lead", "child_body"), ("adult_lead", "adult_body"))
    ]
    height = max(
        len(lead.lines) * lead.size * 1.2 + 1 * mm * s + len(body.lines) * body.size * 1.25
        for lead, body in blocks
    )
    block_top = y - 1 * mm * s + height
    lines: list[_Text] = []
    for index, (lead, body) in enumerate(blocks):
        line_x = x + index * (col + gap)
        line_y = block_top
        for line in lead.lines:
            line_y -= lead.size * 1.2
            lines.append(_Text(SANS_BOLD, lead.size, line_x, line_y + lead.size * 0.2, line, False))
        line_y -= 1 * mm * s
        for line in body.lines:
            line_y -= body.size * 1.25
            lines.append(_Text(SANS, body.size, line_x, line_y + body.size * 0.25, line, False))
    out.append(lines)
    # A vertical rule between the columns ties each text to its audience without colour.
    canvas.setLineWidth(0.7 * mm * s)
    canvas.line(x + col + gap / 2, y - 1 * mm * s, x + col + gap / 2, block_top)
    return block_top + 7 * mm * s


def _draw_qr(canvas: Canvas, matrix: Matrix, x: float, y: float, side: float) -> None:
    """Vector QR code: the quiet zone is painted white, the dark runs are one filled path.

    The runs are written in module units (integers) under a scaling transform: smaller files and
    ~10x faster than formatting thousands of float rectangles. One path filled once also avoids
    the hairline seams that separately filled modules show when a rasteriser anti-aliases their
    shared edges.
    """
    canvas.saveState()
    canvas.setFillGray(1)
    canvas.rect(x, y, side, side, stroke=0, fill=1)
    canvas.setFillGray(0)
    module = side / len(matrix)
    canvas.translate(x, y + side)
    canvas.scale(module, -module)  # row 0 at the top, one unit per module
    canvas.addLiteral(
        "\n".join(f"{col} {row} {length} 1 re" for row, col, length in dark_runs(matrix)) + "\nf"
    )
    canvas.restoreState()
