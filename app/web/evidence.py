"""Public viewing of accident evidence with a query code: /evidence.

The holder types the code and the last digits of their ID number (POST, never in a URL).
A correct entry opens a short-lived viewing session carried in the signed session cookie
(the code id, an expiry and a random key — never the code). Each disclosable item is then
reached through an opaque reference derived from that key, so no URL is guessable or
reusable in another session, and confidential items have no reference at all.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from io import BytesIO

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app import timeutil
from app.domain.catalogue import accident_evidence as rules
from app.domain.text import N_
from app.extensions import limiter
from app.operations import NotFound, OperationError
from app.operations import evidence as evidence_ops
from app.registries import get_registries
from app.web.guards import allow_public

bp = Blueprint("evidence", __name__, url_prefix="/evidence")
bp.before_request(allow_public)

SESSION_KEY = "evidence_view"
INLINE_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml")
MAX_INLINE_BYTES = 5 * 1024 * 1024


def _entry_rate_limit() -> str:
    """Per IP address, on top of the per-code lockout."""
    return current_app.config.get("EVIDENCE_RATE_LIMIT_PER_IP", "10 per minute;60 per hour")


class EntryForm(FlaskForm):
    code = StringField(_l("查询码"), validators=[DataRequired(_l("请输入查询码。")), Length(max=40)],
                       description=_l("见办案单位出具的《事故证据材料查询凭证》，如 ABCD-EFGH-JKLM-NPQR，字母不区分大小写。"),
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})
    id_tail = StringField(_l("证件号码后4位"), validators=[DataRequired(_l("请输入证件号码后4位。")), Length(max=8)],
                          description=_l("查阅人身份证明号码的最后4位（末位为X的请输入X）。"),
                          render_kw={"autocomplete": "off", "maxlength": "4", "spellcheck": "false"})
    submit = SubmitField(_l("查阅证据材料"))


class ExitForm(FlaskForm):
    submit = SubmitField(_l("结束查阅"))


def _client_ip() -> str | None:
    return request.remote_addr


def _item_ref(state: dict, item_id: int) -> str:
    """An opaque per-session reference for one item (96 bits, keyed by the session's random key)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = f"evidence-item:{state['k']}:{state['c']}:{item_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:24]


def _state() -> dict | None:
    state = session.get(SESSION_KEY)
    if not isinstance(state, dict) or not {"c", "k", "exp"} <= set(state):
        return None
    if timeutil.now().timestamp() >= state["exp"]:
        session.pop(SESSION_KEY, None)
        return None
    return state


def _end(message: str, status: int):
    session.pop(SESSION_KEY, None)
    return render_template("evidence/enter.html", form=EntryForm(formdata=None), message=message,
                           **_page_context()), status


def _page_context() -> dict:
    return {"tail_length": rules.ID_TAIL_LENGTH, "max_attempts": rules.MAX_WRONG_ATTEMPTS,
            "lockout_minutes": rules.LOCKOUT_MINUTES, "session_minutes": rules.VIEW_SESSION_MINUTES}


def _open_session():
    """The code behind the current viewing session, or a response ending it."""
    state = _state()
    if state is None:
        flash(_("请输入查询码和证件号码后4位。查看超过%(n)s分钟需重新输入。", n=rules.VIEW_SESSION_MINUTES), "info")
        return None, None, redirect(url_for("evidence.enter"))
    try:
        row = evidence_ops.session_code(state["c"], now=timeutil.now())
    except OperationError as exc:
        return None, None, _end(exc.message, exc.status)
    return state, row, None


def _find(state: dict, row, ref: str):
    for item in evidence_ops.disclosable_items(row):
        if hmac.compare_digest(_item_ref(state, item.id), ref):
            return item
    return None


@bp.route("/", methods=["GET", "POST"])
@limiter.limit(_entry_rate_limit, methods=["POST"])
def enter():
    form = EntryForm()
    status = 200
    if form.validate_on_submit():
        now = timeutil.now()
        try:
            row = evidence_ops.enter(form.code.data, form.id_tail.data, ip=_client_ip(), now=now)
        except OperationError as exc:
            target = getattr(form, exc.field, None) if exc.field else None
            (target.errors if target is not None else form.form_errors).append(exc.message)
            status = exc.status
        else:
            session[SESSION_KEY] = {
                "c": row.id, "k": secrets.token_hex(16),
                "exp": int((now + timedelta(minutes=rules.VIEW_SESSION_MINUTES)).timestamp()),
            }
            return redirect(url_for("evidence.materials"))
    elif form.is_submitted():
        status = 422
    form.id_tail.data = ""  # the typed code stays (easier to correct); the ID digits never come back
    return render_template("evidence/enter.html", form=form, message=None, **_page_context()), status


@bp.route("/materials")
@limiter.limit("120 per minute")
def materials():
    state, row, response = _open_session()
    if response is not None:
        return response
    case = get_registries().accident_case(row.case_number)
    items = [{"ref": _item_ref(state, item.id), "item": item,
              "kind": rules.EVIDENCE_KIND_NAMES.get(item.kind, item.kind),
              "inline": item.mime.split(";")[0] in INLINE_IMAGE_TYPES or item.mime.startswith("text/")}
             for item in evidence_ops.disclosable_items(row)]
    expires = datetime.fromtimestamp(state["exp"], tz=timeutil.LOCAL_TZ)
    return render_template("evidence/materials.html", items=items, case=case, row=row,
                           holder=row.application.subject_name, exit_form=ExitForm(),
                           session_ends=expires.strftime("%H:%M"),
                           code_expires=timeutil.local(row.expires_at).strftime("%Y-%m-%d %H:%M"))


@bp.route("/materials/<ref>")
@limiter.limit("120 per minute")
def view(ref: str):
    state, row, response = _open_session()
    if response is not None:
        return response
    item = _find(state, row, ref)
    if item is None:
        raise NotFound(N_("未找到该证据材料。"))
    content = evidence_ops.fetch_item(row, item.id, "view", ip=_client_ip(), now=timeutil.now())
    mime = content.mime.split(";")[0].strip()
    image = text = None
    if mime in INLINE_IMAGE_TYPES and len(content.content) <= MAX_INLINE_BYTES:
        image = f"data:{mime};base64,{base64.b64encode(content.content).decode()}"
    elif mime.startswith("text/"):
        text = content.content.decode("utf-8", errors="replace")
    return render_template("evidence/item.html", item=item, ref=ref, image=image, text=text,
                           filename=content.filename, kind=rules.EVIDENCE_KIND_NAMES.get(item.kind, item.kind),
                           exit_form=ExitForm())


@bp.route("/materials/<ref>/download")
@limiter.limit("60 per minute")
def download(ref: str):
    state, row, response = _open_session()
    if response is not None:
        return response
    item = _find(state, row, ref)
    if item is None:
        raise NotFound(N_("未找到该证据材料。"))
    content = evidence_ops.fetch_item(row, item.id, "download", ip=_client_ip(), now=timeutil.now())
    sent = send_file(BytesIO(content.content), mimetype=content.mime, as_attachment=True,
                     download_name=content.filename)
    sent.headers["Cache-Control"] = "no-store"
    return sent


@bp.route("/exit", methods=["POST"])
def leave():
    session.pop(SESSION_KEY, None)
    flash(_("已结束查阅。"), "success")
    return redirect(url_for("evidence.enter"))
