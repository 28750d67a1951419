"""Resource pools: capacity, weekly schedules, one-off closures and how full each day is."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.manage import bp
from app.manage.forms import CapacityForm, WeekForm
from app.models import OrderLine, PoolMode, ResourcePool, Slot, StaffRole
from app.services import capacity
from app.services.errors import LobbyError
from app.web.forms import PlainForm
from app.web.operations import attempt
from app.web.roles import role_required

MANAGER = StaffRole.MANAGER
MAX_CONFLICTS_SHOWN = 50


@bp.get("/pools")
@role_required(MANAGER)
def pools():
    today = g.hotel.today()
    found = db.session.scalars(
        select(ResourcePool).where(ResourcePool.hotel_id == g.hotel.id).order_by(ResourcePool.code)
    )
    return render_template(
        "manage/pools.html",
        pools=[(pool, capacity.load_by_day(pool, today, 7)) for pool in found],
        today=today,
    )


def _refused_key(pool) -> str:
    return f"pool-{pool.id}-refused"


def _page(pool, capacity_form=None, week_form=None, conflicts=(), status=200):
    today = g.hotel.today()
    refused = session.pop(_refused_key(pool), None)
    if refused:
        # Back from a refused change (post, redirect, get): what was typed and what was in the way.
        conflicts = _lines(refused.get("conflicts", []))
        if refused.get("capacity") is not None:
            capacity_form = CapacityForm(formdata=None, capacity=refused["capacity"])
        if refused.get("week") is not None:
            week_form = WeekForm(formdata=None, week=refused["week"])
    upcoming = db.session.scalars(
        select(Slot)
        .where(Slot.pool_id == pool.id, Slot.starts_at >= clock.now())
        .order_by(Slot.starts_at)
        .limit(60)
    ).all()
    if week_form is None:
        week_form = WeekForm(formdata=None, week=capacity.week_text(pool))
    return render_template(
        "manage/pool.html",
        pool=pool,
        capacity_form=capacity_form or CapacityForm(formdata=None, capacity=pool.capacity),
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


def _lines(line_ids: list[int]) -> list[OrderLine]:
    if not line_ids:
        return []
    return list(
        db.session.scalars(
            select(OrderLine)
            .where(OrderLine.id.in_(line_ids), OrderLine.hotel_id == g.hotel.id)
            .order_by(OrderLine.starts_at)
        )
    )


def _apply(pool, change, typed: dict | None = None, done: str | None = None):
    """Make the change, then redirect to the pool page (never a page a reload would post again).

    A refusal keeps its message (flashed), the bookings in the way and what was typed for
    the page after the redirect.
    """
    with attempt() as refused:
        change()
    if refused:
        lines = refused.error.lines if isinstance(refused.error, capacity.CapacityConflict) else []
        # The first bookings in the way are enough to act on, and keep the session cookie small.
        conflicts = [line.id for line in lines[:MAX_CONFLICTS_SHOWN]]
        session[_refused_key(pool)] = {"conflicts": conflicts, **(typed or {})}
    else:
        flash(done or _("Saved."), "success")
    return redirect(url_for("manage.pool_page", pool_id=pool.id))


@bp.post("/pools/<int:pool_id>/capacity")
@role_required(MANAGER)
def pool_capacity(pool_id: int):
    pool = _pool(pool_id)
    form = CapacityForm()
    if not form.validate_on_submit():
        return _page(pool, capacity_form=form, status=400)
    return _apply(
        pool, lambda: capacity.set_capacity(pool, form.capacity.data), typed={"capacity": form.capacity.data}
    )


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

    return _apply(pool, change, typed={"week": form.week.data or ""})


def _slot(pool, slot_id: int) -> Slot:
    try:
        return capacity.pool_slot(pool, slot_id)
    except LobbyError:
        abort(404)


@bp.get("/pools/<int:pool_id>/slots/<int:slot_id>/close")
@role_required(MANAGER)
def slot_close_confirm(pool_id: int, slot_id: int):
    """Closing asks first, on its own page: it works without JavaScript and says what it does."""
    pool = _pool(pool_id)
    slot = _slot(pool, slot_id)
    if slot.closed:
        return redirect(url_for("manage.pool_page", pool_id=pool.id))
    return render_template("manage/slot_close.html", pool=pool, slot=slot, plain_form=PlainForm())


@bp.post("/pools/<int:pool_id>/slots/<int:slot_id>/close")
@role_required(MANAGER)
def slot_close(pool_id: int, slot_id: int):
    pool = _pool(pool_id)
    if not PlainForm().validate_on_submit():
        abort(400)
    if request.form.get("confirmed") != "1":  # only the confirmation page's button closes
        return redirect(url_for("manage.slot_close_confirm", pool_id=pool.id, slot_id=slot_id))
    return _apply(
        pool,
        lambda: capacity.close_slot(pool, slot_id),
        done=_("Closed. Guests can no longer book this time."),
    )


@bp.post("/pools/<int:pool_id>/slots/<int:slot_id>/reopen")
@role_required(MANAGER)
def slot_reopen(pool_id: int, slot_id: int):
    pool = _pool(pool_id)
    if not PlainForm().validate_on_submit():
        abort(400)
    return _apply(
        pool,
        lambda: capacity.reopen_slot(pool, slot_id),
        done=_("Reopened. Guests can book this time again."),
    )
