"""The survey dashboard of a round as a plain view model, built from the kept-current counters.

Reports flow one way (DESIGN.md): counters (one query) → `assessment` statistics (pure,
vectorised) → this view model → template. A page view never walks raw responses. Every
figure is computed twice, without flagged answers (the official figures) and with them, so
staff see what the review decisions change. Small cells are suppressed exactly as the
`assessment` library decides: a hidden count is a :class:`~assessment.survey.types.Hidden`
(prints "<5"), and nothing derived from it (rate, progress, "answers still needed") is shown.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment import (
    Hidden,
    Instrument,
    SurveyCounts,
    SurveyFormula,
    band_certainty,
    counts_from_rows,
    group_differences,
    group_rates,
    load_instrument,
    sample_targets,
    survey_rates,
)
from survey_app.core.i18n import _
from survey_app.models import AssessmentRound, ResidentialGroup
from survey_app.results.counts import count_rows_both, formula_for, get_round
from survey_app.results.dashboard_text import (
    audience_name,
    next_steps,
    plain_sentences,
    standout_lines,
)
from survey_app.results.figures import (
    Cell,
    Comparison,
    Dashboard,
    Figures,
    GroupRow,
    Shown,
)
from survey_app.results.frozen import populations
from survey_app.results.questions import question_rows

# ----------------------------------------------------------------------------- statistics


def figures(counts: SurveyCounts, formula: SurveyFormula, *, include_flagged: bool) -> Figures:
    """Every statistic of the dashboard for one set of counts (pure, no database)."""
    return Figures(
        include_flagged=include_flagged,
        counts=counts,
        rates=survey_rates(counts, formula),
        table=group_rates(counts),
        targets=sample_targets(counts, formula),
        certainty=band_certainty(counts, formula),
        differences=group_differences(counts, formula),
    )


def load_counts(
    session: Session, round_: AssessmentRound, formula: SurveyFormula
) -> tuple[SurveyCounts, SurveyCounts]:
    """(without flagged, with flagged) counts of a round from one read of the counters."""
    clean_rows, all_rows = count_rows_both(session, round_.id)
    known = populations(session, round_.id)
    return counts_from_rows(clean_rows, formula, known), counts_from_rows(all_rows, formula, known)


def counts_for(
    session: Session, round_id: int, *, include_flagged: bool = False
) -> tuple[AssessmentRound, SurveyFormula, SurveyCounts]:
    """The round, its formula and its counts for one flag setting (exports, CLI, public page)."""
    round_ = get_round(session, round_id)
    formula = formula_for(round_)
    clean, everything = load_counts(session, round_, formula)
    return round_, formula, everything if include_flagged else clean


# ----------------------------------------------------------------------------- view model


def build_dashboard(session: Session, round_id: int, *, lang: str = "vi") -> Dashboard:
    """The dashboard view model of a round (RoundNotFound for an unknown id).

    Reads the counters (one query), the populations and the group names, then computes, or
    reuses when exactly the same inputs were seen before (see `_cached`).
    """
    round_ = get_round(session, round_id)
    formula = formula_for(round_)
    clean_rows, all_rows = count_rows_both(session, round_.id)
    known = populations(session, round_.id)
    names = group_names(session, round_.ward_id)
    key = (
        round_.id,
        round_.name,
        round_.status,
        round_.rule_version,
        round_.instrument_version,
        round_.ward.name,
        round_.ward.code,
        lang,
        hash(
            (tuple(clean_rows), tuple(all_rows), tuple(sorted(known.items())), tuple(names.items()))
        ),
    )

    def compute() -> Dashboard:
        return dashboard_from(
            round_,
            formula,
            load_instrument(round_.instrument_version),
            names,
            figures(counts_from_rows(clean_rows, formula, known), formula, include_flagged=False),
            figures(counts_from_rows(all_rows, formula, known), formula, include_flagged=True),
            lang=lang,
        )

    return _cached(key, compute)


# The statistics are a pure function of the counters, populations, names and texts, so a
# view model is reused only for exactly the same inputs (the key holds a hash of them all):
# a new answer or review changes the counters and so the key. Per process, a few rounds.
_CACHE: OrderedDict[tuple, Dashboard] = OrderedDict()
_CACHE_SIZE = 8
_CACHE_LOCK = threading.Lock()


def _cached(key: tuple, compute: Callable[[], Dashboard]) -> Dashboard:
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    view = compute()
    with _CACHE_LOCK:
        _CACHE[key] = view
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return view


def group_names(session: Session, ward_id: int) -> dict[int, str]:
    """Residential group names of a ward, in their display order."""
    rows = session.execute(
        select(ResidentialGroup.id, ResidentialGroup.name)
        .where(ResidentialGroup.ward_id == ward_id)
        .order_by(ResidentialGroup.position, ResidentialGroup.id)
    )
    return dict(rows.all())


def dashboard_from(
    round_: AssessmentRound,
    formula: SurveyFormula,
    instrument: Instrument,
    names: dict[int, str],
    clean: Figures,
    everything: Figures,
    *,
    lang: str = "vi",
) -> Dashboard:
    """Assemble the view model from already computed figures (pure apart from the round)."""
    groups = group_rows(clean, names)
    comparison, combined_hidden = compare(clean, everything)
    overall_clean = _overall_answers(clean.counts)
    not_counted = _overall_answers(everything.counts) - overall_clean
    return Dashboard(
        round_id=round_.id,
        round_name=round_.name,
        status=round_.status,
        ward_id=round_.ward_id,
        ward_name=round_.ward.name,
        ward_code=round_.ward.code,
        rule_version=round_.rule_version,
        instrument_version=round_.instrument_version,
        audiences=tuple(formula.audiences),
        bands=tuple(float(b.bound) for b in formula.bands),
        groups=groups,
        clean=clean,
        everything=everything,
        comparison=comparison,
        combined_hidden=combined_hidden,
        questions=question_rows(clean.counts, everything.counts, formula, instrument, lang),
        standouts=standout_lines(clean.differences, names),
        next_steps=next_steps(round_, clean, groups, formula, not_counted, combined_hidden),
        not_counted=not_counted,
        plain=plain_sentences(clean, combined_hidden),
    )


def _overall_answers(counts: SurveyCounts) -> int:
    """Responses counted: every questionnaire answers the overall question exactly once."""
    return sum(c.valid + c.dont_know for c in counts.cells)


def group_rows(clean: Figures, names: dict[int, str]) -> tuple[GroupRow, ...]:
    """One row per group of the ward (answered or not), cells suppressed as the table says."""
    rates = {(r.group_id, r.audience): r for r in clean.table.rows}
    targets = {(g.group_id, g.audience): g for a in clean.targets.audiences for g in a.groups}
    audiences = clean.counts.audiences
    known = set(names) | {c.group_id for c in clean.counts.cells}
    rows = []
    order = {g: i for i, g in enumerate(names)}
    for group_id in sorted(known, key=lambda g: (order.get(g, len(order)), g)):
        cells = []
        for audience in audiences:
            rate = rates.get((group_id, audience))
            target = targets.get((group_id, audience))
            valid: Shown = rate.valid if rate is not None else 0
            hidden = isinstance(valid, Hidden)
            cells.append(
                Cell(
                    audience=audience,
                    population=target.population if target else None,
                    valid=valid,
                    target=target.target if target else None,
                    more_needed=None if hidden or target is None else target.more_needed,
                    enough=None if hidden or target is None else target.enough,
                    rate=rate.rate if rate is not None else None,
                    low=rate.low if rate is not None else None,
                    high=rate.high if rate is not None else None,
                )
            )
        rows.append(GroupRow(group_id, names.get(group_id, f"#{group_id}"), tuple(cells)))
    return tuple(rows)


def compare(clean: Figures, everything: Figures) -> tuple[tuple[Comparison, ...], bool]:
    """Ward-level rates without and with flagged answers; (rows, combined rate hidden).

    An audience whose ward total is a small cell is hidden, and so is the combined rate
    (with one audience shown, the mean would give the other back).
    """
    clean_totals = dict(clean.table.audience_totals)
    all_totals = dict(everything.table.audience_totals)
    rows = []
    hidden_any = False
    for a_clean, a_all in zip(clean.rates.audiences, everything.rates.audiences, strict=True):
        n_clean, n_all = clean_totals.get(a_clean.audience, 0), all_totals.get(a_all.audience, 0)
        hide_clean, hide_all = isinstance(n_clean, Hidden), isinstance(n_all, Hidden)
        hidden_any = hidden_any or hide_clean or hide_all
        name = audience_name(a_clean.audience)
        rows.append(
            Comparison(
                name,
                None if hide_clean else a_clean.unweighted,
                None if hide_all else a_all.unweighted,
                n_clean,
                n_all,
            )
        )
        rows.append(
            Comparison(
                _("%(audience)s (gia quyền theo dân số tổ)", audience=name),
                None if hide_clean else a_clean.weighted,
                None if hide_all else a_all.weighted,
                n_clean,
                n_all,
            )
        )
    grand_clean, grand_all = clean.table.grand_total, everything.table.grand_total
    rows.append(
        Comparison(
            _("Tiêu chí 13 (tỷ lệ chính thức)"),
            None if hidden_any else clean.rates.combined,
            None if hidden_any else everything.rates.combined,
            grand_clean,
            grand_all,
        )
    )
    rows.append(
        Comparison(
            _("Tiêu chí 13 (gia quyền, để so sánh)"),
            None if hidden_any else clean.rates.combined_weighted,
            None if hidden_any else everything.rates.combined_weighted,
            grand_clean,
            grand_all,
        )
    )
    return tuple(rows), hidden_any


__all__ = [
    "build_dashboard",
    "counts_for",
    "dashboard_from",
    "figures",
    "group_names",
    "load_counts",
]
