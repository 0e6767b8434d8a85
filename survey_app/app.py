"""The application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_wtf import CSRFProtect

from survey_app.accounts import auth
from survey_app.accounts import views as account_views
from survey_app.admin import audit_views, group_views, people_views, rule_review_views, rule_views
from survey_app.admin import round_views as admin_round_views
from survey_app.admin import views as admin_views
from survey_app.core import config, db, i18n, metrics, requestlog, security
from survey_app.core.paths import STATIC, TEMPLATES
from survey_app.core.web import Request
from survey_app.dossier import views as dossier_views
from survey_app.home import staff_views
from survey_app.home import views as home_views
from survey_app.plan import views as plan_views
from survey_app.posters import leader_views, paper_views, token_views
from survey_app.posters import views as poster_views
from survey_app.posting import public_views as public_posting_views
from survey_app.posting import views as posting_views
from survey_app.results import public_views as public_result_views
from survey_app.results import views as result_views
from survey_app.survey import views as survey_views
from survey_app.workspace import criteria_views, round_views, scorecard_views

csrf = CSRFProtect()

# Every feature's URL map, in the order they are attached.
BLUEPRINTS = (
    home_views.bp,
    account_views.bp,
    staff_views.bp,
    survey_views.bp,
    result_views.bp,
    public_result_views.bp,
    poster_views.bp,
    token_views.bp,
    leader_views.bp,
    paper_views.bp,
    criteria_views.bp,
    scorecard_views.bp,
    round_views.bp,
    plan_views.bp,
    dossier_views.bp,
    dossier_views.plan_bp,
    public_posting_views.bp,
    posting_views.bp,
    rule_views.bp,
    rule_review_views.bp,
    audit_views.bp,
    admin_views.setup_bp,
    admin_views.bp,
    people_views.bp,
    group_views.bp,
    admin_round_views.bp,
)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config, database, translations, CSRF, blueprints."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(TEMPLATES),
        static_folder=str(STATIC),
    )
    app.request_class = Request
    config.load_config(app, test_config)
    if app.config.get("TRUSTED_PROXIES"):
        # Behind nginx: take scheme and client address from the proxy's X-Forwarded-*
        # headers (HSTS, Secure cookies, rate limits), trusting exactly that many hops,
        # and only when the peer is one of TRUSTED_PROXY_ADDRESSES.
        hops = int(app.config["TRUSTED_PROXIES"])
        trusted = app.config["TRUSTED_PROXY_ADDRESSES"]
        app.wsgi_app = security.TrustedProxyFix(app.wsgi_app, hops, trusted)
    requestlog.init_app(app)  # first: its timer starts before any other hook can answer
    db.init_app(app)
    i18n.init_app(app)
    csrf.init_app(app)
    security.init_app(app)
    metrics.init_app(app)
    auth.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    return app
