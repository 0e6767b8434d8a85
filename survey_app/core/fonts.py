"""Fonts and text helpers shared by every PDF the platform prints (posters, dossier, paper forms).

The PDF base-14 fonts (Helvetica, Courier) have no Vietnamese glyphs, so we embed DejaVu Sans
(posters, forms) and Liberation Serif 2 (the dossier: metric-compatible with Times New Roman,
which Decree 30/2020/NĐ-CP asks for, full Vietnamese coverage, SIL OFL 1.1; Debian package
fonts-liberation2 2.1.5, whereas fonts-liberation 1.x lacks ư, ơ and U+1EA0-1EF9), shipped in
``static/fonts`` with their licences. Fonts are loaded from the repository, never from system
paths, so a document looks the same on every server. All text is normalised to NFC first: DejaVu
has precomposed glyphs for every Vietnamese letter, while decomposed input (common when names are
pasted from macOS or some keyboards) would stack combining marks and extract back differently.
"""

from __future__ import annotations

import functools
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from survey_app.core import paths

FONT_DIR = paths.FONTS

SANS = "DejaVuSans"
SANS_BOLD = "DejaVuSans-Bold"
MONO_BOLD = "DejaVuSansMono-Bold"

# Font families: (bold, italic) -> (registered font name, file in FONT_DIR). Registering a
# family also maps reportlab's Paragraph markup (<b>, <i>) to the right face.
SANS_FAMILY = {(0, 0): (SANS, "DejaVuSans.ttf"), (1, 0): (SANS_BOLD, "DejaVuSans-Bold.ttf")}
MONO_FAMILY = {(0, 0): (MONO_BOLD, "DejaVuSansMono-Bold.ttf")}
SERIF = "LiberationSerif"
SERIF_BOLD = "LiberationSerif-Bold"
SERIF_ITALIC = "LiberationSerif-Italic"
SERIF_BOLD_ITALIC = "LiberationSerif-BoldItalic"
SERIF_FAMILY = {
    (0, 0): (SERIF, "LiberationSerif-Regular.ttf"),
    (1, 0): (SERIF_BOLD, "LiberationSerif-Bold.ttf"),
    (0, 1): (SERIF_ITALIC, "LiberationSerif-Italic.ttf"),
    (1, 1): (SERIF_BOLD_ITALIC, "LiberationSerif-BoldItalic.ttf"),
}
_ELLIPSIS = "…"
_lock = threading.Lock()
_registered: set[str] = set()


def register_family(family: str, faces: Mapping[tuple[int, int], tuple[str, str]]) -> None:
    """Register the faces of one shipped font family with reportlab (idempotent, thread-safe).

    Raises FileNotFoundError naming the missing file when the repository copy is absent.
    """
    if family in _registered:
        return
    with _lock:
        if family in _registered:
            return
        for (bold, italic), (name, filename) in faces.items():
            path = FONT_DIR / filename
            if not path.is_file():
                raise FileNotFoundError(
                    f"PDF font {filename} is missing: expected it at {path} (it ships in the "
                    "repository's static/fonts; restore it from git)"
                )
            pdfmetrics.registerFont(TTFont(name, str(path)))
            addMapping(family, bold, italic, name)
        _registered.add(family)


def register_fonts() -> None:
    """Register the shipped DejaVu Sans faces the posters and paper forms use."""
    register_family(SANS, SANS_FAMILY)
    register_family(MONO_BOLD, MONO_FAMILY)


def register_serif() -> None:
    """Register the shipped Liberation Serif faces (the dossier's Times New Roman metric)."""
    register_family(SERIF, SERIF_FAMILY)


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC (precomposed) form, the form every PDF text is drawn in."""
    return unicodedata.normalize("NFC", text)


def missing_glyphs(text: str, font_name: str) -> set[str]:
    """Characters of ``text`` (after NFC) that ``font_name`` cannot draw (would print as boxes)."""
    register_fonts()
    register_serif()
    font = pdfmetrics.getFont(font_name)
    cmap = font.face.charToGlyph  # type: ignore[attr-defined]
    return {ch for ch in nfc(text) if not ch.isspace() and ord(ch) not in cmap}


def text_width(text: str, font_name: str, size: float) -> float:
    """Width in points of ``text`` (after NFC) set in ``font_name`` at ``size``."""
    return pdfmetrics.stringWidth(nfc(text), font_name, size)


def wrap_text(text: str, font_name: str, size: float, max_width: float) -> list[str]:
    """Greedy word wrap of ``text`` (after NFC) into lines no wider than ``max_width`` points.

    A single word wider than the line (a long URL, a name without spaces) is broken between
    characters rather than allowed to run off the page.
    """
    lines: list[str] = []
    current = ""
    for word in nfc(text).split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, font_name, size) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        while text_width(word, font_name, size) > max_width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and text_width(word[:cut], font_name, size) > max_width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


@dataclass(frozen=True, slots=True)
class FittedText:
    """Lines of text, the font size they fit at, and whether the text had to be cut."""

    size: float
    lines: tuple[str, ...]
    truncated: bool = False


@functools.lru_cache(maxsize=4096)  # posters repeat the same sentences on every page
def fit_text(
    text: str,
    font_name: str,
    *,
    max_size: float,
    min_size: float,
    max_width: float,
    max_lines: int,
) -> FittedText:
    """Largest size in [min_size, max_size] (half-point steps) at which ``text`` fits.

    "Fits" means at most ``max_lines`` lines of at most ``max_width`` points. If the text does not
    fit even at ``min_size``, the last line is cut and ends with an ellipsis, so the layout never
    overflows; callers size ``min_size`` so that realistic names never reach that point.
    """
    size = max_size
    while True:
        lines = wrap_text(text, font_name, size, max_width)
        if len(lines) <= max_lines or size - 0.5 < min_size:
            break
        size -= 0.5
    if len(lines) <= max_lines:
        return FittedText(size=size, lines=tuple(lines))
    kept = lines[:max_lines]
    last = kept[-1]
    while last and text_width(last + _ELLIPSIS, font_name, size) > max_width:
        last = last[:-1]
    kept[-1] = last.rstrip() + _ELLIPSIS
    return FittedText(size=size, lines=tuple(kept), truncated=True)


def fit_text_prefer_one_line(
    text: str,
    font_name: str,
    *,
    max_size: float,
    one_line_min: float,
    min_size: float,
    max_width: float,
    max_lines: int,
) -> FittedText:
    """Shrink ``text`` to one line down to ``one_line_min``; only below that wrap it.

    A name on one line reads better than the same name broken at a large size.
    """
    one = fit_text(
        text, font_name, max_size=max_size, min_size=one_line_min, max_width=max_width, max_lines=1
    )
    if not one.truncated:
        return one
    return fit_text(
        text,
        font_name,
        max_size=max_size,
        min_size=min_size,
        max_width=max_width,
        max_lines=max_lines,
    )
