"""The submission benchmark's load generator counts only real successes (bench/_load.py).

A run where the survey refuses the answers must fail loudly, not report a throughput: a
small WSGI server on loopback answers the benchmark's steps, well or badly.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench"
sys.path.insert(0, str(BENCH))

import _load  # noqa: E402
import bench_submit  # noqa: E402

FORM = (
    b'<form><input name="csrf_token" type="hidden" value="c">'
    b'<input name="key" type="hidden" value="k"></form>'
)


class _Quiet(WSGIRequestHandler):
    def log_message(self, *_args) -> None:
        pass


def _app(post_status: str, location: str):
    def app(environ, start_response):
        if environ["REQUEST_METHOD"] == "POST":
            environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            start_response(post_status, [("Location", location), ("Content-Length", "0")])
            return [b""]
        start_response("200 OK", [("Content-Length", str(len(FORM)))])
        return [FORM]

    return app


@pytest.fixture
def serve() -> Iterator:
    servers: list[WSGIServer] = []

    def _serve(post_status: str, location: str = "/s/sent") -> int:
        server = make_server("127.0.0.1", 0, _app(post_status, location), handler_class=_Quiet)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server.server_port

    yield _serve
    for server in servers:
        server.shutdown()
        server.server_close()


def _phase(port: int, mode: str) -> _load.Stats:
    now = time.time()
    return _load._client(port, None, mode, now, now + 0.4, 0)


@pytest.mark.parametrize("mode", ["post", "flow"])
def test_answers_stored_with_the_303_to_the_sent_page_count_as_successes(serve, mode):
    stats = _phase(serve("303 See Other"), mode)

    assert stats.posts_ok > 0 and stats.failed() == 0
    assert bench_submit.failed_share(stats) == 0.0
    assert bench_submit.valid({(mode, "x"): [stats]}, {}, {})


@pytest.mark.parametrize(
    ("status", "location"), [("400 Bad Request", "/s/sent"), ("303 See Other", "/s/resident")]
)
@pytest.mark.parametrize("mode", ["post", "flow"])
def test_refused_answers_are_failures_and_make_the_run_invalid(
    serve, mode, status, location, capsys
):
    stats = _phase(serve(status, location), mode)

    assert stats.posts_ok == 0 and stats.failed() > 0
    assert bench_submit.failed_share(stats) > bench_submit.MAX_FAILED_SHARE
    assert not bench_submit.valid({(mode, "x"): [stats]}, {}, {})
    assert "INVALID RUN" in capsys.readouterr().err
