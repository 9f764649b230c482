"""Flask commands: seed-demo, calendar due (more are added with the statutory engine)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

import click
from flask import Flask, current_app

from app import timeutil


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(calendar_group)


@click.command("seed-demo")
@click.option("--scale", default=1, show_default=True, type=click.IntRange(1, 1000),
              help="Multiplies the bulk synthetic population.")
def seed_demo_command(scale: int) -> None:
    """Fill the simulated registries and create the demo accounts (idempotent)."""
    from app.extensions import db
    from app.seed import DEMO_ACCOUNTS, seed_demo

    if not current_app.config["SEED_DEMO_ALLOWED"]:
        raise click.ClickException("demo data is never seeded in production")
    summary = seed_demo(db.session, scale=scale, today=timeutil.today())
    click.echo(f"demo data ready: {summary.get('persons', '?')} persons in the population registry")
    click.echo("demo accounts (password: demo-pass-2026):")
    for username, role_zh, description in DEMO_ACCOUNTS:
        click.echo(f"  {username:<16} {role_zh:<8} {description}")


@click.group("calendar")
def calendar_group() -> None:
    """Working-day calendar."""


@calendar_group.command("due")
@click.argument("start")
@click.argument("amount")
@click.argument("unit", type=click.Choice(["workdays", "workhours", "days", "hours"]))
def calendar_due(start: str, amount: str, unit: str) -> None:
    """Print the due instant of a limit of AMOUNT UNIT starting at START (ISO 8601)."""
    from app.domain.calendar import Limit, LimitUnit, due_at
    from app.operations.calendar import load_calendar

    try:
        started = datetime.fromisoformat(start)
        quantity = Decimal(amount)
    except (ValueError, InvalidOperation) as exc:
        raise click.BadParameter(str(exc)) from exc
    if started.tzinfo is None:
        started = started.replace(tzinfo=timeutil.LOCAL_TZ)
    calendar = load_calendar()
    due = due_at(started, Limit(quantity, LimitUnit(unit)), calendar=calendar)
    click.echo(due.isoformat())
