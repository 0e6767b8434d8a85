"""Vietnam's administrative units after the July 2025 reform, from the `vietnam-provinces` package.

34 provinces and centrally-run cities and 3,321 commune-level units (phường, xã, đặc khu), as
published by the General Statistics Office. The ward form offers them as choices; a unit the
list lacks can still be typed in.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

from vietnam_provinces import Province
from vietnam_provinces import Ward as Unit


@dataclass(frozen=True, slots=True)
class Division:
    """A province or a commune-level unit: its official code, name and machine name."""

    code: int
    name: str
    codename: str


@functools.cache
def provinces() -> tuple[Division, ...]:
    """Every province and centrally-run city, by name (Vietnamese collation is close enough)."""
    found = (Division(int(p.code), p.name, p.codename) for p in Province.iter_all())
    return tuple(sorted(found, key=lambda d: _sort_key(d.name)))


@functools.cache
def units_of(province_code: int) -> tuple[Division, ...]:
    """The commune-level units of a province, by name; () for an unknown code."""
    if province_code not in {p.code for p in provinces()}:
        return ()
    found = (
        Division(int(u.code), u.name, u.codename)
        for u in Unit.iter_by_province(Province.from_code(province_code).code)
    )
    return tuple(sorted(found, key=lambda d: _sort_key(d.name)))


def province(code: int) -> Division | None:
    """The province with this official code, or None."""
    return next((p for p in provinces() if p.code == code), None)


def unit(province_code: int, code: int) -> Division | None:
    """The unit with this official code in that province, or None."""
    return next((u for u in units_of(province_code) if u.code == code), None)


def province_named(name: str) -> Division | None:
    """The province whose name is ``name`` (after Unicode normalisation), or None."""
    wanted = unicodedata.normalize("NFC", name or "").strip()
    return next((p for p in provinces() if p.name == wanted), None)


def slug(text: str) -> str:
    """A URL code from a Vietnamese name: "Phường Bắc Giang" → "phuong-bac-giang"."""
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    words = "".join(c if c.isascii() and c.isalnum() else " " for c in ascii_text).split()
    return "-".join(words)[:64].strip("-")


def _sort_key(name: str) -> str:
    return unicodedata.normalize("NFKD", name.replace("Đ", "Dz").replace("đ", "dz")).casefold()
