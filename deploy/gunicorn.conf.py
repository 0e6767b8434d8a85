"""gunicorn settings for one app server: `gunicorn -c deploy/gunicorn.conf.py survey_app.wsgi:app`.

Sync workers: on these machines `gthread` gave ~0.7x the throughput and 4-7x the p99 of
`sync` with SQLite (QUALITY.md); with PostgreSQL sync workers are still the simple, robust
choice behind nginx, which buffers slow clients so a worker never waits on a phone's upload.
Every value can be overridden from the environment (systemd `Environment=` lines).
"""

from __future__ import annotations

import ipaddress
import multiprocessing
import os


def _env_int(name: str, default: int) -> int:
    """A whole number from the environment, refusing nonsense with a clear message."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from None
    if value < 1:
        raise SystemExit(f"{name} must be at least 1, got {value}")
    return value


def _is_local(address: str) -> bool:
    """A unix socket or a loopback address: reachable only from this machine."""
    if address.startswith("unix:"):
        return True
    host = address.rsplit(":", 1)[0].strip("[]") if ":" in address else address
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# Listen on localhost (or a unix socket, e.g. CFW_BIND=unix:/run/cfw/cfw.sock) only: nginx on
# this machine is the front door. An app server that nginx reaches over the network must
# say so (CFW_ALLOW_REMOTE_BIND=1) and name nginx in TRUSTED_PROXY_ADDRESSES, so that no
# other machine can choose its own X-Forwarded-For (deploy/README.md, "Several servers").
bind = [b.strip() for b in os.environ.get("CFW_BIND", "127.0.0.1:8000").split(",") if b.strip()]
_remote = [b for b in bind if not _is_local(b)]
if _remote and os.environ.get("CFW_ALLOW_REMOTE_BIND") != "1":
    raise SystemExit(
        f"CFW_BIND={','.join(bind)} listens beyond this machine. Bind 127.0.0.1 or a unix "
        "socket behind nginx, or set CFW_ALLOW_REMOTE_BIND=1 and TRUSTED_PROXY_ADDRESSES="
        "<nginx address> and firewall the port to nginx only."
    )
if (
    _remote
    and int(os.environ.get("TRUSTED_PROXIES") or 0)
    and not os.environ.get("TRUSTED_PROXY_ADDRESSES")
):
    raise SystemExit(
        "TRUSTED_PROXIES is on and CFW_BIND listens beyond this machine: set "
        "TRUSTED_PROXY_ADDRESSES to nginx's address so other peers can't forge X-Forwarded-For."
    )

# 2 x cores + 1 is gunicorn's rule of thumb for sync workers; cap it so a big machine
# doesn't open more database connections than PostgreSQL's max_connections allows.
workers = _env_int("CFW_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9))
worker_class = "sync"
# Import the app (Flask, SQLAlchemy, Babel) once in the master: ~25% less memory per server.
preload_app = True
# Recycle workers now and then so a slow leak can't grow for weeks; jitter avoids all at once.
max_requests = _env_int("CFW_MAX_REQUESTS", 2000)
max_requests_jitter = 200

# A survey submission takes milliseconds; 30 s is far beyond a healthy request and frees a
# worker stuck on a locked database. graceful_timeout lets in-flight posts finish on reload.
timeout = _env_int("CFW_TIMEOUT", 30)
graceful_timeout = 30
keepalive = 5  # behind nginx, which keeps its upstream connections open

# Logs: errors to stderr (journald). The access log is OFF by default; nginx logs requests
# without client addresses. If you turn it on, the format below has no remote address
# (%(h)s), no X-Forwarded-For and no user agent: children's IPs are never written down.
errorlog = "-"
loglevel = os.environ.get("CFW_LOG_LEVEL", "info")
accesslog = os.environ.get("CFW_ACCESS_LOG") or None
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

# Headers from nginx only: the app's ProxyFix (TRUSTED_PROXIES=1) decides what to trust.
forwarded_allow_ips = os.environ.get("CFW_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "cfw"


def on_starting(server) -> None:
    """Refuse to serve beyond this machine with a weak secret (survey_app.core.keys)."""
    from survey_app.core import keys

    app = server.app.wsgi()  # preloaded: the Flask app, already configured
    try:
        keys.check_serving(app.config, bind)
    except keys.SecretError as exc:
        raise RuntimeError(str(exc)) from None  # gunicorn prints "Error: ..." and exits 1


def post_fork(server, _worker) -> None:
    """A worker never shares a pooled database connection opened in the master."""
    server.app.wsgi().extensions["cfw_engine"].dispose(close=False)


# Prometheus metrics summed over the workers: set PROMETHEUS_MULTIPROC_DIR to an empty folder
# (systemd: RuntimeDirectory=cfw, Environment=PROMETHEUS_MULTIPROC_DIR=/run/cfw/metrics).
def child_exit(_server, worker) -> None:
    """Drop a dead worker's live gauges from the metrics."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
