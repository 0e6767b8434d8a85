"""`cfw posters`: write survey posters (and the QR images) without the web interface."""

from __future__ import annotations

from pathlib import Path

import click

from survey_app.commands.appctx import with_app


@click.command("posters")
@click.option(
    "--round", "round_id", type=int, default=None, help="Round id (default: the newest open round)."
)
@click.option("--group", "group_id", type=int, default=None, help="Only this group's poster.")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("posters.pdf"),
    show_default=True,
    help="PDF file to write.",
)
@click.option("--size", type=click.Choice(["A4", "A5"]), default="A4", show_default=True)
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@click.option(
    "--qr-zip",
    "qr_zip_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write a zip of PNG and SVG QR codes.",
)
@with_app
def posters(
    round_id: int | None,
    group_id: int | None,
    out: Path,
    size: str,
    lang: str,
    qr_zip_path: Path | None,
) -> None:
    """Write one poster page per residential group of a round into a PDF."""
    from flask import current_app
    from sqlalchemy import select

    from survey_app.core.config import is_loopback_url
    from survey_app.core.db import get_session
    from survey_app.models import AssessmentRound, ResidentialGroup
    from survey_app.posters import data as poster_service
    from survey_app.posters.pdf import render_posters_pdf
    from survey_app.posters.qr import PosterURLError, qr_zip

    session = get_session()
    base = current_app.config["PUBLIC_BASE_URL"]
    if round_id is None:
        round_id = session.scalar(
            select(AssessmentRound.id)
            .where(AssessmentRound.status == "open")
            .order_by(AssessmentRound.id.desc())
            .limit(1)
        )
        if round_id is None:
            raise click.UsageError("no open round: pass --round ID")
    round_ = session.get(AssessmentRound, round_id)
    if round_ is None:
        raise click.BadParameter(f"no round with id {round_id}", param_hint="--round")
    groups = None
    if group_id is not None:
        group = session.get(ResidentialGroup, group_id)
        if group is None or group.ward_id != round_.ward_id:
            raise click.BadParameter(
                f"no group with id {group_id} in the ward of round {round_id}",
                param_hint="--group",
            )
        groups = [group_id]
    try:
        made, skipped = poster_service.round_posters(
            session, round_id, base_url=base, locale=lang, group_ids=groups
        )
        pdf = render_posters_pdf(made, page_size=size, allowed_base_url=base)  # type: ignore[arg-type]
        archive = (
            qr_zip(
                poster_service.qr_items(session, round_id, base_url=base, group_ids=groups),
                allowed_base_url=base,
            )
            if qr_zip_path
            else None
        )
    except (poster_service.PosterError, PosterURLError) as exc:
        raise click.ClickException(str(exc)) from exc
    out.write_bytes(pdf)
    if is_loopback_url(base):
        click.echo(
            f"Warning: PUBLIC_BASE_URL is {base}, which only this computer opens: phones cannot"
            " open these QR codes. Set PUBLIC_BASE_URL to this machine's network address"
            " (see README) before printing.",
            err=True,
        )
    click.echo(f"Wrote {len(made)} poster(s) ({size}, {lang}) to {out}")
    if archive is not None and qr_zip_path is not None:
        qr_zip_path.write_bytes(archive)
        click.echo(f"Wrote QR codes (PNG and SVG) to {qr_zip_path}")
    for name in skipped:
        click.echo(f"Skipped {name}: no active or paused token", err=True)
