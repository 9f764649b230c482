"""Flask commands: serve, worker, beat, jobs, seed-demo, calendar, sla sweep, audit verify and
checkpoint, notify."""
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
    app.cli.add_command(courier_group)  # 办件寄递
    app.cli.add_command(serve_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(beat_command)
    app.cli.add_command(jobs_group)


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
    # A year whose official schedule is not loaded is estimated (weekends and fixed holidays):
    # a result counted through one may move once the schedule is published.
    years = range(started.astimezone(timeutil.LOCAL_TZ).year, due.astimezone(timeutil.LOCAL_TZ).year + 1)
    provisional = any(calendar.is_provisional(year) for year in years)
    click.echo(due.isoformat() + (" provisional" if provisional else ""))


@calendar_group.command("recompute")
@with_appcontext
def calendar_recompute() -> None:
    """Recompute every open deadline (after the holidays package brings a new year's schedule)."""
    from app.operations.calendar import recompute

    click.echo(f"{recompute()} open applications: their deadlines are recomputed by a job")


@click.group("sla")
def sla_group() -> None:
    """Statutory time limits."""


def _instant(as_of: str | None, default: datetime) -> datetime:
    """An --as-of option as an instant (local time where it names no offset), else `default`."""
    if not as_of:
        return default
    try:
        moment = datetime.fromisoformat(as_of)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timeutil.LOCAL_TZ)


@sla_group.command("sweep")
@click.option("--as-of", "as_of", default=None, help="ISO 8601 instant; timers due by then fire (default: now).")
@click.option("--simulate", is_flag=True,
              help="Allow an --as-of later than the server's clock (tests and benchmarks only).")
@with_appcontext
def sla_sweep(as_of: str | None, simulate: bool) -> None:
    """Fire every timer that is due: deemed acceptance, unanswered corrections, escalations,
    breached commitments. Safe to run twice and from several servers at once."""
    from app.operations.sla import sweep

    now = timeutil.now()
    moment = _instant(as_of, now)
    if moment > now and not simulate:
        raise click.ClickException(
            f"--as-of {moment.isoformat()} is later than the server's clock ({timeutil.local(now).isoformat()}): "
            "firing timers that are not yet due would decide matters early. "
            "Use --simulate only on test or benchmark data. / 不能按未来时刻触发期限。")
    result = sweep(as_of=moment, now=now)
    for application_id, action in result.fired:
        click.echo(f"fired {action} on application {application_id}")
    click.echo(f"{result.count} timers fired, {result.skipped_locked} items skipped (held by another sweep)")


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident event log."""


@audit_group.command("verify")
@click.option("--files", "check_files", is_flag=True,
              help="Also re-read every handed-in material file and compare it with the SHA-256 in its event.")
@with_appcontext
def audit_verify(check_files: bool) -> None:
    """Check every hash link of the event log and where each chain ends, and the signed
    checkpoints against the log; report every application and checkpoint found wrong."""
    from app.operations.audit import check_event_chain, verify_checkpoints
    from app.operations.materials import verify_files

    chain = check_event_chain()
    for broken in chain.problems:
        event = f" (id {broken.event_id})" if broken.event_id is not None else ""
        click.echo(f"BROKEN at application {broken.application_id}, event #{broken.seq}{event}: {broken.problem}")
    if chain.problems:
        click.echo(f"{chain.checked} events verified, {len(chain.problems)} applications with a broken chain")
    else:
        click.echo(f"event log intact: {chain.checked} events verified")
    checkpoints = verify_checkpoints()
    for problem in checkpoints.problems:
        click.echo(f"CHECKPOINT PROBLEM: checkpoint #{problem.checkpoint_id} "
                   f"(taken {timeutil.local(problem.taken_at).isoformat()}): {problem.problem}")
    if checkpoints.latest is None:
        click.echo("no genuine checkpoint to compare with (`flask audit checkpoint` takes one)")
    elif not checkpoints.problems:
        click.echo(f"{checkpoints.checked} checkpoints genuine; the log still holds all "
                   f"{checkpoints.latest.event_count} events of the latest, #{checkpoints.latest.id}")
    failed = bool(chain.problems or checkpoints.problems)
    if check_files:
        files_checked, problems = verify_files()
        for problem in problems:
            click.echo(f"FILE PROBLEM: application {problem.application_number}, event #{problem.event_seq}, "
                       f"file {problem.file_id} ({problem.slot}): {problem.problem}")
        click.echo(f"{files_checked} files verified, {len(problems)} problems")
        failed = failed or bool(problems)
    if failed:
        raise SystemExit(1)


@audit_group.command("checkpoint")
@with_appcontext
def audit_checkpoint() -> None:
    """Sign and store the head of every application's chain now (the schedule also does, every
    AUDIT_CHECKPOINT_SECONDS)."""
    from app.operations.audit import take_checkpoint

    checkpoint = take_checkpoint(now=timeutil.now())
    click.echo(f"checkpoint #{checkpoint.id}: {checkpoint.event_count} events of {checkpoint.application_count} "
               f"applications (event ids up to {checkpoint.max_event_id}), digest {checkpoint.digest}")


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


@click.group("courier")
def courier_group() -> None:
    """办件寄递: results in the post."""


@courier_group.command("poll")
@click.option("--as-of", "as_of", default=None, help="ISO 8601 instant to ask the couriers as of (default: now).")
@with_appcontext
def courier_poll(as_of: str | None) -> None:
    """Ask the courier of every result in the post; one signed for is recorded as delivered
    (ending its delivery clock). Safe to run twice and from several servers."""
    from app.operations.courier_poll import poll_couriers

    fired = poll_couriers(now=_instant(as_of, timeutil.now()))
    for application_id, action in fired:
        click.echo(f"{action} application {application_id}")
    click.echo(f"{len(fired)} delivered")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int) -> None:
    """Serve the portal (the embedded set-up of `make run`): without BROKER_URL, the jobs, the
    SLA sweep and the notification delivery run in a thread of this process."""
    from werkzeug.serving import run_simple

    from app.jobs import dispatcher

    app = current_app._get_current_object()
    if not app.config["PUBLIC_BASE_URL"]:
        # Work done outside a request (documents, messages) links to where this server listens.
        app.config["PUBLIC_BASE_URL"] = f"http://{host}:{port}"
    mode = app.config["JOBS_MODE"]
    dispatcher().start()
    click.echo(f"background work: {mode}" + (" (this process; no broker needed)" if mode == "thread" else ""))
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


@click.command("worker", context_settings={"ignore_unknown_options": True})
@click.option("--concurrency", "-c", default=2, show_default=True, type=int, help="Worker processes.")
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
@with_appcontext
def worker_command(concurrency: int, celery_args: tuple[str, ...]) -> None:
    """Run a Celery worker for the job outbox (needs BROKER_URL). Extra arguments go to Celery."""
    _celery().worker_main(["worker", "--loglevel=INFO", f"--concurrency={concurrency}", *celery_args])


@click.command("beat", context_settings={"ignore_unknown_options": True})
@click.option("--schedule", "schedule_file", default=None,
              help="Celery beat's state file (default: instance/celerybeat-schedule).")
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
@with_appcontext
def beat_command(schedule_file: str | None, celery_args: tuple[str, ...]) -> None:
    """Run the schedule: the SLA sweep, notification delivery and the job relay (Celery beat).
    Two beats at once are safe: each task is idempotent and the sweep locks per application."""
    import os

    path = schedule_file or os.path.join(current_app.instance_path, "celerybeat-schedule")
    _celery().start(["beat", "--loglevel=INFO", f"--schedule={path}", *celery_args])


def _celery():
    from app.jobs import dispatcher

    if current_app.config["JOBS_MODE"] != "celery":
        raise click.ClickException("BROKER_URL is not set: set it (e.g. redis://127.0.0.1:6379/0) to run "
                                   "Celery; without it the portal runs its jobs itself (flask serve).")
    return dispatcher().celery


@click.group("jobs")
def jobs_group() -> None:
    """The job outbox: documents, notifications, recomputation."""


@jobs_group.command("status")
@with_appcontext
def jobs_status() -> None:
    """Pending, running, done and failed jobs; failed messages."""
    from app.jobs import runner
    from app.operations.notifications import failed_messages

    counts = runner.counts()
    click.echo(f"pending {counts.pending}  running {counts.running}  done {counts.done}  failed {counts.failed}")
    for job in runner.failed_jobs(limit=20):
        click.echo(f"  failed job {job.id}: {job.kind} after {job.attempts} attempts ({job.last_error})")
    failed = failed_messages(limit=20)
    if failed:
        click.echo(f"failed messages: {len(failed)} (send again at /admin/jobs)")


@jobs_group.command("retry")
@click.argument("job_id", type=int)
@with_appcontext
def jobs_retry(job_id: int) -> None:
    """Run a failed job again, with a fresh set of attempts."""
    from app.jobs import runner

    try:
        job = runner.retry(job_id)
    except runner.JobNotFound as exc:
        raise click.ClickException(f"no failed job with id {job_id}") from exc
    click.echo(f"job {job.id} ({job.kind}) queued again")
