"""A hotel's (or a stay's) row by id: the same lookup for every kind of row a page opens by its id.

Another hotel's or another stay's row is answered exactly like a missing one, so an id guessed in
a URL tells nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.sql.base import ExecutableOption

from app.extensions import db
from app.models import Order, Stay, WaitlistEntry
from app.models.hotel import HotelScoped
from app.services.errors import NotFound

Row = TypeVar("Row", bound=HotelScoped)
StayRow = TypeVar("StayRow", Order, WaitlistEntry)


def hotel_row(model: type[Row], hotel_id: int, row_id: int, missing: str) -> Row:
    """The ``model`` row ``row_id`` of this hotel, else :class:`NotFound` saying ``missing``."""
    row = db.session.get(model, row_id)
    if row is None or row.hotel_id != hotel_id:
        raise NotFound(missing)
    return row


def stay_row(
    model: type[StayRow],
    stay: Stay,
    missing: str,
    *where: ColumnElement[bool],
    options: Sequence[ExecutableOption] = (),
) -> StayRow:
    """This stay's ``model`` row matching ``where`` (loaded with ``options``), else :class:`NotFound`."""
    row = (
        db.session.scalars(
            select(model)
            .where(*where, model.stay_id == stay.id, model.hotel_id == stay.hotel_id)
            .options(*options)
        )
        .unique()
        .first()
    )  # unique(): joined collections repeat the row
    if row is None:
        raise NotFound(missing)
    return row
