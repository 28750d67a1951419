"""The hotel's room list: check-in takes only a room on it, and managers keep it."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models import Hotel, Room
from app.services import audit
from app.services.errors import LobbyError
from app.services.hotel_rows import hotel_row
from app.services.transactions import operation

MAX_ROOMS_AT_ONCE = 500
# Room numbers as doors show them: letters, digits and a dash ("204", "B12", "A-3").
ROOM_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,11}")


def hotel_rooms(hotel_id: int) -> list[Room]:
    rooms = db.session.scalars(select(Room).where(Room.hotel_id == hotel_id)).all()
    return sorted(rooms, key=lambda room: (len(room.number), room.number))


def is_bookable(hotel_id: int, number: str) -> bool:
    return (
        db.session.scalar(
            select(Room.id).where(Room.hotel_id == hotel_id, Room.number == number.strip(), Room.active)
        )
        is not None
    )


def parse_numbers(text: str) -> list[str]:
    """ "101-105, 201, B12" -> the numbers; a range of plain numbers is expanded."""
    numbers: list[str] = []
    for part in re.split(r"[,;\s]+", text.strip()):
        if not part:
            continue
        span = re.fullmatch(r"(\d{1,6})-(\d{1,6})", part)
        if span:
            first, last = int(span.group(1)), int(span.group(2))
            if last < first or last - first >= MAX_ROOMS_AT_ONCE:
                raise LobbyError(_("Please give a range from a lower to a higher number, like 101-120."))
            numbers.extend(str(number) for number in range(first, last + 1))
        elif ROOM_NUMBER.fullmatch(part):
            numbers.append(part)
        else:
            raise LobbyError(
                _("%(room)s is not a room number: use letters, digits and dashes.", room=part[:20])
            )
    if not numbers:
        raise LobbyError(_("Please enter at least one room number."))
    if len(numbers) > MAX_ROOMS_AT_ONCE:
        raise LobbyError(_("Too many rooms at once. Limit: %(max)d.", max=MAX_ROOMS_AT_ONCE))
    return numbers


@operation
def add_rooms(hotel_id: int, numbers: list[str]) -> int:
    """Add (or bring back into service) these rooms; how many changed."""
    known = {room.number: room for room in hotel_rooms(hotel_id)}
    changed = []
    for number in dict.fromkeys(numbers):
        room = known.get(number)
        if room is None:
            db.session.add(Room(hotel_id=hotel_id, number=number, active=True))
            changed.append(number)
        elif not room.active:
            room.active = True
            changed.append(number)
    if changed:
        audit.record(hotel_id, "hotel.rooms_added", db.session.get(Hotel, hotel_id), after={"rooms": changed})
    return len(changed)


@operation
def set_active(hotel_id: int, room_id: int, active: bool) -> Room:
    """Out of service rooms stay listed (old stays name them) but take no new check-ins."""
    room = hotel_row(Room, hotel_id, room_id, _("We could not find that room."))
    action = "room.reactivated" if active else "room.deactivated"
    audit.record(hotel_id, action, room, before={"active": room.active}, after={"active": active})
    room.active = active
    return room
