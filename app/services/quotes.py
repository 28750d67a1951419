"""What a booking would cost before it is made, worked out by the very rules that price the order.

The desk (and any page that shows a total before the Book button) plans the line with
:func:`planning.plan_line` and runs :func:`discounts.reprice` on an order that never
reaches the database, so the total shown is the total charged.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.models import LineStatus, Order, OrderLine, Stay
from app.services import discounts, planning


@dataclass(frozen=True)
class Preview:
    planned: planning.PlannedLine
    breakdown: list[dict]  # as OrderLine.breakdown: base lines, then each discount (negative)
    subtotal: int
    discount: int
    total: int
    currency: str


def preview_alone(stay: Stay, booking: planning.BookingRequest) -> Preview:
    """The price of ``booking`` as an order of its own (a desk sale, a one-tap booking).

    Raises the same :class:`LobbyError` as booking it would (sold out, outside the stay…).
    """
    planned = planning.plan_line(stay, booking)
    # Transient on purpose: nothing here is added to the session, so nothing is ever written.
    order = Order(
        hotel_id=stay.hotel_id, stay_id=stay.id, currency=planned.quote.currency, promo_code_id=None
    )
    line = OrderLine(
        hotel_id=stay.hotel_id,
        service_id=planned.service.id,
        status=LineStatus.CART,
        currency=planned.quote.currency,
        breakdown=planned.quote.as_json(),
        cancellation_fee=0,
    )
    order.lines.append(line)
    discounts.reprice(order, stay)
    return Preview(planned, line.breakdown, line.subtotal, line.discount, line.total, line.currency)
