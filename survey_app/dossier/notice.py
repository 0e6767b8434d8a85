"""The public posting notice (Thông báo niêm yết công khai kết quả tự đánh giá), PDF and DOCX.

Rendered from plain data (:class:`NoticeData`, usually made by :func:`notice_data` from the
round's ``DossierData``), in the same document format as the dossier: number …/TB-UBND,
place and date, the result per criterion, total, threshold and verdict, the posting period,
where to send comments, and the signer. Entry points: :func:`render_notice_pdf` and
:func:`render_notice_docx`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from survey_app.dossier.data import DossierData, Posting
from survey_app.dossier.model import Block, Bundle, Document, Signature, para
from survey_app.dossier.parts import (
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
from survey_app.dossier.pdf import render_bundle_pdf
from survey_app.dossier.texts import number, short_date, text
from survey_app.dossier.word import render_bundle_docx


@dataclass(frozen=True, slots=True)
class NoticeData:
    """What the posting notice prints: the round's dossier data plus the posting details.

    ``number`` as the clerk typed it ("07" or "07/TB-UBND"); ``issued_on`` the notice's date
    (usually the first posting day); ``places`` where it is posted ("" prints the usual
    places); ``feedback_to`` who receives comments ("Bộ phận Văn hóa - Xã hội, UBND phường,
    điện thoại …"); ``feedback_url`` the public page's address for online comments ("" none).
    """

    dossier: DossierData
    posting: Posting
    number: str = ""
    issued_on: date | None = None
    places: str = ""
    feedback_to: str = ""
    feedback_url: str = ""


def notice_data(
    dossier: DossierData,
    posting: Posting,
    *,
    number: str = "",
    issued_on: date | None = None,
    places: str = "",
    feedback_to: str = "",
    feedback_url: str = "",
) -> NoticeData:
    """The notice's data; the posting is also recorded on the dossier data it carries."""
    return NoticeData(
        dossier=dataclasses.replace(dossier, posting=posting),
        posting=posting,
        number=number,
        issued_on=issued_on if issued_on is not None else posting.start,
        places=places,
        feedback_to=feedback_to,
        feedback_url=feedback_url,
    )


def notice_document(notice: NoticeData) -> Document:
    """The notice as a content-model document (one renderer per format)."""
    data, posting = notice.dossier, notice.posting
    lang, card = data.language, data.scorecard
    body, ward, round_ = body_in_text(data), ward_in_text(data), round_in_text(data)
    blocks: list[Block] = [
        para(text("notice_intro", lang, body=body, ward=ward, round=round_)),
        para(text("notice_sec_result", lang), "heading"),
        score_grid(data, with_units=False),
        para(
            text(
                "notice_total",
                lang,
                total=card.total,
                max_total=card.max_total,
                locality=data.locality_label,
                threshold=card.threshold,
            )
        ),
        para(text("notice_verdict", lang, verdict=verdict(data))),
    ]
    survey = data.survey
    if survey is not None and survey.combined.rate is not None:
        respondents = sum(a.respondents for a in survey.audiences)
        rate = number(survey.combined.rate, lang)
        blocks.append(para(text("notice_survey", lang, respondents=respondents, rate=rate)))
    days = (posting.end - posting.start).days + 1
    start, end = short_date(posting.start, lang), short_date(posting.end, lang)
    places = notice.places or text("notice_places_default", lang, body=body)
    blocks += [
        para(text("notice_sec_period", lang), "heading"),
        para(text("notice_period", lang, start=start, end=end, days=days)),
        para(text("notice_places", lang, places=places)),
        para(text("notice_sec_feedback", lang), "heading"),
        para(text("notice_feedback", lang, to=notice.feedback_to or body)),
    ]
    if notice.feedback_url:
        blocks.append(para(text("notice_feedback_url", lang)))
        blocks.append(para(notice.feedback_url, "center"))
    blocks.append(para(text("notice_close", lang, body=body[:1].upper() + body[1:])))
    blocks.append(
        Signature(
            recipients(data, "notice_recipients"),
            signer_heads(data),
            data.signer_name,
            text("recipients", lang),
        )
    )
    return Document(
        key="notice",
        header=header(data, number_line(notice.number, "TB-UBND", lang), notice.issued_on),
        doc_type=text("notice_type", lang),
        subject=text("notice_subject", lang, ward=ward, round=round_),
        blocks=tuple(blocks),
        draft=data.draft,
        draft_mark=text("draft", lang),
    )


def _bundle(notice: NoticeData) -> Bundle:
    data = notice.dossier
    document = notice_document(notice)
    return Bundle(
        (document,), title=document.subject, author=data.ward_name, language=data.language
    )


def render_notice_pdf(notice: NoticeData) -> bytes:
    """The posting notice as PDF bytes (A4, Decree 30/2020 layout)."""
    return render_bundle_pdf(_bundle(notice))


def render_notice_docx(notice: NoticeData) -> bytes:
    """The posting notice as DOCX bytes, same content as the PDF."""
    return render_bundle_docx(_bundle(notice))
