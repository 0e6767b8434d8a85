"""The application factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from survey_app import auth, config, db, i18n, security

ROOT = Path(__file__).resolve().parent.parent
csrf = CSRFProtect()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config, database, translations, CSRF, blueprints."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    config.load_config(app, test_config)
    if app.config.get("TRUSTED_PROXIES"):
        # Behind nginx: take scheme and client address from the proxy's X-Forwarded-*
        # headers (HSTS, Secure cookies, rate limits), trusting exactly that many hops.
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    db.init_app(app)
    i18n.init_app(app)
    csrf.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    register_blueprints(app)
    return app


def register_blueprints(app: Flask) -> None:
    """Attach every feature's URL map."""
    from survey_app.views import home

    app.register_blueprint(home.bp)
    from survey_app.views import auth as auth_views
    from survey_app.views import staff

    app.register_blueprint(auth_views.bp)
    app.register_blueprint(staff.bp)
    from survey_app.views import public

    app.register_blueprint(public.bp)
    from survey_app.views import dashboard

    app.register_blueprint(dashboard.bp)
    from survey_app.views import leader, paper, poster_tokens, posters

    app.register_blueprint(posters.bp)
    app.register_blueprint(poster_tokens.bp)
    app.register_blueprint(leader.bp)
    app.register_blueprint(paper.bp)
    from survey_app.views import criteria, rounds, scorecard

    app.register_blueprint(criteria.bp)
    app.register_blueprint(scorecard.bp)
    app.register_blueprint(rounds.bp)
