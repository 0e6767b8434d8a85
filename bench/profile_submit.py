"""Profile a survey submission end to end inside the app (form layer, session, rendering, SQL).

Run: ``python bench/profile_submit.py [N] [--sort tottime|cumulative] [--top 40]``. It prepares
the same temp database as bench_submit.py (`cfw init`, a ward, group, open round and token),
sets up one phone (scan, consent) through Flask's test client, then GETs the questions page
and POSTs the answers N times (default 300), each POST from its own forwarded address, with
cProfile switched on only inside the WSGI app, so the test client's own work is not counted.
Prints the CPU milliseconds per GET and per POST (time.process_time inside the app) and the
top functions (``--no-profile``: only the milliseconds, without cProfile's overhead;
``--pyinstrument``: a sampling profile instead, if pyinstrument is installed). Not a
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

from _load import QUESTIONS, QUESTIONS_PATH, _answers
from bench_submit import SECRET, prepare

_HIDDEN = re.compile(r'name="(csrf_token|key)" type="hidden" value="([^"]+)"')


class Profiled:
    """A WSGI wrapper timing and (optionally) profiling only the app's own work."""

    def __init__(self, app: Any, profile: cProfile.Profile | None) -> None:
        self.app, self.profile = app, profile
        self.enabled = False
        self.cpu: dict[str, list[float]] = {"GET": [], "POST": []}

    def __call__(self, environ: dict, start_response: Any) -> Any:
        if not self.enabled:
            return self.app(environ, start_response)
        began = time.process_time()
        if self.profile:
            self.profile.enable()
        try:
            body = b"".join(self.app(environ, start_response))
        finally:
            if self.profile:
                self.profile.disable()
        self.cpu[environ["REQUEST_METHOD"]].append(time.process_time() - began)
        return [body]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=300)
    parser.add_argument("--sort", default="tottime", choices=["tottime", "cumulative"])
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--no-profile", action="store_true", help="only the CPU ms per request")
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
        app.wsgi_app = wrapper  # type: ignore[method-assign]
        client = app.test_client()
        headers = {"X-Forwarded-For": "10.0.0.1"}
        client.get(f"/q/{token}", headers=headers)
        page = client.get("/s/resident", headers=headers).get_data(as_text=True)
        csrf = dict(_HIDDEN.findall(page))["csrf_token"]
        form = {"csrf_token": csrf, "consent_self": "yes", "age_band": "30-59"}
        assert client.post("/s/resident", data=form, headers=headers).status_code == 303
        for n in range(args.n + 20):
            wrapper.enabled = n >= 20  # the first 20: warm caches (templates, statements)
            if sampler is not None and n == 20:
                sampler.start()
            headers = {"X-Forwarded-For": f"10.1.{n // 250 % 250}.{n % 250 + 1}"}
            page = client.get(QUESTIONS_PATH, headers=headers).get_data(as_text=True)
            fields = dict(_HIDDEN.findall(page))
            posted = client.post(QUESTIONS_PATH, data=_answers(n) | fields, headers=headers)
            assert posted.status_code == 200, posted.get_data(as_text=True)[:300]
        if sampler is not None:
            sampler.stop()
        app.extensions["cfw_engine"].dispose()
    for method, values in wrapper.cpu.items():
        per_request = 1000 * sum(values) / len(values)
        print(f"{method}: {per_request:.2f} ms CPU per request (n={len(values)})")
    if sampler is not None:
        print(sampler.output_text(unicode=True, color=False, show_all=False))
    if profile is not None:
        print(f"({len(QUESTIONS)} questions; cProfile on, so absolute figures are inflated)")
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
