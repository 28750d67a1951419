"""On-request services (babysitting): the guest asks, the desk approves or declines.

Approving books the line and charges the room; declining gives the seats back and
charges nothing. Either way the guest sees the answer, and the request keeps the history.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import (
    GuestRequest,
    LineStatus,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentStatus,
    RequestKind,
    RequestStatus,
    StaffUser,
)
from app.payments import room_charge
from app.services import audit, availability, guest_requests, signals, stay_life
from app.services.errors import NotAllowed
from app.services.locking import write_transaction


def _line_of(guest_request: GuestRequest) -> OrderLine:
    if guest_request.kind is not RequestKind.APPROVAL or guest_request.order_line_id is None:
        raise NotAllowed(_("Only a request for an on-request service can be approved."))
    line = db.session.get(OrderLine, guest_request.order_line_id)
    if line.status is not LineStatus.REQUESTED or not guest_request.status.open:
        raise NotAllowed(_("This request has already been answered."))
    return line


def approve(hotel_id: int, request_id: int, staff: StaffUser, message: str = "") -> GuestRequest:
    with write_transaction():
        guest_request = guest_requests.hotel_request(hotel_id, request_id)
        line = _line_of(guest_request)
        stay_life.ensure_open(line.order.stay)  # after check-out it may only be declined
        now = clock.now()
        line.status = LineStatus.BOOKED
        room = room_charge()
        payment = db.session.scalar(
            select(Payment).where(
                Payment.order_id == line.order_id,
                Payment.provider == room.name,
                Payment.status == PaymentStatus.SUCCEEDED,
            )
        )
        payment.amount += line.total
        room.charge_line(payment, line, now)
        guest_requests.move(guest_request, RequestStatus.DONE, staff, now)
        if message.strip():
            guest_requests.tell_guest(guest_request, message, staff)
        _record_answer(line, "order.line_approved", message)
    return guest_request


def decline(hotel_id: int, request_id: int, staff: StaffUser, message: str = "") -> GuestRequest:
    with write_transaction():
        guest_request = guest_requests.hotel_request(hotel_id, request_id)
        line = _line_of(guest_request)
        now = clock.now()
        release_requested_line(line, now)
        guest_requests.move(guest_request, RequestStatus.DECLINED, staff, now)
        if message.strip():
            guest_requests.tell_guest(guest_request, message, staff)
        _record_answer(line, "order.line_declined", message)
        signals.order_cancelled.send(line.order, line=line)
    return guest_request


def _record_answer(line: OrderLine, action: str, message: str) -> None:
    """The desk's answer to an on-request line: booked and charged to the room, or cancelled."""
    before = {"line": line.id, "line_status": LineStatus.REQUESTED}
    after = {"line": line.id, "line_status": line.status, "total": line.total}
    audit.record(line.hotel_id, action, line.order, before=before, after=after, reason=message.strip())


def release_requested_line(line: OrderLine, now) -> None:
    """A line waiting for approval ends (declined, or cancelled by the guest): seats back, nothing charged."""
    availability.release_seats(line)
    signals.seats_freed.send(slot_ids=[line.slot_id], now=now)
    line.status = LineStatus.CANCELLED
    line.cancelled_at = now
    order = line.order
    order.total -= line.total
    if not order.live_lines:
        order.status = OrderStatus.CANCELLED


def places_left(line: OrderLine) -> int:
    """Seats still free where ``line`` would take place (its own seats already counted as taken)."""
    if line.slot is not None:
        return line.slot.seats_left
    slots = availability.day_slots(line.service, line.start_date, line.end_date)
    return min((slot.seats_left for slot in slots), default=0)
