"""Small request and response helpers every feature's views share: uploads and downloads."""

from __future__ import annotations

import mimetypes
import unicodedata
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

import flask
from flask import Response, current_app

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


F = TypeVar("F", bound=Callable[..., Any])
FORM_OVERHEAD = 64 * 1024  # the other fields and the multipart framing of an upload


def accepts_upload(max_bytes: int) -> Callable[[F], F]:
    """Let one view take a body of up to ``max_bytes`` (+ form overhead); every other request
    keeps the app's small MAX_CONTENT_LENGTH (a survey answer is a few KB)."""

    def mark(view: F) -> F:
        view.cfw_max_body = max_bytes + FORM_OVERHEAD  # type: ignore[attr-defined]
        return view

    return mark


class Request(flask.Request):
    """Flask's request, with the body limit raised for the views marked `accepts_upload`.

    The limit is known as soon as the URL is matched, before CSRF or any form parsing runs.
    """

    @property
    def max_content_length(self) -> int | None:  # type: ignore[override]
        """The marked view's limit, else the app's MAX_CONTENT_LENGTH."""
        if self._max_content_length is None and current_app and self.endpoint:
            view = current_app.view_functions.get(self.endpoint)
            limit = getattr(view, "cfw_max_body", None)
            if limit is not None:
                return int(limit)
        return flask.Request.max_content_length.fget(self)  # type: ignore[attr-defined]

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value
