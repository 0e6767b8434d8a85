"""Copy a ward's database (SQLite) into PostgreSQL, checked, in one transaction.

The target's schema is made by the migrations (never by ``create_all``), then every table's
rows are copied in foreign-key order, in primary-key order within a table, unchanged: the
audit log row for row in id order, so its hash chain stays valid. Columns that point at their
own table (a rotated poster token names its replacement, which comes later) are filled in
after the table's rows. Sequences are moved past the copied ids. Before anything is committed,
the target is read back inside the same transaction: row counts and a sha256 checksum per
table must equal the source's, and the audit chain must verify (survey_app.audit.log.verify);
any difference rolls the whole copy back, so the target is either a checked copy or unchanged.

The source is read in one transaction (one consistent snapshot). Stop the app, or at least
the survey, before copying: answers stored after the snapshot are not in the copy.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import (
    Connection,
    Engine,
    MetaData,
    Table,
    bindparam,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

import survey_app.models  # noqa: F401  (registers every table on the metadata)
from survey_app.audit import log as audit_log
from survey_app.core import migrate
from survey_app.core.db import Base, make_engine

BATCH = 1000
Progress = Callable[[str], None]


class CopyError(Exception):
    """The copy was refused or failed; nothing was changed in the target."""


@dataclass(frozen=True, slots=True)
class TableCopy:
    """One table: rows copied and the checksum both sides agree on."""

    name: str
    rows: int
    checksum: str


@dataclass
class CopyReport:
    """What `copy_database` did."""

    source: str
    target: str
    revision: str | None
    tables: list[TableCopy] = field(default_factory=list)
    overwritten: dict[str, int] = field(default_factory=dict)
    audit_rows: int = 0


def database_url(value: str) -> str:
    """A URL from the command line: a path means a SQLite file; postgresql:// gets psycopg."""
    if "://" not in value:
        path = Path(value).expanduser().resolve()
        if not path.is_file():
            raise CopyError(f"no such SQLite file: {path}")
        return f"sqlite:///{path}"
    try:
        url = make_url(value)
    except ArgumentError as exc:
        raise CopyError(f"not a database URL: {value!r}") from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def _shown(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def tables() -> Sequence[Table]:
    """Every table of the app, parents before children."""
    return Base.metadata.sorted_tables


def target_rows(engine: Engine) -> dict[str, int]:
    """Rows in each of the app's tables that already exist in ``engine`` (non-empty only)."""
    present = set(inspect(engine).get_table_names())
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        for table in tables():
            if table.name in present:
                n = conn.scalar(select(func.count()).select_from(table)) or 0
                if n:
                    counts[table.name] = n
    return counts


def _order(table: Table) -> list[Any]:
    return list(table.primary_key.columns) or list(table.columns)


def _canonical(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {"bytes": hashlib.sha256(bytes(value)).hexdigest()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _rows(conn: Connection, table: Table) -> Iterator[list[dict[str, Any]]]:
    """The table's rows in primary-key order, in batches, as typed Python values."""
    result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(
        select(table).order_by(*_order(table))
    )
    try:
        for batch in result.mappings().partitions(BATCH):
            yield [dict(row) for row in batch]
    finally:
        result.close()


class _Digest:
    """Row count and sha256 of a table's rows in primary-key order (canonical JSON per row)."""

    def __init__(self, table: Table) -> None:
        self.names = [c.name for c in table.columns]
        self.sha = hashlib.sha256()
        self.rows = 0

    def add(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            line = json.dumps([_canonical(row[n]) for n in self.names], ensure_ascii=False)
            self.sha.update(line.encode() + b"\n")
        self.rows += len(rows)

    @property
    def hexdigest(self) -> str:
        return self.sha.hexdigest()


def _digest(conn: Connection, table: Table) -> _Digest:
    digest = _Digest(table)
    for batch in _rows(conn, table):
        digest.add(batch)
    return digest


def _self_references(table: Table) -> list[str]:
    """Columns with a foreign key to their own table (filled in after all rows exist)."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _copy_table(src: Connection, dst: Connection, table: Table) -> _Digest:
    digest = _Digest(table)
    later = _self_references(table)
    pk = [c.name for c in table.primary_key.columns]
    pending: list[dict[str, Any]] = []
    for batch in _rows(src, table):
        digest.add(batch)
        if later:
            pending += [
                {**{f"k_{k}": row[k] for k in pk}, **{c: row[c] for c in later}}
                for row in batch
                if any(row[c] is not None for c in later)
            ]
            batch = [{**row, **dict.fromkeys(later)} for row in batch]
        dst.execute(table.insert(), batch)
    if pending:
        statement = (
            update(table)
            .where(*(table.c[k] == bindparam(f"k_{k}") for k in pk))
            .values({c: bindparam(c) for c in later})
        )
        dst.execute(statement, pending)
    return digest


def _reset_sequences(dst: Connection) -> None:
    """Move each serial id's sequence past the copied ids (next insert gets max(id) + 1)."""
    for table in tables():
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or pk[0].autoincrement is False or not _is_integer(pk[0]):
            continue
        sequence = dst.scalar(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": f'"{table.name}"', "column": pk[0].name},
        )
        if sequence is None:
            continue
        top = dst.scalar(select(func.max(pk[0])))
        dst.execute(
            text("SELECT setval(:sequence, :value, :called)"),
            {"sequence": sequence, "value": top or 1, "called": top is not None},
        )


def _is_integer(column: Any) -> bool:
    try:
        return column.type.python_type is int
    except NotImplementedError:
        return False


def _drop_app_tables(dst: Connection) -> None:
    """--force: drop the app's tables (and the audit trigger's function) so migrations rebuild."""
    Base.metadata.drop_all(dst, checkfirst=True)  # children first
    Table("alembic_version", MetaData()).drop(dst, checkfirst=True)
    dst.execute(text("DROP FUNCTION IF EXISTS audit_log_append_only() CASCADE"))


def _migrate(dst: Connection) -> None:
    """Bring the target to the code's newest schema inside the copy's transaction."""
    cfg = migrate.alembic_config()
    cfg.attributes["connection"] = dst
    command.upgrade(cfg, "head")


def copy_database(
    source_url: str,
    target_url: str,
    *,
    force: bool = False,
    progress: Progress = lambda _line: None,
) -> CopyReport:
    """Copy every table of ``source_url`` into the PostgreSQL database ``target_url``.

    Refuses (CopyError, target unchanged) when the target is not PostgreSQL, is the source,
    already holds rows (unless ``force``: then those tables are dropped and rebuilt, and the
    report's ``overwritten`` says what was there), or when the source's schema is not the
    code's newest (run `cfw init` on it first). Any failure or mismatch rolls everything back.
    """
    source, target = make_engine(source_url), make_engine(target_url)
    try:
        return _copy(source, target, force=force, progress=progress)
    except SQLAlchemyError as exc:
        raise CopyError(f"copy failed, nothing was changed in the target: {exc}") from exc
    finally:
        source.dispose()
        target.dispose()


def _copy(source: Engine, target: Engine, *, force: bool, progress: Progress) -> CopyReport:
    if target.dialect.name != "postgresql":
        raise CopyError(f"the target must be PostgreSQL, not {target.dialect.name}")
    if source.url == target.url:
        raise CopyError("the source and the target are the same database")
    head = migrate.head_revision()
    revision = migrate.current_revision(source)
    if revision != head:
        raise CopyError(
            f"the source is at schema revision {revision or 'none'}, this code at {head}: "
            f"run `cfw init` with DATABASE_URL={_shown(source)} first (it backs up, then migrates)"
        )
    report = CopyReport(_shown(source), _shown(target), head)
    report.overwritten = target_rows(target)
    if report.overwritten and not force:
        listed = ", ".join(f"{t} {n}" for t, n in report.overwritten.items())
        raise CopyError(
            f"the target already holds data ({listed}); nothing copied. "
            "Use an empty database, or --force to replace those tables"
        )
    with source.connect() as src, target.begin() as dst:
        src.begin()  # one read transaction: a consistent snapshot of the source
        if report.overwritten:
            progress("--force: the target's tables are dropped and replaced; they held:")
            for name, n in report.overwritten.items():
                progress(f"  {name}: {n} rows")
            _drop_app_tables(dst)
        _migrate(dst)
        progress(f"schema created by the migrations (revision {head})")
        for table in tables():
            digest = _copy_table(src, dst, table)
            report.tables.append(TableCopy(table.name, digest.rows, digest.hexdigest))
            progress(f"{table.name}: {digest.rows} rows copied")
        _reset_sequences(dst)
        _verify(dst, report, progress)
        src.rollback()
    return report


def _verify(dst: Connection, report: CopyReport, progress: Progress) -> None:
    """Read the target back before committing; raise (rolling back) on any difference."""
    by_name = {t.name: t for t in tables()}
    for copied in report.tables:
        again = _digest(dst, by_name[copied.name])
        if (again.rows, again.hexdigest) != (copied.rows, copied.checksum):
            raise CopyError(
                f"{copied.name}: the target reads back {again.rows} rows / sha256 "
                f"{again.hexdigest[:12]}…, the source had {copied.rows} / "
                f"{copied.checksum[:12]}…; nothing was changed in the target"
            )
    progress(f"row counts and checksums equal in {len(report.tables)} tables")
    with Session(bind=dst) as session:
        result = audit_log.verify(session)
    if not result.ok:
        raise CopyError(
            f"the audit chain does not verify in the target at row {result.first_bad_id}: "
            f"{result.problem}; nothing was changed in the target"
        )
    report.audit_rows = result.checked
    progress(f"audit chain verified: {result.checked} rows")


__all__ = ["CopyError", "CopyReport", "TableCopy", "copy_database", "database_url", "target_rows"]
