"""The room bill as the PMS reads it: each folio line handed over in exactly one export run."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, exists, select, update

from app import clock
from app.extensions import db
from app.models import FolioExport, FolioLine, Hotel, PmsPosting
from app.services.csv_files import major_units
from app.services.locking import write_transaction

COLUMNS = (
    "reference",
    "posted_at",
    "room",
    "amount",
    "currency",
    "description",
    "stay_id",
    "order_id",
    "late_charge",
)


def new_export(hotel: Hotel, now: datetime | None = None) -> FolioExport:
    """Claim every folio line no run has exported yet, in one statement.

    A line being written while this runs is not visible to it and is claimed by the
    next run, so none is lost; a claimed line never appears in another run. A line the PMS
    connector has taken to post (``PmsPosting``) is its own: one channel per line.
    """
    with write_transaction():
        run = FolioExport(hotel_id=hotel.id, created_at=now or clock.now())
        db.session.add(run)
        db.session.flush()
        db.session.execute(
            update(FolioLine)
            .where(
                FolioLine.hotel_id == hotel.id,
                FolioLine.export_batch_id.is_(None),
                ~exists().where(PmsPosting.folio_line_id == FolioLine.id),
            )
            .values(export_batch_id=run.id)
            .execution_options(synchronize_session=False)
        )
    return run


def export_run(hotel: Hotel, run_id: int) -> FolioExport | None:
    """A past run, to fetch again if the PMS lost the answer."""
    run = db.session.get(FolioExport, run_id)
    return run if run is not None and run.hotel_id == hotel.id else None


def run_lines(run: FolioExport) -> list[FolioLine]:
    return list(
        db.session.scalars(
            select(FolioLine).where(FolioLine.export_batch_id == run.id).order_by(FolioLine.id)
        )
    )


def hotel_lines(
    hotel_id: int,
    *,
    stay_id: int | None = None,
    exported: bool | None = None,
    posted_from: datetime | None = None,
    posted_until: datetime | None = None,
) -> Select[tuple[FolioLine]]:
    """The hotel's folio lines that match every filter given (``posted_until`` excluded), to page through."""
    statement = select(FolioLine).where(FolioLine.hotel_id == hotel_id)
    if stay_id is not None:
        statement = statement.where(FolioLine.stay_id == stay_id)
    if exported is not None:
        batch = FolioLine.export_batch_id
        statement = statement.where(batch.is_not(None) if exported else batch.is_(None))
    if posted_from is not None:
        statement = statement.where(FolioLine.posted_at >= posted_from)
    if posted_until is not None:
        statement = statement.where(FolioLine.posted_at < posted_until)
    return statement


def unexported_lines(hotel: Hotel) -> list[FolioLine]:
    """A preview of what the next run will claim; reading it claims nothing."""
    return list(
        db.session.scalars(
            select(FolioLine)
            .where(
                FolioLine.hotel_id == hotel.id,
                FolioLine.export_batch_id.is_(None),
                ~exists().where(PmsPosting.folio_line_id == FolioLine.id),
            )
            .order_by(FolioLine.id)
        )
    )


def as_rows(lines: list[FolioLine]) -> list[dict]:
    return [
        {
            "reference": line.reference,
            "posted_at": line.posted_at.isoformat(),
            "room": line.room,
            "amount": line.amount,  # minor units of the currency; negative for a reversal
            "currency": line.currency,
            "description": line.description,
            "stay_id": line.stay_id,
            "order_id": line.order_id,
            # Posted by a manager after check-out: the PMS must reopen the closed folio for it.
            "late_charge": line.late_charge,
        }
        for line in lines
    ]


def csv_table(lines: list[FolioLine]) -> tuple[tuple[str, ...], list[list]]:
    """The run as the CSV file has it: the same columns as the JSON, but amounts in major units
    (``-2.00``, not ``-200``) for the people who open it in a spreadsheet."""
    return COLUMNS, [
        [
            row["reference"],
            row["posted_at"],
            row["room"],
            major_units(row["amount"], row["currency"]),
            row["currency"],
            row["description"],
            row["stay_id"],
            row["order_id"],
            "late" if row["late_charge"] else "",
        ]
        for row in as_rows(lines)
    ]
