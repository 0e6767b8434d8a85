"""`cfw init` (create or migrate the database) and `cfw serve`."""

from __future__ import annotations

import click

from survey_app.commands.appctx import with_app


@click.command("init")
@with_app
def init() -> None:
    """Create the database or bring it to the newest schema."""
    from survey_app.core import db, migrate

    engine = db.engine()
    before = migrate.current_revision(engine)
    if before is not None and before != migrate.head_revision():
        # An existing database is about to change schema: keep a checked copy first.
        from survey_app.commands.backup import backup_before_migration

        backup_before_migration(engine)
    migrate.upgrade(engine)
    after = migrate.current_revision(engine)
    url = engine.url.render_as_string(hide_password=True)
    if before == after:
        click.echo(f"Database is up to date ({after}): {url}")
    else:
        click.echo(f"Database migrated {before or 'empty'} → {after}: {url}")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--dev", is_flag=True, help="Flask's development server with reloader.")
def serve(host: str, port: int, workers: int, dev: bool) -> None:
    """Serve the app with gunicorn (sync workers, app preloaded)."""
    from survey_app.app import create_app
    from survey_app.commands.survey import print_banner

    if dev:
        app = create_app()
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

        def load(self):
            app = create_app()
            print_banner(app)
            return app

    _Server().run()
