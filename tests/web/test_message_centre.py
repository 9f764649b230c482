"""消息中心: every message the applicant is sent appears once (whatever the channels, also for an
account without a phone or e-mail), newest first, read on opening; the header counts the unread
ones (for applicants only, one query however many there are); 待补正 and 待评价 to-dos on the
centre and 我的办件; the 好差评 prompt on a finished matter until it is rated. No one sees
another's messages."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select, text

from app import timeutil
from app.extensions import db
from app.models.applications import Application
from app.models.notifications import Message, Notification
from app.operations import messages as message_ops
from app.operations import ratings as rating_ops
from tests.conftest import ON_POSTGRES, api_token, csrf_from, login
from tests.operations.helpers import act, file_criminal_record, user

ITEM = "户口簿首页复印件"
UNREAD_TAG = '<span class="tag tag-new">'


def unread(username: str) -> int:
    return message_ops.unread_count(user(username))


def messages_of(application_id: int) -> list[Message]:
    return list(db.session.scalars(select(Message).where(Message.application_id == application_id)
                                   .order_by(Message.id)))


def deliveries_of(application_id: int) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.application_id == application_id)))


def correction_requested(app, username: str = "citizen") -> int:
    with app.app_context():
        application = file_criminal_record(app, username)
        act(application, "request_correction", "clerk", items=[ITEM])
        return application.id


def header_count(html: str) -> str | None:
    match = re.search(r'<span class="count" aria-hidden="true">([^<]+)</span>', html)
    return match.group(1) if match else None


def read_everything(client) -> None:
    """Open the centre page by page until nothing is unread (the seed's messages too)."""
    url = "/my/messages"
    while url:
        html = client.get(url).get_data(as_text=True)
        match = re.search(r'href="(/my/messages\?before=\d+)"', html)
        url = match.group(1) if match else None


def test_a_clerks_action_appears_once_in_the_centre_and_is_read_on_opening(app, client):
    with app.app_context():
        account = user("citizen")
        account.email = "liming@example.cn"  # two channels: still one message
        db.session.commit()
    login(client, "citizen")
    read_everything(client)
    assert header_count(client.get("/my/").get_data(as_text=True)) is None

    application_id = correction_requested(app)
    with app.app_context():
        assert sorted(n.channel for n in deliveries_of(application_id)) == ["email", "sms"]
        [message] = messages_of(application_id)
        assert message.kind == "correction" and message.read_at is None
        assert not message.body.startswith("【") and "请勿直接回复" not in message.body  # no SMS sign, no footer
        assert unread("citizen") == 1

    dashboard = client.get("/my/").get_data(as_text=True)
    assert header_count(dashboard) == "1" and "（1 条未读）" in dashboard

    page = client.get("/my/messages").get_data(as_text=True)
    assert page.count("请补正申请材料") == 1  # one entry, not one per channel
    entry = page[page.index("请补正申请材料") - 300:]
    assert UNREAD_TAG in entry[:400]
    assert f'href="/my/applications/{application_id}"' in page and ITEM in page
    # The portal's own link in the text is a link here.
    assert re.search(rf'<a href="/my/applications/{application_id}">https?://[^<]+/my/applications/{application_id}</a>',
                     page)
    # Opening the centre read it: the header of this very page no longer counts it.
    assert header_count(page) is None
    with app.app_context():
        assert unread("citizen") == 0
        assert messages_of(application_id)[0].read_at == timeutil.now()
    again = client.get("/my/messages").get_data(as_text=True)
    assert "请补正申请材料" in again and UNREAD_TAG not in again


def test_the_newest_first_and_every_later_step_is_told(app, client):
    application_id = correction_requested(app)
    login(client, "citizen")
    mine = client.get(f"/my/applications/{application_id}").get_data(as_text=True)
    client.post(f"/my/applications/{application_id}/resubmit",
                data={"note": "已补齐", "csrf_token": csrf_from(mine)})
    with app.app_context():
        application = db.session.get(Application, application_id)
        act(application, "accept", "clerk")
        assert [m.kind for m in messages_of(application_id)] == ["correction", "accepted"]
    page = client.get("/my/messages").get_data(as_text=True)
    assert page.index("您的申请已受理") < page.index("请补正申请材料")


def test_an_account_without_phone_or_email_still_has_its_messages(app, client):
    with app.app_context():
        account = user("citizen")
        account.phone, account.email = "", ""
        db.session.commit()
    application_id = correction_requested(app)
    with app.app_context():
        assert deliveries_of(application_id) == []  # nothing to send it to
        assert [m.kind for m in messages_of(application_id)] == ["correction"]
    login(client, "citizen")
    assert "请补正申请材料" in client.get("/my/messages").get_data(as_text=True)


def test_a_decision_on_the_spot_is_one_message_not_three(app):
    with app.app_context():
        application = file_criminal_record(app, at_terminal=True)
        assert application.state == "issued"
        assert [m.kind for m in messages_of(application.id)] == ["issued"]
        statuses = sorted(n.status for n in deliveries_of(application.id))
        assert statuses[1:] == ["superseded", "superseded"] and statuses[0] in ("pending", "sent")


def test_another_applicant_sees_none_of_them_and_staff_have_no_centre(app, client):
    correction_requested(app)
    with app.app_context():
        before = unread("citizen2")
        number = db.session.scalar(select(Message).order_by(Message.id.desc())).application.number
    login(client, "citizen2")
    page = client.get("/my/messages").get_data(as_text=True)
    assert "请补正申请材料" not in page and number not in page
    with app.app_context():
        assert unread("citizen2") <= before
        assert unread("citizen") >= 1  # citizen2's visit read nothing of citizen's

    login(client, "clerk")
    assert client.get("/my/messages").status_code == 403
    desk = client.get("/desk/").get_data(as_text=True)
    assert 'class="count"' not in desk and "条未读" not in desk and "消息中心" not in desk


def test_the_count_is_one_query_on_its_index_however_many_messages(app, client):
    correction_requested(app)
    login(client, "citizen")

    def statements_for_a_page() -> list[str]:
        seen = []
        with app.app_context():
            def note(*args):
                seen.append(args[2])
            event.listen(db.engine, "before_cursor_execute", note)
            try:
                client.get("/my/wallet")
            finally:
                event.remove(db.engine, "before_cursor_execute", note)
        return [s for s in seen if "messages" in s]

    few = statements_for_a_page()
    with app.app_context():
        anchor = db.session.scalar(select(Message).order_by(Message.id.desc()))
        citizen = user("citizen")
        db.session.add_all([Message(user_id=citizen.id, application_id=anchor.application_id, kind="accepted",
                                    language="zh", subject=f"消息{i}", body="正文", key=f"test:{i}",
                                    created_at=timeutil.now()) for i in range(60)])
        db.session.commit()
        assert unread("citizen") >= 60
    many = statements_for_a_page()
    assert len(few) == len(many) == 1 and "count(" in many[0].lower()
    assert int(header_count(client.get("/my/wallet").get_data(as_text=True))) >= 60
    if not ON_POSTGRES:
        with app.app_context():
            plan = " ".join(str(row[-1]) for row in db.session.execute(
                text("EXPLAIN QUERY PLAN " + many[0].replace("?", ":u")), {"u": 1}))
        assert "ix_messages_user_unread" in plan, plan


def test_pages_of_twenty_walk_every_message_once(app, client):
    with app.app_context():
        anchor = file_criminal_record(app, "citizen")
        citizen = user("citizen")
        db.session.add_all([Message(user_id=citizen.id, application_id=anchor.id, kind="accepted", language="zh",
                                    subject=f"第{i:02d}条消息", body="正文", key=f"test:{i}",
                                    created_at=timeutil.now() + timedelta(seconds=i)) for i in range(45)])
        db.session.commit()
        total = db.session.query(Message).filter(Message.user_id == citizen.id).count()
    login(client, "citizen")
    url, seen, pages = "/my/messages", [], 0
    while url:
        html = client.get(url).get_data(as_text=True)
        pages += 1
        seen += re.findall(r'<h3 id="message-(\d+)"', html)
        match = re.search(r'href="(/my/messages\?before=\d+)"', html)
        url = match.group(1) if match else None
    assert len(seen) == len(set(seen)) == total and pages == -(-total // 20)
    assert [int(i) for i in seen] == sorted((int(i) for i in seen), reverse=True)
    assert client.get("/my/messages?before=zz").status_code == 200
    assert client.get("/my/messages?before=99999999999999").status_code == 200


def test_correction_to_do_on_the_centre_and_the_dashboard(app, client):
    application_id = correction_requested(app)
    login(client, "citizen")
    for url in ("/my/messages", "/my/"):
        html = client.get(url).get_data(as_text=True)
        todos = html[html.index('id="todos-title"'):]
        assert "待补正" in todos
        assert f'href="/my/applications/{application_id}#resubmit-title"' in todos
        assert re.search(r"请于 \d{4}-\d{2}-\d{2}( \d{2}:\d{2})? 前提交", todos)
    dashboard = client.get("/my/").get_data(as_text=True)
    row = re.search(rf'<tr class="row-todo">\s*<td><a href="/my/applications/{application_id}">', dashboard)
    assert row and "请于 " in dashboard[row.end():row.end() + 800]


def test_rating_to_do_and_the_prompt_on_a_finished_matter_until_it_is_rated(app, client):
    with app.app_context():
        application_id = file_criminal_record(app, at_terminal=True).id
    login(client, "citizen")
    todos = client.get("/my/messages").get_data(as_text=True)
    assert "待评价" in todos and f'href="/ratings/applications/{application_id}"' in todos
    detail = client.get(f"/my/applications/{application_id}").get_data(as_text=True)
    assert 'class="card prompt"' in detail and f'href="/ratings/applications/{application_id}"' in detail

    rate_page = client.get(f"/ratings/applications/{application_id}").get_data(as_text=True)
    assert client.post(f"/ratings/applications/{application_id}", data={
        "level": "satisfied", "comment": "办理很快", "csrf_token": csrf_from(rate_page)}).status_code == 302

    detail = client.get(f"/my/applications/{application_id}").get_data(as_text=True)
    assert 'class="card prompt"' not in detail
    assert "您的评价" in detail and "满意" in detail and "办理很快" in detail
    page = client.get("/my/messages").get_data(as_text=True)
    assert "待评价" not in page[page.index('id="todos-title"'):page.index('id="messages-title"')]
    with app.app_context():
        assert rating_ops.rating_for(application_id) is not None


def test_an_open_matter_has_no_prompt(app, client):
    with app.app_context():
        application_id = file_criminal_record(app).id
    login(client, "citizen")
    detail = client.get(f"/my/applications/{application_id}").get_data(as_text=True)
    assert 'class="card prompt"' not in detail and "您的评价" not in detail


def test_a_tolerance_supplement_is_a_to_do_until_handed_in(app, client):
    from tests.services.test_security_licence import act as api_act
    from tests.services.test_tolerance import filed_with_tolerance

    application_id = filed_with_tolerance(client)
    assert api_act(client, api_token(client, "clerk_security"), application_id, "accept").status_code == 200
    login(client, "security")
    dashboard = client.get("/my/").get_data(as_text=True)
    assert "待补齐容缺材料" in dashboard
    assert f'href="/my/applications/{application_id}#supply-title"' in dashboard
    assert "2026-11-30" in dashboard  # the commitment's deadline
    page = client.get("/my/messages").get_data(as_text=True)
    assert "补齐容缺材料" in page and "您的申请已" in page


@pytest.mark.parametrize("large", [False, True])
def test_english_header_count_for_screen_readers(app, client, large):
    correction_requested(app)
    login(client, "citizen")
    token = csrf_from(client.get("/my/").get_data(as_text=True))
    client.post("/prefs/language", data={"csrf_token": token, "lang": "en", "next": "/my/"})
    if large:
        client.post("/prefs/text-size", data={"csrf_token": token, "large": "1", "next": "/my/"})
    html = client.get("/my/").get_data(as_text=True)
    count = header_count(html)
    assert count and f"({count} unread)" in html and "Messages" in html and "Awaiting correction" in html and "Due by " in html
