"""gunicorn settings for one app server: `gunicorn -c deploy/gunicorn.conf.py survey_app.wsgi:app`.

Sync workers: on these machines `gthread` gave ~0.7x the throughput and 4-7x the p99 of
`sync` with SQLite (QUALITY.md); with PostgreSQL sync workers are still the simple, robust
choice behind nginx, which buffers slow clients so a worker never waits on a phone's upload.
Every value can be overridden from the environment (systemd `Environment=` lines).
"""

from __future__ import annotations

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


# Listen on localhost only: nginx (on this machine or the load balancer) is the front door.
bind = os.environ.get("CFW_BIND", "127.0.0.1:8000")

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
