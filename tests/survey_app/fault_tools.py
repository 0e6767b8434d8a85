"""Tools for fault tests: a real gunicorn server to kill, a small keep-alive browser, checks.

Everything talks to 127.0.0.1 only, and every wait is bounded in time.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url

from survey_app.core.db import Base
from survey_app.models import Answer, AnswerCount, PosterToken, Response

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SERVER_SECRET = "fault-test-secret-9f3a7c1e5b2d4a6f8e0c1b3d5f7a9c2e"
THANKS = "Đã gửi xong!"
NOT_SAVED = "Chưa lưu được, vui lòng bấm Gửi lại"
# What a dead or restarting server looks like to a client.
CONNECTION_ERRORS = (ConnectionError, http.client.HTTPException, TimeoutError, OSError)

_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
_KEY = re.compile(r'name="key" type="hidden" value="([^"]+)"')


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cfw(args: list[str], env: Mapping[str, str], timeout: float = 120) -> str:
    """Run a `cfw` command in a child process; its output (fails the test on an error)."""
    done = subprocess.run(
        [str(BIN / "cfw"), *args],
        env=dict(env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"cfw {args}: {done.stdout}\n{done.stderr}"
    return done.stdout


def server_env(database_url: str, port: int) -> dict[str, str]:
    """The environment of a production-like server (behind one trusted proxy) on ``port``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CFW_", "PYTEST"))}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=SERVER_SECRET,
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        CFW_BIND=f"127.0.0.1:{port}",
        CFW_WORKERS="2",
        CFW_MAX_REQUESTS="1000000",  # no planned worker recycling in the middle of the test
        CFW_LOG_LEVEL="warning",
        # The load comes from one address; like nginx, the test says who the client is.
        TRUSTED_PROXIES="1",
        CFW_FORWARDED_ALLOW_IPS="127.0.0.1",
    )
    return env


@dataclass
class Server:
    """gunicorn (sync x2, --preload via deploy/gunicorn.conf.py) in its own process group."""

    env: dict[str, str]
    port: int
    log: Path
    process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> None:
        """Start and wait until /healthz answers."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "-c",
                    str(ROOT / "deploy" / "gunicorn.conf.py"),
                    "survey_app.wsgi:app",
                ],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=log,
                start_new_session=True,  # its own group: nothing else is ever signalled
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited: {self.log.read_text()[-2000:]}"
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except CONNECTION_ERRORS:
                pass
            finally:
                conn.close()
            time.sleep(0.1)
        raise AssertionError(f"gunicorn did not answer in {timeout}s: {self.log.read_text()}")

    def pids(self) -> list[int]:
        """The master and its workers."""
        assert self.process is not None
        master = self.process.pid
        children: list[int] = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:  # field 4 of stat: the parent's pid
                children.append(int(stat.parent.name))
        return [master, *children]

    def kill9(self, timeout: float = 15) -> list[int]:
        """SIGKILL the master and every worker at once (a power cut, an OOM kill)."""
        assert self.process is not None
        pids = self.pids()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(_alive(pid) for pid in pids[1:]):
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in pids[1:]), "a worker survived SIGKILL"
        self.process = None
        return pids

    def stop(self, timeout: float = 30) -> None:
        """Stop gracefully (SIGTERM to the master); SIGKILL to its group if it hangs."""
        if self.process is None:
            return
        process, self.process = self.process, None
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=timeout)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@dataclass
class Reply:
    """Status, headers and text of one answer."""

    status: int
    headers: dict[str, str]
    text: str


@dataclass
class Browser:
    """One phone: a keep-alive connection (reopened as needed) and a cookie jar."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    conn: http.client.HTTPConnection | None = None

    def request(
        self,
        method: str,
        path: str,
        form: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """One request; a connection error propagates (the caller decides what it means)."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=sent)
            raw = self.conn.getresponse()
            text = raw.read().decode("utf-8", "replace")
        except BaseException:
            self.close()
            raise
        for header in raw.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        if raw.will_close:
            self.close()
        location = raw.headers.get("Location")
        # Post/redirect/get: a phone follows the redirect to the thank-you page.
        if method == "POST" and raw.status == 303 and urlsplit(location or "").path == "/s/sent":
            return self.request("GET", "/s/sent", headers=headers)
        return Reply(raw.status, {k.lower(): v for k, v in raw.getheaders()}, text)

    def close(self) -> None:
        """Drop the connection (the next request opens a new one)."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def start_survey(self, token: str, audience: str, profile: Mapping[str, str]) -> None:
        """Scan the poster and consent, as a phone does once."""
        scan = self.request("GET", f"/q/{token}")
        # A redirect to /s, or a landing page that moves on to /s: either way the session
        # now holds the poster's token.
        assert scan.status in (200, 303), (scan.status, scan.text[:300])
        page = self.request("GET", f"/s/{audience}")
        assert page.status == 200, (page.status, page.text[:300])
        form = {**profile, "csrf_token": csrf_of(page.text)}
        done = self.request("POST", f"/s/{audience}", form)
        assert done.status == 303, (done.status, done.text[:500])


def csrf_of(html: str) -> str:
    """The CSRF token of a rendered form."""
    match = _CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def key_of(html: str) -> str:
    """The one-time key of a rendered questions page."""
    match = _KEY.search(html)
    assert match, "no one-time key on the page"
    return match.group(1)


def counts_match_recount(engine: Engine) -> tuple[dict, dict]:
    """(counters, a GROUP BY recount over the raw answers), keyed alike, for comparison."""
    # Written out here rather than imported, so a drift in results/counts.py is caught.
    flagged_by_review = (Response.review == "excluded") | (
        (Response.review == "pending") & Response.held
    )
    columns = (
        Response.round_id,
        Response.group_id,
        Response.audience,
        Answer.question_id,
        Answer.value,
        flagged_by_review,
    )
    with engine.connect() as conn:
        raw = conn.execute(
            select(*columns, func.count())
            .join(Answer, Answer.response_id == Response.id)
            .group_by(*columns)
        ).all()
        counters = conn.execute(
            select(
                AnswerCount.round_id,
                AnswerCount.group_id,
                AnswerCount.audience,
                AnswerCount.question_id,
                AnswerCount.value,
                AnswerCount.flagged,
                AnswerCount.n,
            ).where(AnswerCount.n != 0)
        ).all()
    recount = {(*r[:5], bool(r[5])): r[6] for r in raw}
    return {(*r[:5], bool(r[5])): r[6] for r in counters}, recount


def used_matches_responses(engine: Engine) -> tuple[dict[int, int], dict[int, int]]:
    """(each token's ``used`` counter, its stored responses): the cap's bookkeeping."""
    with engine.connect() as conn:
        used = dict(conn.execute(select(PosterToken.id, PosterToken.used)).all())
        stored = dict(
            conn.execute(select(Response.token_id, func.count()).group_by(Response.token_id)).all()
        )
    return {k: v for k, v in used.items() if v}, stored


@contextmanager
def scratch_postgres(url: str, prefix: str = "cfw_scratch") -> Iterator[str]:
    """A throw-away database on the server of ``url`` (dropped afterwards), as a URL.

    The shared test database is truncated by other runs at any moment; a long test with a
    server of its own needs a database nobody else touches.
    """
    import psycopg

    admin_url = make_url(url).set(drivername="postgresql")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    dsn = admin_url.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- database snapshots shared by the fault tests


def _table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in Base.metadata.sorted_tables
        }


def _token_used(engine: Engine) -> dict[int, int]:
    with engine.connect() as conn:
        return dict(conn.execute(select(PosterToken.id, PosterToken.used)).all())


def _keys_stored(engine: Engine, keys: list[str]) -> Counter[str]:
    with engine.connect() as conn:
        found = Counter[str]()
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            found.update(
                conn.execute(
                    select(Response.submission_key).where(Response.submission_key.in_(chunk))
                ).scalars()
            )
    return found


# ----------------------------------------------------------------------------- kill -9
