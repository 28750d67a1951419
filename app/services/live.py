"""Version stamps for pages that update themselves: one cheap query says whether anything changed.

Pages poll with ``If-None-Match``; the stamp comes from the database, so every gunicorn
worker answers the same, and nothing is kept in process memory. The minute is part of
the stamp because countdowns and cancellation windows change with time alone.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import func, select

from app.extensions import db
from app.models import Feedback, GuestRequest, Order, OrderLine, Stay, WaitlistEntry


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
    """
    requests = db.session.execute(
        select(func.count(GuestRequest.id), func.max(GuestRequest.updated_at)).where(
            GuestRequest.stay_id == stay.id
        )
    ).one()
    lines = db.session.execute(
        select(OrderLine.id, OrderLine.status, OrderLine.done_at)
        .join(Order)
        .where(Order.stay_id == stay.id)
        .order_by(OrderLine.id)
    ).all()
    replies = db.session.execute(
        select(func.count(Feedback.id), func.max(Feedback.replied_at)).where(Feedback.stay_id == stay.id)
    ).one()
    waited_for = select(WaitlistEntry.slot_id).where(WaitlistEntry.stay_id == stay.id)
    queues = db.session.execute(
        select(WaitlistEntry.id, WaitlistEntry.status, WaitlistEntry.offer_expires_at)
        .where(WaitlistEntry.slot_id.in_(waited_for))
        .order_by(WaitlistEntry.id)
    ).all()
    return _stamp(
        stay.id,
        tuple(requests),
        tuple(map(tuple, lines)),
        tuple(replies),
        tuple(map(tuple, queues)),
        now.strftime("%Y%m%d%H%M"),
    )
