"""Cancelling a booked line by the service's rule: free inside the window, a fee or none after it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models import (
    GuestRequest,
    LineStatus,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentStatus,
    Refund,
    RequestKind,
    RequestStatus,
    StaffUser,
    Stay,
)
from app.services import approvals, availability, clock, ordering, payments, requests, waitlist
from app.services.errors import LobbyError, NotAllowed, NotFound
from app.services.locking import write_transaction
from app.services.pricing import percent_of


@dataclass(frozen=True)
class CancelPolicy:
    allowed: bool  # the guest can cancel it online now
    free: bool  # inside the free window: everything paid comes back
    fee: int  # minor units kept if cancelled now
    deadline: datetime  # end of the free window
    started: bool

    @property
    def refund(self) -> int:
        return self._total - self.fee

    _total: int = 0


def cancel_policy(line: OrderLine, now: datetime | None = None) -> CancelPolicy:
    """Whether ``line`` can still be cancelled, until when for free, and what it would cost after."""
    now = now or clock.now()
    service = line.service
    deadline = line.starts_at - timedelta(hours=service.cancel_window_hours)
    started = now >= line.starts_at
    free = now < deadline
    late_fee = service.late_cancel_fee_percent
    if line.status is LineStatus.REQUESTED:
        return CancelPolicy(not started, True, 0, deadline, started, _total=0)
    allowed = line.status is LineStatus.BOOKED and not started and (free or late_fee is not None)
    fee = 0 if free or late_fee is None else percent_of(line.total, late_fee)
    return CancelPolicy(allowed, free, fee, deadline, started, _total=line.total)


def cancel_line(stay: Stay, line_id: int) -> OrderLine:
    """Cancel one booked line: its seats go back and what is due comes back the way it was paid.

    A card refund goes to Stripe after the cancellation commits (a timeout leaves it
    pending for the reconcile command); a room charge is reversed on the folio at once.
    """
    with write_transaction():
        line = ordering.stay_line(stay, line_id)
        if line.status is LineStatus.REQUESTED:
            _withdraw_request(line)  # nothing was charged yet: nothing to refund
            return line
        if line.status is not LineStatus.BOOKED:
            raise NotFound(_("We could not find that booking."))
        now = clock.now()
        rule = cancel_policy(line, now)
        if not rule.allowed:
            raise NotAllowed(_("The free cancellation period for this booking has ended."))
        refund = _cancel_and_refund(line, now, rule.fee, "Cancelled by the guest", staff_id=None)
    if refund is not None:
        payments.send_refund(refund.id)
    return line


def cancel_by_staff(hotel_id: int, line_id: int, reason: str, staff: StaffUser) -> OrderLine:
    """The desk cancels a booking whatever the window says, with a reason, and gives back all it cost.

    For a partial refund the desk cancels here and then refunds on the payment's refund page.
    """
    reason = (reason or "").strip()
    if not reason:
        raise LobbyError(_("Please give a reason."))
    with write_transaction():
        line = db.session.scalar(select(OrderLine).where(OrderLine.id == line_id).with_for_update())
        if line is None or line.hotel_id != hotel_id:
            raise NotFound(_("We could not find that booking."))
        if line.status is LineStatus.REQUESTED:
            _withdraw_request(line)
            return line
        if line.status is not LineStatus.BOOKED:
            raise NotAllowed(_("Only a confirmed booking can be cancelled."))
        refund = _cancel_and_refund(line, clock.now(), 0, reason, staff_id=staff.id)
    if refund is not None:
        payments.send_refund(refund.id)
    return line


def _cancel_and_refund(line: OrderLine, now, fee: int, reason: str, staff_id: int | None) -> Refund | None:
    """Inside a write transaction: seats back, the line cancelled keeping ``fee``, the rest refunded.

    Returns a card refund for the caller to send once the transaction has committed.
    """
    availability.release_seats(line)
    waitlist.offer_freed_seats([line.slot_id], now)
    line.status = LineStatus.CANCELLED
    line.cancelled_at = now
    line.cancellation_fee = fee
    order = line.order
    order.total = sum(item.total for item in order.live_lines) + sum(
        item.cancellation_fee for item in order.lines
    )
    if not order.live_lines:
        order.status = OrderStatus.CANCELLED
    payment = paid_by(order.id)
    amount = min(line.total - fee, payment.refundable) if payment is not None else 0
    if amount <= 0:
        return None
    return payments.refund_within_transaction(
        payment, amount, reason, order_line_id=line.id, staff_id=staff_id
    )


def _withdraw_request(line: OrderLine) -> None:
    now = clock.now()
    approvals.release_requested_line(line, now)
    request = db.session.scalar(
        select(GuestRequest).where(
            GuestRequest.order_line_id == line.id, GuestRequest.kind == RequestKind.APPROVAL
        )
    )
    if request is not None and request.status.open:
        requests.move(request, RequestStatus.CANCELLED, None, now)


def paid_by(order_id: int) -> Payment | None:
    """The payment that booked an order (one per order: a card or the room)."""
    return db.session.scalar(
        select(Payment)
        .where(Payment.order_id == order_id, Payment.status == PaymentStatus.SUCCEEDED)
        .order_by(Payment.id)
    )
