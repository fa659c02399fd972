"""Registry of the cards an app adds to an entity's portal entry page (`/`): each shown
where the entity has an approved adhesion to one of its services.

    portal.register(portal.Card(key="sede", template="sede/portal_card.html",
                                services=("eadmin", "eadmin-simplificada"), order=10))

The template is rendered with `entity` (the host's entity) and the request.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Card:
    key: str  # the app's label
    template: str
    services: tuple[str, ...]  # service codes (tenants.Service.code)
    order: int = 100


_cards: dict[str, Card] = {}


def register(card: Card) -> None:
    _cards[card.key] = card


def cards_for(service_codes: Iterable[str]) -> list[Card]:
    """The cards of an entity with approved adhesions to `service_codes`, in order."""
    codes = set(service_codes)
    return sorted((card for card in _cards.values() if codes.intersection(card.services)),
                  key=lambda card: (card.order, card.key))
