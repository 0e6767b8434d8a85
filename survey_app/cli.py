"""The `cfw` command line: one click group; each concern adds its commands."""

from __future__ import annotations

import click

from survey_app.commands import audit, backup, db, purge, rules, server, setup, translate, users
from survey_app.commands import council as council_commands
from survey_app.commands import posters as poster_commands
from survey_app.commands import rounds as rounds_commands
from survey_app.commands import stats as stats_commands
from survey_app.commands import survey as survey_commands


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="child-friendly-ward")
def main() -> None:
    """Child-friendly ward platform: rule sets, scoring, survey, posters and staff tools."""


main.add_command(rules.rules)
main.add_command(rounds_commands.score_group)  # `cfw score FILE` and `cfw score verify ID`
main.add_command(server.init)
main.add_command(server.serve)
main.add_command(backup.backup)
main.add_command(backup.restore)
main.add_command(db.db)  # `cfw db copy SQLITE_URL POSTGRES_URL`
main.add_command(purge.purge)
main.add_command(users.user)
main.add_command(council_commands.council)
main.add_command(audit.audit)
main.add_command(survey_commands.demo)
main.add_command(survey_commands.groups)
main.add_command(translate.translate)
main.add_command(rounds_commands.rounds)
main.add_command(poster_commands.posters)
main.add_command(stats_commands.stats)
main.add_command(setup.ward)  # also adds `groups import` and `rounds create|open|close`
