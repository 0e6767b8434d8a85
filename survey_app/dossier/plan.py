"""The plan and its year-end report as administrative documents (Decree 30/2020/NĐ-CP), in
the dossier's content model, so the same renderers print them as PDF and DOCX.

Every fixed word comes from the plan's template file ([document]); the plan's own text from
its sections. Dates are Vietnam dates.
"""

from __future__ import annotations

import datetime as dt

from survey_app.core.fonts import nfc
from survey_app.dossier.model import Block, Bundle, Cell, Document, Grid, Signature, cell, para
from survey_app.dossier.parts import committee_signer, document_number, in_text, ward_header
from survey_app.dossier.pdf import render_bundle_pdf
from survey_app.dossier.texts import date_text, text
from survey_app.dossier.word import render_bundle_docx
from survey_app.models import Plan, Ward
from survey_app.plan.overview import PlanView, plan_overview
from survey_app.plan.status import Status
from survey_app.plan.template import PlanTemplate, load_template

ACTIVITY_WIDTHS = (10.0, None, 32.0, 32.0, 24.0)  # mm; the activity column takes the rest
REPORT_WIDTHS = (10.0, None, 21.0, 21.0, 36.0)  # file names need room: they never wrap mid-name


def _place(ward: Ward) -> str:
    return nfc(ward.name).removeprefix("Phường ").removeprefix("Xã ").removeprefix("Thị trấn ")


def _lines(body: str) -> list[Block]:
    blocks: list[Block] = []
    for line in body.split("\n"):
        line = line.strip()
        if line:
            blocks.append(para(line, "bullet" if line.startswith("- ") else "body"))
    return blocks


def _signature(ward: Ward, recipients: tuple[str, ...], lang: str) -> Signature:
    return Signature(
        recipients=recipients,
        heads=committee_signer(ward.signer_role == "vice", lang),
        name=ward.signer_name,
        recipients_head=text("recipients", lang),
    )


def _header(ward: Ward, number: str, symbol: str, day: dt.date | None, lang: str):
    place_and_date = f"{_place(ward)}, {date_text(day, lang)}"
    line = text("number", lang, number=document_number(number, symbol))
    return ward_header(ward.name, ward.parent_body, place_and_date, line, lang)


def _activity_grid(template: PlanTemplate, view: PlanView, lang: str) -> Grid:
    rows = tuple(
        (
            cell(row.number, "center"),
            cell(row.title),
            cell(row.lead_name),
            cell(", ".join(row.supports)),
            cell(f"{row.start_on:%m}–{row.due_on:%m/%Y}", "center"),
        )
        for row in view.activities
    )
    return Grid(tuple(template.word("activity_columns", lang).split("|")), rows, ACTIVITY_WIDTHS)


def plan_document(plan: Plan, ward: Ward, lang: str, today: dt.date) -> Document:
    """The plan as the ward signs it: header, title, its sections, duties, signature."""
    template = load_template(plan.template_version)
    view = plan_overview(plan, lang, today)
    blocks: list[Block] = []
    recipients: tuple[str, ...] = ()
    for section in view.sections:
        if section.key == "recipients":
            recipients = tuple(line.strip() for line in section.body.split("\n") if line.strip())
            continue
        if section.title:
            blocks.append(para(section.title, "heading"))
        blocks += _lines(section.body)
        kind = view.kinds.get(section.key, "text")
        if kind == "criteria":
            blocks += [
                para(template.word("criterion", lang, n=n, name=name), "bullet")
                for n, name, _unit in view.criteria
            ]
        elif kind == "activities":
            blocks.append(_activity_grid(template, view, lang))
        elif kind == "duties":
            for k, unit in enumerate(view.units, start=1):
                request = f"{template.word('request', lang)} " if unit.request else ""
                blocks.append(para(f"2.{k}. {request}{unit.name}", "heading"))
                blocks += [para(f"- {duty}", "bullet") for duty in unit.duties]
                if unit.criteria:
                    line = template.word("lead_line", lang, list=", ".join(unit.criteria))
                    blocks.append(para(f"- {line}", "bullet"))
                if unit.supports:
                    line = template.word("support_line", lang, list=", ".join(unit.supports))
                    blocks.append(para(f"- {line}", "bullet"))
    blocks.append(_signature(ward, recipients, lang))
    return Document(
        key="plan",
        header=_header(ward, plan.number, template.symbol, plan.issued_on, lang),
        doc_type=template.word("plan_type", lang),
        subject=template.word("plan_subject", lang, year=plan.year),
        blocks=tuple(blocks),
    )


def report_document(plan: Plan, ward: Ward, lang: str, today: dt.date) -> Document:
    """The year-end report: what each unit did, with dates and evidence, and the totals."""
    template = load_template(plan.template_version)
    view = plan_overview(plan, lang, today)
    number = document_number(plan.number, template.symbol)
    by_id = {a.id: a for a in plan.activities}
    done = sum(r.status is Status.DONE for r in view.activities)
    overdue = sum(r.status is Status.OVERDUE for r in view.activities)
    evidence = sum(r.evidence for r in view.activities)
    blocks: list[Block] = [
        para(
            template.word(
                "report_intro", lang, number=number, ward=in_text(ward.name, lang), year=plan.year
            )
        ),
        para(
            template.word(
                "report_summary",
                lang,
                done=done,
                total=len(view.activities),
                overdue=overdue,
                evidence=evidence,
                date=f"{today:%d/%m/%Y}",
            )
        ),
    ]
    columns = tuple(template.word("report_columns", lang).split("|"))
    for k, unit in enumerate((u for u in view.units if u.total), start=1):
        blocks.append(para(template.word("report_unit", lang, k=k, unit=unit.name), "heading"))
        rows: list[tuple[Cell, ...]] = []
        for row in (r for r in view.activities if r.lead == unit.id):
            files = ", ".join(e.filename for e in by_id[row.id].evidence) or "–"
            finished = f"{row.done_on:%d/%m/%Y}" if row.done_on else template.word("not_done", lang)
            rows.append(
                (
                    cell(row.number, "center"),
                    cell(row.title),
                    cell(f"{row.due_on:%d/%m/%Y}", "center"),
                    cell(finished, "center"),
                    cell(files),
                )
            )
        blocks.append(Grid(columns, tuple(rows), REPORT_WIDTHS, small=True))
    recipients = tuple(template.word("report_recipients", lang).split("|"))
    blocks.append(_signature(ward, recipients, lang))
    return Document(
        key="plan_report",
        header=_header(ward, "", template.word("symbol_report", lang), today, lang),
        doc_type=template.word("report_type", lang),
        subject=template.word("report_subject", lang, year=plan.year),
        blocks=tuple(blocks),
    )


def _bundle(document: Document, ward: Ward, lang: str) -> Bundle:
    return Bundle(
        documents=(document,),
        title=f"{document.doc_type} — {document.subject}",
        author=ward.name,
        language=lang,
    )


def plan_file(plan: Plan, ward: Ward, lang: str, today: dt.date, kind: str, fmt: str) -> bytes:
    """The plan (``kind`` "plan") or its year-end report ("report") as PDF or DOCX bytes."""
    make = plan_document if kind == "plan" else report_document
    bundle = _bundle(make(plan, ward, lang, today), ward, lang)
    return render_bundle_pdf(bundle) if fmt == "pdf" else render_bundle_docx(bundle)
