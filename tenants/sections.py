"""Registry of back-office sections: what the navigation shows and who may enter.

Each service app registers its section (url namespace, application code) when it lands;
BackofficeAccessMiddleware and the navigation both read this registry, so a new app's
pages are protected and listed without touching either.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    namespace: str  # URL namespace under "gestion"
    label: str
    url_name: str  # entry page, e.g. "gestion:usuarios:list"
    icon: str  # name of an SVG symbol in templates/includes/icons.html
    application: str | None = None  # Application code the user must be granted
    user_admin_only: bool = False
    order: int = 100


_sections: dict[str, Section] = {}


def register(section: Section) -> None:
    _sections[section.namespace] = section


def get(namespace: str) -> Section | None:
    return _sections.get(namespace)


def all_sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda section: (section.order, str(section.label)))


register(Section(namespace="trabajos", label=_("Trabajos"), url_name="gestion:trabajos:list",
                 icon="jobs", order=900))
register(Section(namespace="auditoria", label=_("Auditoría"), url_name="gestion:auditoria:list",
                 icon="audit", user_admin_only=True, order=960))
register(Section(namespace="cargos", label=_("Cargos de la entidad"), url_name="gestion:cargos:list",
                 icon="user", user_admin_only=True, order=940))
register(Section(namespace="usuarios", label=_("Usuarios y permisos"),
                 url_name="gestion:usuarios:list", icon="users", user_admin_only=True, order=950))
