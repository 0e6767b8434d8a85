"""Benchmark: nginx in front of one app server vs two, on one PostgreSQL database.

Run: ``python bench/bench_scaleout.py`` (about 2 minutes; needs nginx and a PostgreSQL server:
BENCH_PG_URL, else DATABASE_URL, else postgresql+psycopg://postgres@127.0.0.1:5432/postgres).
It makes a throw-away database on that server (dropped afterwards), prepares it like
bench_submit.py (`cfw init`, a ward, an open round, a token with a huge cap), starts two
gunicorn servers A and B (sync × 2, --preload, the same SECRET_KEY) and two nginx processes
(one worker each, no TLS, no rate limits): "one server" proxies to A only, "two servers" to
A and B (an upstream block, round robin). 50 clients (bench/_load.py) then run the full flow
(GET the questions page, POST the answers) through each nginx in turn, ROUNDS times
alternately. Printed: submissions/s, p50/p99 and the app servers' CPU ms per response
(master + workers of A and B), medians over the rounds, and the load average before/after.

This nginx passes the client's X-Forwarded-For through (``$http_x_forwarded_for``) so each
simulated phone keeps its own address for the per-client limit: a bench-only setting, never
for production, where deploy/nginx.conf overwrites it with ``$remote_addr``. On one 2-core
machine both servers, nginx, PostgreSQL and the load generator share the same CPUs, so the
second server can only show what it adds when CPUs are idle; on separate machines it adds a
machine's worth. Always exits 0: it reports.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _load import Stats, run_phase
from _servers import Server, cpu_seconds, free_port, start, stop
from _table import Row, print_table, ratio
from bench_submit import ROOT, SECRET, pct, prepare
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
WARMUP_S = 1.0
NGINX_CONF = """
worker_processes 1;
daemon off;
pid {tmp}/nginx-{name}.pid;
error_log {tmp}/nginx-{name}.error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body-{name};
    proxy_temp_path {tmp}/proxy-{name};
    fastcgi_temp_path {tmp}/fastcgi-{name};
    uwsgi_temp_path {tmp}/uwsgi-{name};
    scgi_temp_path {tmp}/scgi-{name};
    upstream cfw_app {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 64k;
        location / {{
            proxy_pass http://cfw_app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $http_x_forwarded_for;  # bench only
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


def pg_admin_url() -> str:
    """The PostgreSQL server to make the scratch database on."""
    url = os.environ.get("BENCH_PG_URL") or os.environ.get("DATABASE_URL") or ""
    if not url.startswith("postgresql"):
        url = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    return url


def start_nginx(name: str, upstreams: list[int], tmp: Path) -> tuple[subprocess.Popen, int]:
    """nginx in the foreground with its own config and temp folders; (process, port)."""
    port = free_port()
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in upstreams)
    conf = tmp / f"nginx-{name}.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, name=name, servers=servers, port=port))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    process = subprocess.Popen(
        [nginx, "-c", str(conf), "-p", str(tmp)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx did not start: {process.stderr.read().decode()[-1000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("nginx did not listen")


def main() -> int:
    load_before = os.getloadavg()
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        print("nginx is not installed (apt-get install nginx): nothing measured")
        return 0
    admin_url = pg_admin_url()
    name = f"cfw_bench_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except SQLAlchemyError as exc:
        print(f"no PostgreSQL to make a scratch database on ({exc.__class__.__name__}): skipped")
        return 0
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    servers: list[Server] = []
    proxies: list[subprocess.Popen] = []
    try:
        token, _ids = prepare(url)
        env = {"DATABASE_URL": url, "SECRET_KEY": SECRET, "TRUSTED_PROXIES": "1"}
        with tempfile.TemporaryDirectory(prefix="cfw-scaleout-") as tmp:
            servers = [start(n, "survey_app.wsgi:app", env, ROOT) for n in ("A", "B")]
            one, one_port = start_nginx("one", [servers[0].port], Path(tmp))
            two, two_port = start_nginx("two", [s.port for s in servers], Path(tmp))
            proxies = [one, two]
            figures = measure(token, {"one server": one_port, "two servers": two_port}, servers)
    finally:
        for process in proxies:
            process.terminate()
            process.wait(timeout=10)
        for server in servers:
            stop(server)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    report(figures, load_before)
    return 0


def measure(token: str, ports: dict[str, int], servers: list[Server]) -> dict[str, dict]:
    """Full-flow rounds through each nginx in turn; medians per configuration."""
    for port in ports.values():  # warm-up: imports, connections, caches on both servers
        run_phase(port, token, "flow", 1.0, 1.0)
    rounds: dict[str, list[tuple[Stats, float]]] = {label: [] for label in ports}
    for _ in range(ROUNDS):
        for label, port in ports.items():
            before = sum(cpu_seconds(s.process.pid) for s in servers)
            stats = run_phase(port, token, "flow", WARMUP_S, SECONDS)
            used = sum(cpu_seconds(s.process.pid) for s in servers) - before
            rounds[label].append((stats, used))
    figures = {}
    for label, results in rounds.items():
        figures[label] = {
            "subs": statistics.median(s.posts_ok / SECONDS for s, _c in results),
            "p50": statistics.median(
                pct(s.post_latencies + s.get_latencies, 50) for s, _c in results
            ),
            "p99": statistics.median(
                pct(s.post_latencies + s.get_latencies, 99) for s, _c in results
            ),
            "cpu": statistics.median(
                1000 * c / s.requests_all for s, c in results if s.requests_all
            ),
            "errors": sum(sum(s.errors.values()) for s, _c in results),
        }
    return figures


def report(figures: dict[str, dict], load_before: tuple[float, float, float]) -> None:
    one, two = figures["one server"], figures["two servers"]
    rows = [
        Row("full flow through nginx: submissions/s", f"{two['subs']:.0f}", f"{one['subs']:.0f}",
            ratio(two["subs"], one["subs"])),
        Row("p50 ms (50 clients)", f"{two['p50']:.1f}", f"{one['p50']:.1f}"),
        Row("p99 ms (50 clients)", f"{two['p99']:.1f}", f"{one['p99']:.1f}",
            ratio(two["p99"], one["p99"])),
        Row("app servers' CPU ms per response", f"{two['cpu']:.2f}", f"{one['cpu']:.2f}"),
        Row("non-2xx or failed requests", str(two["errors"]), str(one["errors"])),
    ]  # fmt: skip
    print_table(rows, header=("figure", "two servers", "one server", "ratio", "budget", "result"))
    print(
        f"nginx (1 worker) → gunicorn sync x2 --preload per server → one PostgreSQL; 50 clients; "
        f"median of {ROUNDS} rounds of {SECONDS:.0f} s, configurations alternating; "
        f"{os.cpu_count()} CPUs shared by everything."
    )
    after = os.getloadavg()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in load_before)}; "
          f"after: {' '.join(f'{x:.2f}' for x in after)}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
