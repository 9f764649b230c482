"""Administration of the key-project list (重点项目单位名单, seed 002 便民第5条): add an enterprise
of the enterprise registry, take one off the list or restore it; every change is audited and
shown as the list's history (who, when, before, after)."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app import timeutil
from app.operations import OperationError
from app.operations import key_projects as key_project_ops
from app.web.guards import require_admin

bp = Blueprint("admin_key_projects", __name__, url_prefix="/admin/key-projects")
bp.before_request(require_admin)

REQUIRED = _l("此项为必填项。")
ACTION_NAMES = {"add": _l("列入名单"), "remove": _l("移出名单"), "restore": _l("恢复列入")}


class KeyProjectForm(FlaskForm):
    uscc = StringField(_l("统一社会信用代码"), validators=[DataRequired(REQUIRED), Length(max=18)],
                       description=_l("企业名称从企业登记信息中读取。"),
                       render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"})
    project = StringField(_l("重点工程、重大项目名称"),
                          validators=[DataRequired(REQUIRED), Length(max=key_project_ops.PROJECT_MAX)])
    submit = SubmitField(_l("列入名单"))


class StatusForm(FlaskForm):
    submit = SubmitField(_l("确认"))


def _page(form: KeyProjectForm, status: int):
    return render_template("admin/key_projects.html", form=form, entries=key_project_ops.entries(),
                           history=key_project_ops.history(), status_form=StatusForm(formdata=None),
                           action_names=ACTION_NAMES), status


@bp.route("/", methods=["GET", "POST"])
def index():
    form = KeyProjectForm()
    if form.validate_on_submit():
        try:
            key_project_ops.add(uscc=form.uscc.data, project=form.project.data, by=current_user, now=timeutil.now())
        except OperationError as exc:
            getattr(form, exc.field or "uscc").errors.append(exc.message)
            return _page(form, 422)
        flash(_("已列入重点项目单位名单：此后提交的该单位外籍人员工作类居留许可申请按重点项目时限办理。"), "success")
        return redirect(url_for("admin_key_projects.index"))
    return _page(form, 422 if form.is_submitted() else 200)


@bp.route("/<int:entry_id>/remove", methods=["POST"])
def remove(entry_id: int):
    if StatusForm().validate_on_submit():
        key_project_ops.set_listed(entry_id, False, by=current_user, now=timeutil.now())
        flash(_("已移出名单：已提交的申请仍按提交时的时限办理。"), "success")
    return redirect(url_for("admin_key_projects.index"))


@bp.route("/<int:entry_id>/restore", methods=["POST"])
def restore(entry_id: int):
    if StatusForm().validate_on_submit():
        key_project_ops.set_listed(entry_id, True, by=current_user, now=timeutil.now())
        flash(_("已恢复列入名单。"), "success")
    return redirect(url_for("admin_key_projects.index"))
