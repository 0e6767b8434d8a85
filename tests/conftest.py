"""Shared fixtures: an app on a fresh, migrated database (SQLite by default, or DATABASE_URL)."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from sqlalchemy import text
from werkzeug.routing import Rule

from survey_app.accounts import users as accounts
from survey_app.app import create_app
from survey_app.core import migrate
from survey_app.core.db import Base, make_engine
from survey_app.posters import jobs as poster_jobs

PG_URL = os.environ.get("DATABASE_URL", "")
CHECKOUT_INSTANCE = Path(__file__).resolve().parent.parent / "instance"

# Property tests are deterministic: the same examples on every run and machine, no deadline,
# no example store, and no health check that could fail a run at random (a slow CI machine,
# a large generated file). Each test still bounds its own max_examples.
settings.register_profile(
    "cfw",
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=False,
    suppress_health_check=list(HealthCheck),
)
settings.load_profile("cfw")

# The suite hashes and checks thousands of passwords (every make_user, login and demo ward).
# argon2id at its smallest cost stands in for the production parameters (as Django's test
# settings swap in a fast hasher): ~0.05 ms instead of ~46 ms a hash. Hashes stay argon2id,
# so verify and rehash take the same paths; the production parameters are asserted with the
# `production_hasher` fixture (tests/survey_app/accounts/test_accounts.py). Servers started
# as subprocesses use the real ones.
PRODUCTION_HASHER = accounts.HASHER
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)


@pytest.fixture(scope="session", autouse=True)
def fast_password_hasher() -> Iterator[None]:
    accounts.HASHER = FAST_HASHER
    yield
    accounts.HASHER = PRODUCTION_HASHER


@pytest.fixture
def production_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    """The argon2id parameters the app ships with, for a test about them."""
    monkeypatch.setattr(accounts, "HASHER", PRODUCTION_HASHER)


# Every test builds an app, and Werkzeug compiles each URL rule's two builder functions from
# an AST (about 100 ms an app for ~110 rules). The builder depends only on the rule's text,
# its parsed trace and `append_unknown` when the rule has no defaults (it reads converters
# through `self` at call time), so one compiled function serves every app of the session.
_BUILDERS: dict[tuple, object] = {}
_compile_builder = Rule._compile_builder


def _cached_builder(self: Rule, append_unknown: bool = True):
    if self.defaults:
        return _compile_builder(self, append_unknown)
    key = (self.rule, tuple(self._trace), append_unknown)
    builder = _BUILDERS.get(key)
    if builder is None:
        builder = _BUILDERS[key] = _compile_builder(self, append_unknown)
    return builder


Rule._compile_builder = _cached_builder


def _use_instance(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Every app built from now on keeps its instance files in ``folder``: an in-process
    `create_app` without an instance path of its own (Flask would pick the checkout's
    instance/), and a `cfw` child process, which inherits the audit anchor's place."""
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda _app: str(folder))
    monkeypatch.setenv("AUDIT_ANCHOR_FILE", str(folder / "audit-anchor.json"))


def _instance_state() -> tuple[set[str], set[str]]:
    """The checkout's instance/ files, and the databases its audit anchor names."""
    files = {str(p.relative_to(CHECKOUT_INSTANCE)) for p in CHECKOUT_INSTANCE.rglob("*")}
    try:
        anchor = json.loads((CHECKOUT_INSTANCE / "audit-anchor.json").read_text("utf-8"))
        anchored = set(anchor["databases"])
    except (OSError, ValueError, KeyError, TypeError):
        anchored = set()
    return files, anchored


@pytest.fixture(scope="session", autouse=True)
def checkout_instance_untouched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test writes into the checkout's instance/ (its database, secret, audit anchor).

    The whole session runs with a temp instance folder (each test its own, below); at the
    end the checkout's instance/ must hold no new file and its audit anchor no new database.
    A server of your own running from the same checkout only updates what it already has.
    """
    files, anchored = _instance_state()
    with pytest.MonkeyPatch.context() as patch:
        _use_instance(patch, tmp_path_factory.mktemp("instance"))
        yield
    new_files, new_anchored = _instance_state()
    added = sorted(new_files - files) + sorted(new_anchored - anchored)
    if added:
        pytest.fail(f"tests wrote into {CHECKOUT_INSTANCE}: {', '.join(added)}", pytrace=False)


@pytest.fixture(autouse=True)
def temp_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's apps and `cfw` processes keep their instance files under its tmp_path."""
    _use_instance(monkeypatch, tmp_path / "instance")


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database made once per test session (a file copied per test on SQLite)."""
    if PG_URL:
        _reset_postgres(PG_URL)
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return str(path)


@pytest.fixture
def database_url(template_db: str, tmp_path: Path) -> str:
    """A clean database for one test."""
    if PG_URL:
        engine = make_engine(PG_URL)
        names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            # The audit log refuses TRUNCATE (append-only trigger); tests may skip triggers.
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return PG_URL
    target = tmp_path / "test.sqlite3"
    with sqlite3.connect(template_db) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    return f"sqlite:///{target}"


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app on its own clean database; CSRF off unless a test turns it on."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key",
            "WTF_CSRF_ENABLED": False,
            "PUBLIC_BASE_URL": "http://survey.test",
        }
    )
    app.instance_path = str(tmp_path / "instance")
    yield app
    # A poster batch runs in a thread with its own database session. Disposing the engine
    # under a job still running orphaned its connection: on PostgreSQL the psycopg connection
    # was then collected open, and its ResourceWarning failed whichever test ran next.
    poster_jobs.wait_all()
    app.extensions["cfw_engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    """A click runner for `cfw` commands inside the app context."""
    from click.testing import CliRunner

    class _Runner:
        def invoke(self, command, args=None, **kwargs):
            with app.app_context():
                return CliRunner().invoke(command, args or [], catch_exceptions=False, **kwargs)

    return _Runner()


@pytest.fixture
def db_session(app: Flask):
    """The session of an app context, for arranging and checking data."""
    from survey_app.core.db import get_session

    with app.app_context():
        yield get_session()


TEST_PASSWORD = "ward-test-passphrase"


@pytest.fixture
def make_user(app: Flask):
    """Factory: ``make_user("name", role="unit", unit="yte")`` → the committed user's id.

    Non-admin roles get a ward (created on first use, code "test-ward"); leaders a group.
    The password is TEST_PASSWORD unless given; must_change_password is False by default.
    """
    from sqlalchemy import select

    from survey_app.accounts.users import create_user
    from survey_app.core.db import get_session, write_transaction
    from survey_app.models import ResidentialGroup, Ward

    def _make(username: str, role: str = "admin", **kwargs) -> int:
        with app.app_context(), write_transaction(get_session()) as session:
            if role != "admin" and "ward_id" not in kwargs:
                ward = session.scalars(select(Ward).where(Ward.code == "test-ward")).first()
                if ward is None:
                    ward = Ward(code="test-ward", name="Phường Thử", locality_type="other")
                    session.add(ward)
                    session.flush()
                kwargs["ward_id"] = ward.id
            if role == "leader" and "group_id" not in kwargs:
                group = ResidentialGroup(ward_id=kwargs["ward_id"], name=f"Tổ {username}")
                session.add(group)
                session.flush()
                kwargs["group_id"] = group.id
            kwargs.setdefault("password", TEST_PASSWORD)
            kwargs.setdefault("must_change_password", False)
            user, _password = create_user(session, username=username, role=role, **kwargs)
            return user.id

    return _make


@pytest.fixture
def login(client: FlaskClient):
    """Sign ``client`` in: ``login("name")`` → the response of the sign-in POST."""

    def _login(username: str, password: str = TEST_PASSWORD):
        return client.post("/login", data={"username": username, "password": password})

    return _login


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    """Compile each .po catalogue whose .mo is missing or older (*.mo files are not in git)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent / "survey_app" / "translations"
    for po in root.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle)
        partial = mo.with_suffix(f".mo.{os.getpid()}")  # parallel runs never see half a file
        with partial.open("wb") as handle:
            write_mo(handle, catalog)
        os.replace(partial, mo)
