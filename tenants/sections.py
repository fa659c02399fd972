"""Registry of back-office sections: what the navigation shows and who may enter.

Each service app registers its section (url namespace, application code) when it lands;
BackofficeAccessMiddleware and the navigation both read this registry, so a new app's
pages are protected and listed without touching either.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
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
register(Section(namespace="cuentas_servicio", label=_("Cuentas de servicio"),
                 url_name="gestion:cuentas_servicio:list", icon="app", user_admin_only=True,
                 order=955))


@dataclass(frozen=True)
class ApplicationEntry:
    """A granted application as the back office shows it: its entry page, or none yet."""

    code: str
    label: str
    url: str | None  # None: granted, but the application has no pages yet ("en preparación")
    icon: str = ""

    @property
    def is_ready(self) -> bool:
        return self.url is not None


def for_application(code: str) -> Section | None:
    """The section that holds the pages of application `code`, if it has any."""
    return next((section for section in all_sections() if section.application == code), None)


def application_entries(codes: Iterable[str]) -> list[ApplicationEntry]:
    """`codes` in the catalogue's order, each with its entry page when it has pages."""
    from tenants.choices import Application

    wanted = set(codes)
    entries = []
    for code, label in Application.choices:
        if code not in wanted:
            continue
        section = for_application(code)
        url = None
        if section is not None:
            try:
                url = reverse(section.url_name)
            except NoReverseMatch:
                url = None
        entries.append(ApplicationEntry(code=code, label=str(label), url=url,
                                        icon=section.icon if section else ""))
    return entries
