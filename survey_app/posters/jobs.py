"""Poster batches in a background thread, with progress other requests can read.

Why files and not memory: gunicorn runs several worker processes, and the progress page may
be served by another worker than the one drawing. Each job keeps a small JSON state file and,
when done, its PDF in ``<instance>/poster_jobs/``; writes are atomic (``os.replace``), so a
reader never sees half a file. Why not a table: no schema change for a transient artefact.

Limits (documented in the README's deployment notes): the instance folder must be shared by
the processes that serve the progress page, i.e. a multi-server deployment must route a
job's pages to the server that runs it (or mount a shared instance folder). A job whose
process died stops updating its state; after STALE_AFTER_S it is reported as interrupted.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from survey_app.posters.pdf import render_posters_pdf

if TYPE_CHECKING:
    from survey_app.posters.pdf import PosterData

log = logging.getLogger(__name__)
JOB_DIR = "poster_jobs"
JOB_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")
STALE_AFTER_S = 120  # no progress for this long while "running": the worker died
KEEP_FOR_S = 24 * 3600  # finished jobs and their PDFs are removed after a day
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
    updated: float = 0.0

    @property
    def finished(self) -> bool:
        """True when the job will not change any more."""
        return self.status in ("done", "failed")

    @property
    def percent(self) -> int:
        """Progress in whole percent."""
        return 100 * self.done // self.total if self.total else 0


def _dir(instance_path: str) -> Path:
    path = Path(instance_path) / JOB_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def pdf_path(instance_path: str, job_id: str) -> Path:
    """Where the finished PDF of a job is kept."""
    return _dir(instance_path) / f"{job_id}.pdf"


def _write(instance_path: str, state: JobState) -> None:
    target = _dir(instance_path) / f"{state.id}.json"
    partial = target.with_suffix(f".json.{os.getpid()}.{threading.get_ident()}")
    data = asdict(replace(state, updated=time.time()))
    partial.write_text(json.dumps(data), encoding="utf-8")
    os.replace(partial, target)


def read_job(instance_path: str, job_id: str) -> JobState | None:
    """The state of a job, or None for an unknown or malformed id."""
    if not isinstance(job_id, str) or not JOB_ID.match(job_id):
        return None
    try:
        data = json.loads((_dir(instance_path) / f"{job_id}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    state = JobState(**{**data, "skipped": tuple(data.get("skipped", ()))})
    if not state.finished and time.time() - state.updated > STALE_AFTER_S:
        return replace(state, status="failed", message="interrupted")
    return state


def _clean_old(instance_path: str) -> None:
    """Remove jobs older than KEEP_FOR_S (they are only a download link's target)."""
    cutoff = time.time() - KEEP_FOR_S
    for path in _dir(instance_path).iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue


def start_job(
    instance_path: str,
    posters: Sequence[PosterData],
    *,
    page_size: str,
    allowed_base_url: str,
    ward_id: int,
    round_id: int,
    user_id: int | None,
    skipped: Sequence[str] = (),
) -> JobState:
    """Start drawing ``posters`` into one PDF in a background thread; return its first state.

    The posters are built from the database by the caller, so the thread never touches the
    database (no connection shared across threads) and the request returns at once.
    """
    _clean_old(instance_path)
    state = JobState(
        id=secrets.token_urlsafe(16),
        ward_id=ward_id,
        round_id=round_id,
        user_id=user_id,
        status="queued",
        done=0,
        total=len(posters),
        skipped=tuple(skipped),
    )
    _write(instance_path, state)
    thread = threading.Thread(
        target=_run,
        args=(instance_path, state, list(posters), page_size, allowed_base_url),
        name=f"poster-job-{state.id}",
        daemon=True,
    )
    _THREADS[state.id] = thread
    thread.start()
    return state


def _run(
    instance_path: str,
    state: JobState,
    posters: list[PosterData],
    page_size: str,
    allowed_base_url: str,
) -> None:
    """The thread body: render, report progress at most ~4 times a second, keep the PDF."""

    last = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= 0.25 or done == total:
            last = now
            _write(instance_path, replace(state, status="running", done=done))

    try:
        _write(instance_path, replace(state, status="running"))
        pdf = render_posters_pdf(
            posters,
            page_size=page_size,  # type: ignore[arg-type]
            allowed_base_url=allowed_base_url,
            on_page=progress,
        )
        target = pdf_path(instance_path, state.id)
        partial = target.with_suffix(".pdf.part")
        partial.write_bytes(pdf)
        os.replace(partial, target)
        _write(instance_path, replace(state, status="done", done=state.total))
    except Exception as exc:  # a failed job must say so on its page, never vanish
        log.exception("poster job %s failed", state.id)
        _write(instance_path, replace(state, status="failed", message=str(exc)[:300]))
    finally:
        _THREADS.pop(state.id, None)


def wait(job_id: str, timeout: float = 60.0) -> None:
    """Block until a job started by this process ends (for the CLI and tests)."""
    thread = _THREADS.get(job_id)
    if thread is not None:
        thread.join(timeout)


__all__ = ["JobState", "pdf_path", "read_job", "start_job", "wait"]
