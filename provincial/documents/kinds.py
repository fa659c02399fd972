"""The kinds of document the platform issues: a registry, not a list of choices.

A kind is stored as its code; the label and the application whose clerks may download
it come from here. Adding a kind (a justificante of the registro, a resolución…) is one
`register()` call in the owning app's `AppConfig.ready()`, and needs no migration in
the hundreds of entity schemas.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class DocumentKind:
    code: str
    label: str | Promise
    # The back-office application (tenants.choices.Application) whose clerks issue and
    # download documents of this kind.
    application: str


_registry: dict[str, DocumentKind] = {}


def register(code: str, *, label: str | Promise, application: str) -> DocumentKind:
    """Add a kind (idempotent for the same code and application)."""
    existing = _registry.get(code)
    if existing is not None and existing.application != application:
        raise ValueError(f"document kind {code!r} already belongs to {existing.application!r}")
    kind = DocumentKind(code=code, label=label, application=application)
    _registry[code] = kind
    return kind


def get(code: str) -> DocumentKind | None:
    return _registry.get(code)


def label(code: str) -> str:
    kind = _registry.get(code)
    return str(kind.label) if kind else code


def codes_for(application: str) -> list[str]:
    return [kind.code for kind in _registry.values() if kind.application == application]


def issuing_applications() -> set[str]:
    """Applications that issue some kind of document: an entity adhered to one of them
    must offer CSV verification at its sede (art. 27.3.b Ley 39/2015)."""
    return {kind.application for kind in _registry.values()}


# The documents of the padrón (art. 16 LBRL, art. 53 and 61 RPDTEL).
VOLANTE_INDIVIDUAL = register("volante_individual", application="padron",
                              label=_("Volante de empadronamiento"))
VOLANTE_CONVIVENCIA = register("volante_convivencia", application="padron",
                               label=_("Volante de convivencia"))
CERTIFICADO = register("certificado", application="padron",
                       label=_("Certificado de empadronamiento"))
CERTIFICADO_HISTORICO = register("certificado_historico", application="padron",
                                 label=_("Certificado histórico de empadronamiento"))
