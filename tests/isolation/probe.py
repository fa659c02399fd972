"""Enumerate every URL pattern of a URLconf and request it as someone who must be refused.

New views are covered automatically: the patterns come from the resolver, not a list. New
apps add their objects the same way: `tests/<app label>/probes.py` defines
`isolation_probe(province, secret) -> Probe`, found by `app_probes()` for every installed app.
"""

from __future__ import annotations

import html
import importlib
import importlib.util
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")
_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    name: str  # "ns:sub:name" or the raw pattern when unnamed
    template: str  # "/gestion/trabajos/<int:pk>/"
    params: tuple[tuple[str, str], ...]  # (converter, name)


def routes(urlconf: str) -> list[Route]:
    found: list[Route] = []

    def walk(patterns: Iterable, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            text = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                walk(pattern.url_patterns, text, f"{namespace}{ns}:" if ns else namespace)
            elif isinstance(pattern, URLPattern):
                if "(?P<format>" in text:
                    continue  # DRF's ".json" suffix variant of a route probed anyway
                text = _REGEX_GROUP.sub(r"<\g<name>>", text.replace("^", "").replace("$", ""))
                params = tuple((m.group("converter") or "str", m.group("name"))
                               for m in _PARAM.finditer(text))
                found.append(Route(name=f"{namespace}{pattern.name or text}", template="/" + text,
                                   params=params))

    walk(get_resolver(urlconf).url_patterns, "", "")
    return found


def fill(route: Route, values: dict[str, list[str]]) -> list[str]:
    """Every concrete path for the route, substituting each candidate value per parameter."""
    paths = [route.template]
    for converter, name in route.params:
        candidates = values.get(name) or values.get(converter) or ["1"]
        token = f"<{converter}:{name}>" if f"<{converter}:{name}>" in route.template else f"<{name}>"
        paths = [path.replace(token, str(candidate)) for path in paths for candidate in candidates]
    return paths


@dataclass
class Leak:
    route: str
    path: str
    method: str
    status: int
    found: list[str]


ID_PARAMETERS = ("pk", "entity_id", "int")


def app_of(route: Route, labels: Iterable[str]) -> str | None:
    """The app whose URL segment (`/expedientes/`) comes last in the route's path, if any."""
    found = [(route.template.rfind(f"/{label}/"), label) for label in labels]
    position, label = max(found, default=(-1, None))
    return label if position >= 0 else None


def probe(client, urlconf: str, *, values: dict[str, list[str]], secrets: list[str],
          allowed_status: set[int], skip: Iterable[str] = (), only: str = "",
          ids_by_app: dict[str, list[str]] | None = None) -> list[Leak]:
    """GET and POST every route; report any answer outside `allowed_status` or showing a secret.

    `skip` names routes (or, ending in ':', whole namespaces) left out; `only` keeps the
    routes of one namespace prefix. With `ids_by_app`, a route under an app's URL segment
    is tried with that app's ids (and the foundation's) as its ids, not every app's: the
    same check, without trying each app's ids on every other app's routes.
    """
    ids_by_app = ids_by_app or {}
    skip = tuple(skip)
    leaks: list[Leak] = []
    for route in routes(urlconf):
        if route.name in skip or any(s.endswith(":") and route.name.startswith(s) for s in skip):
            continue
        if only and not route.name.startswith(only):
            continue
        label = app_of(route, ids_by_app)
        route_values = values if label is None else {
            **values, **dict.fromkeys(ID_PARAMETERS, ids_by_app[label])}
        for path in fill(route, route_values):
            for method in ("get", "post"):
                response = getattr(client, method)(path)
                body = html.unescape(response.content.decode(errors="replace")) \
                    if not getattr(response, "streaming", False) else ""
                found = [secret for secret in secrets if secret in body]
                if response.status_code not in allowed_status or found:
                    leaks.append(Leak(route.name, path, method.upper(), response.status_code, found))
    return leaks


@dataclass
class Probe:
    """What an app made in entity B for the probes."""

    ids: list[str] = field(default_factory=list)  # tried as every id in a URL
    secrets: list[str] = field(default_factory=list)  # must never appear outside B
    values: dict[str, list[str]] = field(default_factory=dict)  # named parameters (reference…)


ProbeFunction = Callable[..., Probe]


def app_probes() -> list[tuple[str, ProbeFunction]]:
    """(app label, isolation_probe) of every installed app with a tests/<label>/probes.py."""
    found = []
    for config in apps.get_app_configs():
        package = f"tests.{config.label}"
        try:
            if importlib.util.find_spec(package) is None or \
                    importlib.util.find_spec(f"{package}.probes") is None:
                continue
        except ModuleNotFoundError:
            continue
        found.append((config.label, importlib.import_module(f"{package}.probes").isolation_probe))
    return found
