"""The room bill as a payment provider: a charge or a reversal is a folio line the PMS imports."""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from app.extensions import db
from app.models import (
    FolioLine,
    LineStatus,
    Order,
    OrderLine,
    Payment,
    PaymentMethod,
    Refund,
    RefundStatus,
    Stay,
)
from app.payments.base import CspOrigins


class RoomCharge:
    """Charges and refunds are folio lines written in the booking's own transaction: final at once."""

    name = "room"
    method = PaymentMethod.ROOM
    settles_at_once = True

    def csp_origins(self) -> CspOrigins:
        return CspOrigins()  # nothing leaves the hotel's own pages

    def charge(self, payment: Payment, now: datetime) -> None:
        """Post one folio line per booked line of the payment's order; lines awaiting approval wait."""
        for line in payment.order.lines:
            if line.status is LineStatus.BOOKED:
                self.charge_line(payment, line, now)

    def charge_line(self, payment: Payment, line: OrderLine, now: datetime) -> None:
        order = payment.order
        if line.total:
            reference = f"{order.reference}-{line.id}"
            _post(order.stay, line, line.total, _description(order.stay, line), reference, now)

    def reverse(self, refund: Refund, line: OrderLine | None, now: datetime) -> None:
        """A refund to the room is a negative folio line; it is final at once."""
        order = refund.payment.order
        stay = order.stay
        what = _description(stay, line) if line is not None else order.reference
        with force_locale(stay.hotel.default_locale):
            description = _("Refund: %(what)s", what=what)
        reference = f"{order.reference}-R{refund.id}"
        _post(stay, line, -refund.amount, description, reference, now, order_id=order.id)
        refund.status = RefundStatus.SUCCEEDED

    def post_late_charge(
        self, stay: Stay, order: Order, amount: int, description: str, now: datetime
    ) -> None:
        """A manager's charge after check-out: marked, so the PMS reopens the closed folio for it."""
        reference = f"{order.reference}-L"
        _post(stay, None, amount, description, reference, now, order_id=order.id, late_charge=True)


def _post(
    stay: Stay,
    line: OrderLine | None,
    amount: int,
    description: str,
    reference: str,
    now: datetime,
    order_id: int | None = None,
    late_charge: bool = False,
) -> None:
    db.session.add(
        FolioLine(
            late_charge=late_charge,
            hotel_id=stay.hotel_id,
            stay_id=stay.id,
            order_id=order_id if order_id is not None else line.order_id,
            room=stay.room,
            amount=amount,
            currency=stay.hotel.currency,
            description=description[:200],
            reference=reference,
            posted_at=now,
        )
    )


def _description(stay: Stay, line: OrderLine) -> str:
    # The folio is read by the hotel's accounts, so it speaks the hotel's language.
    return line.service.title.localize(stay.hotel.default_locale)
