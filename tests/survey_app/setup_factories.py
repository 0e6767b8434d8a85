"""Helpers for the set-up tests: the demo-like ward, CSV files as Excel writes them, counts."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from survey_app.cli import main
from survey_app.core.db import get_session
from survey_app.models import AssessmentRound, AuditEntry, PosterToken, ResidentialGroup, Ward

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "groups-dinh-ke.csv"
WARD = [
    "ward",
    "create",
    "dinh-ke",
    "--name",
    "Phường Dĩnh Kế",
    "--province",
    "Bắc Giang",
    "--locality-type",
    "other",
    "--basis",
    "Phường thuộc thành phố trực thuộc tỉnh",
    "--authority",
    "Chủ tịch UBND tỉnh Bắc Giang",
]
ROUND = ["rounds", "create", "dinh-ke", "--name", "Năm 2026"]
ROUND += ["--start", "2026-01-01", "--end", "2026-12-31"]
GROUPS = [("Tổ dân phố Mé", 142, 1380), ("Tổ dân phố Đồng Quan", 96, 930), ("Tổ Chi Ly 1", 0, 0)]
MODELS = (Ward, ResidentialGroup, AssessmentRound, PosterToken, AuditEntry)


def write_csv(tmp_path: Path, text: str, *, bom: bool = True, name: str = "groups.csv") -> str:
    """A CSV file as Excel's "CSV UTF-8" saves it (with a BOM, CRLF line ends)."""
    path = tmp_path / name
    data = text.replace("\n", "\r\n").encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return str(path)


def groups_csv(rows=GROUPS) -> str:
    return "name,children,residents\n" + "".join(f"{n},{c},{r}\n" for n, c, r in rows)


def counts(app) -> dict[str, int]:
    with app.app_context():
        session = get_session()
        return {m.__name__: session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(get_session().scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def cfw(runner, *args: str):
    return runner.invoke(main, list(args))
