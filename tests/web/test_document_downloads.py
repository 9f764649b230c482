"""Documents carry personal data in full (a certificate has the whole ID number): every download,
by the applicant or by staff, through the pages or the API, is sent with `no-store`."""
from tests.conftest import api_token, login


def test_documents_are_never_stored_by_a_cache(app, client):
    citizen = api_token(client, "citizen")
    created = client.post("/api/v1/applications", headers=citizen, json={
        "service": "criminal_record", "data": {"applicant_type": "individual", "purpose": "入职"}})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    receipt = next(d for d in body["documents"] if d["kind"] == "receipt")
    assert receipt["status"] == "ready"

    api = client.get(receipt["url"], headers=citizen)
    assert api.status_code == 200 and api.data.startswith(b"%PDF")
    assert api.headers["Cache-Control"] == "no-store"
    assert api.headers["X-Content-Type-Options"] == "nosniff"

    path = f"/applications/{body['id']}/documents/{receipt['id']}"
    owner = app.test_client()
    login(owner, "citizen")
    staff = app.test_client()
    login(staff, "clerk")
    for browser, prefix in ((owner, "/my"), (staff, "/desk")):
        page = browser.get(prefix + path)
        assert page.status_code == 200 and page.data.startswith(b"%PDF"), prefix
        assert page.headers["Cache-Control"] == "no-store", prefix
