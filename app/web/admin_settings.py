"""Settings an administrator changes (系统设置): per service, per unit and system-wide, each with
its value in force, the catalogue's default and legal source, and the history of changes."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from app import timeutil
from app.domain import settings as rules
from app.domain.calendar import Limit, LimitUnit
from app.domain.catalogue import CATALOGUE
from app.domain.catalogue import truck_permit as truck
from app.domain.catalogue.defaults import DEFAULTS, GLOBAL_DEFAULTS
from app.domain.settings import Scope
from app.extensions import db
from app.models.accounts import Unit
from app.operations import OperationError
from app.operations import settings as settings_ops
from app.web.guards import require_admin
from app.web.templating import limit_text, localized

bp = Blueprint("admin_settings", __name__, url_prefix="/admin/settings")
bp.before_request(require_admin)

LIMIT_NAMES = {rules.PROMISED: _l("承诺时限"), rules.STATUTORY: _l("法定时限"), rules.COMMITMENT: _l("容缺补齐期限"),
               rules.URGENT: _l("加急办时限")}
WEEKDAY_NAMES = {6: _l("星期六"), 7: _l("星期日")}


class _ChangeForm(FlaskForm):
    effective_from = DateTimeLocalField(_l("生效时间"), format="%Y-%m-%dT%H:%M", validators=[Optional()],
                                        description=_l("不填即为现在；可填将来的时间。已受理的办件仍按受理时的规则办理。"))
    note = StringField(_l("变更说明"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("保存设置"))


def _service_form(service, values: dict[str, Any]):
    class ServiceSettingsForm(_ChangeForm):
        pass

    for key in values:
        if key.startswith(rules.STEP_PREFIX):
            step = rules.Step(key[len(rules.STEP_PREFIX):])
            setattr(ServiceSettingsForm, _field(key), BooleanField(_l("开启%(step)s", step=_(rules.STEP_NAMES[step]))))
        else:
            setattr(ServiceSettingsForm, _field(key), StringField(LIMIT_NAMES[key], validators=[Length(max=10)]))
    defaults = {_field(key): value for key, value in values.items()}
    return ServiceSettingsForm(data=defaults)


def _field(key: str) -> str:
    return key.replace(".", "_")


def _effective_from(form):
    value = form.effective_from.data
    return value.replace(tzinfo=timeutil.LOCAL_TZ) if value else None


@bp.route("/")
def index():
    units = db.session.scalars(select(Unit).order_by(Unit.code)).all()
    services = [s for s in CATALOGUE.values() if s.workflow_built]
    history = [_history_entry(row, lambda _key, value: "" if value is None else str(value))
               for row in settings_ops.history_rows(Scope.GLOBAL, "") if row.key in GLOBAL_DEFAULTS]
    return render_template("admin/settings/index.html", services=services, units=units,
                           numbers=_numbers(), number_form=_numbers_form(), history=history)


@bp.route("/services/<code>", methods=["GET", "POST"])
def service(code: str):
    catalogue_service = CATALOGUE.get(code)
    if catalogue_service is None:
        abort(404)
    now = timeutil.now()
    values = settings_ops.service_settings(code, now)
    form = _service_form(catalogue_service, values)
    status = 200
    if form.validate_on_submit():
        submitted = {key: form[_field(key)].data for key in values}
        try:
            settings_ops.change(scope=Scope.SERVICE, target=code, values=submitted,
                                effective_from=_effective_from(form), by=current_user, now=now,
                                note=form.note.data or "")
        except OperationError as exc:
            _error(form, exc)
            status = 422
        else:
            flash(_("设置已保存。此后提交的申请适用新的设置，已提交的申请仍按提交时的规则办理。"), "success")
            return redirect(url_for("admin_settings.service", code=code))
    elif form.is_submitted():
        status = 422
    rows = [_service_row(catalogue_service, key, value) for key, value in values.items()]
    history = [_history_entry(row, lambda key, value: _service_value_text(catalogue_service, key, value))
               for row in settings_ops.history_rows(Scope.SERVICE, code)]
    return render_template("admin/settings/service.html", service=catalogue_service, form=form, rows=rows,
                           history=history, fields={key: _field(key) for key in values}), status


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
def unit(unit_id: int):
    the_unit = db.session.get(Unit, unit_id)
    if the_unit is None:
        abort(404)
    now = timeutil.now()
    values = settings_ops.unit_settings(unit_id, now)
    form = UnitSettingsForm(data=_unit_form_data(values))
    status = 200
    if form.validate_on_submit():
        sessions = [[form.morning_start.data, form.morning_end.data],
                    [form.afternoon_start.data, form.afternoon_end.data]]
        days = [day for day, name in ((6, "saturday"), (7, "sunday")) if form[name].data]
        try:
            settings_ops.change(scope=Scope.UNIT, target=str(unit_id),
                                values={rules.OFFICE_HOURS: sessions, rules.WEEKEND_DAYS: days},
                                effective_from=_effective_from(form), by=current_user, now=now,
                                note=form.note.data or "")
        except OperationError as exc:
            form.morning_start.errors.append(exc.message)
            status = 422
        else:
            flash(_("设置已保存。"), "success")
            return redirect(url_for("admin_settings.unit", unit_id=unit_id))
    elif form.is_submitted():
        status = 422
    history = [_history_entry(row, _unit_value_text) for row in settings_ops.history_rows(Scope.UNIT, str(unit_id))]
    return render_template("admin/settings/unit.html", unit=the_unit, form=form, history=history,
                           office_hours=_unit_value_text(rules.OFFICE_HOURS, values[rules.OFFICE_HOURS]),
                           weekend=_unit_value_text(rules.WEEKEND_DAYS, values[rules.WEEKEND_DAYS]),
                           default_hours=_unit_value_text(
                               rules.OFFICE_HOURS, rules.office_hours_value(rules.DEFAULT_OFFICE_HOURS))), status


@bp.route("/numbers", methods=["POST"])
def numbers():
    """The system-wide numbers that are settings (L and R in RULES.md)."""
    form = _numbers_form()
    now = timeutil.now()
    if not form.validate_on_submit():
        flash(_("请检查填写的内容。"), "error")
        return redirect(url_for("admin_settings.index"))
    values = {d.key: form[_field(d.key)].data for d in DEFAULTS if d.adjustable}
    try:
        settings_ops.change(scope=Scope.GLOBAL, target="", values=values, effective_from=_effective_from(form),
                            by=current_user, now=now, note=form.note.data or "")
    except OperationError as exc:
        flash(exc.message, "error")
        return redirect(url_for("admin_settings.index"))
    flash(_("设置已保存。"), "success")
    return redirect(url_for("admin_settings.index"))


@bp.route("/truck-zones", methods=["GET", "POST"])
def truck_zones():
    """货车通行区域: per zone, whether trucks are restricted, the peak hours closed to them and the
    lowest emission standard admitted (the catalogue's zones; defaults from the local notice)."""
    now = timeutil.now()
    in_force = settings_ops.truck_zones(now)
    form = _zones_form(in_force)
    status = 200
    if form.validate_on_submit():
        values = {truck.ZONE_SETTING_PREFIX + code: {
            "restricted": form[f"{code}_restricted"].data, "emission_floor": form[f"{code}_floor"].data,
            "peak_hours": form[f"{code}_peaks"].data or ""} for code in truck.ZONES}
        try:
            settings_ops.change(scope=Scope.GLOBAL, target="", values=values, effective_from=_effective_from(form),
                                by=current_user, now=now, note=form.note.data or "")
        except OperationError as exc:
            form.effective_from.errors.append(exc.message)
            status = 422
        else:
            flash(_("设置已保存。此后提交的申请适用新的设置，已提交的申请仍按提交时的规则办理。"), "success")
            return redirect(url_for("admin_settings.truck_zones"))
    elif form.is_submitted():
        status = 422
    history = [_history_entry(row, _zone_value_text) for row in settings_ops.history_rows(Scope.GLOBAL, "")
               if row.key.startswith(truck.ZONE_SETTING_PREFIX)]
    zones = [{"code": code, "zone": zone, "current": localized(in_force[code].rule), "default": localized(zone.rule)}
             for code, zone in truck.ZONES.items()]
    return render_template("admin/settings/truck_zones.html", form=form, zones=zones, history=history), status


def _zones_form(in_force):
    class ZonesForm(_ChangeForm):
        pass

    choices = [(standard, _l(standard)) for standard in truck.EMISSION_ORDER]
    data = {}
    for code, zone in in_force.items():
        value = truck.zone_value(zone)
        setattr(ZonesForm, f"{code}_restricted", BooleanField(_l("限行")))
        setattr(ZonesForm, f"{code}_floor", SelectField(_l("排放标准下限"), choices=choices))
        setattr(ZonesForm, f"{code}_peaks", StringField(_l("高峰禁行时段"), validators=[Length(max=80)],
                                                        description=_l("如 07:00-09:00, 17:00-19:30。")))
        data |= {f"{code}_restricted": value["restricted"], f"{code}_floor": value["emission_floor"],
                 f"{code}_peaks": ", ".join(value["peak_hours"])}
    return ZonesForm(data=data)


def _zone_value_text(key: str, value: Any) -> str:
    zone = truck.zone_with(truck.ZONES[key[len(truck.ZONE_SETTING_PREFIX):]], value)
    return localized(zone.rule)


class UnitSettingsForm(_ChangeForm):
    morning_start = StringField(_l("上午开始"), validators=[Length(max=5)])
    morning_end = StringField(_l("上午结束（午休开始）"), validators=[Length(max=5)])
    afternoon_start = StringField(_l("下午开始（午休结束）"), validators=[Optional(), Length(max=5)])
    afternoon_end = StringField(_l("下午结束"), validators=[Optional(), Length(max=5)])
    saturday = BooleanField(_l("星期六开放（如货车通行证等窗口）"))
    sunday = BooleanField(_l("星期日开放"))


def _unit_form_data(values: dict[str, Any]) -> dict[str, Any]:
    sessions = list(values[rules.OFFICE_HOURS]) + [["", ""]] * 2
    (ms, me), (as_, ae) = sessions[0], sessions[1]
    days = set(values[rules.WEEKEND_DAYS])
    return {"morning_start": ms, "morning_end": me, "afternoon_start": as_, "afternoon_end": ae,
            "saturday": 6 in days, "sunday": 7 in days}


def _numbers_form():
    class NumbersForm(_ChangeForm):
        pass

    now = timeutil.now()
    for default in DEFAULTS:
        if default.adjustable:
            setattr(NumbersForm, _field(default.key), StringField(_l(default.name_zh), validators=[Length(max=12)]))
    # As text, like a posted value: a number the post leaves out keeps the one in force.
    data = {_field(d.key): str(settings_ops.global_value(d.key, now)) for d in DEFAULTS if d.adjustable}
    return NumbersForm(data=data, prefix="n")


def _numbers() -> list[dict[str, Any]]:
    now = timeutil.now()
    return [{"key": d.key, "field": _field(d.key), "name": _(d.name_zh), "default": d.value, "source": _(d.source_zh),
             "tag": d.tag, "adjustable": d.adjustable,
             "current": settings_ops.global_value(d.key, now) if d.key in GLOBAL_DEFAULTS else d.value}
            for d in DEFAULTS]


def _error(form, exc: OperationError) -> None:
    name = _field(exc.field) if exc.field else "effective_from"
    getattr(form, name, form.effective_from).errors.append(exc.message)


def _service_row(service, key: str, value: Any) -> dict[str, Any]:
    limits = service.limits
    if key.startswith(rules.STEP_PREFIX):
        default: Any = rules.Step(key[len(rules.STEP_PREFIX):]) in service.steps
        source = _("事项目录规定的可选环节")
        name = _(rules.STEP_NAMES[rules.Step(key[len(rules.STEP_PREFIX):])])
    elif key == rules.URGENT:  # 加急办: the declared limit, else the system's default
        default = rules.limit_value(rules.default_urgent(service))
        source = localized(limits.sources.get(key, "")) if limits.urgent else _(rules.URGENT_SOURCE)
        name = str(LIMIT_NAMES[key])
    else:
        limit = getattr(limits, key)
        default = rules.limit_value(limit)
        source = localized(limits.sources.get(key, ""))
        name = str(LIMIT_NAMES[key])
    return {"key": key, "name": name, "current": _service_value_text(service, key, value),
            "default": _service_value_text(service, key, default), "source": source}


def _service_value_text(service, key: str, value: Any) -> str:
    if value is None:
        return _("无")
    if key.startswith(rules.STEP_PREFIX):
        return _("开启") if value else _("关闭")
    unit = (LimitUnit.WORKDAYS if key == rules.COMMITMENT
            else service.limits.promised.unit if key == rules.URGENT else getattr(service.limits, key).unit)
    limit = Limit(Decimal(str(value)), unit)
    return limit_text(limit)


def _unit_value_text(key: str, value: Any) -> str:
    if key == rules.OFFICE_HOURS:
        return _("、").join(f"{start}–{end}" for start, end in value or [])
    return _("、").join(str(WEEKDAY_NAMES[int(day)]) for day in value or []) or _("不开放")


def _history_entry(row, text) -> dict[str, Any]:
    return {"effective_from": timeutil.local(row.effective_from).strftime("%Y-%m-%d %H:%M"),
            "changed_at": timeutil.local(row.changed_at).strftime("%Y-%m-%d %H:%M"),
            "who": row.changed_by.real_name or row.changed_by.username, "key": row.key,
            "name": _history_name(row.key), "before": text(row.key, row.before), "after": text(row.key, row.after),
            "note": row.note}


def _history_name(key: str) -> str:
    if key in LIMIT_NAMES:
        return str(LIMIT_NAMES[key])
    if key.startswith(rules.STEP_PREFIX):
        return _(rules.STEP_NAMES[rules.Step(key[len(rules.STEP_PREFIX):])])
    if key == rules.OFFICE_HOURS:
        return _("办公时间")
    if key == rules.WEEKEND_DAYS:
        return _("周末开放日")
    if key.startswith(truck.ZONE_SETTING_PREFIX):
        return localized(truck.ZONES[key[len(truck.ZONE_SETTING_PREFIX):]].name)
    return _(GLOBAL_DEFAULTS[key].name_zh) if key in GLOBAL_DEFAULTS else key
