"""Cells of the xlsx files the platform writes.

openpyxl stores any text that starts with «=» as a formula, so a name, an address or a
citizen's text such as «=HYPERLINK(…)» would run in the clerk's spreadsheet (formula
injection). Every text goes in as a string cell.
"""

from __future__ import annotations

from typing import Any


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
