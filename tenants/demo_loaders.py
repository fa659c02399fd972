"""Registry of demo loaders: what each app adds to the demo province.

`tenants.demo.load` makes the entities, adhesions, users, memberships and office holders,
then calls every registered loader in order. An app registers its loader in its
AppConfig.ready(), by dotted path (imported only when the demo loads):

    demo_loaders.register("registro", "registro.demo.load_demo", order=20)

A loader receives the demo entities by slug and `say` (writes one line of progress,
ending in a newline), and is idempotent: run again, it completes what is missing and
repeats nothing. It picks its own entities (`with_service`), enters their schemas itself,
and says nothing when it did nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from tenants.models import Entity

Say = Callable[[str], None]
LoadFunction = Callable[[dict[str, "Entity"], Say], None]


@dataclass(frozen=True)
class Loader:
    name: str  # the app's label, e.g. "registro"
    load: LoadFunction | str  # the function, or its dotted path
    order: int = 100  # lower first: a loader may use what an earlier one made

    def __call__(self, entities: dict[str, Entity], say: Say) -> None:
        load = import_string(self.load) if isinstance(self.load, str) else self.load
        load(entities, say)


_loaders: dict[str, Loader] = {}


def register(name: str, load: LoadFunction | str, *, order: int = 100) -> None:
    _loaders[name] = Loader(name=name, load=load, order=order)


def get(name: str) -> Loader:
    return _loaders[name]


def all_loaders() -> list[Loader]:
    return sorted(_loaders.values(), key=lambda loader: (loader.order, loader.name))


def run_all(entities: dict[str, Entity], say: Say) -> None:
    for loader in all_loaders():
        loader(entities, say)


def with_service(entities: Iterable[Entity], *service_codes: str) -> list[Entity]:
    """The entities (in the given order) with an approved adhesion to one of the services."""
    from tenants.choices import AdhesionState
    from tenants.models import Adhesion

    entities = list(entities)
    adhered = set(Adhesion.objects.filter(
        entity__in=entities, state=AdhesionState.APPROVED, service__code__in=service_codes)
        .values_list("entity_id", flat=True))
    return [entity for entity in entities if entity.pk in adhered]
