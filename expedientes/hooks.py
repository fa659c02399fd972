"""What other apps may say about the documents of an expediente, without the expedientes
knowing them (the expedientes import no app that builds on them, such as notificaciones).

An app registers its functions once, from its AppConfig.ready():

    from expedientes import hooks
    hooks.register_reservados("notificaciones.reservas.reservados")
    hooks.register_bloquea_visibilidad("notificaciones.reservas.bloquea_visibilidad")

- `reservados(documento_ciudadano)` returns the documents (a QuerySet of Documento pks —
  e.g. `.values("pk")` — or an iterable of ints) that must NOT be served to that person
  through the expediente's pages in the carpeta ciudadana, even if they are visible to
  the interesados: e.g. an act whose notification to them is still pending, which they
  may only read by appearing (comparecencia). `expedientes.access.documentos_of` and
  `get_documento_of` leave them out.
- `bloquea_visibilidad(documento)` returns a reason (Spanish, translated) why the
  document may not be made visible to the interesados now, or None.
  `expedientes.documentos.cambiar_visibilidad(visible=True)` refuses with it.

Unlike the sede's hooks, a failing function is not swallowed: these decide what a
citizen may read, and they fail closed (the error reaches the caller, nothing is served
or changed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from expedientes.models import Documento

Hook = Callable[..., Any]
_reservados: dict[str, Hook | str] = {}
_bloquea_visibilidad: dict[str, Hook | str] = {}


def _key(hook: Hook | str) -> str:
    return hook if isinstance(hook, str) else f"{hook.__module__}.{hook.__qualname__}"


def _resolve(hook: Hook | str) -> Hook:
    return import_string(hook) if isinstance(hook, str) else hook


def register_reservados(hook: Hook | str) -> None:
    """Add a function (or its dotted path) called as `hook(documento_ciudadano)`."""
    _reservados[_key(hook)] = hook


def register_bloquea_visibilidad(hook: Hook | str) -> None:
    """Add a function (or its dotted path) called as `hook(documento)`."""
    _bloquea_visibilidad[_key(hook)] = hook


def reservados(documento_ciudadano: str) -> list[Iterable[int]]:
    """What each registered function reserves from this person: one QuerySet or iterable
    of Documento pks per function (for `pk__in`)."""
    documento_ciudadano = (documento_ciudadano or "").strip().upper()
    return [_resolve(hook)(documento_ciudadano) for hook in list(_reservados.values())]


def bloquea_visibilidad(documento: Documento) -> str | None:
    """The first reason given not to make `documento` visible, or None."""
    for hook in list(_bloquea_visibilidad.values()):
        reason = _resolve(hook)(documento)
        if reason:
            return str(reason)
    return None
