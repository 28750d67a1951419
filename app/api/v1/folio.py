"""Room charges for the PMS: the folio lines, and export runs that hand each line over exactly once.

This replaces the CSV export: a PMS pages through ``/folio-lines`` to look, and takes
what is new with ``POST /folio-exports``, which claims every line no run has claimed
before. A run lost on the way is fetched again by its id, or is replayed by sending the
POST again with the same ``Idempotency-Key``.
"""

from __future__ import annotations

from datetime import datetime

from flask import url_for
from pydantic import BaseModel, Field

from app.api.v1 import api
from app.api.v1.kit import MAX_ID, hotel
from app.api.v1.paging import Page, PageQuery, page
from app.api.v1.problems import ApiProblem
from app.api.v1.times import UtcDateTime
from app.models import FolioExport, FolioLine
from app.services import folio


class FolioLineOut(BaseModel):
    id: int
    stay_id: int
    order_id: int
    room: str
    amount: int = Field(
        description="Minor units of currency; negative for a reversal (a cancellation, a refund)"
    )
    currency: str = Field(description="ISO 4217")
    description: str = Field(description="What was charged, in the hotel's default language")
    reference: str = Field(description="Unique for ever: the PMS's key to import a line once")
    posted_at: datetime
    late_charge: bool = Field(description="Posted after check-out: the PMS must reopen the closed folio")
    export_id: int | None = Field(description="The export run that handed the line over; null until one has")


class FolioLineQuery(PageQuery):
    stay_id: int | None = Field(None, ge=1, le=MAX_ID, description="Only this stay's lines")
    exported: bool | None = Field(
        None, description="true: only lines a run handed over; false: only the rest"
    )
    posted_from: UtcDateTime | None = Field(None, description="Posted at or after this moment")
    posted_until: UtcDateTime | None = Field(None, description="Posted before this moment (not at it)")


class FolioExportOut(BaseModel):
    id: int
    created_at: datetime
    currency: str = Field(description="ISO 4217, of the total and of every line")
    total: int = Field(description="Sum of the lines' amounts, in minor units")
    lines: list[FolioLineOut] = Field(description="Every line of the run, oldest first")


def line_out(line: FolioLine) -> FolioLineOut:
    return FolioLineOut(
        id=line.id,
        stay_id=line.stay_id,
        order_id=line.order_id,
        room=line.room,
        amount=line.amount,
        currency=line.currency,
        description=line.description,
        reference=line.reference,
        posted_at=line.posted_at,
        late_charge=line.late_charge,
        export_id=line.export_batch_id,
    )


def export_out(run: FolioExport) -> FolioExportOut:
    lines = folio.run_lines(run)
    return FolioExportOut(
        id=run.id,
        created_at=run.created_at,
        currency=hotel().currency,
        total=sum(line.amount for line in lines),
        lines=[line_out(line) for line in lines],
    )


@api.route(
    "/folio-lines",
    scope="folio:read",
    summary="Folio lines (room charges and reversals)",
    tags=["folio"],
    responses={200: Page[FolioLineOut]},
    query=FolioLineQuery,
)
def folio_lines(query: FolioLineQuery) -> Page[FolioLineOut]:
    """The hotel's folio lines by id, oldest first; reading them claims nothing."""
    statement = folio.hotel_lines(
        hotel().id,
        stay_id=query.stay_id,
        exported=query.exported,
        posted_from=query.posted_from,
        posted_until=query.posted_until,
    )
    return page(statement, FolioLine.id, query, line_out)


@api.route(
    "/folio-exports",
    "POST",
    scope="folio:write",
    summary="Start an export run",
    tags=["folio"],
    responses={201: FolioExportOut},
)
def folio_export_new() -> tuple[FolioExportOut, int, dict[str, str]]:
    """Claim every folio line no run has handed over yet, each exactly once, and answer with them.

    A run may be empty. Send an ``Idempotency-Key``: a retry then answers with the same
    run instead of starting another (which would be empty, its lines already claimed).
    """
    run = folio.new_export(hotel())
    location = url_for("api_v1.folio_export", export_id=run.id)
    return export_out(run), 201, {"Location": location}


@api.route(
    "/folio-exports/<int:export_id>",
    scope="folio:read",
    summary="One export run, again",
    tags=["folio"],
    responses={200: FolioExportOut},
)
def folio_export(export_id: int) -> FolioExportOut:
    """A past run with its lines and total, for a PMS that lost the answer."""
    run = folio.export_run(hotel(), export_id)
    if run is None:
        raise ApiProblem("not-found", "No such export run.")
    return export_out(run)
