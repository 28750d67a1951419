"""Resource pools: capacity, weekly schedules, one-off closures and how full each day is."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.roles import role_required
from app.extensions import db
from app.guest.forms import PlainForm
from app.manage import bp
from app.manage.forms import CapacityForm, WeekForm
from app.models import PoolMode, ResourcePool, Slot, StaffRole
from app.services import capacity, clock
from app.services.errors import LobbyError

MANAGER = StaffRole.MANAGER


def _today():
    return clock.now().astimezone(g.hotel.tz).date()


@bp.get("/pools")
@role_required(MANAGER)
def pools():
    today = _today()
    found = db.session.scalars(
        select(ResourcePool).where(ResourcePool.hotel_id == g.hotel.id).order_by(ResourcePool.code)
    )
    return render_template(
        "manage/pools.html",
        pools=[(pool, capacity.load_by_day(pool, today, 7)) for pool in found],
        today=today,
    )


def _page(pool, capacity_form=None, week_form=None, conflicts=(), status=200):
    today = _today()
    upcoming = db.session.scalars(
        select(Slot)
        .where(Slot.pool_id == pool.id, Slot.starts_at >= clock.now())
        .order_by(Slot.starts_at)
        .limit(60)
    ).all()
    if week_form is None:
        week_form = WeekForm(week=capacity.week_text(pool))
    return render_template(
        "manage/pool.html",
        pool=pool,
        capacity_form=capacity_form or CapacityForm(capacity=pool.capacity),
        week_form=week_form,
        plain_form=PlainForm(),
        upcoming=upcoming,
        load=capacity.load_by_day(pool, today, 14),
        conflicts=conflicts,
        timed=pool.mode is PoolMode.SESSIONS,
    ), status


@bp.get("/pools/<int:pool_id>")
@role_required(MANAGER)
def pool_page(pool_id: int):
    return _page(_pool(pool_id))


def _pool(pool_id: int) -> ResourcePool:
    try:
        return capacity.hotel_pool(g.hotel.id, pool_id)
    except LobbyError:
        abort(404)


def _apply(pool, change, **forms):
    try:
        change()
    except capacity.CapacityConflict as conflict:
        flash(str(conflict.message), "error")
        return _page(pool, conflicts=conflict.lines, status=409, **forms)
    except LobbyError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _page(pool, status=error.status, **forms)
    flash(_("Saved."), "success")
    return redirect(url_for("manage.pool_page", pool_id=pool.id))


@bp.post("/pools/<int:pool_id>/capacity")
@role_required(MANAGER)
def pool_capacity(pool_id: int):
    pool = _pool(pool_id)
    form = CapacityForm()
    if not form.validate_on_submit():
        return _page(pool, capacity_form=form, status=400)
    return _apply(pool, lambda: capacity.set_capacity(pool, form.capacity.data), capacity_form=form)


@bp.post("/pools/<int:pool_id>/schedule")
@role_required(MANAGER)
def pool_schedule(pool_id: int):
    pool = _pool(pool_id)
    form = WeekForm()
    if not form.validate_on_submit() or pool.mode is not PoolMode.SESSIONS:
        return _page(pool, week_form=form, status=400)
    minutes = pool.schedules[0].minutes if pool.schedules else 60

    def change():
        capacity.set_schedule(pool, capacity.parse_week(form.week.data or "", minutes))

    return _apply(pool, change, week_form=form)


@bp.post("/pools/<int:pool_id>/slots/<int:slot_id>/close")
@role_required(MANAGER)
def slot_close(pool_id: int, slot_id: int):
    pool = _pool(pool_id)
    if not PlainForm().validate_on_submit():
        abort(400)
    return _apply(pool, lambda: capacity.close_slot(pool, slot_id))
