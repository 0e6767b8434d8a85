"""Secrets: one master secret per instance, and a separate key for each use derived from it.

No known secret, ever: when no ``SECRET_KEY`` is configured the app uses a random secret
that `cfw init` (or the first start) writes into ``instance/secret_key`` with mode 0600.
Each use gets its own key, derived with HKDF-SHA256 (RFC 5869) under a distinct label, so
knowing one (e.g. a session key leaked in a debugging session) reveals none of the others:

- ``session``: signs the staff session cookie (Flask's ``SECRET_KEY`` after loading);
- ``csrf``: signs CSRF tokens (``WTF_CSRF_SECRET_KEY``);
- ``client``: HMACs of client addresses and browser ids in the rate-limit tables;
- ``username``: HMACs of typed usernames in the sign-in throttle.

``CLIENT_HASH_KEY`` and ``USERNAME_HASH_KEY`` may also be configured directly. Rotation:
put the old master secret in ``SECRET_KEY_FALLBACKS`` (a list) while cookies signed with it
should still work, then drop it (deploy/README.md, "Rotating the secret").
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

MIN_SECRET_LENGTH = 32
MIN_DISTINCT_CHARACTERS = 10
SECRET_FILE_NAME = "secret_key"
# Labels of the derived keys: changing one changes that key (and only that key).
LABELS = {
    "session": b"cfw/v1/session-cookie",
    "csrf": b"cfw/v1/csrf-token",
    "client": b"cfw/v1/client-address-hash",
    "username": b"cfw/v1/attempted-username-hash",
}
_SALT = b"cfw child-friendly ward: per-instance key derivation"


class SecretError(RuntimeError):
    """A secret that can't be used; the message says what to do."""


def hkdf_sha256(secret: bytes, info: bytes, length: int = 32, salt: bytes = _SALT) -> bytes:
    """HKDF-SHA256 (RFC 5869): extract with ``salt``, expand to ``length`` bytes for ``info``."""
    prk = hmac.new(salt, secret, hashlib.sha256).digest()
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def derive(master: str, purpose: str) -> str:
    """The key for one ``purpose`` (a LABELS name), as 64 hex characters."""
    return hkdf_sha256(master.encode("utf-8"), LABELS[purpose]).hex()


def is_strong(secret: str | None) -> bool:
    """At least 32 characters and 10 different ones (a random token, not a word)."""
    return (
        bool(secret)
        and len(secret) >= MIN_SECRET_LENGTH
        and len(set(secret)) >= MIN_DISTINCT_CHARACTERS
    )


def new_secret() -> str:
    """A fresh random master secret (64 URL-safe characters, 384 bits)."""
    return secrets.token_urlsafe(48)


def read_secret_file(path: Path) -> str | None:
    """The secret stored in ``path``, or None when the file does not exist."""
    try:
        value = path.read_text("utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SecretError(f"cannot read the secret file {path}: {exc.strerror}") from exc
    if not is_strong(value):
        raise SecretError(
            f"the secret file {path} does not hold a strong secret: delete it and run `cfw init`"
        )
    return value


def ensure_secret_file(path: Path) -> tuple[str, bool]:
    """The instance secret, creating the file (mode 0600) if needed; (secret, created)."""
    existing = read_secret_file(path)
    if existing is not None:
        return existing, False
    path.parent.mkdir(parents=True, exist_ok=True)
    value = new_secret()
    try:
        # O_EXCL: two processes starting at once never overwrite each other's secret.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        again = read_secret_file(path)
        assert again is not None
        return again, False
    except OSError as exc:
        raise SecretError(
            f"cannot create the secret file {path} ({exc.strerror}): set SECRET_KEY in the "
            "environment or make the instance folder writable, then run `cfw init`"
        ) from exc
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(value + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return value, True


def is_loopback_bind(address: str) -> bool:
    """True for a unix socket, ``localhost`` or a loopback IP (with or without a port)."""
    address = address.strip()
    if address.startswith(("unix:", "fd://")):
        return True
    host = address
    if host.startswith("["):  # [::1]:8000
        host = host[1 : host.find("]")] if "]" in host else host[1:]
    elif host.count(":") == 1:  # 127.0.0.1:8000, localhost:8000, :8000
        host = host.split(":", 1)[0]
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # "" (all addresses), 0.0.0.0, a host name: not loopback


def check_serving(config: dict, binds: Iterable[str]) -> None:
    """Refuse to serve on a non-loopback address with a weak secret (SecretError says why)."""
    public = [b for b in binds if not is_loopback_bind(b)]
    if public and config.get("CFW_SECRET_WEAK"):
        raise SecretError(
            f"refusing to listen on {', '.join(public)} with a weak SECRET_KEY: anyone who "
            "guesses it can sign in as any staff member. Remove SECRET_KEY to use the random "
            "per-instance secret `cfw init` creates (instance/secret_key), or set a random one "
            "of at least 32 characters: python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'"
        )


__all__ = [
    "LABELS",
    "MIN_SECRET_LENGTH",
    "SECRET_FILE_NAME",
    "SecretError",
    "check_serving",
    "derive",
    "ensure_secret_file",
    "hkdf_sha256",
    "is_loopback_bind",
    "is_strong",
    "new_secret",
    "read_secret_file",
]
