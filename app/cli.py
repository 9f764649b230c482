"""Flask commands: seed-demo, calendar due, sla sweep, audit verify."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from app import timeutil


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(calendar_group)
    app.cli.add_command(sla_group)
    app.cli.add_command(audit_group)
    app.cli.add_command(notify_group)


@click.command("seed-demo")
@click.option("--scale", default=1, show_default=True, type=click.IntRange(1, 1000),
              help="Multiplies the bulk synthetic population.")
@with_appcontext
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
@with_appcontext
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


@calendar_group.command("recompute")
@with_appcontext
def calendar_recompute() -> None:
    """Recompute every open deadline (after the holidays package brings a new year's schedule)."""
    from app.operations.calendar import recompute

    click.echo(f"{recompute()} open applications recomputed")


@click.group("sla")
def sla_group() -> None:
    """Statutory time limits."""


@sla_group.command("sweep")
@click.option("--as-of", "as_of", default=None, help="ISO 8601 instant; timers due by then fire (default: now).")
@with_appcontext
def sla_sweep(as_of: str | None) -> None:
    """Fire every timer that is due: deemed acceptance, unanswered corrections, escalations,
    breached commitments. Safe to run twice and from several servers at once."""
    from app.operations.sla import sweep

    now = timeutil.now()
    moment = now
    if as_of:
        try:
            moment = datetime.fromisoformat(as_of)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from exc
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timeutil.LOCAL_TZ)
    result = sweep(as_of=moment, now=now)
    for application_id, action in result.fired:
        click.echo(f"fired {action} on application {application_id}")
    click.echo(f"{result.count} timers fired, {result.skipped_locked} items skipped (held by another sweep)")


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident event log."""


@audit_group.command("verify")
@with_appcontext
def audit_verify() -> None:
    """Check every hash link of the event log; report the first broken one."""
    from app.operations.audit import verify_event_chain

    checked, broken = verify_event_chain()
    if broken is None:
        click.echo(f"event log intact: {checked} events verified")
        return
    click.echo(
        f"BROKEN at application {broken.application_id}, event #{broken.seq} (id {broken.event_id}): "
        f"{broken.problem}; {checked} events before it verified"
    )
    raise SystemExit(1)


@click.group("notify")
def notify_group() -> None:
    """Messages to applicants (the outbox)."""


@notify_group.command("send")
@with_appcontext
def notify_send() -> None:
    """Deliver pending messages through the configured sender (NOTIFY_SENDER). Safe to run
    again and from several servers: a sent message is never sent again; a failed one is retried
    later, up to NOTIFY_MAX_ATTEMPTS."""
    from app.operations.notifications import deliver_pending

    result = deliver_pending(now=timeutil.now())
    click.echo(f"{result.sent} sent, {result.retrying} to retry later, {result.failed} failed for good, "
               f"{result.skipped_locked} held by another sender")
