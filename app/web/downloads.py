"""Serving a stored document to those entitled: the applicant and the unit's staff."""
from io import BytesIO

from flask import send_file

from app.extensions import db
from app.models.applications import Document
from app.operations import NotFound
from app.operations.applications import get_visible, log_staff_access


def send_document(user, application_id: int, document_id: int):
    application = get_visible(user, application_id)
    document = db.session.get(Document, document_id)
    if document is None or document.application_id != application.id:
        raise NotFound("未找到该文书。")
    log_staff_access(user, application, f"document.{document.kind}")
    return send_file(BytesIO(document.content), mimetype="application/pdf", as_attachment=True,
                     download_name=document.filename)
