"""A guest's personal data: anonymising a stay (retention or the guest's erasure request), and its export.

Anonymising removes the person and keeps the figures. Names, the email address, the
guest's own words (requests, messages, feedback comments), where emails were sent and
who the audit trail says acted are removed or replaced; bookings, amounts, payments,
ratings and scores, dates, the party (adults and children's ages), the tier and the
room stay, so every dashboard figure reads the same afterwards. The stay's access
token and booking reference are replaced by fresh random values, so old links, QR
codes and sign-ins open nothing, and its guest sessions end.

Children's ages (on the stay, its order lines and waiting-list entries) are kept: they
price the bookings and group the party for the figures ("families with small
children"), and without a name, an address or the guest's words they no longer point
to a person.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update

from app import clock
from app.extensions import db
from app.models import (
    AuditEntry,
    ConsentRecord,
    Feedback,
    GuestRequest,
    Hotel,
    MessageStatus,
    Order,
    OrderStatus,
    OutboundMessage,
    Payment,
    Refund,
    RequestEvent,
    RequestKind,
    RequestStatus,
    StaffUser,
    Stay,
    WaitlistEntry,
    WaitlistStatus,
)
from app.models.webhooks import OutboxEvent
from app.services import audit, guest_access, guest_requests, stay_life, waitlist
from app.services.errors import LobbyError, NotAllowed, NotFound
from app.services.locking import write_transaction
from app.services.transactions import operation

# What a removed name or text reads as: the same in every language, so nothing needs translating.
REMOVED = "—"
# Keys of a JSON record (audit entries, webhook events) whose values are the person's own data.
PERSONAL_KEYS = frozenset(
    {"surname", "first_name", "email", "details", "comment", "guest_message", "text", "to_address"}
)
# Prefix of a replaced booking reference: never the shape of a real one, so nobody can type it.
ANONYMOUS_REFERENCE = "ANON-"


def _fresh_reference() -> str:
    return ANONYMOUS_REFERENCE + secrets.token_hex(10).upper()


@dataclass
class Traces:
    """What identified the guest before, to find it in free texts written by others (notes, reasons)."""

    words: list[str]

    @classmethod
    def of(cls, stay: Stay) -> Traces:
        words = {stay.surname.strip(), stay.first_name.strip(), stay.email.strip()}
        full = f"{stay.first_name.strip()} {stay.surname.strip()}".strip()
        words.add(full)
        # Longest first, so "Elena Garcia" goes before "Garcia" would leave "Elena —".
        return cls(sorted((word for word in words if len(word) >= 2), key=len, reverse=True))

    def scrub(self, text: str) -> str:
        for word in self.words:
            # Whole words only: "Li" goes, "delivery" stays.
            text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", REMOVED, text, flags=re.IGNORECASE)
        return text

    def scrub_json(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {
                key: (_blank(item) if key in PERSONAL_KEYS else self.scrub_json(item))
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [self.scrub_json(item) for item in value]
        if isinstance(value, str):
            return self.scrub(value)
        return value


def _blank(value: Any) -> Any:
    return "" if isinstance(value, str) and value == "" else REMOVED if isinstance(value, str) else None


def _leave_waiting_lists(stay: Stay) -> None:
    """Live waiting-list entries end first, each in its own writer transaction, so held seats go on."""
    live = db.session.scalars(
        select(WaitlistEntry.id).where(
            WaitlistEntry.stay_id == stay.id,
            WaitlistEntry.status.in_([WaitlistStatus.WAITING, WaitlistStatus.OFFERED]),
        )
    ).all()
    for entry_id in live:
        waitlist.leave(stay, entry_id)


@operation
def anonymise_stay(stay: Stay, reason: str, now: datetime | None = None) -> bool:
    """Remove the person from ``stay`` everywhere and keep its figures; False when already done.

    ``reason`` is what the audit trail says it was done for ("retention", "erasure request").
    """
    if stay.anonymised_at is not None:
        return False
    _leave_waiting_lists(stay)
    with write_transaction():
        stay = db.session.get(Stay, stay.id, populate_existing=True)
        if stay.anonymised_at is not None:  # done by another run meanwhile
            return False
        _anonymise(stay, reason, now or clock.now())
    return True


def _anonymise(stay: Stay, reason: str, now: datetime) -> None:
    traces = Traces.of(stay)
    stay.surname, stay.first_name, stay.email = REMOVED, "", ""
    # Nothing anyone can type matches it: sign-in by room or reference finds no surname.
    stay.surname_key = "#" + secrets.token_hex(16)
    stay.access_token = guest_access.new_access_token()
    stay.booking_reference = _fresh_reference()
    guest_access.end_guest_sessions(stay)
    stay.anonymised_at = now

    requests = db.session.scalars(select(GuestRequest).where(GuestRequest.stay_id == stay.id)).all()
    for guest_request in requests:
        guest_request.details, guest_request.guest_message = "", ""
        for event in guest_request.events:
            if event.by_guest or event.action == "message":
                event.text = ""
                if event.action == "message":
                    event.from_value, event.to_value = "", ""
            else:  # a colleague's note: the hotel's own words, with the guest's name taken out
                event.text = traces.scrub(event.text)
    for item in db.session.scalars(select(Feedback).where(Feedback.stay_id == stay.id)):
        item.comment = ""
        item.reply = traces.scrub(item.reply)
    db.session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.stay_id == stay.id)
        .values(to_address="", error="")
        .execution_options(synchronize_session=False)
    )
    order_ids = select(Order.id).where(Order.stay_id == stay.id)
    for refund in db.session.scalars(
        select(Refund).join(Payment, Payment.id == Refund.payment_id).where(Payment.order_id.in_(order_ids))
    ):
        refund.reason = traces.scrub(refund.reason)
    for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.stay_id == stay.id)):
        if entry.actor_kind.value == "guest":
            entry.actor_name = "Guest"
        entry.before = traces.scrub_json(entry.before) if entry.before is not None else None
        entry.after = traces.scrub_json(entry.after) if entry.after is not None else None
        entry.reason = traces.scrub(entry.reason)
    _scrub_outbox(stay, traces)
    audit.record(stay.hotel_id, "stay.anonymised", stay, after={"anonymised": True}, reason=reason)


def _scrub_outbox(stay: Stay, traces: Traces) -> None:
    """Webhook events kept for delivery that carry the stay, or its requests' and feedback's texts."""
    events = db.session.scalars(
        select(OutboxEvent).where(
            OutboxEvent.hotel_id == stay.hotel_id,
            OutboxEvent.created_at >= stay.created_at - timedelta(minutes=1),
            OutboxEvent.type.like("stay.%")
            | OutboxEvent.type.like("request.%")
            | OutboxEvent.type.like("feedback.%"),
        )
    )
    for event in events:
        data = event.data or {}
        about_stay = (data.get("object") == "stay" and data.get("id") == stay.id) or data.get(
            "stay_id"
        ) == stay.id
        if about_stay:
            event.data = traces.scrub_json(data)


# --- Retention ----------------------------------------------------------------------------------


def due_for_retention(hotel: Hotel) -> list[int]:
    """Stays whose departure is more than the hotel's retention days before its today, not yet anonymised."""
    last_departure = hotel.today() - timedelta(days=hotel.retention_days + 1)
    return list(
        db.session.scalars(
            select(Stay.id)
            .where(
                Stay.hotel_id == hotel.id,
                Stay.departure <= last_departure,
                Stay.anonymised_at.is_(None),
            )
            .order_by(Stay.id)
        )
    )


RETENTION_REASON = "retention"
ERASURE_REASON = "erasure request"


def apply_retention(hotel: Hotel, now: datetime | None = None) -> int:
    """Anonymise every stay of ``hotel`` past its retention; how many were. A second run finds none."""
    done = 0
    for stay_id in due_for_retention(hotel):
        stay = db.session.get(Stay, stay_id)
        if anonymise_stay(stay, RETENTION_REASON, now):
            done += 1
    return done


# --- Erasure on request -------------------------------------------------------------------------


def open_erasure(stay: Stay) -> GuestRequest | None:
    return db.session.scalar(
        select(GuestRequest).where(
            GuestRequest.stay_id == stay.id,
            GuestRequest.kind == RequestKind.ERASURE,
            GuestRequest.status.in_([status for status in RequestStatus if status.open]),
        )
    )


@operation
def request_erasure(stay: Stay) -> GuestRequest:
    """The guest asks for their data to be erased: a request in the desk's queue (asking twice, the same)."""
    stay_life.ensure_open(stay)
    already = open_erasure(stay)
    if already is not None:
        return already
    return guest_requests.open_request(stay, RequestKind.ERASURE)


@operation
def carry_out_erasure(hotel_id: int, request_id: int, staff: StaffUser) -> GuestRequest:
    """Anonymise the request's stay and close the request as done; the guest's sessions end with it."""
    guest_request = guest_requests.hotel_request(hotel_id, request_id)
    if guest_request.kind is not RequestKind.ERASURE:
        raise NotFound(_("We could not find that request."))
    if not guest_request.status.open:
        raise NotAllowed(_("This request is already closed."))
    stay_id = guest_request.stay_id
    _leave_waiting_lists(guest_request.stay)
    # The stay and the request change together: an erasure is never done with its request still open.
    with write_transaction():
        guest_request = db.session.get(GuestRequest, request_id, populate_existing=True)
        if not guest_request.status.open:
            raise NotAllowed(_("This request is already closed."))
        stay = db.session.get(Stay, stay_id, populate_existing=True)
        if stay.anonymised_at is None:
            _anonymise(stay, ERASURE_REASON, clock.now())
        guest_requests.move(guest_request, RequestStatus.DONE, staff)
    return guest_request


# --- Export -------------------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass
class StayData:
    """Everything Lobby holds about one stay, as rows: the readable page shows them, the JSON lists them."""

    stay: Stay
    orders: list[Order]
    payments: list[Payment]
    requests: list[GuestRequest]
    feedback: list[Feedback]
    waiting: list[WaitlistEntry]
    consents: list[ConsentRecord]
    emails: list[OutboundMessage]

    def guest_history(self, guest_request: GuestRequest) -> list[RequestEvent]:
        """What the guest saw happen to a request: its creation, status changes and messages, never notes."""
        return [event for event in guest_request.events if event.action in GUEST_VISIBLE_EVENTS]


def collect(stay: Stay) -> StayData:
    """The stay's rows, for its guest only (no staff notes, no staff names)."""
    if stay.anonymised_at is not None:
        raise LobbyError(_("The personal data of this stay has been erased."))
    orders = list(
        db.session.scalars(
            select(Order)
            .where(
                Order.stay_id == stay.id, Order.hotel_id == stay.hotel_id, Order.status != OrderStatus.CART
            )
            .order_by(Order.id)
        )
    )
    return StayData(
        stay=stay,
        orders=orders,
        payments=list(
            db.session.scalars(
                select(Payment)
                .where(Payment.order_id.in_([order.id for order in orders]))
                .order_by(Payment.id)
            )
        ),
        requests=list(
            db.session.scalars(
                select(GuestRequest).where(GuestRequest.stay_id == stay.id).order_by(GuestRequest.id)
            )
        ),
        feedback=list(
            db.session.scalars(select(Feedback).where(Feedback.stay_id == stay.id).order_by(Feedback.id))
        ),
        waiting=list(
            db.session.scalars(
                select(WaitlistEntry).where(WaitlistEntry.stay_id == stay.id).order_by(WaitlistEntry.id)
            )
        ),
        consents=list(
            db.session.scalars(
                select(ConsentRecord).where(ConsentRecord.stay_id == stay.id).order_by(ConsentRecord.id)
            )
        ),
        emails=list(
            db.session.scalars(
                select(OutboundMessage)
                .where(OutboundMessage.stay_id == stay.id, OutboundMessage.status == MessageStatus.SENT)
                .order_by(OutboundMessage.id)
            )
        ),
    )


def export_stay(stay: Stay) -> dict[str, Any]:
    """:func:`collect` as JSON: names, dates in ISO form, money in minor units with its currency."""
    found = collect(stay)
    orders, payments, requests = found.orders, found.payments, found.requests
    feedback, consents, emails, waiting = found.feedback, found.consents, found.emails, found.waiting
    return {
        "hotel": {"name": stay.hotel.name.localize(stay.locale), "legal_name": stay.hotel.legal_name},
        "stay": {
            "surname": stay.surname,
            "first_name": stay.first_name,
            "email": stay.email,
            "language": stay.locale,
            "room": stay.room,
            "arrival": stay.arrival.isoformat(),
            "departure": stay.departure.isoformat(),
            "adults": stay.adults,
            "children_ages": list(stay.children_ages),
            "tier": stay.tier.value,
            "booking_reference": stay.booking_reference,
            "checked_in_at": _iso(stay.checked_in_at),
            "checked_out_at": _iso(stay.checked_out_at),
            "marketing_consent": stay.marketing_consent,
            "unsubscribed_at": _iso(stay.unsubscribed_at),
            "created_at": _iso(stay.created_at),
        },
        "bookings": [
            {
                "reference": order.reference,
                "status": order.status.value,
                "placed_at": _iso(order.placed_at),
                "payment_method": order.payment_method.value if order.payment_method else None,
                "currency": order.currency,
                "total": order.total,
                "lines": [
                    {
                        "service": line.service.title.localize(stay.locale),
                        "status": line.status.value,
                        "starts_at": _iso(line.starts_at),
                        "ends_at": _iso(line.ends_at),
                        "adults": line.adults,
                        "children_ages": list(line.children_ages),
                        "quantity": line.quantity,
                        "total": line.total,
                        "discount": line.discount,
                        "cancelled_at": _iso(line.cancelled_at),
                        "cancellation_fee": line.cancellation_fee,
                    }
                    for line in order.lines
                ],
            }
            for order in orders
        ],
        "payments": [
            {
                "booking": next(order.reference for order in orders if order.id == payment.order_id),
                "method": payment.provider,
                "status": payment.status.value,
                "amount": payment.amount,
                "currency": payment.currency,
                "created_at": _iso(payment.created_at),
                "refunds": [
                    {"amount": refund.amount, "status": refund.status.value, "at": _iso(refund.created_at)}
                    for refund in db.session.scalars(
                        select(Refund).where(Refund.payment_id == payment.id).order_by(Refund.id)
                    )
                ],
            }
            for payment in payments
        ],
        "requests": [
            {
                "kind": guest_request.kind.value,
                "item": guest_request.item,
                "quantity": guest_request.quantity,
                "details": guest_request.details,
                "status": guest_request.status.value,
                "message_from_the_hotel": guest_request.guest_message,
                "created_at": _iso(guest_request.created_at),
                # What the guest saw happen: status changes and messages, never staff notes.
                "history": [
                    {
                        "at": _iso(event.at),
                        "action": event.action,
                        "from": event.from_value if event.action == "status" else "",
                        "to": event.to_value if event.action == "status" else "",
                        "text": event.text if event.action == "message" else "",
                    }
                    for event in found.guest_history(guest_request)
                ],
            }
            for guest_request in requests
        ],
        "feedback": [
            {
                "service": item.line.service.title.localize(stay.locale) if item.line else None,
                "rating": item.rating,
                "recommendation_score": item.nps,
                "comment": item.comment,
                "reply_from_the_hotel": item.reply,
                "created_at": _iso(item.created_at),
            }
            for item in feedback
        ],
        "waiting_lists": [
            {
                "service": entry.service.title.localize(stay.locale),
                "starts_at": _iso(entry.slot.starts_at),
                "adults": entry.adults,
                "children_ages": list(entry.children_ages),
                "status": entry.status.value,
                "created_at": _iso(entry.created_at),
            }
            for entry in waiting
        ],
        "marketing_consent_records": [
            {"given": record.given, "at": _iso(record.at), "source": record.source} for record in consents
        ],
        "emails_sent": [
            {"kind": message.kind.value, "to": message.to_address, "sent_at": _iso(message.sent_at)}
            for message in emails
        ],
    }


GUEST_VISIBLE_EVENTS = ("created", "status", "message")
