"""One hotel's row by id: the same lookup for every kind of row a manager or the desk opens by its id.

Another hotel's row is answered exactly like a missing one, so an id guessed in a URL tells nothing.
"""

from __future__ import annotations

from typing import TypeVar

from app.extensions import db
from app.models.hotel import HotelScoped
from app.services.errors import NotFound

Row = TypeVar("Row", bound=HotelScoped)


def hotel_row(model: type[Row], hotel_id: int, row_id: int, missing: str) -> Row:
    """The ``model`` row ``row_id`` of this hotel, else :class:`NotFound` saying ``missing``."""
    row = db.session.get(model, row_id)
    if row is None or row.hotel_id != hotel_id:
        raise NotFound(missing)
    return row
