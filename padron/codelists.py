"""INE code lists of the padrón: countries, provinces, municipalities, street types,
variation causes.

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
from provincial.collation import primary, sort_key

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


@dataclass(frozen=True)
class Municipality:
    code: str  # CPRO + CMUN, five digits ("03014")
    name: str  # as the list writes it: "Campello (el)"
    population: int

    @property
    def province(self) -> str:
        return self.code[:2]

    @property
    def display_name(self) -> str:
        """The name as it is read: the article in brackets goes first ("el Campello")."""
        return display_name(self.name)


def display_name(name: str) -> str:
    """'Franco (El)' → 'El Franco', "Alfàs del Pi (l')" → "l'Alfàs del Pi"."""
    if name.endswith(")") and " (" in name:
        base, article = name[:-1].rsplit(" (", 1)
        if article and len(article) <= 4 and " " not in article:
            return f"{article}{'' if article.endswith(chr(39)) else ' '}{base}"
    return name


def _build_municipalities(rows: dict) -> dict[str, Municipality]:
    return {code: Municipality(code, name, int(extra.get("poblacion") or 0))
            for code, (name, extra, active) in rows.items() if active}


def _build_street_types(rows: dict) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((code, name) for code, (name, _extra, active) in rows.items()
                        if active))


def _countries() -> dict[str, Country]:
    return _derive("paises", _build_countries)


def _provinces() -> dict[str, str]:
    return _derive("provincias", _build_provinces)


def _municipalities() -> dict[str, Municipality]:
    return _derive("municipios", _build_municipalities)


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
    """(code, name) in Spanish alphabetical order, Spain first: the usual order of a
    nationality select ("Bélgica" between "Barbados" and "Belice", not after "Burundi")."""
    countries = sorted(_countries().values(), key=lambda c: (c.code != SPAIN, sort_key(c.name)))
    return [(c.code, c.name) for c in countries]


def province_name(code: str | int | None) -> str:
    """INE name of a province code (CPRO, "01" to "52"); "" when unknown."""
    return _provinces().get(_code(code, 2), "")


def province_choices() -> list[tuple[str, str]]:
    """(code, name) in the order of the codes, as INE lists provinces."""
    return sorted(_provinces().items())


def municipality(code: str | int | None) -> Municipality | None:
    """A municipality by its five-digit INE code (CPRO + CMUN)."""
    return _municipalities().get(_code(code, 5))


def municipality_name(province: str | int | None, code: str | int | None) -> str:
    """The name of municipality `code` (CMUN, three digits) of `province` (CPRO), as it is
    read ("el Campello"); "" when the pair is not in the list."""
    if province in (None, "") or code in (None, ""):
        return ""
    found = _municipalities().get(_code(province, 2) + _code(code, 3))
    return found.display_name if found else ""


def birthplace(province: str, code: str, country: str) -> str:
    """Where a person was born, in words: "Castalla (Alicante/Alacant)", or the country
    for those born abroad. Codes missing from the lists are shown as such."""
    if province or code:
        town = municipality_name(province, code) or f"{province}{code}"
        region = province_name(province)
        return f"{town} ({region})" if region and region != town else town
    return country_name(country) or (country or "")


def place_name(code: str | None) -> str:
    """A procedence or destination as the padrón stores it: a municipality (five digits)
    or a country (three digits), in words; the code itself when unknown."""
    code = (code or "").strip()
    if len(code) == 5:
        return birthplace(code[:2], code[2:], "")
    return country_name(code) or code


def street_types() -> list[tuple[str, str]]:
    """INE street types (TVIA, description) in the order of the INE table."""
    return list(_street_types())


def street_type_description(code: str) -> str:
    return dict(_street_types()).get((code or "").strip(), "")


# --- search as you type ---------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """One answer of a chooser: the code that is stored and what the clerk reads."""

    code: str
    label: str
    detail: str = ""

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "label": self.label, "detail": self.detail}


def words(text: str) -> list[str]:
    """Accent-free, lower-case words: "l'Alfàs del Pi" → ["l", "alfas", "del", "pi"]."""
    plain = primary(text).replace("n{", "n")
    for separator in "/-()'’.,·":
        plain = plain.replace(separator, " ")
    return plain.split()


@dataclass(frozen=True)
class _Entry:
    option: Option
    words: tuple[str, ...]
    name: str  # normalized name, for "starts with"
    weight: int  # bigger first among equally good answers (population)
    order: tuple[str, str]  # Spanish order of the label


def _entry(option: Option, searchable: str, weight: int = 0) -> _Entry:
    return _Entry(option, tuple(words(searchable)), " ".join(words(option.label)), weight,
                  sort_key(option.label))


# Among places (procedence, destination) a country weighs as a town of this size: "marru"
# offers Marruecos before the village of Marrupe, "mad" Madrid before Madagascar.
COUNTRY_WEIGHT = 100_000


def _build_country_index(rows: dict) -> list[_Entry]:
    return [_entry(Option(c.code, c.name), c.name, COUNTRY_WEIGHT)
            for c in _build_countries(rows).values()]


def _build_province_index(rows: dict) -> list[_Entry]:
    return [_entry(Option(code, name), name) for code, name in _build_provinces(rows).items()]


def _build_municipality_index(rows: dict) -> list[_Entry]:
    provinces = _provinces()
    entries = []
    for town in _build_municipalities(rows).values():
        region = provinces.get(town.province, "")
        entries.append(_entry(Option(town.code, town.display_name, region),
                              f"{town.name} {region}", town.population))
    return entries


def _index(table: str) -> list[_Entry]:
    builders = {"paises": _build_country_index, "provincias": _build_province_index,
                "municipios": _build_municipality_index}
    return _derive(table, builders[table])


SEARCHABLE = ("paises", "provincias", "municipios", "lugares")


def search(table: str, query: str, limit: int = 20) -> list[Option]:
    """Options of `table` matching what the clerk typed: a code (or its start), or words
    that each start a word of the name (accents and case ignored: "alcala hen" finds
    "Alcalá de Henares"). Best first: the exact name, names that start with the text, then
    the rest; among equals the most populated municipality, then Spanish alphabetical
    order. "lugares" are municipalities and foreign countries (procedence, destination)."""
    if table == "lugares":
        entries = _index("municipios") + [e for e in _index("paises") if e.option.code != SPAIN]
    else:
        entries = _index(table)
    text = (query or "").strip()
    if text.isdigit():
        found = [e for e in entries if e.option.code.startswith(text)]
        return [e.option for e in sorted(found, key=lambda e: e.option.code)[:limit]]
    wanted = words(text)
    joined = " ".join(wanted)

    def matches(entry: _Entry) -> bool:
        return all(any(w.startswith(part) for w in entry.words) for part in wanted)

    def rank(entry: _Entry) -> tuple:
        closeness = 0 if entry.name == joined else 1 if entry.name.startswith(joined) else 2
        first = 0 if table == "paises" and not wanted and entry.option.code == SPAIN else 1
        return first, closeness, -entry.weight, entry.order

    found = [e for e in entries if matches(e)] if wanted else list(entries)
    return [e.option for e in sorted(found, key=rank)[:limit]]


def option(table: str, code: str) -> Option | None:
    """The option of one code (to show the name of a stored value)."""
    code = (code or "").strip()
    if table in ("municipios", "lugares") and len(code) == 5:
        town = _municipalities().get(code)
        return Option(code, town.display_name, province_name(code[:2])) if town else None
    if table in ("paises", "lugares") and len(code) == 3:
        found = country(code)
        return Option(code, found.name) if found else None
    if table == "provincias" and len(code) == 2:
        name = province_name(code)
        return Option(code, name) if name else None
    return None


def resolve(table: str, text: str) -> Option | None:
    """The one option a clerk meant by `text`: its code, or a name typed in full (accents
    and case ignored) that only one option has. None when unknown or ambiguous."""
    text = (text or "").strip()
    if not text:
        return None
    if text.isdigit():
        return option(table, text)
    wanted = " ".join(words(text))
    tables = ("municipios", "paises") if table == "lugares" else (table,)
    found = [e.option for name in tables for e in _index(name)
             if e.name == wanted or " ".join(words(f"{e.option.label} {e.option.detail}")) == wanted]
    return found[0] if len(found) == 1 else None
