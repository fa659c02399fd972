"""Cells of the spreadsheets the platform writes: xlsx files and CSV files.

openpyxl stores any text that starts with «=» as a formula, so a name, an address or a
citizen's text such as «=HYPERLINK(…)» would run in the clerk's spreadsheet (formula
injection). Every text goes in as a string cell.

A CSV has no cell types: Excel and LibreOffice run any cell that starts with «=», «+», «-»
or «@» (and a tab or carriage return before one of them) as a formula. Every CSV is written
through `csv_writer`, which puts an apostrophe before such a text: the spreadsheet shows it
as text and runs nothing. As in the xlsx cells, only text is touched — numbers and dates
given as numbers stay numbers, and so does a text that is just a number («-12», «-3,50»),
which no spreadsheet runs as a formula.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*")


def text_safe(sheet, value: Any):
    """A write-only cell for `value`; text is always a string cell, never a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def set_text_safe(cell) -> None:
    """The same for a cell of a normal (not write-only) worksheet, after it is set."""
    if isinstance(cell.value, str):
        cell.data_type = "s"


def csv_safe(value: Any) -> Any:
    """`value` as a CSV cell that a spreadsheet never runs as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) \
            and not _PLAIN_NUMBER.fullmatch(value):
        return f"'{value}"
    return value


class SafeCSVWriter:
    """`csv.writer` whose every cell goes through `csv_safe`."""

    def __init__(self, file, **options: Any) -> None:
        self._writer = csv.writer(file, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_safe(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(file, **options: Any) -> SafeCSVWriter:
    """The one way the platform writes a CSV: `csv_writer(buffer, delimiter=";")`."""
    return SafeCSVWriter(file, **options)
