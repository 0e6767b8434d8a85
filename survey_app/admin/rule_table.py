"""A rule set as rows a page shows: the point table, its provisional rows, and a difference.

Plain dataclasses built from a ``RuleSet`` (never from the database): the rule pages, the
review and the difference before choosing a version all read the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessment import RuleSet, Text

# What a reviewer may correct on each kind of row (field, type); every row may be confirmed.
EDITABLE = {
    "meta": (("total", "int"),),
    "procedure": (("posting_min_days", "int"),),
    "recognition": (),
    "locality": (("threshold", "int"), ("label.vi", "text"), ("label.en", "text")),
    "criterion": (("max", "int"), ("name.vi", "text"), ("name.en", "text")),
    "zero_trigger": (("label.vi", "text"), ("label.en", "text")),
    "indicator": (("max", "int"), ("label.vi", "text"), ("label.en", "text")),
    "band": (("bound", "number"), ("points", "int")),
    "survey": (),
}


@dataclass(frozen=True, slots=True)
class Row:
    """One row of the point table with its provenance; ``values`` holds its editable fields."""

    path: str
    kind: str
    label: Text
    verified: bool
    source: str
    note: str
    values: dict[str, object]
    depth: int = 0  # 0 criterion or frame row, 1 indicator or trigger, 2 band

    @property
    def points(self) -> object:
        """The points the row gives (max, points, threshold...), or "" for rows without."""
        for key in ("max", "points", "threshold", "total", "posting_min_days"):
            if key in self.values:
                return self.values[key]
        return ""


def _text(t: Text) -> dict[str, object]:
    return {"vi": t.vi, "en": t.en}


def _band_label(sign: str, bound: float, unit: str) -> Text:
    shown = f"{sign} {bound:g}{unit}"
    return Text(shown, shown)


def rows(rules: RuleSet) -> list[Row]:
    """Every row of ``rules`` that carries provenance, in file order."""
    out: list[Row] = []

    def add(path: str, kind: str, label: Text, prov, values: dict, depth: int = 0) -> None:
        out.append(Row(path, kind, label, prov.verified, prov.source, prov.note, values, depth))

    total = Text("Tổng điểm của bộ tiêu chí", "Total points of the rule set")
    add("meta", "meta", total, rules.provenance, {"total": rules.total})
    if rules.procedure is not None:
        add(
            "procedure",
            "procedure",
            Text("Thời gian niêm yết công khai (ngày)", "Public posting period (days)"),
            rules.procedure.provenance,
            {"posting_min_days": rules.procedure.posting_min_days},
        )
    add(
        "recognition",
        "recognition",
        Text("Điều kiện công nhận", "Conditions for recognition"),
        rules.recognition.provenance,
        {},
    )
    for loc in rules.localities:
        values = {"threshold": loc.threshold, "label.vi": loc.label.vi, "label.en": loc.label.en}
        add(loc.path, "locality", loc.label, loc.provenance, values)
    for c in rules.criteria:
        values = {"max": c.max_points, "name.vi": c.name.vi, "name.en": c.name.en}
        add(c.path, "criterion", c.name, c.provenance, values)
        for t in c.zero_triggers:
            values = {"label.vi": t.label.vi, "label.en": t.label.en}
            add(t.path, "zero_trigger", t.label, t.provenance, values, 1)
        for ind in c.indicators:
            values = {"max": ind.max_points, "label.vi": ind.label.vi, "label.en": ind.label.en}
            add(ind.path, "indicator", ind.label, ind.provenance, values, 1)
            sign = "≥" if ind.higher_is_better else "≤"
            unit = "%" if ind.scale == "percent" else ""
            for b in ind.bands:
                values = {"bound": b.band.bound, "points": b.band.points}
                add(b.path, "band", _band_label(sign, b.band.bound, unit), b.provenance, values, 2)
            if ind.scale == "survey":
                add(
                    "survey",
                    "survey",
                    Text("Công thức khảo sát", "Survey formula"),
                    rules.survey_provenance,
                    {},
                    2,
                )
                for b in rules.survey_bands:
                    values = {"bound": b.band.bound, "points": b.band.points}
                    label = _band_label("≥", b.band.bound, "%")
                    add(b.path, "band", label, b.provenance, values, 2)
    return out


def provisional(rules: RuleSet) -> list[Row]:
    """The rows still to be checked against the official text (verified = false)."""
    return [r for r in rows(rules) if not r.verified]


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two versions at one row: what changed, from what, to what."""

    path: str
    label: Text
    what: str  # "points", "bands", "wording", "verified", "source", "added", "removed"
    old: str
    new: str


def _bands_text(rules: RuleSet) -> dict[str, str]:
    """Each indicator path → its bands as one text ("≥100→50, ≥98→40")."""
    found = {}
    for c in rules.criteria:
        for ind in c.indicators:
            band_rows = rules.survey_bands if ind.scale == "survey" else ind.bands
            sign = "≥" if ind.higher_is_better else "≤"
            found[f"{c.id}/{ind.id}"] = ", ".join(
                f"{sign}{b.band.bound:g}→{b.band.points}" for b in band_rows
            )
    return found


def _keyed(rules: RuleSet) -> dict[str, Row]:
    """Rows keyed by a name that survives reordering: criterion id / indicator id."""
    keyed: dict[str, Row] = {}
    names = {c.path: c.id for c in rules.criteria}
    for row in rows(rules):
        if row.kind == "band":
            continue  # compared as one text per indicator
        key = row.path
        if row.kind in ("indicator", "zero_trigger"):
            cpath = row.path.split(".indicators[")[0].split(".zero_triggers[")[0]
            crit = next(c for c in rules.criteria if c.path == cpath)
            items = crit.indicators if row.kind == "indicator" else crit.zero_triggers
            item = next(i for i in items if i.path == row.path)
            key = f"{names[cpath]}/{row.kind}:{item.id}"
        keyed[key] = row
    return keyed


def differences(old: RuleSet, new: RuleSet) -> list[Change]:
    """What ``new`` changes against ``old``, per criterion and indicator: points, bands,
    wording, verified and source; rows only one side has are "added" or "removed"."""
    before, after = _keyed(old), _keyed(new)
    out: list[Change] = []
    for key, row in after.items():
        prev = before.get(key)
        if prev is None:
            out.append(Change(row.path, row.label, "added", "", str(row.points)))
            continue
        if prev.points != row.points:
            out.append(Change(row.path, row.label, "points", str(prev.points), str(row.points)))
        if prev.label != row.label:
            out.append(Change(row.path, row.label, "wording", prev.label.vi, row.label.vi))
        if prev.verified != row.verified:
            out.append(
                Change(row.path, row.label, "verified", str(prev.verified), str(row.verified))
            )
        if prev.source != row.source:
            out.append(Change(row.path, row.label, "source", prev.source, row.source))
    for key, row in before.items():
        if key not in after:
            out.append(Change(row.path, row.label, "removed", str(row.points), ""))
    old_bands, new_bands = _bands_text(old), _bands_text(new)
    for key, text in new_bands.items():
        if key in old_bands and old_bands[key] != text:
            crit_id, ind_id = key.split("/")
            ind = next(i for i in new.criterion(crit_id).indicators if i.id == ind_id)
            out.append(Change(ind.path, ind.label, "bands", old_bands[key], text))
    band_flags_old = {r.path: r for r in rows(old) if r.kind == "band"}
    for row in rows(new):
        prev = band_flags_old.get(row.path)
        if row.kind == "band" and prev is not None and prev.verified != row.verified:
            out.append(
                Change(row.path, row.label, "verified", str(prev.verified), str(row.verified))
            )
    return out


def input_changes(old: RuleSet, new: RuleSet) -> tuple[list[str], list[str]]:
    """Input keys only ``new`` asks for, and those it no longer reads (entered values stay)."""
    before = {i.key for i in old.inputs}
    after = {i.key for i in new.inputs}
    return sorted(after - before), sorted(before - after)
