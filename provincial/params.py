"""Typed readers of the values a view takes straight from a query string or a POST body,
outside a Django form: a date, a month, a whole number, a line of text.

A malformed value raises `InvalidParameter`, a `BadRequest`: the URLconfs name
`bad_request` as their handler400, which answers 400 with the Spanish message — never a 500.
Where a value belongs to a form the user fills in, use a Django form instead.

Why not Django's `parse_date`: it returns None for text that does not look like a date but
raises ValueError for a well-formed impossible one (2026-02-30), which reached the user as a
500. Why `get_text`: PostgreSQL refuses a NUL character in a query parameter (the driver
raises), so raw text must be checked before it reaches a filter or a row.
"""

from __future__ import annotations

import calendar
import datetime
import re

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"\d{4}-\d{2}")
_INTEGER = re.compile(r"\d{1,18}")  # fits a bigint; a sign is never expected in our ids
SHOWN_CHARS = 40  # of a refused value, in the message


class InvalidParameter(BadRequest):
    """A query or form value that cannot be read; `message` is shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _shown(value: str) -> str:
    return value if len(value) <= SHOWN_CHARS else f"{value[:SHOWN_CHARS]}…"


def get_date(data: QueryDict, name: str, default: datetime.date | None = None
             ) -> datetime.date | None:
    """The date AAAA-MM-DD in `data[name]`; `default` when absent or empty."""
    value = (data.get(name) or "").strip()
    if not value:
        return default
    try:
        if not _DATE.fullmatch(value):
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise InvalidParameter(
            _("La fecha «%(value)s» de «%(name)s» no es válida: escriba una fecha que exista, "
              "con el formato AAAA-MM-DD.") % {"value": _shown(value), "name": name}) from None


def get_month(data: QueryDict, name: str, default: datetime.date) -> datetime.date:
    """The last day of the month AAAA-MM in `data[name]`; the last day of `default`'s
    month when absent or empty."""
    value = (data.get(name) or "").strip()
    if not value:
        year, month = default.year, default.month
    else:
        year, month = (int(value[:4]), int(value[5:])) if _MONTH.fullmatch(value) else (0, 0)
        if year < 1 or not 1 <= month <= 12:
            raise InvalidParameter(
                _("El mes «%(value)s» de «%(name)s» no es válido: escriba un mes con el "
                  "formato AAAA-MM.") % {"value": _shown(value), "name": name})
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def get_int(data: QueryDict, name: str, default: int | None = None) -> int | None:
    """The whole number in `data[name]` (digits only); `default` when absent or empty."""
    value = (data.get(name) or "").strip()
    if not value:
        return default
    if not _INTEGER.fullmatch(value) or not value.isascii():
        raise InvalidParameter(
            _("El valor «%(value)s» de «%(name)s» no es un número entero.")
            % {"value": _shown(value), "name": name})
    return int(value)


def get_text(data: QueryDict, name: str, *, max_length: int = 200, default: str = "") -> str:
    """The text in `data[name]`, stripped; refused if longer than `max_length` or holding
    characters no text field takes (NUL)."""
    value = (data.get(name) or default).strip()
    if "\x00" in value:
        raise InvalidParameter(_("El texto de «%(name)s» contiene caracteres no válidos.")
                               % {"name": name})
    if len(value) > max_length:
        raise InvalidParameter(
            _("El texto de «%(name)s» es demasiado largo (máximo %(max)s caracteres).")
            % {"name": name, "max": max_length})
    return value


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400 of both URLconfs: the message of an InvalidParameter, else a generic one."""
    reason = exception.message if isinstance(exception, InvalidParameter) else \
        _("La petición no es válida.")
    return render(request, "400.html", {"reason": reason}, status=400)
