"""The poster token's format: random, typable, and forgiving of how people type it.

Pure functions, no database: `survey_app.survey.tokens` issues and looks tokens up.
"""

from __future__ import annotations

import re
import secrets

# New tokens: 26 characters of lowercase Crockford base32 (5 bits each: 130 bits), so that a
# poster can print the address for people to type. The alphabet has no i, l, o or u, so what
# people mistype (I, l → 1; O → 0; upper case; hyphens and spaces) can be repaired.
TOKEN_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
TOKEN_LENGTH = 26
TYPED_TOKEN = re.compile(r"^[0-9a-hjkmnp-tv-z]{26}$")
# What a token can look like: the typable form, or the 43-character base64url tokens issued
# before it (still printed on posters); anything else is "unknown" without a query.
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_TYPO_MAP = str.maketrans({"i": "1", "l": "1", "o": "0"})


def generate_token() -> str:
    """A fresh typable token: 26 lowercase Crockford base32 characters (130 random bits)."""
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def normalise_typed(text: str) -> str | None:
    """The typable token a person meant, or None: case, hyphens, spaces and i/l/o repaired."""
    cleaned = "".join(text.split()).replace("-", "").lower().translate(_TYPO_MAP)
    return cleaned if TYPED_TOKEN.match(cleaned) else None


def display_token(token: str) -> str:
    """A typable token in hyphenated groups of 4-5 for print (older tokens unchanged)."""
    if not TYPED_TOKEN.match(token):
        return token
    count = -(-len(token) // 5)  # as few groups as possible, none longer than 5
    size, extra = divmod(len(token), count)
    parts, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        parts.append(token[start:end])
        start = end
    return "-".join(parts)


def survey_url(base_url: str, token: str) -> str:
    """The address printed on a poster (and encoded in its QR code)."""
    return f"{base_url.rstrip('/')}/q/{token}"
