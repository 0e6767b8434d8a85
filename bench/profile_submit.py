"""Profile a survey submission end to end inside the app (form layer, session, rendering, SQL).

Run: ``python bench/profile_submit.py [N] [--sort tottime|cumulative] [--top 40]``. It prepares
the same temp database as bench_submit.py (`cfw init`, a ward, group, open round and token),
then N times (default 300) goes through the survey as a new phone would, through Flask's
test client, each from its own forwarded address: scan the poster, the consent page (GET +
POST), the questions page (GET), the answers (POST with the key the page issued, then the 303
to the thank-you page, GET /s/sent). cProfile is switched on only inside the WSGI app and only
for the last three requests (what a submission costs), so neither the test client's own work
nor the set-up is counted. Prints the CPU milliseconds per request of each of the three
(time.process_time inside the app) and the top functions (``--no-profile``: only the
milliseconds, without cProfile's overhead; ``--pyinstrument``: a sampling profile instead,
if pyinstrument is installed). Not a
benchmark: no concurrency, no gunicorn; it shows where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _load import PROFILE_PATH, QUESTIONS, QUESTIONS_PATH, SENT_PATH, _answers
from bench_submit import SECRET, prepare

_HIDDEN = re.compile(r'name="(csrf_token|key)" type="hidden" value="([^"]+)"')


class Profiled:
    """A WSGI wrapper timing and (optionally) profiling only the app's own work."""

    def __init__(self, app: Any, profile: cProfile.Profile | None) -> None:
        self.app, self.profile = app, profile
        self.enabled = False
        self.only: str | None = None  # profile only requests of this method (None: all)
        self.cpu: dict[str, list[float]] = {}

    def __call__(self, environ: dict, start_response: Any) -> Any:
        if not self.enabled:
            return self.app(environ, start_response)
        profile = self.profile if self.only in (None, environ["REQUEST_METHOD"]) else None
        began = time.process_time()
        if profile:
            profile.enable()
        try:
            body = b"".join(self.app(environ, start_response))
        finally:
            if profile:
                profile.disable()
        step = f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}"
        self.cpu.setdefault(step, []).append(time.process_time() - began)
        return [body]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=300)
    parser.add_argument("--sort", default="tottime", choices=["tottime", "cumulative"])
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--no-profile", action="store_true", help="only the CPU ms per request")
    parser.add_argument("--only", choices=["GET", "POST"], help="profile only these requests")
    parser.add_argument("--save", metavar="FILE", help="also write the cProfile data to FILE")
    parser.add_argument(
        "--pyinstrument", action="store_true", help="sample with pyinstrument (if installed)"
    )
    args = parser.parse_args()
    from survey_app.app import create_app

    with tempfile.TemporaryDirectory(prefix="cfw-profile-") as tmp:
        db = Path(tmp) / "profile.sqlite3"
        token, _ids = prepare(db)
        app = create_app(
            {"DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": SECRET, "TRUSTED_PROXIES": 1}
        )
        profile = None if args.no_profile or args.pyinstrument else cProfile.Profile()
        sampler = None
        if args.pyinstrument:
            from pyinstrument import Profiler  # optional: pip install pyinstrument

            sampler = Profiler(interval=0.0002)
        wrapper = Profiled(app.wsgi_app, profile)
        wrapper.only = args.only
        app.wsgi_app = wrapper  # type: ignore[method-assign]
        for n in range(args.n + 20):
            client = app.test_client()  # a new phone: an empty cookie jar
            headers = {"X-Forwarded-For": f"10.1.{n // 250 % 250}.{n % 250 + 1}"}
            wrapper.enabled = False
            assert client.get(f"/q/{token}", headers=headers).status_code == 200
            page = client.get(PROFILE_PATH, headers=headers).get_data(as_text=True)
            csrf = dict(_HIDDEN.findall(page))["csrf_token"]
            form = {"csrf_token": csrf, "consent_self": "yes", "age_band": "30-59"}
            assert client.post(PROFILE_PATH, data=form, headers=headers).status_code == 303
            wrapper.enabled = n >= 20  # the first 20: warm caches (templates, statements)
            if sampler is not None and n == 20:
                sampler.start()
            page = client.get(QUESTIONS_PATH, headers=headers).get_data(as_text=True)
            fields = dict(_HIDDEN.findall(page))
            posted = client.post(QUESTIONS_PATH, data=_answers(n) | fields, headers=headers)
            assert posted.status_code == 303, posted.get_data(as_text=True)[:300]
            assert posted.headers["Location"] == SENT_PATH
            assert client.get(SENT_PATH, headers=headers).status_code == 200
        if sampler is not None:
            sampler.stop()
        app.extensions["cfw_engine"].dispose()
    for step, values in wrapper.cpu.items():
        per_request = 1000 * sum(values) / len(values)
        print(f"{step}: {per_request:.2f} ms CPU per request (n={len(values)})")
    if sampler is not None:
        print(sampler.output_text(unicode=True, color=False, show_all=False))
    if profile is not None:
        print(f"({len(QUESTIONS)} questions; cProfile on, so absolute figures are inflated)")
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
        if args.save:
            profile.dump_stats(args.save)
    return 0


if __name__ == "__main__":
    sys.exit(main())
