"""The paper questionnaire: the same instrument as the phone survey, printable on A4.

For people without a phone; staff type the ticks back in on the paper-entry page. Same
question ids, same order and the same scale, with each answer's code (0-5) printed under its
label so data entry is a row of digits. Children's version: a simple vector face next to each
tick box. A box for the residential group (pre-printed on a leader's copy), the notice and
consent ticks, and no personal data asked. Black on white for photocopiers. Words come from
the instrument file, except the few form labels below (kept here, like poster_texts, because
forms are also rendered outside a web request) and the notice items that differ on paper: the
online notice's "what we keep" items speak of the QR code and the phone's cookie, so the paper
form says instead what the sheet holds, who types it in, and how to hand it back.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from assessment import Audience, Instrument
from survey_app.core.fonts import SANS, SANS_BOLD, nfc, register_fonts, wrap_text

PAPER_TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "kicker": "Phiếu khảo sát (bản giấy)",
        "group": "Tổ dân phố:",
        "entered": "Dành cho cán bộ: đã nhập vào hệ thống",
        "notice": "Trước khi bắt đầu",
        "consent": "Đồng ý",
        "age": "Nhóm tuổi (đánh dấu một ô)",
        "how": "Đánh dấu X vào MỘT ô cho mỗi câu.",
        "no_names": "Không ghi tên, số điện thoại hay địa chỉ lên phiếu này.",
        "question": "Câu hỏi",
        "version": "Phiên bản câu hỏi",
        "page": "Trang",
    },
    "en": {
        "kicker": "Questionnaire (paper copy)",
        "group": "Residential group:",
        "entered": "For staff: entered into the system",
        "notice": "Before you start",
        "consent": "Consent",
        "age": "Age group (tick one box)",
        "how": "Put an X in ONE box for each question.",
        "no_names": "Do not write any name, phone number or address on this form.",
        "question": "Question",
        "version": "Question version",
        "page": "Page",
    },
}
# The online notice's items that describe the phone (QR code, cookie): replaced on paper.
ONLINE_ONLY_NOTICE = ("collected", "not_collected")
# The paper notice, per audience: what the sheet holds, who types it in, how to return it.
PAPER_NOTICE: dict[str, dict[str, tuple[str, ...]]] = {
    "vi": {
        "child": (
            "Phiếu này không ghi tên em. Phiếu chỉ có: tổ dân phố, nhóm tuổi, giới tính nếu em "
            "muốn nói, và các ô em đánh dấu.",
            "Cán bộ UBND phường nhập các ô em đánh dấu vào máy tính; không ai biết phiếu nào là "
            "của em.",
            "Làm xong, em gấp đôi phiếu và bỏ vào thùng phiếu, hoặc đưa lại cho người đã phát "
            "phiếu cho em.",
        ),
        "resident": (
            "Phiếu không ghi họ tên, số điện thoại hay địa chỉ. Phiếu chỉ có: tổ dân phố, nhóm "
            "tuổi, giới tính nếu ông/bà muốn cho biết, các câu trả lời và góp ý (nếu có).",
            "Cán bộ UBND phường nhập phiếu vào hệ thống; số điện thoại, e-mail lỡ ghi trong góp "
            "ý sẽ bị che; chỉ công bố số liệu tổng hợp.",
            "Trả lời xong, xin gấp phiếu lại, bỏ vào thùng phiếu tại nhà văn hóa tổ dân phố hoặc "
            "gửi tổ trưởng tổ dân phố.",
        ),
    },
    "en": {
        "child": (
            "This sheet has no name on it. It only holds: your residential group, age group, "
            "your gender if you want to say it, and the boxes you tick.",
            "Staff at the ward office type your ticks into a computer; nobody can tell which "
            "sheet is yours.",
            "When you have finished, fold the sheet and put it in the box, or give it back to "
            "the person who gave it to you.",
        ),
        "resident": (
            "The sheet has no name, phone number or address. It only holds: your residential "
            "group, age group, gender if you wish to say, your answers and any comment.",
            "Ward office staff type the sheet in; a phone number or e-mail written in a comment "
            "is hidden; only totals are published.",
            "When you have finished, please fold the sheet and put it in the box at the "
            "residential group's community hall, or hand it to the group leader.",
        ),
    },
}
_MARGIN = 15 * mm
_BOX = 4.6 * mm
_TEXT_COL = 80 * mm  # the question column; the rest is split between the answer columns
_BODY, _SMALL, _TINY = 9.5, 8.0, 7.0
# How far the middle of the mouth sags below its corners, in radii: below 0 frowns.
_MOUTH_CURVE = {1: -0.4, 2: -0.2, 3: 0.0, 4: 0.2, 5: 0.4}


@dataclass
class _Pen:
    """The canvas and the current baseline, moving down the page (new page when full)."""

    canvas: Canvas
    y: float
    page: int
    footer: str

    def need(self, height: float) -> bool:
        """Start a new page when ``height`` does not fit; True when a page was started."""
        if self.y - height >= _MARGIN + 8 * mm:
            return False
        self.finish_page()
        self.canvas.showPage()
        self.page += 1
        self.y = A4[1] - _MARGIN
        return True

    def finish_page(self) -> None:
        self.canvas.setFont(SANS, _TINY)
        self.canvas.drawString(_MARGIN, _MARGIN, nfc(f"{self.footer} · {self.page}"))

    def lines(
        self,
        text: str,
        *,
        font: str = SANS,
        size: float = _BODY,
        x: float = _MARGIN,
        width: float | None = None,
        leading: float = 1.25,
    ) -> None:
        """Wrapped text from the current baseline down."""
        width = width if width is not None else A4[0] - _MARGIN - x
        for line in wrap_text(text, font, size, width):
            self.need(size * leading)
            self.y -= size * leading
            self.canvas.setFont(font, size)
            self.canvas.drawString(x, self.y, line)


def draw_face(canvas: Canvas, x: float, y: float, radius: float, value: int) -> None:
    """A line-drawn face centred on (x, y): frown (1) to big smile (5), "?" for don't-know."""
    canvas.saveState()
    canvas.setLineWidth(max(0.6, radius / 6))
    canvas.circle(x, y, radius, stroke=1, fill=0)
    if value not in _MOUTH_CURVE:
        canvas.setFont(SANS_BOLD, radius * 1.3)
        canvas.drawCentredString(x, y - radius * 0.45, "?")
        canvas.restoreState()
        return
    eye = radius * 0.13
    for dx in (-0.35, 0.35):
        canvas.circle(x + dx * radius, y + 0.3 * radius, eye, stroke=0, fill=1)
    sag = _MOUTH_CURVE[value] * radius
    corners = y - 0.45 * radius + 0.5 * sag  # a smile's corners rise, a frown's drop
    control = sag / 0.75  # a cubic's middle moves 3/4 of its control points' offset
    half = 0.5 * radius
    canvas.bezier(
        x - half,
        corners,
        x - half / 2,
        corners - control,
        x + half / 2,
        corners - control,
        x + half,
        corners,
    )
    canvas.restoreState()


def _tick_box(canvas: Canvas, x: float, y: float, size: float = _BOX) -> None:
    canvas.setLineWidth(0.9)
    canvas.rect(x, y, size, size, stroke=1, fill=0)


def _choices_row(pen: _Pen, labels: list[str]) -> None:
    """Tick boxes with their labels on one or more lines (age bands, genders)."""
    x = _MARGIN
    pen.need(8 * mm)
    pen.y -= 7 * mm
    for label in labels:
        width = _BOX + 2 * mm + pen.canvas.stringWidth(nfc(label), SANS, _BODY) + 7 * mm
        if x + width > A4[0] - _MARGIN:
            pen.need(8 * mm)
            pen.y -= 7 * mm
            x = _MARGIN
        _tick_box(pen.canvas, x, pen.y - 1, _BOX)
        pen.canvas.setFont(SANS, _BODY)
        pen.canvas.drawString(x + _BOX + 2 * mm, pen.y, nfc(label))
        x += width


def _header(pen: _Pen, instrument: Instrument, lang: str, faces: bool, widths: float) -> None:
    """The scale header: each answer's label, its code (typed by staff), for children a face."""
    canvas = pen.canvas
    height = 23 * mm if faces else 15 * mm
    pen.need(height)
    top = pen.y
    canvas.setFont(SANS_BOLD, _SMALL)
    canvas.drawString(_MARGIN, top - 4 * mm, nfc(PAPER_TEXTS[lang]["question"]))
    for index, option in enumerate(instrument.scale):
        centre = _MARGIN + _TEXT_COL + (index + 0.5) * widths
        y = top - 2.5 * mm
        if faces:
            draw_face(canvas, centre, top - 5 * mm, 3.6 * mm, option.value)
            y = top - 12 * mm
        canvas.setFont(SANS, _TINY)
        for line in wrap_text(option.label.get(lang), SANS, _TINY, widths - 2 * mm)[:3]:
            canvas.drawCentredString(centre, y, line)
            y -= _TINY * 1.15
        canvas.setFont(SANS_BOLD, _SMALL)
        canvas.drawCentredString(centre, y - 1, f"({option.value})")
    pen.y = top - height
    canvas.setLineWidth(0.8)
    canvas.line(_MARGIN, pen.y, A4[0] - _MARGIN, pen.y)


def _questions(pen: _Pen, instrument: Instrument, audience: Audience, lang: str) -> None:
    widths = (A4[0] - 2 * _MARGIN - _TEXT_COL) / len(instrument.scale)
    _header(pen, instrument, lang, audience.faces, widths)
    for number, question in enumerate(audience.questions, start=1):
        lines = wrap_text(f"{number}. {question.text.get(lang)}", SANS, _BODY, _TEXT_COL - 3 * mm)
        height = max(len(lines) * _BODY * 1.2 + 3.5 * mm, 9.5 * mm)
        if pen.need(height):
            _header(pen, instrument, lang, audience.faces, widths)
        top = pen.y
        y = top - 2 * mm
        pen.canvas.setFont(SANS, _BODY)
        for line in lines:
            y -= _BODY * 1.2
            pen.canvas.drawString(_MARGIN, y, line)
        middle = top - height / 2
        for index, option in enumerate(instrument.scale):
            centre = _MARGIN + _TEXT_COL + (index + 0.5) * widths
            if audience.faces:
                draw_face(pen.canvas, centre - 3.4 * mm, middle, 2.5 * mm, option.value)
                _tick_box(pen.canvas, centre + 0.4 * mm, middle - _BOX / 2)
            else:
                _tick_box(pen.canvas, centre - _BOX / 2, middle - _BOX / 2)
        pen.y = top - height
        pen.canvas.setLineWidth(0.4)
        pen.canvas.line(_MARGIN, pen.y, A4[0] - _MARGIN, pen.y)


def paper_notice(audience: Audience, lang: str, ward_name: str) -> list[str]:
    """The notice printed on paper: the instrument's items without the phone-only ones, and
    the paper items (what the sheet holds, who types it in, how to return it) after "why"."""
    online = [(key, text.get(lang, ward=ward_name)) for key, text in audience.notice]
    kept = [(key, line) for key, line in online if key not in ONLINE_ONLY_NOTICE]
    paper = list(PAPER_NOTICE[lang].get(audience.id, PAPER_NOTICE[lang]["resident"]))
    keys = [key for key, _ in kept]
    at = keys.index("why") + 1 if "why" in keys else len(kept)
    return [line for _, line in kept[:at]] + paper + [line for _, line in kept[at:]]


def _group_without_label(group_name: str, label: str) -> str:
    """ "Tổ dân phố Mé" after the label "Tổ dân phố:" prints "Mé", not the words twice."""
    prefix = label.rstrip(":").strip()
    name = group_name.strip()
    if prefix and name.lower().startswith(prefix.lower() + " "):
        return name[len(prefix) :].strip()
    return name


def render_paper_form(
    instrument: Instrument,
    audience_id: str,
    *,
    lang: str = "vi",
    ward_name: str,
    group_name: str | None = None,
) -> bytes:
    """A printable A4 PDF of one audience's questionnaire (KeyError: unknown audience).

    ``group_name`` pre-prints the residential group; otherwise the form has a blank line for it.
    """
    if lang not in PAPER_TEXTS:
        raise ValueError(f"lang must be one of {sorted(PAPER_TEXTS)}, not {lang!r}")
    audience = instrument.audience(audience_id)
    words = PAPER_TEXTS[lang]
    register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1, invariant=1, initialFontName=SANS)
    canvas.setTitle(nfc(f"{instrument.title.get(lang)} – {ward_name}"))
    canvas.setCreator("child-friendly-ward")
    footer = f"{words['version']}: {instrument.version} · {words['page']}"
    pen = _Pen(canvas, A4[1] - _MARGIN, 1, footer)
    pen.lines(words["kicker"] + " · " + ward_name, size=_SMALL)
    pen.lines(instrument.title.get(lang), font=SANS_BOLD, size=12, leading=1.15)
    pen.lines(audience.label.get(lang), font=SANS_BOLD, size=11.5)
    # The group box: written by hand, or pre-printed on a group leader's copy.
    pen.y -= 3 * mm
    canvas.setLineWidth(1.2)
    canvas.rect(_MARGIN, pen.y - 11 * mm, A4[0] - 2 * _MARGIN, 11 * mm, stroke=1, fill=0)
    canvas.setFont(SANS_BOLD, 12)
    label = nfc(words["group"])
    canvas.drawString(_MARGIN + 3 * mm, pen.y - 7.3 * mm, label)
    start = _MARGIN + 5 * mm + canvas.stringWidth(label, SANS_BOLD, 12)
    if group_name:
        canvas.drawString(start, pen.y - 7.3 * mm, nfc(_group_without_label(group_name, label)))
    else:
        canvas.setDash(1, 2)
        canvas.line(start, pen.y - 7.8 * mm, start + 75 * mm, pen.y - 7.8 * mm)
        canvas.setDash()
    canvas.setFont(SANS, _TINY)
    entered = nfc(words["entered"])
    right = A4[0] - _MARGIN - 3 * mm
    canvas.drawRightString(right - _BOX - 2 * mm, pen.y - 7 * mm, entered)
    _tick_box(canvas, right - _BOX, pen.y - 8 * mm)
    pen.y -= 13 * mm
    pen.lines(words["notice"], font=SANS_BOLD, size=_BODY)
    for line in paper_notice(audience, lang, ward_name):
        pen.lines("• " + line, size=_TINY + 0.5, leading=1.15)
    pen.lines(words["no_names"], font=SANS_BOLD, size=_SMALL)
    pen.y -= 1 * mm
    for consent in audience.consents:
        lines = wrap_text(consent.label.get(lang), SANS, _BODY, A4[0] - 2 * _MARGIN - 9 * mm)
        pen.need(len(lines) * _BODY * 1.25 + 3 * mm)
        pen.y -= 2 * mm
        _tick_box(canvas, _MARGIN, pen.y - _BOX + 2.5, _BOX)
        pen.lines(" ".join(lines), x=_MARGIN + 8 * mm)
    pen.y -= 2 * mm
    pen.lines(words["age"], font=SANS_BOLD, size=_BODY)
    _choices_row(pen, [band.label.get(lang) for band in audience.age_bands])
    pen.y -= 2 * mm
    pen.lines(instrument.gender_label.get(lang), font=SANS_BOLD, size=_BODY)
    _choices_row(pen, [gender.label.get(lang) for gender in instrument.genders])
    pen.y -= 4 * mm
    pen.lines(audience.intro.get(lang), size=_BODY)
    pen.lines(words["how"], font=SANS_BOLD, size=_BODY)
    pen.y -= 2 * mm
    _questions(pen, instrument, audience, lang)
    pen.finish_page()
    canvas.showPage()
    canvas.save()
    return out.getvalue()


__all__ = ["PAPER_NOTICE", "PAPER_TEXTS", "draw_face", "paper_notice", "render_paper_form"]
