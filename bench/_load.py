"""A small closed-loop HTTP load generator for bench_submit.py (loopback only, bounded in time).

Gunicorn's sync workers close the connection after every response (no keep-alive), so each
request is one short TCP connection, as a phone behind nginx would make to the app. The client
is a raw socket writer/reader rather than http.client to keep its own CPU cost low: on a 2-core
machine the generator shares the CPUs with the server it measures.

`run_phase` starts PROCESSES processes × THREADS threads (50 clients); every client first sets
itself up as a fresh phone (scan the poster, tick the consent), then loops until the deadline:
- mode "flow": GET the questions page (fresh one-time key + CSRF token), then POST the answers;
- mode "post": the page was fetched once; POST the answers with a new key each time (the server
  only checks a key's format and that it was never used, so a key made here is the same to it
  as one pre-fetched from the page).
Every submission also carries its own X-Forwarded-For address (the app trusts one proxy hop in
the bench): each answer comes from a distinct phone for the per-client rate limit (60 posts per
10 minutes), as in real use, while the limit's database upsert stays in the measured path.
"""

from __future__ import annotations

import multiprocessing
import re
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

PROCESSES = 2
THREADS = 25  # 2 × 25 = 50 concurrent clients
QUESTIONS = ("safety", "health", "school", "play", "listened", "help", "papers", "overall")
QUESTIONS_PATH = "/s/resident/questions"
_HIDDEN = re.compile(rb'name="(csrf_token|key)" type="hidden" value="([^"]+)"')
_COOKIE = re.compile(rb"^set-cookie:\s*([^=;\s]+)=([^;]*)", re.IGNORECASE | re.MULTILINE)


@dataclass
class Stats:
    """What one client (or, merged, one phase) saw; latencies in seconds."""

    post_latencies: list[float] = field(default_factory=list)
    get_latencies: list[float] = field(default_factory=list)
    posts_ok: int = 0  # 2xx answers to a POST of the answers, inside the measured window
    posts_ok_all: int = 0  # every 2xx POST of the answers, warm-up included (for the row check)
    errors: dict[int, int] = field(default_factory=dict)  # status (0: socket error) → count
    requests_all: int = 0  # every answered request, set-up and warm-up included (for CPU/req)
    posts_all: int = 0  # every answered POST of the answers, any status, warm-up included

    def merge(self, other: Stats) -> None:
        """Add another client's figures to these."""
        self.post_latencies += other.post_latencies
        self.get_latencies += other.get_latencies
        self.posts_ok += other.posts_ok
        self.posts_ok_all += other.posts_ok_all
        self.requests_all += other.requests_all
        self.posts_all += other.posts_all
        for status, n in other.errors.items():
            self.errors[status] = self.errors.get(status, 0) + n


class Phone:
    """One respondent's browser: a cookie jar and its own forwarded address."""

    def __init__(self, port: int, address: str) -> None:
        self.port = port
        self.address = address
        self.cookies: dict[bytes, bytes] = {}
        self.answered = 0  # requests that got a whole response

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        """Send one request on a new connection; return (status, whole response)."""
        body = urlencode(form).encode() if form is not None else b""
        cookie = b"; ".join(k + b"=" + v for k, v in self.cookies.items())
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"X-Forwarded-For: {self.address}\r\nConnection: close\r\n"
        ).encode()
        if cookie:
            head += b"Cookie: " + cookie + b"\r\n"
        if form is not None:
            head += b"Content-Type: application/x-www-form-urlencoded\r\n"
            head += f"Content-Length: {len(body)}\r\n".encode()
        chunks = []
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as sock:
            sock.sendall(head + b"\r\n" + body)
            while chunk := sock.recv(65536):  # the server closes the connection when done
                chunks.append(chunk)
        raw = b"".join(chunks)
        self.answered += 1
        headers = raw.split(b"\r\n\r\n", 1)[0]
        for name, value in _COOKIE.findall(headers):
            self.cookies[name] = value
        return int(raw[9:12]), raw

    def hidden_fields(self, path: str) -> dict[str, str]:
        """GET a form page; its hidden csrf_token and key (empty when the GET failed)."""
        status, raw = self.request("GET", path)
        if status != 200:
            return {}
        return {k.decode(): v.decode() for k, v in _HIDDEN.findall(raw)}


def _answers(n: int) -> dict[str, str]:
    # Varied answers (3-5), so the straight-line flag does not fire on every row.
    return {f"q_{q}": str(3 + (n + i) % 3) for i, q in enumerate(QUESTIONS)} | {"comment": ""}


def _client(
    port: int, token: str | None, mode: str, start: float, stop: float, client: int
) -> Stats:
    """One client's loop; `token` None means the baseline app (no survey session to set up)."""
    stats = Stats()
    phone = Phone(port, f"10.{client}.0.1")
    try:
        if token is not None:  # scan the poster, then tick the consent: a survey in progress
            phone.request("GET", f"/q/{token}")
            csrf = phone.hidden_fields("/s/resident").get("csrf_token", "")
            form = {"csrf_token": csrf, "consent_self": "yes", "age_band": "30-59"}
            phone.request("POST", "/s/resident", form)
        fields = phone.hidden_fields(QUESTIONS_PATH)
    except OSError:
        stats.errors[0] = stats.errors.get(0, 0) + 1
        stats.requests_all = phone.answered
        return stats
    n = 0
    while time.time() < stop:
        n += 1
        phone.address = f"10.{client}.{n // 250 % 250}.{n % 250 + 1}"
        try:
            if mode == "flow":
                began = time.time()
                fields = phone.hidden_fields(QUESTIONS_PATH)
                if began >= start:
                    stats.get_latencies.append(time.time() - began)
            else:
                fields["key"] = secrets.token_urlsafe(24)
            began = time.time()
            status, _raw = phone.request("POST", QUESTIONS_PATH, _answers(n) | fields)
            ended = time.time()
        except OSError:
            stats.errors[0] = stats.errors.get(0, 0) + 1
            continue
        stats.posts_all += 1
        # A stored answer is a 2xx, or the survey's 303 to its "sent" page (post/redirect/get).
        stored = 200 <= status < 300 or status == 303
        if stored:
            stats.posts_ok_all += 1
        if began < start or ended > stop:
            continue  # warm-up, or finished after the deadline: not in the measured window
        stats.post_latencies.append(ended - began)
        if stored:
            stats.posts_ok += 1
        else:
            stats.errors[status] = stats.errors.get(status, 0) + 1
    stats.requests_all = phone.answered
    return stats


def _process(args: tuple[int, str | None, str, float, float, int]) -> Stats:
    port, token, mode, start, stop, index = args
    results: list[Stats] = []
    threads = [
        threading.Thread(
            target=lambda i=i: results.append(
                _client(port, token, mode, start, stop, index * THREADS + i)
            )
        )
        for i in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, stop - time.time()) + 60)
    merged = Stats()
    for stats in results:
        merged.merge(stats)
    return merged


def run_phase(port: int, token: str | None, mode: str, warmup_s: float, seconds: float) -> Stats:
    """Drive one app with 50 clients for warm-up + `seconds`; figures of the measured window."""
    start = time.time() + 1.0 + warmup_s  # 1 s for the processes to start and set up
    stop = start + seconds
    args = [(port, token, mode, start, stop, index) for index in range(PROCESSES)]
    with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
        parts = pool.map(_process, args)
    merged = Stats()
    for part in parts:
        merged.merge(part)
    return merged
