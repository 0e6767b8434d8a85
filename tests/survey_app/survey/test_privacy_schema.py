"""Children's privacy: the survey tables hold nothing that identifies a person.

Law on Children Art. 21, Decree 56/2017 Art. 33, PDP Law 91/2025: no name, phone, address,
school, class, birth date, IP address, user agent, location, e-mail or device in survey data.
"""

from __future__ import annotations

import logging
import re

from sqlalchemy import String, Text, inspect, select

from survey_app.core.db import Base, engine, get_session
from tests.survey_app.survey_factories import backdate_start, begin, make_survey, varied_answers

SURVEY_TABLES = (
    "response",
    "answer",
    "answer_count",
    "browser_mark",
    "rate_bucket",
    "poster_token",
)
RESPONSE_COLUMNS = {
    "id",
    "round_id",
    "group_id",
    "token_id",
    "instrument_version",
    "audience",
    "age_band",
    "gender",
    "channel",
    "comment",
    "duration_s",
    "day",
    "flag_speeder",
    "flag_straightline",
    "flag_burst",
    "flag_repeat",
    "flag_impossible",
    "held",
    "review",
    "submission_key",
    "comment_review",  # a reviewer's "may be quoted" decision on the masked comment
}
# Words that name personal data, matched against each part of a column name.
PERSONAL = re.compile(
    r"^(name|names|fullname|phone|tel|mobile|address|addr|street|school|class|classroom|"
    r"birth|birthday|dob|born|ip|ipaddr|agent|ua|useragent|location|lat|lng|lon|latitude|"
    r"longitude|gps|geo|email|mail|device|fingerprint|imei|photo|image|cccd|cmnd|idcard)$"
)


def _suspicious(column: str) -> bool:
    parts = re.split(r"[_\W]+", column.lower())
    joined = column.lower().replace("_", "")
    return any(PERSONAL.match(p) for p in parts) or any(
        word in joined for word in ("useragent", "ipaddress", "birthdate", "email", "phone")
    )


def test_survey_tables_have_no_column_that_looks_personal(app):
    with app.app_context():
        inspector = inspect(engine())
        for table in SURVEY_TABLES:
            for column in inspector.get_columns(table):
                assert not _suspicious(column["name"]), f"{table}.{column['name']}"
        for table in SURVEY_TABLES:  # the models agree with the database
            for column in Base.metadata.tables[table].columns:
                assert not _suspicious(column.name), f"{table}.{column.name}"


def test_the_check_would_catch_personal_columns():
    for name in (
        "child_name",
        "phone",
        "ip_address",
        "user_agent",
        "birth_date",
        "school",
        "class_name",
        "home_address",
        "email",
        "device_id",
        "lat",
        "location",
    ):
        assert _suspicious(name), name
    for name in RESPONSE_COLUMNS | {"browser_hash", "window_start", "question_id", "cap"}:
        assert not _suspicious(name), name


def test_response_columns_are_exactly_the_allowed_set(app):
    with app.app_context():
        columns = {c["name"] for c in inspect(engine()).get_columns("response")}
    assert columns == RESPONSE_COLUMNS


def test_no_ip_address_or_user_agent_in_the_database_or_the_logs(app, client, caplog):
    setup = make_survey(app, groups=1)
    address, agent = "203.0.113.77", "DistinctiveAgent/9.9 (SM-A105F; Zalo)"
    client.environ_base.update({"REMOTE_ADDR": address, "HTTP_USER_AGENT": agent})
    caplog.set_level(logging.DEBUG)
    key = begin(client, setup.tokens[0], "resident")
    backdate_start(client)
    response = client.post("/s/resident/questions", data={**varied_answers("resident"), "key": key})
    assert response.status_code == 303
    logged = "\n".join(f"{r.getMessage()} {r.args!r} {r.__dict__!r}" for r in caplog.records)
    for secret in (address, agent, "DistinctiveAgent"):
        assert secret not in logged
    with app.app_context():
        session = get_session()
        found = []
        for table in Base.metadata.sorted_tables:
            text_columns = [c for c in table.columns if isinstance(c.type, String | Text)]
            for column in text_columns:
                for value in session.execute(select(column)).scalars():
                    if value and (address in value or "DistinctiveAgent" in value):
                        found.append(f"{table.name}.{column.name}")
        assert found == []
