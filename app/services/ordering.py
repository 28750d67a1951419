"""Orders: the cart, checkout, desk and one-tap sales, seat holds; what may be booked is planning's."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from app import clock
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
    ServiceKind,
    Slot,
    Stay,
)
from app.payments import card_provider, room_charge
from app.services import (
    audit,
    availability,
    discounts,
    guest_requests,
    planning,
    signals,
    stay_life,
)
from app.services.catalog import bookable_service
from app.services.errors import LobbyError, NotAllowed, NotFound
from app.services.hotel_rows import stay_row
from app.services.locking import write_transaction
from app.services.money import MAX_AMOUNT
from app.services.pricing import Party, Quote, price_breakdown
from app.services.statements import built_once
from app.services.transactions import operation


def new_order_reference() -> str:
    return base64.b32encode(secrets.token_bytes(5)).decode()


@dataclass(frozen=True)
class Preview:
    """What booking a request on its own would charge, before it is booked.

    ``quote`` is the price with every discount (``planned.quote`` is before them);
    ``planned`` is the line it would book, once the request names a time or days.
    """

    quote: Quote
    planned: planning.PlannedLine | None = None


def quote_alone(stay: Stay, booking: planning.BookingRequest, now: datetime | None = None) -> Preview:
    """What ``booking`` on its own (:func:`book_now`, a desk sale) charges, with its discounts.

    The one price preview: the guest's service page and the desk's sale both show it, priced
    by the rules that price the order, so the total shown is the total charged.

    Raises :class:`LobbyError` like :func:`planning.plan_line`. A timed booking without a time yet
    is priced for its party (the price does not depend on the time; booking checks the rest).
    """
    service = bookable_service(stay.hotel_id, booking.service_id)
    planned = None
    if service.kind.by_day or booking.slot_id is not None:
        planned = planning.plan_line(stay, booking, now)
        quote = planned.quote
    else:
        party = Party(
            adults=booking.adults, children_ages=planning.chosen_children(stay, booking.child_indexes)
        )
        planning.check_party(stay, service, party)
        quote = price_breakdown(service, stay.hotel, party)
    return Preview(discounts.price_alone(stay, service.id, quote), planned)


def cart_for(stay: Stay) -> Order | None:
    return db.session.scalar(_cart_statement(stay))


def _cart_statement(stay: Stay) -> Select[tuple[Order]]:
    return select(Order).where(
        Order.stay_id == stay.id, Order.hotel_id == stay.hotel_id, Order.status == OrderStatus.CART
    )


@operation
def add_to_cart(stay: Stay, booking: planning.BookingRequest) -> OrderLine:
    if pending_order(stay) is not None:
        raise NotAllowed(_("Please finish paying for your booking, or change it, before adding more."))
    planned = planning.plan_line(stay, booking)
    order = cart_for(stay) or _new_order(stay, planned.quote.currency)
    line = _add_line(order, planned)
    db.session.flush()
    discounts.reprice(order, stay)
    return line


def _new_order(stay: Stay, currency: str) -> Order:
    order = Order(hotel_id=stay.hotel_id, stay_id=stay.id, reference=new_order_reference(), currency=currency)
    db.session.add(order)
    return order


def _add_line(order: Order, planned: planning.PlannedLine) -> OrderLine:
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
    _refuse_sold_out_cart(stay)
    try:
        with write_transaction():
            order = _cart_to_place(stay)
            if order is None or not order.lines:
                raise LobbyError(_("Your cart is empty."))
            discounts.reprice(order, stay)
            discounts.use_promo(order, stay, stay.hotel.today())
            posted = _place(order, method)
            _record_placed(order, posted)
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


def _cart_to_place(stay: Stay) -> Order | None:
    """The cart with its lines, their services and slots: two statements, not one per line and part."""
    return db.session.scalar(
        _cart_statement(stay).options(
            selectinload(Order.lines).options(joinedload(OrderLine.service), joinedload(OrderLine.slot))
        )
    )


def _refuse_sold_out_cart(stay: Stay) -> None:
    """Refuse a cart with a sold-out time before queuing for the writer lock (one plain read)."""
    seats_left = (Slot.capacity - Slot.taken).label("seats_left")
    timed_lines = db.session.execute(
        select(OrderLine, seats_left)
        .join(Order, Order.id == OrderLine.order_id)
        .join(Slot, Slot.id == OrderLine.slot_id)
        .where(Order.stay_id == stay.id, Order.hotel_id == stay.hotel_id, Order.status == OrderStatus.CART)
        .options(joinedload(OrderLine.service))
    ).all()
    availability.refuse_if_sold_out([(line, left) for line, left in timed_lines])


def sell_at_desk(stay: Stay, booking: planning.BookingRequest, method: PaymentMethod) -> Order:
    """A receptionist books one service for a stay: its own order, never the guest's cart."""
    check_payment_method(stay, method)
    planned = planning.plan_line(stay, booking)
    with write_transaction():
        order = place_alone(stay, planned, method)
    return order


def place_alone(stay: Stay, planned: planning.PlannedLine, method: PaymentMethod) -> Order:
    """Inside a write transaction: ``planned`` as an order of its own, booked (room) or held (card)."""
    order = _new_order(stay, planned.quote.currency)
    _add_line(order, planned)
    db.session.flush()
    discounts.reprice(order, stay)
    posted = _place(order, method)
    _record_placed(order, posted)
    return order


def book_now(stay: Stay, booking: planning.BookingRequest) -> Order:
    """A guest books one service straight from its page (an offer's second tap): its own order.

    Charged to the room when the hotel allows it, else paid by card; the cart is left alone.
    """
    method = preferred_method(stay.hotel)
    if method is None:
        raise NotAllowed(_("That way of paying is not available. Please choose another."))
    return sell_at_desk(stay, booking, method)


def preferred_method(hotel: Hotel) -> PaymentMethod | None:
    """How a one-tap booking pays: on the room when the hotel allows it, else by card."""
    methods = available_methods(hotel)
    return PaymentMethod.ROOM if PaymentMethod.ROOM in methods else next(iter(methods), None)


def check_payment_method(stay: Stay, method: PaymentMethod) -> None:
    if method not in available_methods(stay.hotel):
        raise NotAllowed(_("That way of paying is not available. Please choose another."))
    release_expired_holds(clock.now())  # seats other guests left behind are free again
    signals.seats_wanted.send(now=clock.now())  # and those set aside elsewhere whose time is up


def _place(order: Order, method: PaymentMethod) -> Payment | None:
    """Inside a write transaction: claim the order's seats, then book it (room) or hold it (card).

    Returns the room charge it posted, if it booked the order on the room.
    """
    # Checked again here: the stay may have checked out since the cart was filled.
    stay_life.ensure_open(order.stay)
    now = clock.now()
    claims = []
    for line in order.lines:
        if not line.service.active:
            raise NotFound(_("%(service)s is no longer available.", service=line.service.title))
        if not line.service.kind.by_day:
            planning.check_lead_time(line.service, line.starts_at, now)
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
        return None
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
    return payment


def _record_placed(order: Order, posted: Payment | None) -> None:
    """The audit entry of a checkout, a desk sale or a waiting-list booking: booked (room) or held (card).

    ``posted`` is the room charge :func:`_place` made, passed on rather than read back.
    """
    after = {"reference": order.reference, "status": order.status, "payment_method": order.payment_method}
    audit.record(order.hotel_id, "order.placed", order, after=after | {"total": order.total})
    signals.order_placed.send(order)
    # Nothing charged yet (every line waits for the desk's approval) is no payment to tell of.
    if posted is not None and posted.status is PaymentStatus.SUCCEEDED and posted.amount > 0:
        signals.payment_changed.send(posted)


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
            guest_requests.open_request(order.stay, RequestKind.APPROVAL, order_line=line, now=now)
        elif line.status is LineStatus.BOOKED and line.service.kind is ServiceKind.AMENITY:
            guest_requests.open_request(
                order.stay, RequestKind.AMENITY, order_line=line, quantity=line.quantity, now=now
            )


def return_to_cart(order: Order) -> None:
    """Give back a pending order's seats; its lines wait in the cart, and open card payments expire."""
    for line in order.lines:
        availability.release_seats(line)
        line.status = LineStatus.CART
    order.status = OrderStatus.CART
    signals.seats_freed.send(slot_ids=[line.slot_id for line in order.lines], now=clock.now())
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


def cart_and_pending(stay: Stay) -> tuple[Order | None, Order | None]:
    """The stay's cart and its order waiting for payment, the cart's lines and their services loaded:
    everything the cart page shows, in one statement."""
    orders = db.session.scalars(_cart_and_pending(), _of_stay(stay)).unique()
    by_status: dict[OrderStatus, Order] = {}
    for order in orders:
        by_status.setdefault(order.status, order)
    return by_status.get(OrderStatus.CART), by_status.get(OrderStatus.PENDING)


@built_once
def _cart_and_pending() -> Select:
    return (
        select(Order)
        .where(*_stay_orders_where(), Order.status.in_((OrderStatus.CART, OrderStatus.PENDING)))
        .options(joinedload(Order.lines).joinedload(OrderLine.service))
    )


def _stay_orders_where():
    """The orders of the stay passed as ``_of_stay(stay)``."""
    return Order.stay_id == bindparam("stay_id"), Order.hotel_id == bindparam("hotel_id")


def _of_stay(stay: Stay) -> dict[str, int]:
    return {"stay_id": stay.id, "hotel_id": stay.hotel_id}


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
    return stay_row(
        Order,
        stay,
        _("We could not find that booking."),
        Order.reference == reference,
        Order.status != OrderStatus.CART,
        options=[joinedload(Order.lines).joinedload(OrderLine.service)],  # what its pages list
    )


def hold_ran_out(stay: Stay, reference: str) -> bool:
    """Whether ``reference`` is this stay's checkout whose hold ended: its lines wait in the cart again."""
    order = cart_for(stay)
    return order is not None and order.reference == reference and order.hold_expires_at is not None


def stay_orders(stay: Stay) -> list[Order]:
    """Every placed order of the stay, newest first."""
    return list(db.session.scalars(_placed_of_stay(), _of_stay(stay)).unique())


@built_once
def _placed_of_stay() -> Select:
    return (
        select(Order)
        .where(*_stay_orders_where(), Order.status != OrderStatus.CART)
        .order_by(Order.placed_at.desc())
        # Their lines and services too: My stay and the desk list them.
        .options(joinedload(Order.lines).joinedload(OrderLine.service))
    )


def placed_orders(
    hotel_id: int,
    *,
    stay_id: int | None = None,
    status: OrderStatus | None = None,
    placed_from: datetime | None = None,
    placed_until: datetime | None = None,
) -> Select[tuple[Order]]:
    """The hotel's orders with their lines and services, carts left out: a cart is the guest's own basket.

    ``placed_from`` is inclusive, ``placed_until`` exclusive; either leaves out orders never placed.
    """
    statement = (
        select(Order)
        .where(Order.hotel_id == hotel_id, Order.status != OrderStatus.CART)
        .options(selectinload(Order.lines).selectinload(OrderLine.service))
    )
    if stay_id is not None:
        statement = statement.where(Order.stay_id == stay_id)
    if status is not None:
        statement = statement.where(Order.status == status)
    if placed_from is not None:
        statement = statement.where(Order.placed_at >= placed_from)
    if placed_until is not None:
        statement = statement.where(Order.placed_at < placed_until)
    return statement


def hotel_order(hotel_id: int, order_id: int) -> Order:
    """One of the hotel's placed orders; a cart or another hotel's order is simply not found."""
    order = db.session.get(Order, order_id)
    if order is None or order.hotel_id != hotel_id or order.status is OrderStatus.CART:
        raise NotFound(_("We could not find that booking."))
    return order


def hotel_order_line(hotel_id: int, order_id: int, line_id: int) -> OrderLine:
    """A line of one of the hotel's placed orders, found only under its own order."""
    order = hotel_order(hotel_id, order_id)
    line = db.session.get(OrderLine, line_id)
    if line is None or line.order_id != order.id:
        raise NotFound(_("We could not find that booking."))
    return line
