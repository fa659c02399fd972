"""Host -> entity routing with a process-local cache.

The stock django-tenants middleware queries the domain table on every request, which
halves throughput (ARCHITECTURE.md). Here each web process keeps, per host header, the
entity and its URLconf for TENANT_HOST_CACHE_SECONDS; a change of Domain or Entity clears
the cache of the process that made it, and other processes see it when their entry
expires. A cached host was validated when it was first seen (it is a registered Domain),
so the hot path does no host parsing, no query and no app-registry lookup.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.urls import set_urlconf
from django.utils.module_loading import import_string
from django_tenants.utils import get_public_schema_name, get_tenant_domain_model, remove_www

_lock = threading.Lock()
_cache: dict[str, tuple[float, object, str | None]] = {}


def clear_host_cache(**_kwargs) -> None:
    with _lock:
        _cache.clear()


class TenantRoutingMiddleware:
    """Selects the entity's schema and URLconf from the request's host."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.not_found_view = import_string(settings.DEFAULT_NOT_FOUND_TENANT_VIEW)

    def __call__(self, request):
        raw_host = request.META.get("HTTP_HOST", "")
        entry = _cache.get(raw_host)
        if entry is None or entry[0] <= time.monotonic():
            entry = self._resolve(request, raw_host)
            if entry is None:
                connection.set_schema_to_public()
                set_urlconf(None)
                response = self.not_found_view(request)
                return response.render() if hasattr(response, "render") else response
        _expires, tenant, urlconf = entry
        request.tenant = tenant
        connection.set_tenant(tenant)
        if urlconf is not None:
            request.urlconf = urlconf
            set_urlconf(urlconf)
        return self.get_response(request)

    def _resolve(self, request, raw_host: str):
        try:
            hostname = remove_www(request.get_host().split(":")[0])
        except DisallowedHost:
            return None
        connection.set_schema_to_public()
        domain = get_tenant_domain_model().objects.select_related("tenant") \
            .filter(domain=hostname).first()
        if domain is None or not domain.tenant.is_active:
            return None
        tenant = domain.tenant
        tenant.domain_url = hostname
        urlconf = settings.PUBLIC_SCHEMA_URLCONF \
            if tenant.schema_name == get_public_schema_name() else None
        entry = (time.monotonic() + settings.TENANT_HOST_CACHE_SECONDS, tenant, urlconf)
        with _lock:
            _cache[raw_host] = entry
        return entry


def connect_signals() -> None:
    from tenants.models import Domain, Entity

    for model in (Domain, Entity):
        post_save.connect(clear_host_cache, sender=model, dispatch_uid=f"hostcache-save-{model}")
        post_delete.connect(clear_host_cache, sender=model, dispatch_uid=f"hostcache-del-{model}")
