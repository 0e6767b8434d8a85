"""Prometheus metrics: requests and latency by route, survey submissions, 503 answers.

Labels are endpoint names ("public.questions"), never raw paths, so a scan of random URLs
can't grow the series. With several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR to an
empty folder before the app starts (`cfw serve` does; deploy/README.md for systemd) and
each scrape sums every worker's files; without it the process's own registry is used.

``GET /metrics`` is closed to the public: it answers only a peer in
METRICS_ALLOWED_ADDRESSES that came straight to the app (no X-Forwarded-For, so not a
visitor relayed by nginx on the same machine), or a request with
``Authorization: Bearer <METRICS_TOKEN>``. Anyone else gets the ordinary 404 page.
"""

from __future__ import annotations

import hmac
import ipaddress
import os

from flask import Flask, Response, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter(
    "cfw_http_requests_total", "HTTP requests answered", ["endpoint", "method", "status"]
)
LATENCY = Histogram(
    "cfw_http_request_duration_seconds",
    "Time to answer a request",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10),
)
SUBMISSIONS = Counter(
    "cfw_survey_submissions_total", "Questionnaires stored (online or typed in)", ["channel"]
)
UNAVAILABLE = Counter(
    "cfw_http_unavailable_total", "503 answers (database busy, full or read-only)", ["endpoint"]
)
# Which successful answers mean "a questionnaire was stored": (endpoint, method, status).
SUBMISSION_ENDPOINTS = {
    ("public.questions", "POST", 303): "online",  # post/redirect/get to /s/sent
    ("paper.entry", "POST", 303): "paper",
}


def observe(endpoint: str, method: str, status: int, seconds: float) -> None:
    """Count one answered request (called for every request by survey_app.core.requestlog)."""
    REQUESTS.labels(endpoint, method, str(status)).inc()
    LATENCY.labels(endpoint).observe(seconds)
    channel = SUBMISSION_ENDPOINTS.get((endpoint, method, status))
    if channel is not None:
        SUBMISSIONS.labels(channel).inc()
    if status == 503:
        UNAVAILABLE.labels(endpoint).inc()


def _peer_allowed() -> bool:
    if request.headers.get("X-Forwarded-For") or request.headers.get("Forwarded"):
        return False  # relayed by a proxy: the visitor is somewhere else
    peer = request.environ.get("REMOTE_ADDR") or ""
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    allowed = current_app.config["METRICS_ALLOWED_ADDRESSES"]
    return any(address in ipaddress.ip_network(n, strict=False) for n in allowed)


def _token_allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


def metrics() -> Response:
    """The metrics in Prometheus' text format, for allowed scrapers only (else 404)."""
    if not (_token_allowed() or _peer_allowed()):
        abort(404)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    response = Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Add ``GET /metrics``."""
    app.add_url_rule("/metrics", "metrics", metrics, methods=["GET"])


__all__ = ["LATENCY", "REQUESTS", "SUBMISSIONS", "UNAVAILABLE", "init_app", "observe"]
