"""INE code lists of the padrón: countries, provinces and street types.

The tables live in padron/data/*.csv (each with its provenance in a header comment) and are
read once, on first use. Codes are kept as text, zero-padded, as INE writes them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

SPAIN = "108"


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    is_eu_eea: bool  # EU, EEA or Switzerland


def _rows(filename: str) -> list[dict[str, str]]:
    with (DATA_DIR / filename).open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return list(csv.DictReader(lines))


@cache
def _countries() -> dict[str, Country]:
    return {row["code"]: Country(row["code"], row["name"], row["eu_eea_ch"] == "1")
            for row in _rows("paises.csv")}


@cache
def _provinces() -> dict[str, str]:
    return {row["code"]: row["name"] for row in _rows("provincias.csv")}


@cache
def _street_types() -> tuple[tuple[str, str], ...]:
    return tuple((row["code"], row["description"]) for row in _rows("tipos_via.csv"))


def _code(value: str | int | None, width: int) -> str:
    return str(value).strip().zfill(width) if value not in (None, "") else ""


def country(code: str | int | None) -> Country | None:
    return _countries().get(_code(code, 3))


def country_name(code: str | int | None) -> str:
    """Spanish name of an INE country code ("" when the code is unknown)."""
    found = country(code)
    return found.name if found else ""


def is_eu_eea(code: str | int | None) -> bool:
    """Nationals of the EU, the EEA and Switzerland do not renew their inscription (ENCSARP).

    An unknown code is not EU: the renewal duty then stays, which is the safe side.
    """
    found = country(code)
    return bool(found and found.is_eu_eea)


def country_choices() -> list[tuple[str, str]]:
    """(code, name) sorted by name, Spain first: the usual order of a nationality select."""
    countries = sorted(_countries().values(), key=lambda c: (c.code != SPAIN, c.name))
    return [(c.code, c.name) for c in countries]


def province_name(code: str | int | None) -> str:
    """INE name of a province code (CPRO, "01" to "52"); "" when unknown."""
    return _provinces().get(_code(code, 2), "")


def province_choices() -> list[tuple[str, str]]:
    return sorted(_provinces().items())


def street_types() -> list[tuple[str, str]]:
    """INE street types (TVIA, description) in the order of the INE table."""
    return list(_street_types())


def street_type_description(code: str) -> str:
    return dict(_street_types()).get((code or "").strip(), "")
