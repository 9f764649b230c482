"""Notifications to applicants: each change queued once in the outbox with the right text, in the
applicant's language, never with a full ID number; `flask notify send` delivers each once.

Most tests here hold the jobs (`held_jobs`), so that the outbox can be read before anything is
sent; the last ones let the event's delivery job run right after its commit, as workers do."""
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import timeutil
from app.extensions import db
from app.models.notifications import Notification
from app.notify import OutgoingMessage, sender_from_config
from app.notify.rules import Kind, contains_id_number, kind_for_event, redact_id_numbers
from app.notify.senders import ConsoleSender, FileSender, MemorySender
from app.operations import applications as application_ops
from app.operations.notifications import deliver_pending, remind_commitments
from app.operations.sla import sweep
from app.seed import DEMO_IDS
from tests.conftest import local
from tests.operations.helpers import act, file_criminal_record, file_objection, user

CITIZEN_ID = DEMO_IDS["li_ming"]
TYPED_ID = "11010519491231002X"  # a clerk types someone's ID number into a correction item


def outbox(application=None, *, kind=None, channel=None):
    query = select(Notification).order_by(Notification.id)
    if application is not None:
        query = query.where(Notification.application_id == application.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    if channel is not None:
        query = query.where(Notification.channel == channel)
    return list(db.session.scalars(query))


def with_email(username="citizen", email="liming@example.cn", language=None):
    account = user(username)
    account.email = email
    if language:
        account.language = language
    db.session.commit()
    return account


@pytest.fixture(autouse=True)
def _hold_delivery_jobs(request):
    if "app" in request.fixturenames:
        request.getfixturevalue("held_jobs")


def assert_no_id_numbers(rows):
    for row in rows:
        for text in (row.subject, row.body):
            assert not contains_id_number(text), (row.kind, text)
            assert CITIZEN_ID not in text and TYPED_ID not in text


# --- pure rules ---------------------------------------------------------------------------


@pytest.mark.parametrize("action, source, target, kind", [
    ("accept", "submitted", "accepted", Kind.ACCEPTED),
    ("deem_accepted", "submitted", "accepted", Kind.DEEMED_ACCEPTED),
    ("request_correction", "submitted", "correction_requested", Kind.CORRECTION),
    ("suspend", "accepted", "suspended", Kind.SUSPENDED),
    ("extend", "accepted", "accepted", Kind.EXTENDED),
    ("approve", "accepted", "approved", Kind.APPROVED),
    ("reject", "accepted", "rejected", Kind.REJECTED),
    ("not_accept", "submitted", "not_accepted", Kind.NOT_ACCEPTED),
    ("issue", "approved", "issued", Kind.ISSUED),
    ("close_unanswered", "correction_requested", "closed", Kind.CLOSED),
    ("breach_commitment", "approved", "revoked", Kind.COMMITMENT_BREACHED),
    ("submit", "draft", "submitted", None),
    ("resubmit", "correction_requested", "submitted", None),
    ("withdraw", "accepted", "withdrawn", None),
    ("escalate", "accepted", "accepted", None),
    ("request_extension", "accepted", "accepted", None),
])
def test_which_events_the_applicant_is_told_about(action, source, target, kind):
    assert kind_for_event(action, source, target) == kind


@pytest.mark.parametrize("text, expected", [
    ("身份证号11010519491231002X的证明", "身份证号1101051949********的证明"),
    ("旧证410105900101123", "旧证4101***********"),
    ("办件编号FZ20261116000001", "办件编号FZ20261116000001"),  # not an ID number
    ("电话13803740001", "电话13803740001"),
])
def test_id_numbers_are_masked_in_any_text(text, expected):
    assert redact_id_numbers(text) == expected


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("kind", [k.value for k in Kind])
def test_every_kind_has_a_text_in_both_languages(app, kind, language):
    from app.operations.notifications import render_message

    context = {"number": "FZ20261116000001", "service": "S", "unit": "U", "review_organ": "R", "url": "http://t",
               "my_url": "http://m", "promised_due": "P", "statutory_due": "D", "accepted_date": "A",
               "rating_url": "http://r", "reason": f"理由{TYPED_ID}", "items": ["一", "二"], "reply_due": "Y",
               "procedure": "检验", "issue_follows": False, "delivery_due": "", "revoked": True,
               "commitment_due": "C", "materials": ["M1", "M2"]}
    with app.test_request_context():
        subject, body = render_message(kind, "criminal_record", language, context)
        assert subject and body and "{{" not in body and "\n\n" not in body
        assert not contains_id_number(subject + body)
        for override in ("accepted", "approved"):
            subject, body = render_message(override, "rating_rectification", language, context | {
                "rated_service": "S", "rated_number": "N", "level": "L", "measures": "整改"})
            assert "N" in body


# --- a full lifecycle ------------------------------------------------------------------------


def test_full_lifecycle_queues_each_kind_once_with_its_text_and_no_id_number(ctx, clock):
    with_email()
    application = file_criminal_record(ctx)
    assert outbox(application) == []  # the applicant filed it themselves

    clock.advance(hours=1)
    act(application, "request_correction", "clerk",
        items=["户口簿首页复印件", f"身份证号{TYPED_ID}的委托书", "近期免冠照片"])
    clock.set(local(2026, 11, 17, 9))
    act(application, "resubmit", "citizen")
    clock.set(local(2026, 11, 17, 10))
    act(application, "accept", "clerk")
    clock.set(local(2026, 11, 18, 10))
    act(application, "suspend", "clerk", reason_code="testing", reason="送检笔迹鉴定样本")
    clock.set(local(2026, 11, 20, 15))
    act(application, "resume", "clerk")
    clock.set(local(2026, 11, 23, 11))
    act(application, "approve", "clerk")
    clock.advance(hours=1)
    act(application, "issue", "clerk")

    rows = outbox(application)
    kinds = [row.kind for row in rows if row.channel == "sms"]
    assert kinds == ["correction", "accepted", "suspended", "resumed", "approved", "issued"]
    assert [row.kind for row in rows if row.channel == "email"] == kinds
    assert all(row.status == "pending" and row.attempts == 0 for row in rows)
    assert {row.recipient for row in rows} == {"13803740001", "liming@example.cn"}

    correction = outbox(application, kind="correction", channel="sms")[0]
    assert correction.subject == "请补正申请材料"
    assert "1. 户口簿首页复印件" in correction.body and "3. 近期免冠照片" in correction.body
    assert "2. 身份证号1101051949********的委托书" in correction.body
    assert "2026年12月16日" in correction.body  # 30 days to reply
    suspended = outbox(application, kind="suspended", channel="sms")[0]
    assert "检验、检测" in suspended.body and "送检笔迹鉴定样本" in suspended.body
    accepted = outbox(application, kind="accepted", channel="sms")[0]
    assert "2026年11月20日" in accepted.body  # statutory: 3 working days
    issued = outbox(application, kind="issued", channel="sms")[0]
    assert issued.body.startswith("【警务通办】") and f"/ratings/applications/{application.id}" in issued.body
    approved = outbox(application, kind="approved", channel="sms")[0]
    assert "送达" in approved.body and "/ratings/" not in approved.body  # not ended until issued
    email = outbox(application, kind="issued", channel="email")[0]
    assert "请勿直接回复" in email.body and not email.body.startswith("【")

    assert_no_id_numbers(outbox())


def test_an_extension_is_told_with_its_reason_and_new_date(ctx, clock):
    """The criminal record has no extension; the objection review extends to 30 working days."""
    with_email("citizen2", "sunhao@example.cn")
    objection = file_objection(ctx)
    act(objection, "accept", "clerk")  # 2026-11-16: 15 working days to 12-07
    clock.advance(hours=1)
    act(objection, "extend", "supervisor", reason="需调取再审判决")
    extended = outbox(objection, kind="extended", channel="email")[0]
    assert "需调取再审判决" in extended.body and "2026年12月28日" in extended.body  # 30 working days in all


def test_refusals_deemed_acceptance_and_closing_are_told_with_reasons(ctx, clock):
    deemed = file_criminal_record(ctx)
    refused = file_criminal_record(ctx, "citizen2")
    not_accepted = file_criminal_record(ctx)
    unanswered = file_criminal_record(ctx)
    act(not_accepted, "not_accept", "clerk", reason="申请事项不属于本机关职权范围")
    act(unanswered, "request_correction", "clerk", items=["户口簿首页复印件"])
    clock.set(local(2026, 11, 24, 9))
    sweep(as_of=timeutil.now(), now=timeutil.now())  # deemed accepted (5 working days passed)
    db.session.expire_all()
    assert [r.kind for r in outbox(deemed)] == ["deemed_accepted"]
    assert "视为受理" in outbox(deemed)[0].body and "2026年11月16日" in outbox(deemed)[0].body

    act(refused, "reject", "clerk", reason="法院生效判决认定有犯罪记录")
    rejected = outbox(refused, kind="rejected")[0]
    assert "法院生效判决认定有犯罪记录" in rejected.body and "行政复议" in rejected.body
    assert "/ratings/applications/" in rejected.body
    told = outbox(not_accepted, kind="not_accepted")[0]
    assert "申请事项不属于本机关职权范围" in told.body and "许昌市公安局魏都分局" in told.body

    clock.set(local(2026, 12, 17, 9))
    sweep(as_of=timeutil.now(), now=timeutil.now())  # the correction went unanswered
    db.session.expire_all()
    assert [r.kind for r in outbox(unanswered)] == ["correction", "closed"]
    assert_no_id_numbers(outbox())


def test_a_terminal_decision_on_the_spot_sends_one_message_not_three(ctx):
    application = file_criminal_record(ctx, at_terminal=True)
    assert application.state == "issued"
    rows = outbox(application)
    assert [(r.kind, r.status) for r in rows] == [
        ("accepted", "superseded"), ("approved", "superseded"), ("issued", "pending")]


def test_english_for_an_applicant_who_chose_english(ctx, clock):
    with_email(language="en")
    application = file_criminal_record(ctx)
    act(application, "request_correction", "clerk", items=["户口簿首页复印件", "Recent photo"])
    rows = outbox(application)
    assert {r.language for r in rows} == {"en"}
    sms = outbox(application, channel="sms")[0]
    assert sms.subject == "Please complete your application"
    assert sms.body.startswith("【Police e-Services】Your application for No-criminal-record certificate")
    assert "1. 户口簿首页复印件" in sms.body and "2. Recent photo" in sms.body
    assert "2026-12-16" in sms.body and "listed once and in full by Xidajie Police Station" in sms.body
    assert "This message was sent automatically" in outbox(application, channel="email")[0].body


def test_steps_inside_the_office_send_nothing(ctx, clock):
    application = file_objection(ctx)
    act(application, "accept", "clerk")
    clock.advance(hours=2)
    act(application, "request_extension", "clerk", reason="需核实")
    assert [r.kind for r in outbox(application)] == ["accepted"]  # the request is the office's own


# --- the commitment reminder (periodic check) -------------------------------------------------


def test_commitment_reminder_once_on_the_last_working_day(ctx, clock):
    application = file_criminal_record(ctx)
    act(application, "accept", "clerk")
    # The 容缺 clock itself is the engine's (covered with the tolerance service); the reminder
    # reads its stored value, so it is set here directly.
    application.commitment_due_at = local(2026, 11, 20, 23, 59).replace(second=59)
    db.session.commit()
    before = len(outbox(application))

    assert remind_commitments(as_of=local(2026, 11, 18, 10), now=local(2026, 11, 18, 10)) == []
    result = sweep(as_of=local(2026, 11, 19, 9), now=local(2026, 11, 19, 9))
    assert (application.id, "notify_commitment_due") in result.fired
    again = sweep(as_of=local(2026, 11, 20, 9), now=local(2026, 11, 20, 9))
    assert (application.id, "notify_commitment_due") not in again.fired
    reminders = outbox(application, kind="commitment_due")
    assert len(reminders) == 1 and len(outbox(application)) == before + 1
    assert "2026年11月20日24时前" in reminders[0].body and "容缺" in reminders[0].body


# --- delivery ------------------------------------------------------------------------------------


def _queue_some(ctx, clock):
    with_email()
    application = file_criminal_record(ctx)
    act(application, "accept", "clerk")
    clock.advance(hours=1)
    act(application, "suspend", "clerk", reason_code="testing", reason="送检")
    return application


def test_flask_notify_send_delivers_each_message_once(app, ctx, clock, tmp_path):
    application = _queue_some(ctx, clock)
    app.config["NOTIFY_SENDER"] = "file"
    app.config["NOTIFY_OUTBOX_FILE"] = str(tmp_path / "outbox.log")
    runner = app.test_cli_runner()

    first = runner.invoke(args=["notify", "send"])
    assert first.exit_code == 0, first.output
    assert "4 sent" in first.output
    second = runner.invoke(args=["notify", "send"])
    assert "0 sent" in second.output
    db.session.expire_all()
    rows = outbox(application)
    assert all(r.status == "sent" and r.attempts == 1 and r.sent_at is not None for r in rows)
    log = (tmp_path / "outbox.log").read_text()
    assert log.count("--- message #") == 4
    assert "138****0001" in log and "13803740001" not in log  # the demo file masks the recipient
    assert "Subject: 您的办件已中止办理" in log


def test_failures_are_retried_later_then_given_up(ctx, clock):
    _queue_some(ctx, clock)
    now = timeutil.now()
    failing = MemorySender(fail=True)
    first = deliver_pending(now=now, sender=failing, max_attempts=2)
    assert (first.sent, first.retrying, first.failed) == (0, 4, 0)
    assert deliver_pending(now=now, sender=failing, max_attempts=2).retrying == 0  # waiting: not due yet
    row = outbox()[0]
    assert row.attempts == 1 and row.last_error == "DeliveryError" and row.next_attempt_at == now + timedelta(minutes=5)
    second = deliver_pending(now=now + timedelta(minutes=6), sender=failing, max_attempts=2)
    assert second.failed == 4
    working = MemorySender()
    assert deliver_pending(now=now + timedelta(days=1), sender=working).sent == 0  # failed for good
    assert {r.status for r in outbox()} == {"failed"}


def test_a_retried_message_is_sent_once_it_goes_through(ctx, clock):
    _queue_some(ctx, clock)
    now = timeutil.now()
    deliver_pending(now=now, sender=MemorySender(fail=True))
    working = MemorySender()
    assert deliver_pending(now=now + timedelta(hours=1), sender=working).sent == 4
    assert deliver_pending(now=now + timedelta(hours=2), sender=working).sent == 0
    assert len(working.sent) == 4 and {r.attempts for r in outbox()} == {2}


def test_no_personal_data_in_application_logs(ctx, clock, caplog, monkeypatch):
    # Alembic's logging set-up (run once to build the test database) disables existing loggers.
    for name in ("app.operations.notifications", "app.operations.applications"):
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)
    caplog.set_level(logging.DEBUG)
    _queue_some(ctx, clock)
    deliver_pending(now=timeutil.now(), sender=MemorySender())
    deliver_pending(now=timeutil.now(), sender=MemorySender(fail=True))
    text = caplog.text
    assert "notification sent id=" in text
    for secret in ("13803740001", "liming@example.cn", CITIZEN_ID, "李明"):
        assert secret not in text


def test_sender_configuration(app, tmp_path, capsys):
    message = OutgoingMessage(id=7, channel="sms", recipient="13803740001", subject="主题", body="【警务通办】正文")
    assert isinstance(sender_from_config({}, instance_path=tmp_path), FileSender)
    console = sender_from_config({"NOTIFY_SENDER": "console"}, instance_path=tmp_path)
    assert isinstance(console, ConsoleSender)
    console.send(message)
    assert "message #7 · sms · to 138****0001" in capsys.readouterr().out
    gateway = sender_from_config({"NOTIFY_SENDER": "app.notify.gateways:from_config"}, instance_path=tmp_path)
    with pytest.raises(Exception, match="no sms gateway configured"):
        gateway.send(message)
    with pytest.raises(ValueError):
        sender_from_config({"NOTIFY_SENDER": "carrier-pigeon"}, instance_path=tmp_path)


def test_every_outbox_row_refers_to_the_applicant_account(ctx, clock):
    application = _queue_some(ctx, clock)
    assert {r.user_id for r in outbox(application)} == {application_ops.get_visible(
        user("citizen"), application.id).applicant_user_id}
