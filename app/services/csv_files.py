"""Every CSV file Lobby hands out, written one way: safe to open in a spreadsheet.

- UTF-8 with a byte-order mark, so Excel reads "Đà Lạt" and Arabic instead of guessing a code page;
- text cells that a spreadsheet would run as a formula (starting with ``= + - @``, a tab or a
  carriage return: CSV injection) get a leading single quote. Numbers are written as numbers,
  so a negative amount stays a number;
- money in major units of its currency (``12000`` EUR minor units is ``120.00``), next to a
  currency column; the JSON API keeps integer minor units.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from babel.numbers import get_currency_precision

BOM = "\ufeff"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def major_units(amount_minor: int, currency: str) -> Decimal:
    """Integer minor units to the amount a person reads: 12000 EUR -> 120.00, 200000 VND -> 200000."""
    precision = get_currency_precision(currency)
    return Decimal(amount_minor).scaleb(-precision).quantize(Decimal(1).scaleb(-precision))


def safe_cell(value):
    """A cell as written: text that could start a formula is quoted; numbers and dates pass as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def as_text(header: Sequence, rows: Iterable[Sequence]) -> str:
    """The whole file: byte-order mark, header, then rows, every cell made safe."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(str(cell)) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()
