"""Arrivals files (CSV or Excel) for hotels without a PMS connection: good rows become stays.

Every row goes through the one door for reservations (``services.reservations.upsert``),
keyed by the PMS's reservation id, so importing the same file again changes nothing.
Each row is its own transaction: a refused row never undoes the good ones. What the
file made and what it refused, row by row with each reason, is kept as an
:class:`ArrivalImport` for the desk's history.

What is read:
- CSV in UTF-8 (with or without a byte-order mark) or UTF-16 with a byte-order mark
  (Excel's "Unicode text"); separated by commas, semicolons or tabs (seen in the header);
- Excel workbooks (.xlsx), the first sheet; cells may be numbers or dates;
- dates as 2026-12-24 (ISO), 24.12.2026 or 24/12/2026 (day first), or Excel date cells.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app.extensions import db
from app.models import Hotel, StaffUser, StaySource, Tier
from app.models.integrations import ArrivalImport
from app.services import audit, reservations
from app.services.errors import LobbyError, NotFound
from app.services.locking import write_transaction
from app.services.reservations import Reservation, ReservationRefused
from app.services.stay_desk import parse_ages

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
# Blank rows are skipped, but a sheet of a million formatted empty rows is not read to its end.
MAX_SCANNED_ROWS = MAX_ROWS * 5
MAX_COLUMNS = 50
FILENAME_MAX = 200
HISTORY_SIZE = 50

# Each column Lobby reads, and the other names a header may give it (compared lower-case,
# with spaces and hyphens as underscores).
COLUMNS: dict[str, tuple[str, ...]] = {
    "reservation": (
        "reservation",
        "reservation_id",
        "reservation_number",
        "booking",
        "booking_id",
        "booking_reference",
        "confirmation",
        "confirmation_number",
        "pms_id",
    ),
    "surname": ("surname", "last_name", "lastname", "family_name"),
    "first_name": ("first_name", "firstname", "given_name", "forename"),
    "email": ("email", "e_mail", "email_address"),
    "language": ("language", "lang", "locale"),
    "arrival": ("arrival", "arrival_date", "check_in", "checkin"),
    "departure": ("departure", "departure_date", "check_out", "checkout"),
    "adults": ("adults", "number_of_adults"),
    "children_ages": ("children_ages", "child_ages", "ages_of_children", "children"),
    "room": ("room", "room_number"),
    "tier": ("tier", "loyalty_tier"),
}
REQUIRED = ("reservation", "surname", "arrival", "departure")
# The reservations service names fields by its own names; the report by the file's columns.
FIELD_COLUMNS = {"pms_reservation_id": "reservation"}

TEMPLATE_HEADER = list(COLUMNS)
TEMPLATE_ROWS = [
    [
        "R-10421",
        "Garcia",
        "Ana",
        "ana@example.com",
        "es",
        "2026-12-24",
        "2026-12-28",
        2,
        "4, 9",
        "204",
        "gold",
    ],
    ["R-10422", "Nguyễn", "Minh", "", "vi", "24.12.2026", "27.12.2026", 1, "", "", ""],
]

_DATE_FORMATS = ("%d.%m.%Y", "%d/%m/%Y")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*")
_XLSX_START = b"PK\x03\x04"
_OLD_EXCEL_START = b"\xd0\xcf\x11\xe0"


class ArrivalFileRefused(LobbyError):
    """The file as a whole cannot be read: one message saying why and what to send instead."""

    status = 400


@dataclass
class Sheet:
    """The file's rows, each with its number as a spreadsheet shows it (the header is row 1)."""

    rows: list[tuple[int, dict[str, Any]]]
    ignored_columns: list[str]


def _column_key(title: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(title if title is not None else "").strip().lower())


_ALIASES = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header(cells: list[Any]) -> tuple[dict[int, str], list[str]]:
    """Which position holds which column, and the header's titles Lobby does not read."""
    positions: dict[int, str] = {}
    ignored: list[str] = []
    for position, title in enumerate(cells):
        if _is_blank(title):
            continue
        column = _ALIASES.get(_column_key(title))
        if column is None:
            ignored.append(str(title).strip()[:40])
        elif column in positions.values():
            raise ArrivalFileRefused(
                _("The column “%(column)s” appears twice in the header row.", column=column)
            )
        else:
            positions[position] = column
    missing = [column for column in REQUIRED if column not in positions.values()]
    if missing:
        raise ArrivalFileRefused(
            ngettext(
                "The header row has no column %(columns)s. The first row must name the columns; "
                "please start from the template.",
                "The header row lacks the columns %(columns)s. The first row must name the columns; "
                "please start from the template.",
                len(missing),
                columns=", ".join(missing),
            )
        )
    return positions, ignored


def _sheet(lines: Iterable[list[Any]]) -> Sheet:
    """Rows of cells (the header first) to numbered rows by column; blank rows are skipped."""
    numbered = enumerate(lines, start=1)
    header = None
    for _number, cells in numbered:
        if any(not _is_blank(cell) for cell in cells):
            header = cells
            break
        if _number >= MAX_SCANNED_ROWS:
            break
    if header is None:
        raise ArrivalFileRefused(_("The file has no rows."))
    positions, ignored = _header(list(header)[:MAX_COLUMNS])
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, cells in numbered:
        if number > MAX_SCANNED_ROWS:
            break
        cells = list(cells)
        if all(_is_blank(cell) for cell in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ArrivalFileRefused(_too_many_rows())
        rows.append(
            (
                number,
                {column: cells[position] for position, column in positions.items() if position < len(cells)},
            )
        )
    if not rows:
        raise ArrivalFileRefused(_("The file has a header row but no arrivals under it."))
    return Sheet(rows, ignored)


def _too_many_rows() -> str:
    return ngettext(
        "The file has more than %(num)d row. Please split it into smaller files.",
        "The file has more than %(num)d rows. Please split it into smaller files.",
        MAX_ROWS,
    )


def _text_of(data: bytes) -> str:
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise ArrivalFileRefused(
            _(
                "The file is not a CSV file in UTF-8 nor an Excel workbook (.xlsx). "
                "In Excel, save it as “CSV UTF-8” or as an Excel workbook."
            )
        ) from error
    if "\x00" in text:
        raise ArrivalFileRefused(_not_readable())
    return text


def _not_readable() -> str:
    return _("Lobby cannot read this file. Please upload a CSV file (UTF-8) or an Excel workbook (.xlsx).")


def _csv_lines(text: str) -> Iterator[list[str]]:
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    except csv.Error as error:
        raise ArrivalFileRefused(_not_readable()) from error


def _xlsx_lines(data: bytes) -> Iterator[tuple[Any, ...]]:
    from openpyxl import load_workbook  # only needed here; loading it is not free

    workbook = None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        yield from sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    except ArrivalFileRefused:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError, OSError, EOFError) as error:
        raise ArrivalFileRefused(_not_readable()) from error
    except Exception as error:  # openpyxl raises many kinds of error for a damaged workbook
        raise ArrivalFileRefused(_not_readable()) from error
    finally:
        if workbook is not None:
            workbook.close()  # a read-only workbook keeps its archive open until closed


def read_sheet(data: bytes) -> Sheet:
    """The arrivals in ``data`` (CSV or .xlsx, recognised by content), or :class:`ArrivalFileRefused`."""
    if len(data) > MAX_BYTES:
        raise ArrivalFileRefused(
            _("The file is larger than %(limit)d MB. Please split it.", limit=MAX_BYTES // (1024 * 1024))
        )
    if not data.strip():
        raise ArrivalFileRefused(_("The file is empty."))
    if data.startswith(_OLD_EXCEL_START):
        raise ArrivalFileRefused(
            _(
                "Old Excel files (.xls) are not read. "
                "Please save it as an Excel workbook (.xlsx) or as CSV UTF-8."
            )
        )
    if data.startswith(_XLSX_START):
        return _sheet(_xlsx_lines(data))
    return _sheet(_csv_lines(_text_of(data)))


# -- one row ---------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an Excel number cell: 204.0 is room "204"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    if len(text) > 10 and text[10] in " T":  # "2026-12-24 00:00:00", as spreadsheets write a date
        try:
            return datetime.fromisoformat(text).date()
        except ValueError:
            pass
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _whole_number(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value)
    if not re.fullmatch(r"\d{1,3}", text):
        raise ValueError(text)
    return int(text)


def _ages(value: Any) -> list[int]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = _text(value)
    return parse_ages(_text(value))


def _reservation(hotel: Hotel, cells: dict[str, Any]) -> tuple[Reservation | None, dict[str, str]]:
    """The row as a reservation, or what is wrong with it by column."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "pms_reservation_id": _text(cells.get("reservation")),
        "surname": _text(cells.get("surname")),
        "first_name": _text(cells.get("first_name")),
        "email": _text(cells.get("email")),
        "room": _text(cells.get("room")),
    }
    for column in ("arrival", "departure"):
        if _is_blank(cells.get(column)):
            errors[column] = _("Please give a date.")
            continue
        try:
            values[column] = _date(cells[column])
        except ValueError:
            errors[column] = _(
                "“%(value)s” is not a date: please write 2026-12-24 or 24.12.2026.",
                value=_text(cells[column])[:40],
            )
    if not _is_blank(cells.get("adults")):
        try:
            values["adults"] = _whole_number(cells["adults"])
        except ValueError:
            errors["adults"] = _("Please give the number of adults as a whole number.")
    if not _is_blank(cells.get("children_ages")):
        try:
            values["children_ages"] = _ages(cells["children_ages"])
        except LobbyError as error:
            errors["children_ages"] = str(error.message)
    language = _text(cells.get("language"))
    if language:
        if _LANGUAGE_TAG.fullmatch(language) and len(language) <= 35:
            values["language"] = language
        else:
            errors["language"] = _("Please give a language code such as “en” or “de-AT”.")
    tier = _text(cells.get("tier")).lower()
    if tier:
        try:
            values["tier"] = Tier(tier)
        except ValueError:
            errors["tier"] = _("Please write standard, silver or gold.")
    # The reservation's own rules, for what could be read: every reason at once.
    placeholder = {"arrival": date(2000, 1, 1), "departure": date(2000, 1, 2)}
    dates_read = "arrival" in values and "departure" in values
    reservation = Reservation(**(values if dates_read else values | placeholder))
    for name, message in reservations.problems(hotel, reservation).items():
        column = FIELD_COLUMNS.get(name, name)
        if column not in errors and (dates_read or column != "departure"):
            errors[column] = message
    return (None if errors else reservation), errors


def _report_line(column: str, message: str) -> str:
    return f"{column}: {message}"


@dataclass
class _Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def import_arrivals(
    hotel: Hotel, filename: str, data: bytes, staff: StaffUser | None
) -> tuple[ArrivalImport, list[str]]:
    """Every good row of the file made or brought up to date as a stay; the import and its report kept.

    Returns the import and the header's columns Lobby did not read (to mention them once).
    A file that cannot be read at all raises :class:`ArrivalFileRefused` and records nothing.
    Each row commits on its own (``reservations.upsert``), so a refused row undoes nothing.
    """
    sheet = read_sheet(data)
    counts = _Counts()
    refused: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, cells in sheet.rows:
        reservation, errors = _reservation(hotel, cells)
        if reservation is not None:
            key = reservation.pms_reservation_id.strip()
            if key in seen:
                errors = {
                    "reservation": _(
                        "This reservation is already in row %(row)d of this file.", row=seen[key]
                    )
                }
            else:
                seen[key] = number
                try:
                    _stay, outcome = reservations.upsert(hotel, reservation, StaySource.IMPORT)
                except ReservationRefused as refusal:
                    errors = {
                        FIELD_COLUMNS.get(name, name): message for name, message in refusal.errors.items()
                    }
                else:
                    setattr(counts, outcome.value, getattr(counts, outcome.value) + 1)
        if errors:
            refused.append(
                {
                    "row": number,
                    "errors": [_report_line(column, str(message)) for column, message in errors.items()],
                }
            )
    return _record(hotel, filename, staff, counts, refused, sheet.ignored_columns), sheet.ignored_columns


def _record(
    hotel: Hotel,
    filename: str,
    staff: StaffUser | None,
    counts: _Counts,
    refused: list[dict[str, Any]],
    ignored_columns: list[str],
) -> ArrivalImport:
    with write_transaction():
        row = ArrivalImport(
            hotel_id=hotel.id,
            filename=(filename or "").strip()[:FILENAME_MAX] or "arrivals",
            staff_id=staff.id if staff is not None else None,
            created=counts.created,
            updated=counts.updated,
            unchanged=counts.unchanged,
            refused=refused,
        )
        db.session.add(row)
        audit.record(
            hotel.id,
            "arrivals.imported",
            row,
            after={
                "filename": row.filename,
                "created": counts.created,
                "updated": counts.updated,
                "unchanged": counts.unchanged,
                "refused": len(refused),
                "ignored_columns": ignored_columns,
            },
        )
    return row


def hotel_imports(hotel_id: int, limit: int = HISTORY_SIZE) -> list[ArrivalImport]:
    """The hotel's latest imports, newest first."""
    return list(
        db.session.scalars(
            select(ArrivalImport)
            .where(ArrivalImport.hotel_id == hotel_id)
            .order_by(ArrivalImport.id.desc())
            .limit(limit)
        )
    )


def hotel_import(hotel_id: int, import_id: int) -> ArrivalImport:
    row = db.session.get(ArrivalImport, import_id)
    if row is None or row.hotel_id != hotel_id:
        raise NotFound(_("There is no such import."))
    return row
