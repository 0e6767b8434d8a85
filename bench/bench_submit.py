"""Benchmark: survey submissions through the full stack vs a bare WSGI insert (QUALITY.md).

Run: ``python bench/bench_submit.py`` (about 90 s). In one run it starts, as subprocesses on
free 127.0.0.1 ports, two gunicorn servers with the same settings (sync workers × 2 as
`cfw serve` starts them, BENCH_WORKERS to change; --preload): our app
(`survey_app.wsgi:app`) on a temp SQLite file prepared with `cfw init` plus a ward, group,
open round and a poster token with a large cap; and bench/baseline_wsgi.py,
which inserts the same ``response`` row with SQLAlchemy Core into a copy of that database
(WAL, synchronous=FULL). 50 clients (bench/_load.py) then drive each app in turn, ROUNDS times
alternately so drift on a noisy 2-core machine hits both alike:
- "POST only": the answers with a fresh one-time key, CSRF token already in hand: like for like
  with the baseline's insert (budget: ≥ 50% of its throughput; p99 ≤ 150 ms at 50 clients);
- "full flow": every answer from a new phone, as a person goes through the survey: scan the
  poster, the consent page (GET + POST), the questions page (GET: the key issued to the
  session + CSRF token), POST the answers with that key and the cookie, and the thank-you
  page the 303 leads to: six requests per answer, the same steps against the baseline.
Figures are medians over the rounds. Server CPU per response is the CPU time (user + system,
from /proc) the gunicorn master and workers used during a phase, divided by the requests they
answered in it (set-up and warm-up included, as their CPU is); in the full flow it is also given
per completed answer (the six requests of one respondent). Budget: ≤ 10 ms per response of "POST
only".
Afterwards the stored rows must equal the 2xx answers the clients got (no acknowledged answer
lost), and the whole server's proportional memory (PSS of master + workers, after warm-up) is
compared with 256 MiB. Every request is checked (bench/_load.py): the run FAILS, with exit
status 1 and no verdict on throughput, when more than 1% of the requests in any measured
phase did not get what a working survey answers (for the POST of the answers: the 303 to
/s/sent), or when stored rows and acknowledged answers differ. Other budgets only report.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _load import Stats, run_phase
from _servers import WORKERS, Server, cpu_seconds, pss_mib, start, stop
from _table import Row, print_table, ratio, verdict

ROOT = Path(__file__).resolve().parent.parent

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
WARMUP_S = 1.0
BUDGET_RATIO = 0.50
BUDGET_P99_MS = 150.0
BUDGET_CPU_MS = 10.0
BUDGET_PSS_MIB = 256.0
MAX_FAILED_SHARE = 0.01  # more failed requests than this in a phase: the run is invalid
SECRET = "bench-secret-not-for-production-0123456789"


def prepare(db: Path | str) -> tuple[str, tuple[int, int, int]]:
    """`cfw init`, then a ward, group, open round and token with a huge cap: (token, ids).

    ``db`` is a SQLite file, or a database URL (bench_scaleout.py uses PostgreSQL).
    """
    url = db if isinstance(db, str) else f"sqlite:///{db}"
    env = os.environ | {"DATABASE_URL": url, "SECRET_KEY": SECRET}
    cfw = Path(sys.executable).with_name("cfw")
    subprocess.run([str(cfw), "init"], env=env, check=True, capture_output=True)
    from survey_app.app import create_app
    from survey_app.core.db import get_session, write_transaction
    from survey_app.models import AssessmentRound, ResidentialGroup, Ward
    from survey_app.survey import tokens

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET})
    with app.app_context(), write_transaction(get_session()) as session:
        ward = Ward(code="bench", name="Phường Dĩnh Kế", locality_type="other")
        session.add(ward)
        session.flush()
        year = dt.date.today().year
        round_ = AssessmentRound(
            ward_id=ward.id,
            name=f"Năm {year}",
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            rule_version="qd06-2019",
            instrument_version="c13-2026.1",
            status="open",
        )
        group = ResidentialGroup(
            ward_id=ward.id, name="Tổ dân phố Mé", children=142, residents=1380
        )
        session.add_all([round_, group])
        session.flush()
        token = tokens.new_token(session, group, round_, 10_000_000, reason="bench")
        result = token.token, (round_.id, group.id, token.id)
    app.extensions["cfw_engine"].dispose()
    return result


def stored_rows(db: Path) -> tuple[int, str]:
    """Rows in the response table and PRAGMA integrity_check, read after the server stopped."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT count(*) FROM response").fetchone()[0]
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    return rows, check


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) in milliseconds, nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] * 1000


def _median(values) -> float:
    """The median, or NaN when no round produced the figure (the table then shows it failed)."""
    values = list(values)
    return statistics.median(values) if values else float("nan")


def summary(rounds: list[Stats], cpu: list[float], seconds: float) -> dict[str, float]:
    """Medians over the rounds: submissions/s, requests/s, latency percentiles, CPU ms."""
    return {
        "cpu_req": _median(
            1000 * c / s.requests_all for s, c in zip(rounds, cpu, strict=True) if s.requests_all
        ),
        "cpu_answer": _median(
            1000 * c / s.posts_ok_all for s, c in zip(rounds, cpu, strict=True) if s.posts_ok_all
        ),
        "subs": statistics.median(s.posts_ok / seconds for s in rounds),
        "reqs": statistics.median(
            (len(s.post_latencies) + len(s.get_latencies)) / seconds for s in rounds
        ),
        "p50": statistics.median(pct(s.post_latencies + s.get_latencies, 50) for s in rounds),
        "p99": statistics.median(pct(s.post_latencies + s.get_latencies, 99) for s in rounds),
    }


def measure(
    servers: dict[str, Server], token: str
) -> tuple[dict, dict[str, Stats], dict, dict[tuple[str, str], list[Stats]]]:
    """Every phase, alternating the two apps; (summaries, totals, memory, each round)."""
    totals = {name: Stats() for name in servers}
    memory = {}
    for name, server in servers.items():  # warm-up: imports, first connections, page caches
        totals[name].merge(run_phase(server.port, _token(name, token), "flow", 1.5, 0.5))
        memory[name] = pss_mib(server.process.pid)
    results: dict[tuple[str, str], list[Stats]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    for mode in ("post", "flow"):
        for _ in range(ROUNDS):
            for name, server in servers.items():
                before = cpu_seconds(server.process.pid)
                stats = run_phase(server.port, _token(name, token), mode, WARMUP_S, SECONDS)
                cpu.setdefault((mode, name), []).append(cpu_seconds(server.process.pid) - before)
                results.setdefault((mode, name), []).append(stats)
                totals[name].merge(stats)
    figures = {key: summary(value, cpu[key], SECONDS) for key, value in results.items()}
    return figures, totals, memory, results


def _token(name: str, token: str) -> str | None:
    return token if name == "ours" else None


def main() -> int:
    print(f"load average at the start (1, 5, 15 min): {' '.join(map(str, os.getloadavg()))}")
    with tempfile.TemporaryDirectory(prefix="cfw-bench-") as tmp:
        ours_db, base_db = Path(tmp) / "ours.sqlite3", Path(tmp) / "baseline.sqlite3"
        token, ids = prepare(ours_db)
        with sqlite3.connect(ours_db) as src, sqlite3.connect(base_db) as dst:
            src.backup(dst)  # the baseline inserts into the very same schema
        src.close()
        dst.close()
        ours_env = {
            "DATABASE_URL": f"sqlite:///{ours_db}",
            "SECRET_KEY": SECRET,
            "TRUSTED_PROXIES": "1",  # as behind nginx: each phone has its own address
        }
        base_env = {"BASELINE_DB": str(base_db), "BASELINE_IDS": ",".join(map(str, ids))}
        servers: dict[str, Server] = {}
        try:
            servers["ours"] = start("ours", "survey_app.wsgi:app", ours_env, ROOT)
            servers["baseline"] = start("baseline", "baseline_wsgi:app", base_env, ROOT / "bench")
            figures, totals, memory, results = measure(servers, token)
        finally:
            for server in servers.values():
                stop(server)
        stored = {"ours": stored_rows(ours_db), "baseline": stored_rows(base_db)}
    report(figures, totals, memory, stored, results)
    return 0 if valid(results, totals, stored) else 1


def failed_share(stats: Stats) -> float:
    """The share of a phase's measured requests that failed (1.0 when none was measured)."""
    sent = stats.measured + stats.errors.get(0, 0)  # socket errors got no timed answer
    return stats.failed() / sent if sent else 1.0


def valid(results: dict[tuple[str, str], list[Stats]], totals: dict, stored: dict) -> bool:
    """False, saying why, when a phase failed too often or acknowledged answers went missing."""
    problems = []
    for (mode, name), rounds in results.items():
        for index, stats in enumerate(rounds, 1):
            share = failed_share(stats)
            if share > MAX_FAILED_SHARE or not stats.posts_ok:
                problems.append(
                    f"{name} {mode} round {index}: {stats.failed()} of {stats.measured} "
                    f"requests failed ({share:.1%}), {stats.posts_ok} answers stored, "
                    f"failures by status {stats.errors}"
                )
    for name, (rows_in_db, check) in stored.items():
        if rows_in_db != totals[name].posts_ok_all or check != "ok":
            problems.append(f"{name}: {rows_in_db} rows stored for {totals[name].posts_ok_all}")
    for problem in problems:
        print(f"INVALID RUN: {problem}", file=sys.stderr)
    if problems:
        print(
            f"INVALID RUN: more than {MAX_FAILED_SHARE:.0%} of the requests of a phase failed, "
            "a phase stored no answer in its window, or answers went missing: the figures "
            "above do not measure a working survey.",
            file=sys.stderr,
        )
    return not problems


def report(
    figures: dict,
    totals: dict[str, Stats],
    memory: dict,
    stored: dict,
    results: dict[tuple[str, str], list[Stats]],
) -> None:
    """Print the table and the notes under it."""
    rows = []
    for mode, label in (("post", "POST only"), ("flow", "full flow (6 requests)")):
        ours, base = figures[(mode, "ours")], figures[(mode, "baseline")]
        share = ours["subs"] / base["subs"] if base["subs"] else 0.0
        rows.append(
            Row(
                f"{label}: submissions/s",
                f"{ours['subs']:.0f}",
                f"{base['subs']:.0f}",
                ratio(ours["subs"], base["subs"]),
                f">= {BUDGET_RATIO:.2f}x" if mode == "post" else "",
                verdict(share >= BUDGET_RATIO) if mode == "post" else "",
            )
        )
        if mode == "flow":
            rows.append(Row(f"{label}: requests/s", f"{ours['reqs']:.0f}", f"{base['reqs']:.0f}"))
        rows.append(Row(f"{label}: p50 ms", f"{ours['p50']:.1f}", f"{base['p50']:.1f}"))
        rows.append(
            Row(
                f"{label}: p99 ms (50 clients)",
                f"{ours['p99']:.1f}",
                f"{base['p99']:.1f}",
                ratio(ours["p99"], base["p99"]),
                f"<= {BUDGET_P99_MS:.0f} ms",
                verdict(ours["p99"] <= BUDGET_P99_MS),
            )
        )
    post, post_base = figures[("post", "ours")], figures[("post", "baseline")]
    rows.append(
        Row(
            "POST only: server CPU ms per response",
            f"{post['cpu_req']:.2f}",
            f"{post_base['cpu_req']:.2f}",
            ratio(post["cpu_req"], post_base["cpu_req"]),
            f"<= {BUDGET_CPU_MS:.0f} ms",
            verdict(post["cpu_req"] <= BUDGET_CPU_MS),
        )
    )
    flow, flow_base = figures[("flow", "ours")], figures[("flow", "baseline")]
    rows.append(
        Row(
            "full flow: server CPU ms per response",
            f"{flow['cpu_req']:.2f}",
            f"{flow_base['cpu_req']:.2f}",
            ratio(flow["cpu_req"], flow_base["cpu_req"]),
        )
    )
    rows.append(
        Row(
            "full flow: server CPU ms per answer (6 requests)",
            f"{flow['cpu_answer']:.2f}",
            f"{flow_base['cpu_answer']:.2f}",
            ratio(flow["cpu_answer"], flow_base["cpu_answer"]),
        )
    )
    rows.append(
        Row(
            "server PSS after warm-up, MiB",
            f"{memory['ours']:.0f}",
            f"{memory['baseline']:.0f}",
            ratio(memory["ours"], memory["baseline"]),
            f"<= {BUDGET_PSS_MIB:.0f} MiB",
            verdict(memory["ours"] <= BUDGET_PSS_MIB),
        )
    )
    for name in ("ours", "baseline"):
        rows_in_db, check = stored[name]
        acked = totals[name].posts_ok_all
        rows.append(
            Row(
                f"{name}: rows stored = 2xx answers",
                f"{rows_in_db} = {acked}",
                budget="equal, integrity ok",
                result=verdict(rows_in_db == acked and check == "ok"),
            )
        )
    print_table(rows)
    errors = {name: stats.errors for name, stats in totals.items() if stats.errors}
    shares = {
        f"{name} {mode}": f"{max(failed_share(s) for s in rounds):.1%}"
        for (mode, name), rounds in results.items()
    }
    print(
        f"50 clients (2 processes x 25 threads), gunicorn sync x{WORKERS} --preload, SQLite WAL "
        f"synchronous=FULL; median of {ROUNDS} rounds of {SECONDS:.0f} s per app and mode, "
        f"apps alternating; {os.cpu_count()} CPUs shared by servers and load generator."
    )
    print(f"failed requests in measured windows, by status: {errors or 'none'}")
    print(f"worst round's share of failed requests (at most {MAX_FAILED_SHARE:.0%}): {shares}")
    print(f"load average at the end (1, 5, 15 min): {' '.join(map(str, os.getloadavg()))}")


if __name__ == "__main__":
    sys.exit(main())
