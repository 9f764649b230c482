"""An API filing sent again with the same Idempotency-Key files once: the lost-answer retry of
a terminal or a phone gets the application already filed, even when both copies arrive at
once; the same key with other contents, or someone else's key, is never mistaken for it."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from app.extensions import db
from app.models.applications import Application, ApplicationEvent
from tests.conftest import api_token

FILE = {"service": "criminal_record", "data": {"applicant_type": "individual", "purpose": "入职"}}
KEY = "6f1c2a9e-0b7d-4e55-9a3c-1d2e3f405162"


def applications(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Application.id)))


def file(client, headers, key=KEY, body=FILE):
    return client.post("/api/v1/applications", json=body, headers={**headers, "Idempotency-Key": key})


def test_the_same_request_sent_again_files_once_and_answers_with_the_first_filing(app, client):
    headers = api_token(client, "citizen")
    before = applications(app)
    first = file(client, headers)
    again = file(client, headers)
    assert first.status_code == again.status_code == 201
    assert "Idempotent-Replayed" not in first.headers and again.headers["Idempotent-Replayed"] == "true"
    assert again.json["id"] == first.json["id"] and again.json["number"] == first.json["number"]
    assert applications(app) == before + 1
    with app.app_context():
        events = db.session.scalar(select(func.count(ApplicationEvent.id))
                                   .where(ApplicationEvent.application_id == first.json["id"]))
    assert events == 1


def test_the_key_again_with_other_contents_is_refused_and_files_nothing(app, client):
    headers = api_token(client, "citizen")
    file(client, headers)
    before = applications(app)
    other = file(client, headers, body={**FILE, "data": {**FILE["data"], "purpose": "出国（境）"}})
    assert other.status_code == 422 and other.json["error"] == "idempotency.key_reused"
    assert other.json["field"] == "Idempotency-Key"
    assert applications(app) == before


def test_keys_belong_to_an_account(app, client):
    mine = file(client, api_token(client, "citizen"))
    theirs = file(client, api_token(client, "citizen2"))
    assert mine.status_code == theirs.status_code == 201
    assert mine.json["id"] != theirs.json["id"]
    assert "Idempotent-Replayed" not in theirs.headers


def test_a_malformed_key_is_refused_before_anything_is_filed(app, client):
    headers = api_token(client, "citizen")
    before = applications(app)
    for bad in ("short", "x" * 65, "空格 不行 的键值", "a/b/c/d/e/f"):
        answer = file(client, headers, key=bad)
        assert answer.status_code == 422 and "Idempotency-Key" in answer.json["message"], bad
    assert applications(app) == before


def test_without_a_key_each_request_is_a_filing_of_its_own(app, client):
    headers = api_token(client, "citizen")
    before = applications(app)
    for _ in range(2):
        assert client.post("/api/v1/applications", json=FILE, headers=headers).status_code == 201
    assert applications(app) == before + 2


def test_two_copies_arriving_at_once_file_once(app):
    headers = api_token(app.test_client(), "citizen")
    before = applications(app)
    barrier = threading.Barrier(4)
    answers = []

    def send():
        client = app.test_client()
        barrier.wait()
        answers.append(file(client, headers, key="burst-0001-same-key"))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [answer.status_code for answer in answers] == [201] * 4, [a.get_data(as_text=True)[:300] for a in answers]
    assert len({answer.json["id"] for answer in answers}) == 1
    assert sum("Idempotent-Replayed" in answer.headers for answer in answers) == 3
    assert applications(app) == before + 1
