"""Registry of the URLconfs each app mounts on a host, so the root URLconfs name no app.

An app registers its URL modules in its AppConfig.ready():

    url_includes.register(url_includes.PROVINCIAL, "soporte/", "soporte.urls_provincial")
    url_includes.register(url_includes.BACKOFFICE, "padron/", "padron.urls")
    url_includes.register(url_includes.ENTITY, "sede/", "sede.urls")

Each module sets `app_name`, its URL namespace (`soporte_prov`, `padron`, `sede`). A back-
office module's namespace is also its section's (`tenants.sections`), which guards it.
`provincial.urls_public` and `provincial.urls_tenant` add `patterns(host)` after their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLResolver, include, path

PROVINCIAL = "provincial"  # the Diputación's host (provincial.urls_public), at its root
ENTITY = "entity"  # an entity's host (provincial.urls_tenant), at its root: /sede/
BACKOFFICE = "backoffice"  # an entity's back office, under /gestion/ (namespace gestion:)
HOSTS = (PROVINCIAL, ENTITY, BACKOFFICE)


@dataclass(frozen=True)
class Include:
    host: str
    prefix: str  # "soporte/", relative to the host's root (or to /gestion/)
    urls: str  # dotted path of the URLconf module


_includes: dict[tuple[str, str], Include] = {}


def register(host: str, prefix: str, urls: str) -> None:
    if host not in HOSTS:
        raise ValueError(f"unknown host {host!r}; one of {HOSTS}")
    key = (host, prefix)
    if key in _includes and _includes[key].urls != urls:
        raise ValueError(f"{prefix!r} on {host} is already {_includes[key].urls}")
    _includes[key] = Include(host=host, prefix=prefix, urls=urls)


def includes(host: str) -> list[Include]:
    return sorted((item for item in _includes.values() if item.host == host),
                  key=lambda item: item.prefix)


def patterns(host: str) -> list[URLResolver]:
    return [path(item.prefix, include(item.urls)) for item in includes(host)]
