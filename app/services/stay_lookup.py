"""Finding a stay at the desk by room, surname or booking reference."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from app.extensions import db
from app.models import Stay
from app.services.guest_access import normalize_reference, surname_key

MAX_RESULTS = 50


def find_stays(hotel_id: int, query: str, today: date) -> list[Stay]:
    """Stays of this hotel matching ``query``: current and coming stays first, then past ones."""
    query = query.strip()
    if not query:
        return []
    conditions = [Stay.room == query, Stay.surname_key.startswith(surname_key(query))]
    if len(query) >= 8:
        conditions.append(Stay.booking_reference == normalize_reference(query))
    stays = db.session.scalars(
        select(Stay)
        .where(Stay.hotel_id == hotel_id, or_(*conditions))
        .order_by(Stay.arrival.desc())
        .limit(MAX_RESULTS)
    ).all()
    return sorted(stays, key=lambda stay: (stay.departure < today, abs((stay.arrival - today).days)))


def hotel_stay(hotel_id: int, stay_id: int) -> Stay | None:
    stay = db.session.get(Stay, stay_id)
    return stay if stay is not None and stay.hotel_id == hotel_id else None
