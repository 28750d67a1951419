"""The one CSV writer: byte-order mark, formula-safe text cells, money in major units."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.services import csv_files


@pytest.mark.parametrize("text", ["=2+5", "+1", "-cmd", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_gets_a_quote(text):
    assert csv_files.safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["204", "Đà Lạt", "", "a=b", -200, Decimal("-2.00"), 0])
def test_other_cells_and_negative_numbers_stay_as_they_are(value):
    assert csv_files.safe_cell(value) == value


@pytest.mark.parametrize(
    ("minor", "currency", "major"),
    [(12000, "EUR", "120.00"), (-200, "USD", "-2.00"), (200000, "VND", "200000"), (1500, "KWD", "1.500")],
)
def test_money_in_major_units_of_its_currency(minor, currency, major):
    assert str(csv_files.major_units(minor, currency)) == major


def test_the_file_starts_with_a_byte_order_mark_and_quotes_formulas():
    text = csv_files.as_text(["Room", "Amount"], [["=2+5", Decimal("-2.00")]])
    assert text == "\ufeffRoom,Amount\r\n'=2+5,-2.00\r\n"
