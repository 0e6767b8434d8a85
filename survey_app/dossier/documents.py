"""The dossier's documents as content-model values: request letter, report, council minutes.

:func:`dossier_bundle` gives exactly the documents of ``DossierData.documents``: a round that
did not reach recognition gets the report and the minutes (with what it lacks), and no letter
asking the authority to recognise it.
"""

from __future__ import annotations

from datetime import date

from survey_app.dossier.data import LETTER, MINUTES, REPORT, DossierData
from survey_app.dossier.model import (
    Block,
    Bundle,
    Cell,
    Document,
    Grid,
    PageBreak,
    Para,
    Signature,
    SignaturePair,
    cell,
    para,
)
from survey_app.dossier.parts import (
    DOTS,
    body_in_text,
    header,
    number_line,
    recipients,
    round_in_text,
    score_grid,
    signer_heads,
    verdict,
    ward_in_text,
)
from survey_app.dossier.report import (
    lacks_blocks,
    override_blocks,
    provisional_blocks,
    report_blocks,
)
from survey_app.dossier.texts import date_text, lines, short_date, text, vietnam_date


def _document(data: DossierData, key: str, **fields: object) -> Document:
    return Document(key=key, draft=data.draft, draft_mark=text("draft", data.language), **fields)  # type: ignore[arg-type]


def letter_date(data: DossierData) -> date | None:
    """The request letter's date: the recorded send date, else the report's date."""
    return data.sent_on or data.issued_on


def minutes_date(data: DossierData) -> date | None:
    """The meeting's date, else the Vietnam day of the last recorded approval."""
    if data.council.meeting_on is not None:
        return data.council.meeting_on
    approvals = data.council.approvals
    return vietnam_date(approvals[-1].at) if approvals else None


def letter(data: DossierData) -> Document:
    """The request letter (Tờ trình) to the recognising authority; only for a recognised round."""
    lang, card = data.language, data.scorecard
    authority = data.recognising_authority
    ward, round_ = ward_in_text(data), round_in_text(data)
    blocks: list[Block] = [
        para(text("basis_decision", lang), "basis"),
        para(text("basis_council", lang, date=date_text(minutes_date(data), lang)), "basis"),
        para(
            text(
                "letter_body",
                lang,
                body=_sentence_start(body_in_text(data)),
                authority=authority,
                ward=ward,
                round=round_,
            )
        ),
        para("- " + _letter_total(data), "bullet"),
        para(
            "- " + text("letter_zero", lang, count=sum(c.points == 0 for c in card.criteria)),
            "bullet",
        ),
        para("- " + text("letter_verdict", lang, verdict=verdict(data)), "bullet"),
    ]
    blocks += override_blocks(data)
    blocks.append(para(text("enclosed", lang)))
    items = lines("enclosed_items", lang)
    blocks += [para(f"{i}. {item}", "bullet") for i, item in enumerate(items, start=1)]
    blocks.append(para(text("letter_close", lang, authority=authority)))
    blocks.append(
        Signature(
            recipients(data, "letter_recipients"),
            signer_heads(data),
            data.signer_name,
            text("recipients", lang),
        )
    )
    return _document(
        data,
        LETTER,
        header=header(data, number_line(data.letter_number, "TTr-UBND", lang), letter_date(data)),
        doc_type=text("letter_type", lang),
        subject=text("letter_subject", lang, ward=ward, round=round_),
        to=text("to", lang, authority=authority),
        blocks=tuple(blocks),
    )


def _letter_total(data: DossierData) -> str:
    card = data.scorecard
    return text(
        "letter_total",
        data.language,
        total=card.total,
        max_total=card.max_total,
        locality=data.locality_label,
        threshold=card.threshold,
    )


def _sentence_start(value: str) -> str:
    return value[:1].upper() + value[1:]


def report(data: DossierData) -> Document:
    """The assessment report (Báo cáo kết quả đánh giá) with its annexes."""
    lang = data.language
    blocks: list[Block] = report_blocks(data)
    blocks.append(
        Signature(
            recipients(data, "report_recipients"),
            signer_heads(data),
            data.signer_name,
            text("recipients", lang),
        )
    )
    annex = provisional_blocks(data)
    if annex:  # an annex follows the signature, on its own page
        blocks += [PageBreak(), *annex]
    return _document(
        data,
        REPORT,
        header=header(data, number_line(data.document_number, "BC-UBND", lang), data.issued_on),
        doc_type=text("report_type", lang),
        subject=text("report_subject", lang, round=round_in_text(data)),
        blocks=tuple(blocks),
    )


def _attendance(data: DossierData) -> list[Block]:
    lang, council = data.language, data.council
    out: list[Block] = [
        para(text("chair", lang, name=council.chair_name, title=council.chair_title), "plain")
    ]
    members = council.members
    if not members:
        return [*out, para(text("no_members", lang), "plain")]
    if any(m.attended is not None for m in members):
        present = len(council.present)
        head = text("members", lang, present=present, total=len(members))
    else:
        head = text("members_unknown", lang)
    out.append(para(head, "plain"))
    for i, m in enumerate(members, start=1):
        parts = [m.name, m.position, m.council_role]
        line = f"{i}. " + ", ".join(p for p in parts if p)
        if m.attended is False:
            line += f" ({text('absent', lang)})"
        out.append(para(line + ";" if i < len(members) else line + ".", "bullet"))
    out.append(para(text("secretary", lang, name=council.secretary or DOTS * 6), "plain"))
    return out


def _vote(data: DossierData) -> Para:
    lang, council = data.language, data.council
    vote = council.vote
    if vote is None:
        return para(text("minutes_vote_blank", lang))
    present = len(council.present) or (vote.in_favour + vote.against + vote.abstained)
    abstained = text("minutes_abstained", lang, count=vote.abstained) if vote.abstained else ""
    return para(
        text(
            "minutes_vote",
            lang,
            yes=vote.in_favour,
            no=vote.against,
            present=present,
            abstained=abstained,
        )
    )


def minutes(data: DossierData) -> Document:
    """The council minutes (Biên bản, Decree 30/2020 form 1.9) with members, vote, signatures."""
    lang, card, council = data.language, data.scorecard, data.council
    day = minutes_date(data)
    blocks: list[Block] = [
        para(text("minutes_time", lang, date=date_text(day, lang)), "plain"),
        para(text("minutes_place", lang, place=council.place or DOTS * 6), "plain"),
        para(text("sec_attendance", lang), "heading"),
        *_attendance(data),
        para(text("sec_content", lang), "heading"),
        para(text("minutes_review", lang)),
        score_grid(data, with_units=False),
    ]
    if not card.recognised:
        blocks.append(para(text("minutes_lacks", lang), "plain"))
        blocks += [para(f"- {r.message(lang)}", "bullet") for r in card.reasons]
        blocks += lacks_blocks(data)
    blocks += [para(text("opinions", lang), "plain"), *(para("", "dots") for _ in range(3))]
    result = text(
        "minutes_result",
        lang,
        verdict=verdict(data),
        total=card.total,
        max_total=card.max_total,
        threshold=card.threshold,
    )
    blocks += [para(text("sec_conclusion", lang), "heading"), para(result), _vote(data)]
    follow = "minutes_next_yes" if card.recognised else "minutes_next_no"
    blocks.append(
        para(text(follow, lang, body=body_in_text(data), authority=data.recognising_authority))
    )
    if council.approvals:
        blocks.append(para(text("approvals", lang), "plain"))
        blocks += [
            para(
                f"- {a.role}: {', '.join(x for x in (a.name, short_date(a.at, lang)) if x)}",
                "bullet",
            )
            for a in council.approvals
        ]
    blocks.append(para(text("minutes_close", lang)))
    blocks.append(
        SignaturePair(
            text("sig_secretary", lang),
            council.secretary,
            text("sig_chair", lang),
            council.chair_name,
            text("sign_hint", lang),
        )
    )
    blocks += _member_signatures(data)
    return _document(
        data,
        MINUTES,
        header=header(data, number_line(data.minutes_number, "BB-HĐĐG", lang), day, council=True),
        doc_type=text("minutes_type", lang),
        subject=text("minutes_subject", lang, round=round_in_text(data)),
        blocks=tuple(blocks),
    )


def _member_signatures(data: DossierData) -> list[Block]:
    """A signature row for every member present (every member when attendance is unknown)."""
    lang, council = data.language, data.council
    signing = council.present or tuple(m for m in council.members if m.attended is None)
    if not signing:
        return []
    rows: list[tuple[Cell, ...]] = [
        (cell(i, "center"), cell(m.name), cell(m.position), cell(""))
        for i, m in enumerate(signing, start=1)
    ]
    keys = ("col_no", "col_name", "col_title", "col_signature")
    grid = Grid(tuple(text(k, lang) for k in keys), tuple(rows), (10, 52, None, 45), row_height=13)
    return [para(text("members_sign", lang), "heading"), grid]


BUILDERS = {LETTER: letter, REPORT: report, MINUTES: minutes}


def dossier_bundle(data: DossierData) -> Bundle:
    """The round's documents, in order, exactly those of ``data.documents``."""
    docs = tuple(BUILDERS[key](data) for key in data.documents)
    title = text("report_subject", data.language, round=data.round_name)
    return Bundle(docs, title=title, author=data.ward_name, language=data.language)
