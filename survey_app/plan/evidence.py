"""Evidence files of the plan's activities: the type read from the content, size limits, and
storage by content hash (once per content, in the database every app server shares)."""

from __future__ import annotations

import hashlib
import tomllib
import unicodedata
from dataclasses import dataclass

from survey_app.core.i18n import _
from survey_app.core.paths import DATA

POLICY = tomllib.loads((DATA / "evidence.toml").read_text(encoding="utf-8"))
MAX_BYTES = int(POLICY["max_bytes"])
MAX_FILES = int(POLICY["max_files_per_activity"])
SIGNATURES = {
    kind: bytes.fromhex(spec["signature"].replace(" ", ""))
    for kind, spec in POLICY["types"].items()
}
EXTENSIONS = {kind: spec["extension"] for kind, spec in POLICY["types"].items()}
FILENAME_MAX = 200


class EvidenceError(ValueError):
    """A file that cannot be kept as evidence; the message says why (shown to the user)."""

    status = 400


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """A file that passed the checks: its content type, hash and cleaned name."""

    content_type: str
    sha256: str
    filename: str
    data: bytes


def sniff(data: bytes) -> str | None:
    """The content type of ``data`` from its signature, or None when it is not allowed."""
    return next((kind for kind, sig in SIGNATURES.items() if data.startswith(sig)), None)


def clean_filename(name: str, content_type: str) -> str:
    """A printable name with the extension of its real type ("ảnh.exe" → "ảnh.exe.jpg")."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable() and c not in '<>:"|?*').strip(" .")
    stem = name or "minh-chung"
    extension = EXTENSIONS[content_type]
    if not stem.lower().endswith("." + extension) and not (
        extension == "jpg" and stem.lower().endswith(".jpeg")
    ):
        stem = f"{stem}.{extension}"
    return stem[-FILENAME_MAX:]


def check_file(data: bytes, filename: str) -> CheckedFile:
    """Check an uploaded file's size and real type (EvidenceError with the reason)."""
    if not data:
        raise EvidenceError(_("Tệp trống: hãy chọn một ảnh hoặc một tệp PDF."))
    if len(data) > MAX_BYTES:
        raise EvidenceError(_("Tệp quá lớn (tối đa %(mb)s MB).", mb=MAX_BYTES // (1024 * 1024)))
    kind = sniff(data)
    if kind is None:
        raise EvidenceError(
            _("Chỉ nhận ảnh (JPEG, PNG) hoặc tệp PDF; nội dung tệp này không phải các loại đó.")
        )
    return CheckedFile(kind, hashlib.sha256(data).hexdigest(), clean_filename(filename, kind), data)
