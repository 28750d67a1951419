"""The booking rules: what may go in a cart, checking out, and cancelling."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import format_date, format_timedelta, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Hotel,
    LineStatus,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    RequestKind,
    Service,
    ServiceKind,
    Slot,
    Stay,
)
from app.payments import card_provider, room_charge
from app.services import availability, clock, discounts, requests, stay_life, waitlist
from app.services.catalog import bookable_service
from app.services.errors import LobbyError, NotAllowed, NotFound, SoldOut
from app.services.locking import write_transaction
from app.services.money import MAX_AMOUNT
from app.services.pricing import Party, Quote, price_breakdown
from app.services.transactions import operation

MAX_UNITS = 10
MAX_RENTAL_DAYS = 30


@dataclass
class BookingRequest:
    """What a guest asked for, as parsed from a form; checked by :func:`plan_line`."""

    service_id: int
    slot_id: int | None = None
    adults: int = 0
    child_indexes: list[int] = field(default_factory=list)  # positions in stay.children_ages
    start_date: date | None = None
    days: int = 1
    quantity: int = 1
    # The offer (place, reason code) the guest booked from, once checked by recommendations.attribution.
    offer: tuple[str, str] | None = None


@dataclass
class PlannedLine:
    service: Service
    slots: list[Slot]
    party: Party
    quote: Quote
    starts_at: datetime
    ends_at: datetime
    start_date: date | None = None
    end_date: date | None = None
    offer: tuple[str, str] | None = None


def new_order_reference() -> str:
    return base64.b32encode(secrets.token_bytes(5)).decode()


def plan_line(stay: Stay, request: BookingRequest, now: datetime | None = None) -> PlannedLine:
    """Check a request against every rule and price it; raise :class:`LobbyError` if it breaks one."""
    now = now or clock.now()
    stay_life.ensure_open(stay)
    service = bookable_service(stay.hotel_id, request.service_id)
    hotel = db.session.get(Hotel, stay.hotel_id)
    if service.kind.by_day:
        planned = _plan_by_day(stay, hotel, service, request, now)
    else:
        planned = _plan_timed(stay, hotel, service, request, now)
    planned.offer = request.offer
    return planned


def quote_alone(stay: Stay, request: BookingRequest, now: datetime | None = None) -> Quote:
    """What booking ``request`` on its own (:func:`book_now`) charges, line by line with its discounts.

    Raises :class:`LobbyError` like :func:`plan_line`. A timed request without a time yet
    is priced for its party (the price does not depend on the time; booking checks the rest).
    """
    service = bookable_service(stay.hotel_id, request.service_id)
    if service.kind.by_day or request.slot_id is not None:
        planned = plan_line(stay, request, now)
        quote = planned.quote
    else:
        party = Party(adults=request.adults, children_ages=_chosen_children(stay, request.child_indexes))
        _check_party(stay, service, party)
        quote = price_breakdown(service, db.session.get(Hotel, stay.hotel_id), party)
    return discounts.price_alone(stay, service.id, quote)


def _plan_timed(
    stay: Stay, hotel: Hotel, service: Service, request: BookingRequest, now: datetime
) -> PlannedLine:
    slot = db.session.get(Slot, request.slot_id) if request.slot_id else None
    if slot is None or slot.pool_id != service.pool_id or slot.hotel_id != stay.hotel_id:
        raise NotFound(_("That time is not available. Please choose another."))
    _check_lead_time(service, slot.starts_at, now)
    _check_within_stay(stay, slot.local_date)
    party = Party(adults=request.adults, children_ages=_chosen_children(stay, request.child_indexes))
    _check_party(stay, service, party)
    if party.people > slot.seats_left:
        raise SoldOut(_seats_left_message(slot.seats_left))
    quote = price_breakdown(service, hotel, party)
    return PlannedLine(service, [slot], party, quote, slot.starts_at, slot.ends_at)


def _plan_by_day(
    stay: Stay, hotel: Hotel, service: Service, request: BookingRequest, now: datetime
) -> PlannedLine:
    if request.start_date is None:
        raise LobbyError(_("Please choose the first day."))
    if not 1 <= request.days <= MAX_RENTAL_DAYS:
        raise LobbyError(_("Number of days: please choose from 1 to %(max)d.", max=MAX_RENTAL_DAYS))
    if not 1 <= request.quantity <= min(MAX_UNITS, service.pool.capacity):
        raise LobbyError(_("Please choose between 1 and %(max)d.", max=min(MAX_UNITS, service.pool.capacity)))
    first, last = request.start_date, request.start_date + timedelta(days=request.days - 1)
    earliest = (now + timedelta(minutes=service.lead_time_minutes)).astimezone(hotel.tz).date()
    if first < earliest:
        raise NotAllowed(_("The earliest day you can book this for is %(day)s.", day=format_date(earliest)))
    _check_within_stay(stay, first)
    _check_within_stay(stay, last)
    slots = availability.day_slots(service, first, last)
    if len(slots) != request.days:
        raise NotFound(_("This is not available on every day you chose."))
    fewest = min(slot.seats_left for slot in slots)
    if request.quantity > fewest:
        raise SoldOut(_seats_left_message(fewest))
    party = Party(quantity=request.quantity, days=request.days)
    quote = price_breakdown(service, hotel, party)
    tz = hotel.tz
    return PlannedLine(
        service,
        slots,
        party,
        quote,
        starts_at=datetime.combine(first, time(0), tzinfo=tz),
        ends_at=datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz),
        start_date=first,
        end_date=last,
    )


def _check_lead_time(service: Service, starts_at: datetime, now: datetime) -> None:
    if starts_at < now:
        raise NotAllowed(_("That time has already passed. Please choose another."))
    lead = timedelta(minutes=service.lead_time_minutes)
    if starts_at - lead < now:
        raise NotAllowed(
            _("This must be booked at least %(time)s in advance.", time=format_timedelta(lead, threshold=1))
        )


def _check_within_stay(stay: Stay, day: date) -> None:
    if not stay.arrival <= day <= stay.departure:
        raise LobbyError(
            _(
                "Please choose a day during your stay (%(arrival)s to %(departure)s).",
                arrival=format_date(stay.arrival),
                departure=format_date(stay.departure),
            )
        )


def _chosen_children(stay: Stay, indexes: list[int]) -> tuple[int, ...]:
    if len(set(indexes)) != len(indexes) or any(not 0 <= i < stay.children for i in indexes):
        raise LobbyError(_("Please choose children from your stay."))
    return tuple(stay.children_ages[i] for i in sorted(indexes))


def _check_party(stay: Stay, service: Service, party: Party) -> None:
    if not 0 <= party.adults <= stay.adults:
        raise LobbyError(
            ngettext("Your stay has %(num)d adult.", "Your stay has %(num)d adults.", stay.adults)
        )
    if party.people == 0:
        raise LobbyError(_("Please choose who is coming."))
    if party.adults and service.max_age is not None and service.max_age < 18:
        raise LobbyError(
            _(
                "%(service)s is for children up to age %(age)d.",
                service=service.title,
                age=service.max_age,
            )
        )
    for age in party.children_ages:
        if service.min_age is not None and age < service.min_age:
            raise LobbyError(
                _(
                    "A child aged %(age)d is too young for %(service)s: the minimum age is %(min)d.",
                    age=age,
                    service=service.title,
                    min=service.min_age,
                )
            )
        if service.max_age is not None and age > service.max_age:
            raise LobbyError(
                _(
                    "A child aged %(age)d is too old for %(service)s: the maximum age is %(max)d.",
                    age=age,
                    service=service.title,
                    max=service.max_age,
                )
            )


def _seats_left_message(left: int) -> str:
    if left <= 0:
        return _("Sorry, this is sold out. Please choose another time.")
    return ngettext("Only %(num)d place left.", "Only %(num)d places left.", left)


def cart_for(stay: Stay) -> Order | None:
    return db.session.scalar(
        select(Order).where(
            Order.stay_id == stay.id, Order.hotel_id == stay.hotel_id, Order.status == OrderStatus.CART
        )
    )


@operation
def add_to_cart(stay: Stay, request: BookingRequest) -> OrderLine:
    if pending_order(stay) is not None:
        raise NotAllowed(_("Please finish paying for your booking, or change it, before adding more."))
    planned = plan_line(stay, request)
    order = cart_for(stay) or _new_order(stay, planned.quote.currency)
    line = _add_line(order, planned)
    db.session.flush()
    discounts.reprice(order, stay)
    return line


def _new_order(stay: Stay, currency: str) -> Order:
    order = Order(hotel_id=stay.hotel_id, stay_id=stay.id, reference=new_order_reference(), currency=currency)
    db.session.add(order)
    return order


def _add_line(order: Order, planned: PlannedLine) -> OrderLine:
    line = OrderLine(
        hotel_id=order.hotel_id,
        order=order,
        service=planned.service,
        slot=planned.slots[0] if not planned.service.kind.by_day else None,
        start_date=planned.start_date,
        end_date=planned.end_date,
        starts_at=planned.starts_at,
        ends_at=planned.ends_at,
        adults=planned.party.adults,
        children_ages=list(planned.party.children_ages),
        quantity=planned.party.quantity,
        currency=planned.quote.currency,
        subtotal=planned.quote.subtotal,
        discount=planned.quote.discount,
        total=planned.quote.total,
        breakdown=planned.quote.as_json(),
        offer_place=planned.offer[0] if planned.offer else None,
        offer_reason=planned.offer[1] if planned.offer else None,
    )
    db.session.add(line)
    order.total = sum(item.total for item in order.live_lines)
    if max(planned.quote.subtotal, order.total) > MAX_AMOUNT:
        # Prices fit their column one by one; many people or days of the dearest do not.
        raise LobbyError(_("That comes to more than one booking can hold. Please book it in parts."))
    return line


def stay_line(stay: Stay, line_id: int) -> OrderLine:
    """A line of one of this stay's orders; another stay's line is simply not found."""
    line = db.session.scalar(
        select(OrderLine)
        .join(Order)
        .where(OrderLine.id == line_id, Order.stay_id == stay.id, Order.hotel_id == stay.hotel_id)
    )
    if line is None:
        raise NotFound(_("We could not find that booking."))
    return line


@operation
def remove_from_cart(stay: Stay, line_id: int) -> None:
    line = stay_line(stay, line_id)
    if line.status is not LineStatus.CART:
        raise NotFound(_("We could not find that booking."))
    order = line.order
    order.lines.remove(line)
    if order.lines:
        discounts.reprice(order, stay)
    else:
        db.session.delete(order)


def available_methods(hotel: Hotel) -> list[PaymentMethod]:
    """How this hotel's guests can pay right now: card needs Stripe keys as well as the hotel's yes."""
    methods = []
    if hotel.card_payments_enabled and card_provider() is not None:
        methods.append(PaymentMethod.CARD)
    if hotel.room_charge_enabled:
        methods.append(PaymentMethod.ROOM)
    return methods


def checkout(stay: Stay, method: PaymentMethod = PaymentMethod.ROOM) -> Order:
    """Take the seats of every line of the cart in one transaction, or none of them.

    A room charge books at once and posts to the folio; a card payment holds the
    seats for the hold time while the guest pays (``app.services.payments``).
    """
    check_payment_method(stay, method)
    try:
        with write_transaction():
            order = cart_for(stay)
            if order is None or not order.lines:
                raise LobbyError(_("Your cart is empty."))
            discounts.reprice(order, stay)
            discounts.use_promo(
                order, stay, clock.now().astimezone(db.session.get(Hotel, stay.hotel_id).tz).date()
            )
            _place(order, method)
    except discounts.PromoUnavailable as refused:
        order = cart_for(stay)
        discounts.remove_promo(order, stay)
        raise NotAllowed(
            _(
                "%(reason)s We took the code off your cart; please check the new total.",
                reason=refused.message,
            )
        ) from refused
    return order


def sell_at_desk(stay: Stay, request: BookingRequest, method: PaymentMethod) -> Order:
    """A receptionist books one service for a stay: its own order, never the guest's cart."""
    check_payment_method(stay, method)
    planned = plan_line(stay, request)
    with write_transaction():
        order = place_alone(stay, planned, method)
    return order


def place_alone(stay: Stay, planned: PlannedLine, method: PaymentMethod) -> Order:
    """Inside a write transaction: ``planned`` as an order of its own, booked (room) or held (card)."""
    order = _new_order(stay, planned.quote.currency)
    _add_line(order, planned)
    db.session.flush()
    discounts.reprice(order, stay)
    _place(order, method)
    return order


def book_now(stay: Stay, request: BookingRequest) -> Order:
    """A guest books one service straight from its page (an offer's second tap): its own order.

    Charged to the room when the hotel allows it, else paid by card; the cart is left alone.
    """
    method = preferred_method(db.session.get(Hotel, stay.hotel_id))
    if method is None:
        raise NotAllowed(_("That way of paying is not available. Please choose another."))
    return sell_at_desk(stay, request, method)


def preferred_method(hotel: Hotel) -> PaymentMethod | None:
    """How a one-tap booking pays: on the room when the hotel allows it, else by card."""
    methods = available_methods(hotel)
    return PaymentMethod.ROOM if PaymentMethod.ROOM in methods else next(iter(methods), None)


def check_payment_method(stay: Stay, method: PaymentMethod) -> None:
    hotel = db.session.get(Hotel, stay.hotel_id)
    if method not in available_methods(hotel):
        raise NotAllowed(_("That way of paying is not available. Please choose another."))
    release_expired_holds(clock.now())  # seats other guests left behind are free again
    waitlist.expire_offers(clock.now())  # and seats offered to waiting guests who did not answer


def _place(order: Order, method: PaymentMethod) -> None:
    """Inside a write transaction: claim the order's seats, then book it (room) or hold it (card)."""
    # Checked again here: the stay may have checked out since the cart was filled.
    stay_life.ensure_open(order.stay)
    now = clock.now()
    claims = []
    for line in order.lines:
        if not line.service.active:
            raise NotFound(_("%(service)s is no longer available.", service=line.service.title))
        if not line.service.kind.by_day:
            _check_lead_time(line.service, line.starts_at, now)
        claims.append((line, _line_slots(line)))
    availability.take_seats(claims)
    order.total = sum(line.total for line in order.lines)
    order.payment_method = method
    if method is PaymentMethod.CARD and any(line.service.needs_approval for line in order.lines):
        raise _approval_goes_on_the_room()
    if method is PaymentMethod.CARD and order.total > 0:
        order.status = OrderStatus.PENDING
        order.hold_expires_at = now + timedelta(minutes=current_app.config["PAYMENT_HOLD_MINUTES"])
        for line in order.lines:
            line.status = LineStatus.HELD
        return
    confirm_order(order, now)
    room = room_charge()
    payment = Payment(
        hotel_id=order.hotel_id,
        order=order,
        provider=room.name,
        status=PaymentStatus.SUCCEEDED,
        # What is posted now; a line awaiting approval is added when it is approved.
        amount=sum(line.total for line in order.lines if line.status is LineStatus.BOOKED),
        currency=order.currency,
        idempotency_key=f"lobby-room-{order.reference}",
    )
    db.session.add(payment)
    room.charge(payment, now)


def _approval_goes_on_the_room() -> NotAllowed:
    return NotAllowed(
        _("Part of this needs the desk's approval and goes on your room bill. Please choose room charge.")
    )


def confirm_order(order: Order, now: datetime) -> None:
    """The order's held (or just taken) seats become bookings, or requests where the desk must approve.

    A crib or another amenity becomes a delivery in the desk's queue; an on-request
    service (babysitting) becomes an approval request.
    """
    for line in order.lines:
        if line.status is LineStatus.CANCELLED:
            continue
        line.status = LineStatus.REQUESTED if line.service.needs_approval else LineStatus.BOOKED
        line.placed_at = now
    order.status = OrderStatus.CONFIRMED
    order.placed_at = now
    order.hold_expires_at = None
    db.session.flush()
    for line in order.lines:
        if line.status is LineStatus.REQUESTED:
            requests.open_request(order.stay, RequestKind.APPROVAL, order_line=line, now=now)
        elif line.status is LineStatus.BOOKED and line.service.kind is ServiceKind.AMENITY:
            requests.open_request(
                order.stay, RequestKind.AMENITY, order_line=line, quantity=line.quantity, now=now
            )


def return_to_cart(order: Order) -> None:
    """Give back a pending order's seats; its lines wait in the cart, and open card payments expire."""
    for line in order.lines:
        availability.release_seats(line)
        line.status = LineStatus.CART
    order.status = OrderStatus.CART
    waitlist.offer_freed_seats([line.slot_id for line in order.lines], clock.now())
    # hold_expires_at stays: it tells the guest's old pay link that the time ran out.
    for payment in db.session.scalars(select(Payment).where(Payment.order_id == order.id)):
        if payment.status.open:
            payment.status = PaymentStatus.EXPIRED


def release_hold_if_expired(order: Order, now: datetime) -> bool:
    """Inside a write transaction: end the order's hold if its time is up."""
    if order.status is OrderStatus.PENDING and order.hold_expires_at <= now:
        return_to_cart(order)
        return True
    return False


def release_hold_if_expired_now(order: Order) -> None:
    """Outside a transaction: end this order's hold if its time is up (before a payment try)."""
    if order.status is OrderStatus.PENDING and order.hold_expires_at <= clock.now():
        with write_transaction():
            locked = db.session.scalar(select(Order).where(Order.id == order.id).with_for_update())
            release_hold_if_expired(locked, clock.now())
        db.session.refresh(order)


def release_expired_holds(now: datetime) -> int:
    """Give back the seats of every hold whose time is up; how many orders went back to their carts."""
    expired = db.session.scalars(
        select(Order.id).where(Order.status == OrderStatus.PENDING, Order.hold_expires_at <= now)
    ).all()
    released = 0
    for order_id in expired:
        with write_transaction():
            order = db.session.scalar(select(Order).where(Order.id == order_id).with_for_update())
            released += release_hold_if_expired(order, now)
    return released


def change_pending_order(stay: Stay) -> None:
    """The guest wants to edit a cart they started paying for: the hold ends, the lines come back."""
    with write_transaction():
        order = pending_order(stay)
        if order is not None:
            return_to_cart(order)


def pending_order(stay: Stay) -> Order | None:
    return db.session.scalar(
        select(Order).where(
            Order.stay_id == stay.id, Order.hotel_id == stay.hotel_id, Order.status == OrderStatus.PENDING
        )
    )


def _line_slots(line: OrderLine) -> list[Slot]:
    if line.slot is not None:
        return [line.slot]
    slots = availability.day_slots(line.service, line.start_date, line.end_date)
    if len(slots) != (line.end_date - line.start_date).days + 1:
        raise NotFound(
            _("%(service)s is no longer available on every day you chose.", service=line.service.title)
        )
    return slots


def stay_order(stay: Stay, reference: str) -> Order:
    """A placed order of this stay by its reference; another stay's is simply not found."""
    order = db.session.scalar(
        select(Order).where(
            Order.reference == reference,
            Order.stay_id == stay.id,
            Order.hotel_id == stay.hotel_id,
            Order.status != OrderStatus.CART,
        )
    )
    if order is None:
        raise NotFound(_("We could not find that booking."))
    return order


def hold_ran_out(stay: Stay, reference: str) -> bool:
    """Whether ``reference`` is this stay's checkout whose hold ended: its lines wait in the cart again."""
    order = cart_for(stay)
    return order is not None and order.reference == reference and order.hold_expires_at is not None


def stay_orders(stay: Stay) -> list[Order]:
    """Every placed order of the stay, newest first."""
    return list(
        db.session.scalars(
            select(Order)
            .where(
                Order.stay_id == stay.id,
                Order.hotel_id == stay.hotel_id,
                Order.status != OrderStatus.CART,
            )
            .order_by(Order.placed_at.desc())
        )
    )
