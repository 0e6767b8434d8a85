"""Poster batches drawn in a background thread, their state and PDF in the shared database.

Why the database: with several app servers (or several workers of one), the progress page and
the download may be served by any of them, not only by the one drawing. Each job is a row of
``poster_job`` (see survey_app.models.jobs): status, pages done, the message of a failure and,
when done, the PDF itself. The thread that draws it is in the process that accepted the
request; it writes its progress (at most ~4 times a second, each write its own short
transaction on its own session) and the result.

A process that dies mid-job (a restart, a deploy, kill -9) stops writing. A queued or running
job whose last write is older than STALE_AFTER_S is then reported failed ("interrupted"), and
the first reader that sees it so writes that down, so it never stays "running". Times are the
app servers' clocks in UTC: keep them in sync (NTP), as signed sessions already require.
Finished jobs and their PDFs are deleted KEEP_FOR_S after they started.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from survey_app.audit import log as audit
from survey_app.core.db import write_transaction
from survey_app.models import PosterJob, User
from survey_app.posters.pdf import render_posters_pdf

if TYPE_CHECKING:
    from survey_app.posters.pdf import PosterData

log = logging.getLogger(__name__)
JOB_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")
STALE_AFTER_S = 120  # no progress for this long while queued or running: its process died
KEEP_FOR_S = 24 * 3600  # finished jobs and their PDFs are removed after a day
PROGRESS_EVERY_S = 0.25
INTERRUPTED = "interrupted"
UNFINISHED = ("queued", "running")
_THREADS: dict[str, threading.Thread] = {}  # this process's jobs, so tests and the CLI can wait


@dataclass(frozen=True, slots=True)
class JobState:
    """What a progress page shows; ``status`` is queued, running, done or failed."""

    id: str
    ward_id: int
    round_id: int
    user_id: int | None
    status: str
    done: int
    total: int
    skipped: tuple[str, ...] = ()
    message: str = ""

    @property
    def finished(self) -> bool:
        """True when the job will not change any more."""
        return self.status in ("done", "failed")

    @property
    def percent(self) -> int:
        """Progress in whole percent."""
        return 100 * self.done // self.total if self.total else 0


def utcnow() -> dt.datetime:
    """Now in UTC, naive (how the database stores times)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _state(row: PosterJob) -> JobState:
    return JobState(
        id=row.id,
        ward_id=row.ward_id,
        round_id=row.round_id,
        user_id=row.user_id,
        status=row.status,
        done=row.done,
        total=row.total,
        skipped=tuple(json.loads(row.skipped or "[]")),
        message=row.message,
    )


def read_job(session: Session, job_id: str, *, now: dt.datetime | None = None) -> JobState | None:
    """The state of a job, or None for an unknown or malformed id.

    A queued or running job without a heartbeat for STALE_AFTER_S is marked failed here
    (a conditional UPDATE: a late heartbeat of a live thread wins over it, never the reverse).
    """
    if not isinstance(job_id, str) or not JOB_ID.match(job_id):
        return None
    row = session.get(PosterJob, job_id)
    if row is None:
        return None
    now = now or utcnow()
    cutoff = now - dt.timedelta(seconds=STALE_AFTER_S)
    state = _state(row)
    if row.status not in UNFINISHED or row.updated_at >= cutoff:
        return state
    try:
        with write_transaction(session):
            marked = session.execute(
                update(PosterJob)
                .where(
                    PosterJob.id == job_id,
                    PosterJob.status.in_(UNFINISHED),
                    PosterJob.updated_at < cutoff,
                )
                .values(status="failed", message=INTERRUPTED, updated_at=now)
            ).rowcount
    except SQLAlchemyError:  # a read-only or busy database: still say it failed
        log.warning("poster job %s: could not mark it interrupted", job_id, exc_info=True)
        marked = 1
    session.expire_all()
    fresh = session.get(PosterJob, job_id) if marked != 1 else None
    if fresh is not None:  # a heartbeat came in between: the job is alive
        return _state(fresh)
    return replace(state, status="failed", message=INTERRUPTED)


def job_pdf(session: Session, job_id: str) -> bytes | None:
    """The PDF of a finished job (None while it runs, after it failed, or for a bad id)."""
    if not isinstance(job_id, str) or not JOB_ID.match(job_id):
        return None
    return session.scalar(
        select(PosterJob.pdf).where(PosterJob.id == job_id, PosterJob.status == "done")
    )


def start_job(
    session: Session,
    posters: Sequence[PosterData],
    *,
    page_size: str,
    allowed_base_url: str,
    ward_id: int,
    round_id: int,
    actor: User | None,
    skipped: Sequence[str] = (),
) -> JobState:
    """Record a job (with its audit row) and draw ``posters`` into one PDF in a thread.

    Returns the job's first state. The posters are built from the database by the caller;
    the thread only writes its own row, through its own sessions on the same engine (never
    the request's session).
    """
    now = utcnow()
    row = PosterJob(
        id=secrets.token_urlsafe(16),
        ward_id=ward_id,
        round_id=round_id,
        user_id=actor.id if actor is not None else None,
        status="queued",
        done=0,
        total=len(posters),
        skipped=json.dumps(list(skipped), ensure_ascii=False),
        message="",
        created_at=now,
        updated_at=now,
    )
    with write_transaction(session):
        session.execute(
            delete(PosterJob).where(PosterJob.created_at < now - dt.timedelta(seconds=KEEP_FOR_S))
        )
        session.add(row)
        audit.record(
            session,
            action="start",
            entity="poster_job",
            entity_id=row.id,
            old=None,
            new={"round_id": round_id, "posters": len(posters), "page_size": page_size},
            actor=actor,
            ward_id=ward_id,
        )
    state = _state(row)
    bind = session.get_bind()
    assert isinstance(bind, Engine)
    thread = threading.Thread(
        target=_run,
        args=(bind, state, list(posters), page_size, allowed_base_url),
        name=f"poster-job-{state.id}",
        daemon=True,
    )
    _THREADS[state.id] = thread
    thread.start()
    return state


def _write(engine: Engine, job_id: str, **values: object) -> None:
    """Update this job's row in a transaction of its own (the heartbeat goes with it)."""
    with Session(engine) as session, write_transaction(session):
        session.execute(
            update(PosterJob).where(PosterJob.id == job_id).values(updated_at=utcnow(), **values)
        )


def _run(
    engine: Engine,
    state: JobState,
    posters: list[PosterData],
    page_size: str,
    allowed_base_url: str,
) -> None:
    """The thread body: render, report progress at most ~4 times a second, store the PDF."""

    last = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY_S and done < total:
            last = now
            try:
                _write(engine, state.id, status="running", done=done)
            except SQLAlchemyError:  # a busy database delays the bar, never the job
                log.warning("poster job %s: progress not saved", state.id, exc_info=True)

    try:
        _write(engine, state.id, status="running")
        pdf = render_posters_pdf(
            posters,
            page_size=page_size,  # type: ignore[arg-type]
            allowed_base_url=allowed_base_url,
            on_page=progress,
        )
        _write(engine, state.id, status="done", done=state.total, pdf=pdf)
    except Exception as exc:  # a failed job must say so on its page, never vanish
        log.exception("poster job %s failed", state.id)
        try:
            _write(engine, state.id, status="failed", message=str(exc)[:300])
        except SQLAlchemyError:  # then it is reported failed once stale
            log.exception("poster job %s: failure not saved", state.id)
    finally:
        _THREADS.pop(state.id, None)


def wait(job_id: str, timeout: float = 60.0) -> None:
    """Block until a job started by this process ends (for the CLI and tests)."""
    thread = _THREADS.get(job_id)
    if thread is not None:
        thread.join(timeout)


def wait_all(timeout: float = 60.0) -> None:
    """Block until every job started by this process ends (tests comparing database states)."""
    for job_id in list(_THREADS):
        wait(job_id, timeout)


__all__ = ["JobState", "job_pdf", "read_job", "start_job", "wait", "wait_all"]
