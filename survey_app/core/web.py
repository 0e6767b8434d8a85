"""Small response helpers every feature's views share: file downloads."""

from __future__ import annotations

import mimetypes
import unicodedata
from urllib.parse import quote

from flask import Response

# Types the platform serves that the system's mimetypes table may not know.
_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".zip": "application/zip",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


def ascii_filename(name: str) -> str:
    """``name`` without diacritics or unsafe characters ("Hồ sơ đợt 1.pdf" → "Ho so dot 1.pdf")."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    kept = "".join(c if c.isascii() and (c.isalnum() or c in " ._-()") else "_" for c in plain)
    return kept.strip() or "download"


def download(data: bytes, filename: str, mimetype: str | None = None) -> Response:
    """``data`` as an attachment named ``filename`` (Vietnamese kept via RFC 6266 filename*).

    The content type comes from the file's extension unless given; the browser is told
    never to guess another one (the security layer sets nosniff on every response).
    """
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    kind = mimetype or _TYPES.get(suffix) or mimetypes.guess_type(filename)[0]
    response = Response(data, mimetype=kind or "application/octet-stream")
    fallback = ascii_filename(filename).replace('"', "")
    disposition = f'attachment; filename="{fallback}"'
    if fallback != filename:
        disposition += f"; filename*=UTF-8''{quote(filename, safe='')}"
    response.headers["Content-Disposition"] = disposition
    return response
