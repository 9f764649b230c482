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

SCHEMAS: dict = {
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
