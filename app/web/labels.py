"""What screens call the domain's codes: ways to pay, request kinds and statuses, room items, offer reasons,
API key scopes.

The domain keeps the codes (``RequestStatus``, the room items a guest may ask for, the
offer reason codes); naming them for a person is presentation, so the words live here
and reach pages as template globals or through the views that use them.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import GuestRequest, OrderLine, RequestKind, RequestStatus
from app.services import api_tokens, guest_requests

# The ways to pay, as the guest's checkout offers them (in the guest's words: "my room").
PAYMENT_LABELS = {"card": _l("Pay by card now"), "room": _l("Charge to my room")}

# Things a guest can ask to have brought to the room, in the order the form lists them.
ROOM_ITEM_LABELS = {
    "towels": _l("Extra towels"),
    "pillows": _l("Extra pillows"),
    "blanket": _l("Extra blanket"),
    "toiletries": _l("Toiletries"),
    "water": _l("Drinking water"),
    "adapter": _l("Plug adapter"),
    "iron": _l("Iron and ironing board"),
}

REQUEST_KIND_LABELS = {
    RequestKind.AMENITY: _l("Delivery to the room"),
    RequestKind.HELP: _l("Help"),
    RequestKind.APPROVAL: _l("Needs approval"),
    RequestKind.FOLLOW_UP: _l("Question about a booking"),
    RequestKind.COMPLAINT: _l("Complaint"),
    RequestKind.RECOVERY: _l("Service recovery"),
    RequestKind.ERASURE: _l("Erasure of personal data"),
}

REQUEST_STATUS_LABELS = {
    RequestStatus.NEW: _l("Received"),
    RequestStatus.ACKNOWLEDGED: _l("Seen by the desk"),
    RequestStatus.IN_PROGRESS: _l("In progress"),
    RequestStatus.DONE: _l("Done"),
    RequestStatus.DECLINED: _l("Declined"),
    RequestStatus.CANCELLED: _l("Cancelled"),
}

# Reasons an offer was made, as the dashboard names them (the guest reads a whole sentence).
OFFER_REASON_LABELS = {
    "pinned": _l("Recommended by the hotel"),
    "often_with": _l("Often booked together"),
    "few_left": _l("Few places left"),
    "children": _l("Suits the children's ages"),
    "arrival": _l("Ready on arrival"),
    "popular": _l("Popular with similar guests"),
    "long_stay": _l("Long stay"),
    "whole_party": _l("The whole party can join"),
    "bundle": _l("Package deal"),
    "tier": _l("Loyalty discount"),
    "available": _l("Room during the stay"),
}

# What an API key may do (the scopes of app/services/api_tokens.py), as the manager ticks them.
SCOPE_LABELS = {
    "stays:read": _l("Read stays (reservations) and their guests"),
    "stays:write": _l("Create, change, cancel, check in and check out stays"),
    "catalog:read": _l("Read packages, services, prices and availability"),
    "orders:read": _l("Read bookings and what was booked"),
    "payments:read": _l("Read payments and refunds"),
    "folio:read": _l("Read room charges (folio lines)"),
    "folio:write": _l("Mark room charges as taken over by the PMS"),
    "requests:read": _l("Read guest requests"),
    "requests:write": _l("Change the status of guest requests"),
    "feedback:read": _l("Read guest feedback"),
}
# The scopes' families, each a group of checkboxes.
SCOPE_GROUP_LABELS = {
    "stays": _l("Stays"),
    "catalog": _l("Catalog"),
    "orders": _l("Bookings"),
    "payments": _l("Payments"),
    "folio": _l("Room charges"),
    "requests": _l("Guest requests"),
    "feedback": _l("Feedback"),
}


def scope_groups() -> list[tuple[str, list[str]]]:
    """Every scope by family, in the services' order: [("stays", ["stays:read", "stays:write"]), …]."""
    groups: dict[str, list[str]] = {}
    for scope in api_tokens.SCOPES:
        groups.setdefault(api_tokens.scope_family(scope), []).append(scope)
    return list(groups.items())


def scope_label(scope: str) -> str:
    """A scope in words; one this version does not know (a key made by a newer one) as its code."""
    label = SCOPE_LABELS.get(scope)
    return str(label) if label is not None else scope


def init_app(app: Flask) -> None:
    # The domain's own refusals ("cannot go from Done to Received") name statuses as screens do.
    guest_requests.name_statuses_with(request_status_label)


def request_status_label(status: RequestStatus) -> str:
    return str(REQUEST_STATUS_LABELS[status])


def describe_request(request: GuestRequest) -> str:
    """What the request is about, in the reader's language."""
    if request.item in ROOM_ITEM_LABELS:
        return str(ROOM_ITEM_LABELS[request.item])
    if request.order_line_id is not None:
        line = db.session.get(OrderLine, request.order_line_id)
        return str(line.service.title)
    return str(REQUEST_KIND_LABELS[request.kind])


def offer_reason_label(code: str) -> str:
    label = OFFER_REASON_LABELS.get(code)
    return str(label) if label is not None else code
