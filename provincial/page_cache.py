"""Public pages kept rendered per entity, host and version: the citizen's door.

A small town's sede home and portal entry change a few times a day and are read all day.
A view decorated with `@cached_public_page` has its anonymous response kept in the
"pages" cache; `PageCacheMiddleware`, right after host routing, answers the next
anonymous GET of that path on that host from the cache, before sessions, authentication,
CSRF, the availability guard and the view run: no query, one Redis round trip.

Freshness, without TTL guesses:
- Each entity has a version token, and the platform one more (the service catalogue).
  A write that changes what these pages show replaces the token: `invalidate()`, called
  by actions that write with `QuerySet.update()`, and the models registered with
  `invalidate_on_write()` (post_save and post_delete: infrastructure, STYLE.md). It is
  replaced at once and again when the transaction commits: a render that ran between
  the two read the old rows under the first new token and is dropped by the second.
- An entry is served only under the tokens it was rendered under. They are read before
  the view reads any data, so a render that raced a write is stored under the old token
  and never served.
- What changes with the clock alone the view declares with `valid_until()` (the next
  edicto to start or end its exposure, the next midnight for the working day).
- Live fragments are filled on every response, cached or not: the official date and
  time of the sede (art. 15 RD 203/2021) is written by `{% official_time %}`
  (provincial/templatetags/live_fragments.py) as a marker that `render_live()` and the
  cached path replace with the server's time of that response.

Isolation: an entry's key names the entity's schema, the Host header, the language and
the path. Only requests that carry no cookie of ours (no session, no messages; the CSRF
cookie alone is allowed), no query string and no Authorization header read or fill the
cache; a response that sets a cookie is never kept. Identified citizens and logged-in
staff always get the view.

Redis down: the pages are rendered as without the cache. A token that cannot be
replaced makes the write fail (an exception inside the writer's transaction): a
publication the sede would not show must not pass for done.
"""

from __future__ import annotations

import datetime
import functools
import logging
import pickle
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import redis
from django.conf import settings
from django.core.signals import setting_changed
from django.db import connection, transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import dateformat, timezone, translation
from django.utils.html import format_html

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
# The scope of the version every page depends on (the service catalogue).
PLATFORM = "*"
# Eviction only (entries of a host that no longer exists): freshness comes from the tokens.
ENTRY_SECONDS = 7 * 24 * 3600
# The flag render_live() puts in the context: fragments are written as markers.
LIVE_CONTEXT_FLAG = "live_fragments"

# (urlconf, path) pairs whose responses a decorated view marked: only these are looked up,
# so other anonymous GETs pay no round trip. Learnt per process.
_known_paths: set[tuple[str | None, str]] = set()


# --- live fragments ---------------------------------------------------------------------


def _official_time(date_format: str, now: datetime.datetime) -> str:
    return format_html('<time datetime="{}">{}</time>', dateformat.format(now, "c"),
                       dateformat.format(now, date_format))


FRAGMENTS: dict[str, Callable[[str, datetime.datetime], str]] = {
    "official_time": _official_time,
}
_MARKER = re.compile(r"<!--live:([a-z_]+):(.*?)-->")


def marker(name: str, argument: str) -> str:
    """What a template writes where fragment `name` goes (filled per response)."""
    if name not in FRAGMENTS or "-->" in argument:
        raise ValueError(f"not a live fragment: {name!r} {argument!r}")
    return f"<!--live:{name}:{argument}-->"


def fragment(name: str, argument: str, now: datetime.datetime | None = None) -> str:
    """The fragment's text now (for a page rendered without markers)."""
    return FRAGMENTS[name](argument, now or timezone.localtime())


Parts = list[bytes | tuple[str, str]]


def _split(content: str, charset: str) -> Parts:
    pieces = _MARKER.split(content)
    parts: Parts = []
    for index in range(0, len(pieces), 3):
        parts.append(pieces[index].encode(charset))
        if index + 2 < len(pieces):
            name, argument = pieces[index + 1], pieces[index + 2]
            parts.append((name, argument) if name in FRAGMENTS
                         else f"<!--live:{name}:{argument}-->".encode(charset))
    return parts


# The fragments written during the current second (every response of that second shows
# the same official time): (second, {(name, argument, language, charset): bytes}).
_this_second: tuple[datetime.datetime | None, dict] = (None, {})


def _fill(parts: Parts, charset: str) -> bytes:
    global _this_second
    now = timezone.localtime().replace(microsecond=0)
    second, written = _this_second
    if second != now:
        written = {}
        _this_second = (now, written)
    language = translation.get_language()
    out = []
    for part in parts:
        if not isinstance(part, bytes):
            key = (*part, language, charset)
            text = written.get(key)
            if text is None:
                text = written[key] = FRAGMENTS[part[0]](part[1], now).encode(charset)
            part = text
        out.append(part)
    return b"".join(out)


def render_live(request: HttpRequest, template: str, context: dict[str, Any], *,
                status: int = 200) -> HttpResponse:
    """Render like `django.shortcuts.render`, with the live fragments filled now; the
    response keeps the parts (`live_parts`) for the page cache to fill again later."""
    content = render_to_string(template, {**context, LIVE_CONTEXT_FLAG: True}, request)
    response = HttpResponse(status=status)
    parts = _split(content, response.charset)
    response.content = _fill(parts, response.charset)
    response.live_parts = parts
    return response


# --- versions ---------------------------------------------------------------------------


class _Store:
    """The Redis of the "pages" cache alias (CACHES: LOCATION, KEY_PREFIX, OPTIONS), used
    through one redis-py client per process: Django's RedisCache builds a client object
    on every call, which was a third of a cached answer."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.prefix = config.get("KEY_PREFIX", "")
        self.client = redis.Redis.from_url(config["LOCATION"], **config.get("OPTIONS", {}))

    def key(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    def get_many(self, names: list[str]) -> list[bytes | None]:
        return self.client.mget([self.key(name) for name in names])

    def set_tokens(self, names: Iterable[str]) -> None:
        self.client.mset({self.key(name): secrets.token_hex(8) for name in names})

    def add_token(self, name: str) -> None:
        self.client.set(self.key(name), secrets.token_hex(8), nx=True)

    def set(self, name: str, value: bytes, seconds: int) -> None:
        self.client.set(self.key(name), value, ex=seconds)


_store_lock = threading.Lock()
_stores: dict[str, _Store | None] = {}


def _store() -> _Store | None:
    """None in a deployment (or a test) without the "pages" cache: nothing is kept."""
    try:
        return _stores[CACHE_ALIAS]
    except KeyError:
        with _store_lock:
            config = settings.CACHES.get(CACHE_ALIAS)
            _stores[CACHE_ALIAS] = _Store(config) if config else None
            return _stores[CACHE_ALIAS]


def _settings_changed(*, setting: str, **_kwargs) -> None:
    if setting == "CACHES":
        _stores.clear()


setting_changed.connect(_settings_changed, dispatch_uid="page_cache-settings")


def _version_key(scope: str) -> str:
    return f"version|{scope}"


def _entry_key(request: HttpRequest) -> str:
    return (f"page|{request.tenant.schema_name}|{request.META.get('HTTP_HOST', '')}|"
            f"{translation.get_language()}|{request.path}")


def _bump(scopes: Iterable[str], store: _Store) -> None:
    store.set_tokens(_version_key(scope) for scope in scopes)


def invalidate(*scopes: str) -> None:
    """The cached pages of these entities (schema names; PLATFORM: every entity) are
    stale: their version tokens are replaced now and again on commit."""
    store = _store()
    if store is None or not scopes:
        return
    _bump(scopes, store)
    if connection.in_atomic_block:
        transaction.on_commit(functools.partial(_bump, scopes, store), robust=True)


def invalidate_current() -> None:
    """The cached pages of the entity whose schema is active."""
    invalidate(connection.schema_name)


def _current_schema(_instance: Model) -> list[str]:
    return [connection.schema_name]


def invalidate_on_write(model: type[Model], *,
                        scopes: Callable[[Any], Iterable[str]] = _current_schema) -> None:
    """After every save or delete of `model`, invalidate the pages of `scopes(instance)`:
    by default the entity whose schema is active (for a model of the entity schemas).
    Writes through QuerySet.update() or bulk_create() send no signal: their actions call
    `invalidate()` themselves."""

    def handler(sender, instance, **kwargs) -> None:
        invalidate(*scopes(instance))

    for signal in (post_save, post_delete):
        signal.connect(handler, sender=model, weak=False,
                       dispatch_uid=f"page_cache:{signal is post_save}:{model._meta.label}")


def _read_versions(store: _Store, schema: str) -> tuple[bytes, bytes] | None:
    """The current tokens (platform, entity), made if missing; None if Redis fails."""
    names = [_version_key(PLATFORM), _version_key(schema)]
    try:
        found = store.get_many(names)
        if None in found:
            for name, token in zip(names, found, strict=True):
                if token is None:
                    store.add_token(name)
            found = store.get_many(names)
    except redis.RedisError:
        logger.warning("page cache unavailable", exc_info=True)
        return None
    return None if None in found else (found[0], found[1])


# --- views ------------------------------------------------------------------------------


def valid_until(request: HttpRequest, moment: datetime.datetime | None) -> None:
    """The page being rendered changes by itself at `moment` (an edicto starts or ends
    its exposure, a new day starts): its kept copy is not served from then on (nor
    before the moment it was rendered)."""
    if moment is None:
        return
    current = getattr(request, "_page_cache_until", None)
    stamp = moment.timestamp()
    request._page_cache_until = stamp if current is None else min(current, stamp)


def _fresh_entity(tenant: Model) -> Model:
    # The host routing keeps each entity for TENANT_HOST_CACHE_SECONDS per process; a page
    # kept until the next write must be rendered from the entity's row as it is now.
    fresh = type(tenant).objects.get(pk=tenant.pk)
    fresh.domain_url = getattr(tenant, "domain_url", None)
    return fresh


def cached_public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Keep the view's anonymous responses (see the module's docstring). The view reads
    nothing from the request but the host's entity and the path."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        store = _store()
        if store is None or not getattr(request, "_page_cache_eligible", False):
            return view(request, *args, **kwargs)
        versions = getattr(request, "_page_cache_versions", None) \
            or _read_versions(store, request.tenant.schema_name)
        if versions is None:
            return view(request, *args, **kwargs)
        since = time.time()
        request.tenant = _fresh_entity(request.tenant)
        response = view(request, *args, **kwargs)
        response.page_cache_versions = versions
        response.page_cache_since = since
        response.page_cache_until = getattr(request, "_page_cache_until", None)
        return response

    return wrapper


# --- the middleware ---------------------------------------------------------------------


def _eligible(request: HttpRequest) -> bool:
    if request.method != "GET" or request.META.get("QUERY_STRING") \
            or "HTTP_AUTHORIZATION" in request.META or getattr(request, "tenant", None) is None:
        return False
    return all(name == settings.CSRF_COOKIE_NAME for name in request.COOKIES)


_SKIPPED_HEADERS = {"content-length", "set-cookie", "date"}


def _entry_of(response: HttpResponse) -> dict[str, Any] | None:
    versions = getattr(response, "page_cache_versions", None)
    if versions is None or response.status_code != 200 or response.streaming \
            or response.cookies:
        return None
    parts = getattr(response, "live_parts", None) or [response.content]
    # A middleware inside this one that rewrote the body would not be in the parts.
    head, tail = parts[0], parts[-1]
    if not (isinstance(head, bytes) and isinstance(tail, bytes)
            and response.content.startswith(head) and response.content.endswith(tail)):
        return None
    return {"versions": versions, "since": response.page_cache_since,
            "until": getattr(response, "page_cache_until", None),
            "parts": parts, "charset": response.charset,
            "headers": [(name, value) for name, value in response.items()
                        if name.lower() not in _SKIPPED_HEADERS]}


def _response_from(entry: dict[str, Any]) -> HttpResponse:
    body = _fill(entry["parts"], entry["charset"])
    response = HttpResponse(body)
    for name, value in entry["headers"]:
        response[name] = value
    response["Content-Length"] = str(len(body))
    return response


class PageCacheMiddleware:
    """Answers anonymous GETs of pages kept by `cached_public_page` views, and keeps
    their responses. Sits right after the host routing: the headers kept are those the
    inner middlewares (CSP, X-Frame-Options, Vary) gave the rendered response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _eligible(request):
            return self.get_response(request)
        request._page_cache_eligible = True
        store = _store()
        route = (getattr(request, "urlconf", None), request.path)
        if store is not None and route in _known_paths:
            hit = self._lookup(store, request)
            if hit is not None:
                return hit
        response = self.get_response(request)
        entry = _entry_of(response) if store is not None else None
        if entry is not None:
            _known_paths.add(route)
            self._keep(store, request, entry)
        return response

    def _lookup(self, store: _Store, request: HttpRequest) -> HttpResponse | None:
        schema = request.tenant.schema_name
        try:
            platform, entity, data = store.get_many(
                [_version_key(PLATFORM), _version_key(schema), _entry_key(request)])
        except redis.RedisError:
            logger.warning("page cache unavailable", exc_info=True)
            return None
        if platform is None or entity is None:
            return None
        versions = (platform, entity)
        entry = pickle.loads(data) if data is not None else None  # noqa: S301 - our Redis
        now = time.time()
        # Rendered for [since, until): a clock set back is not the moment it was made for.
        if entry is not None and entry["versions"] == versions and entry["since"] <= now \
                and (entry["until"] is None or now < entry["until"]):
            return _response_from(entry)
        request._page_cache_versions = versions
        return None

    def _keep(self, store: _Store, request: HttpRequest, entry: dict[str, Any]) -> None:
        seconds = ENTRY_SECONDS
        if entry["until"] is not None:
            seconds = int(min(seconds, entry["until"] - time.time()))
            if seconds <= 0:
                return
        try:
            store.set(_entry_key(request), pickle.dumps(entry, pickle.HIGHEST_PROTOCOL),
                      seconds)
        except redis.RedisError:  # the page was served; keeping it is a bonus
            logger.warning("page cache unavailable", exc_info=True)
