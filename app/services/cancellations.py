"""Cancelling a booked line by the service's rule: free inside the window, a fee or none after it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

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
    Refund,
    RequestKind,
    RequestStatus,
    Service,
    StaffUser,
    Stay,
)
from app.services import approvals, audit, availability, guest_requests, ordering, payments, signals
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


@dataclass(frozen=True)
class BookingTerms:
    """What cancelling would keep, by the service's rule: shown before booking, applied when cancelling.

    Rentals and amenities are booked by the day, and a hotel charges them by the day: each
    day is treated as a booking of its own starting at its midnight. A day that has begun
    is kept; a day still ahead is free until the service's window before its midnight, then
    keeps the late fee (all of it when there is none). So a crib or a car booked from today
    can be cancelled on its first day, giving back every day still to come, instead of being
    "already started" from the moment it was booked.
    """

    starts: tuple[datetime, ...]  # a timed booking's start, or each booked day's midnight
    window: timedelta
    late_fee_percent: int | None  # kept after the free window; None: no online cancellation then
    by_day: bool
    now: datetime

    @property
    def free_until(self) -> datetime:
        return self.starts[0] - self.window

    @property
    def free(self) -> bool:
        return self.now < self.free_until

    def fee(self, total: int) -> int:
        """What cancelling now keeps of ``total``."""
        if not self.by_day:
            return self._day_fee(total, self.starts[0])
        days = len(self.starts)
        # Split the total into whole days exactly (the rounding lands on the later days).
        shares = [total * (i + 1) // days - total * i // days for i in range(days)]
        return sum(self._day_fee(share, start) for share, start in zip(shares, self.starts, strict=True))

    def _day_fee(self, amount: int, start: datetime) -> int:
        if self.now < start - self.window:
            return 0
        if self.now >= start or self.late_fee_percent is None:
            return amount
        return percent_of(amount, self.late_fee_percent)

    def refundable(self, total: int) -> bool:
        """Would cancelling now give anything back (the guest is warned before booking when not)?"""
        return total == 0 or self.fee(total) < total


def booking_terms(
    service: Service, starts_at: datetime, days: int = 1, now: datetime | None = None
) -> BookingTerms:
    """The terms of booking ``service`` at ``starts_at`` (by-day: the first day's midnight, for ``days``)."""
    now = now or clock.now()
    if service.kind.by_day:
        hotel = service.hotel
        first = hotel.local(starts_at).date()
        starts = tuple(
            datetime.combine(first + timedelta(days=i), time(0), tzinfo=hotel.tz) for i in range(days)
        )
    else:
        starts = (starts_at,)
    window = timedelta(hours=service.cancel_window_hours)
    return BookingTerms(starts, window, service.late_cancel_fee_percent, service.kind.by_day, now)


def cancel_policy(line: OrderLine, now: datetime | None = None) -> CancelPolicy:
    """Whether ``line`` can still be cancelled, until when for free, and what it would cost after."""
    now = now or clock.now()
    service = line.service
    if service.kind.by_day:
        days = (line.end_date - line.start_date).days + 1
        terms = booking_terms(service, line.starts_at, days, now)
        over = now >= line.ends_at  # by the day: cancellable until its last day is over
        if line.status is LineStatus.REQUESTED:
            return CancelPolicy(not over, True, 0, terms.free_until, over, _total=0)
        allowed = line.status is LineStatus.BOOKED and not over
        fee = terms.fee(line.total)
        return CancelPolicy(allowed, terms.free, fee, terms.free_until, over, _total=line.total)
    deadline = line.starts_at - timedelta(hours=service.cancel_window_hours)
    started = now >= line.starts_at
    free = now < deadline
    late_fee = service.late_cancel_fee_percent
    if line.status is LineStatus.REQUESTED:
        return CancelPolicy(not started, True, 0, deadline, started, _total=0)
    allowed = line.status is LineStatus.BOOKED and not started and (free or late_fee is not None)
    fee = 0 if free or late_fee is None else percent_of(line.total, late_fee)
    return CancelPolicy(allowed, free, fee, deadline, started, _total=line.total)


class TermsChanged(NotAllowed):
    """The fee the guest agreed to is not the fee any more (the free window ended meanwhile)."""


def cancel_line(stay: Stay, line_id: int, agreed_fee: int | None = None) -> OrderLine:
    """Cancel one booked line: its seats go back and what is due comes back the way it was paid.

    ``agreed_fee`` is the fee the guest confirmed; if the rule now keeps a different amount
    nothing is cancelled (:class:`TermsChanged`), so nobody pays a fee they were not shown.
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
        if agreed_fee is not None and agreed_fee != rule.fee:
            raise TermsChanged(_("The cancellation terms have just changed. Please check them again."))
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
            _withdraw_request(line, reason)
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
    signals.seats_freed.send(slot_ids=[line.slot_id], now=now)
    line.status = LineStatus.CANCELLED
    line.cancelled_at = now
    line.cancellation_fee = fee
    order = line.order
    order.total = sum(item.total for item in order.live_lines) + sum(
        item.cancellation_fee for item in order.lines
    )
    if not order.live_lines:
        order.status = OrderStatus.CANCELLED
    _record_cancelled(line, LineStatus.BOOKED, reason)
    payment = paid_by(order.id)
    amount = min(line.total - fee, payment.refundable) if payment is not None else 0
    if amount <= 0:
        return None
    return payments.refund_within_transaction(
        payment, amount, reason, order_line_id=line.id, staff_id=staff_id
    )


def _record_cancelled(line: OrderLine, was: LineStatus, reason: str) -> None:
    after = {"line": line.id, "line_status": line.status, "fee": line.cancellation_fee}
    before = {"line": line.id, "line_status": was}
    audit.record(line.hotel_id, "order.cancelled", line.order, before=before, after=after, reason=reason)
    signals.order_cancelled.send(line.order, line=line)


def _withdraw_request(line: OrderLine, reason: str = "Cancelled by the guest") -> None:
    now = clock.now()
    approvals.release_requested_line(line, now)
    _record_cancelled(line, LineStatus.REQUESTED, reason)
    guest_request = db.session.scalar(
        select(GuestRequest).where(
            GuestRequest.order_line_id == line.id, GuestRequest.kind == RequestKind.APPROVAL
        )
    )
    if guest_request is not None and guest_request.status.open:
        guest_requests.move(guest_request, RequestStatus.CANCELLED, None, now)


def paid_by(order_id: int) -> Payment | None:
    """The payment that booked an order (one per order: a card or the room)."""
    return db.session.scalar(
        select(Payment)
        .where(Payment.order_id == order_id, Payment.status == PaymentStatus.SUCCEEDED)
        .order_by(Payment.id)
    )
