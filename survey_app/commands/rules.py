"""`cfw rules`: list, show and check rule files, and print an input template.

Plain click and the pure ``assessment`` package only: no Flask or SQLAlchemy import here, so the
command starts fast and works without a database.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import click

from assessment import Indicator, RuleSet, RuleSetError, load_rules, load_rules_file
from assessment import available_rule_versions as available_versions

WARD_GROUP = {"vi": "Số liệu chung của phường", "en": "Ward-wide inputs"}


def load_rules_or_exit(version_or_path: str | None) -> RuleSet:
    """Load a rule set; on a bad file print every error to stderr and exit with status 1."""
    try:
        return load_rules(version_or_path)
    except RuleSetError as exc:
        for error in exc.errors:
            click.echo(f"error: {error}", err=True)
        sys.exit(1)


def fit(text: str, width: int) -> str:
    """``text`` (NFC, so each Vietnamese letter is one code point) padded or cut to ``width``."""
    text = unicodedata.normalize("NFC", text)
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"


def mark(verified: bool) -> str:
    """The verified column: "yes", or "no*" pointing at the provisional footnote."""
    return "yes" if verified else "no*"


def _plain(obj: Any) -> Any:
    """Dataclasses to JSON-ready values (private lookup fields skipped)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            f.name: _plain(getattr(obj, f.name))
            for f in dataclasses.fields(obj)
            if not f.name.startswith("_")
        }
    if isinstance(obj, list | tuple):
        return [_plain(x) for x in obj]
    if isinstance(obj, date):
        return obj.isoformat()
    return obj


@click.group()
def rules() -> None:
    """Rule sets (bộ tiêu chí): list, show, check, and print an input template."""


@rules.command("list")
def list_rules() -> None:
    """List the shipped rule set versions."""
    for version in available_versions():
        rs = load_rules_or_exit(version)
        click.echo(f"{rs.version:<16} {rs.effective.isoformat()}  {rs.status:<12} {rs.title.vi}")


@rules.command()
@click.argument("rule_set", required=False, metavar="[VERSION|PATH]")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def show(rule_set: str | None, fmt: str) -> None:
    """Show a rule set: thresholds, criteria, indicators and bands (* = provisional)."""
    rs = load_rules_or_exit(rule_set)
    if fmt == "json":
        click.echo(json.dumps(_plain(rs), ensure_ascii=False, indent=2))
        return
    click.echo(f"{rs.title.vi}\n{rs.title.en}")
    click.echo(f"version {rs.version} · status {rs.status} · effective {rs.effective} · ", nl=False)
    click.echo(f"total {rs.total} · sha256 {rs.sha256[:12]}")
    click.echo("\nThresholds / Ngưỡng công nhận:")
    for loc in rs.localities:
        click.echo(
            f"  {loc.id:<26} {loc.threshold:>5}  {mark(loc.provenance.verified):<4} ", nl=False
        )
        click.echo(loc.label.vi)
    click.echo(f"\n{'#':>3}  {fit('Tiêu chí', 60)} {'Unit':<10} {'Max':>4}  Verified")
    for c in rs.criteria:
        click.echo(
            f"{c.number:>3}  {fit(c.name.vi, 60)} {c.unit:<10} {c.max_points:>4}  ", nl=False
        )
        click.echo(mark(c.provenance.verified))
        for t in c.zero_triggers:
            click.echo(
                f"       zero trigger: {t.count} > 0 → 0 điểm  {mark(t.provenance.verified)}"
            )
        for ind in c.indicators:
            bands = _bands_text(rs, ind)
            click.echo(f"       {fit(ind.id, 20)} {ind.scale:<15} {ind.max_points:>4}  ", nl=False)
            click.echo(f"{mark(ind.provenance.verified):<4} {bands}".rstrip())
    click.echo("\n* provisional: check against Decision 06/QĐ-TTg, Art. 2(2)")


def _bands_text(rs: RuleSet, ind: Indicator) -> str:
    rows = rs.survey_bands if ind.scale == "survey" else ind.bands
    sign = "≥" if ind.higher_is_better else "≤"
    return ", ".join(
        f"{sign}{r.band.bound:g}→{r.band.points}{'' if r.provenance.verified else '*'}"
        for r in rows
    )


@rules.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def check(path: Path) -> None:
    """Validate a rule file; exit 1 listing every error."""
    try:
        rs = load_rules_file(path)
    except RuleSetError as exc:
        for error in exc.errors:
            click.echo(f"error: {error}", err=True)
        click.echo(f"{len(exc.errors)} error(s) / lỗi", err=True)
        sys.exit(1)
    rows = sum(1 for c in rs.criteria for i in c.indicators if not i.provenance.verified)
    click.echo(
        f"OK: {rs.version}, {len(rs.criteria)} criteria, total {rs.total}, "
        f"{len(rs.inputs)} inputs, {rows} provisional indicator(s)"
    )


@rules.command()
@click.argument("rule_set", required=False, metavar="[VERSION|PATH]")
def template(rule_set: str | None) -> None:
    """Print a JSON input skeleton for `cfw score`: every input key, grouped by criterion."""
    rs = load_rules_or_exit(rule_set)
    click.echo(json.dumps(input_template(rs), ensure_ascii=False, indent=2))


def input_template(rs: RuleSet) -> dict[str, Any]:
    """A fillable input document: nulls under ``inputs``; labels and ranges under ``_guide``."""
    names = {"ward": WARD_GROUP} | {c.id: {"vi": c.name.vi, "en": c.name.en} for c in rs.criteria}
    inputs: dict[str, dict[str, None]] = {group: {} for group in names}
    guide: dict[str, Any] = {
        "locality": {loc.id: {"vi": loc.label.vi, "en": loc.label.en} for loc in rs.localities},
    }
    for group, name in names.items():
        unit = rs.unit(rs.criterion(group).unit) if group != "ward" else None
        guide[group] = {"name": name, "inputs": {}}
        if unit:
            guide[group]["unit"] = {"vi": unit.name.vi, "en": unit.name.en}
    for spec in rs.inputs:
        short = spec.key.split(".", 1)[1]
        inputs[spec.group][short] = None
        entry: dict[str, Any] = {"label": {"vi": spec.label.vi, "en": spec.label.en}}
        if spec.type == "yes_no":
            entry |= {"type": "yes_no", "valid": [True, False]}
        else:
            entry |= {"type": "count", "range": [spec.minimum, spec.maximum]}
            if spec.unit:
                entry["unit"] = {"vi": spec.unit.vi, "en": spec.unit.en}
        guide[spec.group]["inputs"][short] = entry
    return {
        "ward": "",
        "period": "",
        "rules": rs.version,
        "locality": None,
        "inputs": inputs,
        "_guide": guide,
    }
