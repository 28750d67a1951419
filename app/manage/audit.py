"""The audit trail for managers: who changed what and when, filtered by object, person and day.

The entries are written by the service operations (``app.services.audit``); this page
only reads them, newest first, with times in the hotel's zone and before → after in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import g, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.manage import bp
from app.manage.forms import TAG_LABELS
from app.models import ActorKind, AuditEntry, Hotel, StaffRole, StaffUser, Stay
from app.services import audit
from app.web.fields import row_id
from app.web.labels import SCOPE_LABELS
from app.web.locale import money
from app.web.roles import role_required
from app.web.templating import ROLE_LABELS, STAY_PHASE_LABELS, TEXT_LABELS, TIER_LABELS, when

ACTION_LABELS = {
    "order.placed": _l("Booking placed"),
    "order.confirmed": _l("Booking confirmed"),
    "order.cancelled": _l("Booking cancelled"),
    "order.line_approved": _l("Request approved and charged"),
    "order.line_declined": _l("Request declined"),
    "order.late_charge": _l("Late charge posted"),
    "payment.succeeded": _l("Card payment succeeded"),
    "payment.failed": _l("Card payment failed"),
    "payment.cancelled": _l("Card payment cancelled"),
    "payment.pending": _l("Card payment pending"),
    "refund.created": _l("Refund given"),
    "refund.succeeded": _l("Refund paid out"),
    "refund.failed": _l("Refund failed"),
    "pool.capacity_changed": _l("Capacity changed"),
    "pool.schedule_changed": _l("Weekly times changed"),
    "pool.slot_closed": _l("Time closed"),
    "pool.slot_reopened": _l("Time reopened"),
    "service.created": _l("Service created"),
    "service.edited": _l("Service edited"),
    "service.price_changed": _l("Prices changed"),
    "service.archived": _l("Service archived"),
    "service.restored": _l("Service restored"),
    "package.created": _l("Package created"),
    "package.edited": _l("Package edited"),
    "package.archived": _l("Package archived"),
    "package.restored": _l("Package restored"),
    "promo.created": _l("Promo code created"),
    "promo.activated": _l("Promo code switched on"),
    "promo.deactivated": _l("Promo code switched off"),
    "hotel.discounts_changed": _l("Discount rules changed"),
    "hotel.rooms_added": _l("Rooms added"),
    "hotel.exchange_rate_set": _l("Exchange rate set"),
    "room.reactivated": _l("Room back in service"),
    "room.deactivated": _l("Room out of service"),
    "staff.created": _l("Staff account created"),
    "staff.role_changed": _l("Role changed"),
    "staff.deactivated": _l("Account deactivated"),
    "staff.reactivated": _l("Account reactivated"),
    "staff.joined": _l("Colleague from another hotel added"),
    "staff.removed": _l("Removed from this hotel"),
    "stay.booked": _l("Stay booked"),
    "stay.checked_in": _l("Checked in"),
    "stay.checked_out": _l("Checked out"),
    "api_key.created": _l("API token created"),
    "api_key.revoked": _l("API token revoked"),
}

# The kinds of object a manager can filter by, as the filter names them.
KIND_LABELS = {
    "order": _l("Booking"),
    "stay": _l("Stay"),
    "service": _l("Service"),
    "package": _l("Package"),
    "pool": _l("Resource pool"),
    "promo": _l("Promo code"),
    "staff": _l("Staff"),
    "room": _l("Room"),
    "hotel": _l("Hotel"),
    "api_key": _l("API token"),
}

PERSON_LABELS = {
    ActorKind.GUEST: _l("Guests"),
    ActorKind.PMS: _l("Hotel systems (PMS)"),
    ActorKind.SYSTEM: _l("System"),
}

# Field names as the editors label them (the same words, so the same translations).
FIELD_LABELS = {
    "price_adult": _l("Price per adult"),
    "price_child": _l("Price per child"),
    "price_unit": _l("Price per unit and day"),
    "free_under_age": _l("Free under age"),
    "min_age": _l("Minimum age"),
    "max_age": _l("Maximum age"),
    "duration_minutes": _l("Duration (minutes)"),
    "lead_time_minutes": _l("Book at least this many minutes ahead"),
    "cancel_window_hours": _l("Free cancellation until this many hours before"),
    "late_cancel_fee_percent": _l("Late cancellation fee in percent (empty: ask the desk)"),
    "needs_approval": _l("The desk approves each booking"),
    "active": _l("Active"),
    "pinned": _l("Pin: offer this first to every stay it suits"),
    "position": _l("Position in lists"),
    "tags": _l("What it is"),
    "archived": _l("Archived"),
    "capacity": _l("Places (people, or units for rentals)"),
    "week": _l("Start times, one line per weekday from Monday to Sunday"),
    "services": _l("Services in this package"),
    "code": _l("Code"),
    "kind": _l("Kind"),
    "value": _l("Amount"),
    "valid_from": _l("Valid from"),
    "valid_until": _l("Valid until"),
    "usage_limit": _l("Uses in all (empty: no limit)"),
    "per_stay_limit": _l("Uses per stay"),
    "email": _l("Email"),
    "name": _l("Name"),
    "role": _l("Role"),
    "room": _l("Room"),
    "rooms": _l("Rooms"),
    "surname": _l("Surname"),
    "first_name": _l("First name"),
    "arrival": _l("Arrival"),
    "departure": _l("Departure"),
    "adults": _l("Adults"),
    "children_ages": _l("Children's ages"),
    "tier": _l("Loyalty tier"),
    "phase": _l("State"),
    "reference": _l("Booking reference"),
    "status": _l("Status"),
    "line_status": _l("Status"),
    "payment_method": _l("Payment"),
    "total": _l("Total"),
    "amount": _l("Amount"),
    "paid": _l("Paid"),
    "fee": _l("Cancellation fee"),
    "payment": _l("Payment"),
    "refund": _l("Refund"),
    "line": _l("Booking"),
    "slot": _l("Time"),
    "starts_at": _l("Time"),
    "closed": _l("Closed"),
    "bundle_size": _l("Package deal: from this many different services"),
    "bundle_percent": _l("Package deal discount (percent)"),
    "large_family_min_children": _l("Large family: from this many children"),
    "large_family_discount_percent": _l("Large family discount (percent)"),
    "silver_discount_percent": _l("Silver guests' discount (percent)"),
    "gold_discount_percent": _l("Gold guests' discount (percent)"),
    "max_discount_percent": _l("All discounts together at most (percent)"),
    "pre_arrival_days": _l("Offer email: days before arrival"),
    "prefix": _l("Starts with"),
    "scopes": _l("What it may do"),
    "exchange_rate": _l("Exchange rate"),
}
MONEY_FIELDS = {"price_adult", "price_child", "price_unit", "total", "amount", "paid", "fee"}
# Values that are codes, in words.
STATUS_LABELS = {
    "cart": _l("In your cart"),
    "held": _l("Waiting for payment"),
    "requested": _l("Waiting for the desk"),
    "booked": _l("Confirmed"),
    "created": _l("Started"),
    "pending": _l("Pending"),
    "confirmed": _l("Confirmed"),
    "succeeded": _l("Paid"),
    "failed": _l("Failed"),
    "expired": _l("Expired"),
    "cancelled": _l("Cancelled"),
}
VALUE_LABELS = {
    "status": STATUS_LABELS,
    "line_status": STATUS_LABELS,
    "payment_method": {"card": _l("Card"), "room": _l("Room charge")},
    "phase": STAY_PHASE_LABELS,
    "role": ROLE_LABELS,
    "tier": TIER_LABELS,
    "tags": TAG_LABELS,
    "scopes": SCOPE_LABELS,
    "kind": {
        "slot": _l("Timed activity"),
        "rental": _l("Rental per day"),
        "amenity": _l("Free item"),
        "ticket": _l("Event ticket"),
        "percent": _l("Percent off"),
        "amount": _l("Amount off"),
    },
}


@dataclass(frozen=True)
class Filters:
    kind: str | None = None
    object_id: int | None = None
    person: str = ""  # "staff:<id>", "guest", "pms", "system" or "" for anyone
    day: date | None = None
    stay_id: int | None = None

    def args(self, **changes) -> dict:
        """The query string of these filters, with ``changes``; empty filters left out."""
        values = {
            "kind": self.kind,
            "object": self.object_id,
            "person": self.person,
            "day": self.day.isoformat() if self.day else None,
            "stay": self.stay_id,
        } | changes
        return {key: value for key, value in values.items() if value not in (None, "")}


def _number(name: str) -> int | None:
    return request.args.get(name, type=row_id)


def _filters() -> Filters:
    """Read from the query string; anything that is not a filter is quietly no filter."""
    kind = request.args.get("kind")
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        day = None
    return Filters(
        kind=kind if kind in KIND_LABELS else None,
        object_id=_number("object"),
        person=request.args.get("person", "") if _actor(request.args.get("person", "")) else "",
        day=day,
        stay_id=_number("stay"),
    )


def _actor(person: str) -> ActorKind | int | None:
    """The trail's actor filter for a person choice: a kind, or one staff member's id."""
    if person.startswith("staff:"):
        try:
            return row_id(person.removeprefix("staff:"))
        except ValueError:
            return None
    try:
        return ActorKind(person) if person else None
    except ValueError:
        return None


@bp.get("/audit")
@role_required(StaffRole.MANAGER)
def audit_trail():
    filters = _filters()
    found = audit.trail(
        g.hotel.id,
        object_kind=filters.kind,
        object_id=filters.object_id if filters.kind else None,
        actor=_actor(filters.person),
        day=filters.day,
        stay_id=filters.stay_id,
        page=_number("page") or 1,
    )
    names = _object_names(found.entries, filters)
    return render_template(
        "manage/audit.html",
        trail=found,
        filters=filters,
        names=names,
        showing=_showing(filters, names),
        people=_people(),
        kinds=KIND_LABELS,
        action_label=lambda entry: ACTION_LABELS.get(entry.action, entry.action),
        actor_label=_actor_label,
        details=_details,
    )


def _showing(filters: Filters, names: dict[tuple[str, int], str]) -> list[str]:
    """The object and the stay the page is narrowed to, by name."""
    shown = []
    if filters.kind and filters.object_id:
        shown.append(names.get((filters.kind, filters.object_id)) or str(KIND_LABELS[filters.kind]))
    if filters.stay_id:
        shown.append(names.get(("stay", filters.stay_id)) or str(KIND_LABELS["stay"]))
    return shown


def _people() -> list[tuple[str, str]]:
    """The person filter's choices: each staff member of the hotel, then guests, the PMS and the system."""
    staff = db.session.execute(
        select(StaffUser.id, StaffUser.name, StaffUser.email)
        .where(StaffUser.hotel_id == g.hotel.id)
        .order_by(StaffUser.name, StaffUser.email)
    ).all()
    choices = [(f"staff:{staff_id}", name or email) for staff_id, name, email in staff]
    return choices + [(kind.value, str(label)) for kind, label in PERSON_LABELS.items()]


def _object_names(entries: list[AuditEntry], filters: Filters) -> dict[tuple[str, int], str]:
    """What each entry's object (and the filtered object, and stays guests acted on) is called, one
    query per kind of object."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        wanted.setdefault(entry.object_kind, set()).add(entry.object_id)
        if entry.stay_id is not None:
            wanted.setdefault("stay", set()).add(entry.stay_id)
    if filters.kind and filters.object_id:
        wanted.setdefault(filters.kind, set()).add(filters.object_id)
    if filters.stay_id:
        wanted.setdefault("stay", set()).add(filters.stay_id)
    models = {kind: model for model, kind in audit.OBJECT_KINDS.items()}
    names = {}
    for kind, ids in wanted.items():
        model = models.get(kind)
        if model is None:
            continue
        ours = model.id == g.hotel.id if model is Hotel else model.hotel_id == g.hotel.id
        for item in db.session.scalars(select(model).where(model.id.in_(ids), ours)):
            names[(kind, item.id)] = _name_of(kind, item)
    return names


def _name_of(kind: str, item) -> str:
    if kind == "order":
        return _("Booking %(reference)s", reference=item.reference)
    if kind in ("stay", "room"):
        room = _("Room %(room)s", room=item.room if kind == "stay" else item.number)
        return f"{room} · {item.surname}" if kind == "stay" else room
    if kind == "staff":
        return item.name or item.email
    if kind == "promo":
        return item.code
    return str(getattr(item, "title", None) or getattr(item, "name", None) or item.id)


def _actor_label(entry: AuditEntry) -> str:
    """Who acted, in the reader's language where it is not a person's or a system's own name."""
    if entry.actor_kind is ActorKind.SYSTEM:
        return _("System")
    if entry.actor_kind is ActorKind.GUEST and entry.stay_id is not None:
        # A guest acts on their own stay; its row is already loaded with the page's names.
        return _("Guest, room %(room)s", room=db.session.get(Stay, entry.stay_id).room)
    if entry.actor_kind is ActorKind.PMS:
        return _("%(name)s (PMS)", name=entry.actor_name)
    return entry.actor_name


@dataclass(frozen=True)
class Detail:
    label: str
    before: str | None  # None: the field had no value before (it is new)
    after: str | None


def _details(entry: AuditEntry) -> list[Detail]:
    """Each changed field in words: its label, what it was and what it became."""
    before, after = entry.before or {}, entry.after or {}
    return [
        Detail(
            _field_label(key),
            _value(key, before[key]) if key in before else None,
            _value(key, after[key]) if key in after else None,
        )
        for key in dict.fromkeys([*before, *after])
    ]


def _field_label(key: str) -> str:
    name, _dot, locale = key.partition(".")
    if locale and name in TEXT_LABELS:
        return _("%(field)s, %(language)s", field=TEXT_LABELS[name], language=locale)
    return str(FIELD_LABELS.get(key, key))


def _value(key: str, value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key in MONEY_FIELDS and isinstance(value, int):
        return money(value, g.hotel.currency)
    if key == "starts_at":
        return when(datetime.fromisoformat(value))
    if key in ("payment", "refund", "line", "slot"):
        return f"#{value}"
    labels = VALUE_LABELS.get(key, {})
    if isinstance(value, list):
        return ", ".join(str(labels.get(item, item)) for item in value)
    return str(labels.get(value, value))
