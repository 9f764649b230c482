"""The engraving shop's workbench (/shop): its queue of seal applications, nearest deadline
first, and for each "开始刻制" / "刻制完成". Another shop's application is a 404."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SubmitField

from app import timeutil
from app.domain.catalogue.seal_engraving import SEAL_KINDS
from app.domain.clock import light
from app.domain.workflow import State
from app.operations import OperationError
from app.operations import applications as application_ops
from app.operations import seals as seal_ops
from app.registries import get_registries
from app.web.guards import require_shop
from app.web.presenters import application_json

bp = Blueprint("shop", __name__, url_prefix="/shop")
bp.before_request(require_shop)


class ConfirmForm(FlaskForm):
    submit = SubmitField()


def _seal_names(application) -> list[str]:
    return [_(SEAL_KINDS[kind]) if kind in SEAL_KINDS else kind for kind in application.data.get("seals", [])]


@bp.route("/")
def queue():
    now = timeutil.now()
    to_do, done = seal_ops.shop_queue(current_user)
    rows = [{"a": a, "seals": _seal_names(a), "started": bool(a.data.get("engraving_started_at")),
             "light": light(State(a.state), application_ops.stored_clocks(a), now)} for a in to_do]
    finished = [{"a": a, "seals": _seal_names(a)} for a in done]
    shop = get_registries().engraving_shop(current_user.shop_id)
    return render_template("shop/queue.html", rows=rows, finished=finished, shop=shop)


@bp.route("/applications/<int:application_id>")
def detail(application_id: int):
    application = seal_ops.shop_application(current_user, application_id)
    seal_ops.log_shop_view(current_user, application)
    view = application_json(application, now=timeutil.now())
    started = application.data.get("engraving_started_at")
    return render_template(
        "shop/detail.html", a=view, application=application, seal_names=_seal_names(application),
        recorded=[seal_ops.seal_view(s) for s in seal_ops.seals_of_application(application)],
        started=datetime.fromisoformat(started).strftime("%Y-%m-%d %H:%M") if started else None,
        form=ConfirmForm(), can_work=application.state == State.ACCEPTED.value,
    )


def _act(application_id: int, operation, success: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        operation(current_user, application_id, now=timeutil.now())
    except OperationError as exc:
        if exc.status == 404:
            raise
        flash(exc.message, "error")
    else:
        flash(success, "success")
    return redirect(url_for("shop.detail", application_id=application_id))


@bp.route("/applications/<int:application_id>/start", methods=["POST"])
def start(application_id: int):
    return _act(application_id, seal_ops.start_engraving, _("已开始刻制。"))


@bp.route("/applications/<int:application_id>/complete", methods=["POST"])
def complete(application_id: int):
    return _act(application_id, seal_ops.complete_engraving,
                _("已确认刻制完成：印章已备案，防伪码已生成，企业可下载印章备案信息。"))
