"""Helpers shared by the administration views: the ward in scope, choices, error display."""

from __future__ import annotations

from collections.abc import Iterable

from flask import abort, flash, render_template
from wtforms.fields.choices import SelectChoice

from assessment import ruleset
from survey_app.accounts.auth import require_same_ward
from survey_app.accounts.scope import me
from survey_app.accounts.users import AccountError
from survey_app.admin import divisions
from survey_app.admin.forms import WardForm
from survey_app.admin.setup import SetupError, locality_ids
from survey_app.core.db import get_session
from survey_app.core.i18n import _, current_language
from survey_app.core.security import MAX_ID
from survey_app.models import Ward

WARD_TEXT_FIELDS = (
    "locality_type",
    "locality_basis",
    "recognising_authority",
    "parent_body",
    "chair_name",
    "chair_title",
    "signer_name",
    "signer_role",
)


def ward_or_404(ward_id: int) -> Ward:
    """The ward, if it exists and the signed-in administrator may work on it (404 / 403)."""
    ward = get_session().get(Ward, ward_id) if 0 < ward_id <= MAX_ID else None
    if ward is None:
        abort(404)
    require_same_ward(me(), ward.id)
    return ward


def problems(exc: SetupError | AccountError) -> list[str]:
    """The messages of a refused change, one per problem."""
    return list(exc.errors) if isinstance(exc, SetupError) else [str(exc)]


def refused(
    template: str, exc: SetupError | AccountError, status: int = 422, **context
) -> tuple[str, int]:
    """The same page again with every problem listed at the top, and a 4xx."""
    return render_template(template, errors=problems(exc), **context), status


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def saved(message: str | None = None) -> None:
    flash(message or _("Đã lưu."), "success")


def locality_choices() -> list[SelectChoice]:
    """The locality types of the default rules, with their thresholds, after a "choose" entry."""
    rules = ruleset.default_rules()
    lang = current_language()
    known = set(locality_ids())
    found = [SelectChoice("", _("— Chọn loại địa bàn —"))]
    for loc in rules.localities:
        if loc.id in known:
            label = getattr(loc.label, lang, None) or loc.label.vi
            found.append(
                SelectChoice(
                    loc.id, _("%(label)s (đạt chuẩn từ %(n)d điểm)", label=label, n=loc.threshold)
                )
            )
    return found


def fill_ward_choices(form: WardForm) -> None:
    """Province, unit and locality choices; units of the chosen province only."""
    form.province_code.choices = choices(
        [("", _("— Chọn tỉnh, thành phố —"))]
        + [(str(p.code), p.name) for p in divisions.provinces()]
    )
    code = form.province_code.data or ""
    units = divisions.units_of(int(code)) if code.isdigit() else ()
    form.unit_code.choices = choices(
        [("", _("— Chọn xã, phường —"))] + [(str(u.code), u.name) for u in units]
    )
    form.locality_type.choices = locality_choices()


def ward_values(form: WardForm) -> tuple[dict[str, str], list[str]]:
    """The ward fields from the form (name from the list or typed), or the problems found."""
    errors = []
    code = form.province_code.data or ""
    province = divisions.province(int(code)) if code.isdigit() else None
    if province is None:
        errors.append(_("Hãy chọn tỉnh, thành phố."))
    # A unit chosen from the list wins; the typed name is for a unit the list lacks.
    unit_code = form.unit_code.data or ""
    unit = None
    if province is not None and unit_code.isdigit():
        unit = divisions.unit(province.code, int(unit_code))
    name = unit.name if unit else (form.other_name.data or "").strip()
    if province is not None and not name:
        errors.append(_("Hãy chọn xã, phường trong danh sách, hoặc ghi tên khác."))
    values = {
        "name": name,
        "province": province.name if province else "",
    }
    values |= {key: getattr(form, key).data or "" for key in WARD_TEXT_FIELDS}
    values["signer_role"] = values["signer_role"] or "chair"
    return values, errors


def ward_into_form(form: WardForm, ward: Ward) -> None:
    """Show a stored ward: its province and unit selected when they are on the official list."""
    province = divisions.province_named(ward.province)
    form.province_code.data = str(province.code) if province else ""
    unit = (
        next((u for u in divisions.units_of(province.code) if u.name == ward.name), None)
        if province
        else None
    )
    form.unit_code.data = str(unit.code) if unit else ""
    form.other_name.data = "" if unit else ward.name
    for key in (
        "locality_type",
        "locality_basis",
        "recognising_authority",
        "parent_body",
        "chair_name",
        "chair_title",
        "signer_name",
        "signer_role",
    ):
        getattr(form, key).data = getattr(ward, key)
