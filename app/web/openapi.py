"""The OpenAPI 3.1 description of /api/v1. Tests validate it and check that every API
route is described and every described path exists."""
from __future__ import annotations

ERROR = {"$ref": "#/components/schemas/Error"}


def _error_responses(*codes: int) -> dict:
    return {
        str(code): {"description": text, "content": {"application/json": {"schema": ERROR}}}
        for code, text in (
            (401, "Missing or invalid bearer token"),
            (403, "The caller may not do this"),
            (404, "Not found (or not the caller's)"),
            (409, "The current state does not allow it"),
            (413, "Too large: over the per-file or per-application size limit"),
            (422, "A required field is missing or invalid"),
            (429, "Too many requests"),
        )
        if code in codes
    }


def _limit_schema() -> dict:
    return {
        "type": "object",
        "required": ["amount", "unit"],
        "properties": {
            "amount": {"type": "number"},
            "unit": {"type": "string", "enum": ["workdays", "workhours", "days", "hours"]},
            "text_zh": {"type": "string"},
            "text_en": {"type": "string"},
            "source": {"type": "string"},
        },
    }


PATHS: dict = {
    "/auth/token": {
        "post": {
            "summary": "Exchange username and password for a bearer token",
            "security": [],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["username", "password"],
                            "properties": {"username": {"type": "string"}, "password": {"type": "string"}},
                        }
                    }
                },
            },
            "responses": {
                "200": {
                    "description": "A token",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "access_token": {"type": "string"},
                                    "token_type": {"type": "string"},
                                    "expires_in": {"type": "integer"},
                                    "role": {"type": "string"},
                                },
                            }
                        }
                    },
                },
                **_error_responses(401, 422, 429),
            },
        }
    },
    "/services": {
        "get": {
            "summary": "The service catalogue with every time limit and its unit",
            "security": [],
            "responses": {
                "200": {
                    "description": "The catalogue",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "services": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Service"},
                                    }
                                },
                            }
                        }
                    },
                }
            },
        }
    },
    "/openapi.json": {
        "get": {
            "summary": "This document",
            "security": [],
            "responses": {"200": {"description": "OpenAPI document"}},
        }
    },
}

def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


APPLICATION = {"$ref": "#/components/schemas/Application"}
ID_PARAM = {"name": "application_id", "in": "path", "required": True, "schema": {"type": "integer"}}
ACTIONS = ["accept", "request_correction", "resubmit", "not_accept", "suspend", "resume", "extend", "approve",
           "reject", "issue", "withdraw", "revoke", "supply_materials", "fulfil_commitment"]
MATERIAL_FILE = {"$ref": "#/components/schemas/MaterialFile"}
UPLOAD_BODY = {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary",
                            "description": "JPEG, PNG or PDF, recognised by content; EXIF is removed"}},
}}}

PATHS.update({
    "/applications": {
        "post": {
            "summary": "File an application (submit)",
            "requestBody": {"required": True, "content": _json({
                "type": "object", "required": ["service", "data"],
                "properties": {
                    "service": {"type": "string", "example": "criminal_record"},
                    "data": {"oneOf": [{"$ref": "#/components/schemas/CriminalRecordData"},
                                       {"$ref": "#/components/schemas/CriminalRecordObjectionData"},
                                       {"$ref": "#/components/schemas/SealEngravingData"},
                                       {"$ref": "#/components/schemas/AccidentEvidenceData"},
                                       {"$ref": "#/components/schemas/NewbornRegistrationData"},
                                       {"$ref": "#/components/schemas/TruckPermitData"},
                                       {"$ref": "#/components/schemas/SecurityLicenceData"}]},
                },
            })},
            "responses": {"201": {"description": "Filed", "content": _json(APPLICATION)},
                          **_error_responses(401, 403, 404, 409, 422)},
        },
        "get": {
            "summary": "The caller's own applications, or the staff member's unit's, newest first",
            "parameters": [
                {"name": "after", "in": "query", "schema": {"type": "string"},
                 "description": "the `next` cursor of the previous page (keyset pagination)"},
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
            ],
            "responses": {"200": {"description": "A page", "content": _json({
                "type": "object",
                "properties": {"next": {"type": ["string", "null"], "description": "cursor of the next page"},
                               "per_page": {"type": "integer"},
                               "total_more": {"type": "boolean", "description": "more than `total` (counted up to 1,000)"},
                               "total": {"type": "integer"}, "items": {"type": "array", "items": {"type": "object"}}},
            })}, **_error_responses(401, 422)},
        },
    },
    "/applications/{application_id}": {
        "get": {
            "summary": "One application with its clocks, light, timeline, documents and allowed actions",
            "parameters": [ID_PARAM],
            "responses": {"200": {"description": "The application", "content": _json(APPLICATION)},
                          **_error_responses(401, 404)},
        }
    },
    "/applications/{application_id}/actions/{action}": {
        "post": {
            "summary": "Fire a lifecycle action",
            "description": "403 when the caller may not, 409 when the state does not allow it, 422 when a "
            "required field is missing or bad. `request_correction` needs `items` (every correction, once); "
            "`not_accept`, `reject`, `extend`, `revoke` need `reason`; `suspend` needs `reason_code` "
            "(investigation, hearing, testing, inspection, appraisal, expert_review) and `reason`.",
            "parameters": [ID_PARAM, {"name": "action", "in": "path", "required": True,
                                      "schema": {"type": "string", "enum": ACTIONS}}],
            "requestBody": {"required": False, "content": _json({
                "type": "object",
                "properties": {"reason": {"type": "string"}, "items": {"type": "array", "items": {"type": "string"}},
                               "reason_code": {"type": "string"}},
            })},
            "responses": {"200": {"description": "The new state", "content": _json(APPLICATION)},
                          **_error_responses(401, 403, 404, 409, 422)},
        }
    },
    "/uploads": {
        "post": {
            "summary": "Upload one file for a filing not yet submitted",
            "description": "Name the returned `id` in `data.materials` of POST /applications "
            "(`{\"<material code>\": [id, …]}`; codes in GET /services, `materials[].upload`). "
            "A file is refused with 422 when it is not a readable JPEG, PNG or PDF (by content, not by "
            "name), is an encrypted PDF or an image larger than the pixel limit; with 413 when it is over "
            "the per-file or per-application size. The same bytes in the same slot answer 200 with "
            "`duplicate: true`.",
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["service", "slot", "file"],
                "properties": {"service": {"type": "string"}, "slot": {"type": "string"},
                               "file": {"type": "string", "format": "binary"}}}}}},
            "responses": {"201": {"description": "Stored (staged)", "content": _json(MATERIAL_FILE)},
                          "200": {"description": "Already uploaded to this slot", "content": _json(MATERIAL_FILE)},
                          **_error_responses(401, 404, 413, 422)},
        }
    },
    "/applications/{application_id}/materials/{code}": {
        "post": {
            "summary": "Upload one file for a slot of an existing application",
            "description": "While a correction is requested (for the slots the notice names; handed in by "
            "`resubmit`, which replaces just those slots) or while a 容缺 commitment is open (the promised "
            "materials; handed in by `supply_materials`). 409 at any other time.",
            "parameters": [ID_PARAM, {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": UPLOAD_BODY},
            "responses": {"201": {"description": "Stored (staged)", "content": _json(MATERIAL_FILE)},
                          "200": {"description": "Already uploaded to this slot", "content": _json(MATERIAL_FILE)},
                          **_error_responses(401, 404, 409, 413, 422)},
        }
    },
    "/materials/{file_id}": {
        "get": {
            "summary": "Download a material file (the owner, or staff of the handling unit; staff reads are recorded)",
            "parameters": [{"name": "file_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "The file", "content": {
                "image/jpeg": {}, "image/png": {}, "application/pdf": {}}}, **_error_responses(401, 404)},
        }
    },
    "/applications/{application_id}/documents/{document_id}": {
        "get": {
            "summary": "Download a document (PDF) of the application",
            "parameters": [ID_PARAM, {"name": "document_id", "in": "path", "required": True,
                                      "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "PDF", "content": {"application/pdf": {}}},
                          "202": {"description": "Still being rendered: try again in a few seconds",
                                  "content": _json({"type": "object", "properties": {
                                      "status": {"type": "string", "enum": ["pending"]}}})},
                          **_error_responses(401, 404)},
        }
    },
    "/track/{token}": {
        "get": {
            "summary": "Public tracking by the QR token (masked)",
            "security": [],
            "parameters": [{"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "Progress", "content": _json({"type": "object"})},
                          **_error_responses(404, 429)},
        }
    },
    "/verify/{number}": {
        "get": {
            "summary": "Verify a certificate: genuine, revoked or not genuine",
            "security": [],
            "parameters": [{"name": "number", "in": "path", "required": True, "schema": {"type": "string"}},
                           {"name": "s", "in": "query", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "The verdict", "content": _json({
                "type": "object", "properties": {
                    "status": {"type": "string", "enum": ["genuine", "revoked", "not_genuine"]},
                    "message": {"type": "string"}}})}, **_error_responses(429)},
        }
    },
})

CLOCK_PROPERTIES = {name: {"type": ["string", "null"], "format": "date-time"} for name in (
    "acceptance_due_at", "correction_reply_due_at", "promised_due_at", "statutory_due_at",
    "delivery_due_at", "commitment_due_at")}

SCHEMAS: dict = {
    "Materials": {
        "type": "object",
        "description": "The files a filing hands in: material code → ids from POST /uploads. An agent hands in "
        "`power_of_attorney`, a unit query `employment_proof`; every required upload slot of the service "
        "(GET /services) needs a file unless it is promised under 容缺.",
        "additionalProperties": {"type": "array", "items": {"type": "integer"}},
    },
    "MaterialFile": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "slot": {"type": "string"}, "name": {"type": "string"},
            "size": {"type": "integer"}, "media_type": {"type": "string", "enum": [
                "image/jpeg", "image/png", "application/pdf"]},
            "pages": {"type": ["integer", "null"]},
            "status": {"type": "string", "enum": ["staged", "current", "superseded", "purged"]},
            "thumbnail": {"type": "string", "enum": ["pending", "ready", "failed"]},
            "from_wallet": {"type": "boolean"}, "duplicate": {"type": "boolean"},
        },
    },
    "Application": {
        "type": "object",
        "required": ["id", "number", "status", "tracking_token", "tracking_url", "clocks"],
        "properties": {
            "id": {"type": "integer"},
            "number": {"type": "string"},
            "service": {"type": "string"},
            "status": {"type": "string", "enum": [
                "draft", "submitted", "correction_requested", "accepted", "suspended", "approved", "rejected",
                "not_accepted", "issued", "withdrawn", "closed", "revoked"]},
            "tracking_token": {"type": "string"},
            "tracking_url": {"type": "string"},
            "clocks": {"type": "object", "properties": CLOCK_PROPERTIES},
            "light": {"type": ["string", "null"], "enum": ["green", "yellow", "red", None]},
            "timeline": {"type": "array", "items": {"type": "object"}},
            "documents": {"type": "array", "items": {
                "type": "object", "required": ["id", "kind", "title", "status", "url"],
                "description": "Documents are rendered by a background job after the event: `pending` "
                               "until the PDF exists (url null), then `ready` with its download URL.",
                "properties": {
                    "id": {"type": "integer"}, "kind": {"type": "string"}, "title": {"type": "string"},
                    "status": {"type": "string", "enum": ["pending", "ready"]},
                    "url": {"type": ["string", "null"], "format": "uri"},
                }}},
            "allowed_actions": {"type": ["array", "null"], "items": {"type": "string"}},
            "materials": {"type": "array", "items": MATERIAL_FILE,
                          "description": "the files handed in, current version of each slot"},
        },
    },
    "AccidentEvidenceData": {
        "type": "object",
        "description": "accident_evidence: recorded by the handling traffic unit's officer (staff token) after a "
                       "written request; the person's identity was checked at the window",
        "required": ["case_number", "person_type", "name", "id_number", "phone", "identity_verified"],
        "properties": {
            "case_number": {"type": "string", "example": "WD-SG-0001"},
            "person_type": {"type": "string", "enum": ["party", "agent", "relative", "relative_agent"]},
            "name": {"type": "string"},
            "id_type": {"type": "string", "enum": ["resident_id", "passport", "hk_macao_permit", "taiwan_permit",
                                                   "foreign_permanent_id"], "default": "resident_id"},
            "id_number": {"type": "string", "description": "the code holder's document number (bound to the code)"},
            "phone": {"type": "string", "description": "11-digit mobile number"},
            "principal_id_number": {"type": "string", "description": "agents: the party or close relative they act for"},
            "power_of_attorney": {"type": "boolean", "description": "agents: a signed power of attorney was checked"},
            "identity_verified": {"type": "boolean", "description": "the officer checked the ID document and took the "
                                                                    "written request"},
            "request_note": {"type": "string", "description": "what the written request asks to see"},
        },
    },
    "CriminalRecordObjectionData": {
        "type": "object",
        "required": ["original_number", "reason"],
        "properties": {
            "original_number": {"type": "string", "description": "the decided criminal_record application"},
            "reason": {"type": "string"},
        },
    },
    "CriminalRecordData": {
        "type": "object",
        "required": ["applicant_type", "purpose"],
        "properties": {
            "applicant_type": {"type": "string", "enum": ["individual", "agent", "unit", "foreigner"]},
            "purpose": {"type": "string"},
            "route": {"type": "string", "enum": ["hukou", "residence"]},
            "subject_name": {"type": "string", "description": "agent or unit: the person queried"},
            "subject_id_number": {"type": "string"},
            "materials": {"$ref": "#/components/schemas/Materials"},
            "relation": {"type": "string", "enum": ["staff", "planned_hire"], "description": "unit only"},
            "legal_provision": {"type": "string", "description": "unit: the law barring people with records"},
            "query_reason": {"type": "string"},
            "purpose_detail": {"type": "string", "description": "required from the 4th request in a year, "
                               "with a `purpose_proof` file"},
            "channel": {"type": "string", "enum": ["online", "terminal"]},
        },
    },
    "NewbornRegistrationData": {
        "type": "object",
        "description": "newborn_registration (新生儿出生登记，全省通办), filed by the father or mother named on the "
        "medical birth certificate (a real-name citizen account). Birth, marriage, hukou and household are checked "
        "against the registries; a failing condition is refused with error newborn.<condition>.",
        "required": ["birth_certificate_number", "receiving_parent", "child_name"],
        "properties": {
            "birth_certificate_number": {"type": "string", "description": "出生医学证明编号", "example": "Q411000101"},
            "receiving_parent": {"type": "string", "enum": ["father", "mother"],
                                 "description": "whose family household receives the child (随父/随母)"},
            "child_name": {"type": "string", "pattern": "^[\\u3400-\\u4dbf\\u4e00-\\u9fff]{2,4}$",
                           "description": "2 to 4 Chinese characters"},
            "station": {"type": "string", "description": "unit code of any hukou police station in the province; "
                        "default: the receiving household's station", "example": "411002-PS-XDJ"},
        },
    },
    "SealEngravingData": {
        "type": "object",
        "description": "seal_engraving (新办企业公章刻制), enterprise accounts only. The enterprise's name, credit "
        "code, address and legal representative's name come from the enterprise registry; the ID number is "
        "checked against it and not kept. The system accepts at once; the engraving shop reports completion.",
        "required": ["legal_rep_id_number", "legal_rep_phone", "shop_id", "seals"],
        "properties": {
            "legal_rep_id_number": {"type": "string", "description": "the legal representative's 18-character "
                                    "citizen ID number, as on the enterprise registry"},
            "legal_rep_phone": {"type": "string", "description": "the legal representative's mobile number"},
            "shop_id": {"type": "integer", "description": "a recorded (已备案) engraving shop of the enterprise's "
                        "area; suspended shops are refused"},
            "seals": {"type": "array", "minItems": 1, "uniqueItems": True, "description": "seals to engrave; "
                      "none the enterprise holds and has not reported lost",
                      "items": {"type": "string", "enum": ["company", "finance", "invoice", "contract", "legal_rep"]}},
        },
    },
    "SecurityLicenceData": {
        "type": "object",
        "description": "security_licence (保安服务许可), enterprise accounts only; capital comes from the enterprise "
        "registry, managers' records from the court registry. Services with the tolerance step (容缺受理) also take "
        "the materials declaration and tolerance fields (`materials_provided` … `power_of_attorney`).",
        "required": ["premises_address", "managers"],
        "properties": {
            "premises_address": {"type": "string"},
            "armed_escort": {"type": "boolean", "description": "business scope includes 武装守护押运"},
            "state_controlled": {"type": "boolean", "description": "state-owned or ≥51% state capital"},
            "managers": {"type": "array", "minItems": 1, "maxItems": 10, "items": {
                "type": "object", "required": ["name", "id_number", "experience_years"],
                "properties": {"name": {"type": "string"}, "id_number": {"type": "string"},
                               "position": {"type": "string"},
                               "experience_years": {"type": "integer", "minimum": 0, "maximum": 60}}},
                "description": "must include the legal representative; each ≥ 5 years' relevant experience"},
            "materials": {"$ref": "#/components/schemas/Materials"},
            "materials_provided": {"type": "array", "items": {"type": "string"},
                                   "description": "optional: codes of the attached materials; each must have "
                                   "its file in `materials` (the portal derives the list from the files)"},
            "tolerance_requested": {"type": "boolean", "description": "容缺受理: only non-core materials missing"},
            "materials_to_follow": {"type": "array", "items": {"type": "string"},
                                    "description": "non-core materials to supply or put right later"},
            "commitment_days": {"type": "integer", "minimum": 1,
                                "description": "agreed working days, at most the catalogue's commitment limit"},
            "signatory": {"type": "string", "enum": ["legal_rep", "agent", "self"]},
            "agent_name": {"type": "string"},
            "agent_id_number": {"type": "string"},
            "power_of_attorney": {"type": "boolean"},
        },
    },
    "TruckPermitData": {
        "type": "object",
        "description": "truck_permit (城市配送货车电子通行证), enterprise or individual accounts; the vehicle must be "
        "registered to the applicant. Checked at once against the vehicle, driver, violation and accident "
        "registries: all pass → approved and issued by the system (any day, any hour); any fail → refused with "
        "every reason; a validity over 90 days, a refrigerated truck asking for peak hours, or a pending accident "
        "of the driver → stays `submitted` for a clerk of the traffic brigade (data.review_reasons).",
        "required": ["plate", "driver_name", "driver_id_number", "zones", "windows", "valid_from", "valid_until"],
        "properties": {
            "plate": {"type": "string", "example": "豫K8A001"},
            "driver_name": {"type": "string"},
            "driver_id_number": {"type": "string", "description": "the driver's 18-character citizen ID number "
                                 "(kept on the permit, shown masked)"},
            "zones": {"type": "array", "minItems": 1, "uniqueItems": True,
                      "items": {"type": "string", "enum": ["weidu_centre", "dongcheng", "jianan_urban",
                                                           "demonstration_zone"]}},
            "windows": {"oneOf": [{"type": "string", "example": "06:00-07:00, 09:00-17:00"},
                                  {"type": "array", "items": {"type": "string", "example": "09:00-17:00"}}],
                        "description": "daily windows HH:MM-HH:MM (22:00-06:00 crosses midnight), at most 4, "
                        "not overlapping, together at least 6 hours"},
            "valid_from": {"type": "string", "format": "date", "description": "today to 30 days ahead"},
            "valid_until": {"type": "string", "format": "date", "description": "1 to 365 days in all"},
        },
    },
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
    },
    "Limit": _limit_schema(),
    "Service": {
        "type": "object",
        "required": ["code", "name_zh", "limits"],
        "properties": {
            "code": {"type": "string"},
            "name_zh": {"type": "string"},
            "name_en": {"type": "string"},
            "summary_zh": {"type": "string"},
            "unit_kind": {"type": "string"},
            "applicant_kinds": {"type": "array", "items": {"type": "string"}},
            "steps": {"type": "array", "items": {"type": "string"}},
            "filing_open": {"type": "boolean"},
            "legal_basis_zh": {"type": "string"},
            "limits": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Limit"}},
            "materials": {"type": "array", "items": {"type": "object"}},
            "outcome_documents": {"type": "array", "items": {"type": "string"}},
        },
    },
}


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "警务通办 API",
            "version": "1.0.0",
            "description": "Police e-services portal: catalogue, applications, tracking and verification.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
        },
    }
