"""What a webhook tells about each thing, as plain JSON: small, stable, the same for every event of a kind.

Receivers build on these shapes, so a field is only ever added, never renamed or
removed. Ids and references name the rows (a receiver reads more through the API),
money is integer minor units with its currency, times are ISO 8601 in UTC, dates
are plain ISO dates, statuses are the values the API uses. No names of guests beyond
what the hotel's own systems already hold, and never a stay's access token.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.models import Feedback, GuestRequest, Order, OrderLine, OutboxEvent, Payment, Refund, Stay


def iso(moment: datetime | None) -> str | None:
    """A UTC time as ISO 8601 with a "Z" ("2026-12-04T16:35:53Z"); None stays None."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def envelope(event: OutboxEvent, hotel_slug: str) -> dict[str, Any]:
    """The body every delivery of ``event`` sends, the same on every attempt."""
    return {
        "id": event.event_id,
        "type": event.type,
        "created": iso(event.created_at),
        "hotel": hotel_slug,
        "data": event.data,
    }


def stay(row: Stay) -> dict[str, Any]:
    return {
        "object": "stay",
        "id": row.id,
        "booking_reference": row.booking_reference,
        "pms_reservation_id": row.pms_reservation_id,
        "room": row.room,
        "surname": row.surname,
        "first_name": row.first_name,
        "arrival": row.arrival.isoformat(),
        "departure": row.departure.isoformat(),
        "adults": row.adults,
        "children_ages": list(row.children_ages or []),
        "tier": row.tier.value,
        "locale": row.locale,
        "status": _stay_status(row),
        "checked_in_at": iso(row.checked_in_at),
        "checked_out_at": iso(row.checked_out_at),
        "cancelled_at": iso(row.cancelled_at),
    }


def _stay_status(row: Stay) -> str:
    if row.cancelled_at is not None:
        return "cancelled"
    if row.checked_out_at is not None:
        return "checked_out"
    return "in_house" if row.checked_in_at is not None else "expected"


def order(row: Order, line: OrderLine | None = None) -> dict[str, Any]:
    """An order with its lines; ``line``, when given, is the one the event is about (a cancelled line)."""
    data: dict[str, Any] = {
        "object": "order",
        "id": row.id,
        "reference": row.reference,
        "stay_id": row.stay_id,
        "status": row.status.value,
        "payment_method": row.payment_method.value if row.payment_method is not None else None,
        "total": row.total,
        "currency": row.currency,
        "placed_at": iso(row.placed_at),
        "lines": [order_line(item) for item in row.lines],
    }
    if line is not None:
        data["line_id"] = line.id
    return data


def order_line(row: OrderLine) -> dict[str, Any]:
    return {
        "id": row.id,
        "service": row.service.code,
        "status": row.status.value,
        "starts_at": iso(row.starts_at),
        "ends_at": iso(row.ends_at),
        "adults": row.adults,
        "children": len(row.children_ages or []),
        "quantity": row.quantity,
        "total": row.total,
        "cancellation_fee": row.cancellation_fee,
        "currency": row.currency,
        "cancelled_at": iso(row.cancelled_at),
    }


def payment(row: Payment) -> dict[str, Any]:
    return {
        "object": "payment",
        "id": row.id,
        "order_id": row.order_id,
        "order_reference": row.order.reference,
        "stay_id": row.order.stay_id,
        "method": row.provider,  # "stripe" (a card) or "room"
        "status": row.status.value,
        "amount": row.amount,
        "currency": row.currency,
        "failure_code": row.failure_code,
    }


def refund(row: Refund) -> dict[str, Any]:
    return {
        "object": "refund",
        "id": row.id,
        "payment_id": row.payment_id,
        "order_id": row.payment.order_id,
        "order_reference": row.payment.order.reference,
        "order_line_id": row.order_line_id,
        "status": row.status.value,
        "amount": row.amount,
        "currency": row.currency,
        "reason": row.reason,
        "failure_reason": row.failure_reason,
    }


def guest_request(row: GuestRequest) -> dict[str, Any]:
    return {
        "object": "request",
        "id": row.id,
        "stay_id": row.stay_id,
        "room": row.stay.room,
        "kind": row.kind.value,
        "status": row.status.value,
        "item": row.item,
        "quantity": row.quantity,
        "order_line_id": row.order_line_id,
        "feedback_id": row.feedback_id,
        "created_at": iso(row.created_at),
        "ack_due_at": iso(row.ack_due_at),
        "resolve_due_at": iso(row.resolve_due_at),
        "acknowledged_at": iso(row.acknowledged_at),
        "resolved_at": iso(row.resolved_at),
    }


def feedback(row: Feedback) -> dict[str, Any]:
    return {
        "object": "feedback",
        "id": row.id,
        "stay_id": row.stay_id,
        "order_line_id": row.order_line_id,
        "service_id": row.service_id,
        "rating": row.rating,
        "nps": row.nps,
        "comment": row.comment,
        "created_at": iso(row.created_at),
    }
