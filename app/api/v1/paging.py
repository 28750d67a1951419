"""Pagination by cursor: each page says where the next starts, so rows added meanwhile are never missed.

The cursor is opaque to clients (base64 of the last id seen); pages run by id, so a
client that walks to the end has seen every row that existed when it started.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import Select

from app.api.v1.problems import ApiProblem
from app.extensions import db

T = TypeVar("T")
MAX_ID = 2**31 - 1


class PageQuery(BaseModel):
    limit: int = Field(50, ge=1, le=100, description="How many items at most (1 to 100)")
    cursor: str | None = Field(
        None, max_length=200, pattern="^[A-Za-z0-9_=-]*$", description="next_cursor of the previous page"
    )


class Page(BaseModel, Generic[T]):
    data: list[T]
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null on the last page")


def encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": last_id}).encode()).decode()


def decode(cursor: str) -> int:
    try:
        after = json.loads(base64.urlsafe_b64decode(cursor.encode()))["after"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise ApiProblem("invalid-cursor", "Pass next_cursor of the previous page as it was.") from None
    if not isinstance(after, int) or not 0 <= after <= MAX_ID:
        raise ApiProblem("invalid-cursor", "Pass next_cursor of the previous page as it was.")
    return after


def page(statement: Select, id_column: Any, query: PageQuery, item: Callable[[Any], T]) -> Page[T]:
    """One page of ``statement``'s rows by ascending ``id_column``, each turned into an answer by ``item``."""
    if query.cursor:
        statement = statement.where(id_column > decode(query.cursor))
    rows = list(db.session.scalars(statement.order_by(id_column).limit(query.limit + 1)))
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return Page[Any](data=[item(row) for row in rows], next_cursor=encode(rows[-1].id) if more else None)
