"""Browser-test fixtures: a real server (`cfw serve`) on a demo database, Debian's chromium.

The server runs as a subprocess on a free 127.0.0.1 port over a temp SQLite file prepared with
`cfw init` and `cfw demo`; the demo's one-time staff passwords are read from its output.
Chromium is Debian's (/usr/bin/chromium), launched by Playwright through its executable path:
no browser is ever downloaded. Playwright's launch() always starts from a new empty profile
directory of its own (the "fresh --user-data-dir" of the machine notes).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags chromium keeps dialling out of this closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
SECRET = "e2e-secret-key-not-for-production-0123456789"


@dataclass
class LiveServer:
    """A running `cfw serve` and what the demo made."""

    base_url: str
    db_path: Path
    database_url: str
    passwords: dict[str, str]
    groups: list[dict] = field(default_factory=list)
    paused_url: str = ""

    def survey_url(self, index: int = 0) -> str:
        """The poster link of the demo's group number ``index`` (0-based)."""
        return self.groups[index]["survey_url"]

    def count(self, sql: str, *params: object) -> int:
        """One number from the database (read-only, straight from the file)."""
        with sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True) as conn:
            value = conn.execute(sql, params).fetchone()[0]
        conn.close()
        return value

    def endpoints(self) -> set[str]:
        """The endpoint names of the app's url_map (which features have landed)."""
        return {rule.endpoint for rule in self.app().url_map.iter_rules()}

    def url_for(self, endpoint: str, **values: object) -> str:
        """An absolute URL of ``endpoint`` on the live server."""
        from flask import url_for

        with self.app().test_request_context("/", base_url=self.base_url):
            return url_for(endpoint, _external=True, **values)

    def app(self):
        """An app object on the same database, for its url_map only (no requests served)."""
        from survey_app.app import create_app

        if not hasattr(self, "_app"):
            self._app = create_app({"DATABASE_URL": self.database_url, "SECRET_KEY": SECRET})
        return self._app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cfw(*args: str, env: dict[str, str]) -> str:
    cfw = Path(sys.executable).with_name("cfw")
    done = subprocess.run([str(cfw), *args], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"cfw {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def server_env(db_path: Path, port: int) -> dict[str, str]:
    """The environment of a test server on ``db_path`` answering on 127.0.0.1:``port``; its
    audit anchor lies beside its database (never in the checkout's instance/)."""
    return os.environ | {
        "DATABASE_URL": f"sqlite:///{db_path}",
        "AUDIT_ANCHOR_FILE": str(db_path.with_name(db_path.stem + "-audit-anchor.json")),
        "SECRET_KEY": SECRET,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }


@contextlib.contextmanager
def serving(env: dict[str, str], port: int, log_path: Path) -> Iterator[None]:
    """`cfw serve` on ``port`` until the block ends (it must listen within 30 s)."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("cfw")), "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert process.poll() is None, log_path.read_text()
                    assert time.monotonic() < deadline, "cfw serve did not listen within 30 s"
                    time.sleep(0.2)
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`cfw init` + `cfw demo` on a temp database, then `cfw serve` until the session ends."""
    tmp = tmp_path_factory.mktemp("e2e")
    db_path = tmp / "e2e.sqlite3"
    port = _free_port()
    env = server_env(db_path, port)
    _cfw("init", env=env)
    demo = _cfw("demo", "--answers", "40", env=env)
    # "  vhxh       vhxh     <password>": the one-time passwords the demo prints.
    passwords = dict(re.findall(r"^  (\S+)\s+\S+\s+(\S+)$", demo, re.MULTILINE))
    groups = json.loads(_cfw("groups", "list", "--format", "json", env=env))
    server = LiveServer(env["PUBLIC_BASE_URL"], db_path, env["DATABASE_URL"], passwords, groups)
    # The last group's poster is paused, for the "paused" page (a staff action in real use).
    with sqlite3.connect(db_path) as conn:
        token = groups[-1]["survey_url"].rsplit("/", 1)[1]
        conn.execute("UPDATE poster_token SET status = 'paused' WHERE token = ?", (token,))
    conn.close()
    server.paused_url = groups[-1]["survey_url"]
    with serving(env, port, tmp / "server.log"):
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium, headless, driven by Playwright (skipped when chromium is missing)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser, request: pytest.FixtureRequest):
    """Factory: ``phone(js=True, lang="vi")`` → a page in a fresh 360×740 context."""
    contexts = []

    def _open(js: bool = True, bypass_csp: bool = False):
        context = browser.new_context(
            viewport=PHONE,
            device_scale_factor=1,
            java_script_enabled=js,
            bypass_csp=bypass_csp,
            locale="vi-VN",
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def shoot(page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot under artifacts/screenshots/ (gitignored) and return its path."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def sign_in(page, server: LiveServer, username: str) -> None:
    """Sign ``username`` in through the login form with the demo's password."""
    page.goto(server.url_for("auth.login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", server.passwords[username])
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{username} could not sign in: {page.url}"
