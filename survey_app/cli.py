"""The `cfw` command line: one click group; each concern adds its commands."""

from __future__ import annotations

import click

from survey_app.commands import rules, score, server


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="child-friendly-ward")
def main() -> None:
    """Child-friendly ward platform: rule sets, scoring, survey, posters and staff tools."""


main.add_command(rules.rules)
main.add_command(score.score)
main.add_command(server.init)
main.add_command(server.serve)
