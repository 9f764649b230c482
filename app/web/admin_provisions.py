"""Administration of the legal-provision list (法律、行政法规条款清单) a unit's criminal-record
query is chosen from: add, correct, retire or reinstate an entry; every change is audited and
shown as the list's history (who, when, before, after)."""
import re

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app import timeutil
from app.domain.catalogue import criminal_record as rules
from app.operations import OperationError
from app.operations import provisions as provision_ops
from app.web.guards import require_admin

bp = Blueprint("admin_provisions", __name__, url_prefix="/admin/legal-provisions")
bp.before_request(require_admin)

REQUIRED = _l("此项为必填项。")
ACTION_NAMES = {"add": _l("新增"), "edit": _l("修改"), "retire": _l("废止"), "reinstate": _l("恢复适用")}
FIELD_NAMES = {"law_name": _l("法律、行政法规名称"), "kind": _l("类别"), "article": _l("条款"),
               "bar_zh": _l("限制内容"), "jobs": _l("适用职业"), "in_force": _l("状态")}


class ProvisionForm(FlaskForm):
    law_name = StringField(_l("法律、行政法规名称"), validators=[DataRequired(REQUIRED), Length(max=rules.LAW_NAME_MAX)],
                           description=_l("如：中华人民共和国教师法（不加书名号）。"))
    kind = SelectField(_l("类别"), choices=[(code, _l(name)) for code, name in rules.ALL_KINDS.items()],
                       validators=[DataRequired(REQUIRED)],
                       description=_l("只有法律、行政法规可以作为单位查询犯罪记录的依据；部门规章、地方性法规等不能列入。"))
    article = StringField(_l("条款"), validators=[DataRequired(REQUIRED), Length(max=rules.ARTICLE_MAX)],
                          description=_l("如：第十四条。"))
    bar_zh = TextAreaField(_l("限制内容（简述）"), validators=[DataRequired(REQUIRED), Length(max=rules.BAR_MAX)],
                           description=_l("该条款对有犯罪记录人员从事该职业的限制。"))
    jobs = TextAreaField(_l("适用职业（岗位）"), validators=[DataRequired(REQUIRED), Length(max=1000)],
                         description=_l("每行一个，或用顿号、逗号分隔。"))
    submit = SubmitField(_l("保存"))

    def job_list(self) -> list[str]:
        return [job for job in re.split(r"[\n\r,，、;；]+", self.jobs.data or "") if job.strip()]


class StatusForm(FlaskForm):
    submit = SubmitField(_l("确认"))


def _save(form: ProvisionForm, provision_id: int | None):
    """The add or edit; None when the rules refused it (the reason is under its field)."""
    values = {"law_name": form.law_name.data, "kind": form.kind.data, "article": form.article.data,
              "bar_zh": form.bar_zh.data, "jobs": form.job_list()}
    try:
        if provision_id is None:
            return provision_ops.add(**values, by=current_user, now=timeutil.now())
        return provision_ops.edit(provision_id, **values, by=current_user, now=timeutil.now())
    except OperationError as exc:
        getattr(form, exc.field or "law_name").errors.append(exc.message)
        return None


def _page(form: ProvisionForm, status: int):
    return render_template("admin/legal_provisions.html", form=form, entries=provision_ops.entries(),
                           history=provision_ops.history(), status_form=StatusForm(formdata=None),
                           kinds=rules.ALL_KINDS, action_names=ACTION_NAMES, field_names=FIELD_NAMES), status


@bp.route("/", methods=["GET", "POST"])
def index():
    form = ProvisionForm()
    if form.validate_on_submit():
        if _save(form, None) is not None:
            flash(_("已加入清单。"), "success")
            return redirect(url_for("admin_provisions.index"))
        return _page(form, 422)
    return _page(form, 422 if form.is_submitted() else 200)


@bp.route("/<int:provision_id>/edit", methods=["GET", "POST"])
def edit(provision_id: int):
    row = provision_ops.get(provision_id)
    # The entry as it stands fills the form; what was sent, when sent, wins.
    form = ProvisionForm(data={
        "law_name": row.law_name, "kind": row.kind, "article": row.article, "bar_zh": row.bar_zh,
        "jobs": "\n".join(row.jobs or [])})
    status = 200
    if form.validate_on_submit():
        if _save(form, provision_id) is not None:
            flash(_("已保存修改。此前提交的申请仍按提交时的条款内容办理。"), "success")
            return redirect(url_for("admin_provisions.index"))
        status = 422
    elif form.is_submitted():
        status = 422
    return render_template("admin/legal_provision_edit.html", form=form, entry=provision_ops.as_rule(row)), status


@bp.route("/<int:provision_id>/retire", methods=["POST"])
def retire(provision_id: int):
    if StatusForm().validate_on_submit():
        provision_ops.set_in_force(provision_id, False, by=current_user, now=timeutil.now())
        flash(_("已废止：新的单位查询不能再选择该条款，已提交的申请不受影响。"), "success")
    return redirect(url_for("admin_provisions.index"))


@bp.route("/<int:provision_id>/reinstate", methods=["POST"])
def reinstate(provision_id: int):
    if StatusForm().validate_on_submit():
        provision_ops.set_in_force(provision_id, True, by=current_user, now=timeutil.now())
        flash(_("已恢复适用。"), "success")
    return redirect(url_for("admin_provisions.index"))
