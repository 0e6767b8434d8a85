"""Benchmark: criterion-13 statistics for 1,000,000 answers over 100 groups (QUALITY.md).

Run: ``python bench/bench_stats.py``. Builds, in a temporary SQLite file, one round of a ward
with 100 residential groups and **1,000,000 Answer rows** (about 131,000 responses with the
instrument's real questions: 7 per child, 8 per resident; ~6 % flagged, some reviewed), plus
the `answer_count` counters that `submit_response`/`review_response` keep current. The build
uses bulk executemany inserts in a few transactions with ``synchronous=OFF`` (build only: the
measured app uses its normal durable settings). Then, medians of RUNS runs after a warm-up:

- (a) the dashboard view model from the counters (`services.dashboard.build_dashboard`), both
  as a page view finds it (counters read, view model reused for unchanged counters) and on a
  cache miss (every statistic recomputed from the counters, as after a new answer), and
  the whole rendered page through the Flask test client (signed in, every chart and table);
- (b) the full recompute from raw answers: `recount_rows` (one grouped SQL query over the
  1e6 answers) + `counts_from_rows` + every statistic of the dashboard;
- (c) the baseline: the plain ``SELECT group_id, audience, question_id, value, COUNT(*)
  ... GROUP BY`` over the same answer/response tables.

Budgets: dashboard ≤ 200 ms, full recompute ≤ 2 s. Prints a table and always exits 0.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _table import Row, print_table, ratio, verdict  # bench/ is on sys.path when run directly
from sqlalchemy import text

from survey_app.core import migrate
from survey_app.core.db import make_engine

GROUPS = 100
ANSWERS = 1_000_000
RUNS = 5
SEED = 2024
DASHBOARD_BUDGET_MS = 200.0
RECOMPUTE_BUDGET_MS = 2000.0
PASSWORD = "quiet-harbour-lantern-42"
CHILD_Q = ("safety", "health", "school", "play", "listened", "help", "overall")
RESIDENT_Q = (*CHILD_Q[:-1], "papers", "overall")
BASELINE_SQL = (
    "SELECT r.group_id, r.audience, a.question_id, a.value, COUNT(*) FROM answer a "
    "JOIN response r ON r.id = a.response_id WHERE r.round_id = :round "
    "GROUP BY r.group_id, r.audience, a.question_id, a.value"
)


def build(path: Path) -> int:
    """Create the schema and one round with ANSWERS answers; returns the round id."""
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    rng = random.Random(SEED)
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")  # build only: nothing here needs to survive a crash
    with db:
        db.execute(
            "INSERT INTO ward (id, code, name, province, locality_type, locality_basis, "
            "recognising_authority) VALUES (1, 'bench', 'Phường Bench', '', 'other', '', '')"
        )
        db.execute(
            "INSERT INTO assessment_round (id, ward_id, name, period_start, period_end, "
            "rule_version, instrument_version, status) VALUES (1, 1, 'Bench', '2026-01-01', "
            "'2026-12-31', 'qd06-2019', 'c13-2026.1', 'open')"
        )
        db.executemany(
            "INSERT INTO residential_group (id, ward_id, name, position, children, residents) "
            "VALUES (?, 1, ?, ?, ?, ?)",
            [
                (g, f"Tổ dân phố {g:03d}", g, rng.randint(300, 900), rng.randint(3000, 9000))
                for g in range(1, GROUPS + 1)
            ],
        )
    responses, answers, counters = [], [], Counter()
    mood = {g: rng.uniform(3.3, 4.4) for g in range(1, GROUPS + 1)}
    response_id = 0
    while len(answers) < ANSWERS:
        response_id += 1
        group = rng.randint(1, GROUPS)
        audience = "child" if rng.random() < 0.35 else "resident"
        flags = [rng.random() < 0.015 for _ in range(4)]
        review = "pending"
        if any(flags) and rng.random() < 0.5:
            review = rng.choice(("kept", "excluded"))
        flagged = review == "excluded" or (any(flags) and review == "pending")
        responses.append(
            (
                response_id,
                group,
                audience,
                "10-12" if audience == "child" else "30-59",
                f"2026-10-{rng.randint(1, 28):02d}",
                *flags,
                review,
                f"bench-{response_id}",
            )
        )
        for question in CHILD_Q if audience == "child" else RESIDENT_Q:
            if len(answers) >= ANSWERS:
                break
            value = 0 if rng.random() < 0.04 else min(5, max(1, round(rng.gauss(mood[group], 1))))
            answers.append((response_id, question, value))
            counters[(group, audience, question, value, flagged)] += 1
    with db:
        db.executemany(
            "INSERT INTO response (id, round_id, group_id, instrument_version, audience, "
            "age_band, channel, day, flag_speeder, flag_straightline, flag_burst, flag_repeat, "
            "review, submission_key) VALUES (?, 1, ?, 'c13-2026.1', ?, ?, 'qr', ?, ?, ?, ?, ?, "
            "?, ?)",
            responses,
        )
    with db:
        db.executemany(
            "INSERT INTO answer (response_id, question_id, value) VALUES (?, ?, ?)", answers
        )
    with db:
        db.executemany(
            "INSERT INTO answer_count (round_id, group_id, audience, question_id, value, "
            "flagged, n) VALUES (1, ?, ?, ?, ?, ?, ?)",
            [(*key, n) for key, n in counters.items()],
        )
    db.execute("ANALYZE")
    db.close()
    print(f"built {len(answers):,} answers in {len(responses):,} responses, {GROUPS} groups")
    return 1


def median_ms(run: Callable[[], object], runs: int = RUNS) -> float:
    """Median wall time in ms of ``runs`` calls after one warm-up call."""
    run()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def main() -> int:
    """Build, measure, print the table; always 0 (the table says PASS or FAIL)."""
    from assessment import counts_from_rows
    from survey_app.accounts.users import create_user
    from survey_app.app import create_app
    from survey_app.core.db import get_session, write_transaction
    from survey_app.results import dashboard
    from survey_app.results.counts import count_rows, recount_rows
    from survey_app.results.frozen import populations

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        start = time.perf_counter()
        round_id = build(path)
        print(f"build took {time.perf_counter() - start:.1f} s")
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{path}",
                "SECRET_KEY": "b" * 40,
                "WTF_CSRF_ENABLED": False,
                "TESTING": True,
            }
        )
        with app.app_context(), write_transaction(get_session()) as session:
            create_user(
                session,
                username="bench",
                role="vhxh",
                ward_id=1,
                password=PASSWORD,
                must_change_password=False,
            )
        with app.test_request_context("/"):
            session = get_session()
            same = sorted(count_rows(session, round_id, include_flagged=False)) == sorted(
                recount_rows(session, round_id, include_flagged=False)
            )
            print(f"counters equal the recount: {same}")
            view_ms = median_ms(lambda: dashboard.build_dashboard(session, round_id))

            def cold() -> object:
                dashboard._CACHE.clear()  # as after a new answer: every statistic recomputed
                return dashboard.build_dashboard(session, round_id)

            cold_ms = median_ms(cold)
            formula = dashboard.formula_for(dashboard.get_round(session, round_id))

            query_times: list[float] = []

            def recompute() -> object:
                start = time.perf_counter()
                rows = recount_rows(session, round_id, include_flagged=False)
                query_times.append((time.perf_counter() - start) * 1000.0)
                counts = counts_from_rows(rows, formula, populations(session, round_id))
                return dashboard.figures(counts, formula, include_flagged=False)

            recompute_ms = median_ms(recompute)
            query_ms = statistics.median(query_times[1:])  # the same runs, warm-up left out
            base_ms = median_ms(
                lambda: session.execute(text(BASELINE_SQL), {"round": round_id}).all()
            )
            session.rollback()
        client = app.test_client()
        client.post("/login", data={"username": "bench", "password": PASSWORD})
        url = f"/rounds/{round_id}/survey"
        status = client.get(url).status_code
        page_ms = median_ms(lambda: client.get(url).data)
        size = len(client.get(url).data)
        app.extensions["cfw_engine"].dispose()
    print(f"page status {status}, {size / 1024:.0f} KB")
    print_table(
        [
            Row(
                "dashboard view model, counters read, cache hit (ms)",
                f"{view_ms:.1f}",
                f"{base_ms:.1f}",
                ratio(view_ms, base_ms),
                "<= 200 ms",
                verdict(view_ms <= DASHBOARD_BUDGET_MS),
            ),
            Row(
                "dashboard view model, cache miss: all statistics (ms)",
                f"{cold_ms:.1f}",
                f"{base_ms:.1f}",
                ratio(cold_ms, base_ms),
                "<= 200 ms",
                verdict(cold_ms <= DASHBOARD_BUDGET_MS),
            ),
            Row(
                "dashboard page, rendered, test client (ms)",
                f"{page_ms:.1f}",
                f"{base_ms:.1f}",
                ratio(page_ms, base_ms),
                "<= 200 ms",
                verdict(page_ms <= DASHBOARD_BUDGET_MS and status == 200),
            ),
            Row(
                "full recompute: recount + statistics (ms)",
                f"{recompute_ms:.1f}",
                f"{base_ms:.1f}",
                ratio(recompute_ms, base_ms),
                "<= 2000 ms",
                verdict(recompute_ms <= RECOMPUTE_BUDGET_MS),
            ),
            Row(
                "  of which the grouped recount query (ms)",
                f"{query_ms:.1f}",
                f"{base_ms:.1f}",
                ratio(query_ms, base_ms),
            ),
        ]
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
