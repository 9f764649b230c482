"""The OpenAPI 3.1 description of /api/v1. Tests validate it and check that every API
route is described and every described path exists. The filing bodies are generated from each
service's schema (the catalogue's FILING), so the document cannot drift from what is checked."""
from __future__ import annotations

from app.domain.catalogue import CATALOGUE, FILING_SCHEMAS
from app.domain.catalogue.schema import json_schema

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
    "/legal-provisions": {
        "get": {
            "summary": "The laws and administrative regulations in force that bar people with records from a job "
                       "(the `legal_provision_id` and `job` of a unit's criminal_record query)",
            "security": [],
            "responses": {
                "200": {
                    "description": "The list in force",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "legal_provisions": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "id": {"type": "integer"},
                                                "law_name": {"type": "string"},
                                                "kind": {"type": "string", "enum": ["law", "administrative_regulation"]},
                                                "article": {"type": "string"},
                                                "citation": {"type": "string"},
                                                "bar_zh": {"type": "string"},
                                                "jobs": {"type": "array", "items": {"type": "string"}},
                                            },
                                        },
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
            "description": "`data` follows the service's filing schema; every field error is listed at once "
            "(422 with `errors`). The channel is not part of `data`: a filing is made at a self-service "
            "terminal only when a registered terminal sends its credential.",
            "parameters": [{"name": "X-Terminal-Credential", "in": "header", "required": False,
                            "schema": {"type": "string"},
                            "description": "the credential of a self-service terminal registered by an "
                                           "administrator (/admin/terminals); 401 when wrong or revoked"},
                           {"name": "Idempotency-Key", "in": "header", "required": False,
                            "schema": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{8,64}$"},
                            "description": "the client's own id of this filing (e.g. a UUID). Sent again "
                                           "by the same account (a lost answer, a retry), it files nothing "
                                           "new: the answer is the application filed the first time, with "
                                           "`Idempotent-Replayed: true`; the same key with other contents "
                                           "is a 422"}],
            "requestBody": {"required": True, "content": _json({
                "type": "object", "required": ["service", "data"],
                "properties": {
                    "service": {"type": "string", "example": "criminal_record"},
                    "data": {"description": "the service's filing schema (one per service, below); unknown "
                             "fields are refused",
                             "oneOf": [{"$ref": f"#/components/schemas/{model.__name__}"}
                                       for model in FILING_SCHEMAS.values()]},
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
    "/applications/{application_id}/materials/{code}/review": {
        "post": {
            "summary": "The handling unit's verdict on one material slot (staff)",
            "description": "`verdict`: `ok` (合格) or `needs_correction` (需补正, with `problem` and `requirement`, "
            "each at most 100 characters). Before acceptance, or while a 容缺 commitment is open; after "
            "acceptance, the materials checked before the decision (a unit's `employment_proof`, an agent's "
            "`power_of_attorney`): an approval waits for `ok` on each.",
            "parameters": [ID_PARAM, {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": _json({"type": "object", "required": ["verdict"], "properties": {
                "verdict": {"type": "string", "enum": ["ok", "needs_correction"]},
                "problem": {"type": "string", "maxLength": 100},
                "requirement": {"type": "string", "maxLength": 100}}})},
            "responses": {"200": {"description": "Recorded", "content": _json({"type": "object"})},
                          **_error_responses(401, 403, 404, 409, 422)},
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
            "summary": "Verify a certificate: by its signed link (`s`, the QR code) or its printed 核验码 (`code`)",
            "description": "`not_genuine`: a signed link that fails (altered or not issued here); `no_match`: a "
                           "number and code that do not fit (check both); `needs_code`: neither was given.",
            "security": [],
            "parameters": [{"name": "number", "in": "path", "required": True, "schema": {"type": "string"}},
                           {"name": "s", "in": "query", "required": False, "schema": {"type": "string"}},
                           {"name": "code", "in": "query", "required": False, "schema": {"type": "string"},
                            "description": "the 8-character code printed beside the QR code, e.g. K7Q2-M9XD"}],
            "responses": {"200": {"description": "The verdict", "content": _json({
                "type": "object", "properties": {
                    "status": {"type": "string",
                               "enum": ["genuine", "revoked", "not_genuine", "no_match", "needs_code"]},
                    "message": {"type": "string"}}})}, **_error_responses(429)},
        }
    },
})

CLOCK_PROPERTIES = {name: {"type": ["string", "null"], "format": "date-time"} for name in (
    "acceptance_due_at", "correction_reply_due_at", "promised_due_at", "statutory_due_at",
    "delivery_due_at", "commitment_due_at")}

SCHEMAS: dict = {
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
            "notes": {"type": "array", "description": "A service's own notes, e.g. the appointment to collect a "
                      "work-type residence permit (foreigner_work_residence)",
                      "items": {"type": "object", "properties": {"label": {"type": "string"},
                                                                 "text": {"type": "string"}}}},
            "documents": {"type": "array", "items": {
                "type": "object", "required": ["id", "kind", "title", "status", "url"],
                "description": "Documents are rendered by a background job after the event: `pending` "
                               "until the PDF exists (url null), then `ready` with its download URL.",
                "properties": {
                    "id": {"type": "integer"}, "kind": {"type": "string"}, "title": {"type": "string"},
                    "status": {"type": "string", "enum": ["pending", "ready"]},
                    "url": {"type": ["string", "null"], "format": "uri"},
                }}},
            "allowed_actions": {"type": ["array", "null"], "items": {"type": "string"},
                                "description": "the actions the caller may take now (those the rules refuse "
                                               "as things stand are in refused_actions instead)"},
            "refused_actions": {"type": "array", "description": "actions the state allows but the service's "
                                                                "rules refuse as things stand, with why and what to do",
                                "items": {"type": "object", "required": ["action", "code", "message"],
                                          "properties": {"action": {"type": "string"},
                                                         "action_name": {"type": "string"},
                                                         "code": {"type": "string"},
                                                         "message": {"type": "string"}}}},
            "registry_check": {"type": ["object", "null"],
                               "description": "staff only, before the decision: what the registries say now "
                                              "about what the decision rests on, with the data source",
                               "properties": {
                                   "source": {"type": "string"}, "conclusion": {"type": "string"},
                                   "tone": {"type": "string", "enum": ["ok", "bad", "note"]},
                                   "findings": {"type": "array", "items": {
                                       "type": "object", "required": ["label", "result", "tone"],
                                       "properties": {"label": {"type": "string"}, "result": {"type": "string"},
                                                      "tone": {"type": "string",
                                                               "enum": ["ok", "bad", "note"]}}}}}},
            "materials": {"type": "array", "items": MATERIAL_FILE,
                          "description": "the files handed in, current version of each slot"},
        },
    },
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {"error": {"type": "string"}, "message": {"type": "string"},
                       "field": {"type": "string", "description": "the field, when one field is wrong"},
                       "errors": {"type": "array", "description": "every field error of a refused input",
                                  "items": {"type": "object", "required": ["field", "code", "message"],
                                            "properties": {"field": {"type": "string"}, "code": {"type": "string"},
                                                           "message": {"type": "string"}}}}},
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
            "extension": {
                "type": "object", "required": ["available", "source"],
                "description": "延长办理期限: whether the service has one (once, the head's approval), by how much, "
                               "the total where its rule states one (延长至…), and the source",
                "properties": {"available": {"type": "boolean"},
                               "by": {"oneOf": [{"$ref": "#/components/schemas/Limit"}, {"type": "null"}]},
                               "to": {"oneOf": [{"$ref": "#/components/schemas/Limit"}, {"type": "null"}]},
                               "basis_zh": {"type": "string"}, "source": {"type": "string"}}},
            "materials": {"type": "array", "items": {"type": "object"}},
            "outcome_documents": {"type": "array", "items": {"type": "string"}},
        },
    },
}


def filing_schemas() -> dict:
    """Every service's filing schema, by model name (nested models hoisted beside them)."""
    schemas = {}
    for code, model in FILING_SCHEMAS.items():
        schema = json_schema(model)
        schemas.update(schema.pop("$defs", {}))
        service = CATALOGUE[code]
        staff = " Recorded by staff (a staff token)." if service.filed_by_staff else ""
        schema["description"] = f"{code} ({service.name_zh}): {' '.join((model.__doc__ or '').split())}{staff}"
        schemas[model.__name__] = schema
    return schemas


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
            "schemas": {**SCHEMAS, **filing_schemas()},
        },
    }
