"""QR codes for survey URLs: the URL guard, the module matrix, PNG, SVG and a zip of both.

Every QR code the platform makes goes through :func:`qr_modules`, which refuses any URL that is
not under the configured PUBLIC_BASE_URL: a poster pinned up in a residential group must never
send children to another site, whatever a form field or a database row says. This module needs
only qrcode and Pillow (no PDF library), so web routes can import it cheaply.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from urllib.parse import SplitResult, unquote, urlsplit
from xml.sax.saxutils import escape

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M, ERROR_CORRECT_Q

QUIET_ZONE = 4  # modules of white around the code, the minimum ISO/IEC 18004 asks for
MAX_URL_LENGTH = 200  # at error correction M this stays within version 10 (57 modules)
# Q (recovers ~25% of damaged modules) survives tape, creases, rain and photocopies better than
# M (~15%). A typical survey URL (~90 characters) is version 6-7 at Q: at 9+ cm a module is still
# >= 2 mm, far above what phone cameras need, so the extra modules cost nothing. Beyond version 10
# we drop to M so that a long URL keeps modules large enough on an A5 poster.
_MAX_VERSION_AT_Q = 10
# RFC 3986 characters; anything else (spaces, backslashes, quotes, non-ASCII) is refused rather
# than guessed at, because browsers and QR readers disagree on how to repair such URLs.
_URL_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed timestamp: the same input gives the same zip bytes

Matrix = tuple[tuple[bool, ...], ...]


class PosterURLError(ValueError):
    """A URL that must not be printed as a QR code (outside PUBLIC_BASE_URL or malformed)."""


def _split(url: str, what: str) -> tuple[SplitResult, int]:
    """Split ``url`` and return it with its effective port; raise PosterURLError if unusable."""
    if not url or not _URL_CHARS.fullmatch(url):
        raise PosterURLError(
            f"{what} {url!r} contains characters that are not allowed in a URL "
            "(spaces, backslashes, quotes or non-ASCII letters); use the encoded form"
        )
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise PosterURLError(f"{what} {url!r} must be an absolute http:// or https:// URL")
    if parts.username is not None or parts.password is not None:
        raise PosterURLError(f"{what} {url!r} must not contain a user name or password ('@')")
    try:
        port = parts.port or _DEFAULT_PORTS[scheme]
    except ValueError as exc:
        raise PosterURLError(f"{what} {url!r} has an invalid port") from exc
    return parts, port


def check_public_url(url: str, *, allowed_base_url: str) -> str:
    """Return ``url`` unchanged if it lies under ``allowed_base_url``, else raise PosterURLError.

    Scheme, host and port must be equal (ports compared after applying the scheme's default) and
    the path must be the base path or below it, segment by segment: with a base of
    ``https://ward.vn/s`` the URL ``https://ward.vn/s/abc`` passes while ``https://ward.vn/sx``,
    ``https://ward.vn.evil.com/s/abc``, ``http://ward.vn/s/abc``, ``https://ward.vn@evil.com/s``
    and ``https://ward.vn/s/../admin`` (also percent-encoded) are refused.
    """
    base, base_port = _split(allowed_base_url, "PUBLIC_BASE_URL")
    if base.query or base.fragment:
        raise PosterURLError(f"PUBLIC_BASE_URL {allowed_base_url!r} must not have a ?query or #")
    parts, port = _split(url, "URL")
    if len(url) > MAX_URL_LENGTH:
        raise PosterURLError(
            f"URL is {len(url)} characters long; a poster QR code allows {MAX_URL_LENGTH}"
        )
    if (parts.scheme.lower(), parts.hostname, port) != (
        base.scheme.lower(),
        base.hostname,
        base_port,
    ):
        raise PosterURLError(
            f"URL {url!r} is not on {allowed_base_url!r} (scheme, host or port differ); "
            "QR codes are only made for this platform's own survey links"
        )
    segments = unquote(parts.path).split("/")
    if any(segment in {".", ".."} for segment in segments):
        raise PosterURLError(f"URL {url!r} contains '.' or '..' path segments")
    prefix = base.path.rstrip("/") + "/"
    path = parts.path or "/"
    if path != prefix.rstrip("/") and not path.startswith(prefix):
        raise PosterURLError(f"URL {url!r} is outside the path {prefix!r} of PUBLIC_BASE_URL")
    return url


@functools.lru_cache(maxsize=1024)
def _build_matrix(url: str) -> Matrix:
    """Module matrix of ``url`` with the quiet zone; cached because PDF and zip reuse it."""
    for level in (ERROR_CORRECT_Q, ERROR_CORRECT_M):
        code = qrcode.QRCode(error_correction=level, border=QUIET_ZONE, box_size=1)
        code.add_data(url.encode("ascii"))
        code.make(fit=True)
        if code.version <= _MAX_VERSION_AT_Q or level == ERROR_CORRECT_M:
            break
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())


def qr_modules(url: str, *, allowed_base_url: str) -> Matrix:
    """Rows of QR modules (True = dark) for ``url``, the quiet zone included.

    Raises PosterURLError when ``url`` is not under ``allowed_base_url``.
    """
    return _build_matrix(check_public_url(url, allowed_base_url=allowed_base_url))


def dark_runs(matrix: Matrix) -> Iterator[tuple[int, int, int]]:
    """Yield (row, first column, length) for each horizontal run of dark modules.

    Drawing runs instead of single modules makes files ~3x smaller and faster to render.
    """
    for y, row in enumerate(matrix):
        x = 0
        width = len(row)
        while x < width:
            if row[x]:
                start = x
                while x < width and row[x]:
                    x += 1
                yield y, start, x - start
            else:
                x += 1


def qr_png(url: str, *, allowed_base_url: str, box_size: int = 10) -> bytes:
    """PNG (1-bit, black on white, quiet zone included) of the QR code for ``url``.

    ``box_size`` is the number of pixels per module (1-100). Raises PosterURLError for a URL
    outside ``allowed_base_url``.
    """
    if not 1 <= box_size <= 100:
        raise ValueError(f"box_size must be between 1 and 100 pixels, not {box_size}")
    matrix = qr_modules(url, allowed_base_url=allowed_base_url)
    size = len(matrix)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    image = image.resize((size * box_size, size * box_size), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def qr_svg(url: str, *, allowed_base_url: str) -> str:
    """Standalone SVG of the QR code for ``url``: one path, 1 user unit per module.

    The default printed size is 2 mm per module (about 9 cm for a typical survey URL); the
    viewBox lets any program scale it without blurring. Raises PosterURLError as qr_png does.
    """
    matrix = qr_modules(url, allowed_base_url=allowed_base_url)
    n = len(matrix)
    path = "".join(f"M{x},{y}h{w}v1h-{w}z" for y, x, w in dark_runs(matrix))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}" '
        f'width="{2 * n}mm" height="{2 * n}mm" shape-rendering="crispEdges">'
        f"<title>{escape(url)}</title>"
        f'<rect width="{n}" height="{n}" fill="#fff"/>'
        f'<path fill="#000" d="{path}"/></svg>\n'
    )


def ascii_stem(name: str, *, max_length: int = 60) -> str:
    """Safe ASCII file-name stem from a Vietnamese name: "Tổ dân phố số 7 – Đồng Quan" ->
    "to-dan-pho-so-7-dong-quan". Diacritics stripped, đ -> d, lowercase, hyphens; never empty.
    """
    text = name.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "group"


def qr_zip(items: Sequence[tuple[str, str]], *, allowed_base_url: str) -> bytes:
    """Zip with ``<stem>.png`` and ``<stem>.svg`` for each (group name, URL) pair.

    Names are made safe with :func:`ascii_stem` and de-duplicated with -2, -3, ... suffixes in
    the order given. Every URL is checked before anything is built, so a bad one raises
    PosterURLError without producing a partial archive.
    """
    if not items:
        raise ValueError("qr_zip needs at least one (name, url) pair")
    for _, url in items:
        check_public_url(url, allowed_base_url=allowed_base_url)
    used: set[str] = set()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, url in items:
            base = stem = ascii_stem(name)
            suffix = 2
            while stem in used:
                stem = f"{base}-{suffix}"
                suffix += 1
            used.add(stem)
            png = zipfile.ZipInfo(f"{stem}.png", _ZIP_DATE)
            png.compress_type = zipfile.ZIP_STORED  # PNG is already compressed
            archive.writestr(png, qr_png(url, allowed_base_url=allowed_base_url))
            svg = zipfile.ZipInfo(f"{stem}.svg", _ZIP_DATE)
            svg.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(svg, qr_svg(url, allowed_base_url=allowed_base_url))
    return out.getvalue()
