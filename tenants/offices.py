"""The offices of an entity as its documents print them.

What each office does (two offices that share a function cannot be held at the same
time: a Secretaría-Intervención excludes a Secretaría), how a holder's title is worded,
and who signs on a date. A certificado is issued by the Secretaría with the visto bueno
of the Alcaldía (art. 61 RPDTEL; arts. 204-206 ROF, RD 2568/1986); in a mancomunidad or
an entidad local menor the Presidencia gives the visto bueno.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenants.choices import EntityKind, Office, Wording

if TYPE_CHECKING:
    from tenants.models import Entity, OfficeHolder

# Functions an office fills on documents.
SECRETARIA = "secretaria"  # fe pública: issues certificados
VISTO_BUENO = "visto_bueno"  # the Alcaldía or Presidencia
INTERVENCION = "intervencion"
TESORERIA = "tesoreria"

FUNCTIONS: dict[str, frozenset[str]] = {
    Office.ALCALDIA: frozenset({VISTO_BUENO}),
    Office.PRESIDENCIA: frozenset({VISTO_BUENO}),
    Office.SECRETARIA: frozenset({SECRETARIA}),
    Office.INTERVENCION: frozenset({INTERVENCION}),
    Office.SECRETARIA_INTERVENCION: frozenset({SECRETARIA, INTERVENCION}),
    Office.TESORERIA: frozenset({TESORERIA}),
}

# The title of each office: feminine, masculine, neutral (no article).
_TITLES = {
    Office.ALCALDIA: (gettext_lazy("Alcaldesa"), gettext_lazy("Alcalde"),
                      gettext_lazy("titular de la Alcaldía")),
    Office.PRESIDENCIA: (gettext_lazy("Presidenta"), gettext_lazy("Presidente"),
                         gettext_lazy("titular de la Presidencia")),
    Office.SECRETARIA: (gettext_lazy("Secretaria"), gettext_lazy("Secretario"),
                        gettext_lazy("titular de la Secretaría")),
    Office.INTERVENCION: (gettext_lazy("Interventora"), gettext_lazy("Interventor"),
                          gettext_lazy("titular de la Intervención")),
    Office.SECRETARIA_INTERVENCION: (gettext_lazy("Secretaria-Interventora"),
                                     gettext_lazy("Secretario-Interventor"),
                                     gettext_lazy("titular de la Secretaría-Intervención")),
    Office.TESORERIA: (gettext_lazy("Tesorera"), gettext_lazy("Tesorero"),
                       gettext_lazy("titular de la Tesorería")),
}
_WORDING_INDEX = {Wording.FEMININE: 0, Wording.MASCULINE: 1, Wording.NEUTRAL: 2}
_ARTICLES = ("La", "El")


def offices_for(function: str) -> list[str]:
    return [office for office, functions in FUNCTIONS.items() if function in functions]


def conflicting_offices(office: str) -> list[str]:
    """Offices that share a function with `office` (itself included)."""
    return [other for other, functions in FUNCTIONS.items() if functions & FUNCTIONS[office]]


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def heading_title(holder: OfficeHolder) -> str:
    """The title after the name, without article: «Secretaria-Interventora»,
    «Titular de la Alcaldía», or the holder's own title without its article."""
    if holder.title:
        first, _space, rest = holder.title.partition(" ")
        return _capitalised(rest) if first.lower() in ("el", "la") and rest else holder.title
    return _capitalised(str(_TITLES[holder.office][_WORDING_INDEX[holder.wording]]))


def signature_title(holder: OfficeHolder) -> str:
    """The title under a signature: «La Secretaria-Interventora», «El Alcalde», «La
    persona titular de la Alcaldía», or the holder's own title as given."""
    if holder.title:
        return holder.title
    index = _WORDING_INDEX[holder.wording]
    words = str(_TITLES[holder.office][index])
    if index == 2:
        return _("La persona %(title)s") % {"title": words}
    return f"{_ARTICLES[index]} {words}"


@dataclass(frozen=True)
class Signatory:
    """What a document prints for one function: a name (empty when nobody is recorded,
    and then the office itself signs: «La Secretaría»), the title after the name in a
    heading, and the title under the signature."""

    name: str
    title: str
    signature_title: str


class Signatories:
    """Who signs for `entity` on `date`: looked up once, when a template first asks."""

    def __init__(self, entity: Entity, date: datetime.date) -> None:
        self.entity = entity
        self.date = date

    @cached_property
    def holders(self) -> list[OfficeHolder]:
        from tenants.models import OfficeHolder

        return list(OfficeHolder.objects.for_entity(self.entity).on(self.date))

    def holder(self, function: str) -> OfficeHolder | None:
        offices = offices_for(function)
        return next((h for h in self.holders if h.office in offices), None)

    def _signatory(self, function: str, office_name: str) -> Signatory:
        holder = self.holder(function)
        if holder is None:
            return Signatory(name="", title=office_name, signature_title=office_name)
        return Signatory(name=holder.name, title=heading_title(holder),
                         signature_title=signature_title(holder))

    @property
    def secretaria(self) -> Signatory:
        return self._signatory(SECRETARIA, _("La Secretaría"))

    @property
    def visto_bueno(self) -> Signatory:
        office = _("La Alcaldía") if self.entity.kind == EntityKind.AYUNTAMIENTO \
            else _("La Presidencia")
        return self._signatory(VISTO_BUENO, office)
