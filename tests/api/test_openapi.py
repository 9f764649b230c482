"""The OpenAPI document is valid and describes exactly the API's routes."""
import re

from openapi_spec_validator import validate


def test_openapi_document_is_valid(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)


def test_every_api_route_is_described_and_every_described_path_exists(app, client):
    described = set(client.get("/api/v1/openapi.json").get_json()["paths"])
    routed = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")
    }
    assert routed == described


def test_services_lists_every_limit_with_its_unit(client):
    services = {s["code"]: s for s in client.get("/api/v1/services").get_json()["services"]}
    assert set(services) >= {"criminal_record", "newborn_registration", "seal_engraving", "accident_evidence",
                             "truck_permit", "security_licence"}
    assert services["criminal_record"]["limits"]["statutory"]["amount"] == 3
    assert services["criminal_record"]["limits"]["statutory"]["unit"] == "workdays"
    assert services["seal_engraving"]["limits"]["promised"] == {
        **services["seal_engraving"]["limits"]["promised"], "amount": 0.5, "unit": "workdays"}
    assert services["truck_permit"]["limits"]["promised"]["unit"] == "hours"
    for service in services.values():
        for limit in service["limits"].values():
            assert limit["unit"] in {"workdays", "workhours", "days", "hours"} and limit["text_zh"]


def test_api_errors_are_json(client):
    response = client.get("/api/v1/applications")
    assert response.status_code == 401 and set(response.get_json()) == {"error", "message"}
    missing = client.get("/api/v1/nope")
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"
