"""Serving a stored document to those entitled: the applicant and the unit's staff.

A document still being rendered (a job does it after the event) is not an error: the page
says "生成中" and reloads itself; the API answers 202 with `status: pending`."""
from io import BytesIO

from flask import jsonify, render_template, send_file
from sqlalchemy import select
from sqlalchemy.orm import undefer

from app.domain.text import N_
from app.extensions import db
from app.models.applications import Document
from app.operations import NotFound
from app.operations.applications import get_visible, log_staff_access
from app.web.links import external_url


def _visible_document(user, application_id: int, document_id: int, *, with_content: bool = False):
    application = get_visible(user, application_id)
    query = select(Document).where(Document.id == document_id, Document.application_id == application.id)
    if with_content:
        query = query.options(undefer(Document.content))
    document = db.session.scalar(query)
    if document is None:
        raise NotFound(N_("未找到该文书。"))
    return application, document


def send_document(user, application_id: int, document_id: int, *, endpoint: str, api: bool = False):
    application, document = _visible_document(user, application_id, document_id, with_content=True)
    if not document.ready:
        if api:
            return jsonify(document_status_json(document, endpoint=endpoint)), 202
        return render_template("document_pending.html", document=document, application=application), 202
    log_staff_access(user, application, f"document.{document.kind}")
    response = send_file(BytesIO(document.content), mimetype="application/pdf", as_attachment=True,
                         download_name=document.filename)
    # send_file says "no-cache" (keep, but revalidate): a certificate or notice with a full ID
    # number must not be kept at all, by the browser or anything in between.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def document_status(user, application_id: int, document_id: int, *, endpoint: str):
    """Whether a document is ready (polled by static/js/documents.js); no content, no access log."""
    _application, document = _visible_document(user, application_id, document_id)
    return jsonify(document_status_json(document, endpoint=endpoint))


def document_status_json(document: Document, *, endpoint: str) -> dict:
    ready = document.ready
    return {
        "id": document.id, "kind": document.kind, "title": document.title,
        "status": "ready" if ready else "pending",
        "url": external_url(endpoint, application_id=document.application_id, document_id=document.id) if ready else None,
    }
