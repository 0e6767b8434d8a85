"""Benchmark: bytes of a survey page's complete first load, and its external requests.

Run: ``python bench/bench_pages.py`` (a few seconds). For the child's and the resident's
questions pages, in Vietnamese and in English, it renders the page through the app (Flask test
client on a temp database prepared like bench_submit.py), finds every resource the browser would
fetch by itself (``<link href>``, ``<script src>``, ``<img src>``, ``<source src>``,
``<iframe src>``, ``<use href>`` to a file, CSS ``url()`` and ``@import``), fetches the
same-host ones and adds their bytes once. Budget (QUALITY.md): ≤ 30 KB transferred (the app
sends no compression, so the bytes are counted as sent), zero external requests, no script
needed. The baseline column gives the same bytes gzip-compressed, as nginx could send them.
Always exits 0: it reports.
"""

from __future__ import annotations

import gzip
import re
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _table import Row, print_table, verdict
from bench_submit import SECRET, prepare

BUDGET_BYTES = 30 * 1024
HOST = "http://127.0.0.1:5000"
# (tag, attribute) pairs a browser fetches without a click.
FETCHED = {
    ("link", "href"),
    ("script", "src"),
    ("img", "src"),
    ("source", "src"),
    ("iframe", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("use", "href"),
    ("image", "href"),
    ("video", "poster"),
}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)|@import\s+['"]([^'"]+)""")
PROFILES = {
    "child": {"consent_guardian": "yes", "consent_self": "yes", "age_band": "10-12"},
    "resident": {"consent_self": "yes", "age_band": "30-59"},
}


class Resources(HTMLParser):
    """Collects the URLs a page makes the browser fetch, and counts <script> tags."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        for name, value in attrs:
            if value and (tag, name) in FETCHED and not value.startswith("#"):
                self.urls.append(value)
            if name == "style" and value:
                self.urls += [a or b for a, b in CSS_URL.findall(value)]


def is_external(url: str) -> bool:
    """True for a URL on another host (or another scheme: data: is inline, so not external)."""
    parts = urlsplit(urljoin(HOST + "/", url))
    return parts.scheme != "data" and f"{parts.scheme}://{parts.netloc}" != HOST


def first_load(client, path: str) -> tuple[int, int, list[str], int]:
    """(bytes, gzip bytes, external URLs, script tags) of one page and what it pulls in."""
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    parser = Resources()
    parser.feed(page.get_data(as_text=True))
    total, packed, external = len(page.data), len(gzip.compress(page.data)), []
    seen: set[str] = set()
    queue = list(parser.urls)
    while queue:
        url = queue.pop()
        if is_external(url):
            external.append(url)
            continue
        local = urlsplit(urljoin(HOST + path, url)).path
        if local in seen:
            continue
        seen.add(local)
        asset = client.get(local)
        total += len(asset.data)
        packed += len(gzip.compress(asset.data))
        if local.endswith(".css"):
            queue += [a or b for a, b in CSS_URL.findall(asset.get_data(as_text=True))]
    return total, packed, external, parser.scripts


def main() -> int:
    from survey_app.app import create_app

    rows = []
    with tempfile.TemporaryDirectory(prefix="cfw-pages-") as tmp:
        db = Path(tmp) / "pages.sqlite3"
        token, _ids = prepare(db)
        app = create_app({"DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": SECRET})
        app.config["WTF_CSRF_ENABLED"] = False  # only GETs are measured; the consent POST
        for audience, profile in PROFILES.items():
            for lang in ("vi", "en"):
                client = app.test_client()
                client.get(f"/q/{token}?lang={lang}")
                client.post(f"/s/{audience}", data=profile)
                total, packed, external, scripts = first_load(client, f"/s/{audience}/questions")
                ok = total <= BUDGET_BYTES and not external and scripts == 0
                rows.append(
                    Row(
                        f"{audience} questions page ({lang}): bytes, ext. requests",
                        f"{total / 1024:.1f} KB, {len(external)} ext",
                        f"{packed / 1024:.1f} KB gzip",
                        f"{total / BUDGET_BYTES:.2f} of budget",
                        "<= 30 KB, 0 ext, no JS",
                        verdict(ok),
                    )
                )
                for url in external:
                    print(f"external request on {audience}/{lang}: {url}")
        app.extensions["cfw_engine"].dispose()
    print_table(rows)
    print("Complete first load: HTML + stylesheets + images/icons it references, counted once.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
