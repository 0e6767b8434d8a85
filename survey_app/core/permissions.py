"""Who may do what: the roles × permissions table of survey_app/data/permissions.toml.

Pure (no Flask, no database): the decorators of `accounts.auth`, the services, the templates'
``can(...)`` and the role × route test all read this one table. A permission name that the
table does not define raises `UnknownPermission` (at import or decoration time, so a typo fails
loudly instead of silently denying). The scope rules below (which unit, group and ward an
account reaches) are written in permissions too, never in role names.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from survey_app.core import paths

TABLE_FILE = paths.DATA / "permissions.toml"
LANGUAGES = ("vi", "en")
ACCOUNT_KINDS = ("ward", "any", "unit", "group")


class UnknownPermission(PermissionError, LookupError):
    """A permission name the table does not define (a typo in code or in the data file)."""


class PermissionTableError(ValueError):
    """The data file is malformed: says which entry and what is wrong."""


@dataclass(frozen=True, slots=True)
class Role:
    """One role of the table."""

    id: str
    label: dict[str, str]
    description: dict[str, str]
    grants: frozenset[str]
    account: str = "ward"
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """The loaded table: roles in display order and every permission with its description."""

    roles: tuple[Role, ...]
    permissions: dict[str, str]

    def role(self, role_id: str) -> Role | None:
        """The role called ``role_id`` (None when there is none)."""
        return next((r for r in self.roles if r.id == role_id), None)


def _texts(where: str, value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or any(not value.get(lang) for lang in LANGUAGES):
        raise PermissionTableError(f"{where}: needs a non-empty text for {', '.join(LANGUAGES)}")
    return {lang: str(value[lang]) for lang in LANGUAGES}


def parse(data: dict[str, Any]) -> Table:
    """Validate the file's contents (see the comment at the top of permissions.toml)."""
    permissions = data.get("permissions")
    if not isinstance(permissions, dict) or not permissions:
        raise PermissionTableError("[permissions]: needs at least one permission")
    for name, text in permissions.items():
        if not isinstance(text, str) or not text.strip():
            raise PermissionTableError(f"permission {name!r}: needs a description")
    roles: list[Role] = []
    for index, raw in enumerate(data.get("roles") or ()):
        role_id = raw.get("id")
        if not isinstance(role_id, str) or not role_id.isidentifier():
            raise PermissionTableError(f"roles[{index}]: needs an id (letters, digits, _)")
        if any(r.id == role_id for r in roles):
            raise PermissionTableError(f"role {role_id!r}: defined twice")
        grants = raw.get("grants", [])
        unknown = sorted(set(grants) - set(permissions))
        if unknown:
            raise PermissionTableError(f"role {role_id!r}: unknown permissions {unknown}")
        account = raw.get("account", "ward")
        if account not in ACCOUNT_KINDS:
            raise PermissionTableError(f"role {role_id!r}: account must be one of {ACCOUNT_KINDS}")
        roles.append(
            Role(
                id=role_id,
                label=_texts(f"role {role_id!r} label", raw.get("label")),
                description=_texts(f"role {role_id!r} description", raw.get("description")),
                grants=frozenset(grants),
                account=account,
                unit=raw.get("unit"),
            )
        )
    if not roles:
        raise PermissionTableError("[[roles]]: needs at least one role")
    return Table(roles=tuple(roles), permissions={str(k): str(v) for k, v in permissions.items()})


def load(path: Path = TABLE_FILE) -> Table:
    """Read and validate a permissions file."""
    with path.open("rb") as handle:
        return parse(tomllib.load(handle))


TABLE = load()
ROLES: tuple[str, ...] = tuple(r.id for r in TABLE.roles)
PERMISSIONS: tuple[str, ...] = tuple(TABLE.permissions)


def check(permission: str) -> str:
    """``permission`` itself when the table defines it; `UnknownPermission` otherwise."""
    if permission not in TABLE.permissions:
        raise UnknownPermission(f"unknown permission {permission!r} (see {TABLE_FILE.name})")
    return permission


def has(role: str | None, permission: str) -> bool:
    """True when ``role`` holds ``permission`` (an unknown or missing role holds nothing)."""
    check(permission)
    found = TABLE.role(role) if role else None
    return found is not None and permission in found.grants


def roles_with(permission: str) -> tuple[str, ...]:
    """The roles that hold ``permission``, in display order."""
    check(permission)
    return tuple(r.id for r in TABLE.roles if permission in r.grants)


def permissions_of(role: str) -> frozenset[str]:
    """Every permission ``role`` holds (empty for an unknown role)."""
    found = TABLE.role(role)
    return found.grants if found is not None else frozenset()


def role_label(role: str, lang: str = "vi") -> str:
    """The role's name in ``lang`` (Vietnamese for a language the table lacks)."""
    found = TABLE.role(role)
    if found is None:
        raise KeyError(role)
    return found.label.get(lang, found.label["vi"])


def role_description(role: str, lang: str = "vi") -> str:
    """What the role does, in one line, in ``lang`` (shown on the staff home)."""
    found = TABLE.role(role)
    if found is None:
        raise KeyError(role)
    return found.description.get(lang, found.description["vi"])


def account_kind(role: str) -> str:
    """What an account of ``role`` is tied to: "ward", "any", "unit" or "group"."""
    found = TABLE.role(role)
    if found is None:
        raise KeyError(role)
    return found.account


def fixed_unit(role: str) -> str | None:
    """The unit every account of ``role`` has (None when the role names none)."""
    found = TABLE.role(role)
    if found is None:
        raise KeyError(role)
    return found.unit


# ----------------------------------------------------------------------------- scope rules


class Member(Protocol):
    """What the scope rules read of an account (a `models.User`)."""

    role: str
    active: bool
    unit: str | None
    group_id: int | None
    ward_id: int | None


def _active(user: Member | None) -> bool:
    return user is not None and bool(user.active)


def can_read_unit(user: Member | None, unit: str) -> bool:
    """Who may read a unit's criteria: every unit ("criteria.read_all") or their own."""
    if user is None or not _active(user):
        return False
    if has(user.role, "criteria.read_all"):
        return True
    return has(user.role, "criteria.read_own_unit") and user.unit == unit


def can_edit_unit(user: Member | None, unit: str) -> bool:
    """Who may enter a unit's figures: every unit ("criteria.edit_all") or their own.

    The culture-social officer consolidates and, in practice, enters figures for units
    without an account; every entry is audited with the actor's role.
    """
    if user is None or not _active(user):
        return False
    if has(user.role, "criteria.edit_all"):
        return True
    return has(user.role, "criteria.edit_own_unit") and user.unit == unit


def can_see_group(user: Member | None, group_id: int) -> bool:
    """Every group of the ward ("groups.see_all") or only one's own ("groups.see_own").

    Ward boundaries are checked separately with `can_access_ward`.
    """
    if user is None or not _active(user):
        return False
    if has(user.role, "groups.see_all"):
        return True
    return has(user.role, "groups.see_own") and user.group_id == group_id


def can_access_ward(user: Member | None, ward_id: int | None) -> bool:
    """Staff work in their own ward; an account without a ward holding "wards.all", in every one."""
    if user is None or not _active(user):
        return False
    if user.ward_id is None and has(user.role, "wards.all"):
        return True
    return ward_id is not None and user.ward_id == ward_id


__all__ = [
    "PERMISSIONS",
    "ROLES",
    "TABLE",
    "Member",
    "PermissionTableError",
    "Role",
    "Table",
    "UnknownPermission",
    "account_kind",
    "can_access_ward",
    "can_edit_unit",
    "can_read_unit",
    "can_see_group",
    "check",
    "fixed_unit",
    "has",
    "load",
    "parse",
    "permissions_of",
    "role_description",
    "role_label",
    "roles_with",
]
