"""INE code lists of the padrón: countries, provinces, street types, variation causes.

The lists live in the public table codigos.Codigo, seeded from padron/data/*.csv (each
with its provenance in a header comment) and kept by provincial admins in the admin; each
process keeps a copy (codigos.cache). Codes are text, zero-padded, as INE writes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codigos import cache

DATA_DIR = Path(__file__).resolve().parent / "data"

SPAIN = "108"


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    is_eu_eea: bool  # EU, EEA or Switzerland


_derived: dict[str, tuple[dict, Any]] = {}


def _derive(table: str, build: Callable[[dict], Any]) -> Any:
    """`build(rows)` of a cached table, built again only when the cache re-reads the table
    (a record of the INE files looks countries up several times: no dict per call)."""
    rows = cache.table(table)
    key = f"{table}:{build.__name__}"
    hit = _derived.get(key)
    if hit is not None and hit[0] is rows:
        return hit[1]
    value = build(rows)
    _derived[key] = (rows, value)
    return value


def _build_countries(rows: dict) -> dict[str, Country]:
    return {code: Country(code, name, bool(extra.get("eu_eea")))
            for code, (name, extra, active) in rows.items() if active}


def _build_provinces(rows: dict) -> dict[str, str]:
    return {code: name for code, (name, _extra, active) in rows.items() if active}


def _build_street_types(rows: dict) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((code, name) for code, (name, _extra, active) in rows.items()
                        if active))


def _countries() -> dict[str, Country]:
    return _derive("paises", _build_countries)


def _provinces() -> dict[str, str]:
    return _derive("provincias", _build_provinces)


def _street_types() -> tuple[tuple[str, str], ...]:
    return _derive("tipos_via", _build_street_types)


def return_cause(cdev: str) -> str:
    """What INE means by a CDEV (table "causas_devolucion"); "" while it is not filled in."""
    entry = cache.table("causas_devolucion").get((cdev or "").strip())
    return entry[0] if entry and entry[2] else ""


def cauv(causa: str) -> str | None:
    """INE's CAUV for one of our causes (table "causas_variacion", kept by admins)."""
    entry = cache.table("causas_variacion").get(causa)
    return entry[1].get("cauv") if entry and entry[2] else None


def _build_cauv_map(rows: dict) -> dict[str, str]:
    return {code: extra["cauv"] for code, (_d, extra, active) in rows.items()
            if active and extra.get("cauv")}


def cauv_map() -> dict[str, str]:
    return _derive("causas_variacion", _build_cauv_map)


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
