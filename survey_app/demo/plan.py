"""The demo ward's yearly plans: the 2024 plan as the ward wrote it, and this year's copied
from it, with some activities done and evidenced, so a newcomer sees a living plan."""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlalchemy.orm import Session

from survey_app.core import fonts
from survey_app.models import User, Ward
from survey_app.plan import evidence_store, service
from survey_app.plan.evidence import check_file

SEED_YEAR = 2024  # the year of the ward's plan in shared/reference/ward-plan-2024.md
SEED_NUMBER = "45"


def _minutes_pdf(title: str, day: dt.date) -> bytes:
    """A one-page scanned-looking record ("Biên bản") of an activity, as evidence."""
    fonts.register_fonts()
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=True)
    page.setFont(fonts.SANS_BOLD, 14)
    page.drawString(72, 760, "BIÊN BẢN (minh họa)")
    page.setFont(fonts.SANS, 11)
    page.drawString(72, 735, title[:90])
    page.drawString(72, 715, f"Ngày {day:%d/%m/%Y} — dữ liệu minh họa của phường Dĩnh Kế")
    page.showPage()
    page.save()
    return out.getvalue()


def _photo_png(day: dt.date) -> bytes:
    """A small placeholder photo of an activity (a coloured card with the date)."""
    image = Image.new("RGB", (320, 200), (225, 238, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 310, 190), outline=(11, 92, 173), width=4)
    draw.text((30, 90), f"Anh minh hoa {day:%d/%m/%Y}", fill=(26, 26, 26))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _evidence(session: Session, activity, day: dt.date, actor: User) -> None:
    pdf = check_file(_minutes_pdf(activity.title, day), "bien-ban.pdf")
    evidence_store.add_evidence(session, activity, pdf, caption="Biên bản", actor=actor)
    photo = check_file(_photo_png(day), "anh-hoat-dong.png")
    evidence_store.add_evidence(session, activity, photo, caption="Ảnh hoạt động", actor=actor)


def seed_plans(session: Session, ward: Ward, actor: User, today: dt.date) -> None:
    """The 2024 plan (all done) and this year's plan (done up to last month), in the caller's
    transaction."""
    seed = service.create_plan(session, ward, SEED_YEAR, actor=actor)
    service.update_header(
        session, seed, number=SEED_NUMBER, issued_on=dt.date(SEED_YEAR, 3, 15), actor=actor
    )
    for activity in seed.activities:
        service.set_done(session, activity, activity.due_on, actor=actor, today=today)
        if activity.indicator:
            _evidence(session, activity, activity.due_on, actor)
    if today.year <= SEED_YEAR:
        return
    current = service.copy_forward(session, seed, today.year, actor=actor)
    month_start = today.replace(day=1)
    # Done: what was due before this month, except the last such one, left overdue to show
    # what a late activity looks like.
    due = [a for a in current.activities if a.due_on < month_start]
    for activity in due[:-1]:
        service.set_done(session, activity, activity.due_on, actor=actor, today=today)
        if activity.indicator:
            _evidence(session, activity, activity.due_on, actor)
