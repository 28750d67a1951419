"""Selling at the desk: any service for a stay (walk-ins, event tickets), on the room or by card."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from wtforms import SelectChoice

from app import clock
from app.desk import bp
from app.desk.forms import SaleForm
from app.extensions import db
from app.models import OfferPlace, Order, OrderStatus, PaymentMethod, Service, StaffRole
from app.security import allow_payment_scripts
from app.services import (
    availability,
    catalog,
    ordering,
    payments,
    recommendations,
    stay_lookup,
)
from app.services.errors import LobbyError
from app.web.booking import booking_request
from app.web.fields import row_id
from app.web.operations import attempt
from app.web.payment_answers import card_attempt
from app.web.roles import role_required
from app.web.templating import when

RECEPTIONIST = StaffRole.RECEPTIONIST


# How the desk says it: the receptionist charges the guest's room; "my room" is the guest's wording.
def _method_label(method: PaymentMethod, stay) -> str:
    if method is PaymentMethod.ROOM:
        return _("Charge to room %(room)s", room=stay.room)
    return _("Card, now at the desk")


def _sale_form(stay, service: Service) -> SaleForm:
    form = SaleForm()
    if service.kind.by_day:
        if request.method == "GET":
            form.start_date.data = max(g.hotel.today(), stay.arrival)
    else:
        form.slot.choices = [
            SelectChoice(slot.id, f"{when(slot.starts_at)} · {_left(slot.seats_left)}")
            for slot in availability.slots_for_stay(service, stay, clock.now(), days=14)
            if slot.seats_left
        ]
        if request.method == "GET" and form.slot.choices:
            form.slot.data = form.slot.choices[0].value
    form.children.choices = [
        SelectChoice(index, _("Child aged %(age)d", age=age)) for index, age in enumerate(stay.children_ages)
    ]
    form.payment_method.choices = [
        SelectChoice(method.value, _method_label(method, stay))
        for method in ordering.available_methods(g.hotel)
    ]
    return form


def _left(seats: int) -> str:
    return ngettext("%(num)d place left", "%(num)d places left", seats)


def _card_off_reason() -> str | None:
    """Why card is not offered, so the desk is told instead of finding it missing."""
    if not g.hotel.card_payments_enabled:
        return _("Card payments are switched off for this hotel (a manager can switch them on).")
    if not payments.card_payments_configured():
        return _("Card payments are not set up on this server (no payment provider keys).")
    return None


def _preview(stay, service: Service, form: SaleForm) -> tuple[ordering.Preview | None, str | None]:
    """The price of what the form holds now, or why it cannot be booked."""
    if not service.kind.by_day and not form.slot.data:
        return None, None
    try:
        return ordering.quote_alone(stay, booking_request(stay, service, form)), None
    except LobbyError as error:
        return None, str(error.message)


@bp.route("/stays/<int:stay_id>/sell", methods=["GET", "POST"])
@role_required(RECEPTIONIST)
def sell(stay_id: int):
    stay = stay_lookup.hotel_stay(g.hotel.id, stay_id) or abort(404)
    service_id = request.args.get("service", type=row_id)
    if service_id is None:
        services = catalog.services_on_sale(g.hotel.id)
        now = clock.now()
        offers = recommendations.offers_for_stay(stay, now)
        recommendations.record_impressions(stay, offers, OfferPlace.DESK, now)
        return render_template("desk/sell_pick.html", guest=stay, services=services, offers=offers)
    service = catalog.bookable_service(g.hotel.id, service_id)
    form = _sale_form(stay, service)
    status = 200
    if request.method == "POST" and not form.validate_on_submit():
        status = 400
    elif request.method == "POST" and request.form.get("action") != "quote":
        preview, _problem = _preview(stay, service, form)
        quoted = request.form.get("quoted_total", "")
        if preview is not None and quoted and quoted != str(preview.quote.total):
            # What was shown is not what would be charged (the party or time changed): show it first.
            flash(_("The price changed. Please check the new total and book again."), "error")
            status = 409
        else:
            done, status = _book(stay, service, form)
            if done is not None:
                return done
    preview, problem = _preview(stay, service, form) if status != 400 else (None, None)
    return render_template("desk/sell.html", **_page(stay, service, form, preview, problem)), status


def _page(stay, service, form, preview, problem) -> dict:
    return {
        "guest": stay,
        "service": service,
        "form": form,
        "preview": preview,
        "problem": problem,
        "card_off": _card_off_reason(),
        "room_charge": PaymentMethod.ROOM in ordering.available_methods(g.hotel),
    }


def _book(stay, service: Service, form: SaleForm):
    """Book what the form holds: (the redirect, 302) when it worked, (None, status) with the reason
    flashed when not."""
    with attempt() as refused:
        order = ordering.sell_at_desk(
            stay, booking_request(stay, service, form), PaymentMethod(form.payment_method.data)
        )
    if refused:
        return None, refused.status
    if order.status is OrderStatus.PENDING:
        return redirect(url_for("desk.pay", reference=order.reference)), 302
    flash(_("Sold: booking %(reference)s is confirmed.", reference=order.reference), "success")
    return redirect(url_for("desk.stay", stay_id=stay.id)), 302


def _hotel_order(reference: str) -> Order:
    order = db.session.scalar(select(Order).where(Order.reference == reference, Order.hotel_id == g.hotel.id))
    return order or abort(404)


@bp.get("/orders/<reference>/pay")
@role_required(RECEPTIONIST)
def pay(reference: str):
    order = _hotel_order(reference)
    ordering.release_hold_if_expired_now(order)
    if order.status is not OrderStatus.PENDING:
        return redirect(url_for("desk.stay", stay_id=order.stay_id))
    provider = payments.require_card_provider()
    allow_payment_scripts()
    return render_template("desk/pay.html", order=order, provider=provider, csrf=generate_csrf())


@bp.post("/orders/<reference>/pay")
@role_required(RECEPTIONIST)
def pay_submit(reference: str):
    order = _hotel_order(reference)
    return card_attempt(
        order,
        url_for("desk.stay", stay_id=order.stay_id),
        _("Please enter the card details."),
        _("The card was declined. Please try another card."),
    )
