"""What a reader sees of an HTML response: its words, without tags and their attributes.

Assertions that something is *not* on a page read this text, not the raw HTML: a random CSRF
token or a signed value in an attribute can contain any short string ("7A", "Lan").
"""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[/!a-zA-Z][^>]*>")


def page_text(response) -> str:
    """The page's words: tags gone, entities decoded, whitespace collapsed."""
    body = _TAG.sub(" ", response.get_data(as_text=True))
    return " ".join(html.unescape(body).split())
