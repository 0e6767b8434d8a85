"""The web-security layer: headers on every response and error pages for every failure.

Errors are part of the interface: each 4xx/5xx gets a page in the user's language that
says what happened and what to do (JSON for clients that accept only JSON). A form whose
CSRF token expired gets "submit again", and a busy or full database gets a 503 "not saved,
press Send again": the write transaction has already rolled back, so nothing is half-written.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from survey_app.core.i18n import _l

# Title and explanation of each status a user may meet; others fall back to the generic text.
ERROR_TEXTS = {
    400: (_l("Yêu cầu không hợp lệ"), _l("Dữ liệu gửi lên không đúng. Vui lòng kiểm tra lại.")),
    401: (_l("Cần đăng nhập"), _l("Vui lòng đăng nhập để tiếp tục.")),
    403: (_l("Không có quyền truy cập"), _l("Tài khoản của bạn không được mở trang này.")),
    404: (_l("Không tìm thấy trang"), _l("Địa chỉ này không có hoặc đã bị gỡ.")),
    405: (_l("Thao tác không được phép"), _l("Trang này không nhận thao tác vừa gửi.")),
    410: (_l("Trang không còn nữa"), _l("Nội dung này đã bị gỡ và không còn dùng được.")),
    413: (_l("Dữ liệu quá lớn"), _l("Nội dung gửi lên quá lớn. Hãy rút gọn rồi gửi lại.")),
    423: (_l("Đang bị khóa"), _l("Mục này đã bị khóa, không sửa được nữa.")),
    429: (
        _l("Quá nhiều yêu cầu"),
        _l("Bạn đã gửi quá nhiều lần. Vui lòng đợi một lát rồi thử lại."),
    ),
    500: (_l("Có lỗi xảy ra"), _l("Hệ thống gặp lỗi. Vui lòng thử lại sau ít phút.")),
    503: (_l("Hệ thống đang bận"), _l("Chưa lưu được, vui lòng bấm Gửi lại.")),
}
GENERIC_TEXT = (_l("Có lỗi xảy ra"), _l("Yêu cầu chưa thực hiện được."))


def wants_json() -> bool:
    """True when the client prefers JSON to HTML (an API call, not a browser)."""
    accept = request.accept_mimetypes
    best = accept.best_match(["text/html", "application/json"])
    return best == "application/json" and accept[best] > accept["text/html"]


def error_response(
    code: int, title: Any = None, message: Any = None, *, back_url: str | None = None
) -> tuple[Any, int]:
    """An error page (or JSON) with ``code``; title and message default to ERROR_TEXTS."""
    default_title, default_message = ERROR_TEXTS.get(code, GENERIC_TEXT)
    title, message = str(title or default_title), str(message or default_message)
    if wants_json():
        return {"error": code, "title": title, "message": message}, code
    page = render_template(
        "errors/error.html", code=code, title=title, message=message, back_url=back_url
    )
    return page, code


def _handle_http(exc: HTTPException) -> Any:
    if exc.code is None or exc.code < 400:
        return exc  # routing redirects and the like are not errors
    title, message = ERROR_TEXTS.get(exc.code, GENERIC_TEXT)
    body, code = error_response(exc.code, title, message)
    response = current_app.make_response((body, code))
    if exc.code == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    if exc.code == 429 and getattr(exc, "retry_after", None):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _handle_csrf(_exc: CSRFError) -> Any:
    # The form's own URL shows the form again; never a Referer (could point anywhere).
    back = request.full_path.rstrip("?") if request.method == "POST" else None
    return error_response(
        400,
        _l("Biểu mẫu đã hết hạn"),
        _l("Biểu mẫu đã hết hạn, vui lòng gửi lại."),
        back_url=back,
    )


def _handle_database_busy(exc: Exception) -> Any:
    current_app.logger.warning("database unavailable, answered 503: %s", type(exc).__name__)
    session = g.get("db_session")
    if session is not None:
        session.rollback()  # write_transaction already did; a plain read may not have
    if request.method == "POST":
        message = _l("Chưa lưu được, vui lòng bấm Gửi lại.")
    else:
        message = _l("Hệ thống đang bận, vui lòng thử lại sau giây lát.")
    body, code = error_response(503, _l("Hệ thống đang bận"), message)
    response = current_app.make_response((body, code))
    response.headers["Retry-After"] = str(current_app.config["DB_BUSY_RETRY_AFTER_S"])
    return response


MAX_ID = 2**31 - 1  # the largest id an INTEGER column holds on every database


class DatabaseIntConverter(IntegerConverter):
    """``<int:...>`` bounded to the INTEGER columns ids live in: a bigger id is a 404, not a 500.

    Found by test_fuzz.py: SQLite raises OverflowError past 2**63 - 1 and PostgreSQL
    "integer out of range" past 2**31 - 1 (its ids are 32-bit).
    """

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _refuse_json_bodies() -> Any:
    # Every POST of this app is an HTML form. Flask-WTF would hand a JSON body to the form
    # as form data, and a JSON list or nested object crashes it (a 500, found by
    # tests/survey_app/test_fuzz.py): refuse such bodies up front with a 400 page.
    if request.method == "POST" and request.is_json:
        return error_response(400)
    return None


def _set_headers(response: Response) -> Response:
    config = current_app.config
    headers = response.headers
    headers.setdefault("Content-Security-Policy", config["CONTENT_SECURITY_POLICY"])
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", config["REFERRER_POLICY"])  # the survey sets its own
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", f"max-age={int(config['HSTS_MAX_AGE_S'])}")
    if g.get("cfw_private") or request.blueprint in config["NO_STORE_BLUEPRINTS"]:
        headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
    return response


class TrustedProxyFix:
    """ProxyFix for requests from a configured proxy only; any other peer keeps its address.

    werkzeug's ProxyFix believes X-Forwarded-For from every peer: a client reaching gunicorn
    directly would pick its own address and skip every rate limit. Here the headers count
    only when REMOTE_ADDR is in ``trusted`` (addresses or networks; "unix" stands for a
    peer on a unix socket, whose REMOTE_ADDR is empty).
    """

    def __init__(self, wsgi_app: Callable, hops: int, trusted: Iterable[str]) -> None:
        self.plain = wsgi_app
        self.fixed = ProxyFix(wsgi_app, x_for=hops, x_proto=hops)
        names = [str(t).strip() for t in trusted if str(t).strip()]
        self.unix = "unix" in names
        self.networks = [ipaddress.ip_network(n, strict=False) for n in names if n != "unix"]

    def trusts(self, peer: str | None) -> bool:
        """True when ``peer`` (a REMOTE_ADDR) is one of the configured proxies."""
        if not peer:
            return self.unix
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        if self.trusts(environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        return self.plain(environ, start_response)


def init_app(app: Flask) -> None:
    """Register the response headers and every error handler (before any blueprint)."""
    app.url_map.converters["int"] = DatabaseIntConverter
    app.before_request(_refuse_json_bodies)
    app.after_request(_set_headers)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(OperationalError, _handle_database_busy)
    app.register_error_handler(PoolTimeoutError, _handle_database_busy)


__all__ = ["ERROR_TEXTS", "TrustedProxyFix", "error_response", "init_app", "wants_json"]
