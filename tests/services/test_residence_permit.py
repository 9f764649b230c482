"""居住证 end to end through the API: filing with an uploaded proof or verified by data sharing,
the 承诺制 commitment and its verification note, the station of the residence, the one-time
correction notice, approval writing the permit registry, the electronic permit in 我的证照 and
the collection notice, the endorsement (签注) and its window, and each refusal at filing."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.domain.catalogue.newborn_registration import add_months
from app.extensions import db
from app.models.accounts import Unit
from app.models.applications import Application, Certificate
from app.models.registries import RegResidencePermit, RegResidenceRegistration, RegSocialInsurance
from app.operations import supervision
from app.seed import DEMO_IDS
from tests.conftest import TEST_NOW, api_token, login
from tests.materials.helpers import api_materials

SERVICE = "residence_permit"
TODAY = TEST_NOW.date()
ZHOU, GAO = DEMO_IDS["zhou_qiang"], DEMO_IDS["gao_xiang"]


def file(client, headers, *, uploads=("photo", "employment_proof"), **data):
    body = {"kind": "first", "basis": "employment", **data}
    if uploads:
        body["materials"] = api_materials(client, headers, SERVICE, list(uploads))
    return client.post("/api/v1/applications", json={"service": SERVICE, "data": body}, headers=headers)


def act(client, headers, application_id, action, **body):
    return client.post(f"/api/v1/applications/{application_id}/actions/{action}", json=body, headers=headers)


def permit_of(app, id_number):
    with app.app_context():
        row = db.session.scalar(select(RegResidencePermit).where(RegResidencePermit.id_number == id_number))
        return row.to_record() if row else None


def test_first_application_with_an_uploaded_proof_ends_in_the_permit_and_the_collection_notice(app, client, tmp_path):
    migrant = api_token(client, "migrant")
    created = file(client, migrant)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["number"].startswith("JZ20261116")
    assert body["data"]["basis_proof"] == "upload" and body["data"]["commitment"] is False
    with app.app_context():
        application = db.session.get(Application, body["id"])
        # The station keeping the residence registration handles it.
        assert db.session.get(Unit, application.unit_id).code == "411002-PS-XDJ"

    clerk = api_token(client, "clerk")
    assert act(client, api_token(client, "clerk_jianan"), body["id"], "accept").status_code == 404
    accepted = act(client, clerk, body["id"], "accept")
    assert accepted.status_code == 200, accepted.get_json()
    # 15 natural days from acceptance (Mon 16 Nov → Tue 1 Dec, end of day).
    with app.app_context():
        due = db.session.get(Application, body["id"]).promised_due_at
        assert due is not None and due.astimezone(TEST_NOW.tzinfo).date() == date(2026, 12, 1)

    approved = act(client, clerk, body["id"], "approve")
    assert approved.status_code == 200, approved.get_json()
    documents = {d["title"]: d for d in approved.get_json()["documents"]}
    assert {"居住证（电子证照）", "居住证领取通知书"} <= set(documents)

    permit = permit_of(app, ZHOU)
    assert permit.number == "JZ4110022026000001" and permit.issued_on == TODAY
    assert permit.endorsement_due == add_months(TODAY, 12) and permit.station_unit_code == "411002-PS-XDJ"
    with app.app_context():
        certificate = db.session.scalar(select(Certificate).where(Certificate.application_id == body["id"]))
        assert certificate.kind == SERVICE and certificate.holder_name == "周强"
        figures = supervision.unit_figures(db.session.get(Application, body["id"]).unit_id,
                                           start=TEST_NOW - timedelta(days=1), end=TEST_NOW + timedelta(days=1),
                                           now=TEST_NOW)
        assert figures[SERVICE].decided == 1

    login(client, "migrant")
    wallet = client.get("/my/wallet").get_data(as_text=True)
    assert "居住证（电子证照）" in wallet


def test_data_sharing_proves_the_condition_without_an_upload(app, client):
    with app.app_context():
        db.session.add(RegSocialInsurance(id_number=ZHOU, region_code="411002", employer="许昌瑞丰物流有限公司",
                                          since=date(2025, 6, 1)))
        db.session.commit()
    created = file(client, api_token(client, "migrant"), uploads=("photo",))
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["data"]["basis_proof"] == "registry"


def test_no_proof_is_refused_with_the_material_to_upload(client):
    refused = file(client, api_token(client, "migrant"), uploads=("photo",))
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["error"] == "residence_permit.basis_unproved" and "连续就业证明" in body["message"]


def test_the_commitment_replaces_the_proof_and_the_clerk_records_the_verification(app, client):
    created = file(client, api_token(client, "migrant"), uploads=("photo",), commitment=True)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["data"]["basis_proof"] == "commitment" and body["data"]["verify_after"] == ["employment"]
    clerk = api_token(client, "clerk")
    assert act(client, clerk, body["id"], "accept").status_code == 200
    refused = act(client, clerk, body["id"], "approve")
    assert refused.status_code in (409, 422) and refused.get_json()["error"] == "residence_permit.verification_note"
    assert permit_of(app, ZHOU) is None
    approved = act(client, clerk, body["id"], "approve", decision_note="已电话联系用人单位核实在职，30日内实地回访")
    assert approved.status_code == 200, approved.get_json()
    assert permit_of(app, ZHOU) is not None


def test_one_correction_notice_then_the_reply(app, client):
    migrant = api_token(client, "migrant")
    body = file(client, migrant).get_json()
    clerk = api_token(client, "clerk")
    corrected = act(client, clerk, body["id"], "request_correction", items=["劳动合同缺少用人单位盖章页"])
    assert corrected.status_code == 200, corrected.get_json()
    assert corrected.get_json()["status"] == "correction_requested"
    assert act(client, clerk, body["id"], "request_correction", items=["又一项"]).status_code in (409, 422)


def test_refusals_at_filing(app, client):
    # A local hukou holder (李明) with a registration in his own city.
    with app.app_context():
        db.session.add(RegResidenceRegistration(id_number=DEMO_IDS["li_ming"], region_code="411002",
                                                address="许昌市魏都区文峰路88号", registered_on=date(2024, 1, 1),
                                                station_unit_code="411002-PS-XDJ"))
        db.session.commit()
    refused = file(client, api_token(client, "citizen"), uploads=())
    assert refused.get_json()["error"] == "residence_permit.local_hukou"
    # Registered less than half a year ago.
    with app.app_context():
        row = db.session.scalar(select(RegResidenceRegistration).where(RegResidenceRegistration.id_number == ZHOU))
        row.registered_on = TODAY - timedelta(days=100)
        db.session.commit()
    refused = file(client, api_token(client, "migrant"), uploads=())
    assert refused.status_code == 422 and refused.get_json()["error"] == "residence_permit.too_short"
    # Not registered at all.
    refused = file(client, api_token(client, "citizen2"), uploads=())
    assert refused.get_json()["error"] == "residence_permit.unregistered"
    # A permit holder applies for the endorsement, not a second permit.
    refused = file(client, api_token(client, "migrant2"), uploads=())
    assert refused.get_json()["error"] == "residence_permit.held"
    # No permit: nothing to endorse.
    refused = client.post("/api/v1/applications", json={"service": SERVICE, "data": {"kind": "endorsement"}},
                          headers=api_token(client, "citizen2"))
    assert refused.status_code == 422


def test_endorsement_in_its_window_moves_the_due_date_a_year_on(app, client):
    before = permit_of(app, GAO)
    created = client.post("/api/v1/applications", json={"service": SERVICE, "data": {"kind": "endorsement"}},
                          headers=api_token(client, "migrant2"))
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["data"]["permit_number"] == before.number and body["data"]["permit_suspended"] is False
    clerk = api_token(client, "clerk")
    assert act(client, clerk, body["id"], "accept").status_code == 200
    approved = act(client, clerk, body["id"], "approve")
    assert approved.status_code == 200, approved.get_json()
    titles = [d["title"] for d in approved.get_json()["documents"]]
    assert "居住证（电子证照）" in titles and "居住证领取通知书" not in titles
    after = permit_of(app, GAO)
    assert after.last_endorsed_on == TODAY and after.endorsement_due == add_months(before.endorsement_due, 12)


def test_endorsement_too_early_is_refused_and_a_missed_one_restores_the_permit(app, client):
    with app.app_context():
        row = db.session.scalar(select(RegResidencePermit).where(RegResidencePermit.id_number == GAO))
        row.endorsement_due = TODAY + timedelta(days=60)
        db.session.commit()
    headers = api_token(client, "migrant2")
    early = client.post("/api/v1/applications", json={"service": SERVICE, "data": {"kind": "endorsement"}},
                        headers=headers)
    assert early.status_code == 422 and early.get_json()["error"] == "residence_permit.endorsement_early"
    with app.app_context():
        row = db.session.scalar(select(RegResidencePermit).where(RegResidencePermit.id_number == GAO))
        row.endorsement_due = TODAY - timedelta(days=10)
        db.session.commit()
    late = client.post("/api/v1/applications", json={"service": SERVICE, "data": {"kind": "endorsement"}},
                       headers=headers)
    assert late.status_code == 201 and late.get_json()["data"]["permit_suspended"] is True
    clerk = api_token(client, "clerk")
    assert act(client, clerk, late.get_json()["id"], "accept").status_code == 200
    assert act(client, clerk, late.get_json()["id"], "approve").status_code == 200
    # 补办签注: the years count afresh from today.
    assert permit_of(app, GAO).endorsement_due == add_months(TODAY, 12)
