"""The audit trail: every operation that moves money, capacity, prices or people writes one entry.

Who acted is the *current actor*, held in a context variable: the web layer sets it per
request (``app/web/actor.py``), a test or a worker with :func:`acting_as`, and anything
else (the command line, webhooks, expiry sweeps) acts as :data:`SYSTEM`. Services never
ask Flask who is signed in.

:func:`record` only adds the entry to the session: it is committed, or rolled back, with
the operation it describes, so an entry exists exactly when its change does.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import (
    ActorKind,
    ApiToken,
    AuditEntry,
    Hotel,
    Order,
    OrderLine,
    Package,
    Payment,
    PromoCode,
    Refund,
    ResourcePool,
    Room,
    Service,
    Slot,
    StaffUser,
    Stay,
)
from app.models.i18n import LocalizedText

PAGE_SIZE = 50
# Long texts (a service's description) are cut in the trail: it says what changed, not the whole text.
MAX_TEXT = 200


@dataclass(frozen=True)
class Actor:
    """Who an operation is done by, as the trail names them at the time."""

    kind: ActorKind
    staff_id: int | None = None
    name: str = ""


SYSTEM = Actor(ActorKind.SYSTEM, name="Lobby")

# The actor, or a function that finds it: most requests record nothing, so the web layer
# hands over how to find who is asking and it is looked up only when an entry is written.
_current: ContextVar[Actor | Callable[[], Actor]] = ContextVar("lobby_audit_actor", default=SYSTEM)


def current_actor() -> Actor:
    actor = _current.get()
    if isinstance(actor, Actor):
        return actor
    found = actor()
    _current.set(found)  # once per block: the block's reset puts the previous actor back
    return found


@contextmanager
def acting_as(actor: Actor | Callable[[], Actor]) -> Iterator[None]:
    """Everything recorded inside the block is done by ``actor`` (or whom it finds, when first needed).

    The previous actor comes back after the block.
    """
    token = _current.set(actor)
    try:
        yield
    finally:
        _current.reset(token)


def staff_actor(user: StaffUser) -> Actor:
    return Actor(ActorKind.STAFF, user.id, user.name or user.email)


def guest_actor(stay: Stay) -> Actor:
    # Stored as written here, in one language: it is a record of the time, like a refund's reason.
    return Actor(ActorKind.GUEST, name=f"Guest, room {stay.room}")


def pms_actor(name: str) -> Actor:
    """The hotel's own system calling the API, named by its token ("Mews")."""
    return Actor(ActorKind.PMS, name=name)


# What the trail calls each kind of object; the manager's page filters by these names.
OBJECT_KINDS: dict[type, str] = {
    Order: "order",
    OrderLine: "line",
    Payment: "payment",
    Refund: "refund",
    Service: "service",
    Package: "package",
    ResourcePool: "pool",
    Slot: "slot",
    PromoCode: "promo",
    Hotel: "hotel",
    StaffUser: "staff",
    Stay: "stay",
    Room: "room",
    ApiToken: "api_key",
}


def kind_of(obj: Any) -> str:
    return OBJECT_KINDS.get(type(obj)) or type(obj).__tablename__


def _stay_of(obj: Any) -> int | None:
    """The stay a change to ``obj`` concerns, so the stay's trail finds it."""
    if isinstance(obj, Stay):
        return obj.id
    if isinstance(obj, Refund):
        obj = obj.payment
    if isinstance(obj, Payment | OrderLine):
        obj = obj.order
    return getattr(obj, "stay_id", None)


def plain(value: Any) -> Any:
    """``value`` as JSON: enums by value, dates in ISO form, money stays integer minor units."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, str):
        return value if len(value) <= MAX_TEXT else value[: MAX_TEXT - 1] + "…"
    if isinstance(value, list | tuple | set):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return value


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The fields' values now, as JSON; a text in several languages becomes one key per language."""
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, LocalizedText):
            values.update({f"{name}.{locale}": plain(text) for locale, text in value.as_dict().items()})
        else:
            values[name] = plain(value)
    return values


# Keys that say which part of an object changed (an order's payment, a pool's time): kept on both
# sides even when equal, but never a change on their own.
PART_KEYS = frozenset({"line", "payment", "refund", "slot", "starts_at", "reference"})


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ (and the :data:`PART_KEYS` naming what they belong to), each side
    with what it had; a side without a field leaves it out."""
    keys = [
        key
        for key in dict.fromkeys([*before, *after])
        if key in PART_KEYS or before.get(key) != after.get(key)
    ]
    if all(key in PART_KEYS for key in keys):
        return {}, {}
    return (
        {key: before[key] for key in keys if key in before},
        {key: after[key] for key in keys if key in after},
    )


def record(
    hotel_id: int,
    action: str,
    obj: Any,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    stay_id: int | None = None,
) -> AuditEntry | None:
    """Add an entry for ``action`` on ``obj`` to the session, by the current actor; the caller commits.

    When both ``before`` and ``after`` are given only the fields that differ are kept,
    and if none does nothing changed and nothing is recorded.
    """
    before = plain(before) if before is not None else None
    after = plain(after) if after is not None else None
    if before is not None and after is not None:
        before, after = changes(before, after)
        if not after and not before:
            return None
    if obj.id is None:
        db.session.flush()  # a new object gets its id
    actor = current_actor()
    entry = AuditEntry(
        hotel_id=hotel_id,
        at=clock.now(),
        actor_kind=actor.kind,
        actor_staff_id=actor.staff_id,
        actor_name=actor.name[:120],
        action=action,
        object_kind=kind_of(obj),
        object_id=obj.id,
        stay_id=stay_id if stay_id is not None else _stay_of(obj),
        before=before,
        after=after,
        reason=(reason or "")[:500],
    )
    db.session.add(entry)
    return entry


@dataclass(frozen=True)
class TrailPage:
    entries: list[AuditEntry]
    page: int
    has_next: bool


def trail(
    hotel_id: int,
    *,
    object_kind: str | None = None,
    object_id: int | None = None,
    actor: ActorKind | int | None = None,
    day: date | None = None,
    stay_id: int | None = None,
    page: int = 1,
) -> TrailPage:
    """One page of the hotel's trail, newest first.

    ``actor`` is a kind (every guest, the PMS, the system, all staff) or one staff
    member's id; ``day`` is a date in the hotel's time zone.
    """
    query = select(AuditEntry).where(AuditEntry.hotel_id == hotel_id)
    if object_kind is not None:
        query = query.where(AuditEntry.object_kind == object_kind)
    if object_id is not None:
        query = query.where(AuditEntry.object_id == object_id)
    if isinstance(actor, ActorKind):
        query = query.where(AuditEntry.actor_kind == actor)
    elif actor is not None:
        query = query.where(AuditEntry.actor_staff_id == actor)
    if stay_id is not None:
        query = query.where(AuditEntry.stay_id == stay_id)
    if day is not None:
        tz = db.session.get(Hotel, hotel_id).tz
        # Midnight to midnight where the hotel is, however long that day is (DST).
        starts = datetime.combine(day, time(0), tzinfo=tz)
        ends = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
        query = query.where(AuditEntry.at >= starts, AuditEntry.at < ends)
    page = max(page, 1)
    found = list(
        db.session.scalars(
            query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        )
    )
    return TrailPage(found[:PAGE_SIZE], page, len(found) > PAGE_SIZE)
