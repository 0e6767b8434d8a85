"""`cfw init` (create or migrate the database) and `cfw serve`."""

from __future__ import annotations

import click

from survey_app.commands.appctx import with_app


@click.command("init")
@click.option(
    "--setup-code/--no-setup-code",
    default=True,
    help="On an empty database, print a one-time code for the /setup page (default: yes).",
)
@with_app
def init(setup_code: bool) -> None:
    """Create the instance secret, and the database or bring it to the newest schema."""
    from flask import current_app

    from survey_app.audit import anchor
    from survey_app.core import db, keys, migrate
    from survey_app.core.config import secret_file

    source = current_app.config.get("CFW_SECRET_SOURCE", "")
    if not source.startswith("SECRET_KEY"):
        # Usually made already while the app loaded; this also covers an app built elsewhere.
        path = secret_file(current_app)
        _, created = keys.ensure_secret_file(path)
        created = created or source.endswith("(new)")
        click.echo(f"{'Created' if created else 'Using'} the instance secret {path} (mode 0600)")
    engine = db.engine()
    before = migrate.current_revision(engine)
    if before is not None and before != migrate.head_revision():
        # An existing database is about to change schema: keep a checked copy first.
        from survey_app.commands.backup import backup_before_migration

        backup_before_migration(engine)
    migrate.upgrade(engine)
    after = migrate.current_revision(engine)
    if before is None:
        # A new, empty database starts a new audit chain: forget any anchor of an old one.
        anchor.forget(current_app, engine)
    url = engine.url.render_as_string(hide_password=True)
    if before == after:
        click.echo(f"Database is up to date ({after}): {url}")
    else:
        click.echo(f"Database migrated {before or 'empty'} → {after}: {url}")
    if setup_code:
        _print_setup_code()


def _print_setup_code() -> None:
    """On an empty database (no ward, no account): a one-time code for the set-up page."""
    from flask import current_app

    from survey_app.admin.first_run import issue_setup_code
    from survey_app.core.db import get_session

    code = issue_setup_code(get_session())
    if code is None:
        return
    base = current_app.config["PUBLIC_BASE_URL"]
    click.echo(f"First run: open {base}/setup and enter this one-time set-up code: {code}")
    click.echo("(it works once, for 7 days; `cfw init` again prints a new one)")


def listen_on(host: str, port: int) -> None:
    """Make the address chosen on the command line the one links are printed with.

    PUBLIC_BASE_URL defaults to http://HOST:PORT from the environment
    (core.config.default_base_url); `--port 5301` must not print links on 5000.
    """
    import os

    os.environ["HOST"], os.environ["PORT"] = host, str(port)


@click.command("serve")
@click.option(
    "--host", default="127.0.0.1", show_default=True, envvar="HOST", help="Address to listen on."
)
@click.option(
    "--port", default=5000, show_default=True, envvar="PORT", type=click.IntRange(1, 65535)
)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--dev", is_flag=True, help="Flask's development server with reloader.")
def serve(host: str, port: int, workers: int, dev: bool) -> None:
    """Serve the app with gunicorn (sync workers, app preloaded)."""
    import os
    import tempfile

    if not dev and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Metrics summed over every worker: set before prometheus_client is imported.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="cfw-metrics-")

    listen_on(host, port)
    from survey_app.app import create_app
    from survey_app.commands.survey import print_banner
    from survey_app.core import keys

    def _checked_app():
        app = create_app()
        try:
            keys.check_serving(app.config, [f"{host}:{port}"])
        except keys.SecretError as exc:
            raise click.ClickException(str(exc)) from None
        return app

    app = _checked_app()  # refuse before gunicorn starts (a clear message, exit 1)
    if dev:
        print_banner(app)
        app.run(host=host, port=port, debug=True)
        return

    from gunicorn.app.base import BaseApplication

    class _Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", "sync")
            self.cfg.set("preload_app", True)
            self.cfg.set("accesslog", None)  # no IP addresses or user agents in logs
            self.cfg.set("child_exit", _child_exit)
            self.cfg.set("post_fork", _post_fork)

        def load(self):
            print_banner(app)
            # The banner's database connections must not be inherited by the forked workers
            # (several processes on one PostgreSQL socket: "transaction already in progress").
            app.extensions["cfw_engine"].dispose()
            return app

    def _post_fork(_server, _worker) -> None:
        # Belt and braces: a worker never uses a pooled connection of its parent.
        app.extensions["cfw_engine"].dispose(close=False)

    def _child_exit(_server, worker) -> None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

    _Server().run()
