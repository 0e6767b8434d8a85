"""A small closed-loop HTTP load generator for bench_submit.py (loopback only, bounded in time).

Gunicorn's sync workers close the connection after every response (no keep-alive), so each
request is one short TCP connection, as a phone behind nginx would make to the app. The client
is a raw socket writer/reader rather than http.client to keep its own CPU cost low: on a 2-core
machine the generator shares the CPUs with the server it measures.

`run_phase` starts PROCESSES processes × THREADS threads (50 clients). Each client behaves as
phones do, keeping the cookies it is given and sending the hidden fields of the page it was
shown, and loops until the deadline:
- mode "flow": every answer comes from a new phone (an empty cookie jar) that goes through the
  survey as a person would: scan the poster (GET /q/<token>), open the notice and tick the
  consent (GET + POST /s/resident), GET the questions page (the one-time key issued to this
  session + the CSRF token), POST the answers with that key and the cookie, and follow the
  303 to the thank-you page (GET /s/sent). Six requests per completed answer. A phone that
  has sent its answer is shown "already sent" on the questions page (no form), so reusing one
  phone for a second GET+POST is not a real respondent: it got 400 on every later POST;
- mode "post": one phone that has opened the questions page once POSTs the answers again and
  again, each time with a new one-time key (the server checks a key's format and that it was
  never used; a key made here is the same to it as one pre-fetched from the page): like for
  like with the baseline's insert.
Every request is checked: a POST of the answers must get the survey's 303 to /s/sent, every
other step its expected status and, for a form page, its hidden fields. Anything else is
counted in `Stats.errors` (by status; 0: socket error, -1: a page without the expected form)
and bench_submit.py fails the run when more than a sliver of requests failed.
Every submission also carries its own X-Forwarded-For address (the app trusts one proxy hop in
the bench): each answer comes from a distinct phone for the per-client rate limit (60 posts per
10 minutes), as in real use, while the limit's database upsert stays in the measured path.
The baseline (bench/baseline_wsgi.py) answers the same paths, so both apps get the same steps.
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
PROFILE_PATH = "/s/resident"
QUESTIONS_PATH = "/s/resident/questions"
SENT_PATH = "/s/sent"
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
    measured: int = 0  # requests sent inside the measured window (any outcome)

    def failed(self) -> int:
        """Requests in the measured window that did not get what a working survey answers."""
        return sum(self.errors.values())

    def merge(self, other: Stats) -> None:
        """Add another client's figures to these."""
        self.post_latencies += other.post_latencies
        self.get_latencies += other.get_latencies
        self.posts_ok += other.posts_ok
        self.posts_ok_all += other.posts_ok_all
        self.requests_all += other.requests_all
        self.posts_all += other.posts_all
        self.measured += other.measured
        for status, n in other.errors.items():
            self.errors[status] = self.errors.get(status, 0) + n


class Phone:
    """One respondent's browser: a cookie jar and its own forwarded address."""

    def __init__(self, port: int, address: str) -> None:
        self.port = port
        self.address = address
        self.cookies: dict[bytes, bytes] = {}
        self.answered = 0  # requests that got a whole response
        self.timings: list[tuple[float, float]] = []  # (sent, answered) of each such request

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
        began = time.time()
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as sock:
            sock.sendall(head + b"\r\n" + body)
            while chunk := sock.recv(65536):  # the server closes the connection when done
                chunks.append(chunk)
        raw = b"".join(chunks)
        self.answered += 1
        self.timings.append((began, time.time()))
        headers = raw.split(b"\r\n\r\n", 1)[0]
        for name, value in _COOKIE.findall(headers):
            self.cookies[name] = value
        return int(raw[9:12]), raw

    def hidden_fields(self, path: str, wanted: tuple[str, ...]) -> dict[str, str] | None:
        """GET a form page; its hidden fields, or None unless 200 with every ``wanted`` one."""
        status, raw = self.request("GET", path)
        fields = {k.decode(): v.decode() for k, v in _HIDDEN.findall(raw)}
        if status != 200 or any(name not in fields for name in wanted):
            return None
        return fields


class Failed(Exception):
    """A step got an answer a working survey does not give; ``status`` -1: no form on a page."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _answers(n: int) -> dict[str, str]:
    # Varied answers (3-5), so the straight-line flag does not fire on every row.
    return {f"q_{q}": str(3 + (n + i) % 3) for i, q in enumerate(QUESTIONS)} | {"comment": ""}


def _expect(got: int, wanted: int) -> None:
    if got != wanted:
        raise Failed(got)


def _stored(status: int, raw: bytes) -> bool:
    """The survey's answer to a stored submission: 303 to its thank-you page."""
    head = raw.split(b"\r\n\r\n", 1)[0].lower()
    return status == 303 and b"\r\nlocation: /s/sent" in head


def _open_questions(phone: Phone, token: str | None) -> dict[str, str]:
    """A new phone's way to the questions page: scan, consent; the page's hidden fields."""
    if token is not None:  # the baseline app has no survey session to set up
        _expect(phone.request("GET", f"/q/{token}")[0], 200)
        fields = phone.hidden_fields(PROFILE_PATH, ("csrf_token",))
        if fields is None:
            raise Failed(-1)
        form = {"csrf_token": fields["csrf_token"], "consent_self": "yes", "age_band": "30-59"}
        _expect(phone.request("POST", PROFILE_PATH, form)[0], 303)
    fields = phone.hidden_fields(QUESTIONS_PATH, ("csrf_token", "key"))
    if fields is None:
        raise Failed(-1)
    return fields


def _client(
    port: int, token: str | None, mode: str, start: float, stop: float, client: int
) -> Stats:
    """One client's loop; `token` None means the baseline app (no survey session to set up)."""
    stats = Stats()
    phone = Phone(port, f"10.{client}.0.1")
    answered = 0  # requests answered by phones this client has dropped (flow mode)
    fields: dict[str, str] = {}
    if mode == "post":
        try:
            fields = _open_questions(phone, token)
        except (OSError, Failed) as failed:
            status = failed.status if isinstance(failed, Failed) else 0
            stats.errors[status] = stats.errors.get(status, 0) + 1
            stats.measured += 1
            stats.requests_all = phone.answered
            return stats
    n = 0
    while time.time() < stop:
        n += 1
        address = f"10.{client}.{n // 250 % 250}.{n % 250 + 1}"
        post: tuple[float, float] | None = None
        stored = False
        try:
            if mode == "flow":
                answered += phone.answered
                phone = Phone(port, address)  # a new respondent: an empty cookie jar
                fields = _open_questions(phone, token)
            else:
                phone.address = address
                if n > 1:  # the first POST sends the key the page issued
                    fields["key"] = secrets.token_urlsafe(24)
            status, raw = phone.request("POST", QUESTIONS_PATH, _answers(n) | fields)
            post = phone.timings[-1]
            stats.posts_all += 1
            stored = _stored(status, raw)
            if not stored:
                raise Failed(status)
            stats.posts_ok_all += 1
            if mode == "flow":
                _expect(phone.request("GET", SENT_PATH)[0], 200)  # the browser follows the 303
        except (OSError, Failed) as failed:
            if start <= time.time() <= stop:
                status = failed.status if isinstance(failed, Failed) else 0
                stats.errors[status] = stats.errors.get(status, 0) + 1
        finally:
            _collect(stats, phone, post, stored, start, stop)
    stats.requests_all = answered + phone.answered
    return stats


def _collect(
    stats: Stats,
    phone: Phone,
    post: tuple[float, float] | None,
    stored: bool,
    start: float,
    stop: float,
) -> None:
    """Move the phone's timed requests inside the window into the figures; count them."""
    for timing in phone.timings:
        began, ended = timing
        if began < start or ended > stop:
            continue  # warm-up, or finished after the deadline: not in the measured window
        stats.measured += 1
        if timing is post:
            stats.post_latencies.append(ended - began)
            stats.posts_ok += stored
        else:
            stats.get_latencies.append(ended - began)
    phone.timings.clear()


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
