"""Version stamps for pages that update themselves: one cheap query says whether anything changed.

Pages poll with ``If-None-Match``; the stamp comes from the database, so every gunicorn
worker answers the same, and nothing is kept in process memory. The minute is part of
the stamp because countdowns and cancellation windows change with time alone.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import CompoundSelect, String, bindparam, cast, func, literal_column, null, select, union_all

from app.extensions import db
from app.models import Feedback, GuestRequest, Order, OrderLine, Stay, WaitlistEntry
from app.services.statements import built_once


def _stamp(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def desk_version(hotel_id: int, now: datetime) -> str:
    """Changes whenever any request of the hotel changes, and once a minute."""
    count, latest = db.session.execute(
        select(func.count(GuestRequest.id), func.max(GuestRequest.updated_at)).where(
            GuestRequest.hotel_id == hotel_id
        )
    ).one()
    return _stamp(hotel_id, count, str(latest), now.strftime("%Y%m%d%H%M"))


def stay_version(stay: Stay, now: datetime) -> str:
    """Changes with the stay's requests, bookings, feedback replies or waiting lists, and once a minute.

    The waiting lists count every entry for the times the stay waits for: someone ahead
    leaving moves the guest up the queue, and places freed become an offer to book.
    One statement (the four parts joined with UNION ALL): My stay asks it on every view and poll.
    """
    rows = db.session.execute(_stay_parts(), {"stay_id": stay.id}).all()
    return _stamp(stay.id, tuple(map(tuple, rows)), now.strftime("%Y%m%d%H%M"))


@built_once
def _stay_parts() -> CompoundSelect:
    stay_id = bindparam("stay_id")
    waited_for = select(WaitlistEntry.slot_id).where(WaitlistEntry.stay_id == stay_id)
    return union_all(
        select(
            _part("requests"),
            func.count(GuestRequest.id).label("number"),
            func.max(GuestRequest.updated_at).label("at"),
            null().label("state"),
        ).where(GuestRequest.stay_id == stay_id),
        select(
            _part("replies"),
            func.count(Feedback.id).label("number"),
            func.max(Feedback.replied_at).label("at"),
            null().label("state"),
        ).where(Feedback.stay_id == stay_id),
        select(_part("lines"), OrderLine.id, OrderLine.done_at, cast(OrderLine.status, String))
        .join(Order)
        .where(Order.stay_id == stay_id),
        select(
            _part("queues"),
            WaitlistEntry.id,
            WaitlistEntry.offer_expires_at,
            cast(WaitlistEntry.status, String),
        ).where(WaitlistEntry.slot_id.in_(waited_for)),
    ).order_by(literal_column("part"), literal_column("number"))


def _part(name: str):
    """A constant naming the part of a UNION a row comes from (written into the SQL, not bound)."""
    return literal_column(f"'{name}'", String).label("part")
