"""A demo ward shaped like phường Dĩnh Kế (a ward of Bắc Giang city, from its 2024 plan).

The residential groups and their populations are invented but plausible; the answers are
generated with a seeded random generator and stored through the same service functions as
real answers (`submit_response`), so the demo exercises the real path, flags included.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessment import Instrument, default_version, load_instrument
from survey_app.accounts.users import create_user
from survey_app.core.db import write_transaction
from survey_app.core.paths import EXAMPLES
from survey_app.demo.plan import seed_plans
from survey_app.models import (
    AssessmentRound,
    CouncilMember,
    ResidentialGroup,
    Response,
    User,
    Ward,
)
from survey_app.results.counts import counts_as_flagged_sql
from survey_app.survey import submit as survey
from survey_app.survey import tokens
from survey_app.survey.caps import poster_cap
from survey_app.workspace import criteria

DEMO_CODE = "dinh-ke"
INSTRUMENT_VERSION = "c13-2026.2"  # the newest: the children's own words and a short notice
# Criteria 1-12 of the demo round come from the realistic example shipped for `cfw score`.
EXAMPLE_FIGURES = EXAMPLES / "dinh-ke-2024.json"
DEFAULT_AUTHORITY = "Chủ tịch UBND tỉnh Bắc Giang"
# (name, children aged 10-15, residents aged 16+): invented, realistic for a city ward.
GROUPS = (
    ("Tổ dân phố Mé", 142, 1380),
    ("Tổ dân phố Thanh Mai", 118, 1120),
    ("Tổ dân phố Hòa Sơn", 165, 1540),
    ("Tổ dân phố Đồng Quan", 96, 930),
    ("Tổ dân phố Chi Ly 1", 74, 760),
    ("Tổ dân phố Chi Ly 2", 88, 820),
    ("Tổ dân phố Nam Giang", 131, 1260),
    ("Tổ dân phố Tân Mỹ", 152, 1450),
    ("Tổ dân phố Cầu Sắt", 63, 710),
    ("Tổ dân phố Hòa Bình", 109, 1030),
    ("Tổ dân phố Đông Phú", 177, 1590),
    ("Tổ dân phố Quán Thành", 84, 880),
)
# Demo staff: (username, role, unit, display name); the group leader leads group 1.
STAFF = (
    ("admin", "admin", None, "Quản trị hệ thống"),
    ("vhxh", "vhxh", None, "Công chức Văn hóa - Xã hội"),
    ("congan", "unit", "congan", "Công an phường"),
    ("yte", "unit", "yte", "Trạm Y tế phường"),
    ("tuphap", "unit", "tuphap", "Công chức Tư pháp - Hộ tịch"),
    ("truonghoc", "unit", "truonghoc", "Các trường học"),
    ("doan", "unit", "doan", "Đoàn Thanh niên phường"),
    ("hoidong", "council", None, "Vũ Văn Trung"),
    ("hoidong2", "council", None, "Lê Thị Mai"),
    ("totruong1", "leader", None, "Tổ trưởng Tổ dân phố Mé"),
    ("xem", "viewer", None, "Người xem (chỉ đọc)"),
)
# The assessment council as the minutes print it: (name, position, place, linked account).
# The chair signs the ward's 2024 plan; the other people are invented (demo data).
COUNCIL = (
    ("Vũ Văn Trung", "Phó Chủ tịch UBND phường", "chair", "hoidong"),
    ("Nguyễn Thị Lan", "Công chức Văn hóa - Xã hội", "secretary", None),
    ("Trần Văn Hùng", "Trưởng Công an phường", "member", None),
    ("Lê Thị Mai", "Trạm trưởng Trạm Y tế phường", "member", "hoidong2"),
    ("Phạm Văn Nam", "Công chức Tư pháp - Hộ tịch", "member", None),
    ("Hoàng Thị Thu", "Hiệu trưởng Trường Tiểu học Dĩnh Kế", "member", None),
    ("Đỗ Minh Tuấn", "Bí thư Đoàn Thanh niên phường", "member", None),
    ("Ngô Thị Hạnh", "Chủ tịch Ủy ban MTTQ Việt Nam phường", "member", None),
)
SAMPLE_COMMENTS = (
    "Cần thêm sân chơi cho trẻ em trong tổ.",
    "Đường đi học buổi tối còn tối, nên lắp thêm đèn.",
    "Các cô chú ở phường rất nhiệt tình.",
    "Muốn có thêm sách ở nhà văn hóa.",
    "Có gì cần hỏi xin gọi tôi 0912 345 678.",  # masked on the way in: shows the masking
)


@dataclass
class DemoResult:
    """What `build_demo` made: ids, survey links and the one-time staff passwords."""

    ward_id: int
    round_id: int
    links: list[tuple[str, str]] = field(default_factory=list)  # (group name, survey URL)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # (user, role, password)
    answers: int = 0
    flagged: int = 0


def demo_exists(session: Session) -> bool:
    """True when any ward exists (``cfw demo --if-new`` then does nothing)."""
    return session.execute(select(func.count(Ward.id))).scalar_one() > 0


def build_demo(
    session: Session,
    *,
    base_url: str,
    secret: str,
    answers: int = 300,
    seed: int = 2024,
    authority: str = DEFAULT_AUTHORITY,
    today: dt.date | None = None,
) -> DemoResult:
    """Create the demo ward, groups, open round, tokens and staff, then ``answers`` answers."""

    today = today or dt.date.today()
    rng = random.Random(seed)
    with write_transaction(session):
        if session.execute(select(Ward).where(Ward.code == DEMO_CODE)).scalar() is not None:
            raise ValueError(f"a ward with code {DEMO_CODE!r} already exists")
        ward = Ward(
            code=DEMO_CODE,
            name="Phường Dĩnh Kế",
            province="Bắc Giang",
            locality_type="other",
            locality_basis="Phường thuộc thành phố trực thuộc tỉnh (dữ liệu minh họa)",
            recognising_authority=authority,
            # The signatories of the ward's 2024 plan (KT. CHỦ TỊCH / PHÓ CHỦ TỊCH).
            parent_body="UBND THÀNH PHỐ BẮC GIANG",
            chair_name="Vũ Văn Trung",
            chair_title="Phó Chủ tịch UBND phường",
            signer_name="Vũ Văn Trung",
            signer_role="vice",
        )
        session.add(ward)
        session.flush()
        groups = []
        for position, (name, children, residents) in enumerate(GROUPS, start=1):
            group = ResidentialGroup(
                ward_id=ward.id,
                name=name,
                position=position,
                children=children,
                residents=residents,
            )
            session.add(group)
            groups.append(group)
        round_ = AssessmentRound(
            ward_id=ward.id,
            name=f"Năm {today.year}",
            period_start=dt.date(today.year, 1, 1),
            period_end=dt.date(today.year, 12, 31),
            rule_version=default_version(),
            instrument_version=INSTRUMENT_VERSION,
            status="open",
        )
        session.add(round_)
        session.flush()
        result = DemoResult(ward.id, round_.id)
        token_ids = []
        for group in groups:
            cap = poster_cap(group.children, group.residents)
            token = tokens.new_token(session, group, round_, cap, reason="cfw demo")
            token_ids.append(token.id)
            result.links.append((group.name, tokens.survey_url(base_url, token.token)))
        accounts = {}
        for username, role, unit, display in STAFF:
            accounts[username], password = create_user(
                session,
                username=username,
                role=role,
                display_name=display,
                ward_id=ward.id,
                unit=unit,
                group_id=groups[0].id if role == "leader" else None,
                must_change_password=False,
                reason="cfw demo",
            )
            result.accounts.append((username, role, password))
        for order, (name, position, place, username) in enumerate(COUNCIL, start=1):
            linked = accounts[username].id if username else None
            session.add(
                CouncilMember(
                    ward_id=ward.id,
                    name=name,
                    position=position,
                    council_role=place,
                    order=order,
                    user_id=linked,
                )
            )
        officer = next(
            u
            for u in session.scalars(select(User).where(User.ward_id == ward.id))
            if u.role == "vhxh"
        )
        seed_plans(session, ward, officer, today)
    weights = [children + residents for _name, children, residents in GROUPS]
    instrument = load_instrument(INSTRUMENT_VERSION)
    browsers: list[str] = []
    for _ in range(answers):
        token_id = rng.choices(token_ids, weights=weights)[0]
        submission, now = _fake_submission(rng, instrument, token_id, browsers, today)
        stored = survey.submit_response(
            session, submission, instrument=instrument, secret=secret, now=now
        )
        result.answers += 1
        result.flagged += stored.held
    with write_transaction(session):
        enter_example_figures(session, session.get(AssessmentRound, round_.id))
    return result


def enter_example_figures(session: Session, round_: AssessmentRound) -> int:
    """Enter and submit criteria 1-12 from examples/dinh-ke-2024.json, each by its own unit.

    Goes through the same service (validation, audit) as the entry forms, so the demo
    scorecard has real figures and the round can be taken through consolidation and
    approval. Returns how many sections were submitted.
    """

    example = json.loads(EXAMPLE_FIGURES.read_text(encoding="utf-8"))["inputs"]
    rules = criteria.rules_for(round_)
    users = session.execute(select(User).where(User.ward_id == round_.ward_id)).scalars()
    by_unit = {user.unit: user for user in users if user.role in ("unit", "vhxh") and user.unit}
    submitted = 0
    for part in criteria.entered_sections(rules):
        actor = by_unit.get(part.unit) or by_unit["vhxh"]
        unit = rules.unit(part.unit)
        source = f"{unit.name.vi if unit else part.unit}: sổ theo dõi năm {round_.period_end.year}"
        values = {}
        for spec in part.inputs:
            group, _, name = spec.key.partition(".")
            values[spec.key] = example.get(group, {}).get(name)
        criteria.record_criterion_values(
            session,
            round_,
            part.id,
            values,
            dict.fromkeys(values, source),
            actor=actor,
            reason="cfw demo",
        )
        criteria.submit_criterion(session, round_, part.id, actor=actor)
        submitted += 1
    return submitted


def _fake_submission(
    rng: random.Random,
    instrument: Instrument,
    token_id: int,
    browsers: list[str],
    today: dt.date,
) -> tuple[survey.Submission, dt.datetime]:
    """One plausible respondent: mostly satisfied, some don't-knows, a few speeders."""
    audience_id = "child" if rng.random() < 0.35 else "resident"
    audience = instrument.audience(audience_id)
    mood = rng.gauss(4.0, 0.8)
    answers = {}
    for question in audience.questions:
        if rng.random() < 0.04:
            answers[question.id] = instrument.dont_know
        else:
            answers[question.id] = min(5, max(1, round(mood + rng.gauss(0, 0.7))))
    days_ago = rng.randint(0, min(20, today.timetuple().tm_yday - 1))
    now = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(1)) + dt.timedelta(
        seconds=rng.randint(0, 14 * 3600)  # 08:00-22:00 in Vietnam (UTC+7)
    )
    seconds = rng.randint(12, 25) if rng.random() < 0.03 else rng.randint(50, 320)
    if browsers and rng.random() < 0.03:
        browser = rng.choice(browsers)  # a second answer from one phone: flagged "repeat"
    else:
        browser = f"demo{rng.getrandbits(96):024x}"
        browsers.append(browser)
    gender_ids = instrument.gender_ids
    submission = survey.Submission(
        token_id=token_id,
        audience=audience_id,
        age_band=rng.choice(audience.age_band_ids),
        gender=rng.choice(gender_ids) if rng.random() < 0.85 else None,
        answers=answers,
        submission_key=f"demo-{rng.getrandbits(128):032x}",
        lang="vi",
        comment=rng.choice(SAMPLE_COMMENTS) if rng.random() < 0.06 else None,
        started_at=now - dt.timedelta(seconds=seconds),
        browser_id=browser,
    )
    return submission, now


def survey_links(session: Session, base_url: str, round_id: int | None = None) -> list[dict]:
    """Each group of the open rounds (or of ``round_id``) with its survey URL and counts."""
    query = select(AssessmentRound).order_by(AssessmentRound.id)
    if round_id is not None:
        query = query.where(AssessmentRound.id == round_id)
    else:
        query = query.where(AssessmentRound.status == "open")
    counts = _response_counts(session)
    rows: list[dict[str, Any]] = []
    for round_ in session.execute(query).scalars():
        for group in round_.ward.groups:
            token = tokens.current_token(session, group.id, round_.id)
            got = counts.get((round_.id, group.id), {})
            rows.append(
                {
                    "round_id": round_.id,
                    "round": round_.name,
                    "ward": round_.ward.name,
                    "group_id": group.id,
                    "group": group.name,
                    "children": group.children,
                    "residents": group.residents,
                    "token_status": token.status if token else None,
                    "used": token.used if token else 0,
                    "cap": token.cap if token else 0,
                    "survey_url": tokens.survey_url(base_url, token.token) if token else None,
                    "responses": {
                        "child": got.get(("child", False), 0) + got.get(("child", True), 0),
                        "resident": got.get(("resident", False), 0)
                        + got.get(("resident", True), 0),
                    },
                    "flagged": got.get(("child", True), 0) + got.get(("resident", True), 0),
                }
            )
    return rows


def _response_counts(session: Session) -> dict[tuple[int, int], dict[tuple[str, bool], int]]:
    flagged = counts_as_flagged_sql()  # "not counted", the one definition
    query = select(
        Response.round_id, Response.group_id, Response.audience, flagged, func.count()
    ).group_by(Response.round_id, Response.group_id, Response.audience, flagged)
    result: dict[tuple[int, int], dict[tuple[str, bool], int]] = {}
    for round_id, group_id, audience, is_flagged, n in session.execute(query):
        result.setdefault((round_id, group_id), {})[(audience, bool(is_flagged))] = n
    return result


def first_survey_link(session: Session, base_url: str) -> tuple[str, str] | None:
    """(group name, survey URL) of the first group with a live poster, for start-up banners."""
    for row in survey_links(session, base_url):
        if row["survey_url"] and row["token_status"] == "active":
            return row["group"], row["survey_url"]
    return None
