"""One JSON line per request on stderr, and the request metrics (survey_app.core.metrics).

A line holds the time (UTC), method, endpoint, route pattern, status and duration in ms:
never the client's address, user agent, query string, cookie or the path's values (a
poster token is in the path: the route pattern ``/q/<token>`` is logged instead).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import time

from flask import Flask, Response, current_app, g, request

from survey_app.core import metrics

logger = logging.getLogger("cfw.request")


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (gunicorn's, or a test's capture)."""

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def line(status: int, duration_ms: float) -> str:
    """The JSON line of the current request."""
    rule = request.url_rule
    return json.dumps(
        {
            "ts": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "method": request.method,
            "endpoint": request.endpoint or "-",
            "route": rule.rule if rule is not None else "-",
            "status": status,
            "duration_ms": round(duration_ms, 1),
        },
        separators=(",", ":"),
    )


def _start() -> None:
    g.cfw_started = time.perf_counter()


def _finish(response: Response) -> Response:
    started = g.pop("cfw_started", None)
    if started is None:
        return response
    seconds = time.perf_counter() - started
    metrics.observe(request.endpoint or "-", request.method, response.status_code, seconds)
    if current_app.config.get("REQUEST_LOG"):
        logger.info(line(response.status_code, seconds * 1000))
    return response


def init_app(app: Flask) -> None:
    """Time every request; log it as JSON when REQUEST_LOG is on."""
    if app.config.get("REQUEST_LOG") and not logger.handlers:
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False  # exactly one line, whatever the root logger does
    app.before_request(_start)
    app.after_request(_finish)


__all__ = ["init_app", "line"]
