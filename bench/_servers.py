"""The benchmark's servers: gunicorn subprocesses on free 127.0.0.1 ports, their CPU and memory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

WORKERS = os.environ.get("BENCH_WORKERS", "2")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    """A gunicorn server started by this script."""

    name: str
    port: int
    process: subprocess.Popen[bytes]


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (bound once, then released for the server)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(name: str, app: str, env: dict[str, str], chdir: Path) -> Server:
    """gunicorn with the settings of `cfw serve`: sync × 2, --preload, no access log."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--chdir", str(chdir), "--workers", WORKERS]
    command += ["--worker-class", "sync", "--preload", "--bind", f"127.0.0.1:{port}", app]
    # The app logs one JSON line per request to stderr: a pipe nobody reads would fill and
    # block the workers mid-run, so the log goes to a file that is read only if start fails.
    log = tempfile.TemporaryFile()  # noqa: SIM115 - open as long as the server runs
    process = subprocess.Popen(command, env=os.environ | env, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"{name} did not start: {log.read().decode()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return Server(name, port, process)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{name} did not listen on port {port} within 30 s")


def stop(server: Server) -> None:
    """SIGTERM (gunicorn finishes requests in flight), then wait."""
    server.process.terminate()
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def pss_mib(pid: int) -> float:
    """Proportional memory of a process and its children (gunicorn master + workers)."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    total_kb = 0
    for one in pids:
        for line in Path(f"/proc/{one}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                total_kb += int(line.split()[1])
    return total_kb / 1024


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a server: master, its live workers and reaped workers."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    ticks = 0
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a worker that just exited: counted in the master's cutime once reaped
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
        if one == pid:
            ticks += int(fields[13]) + int(fields[14])  # cutime, cstime of reaped workers
    return ticks / CLOCK_TICKS
