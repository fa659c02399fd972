"""Host -> entity routing with a process-local cache.

The stock django-tenants middleware queries the domain table on every request, which
halves throughput (ARCHITECTURE.md). Here each web process keeps the lookup for
TENANT_HOST_CACHE_SECONDS; a change of Domain or Entity clears the cache of the process
that made it, and other processes see it when their entry expires.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django_tenants.middleware.main import TenantMainMiddleware

_lock = threading.Lock()
_cache: dict[str, tuple[float, object]] = {}


def clear_host_cache(**_kwargs) -> None:
    with _lock:
        _cache.clear()


class TenantRoutingMiddleware(TenantMainMiddleware):
    """Selects the entity's schema and URLconf from the request's host."""

    def get_tenant(self, domain_model, hostname):
        now = time.monotonic()
        entry = _cache.get(hostname)
        if entry is not None and entry[0] > now:
            return entry[1]
        domain = domain_model.objects.select_related("tenant").get(domain=hostname)
        tenant = domain.tenant
        if not tenant.is_active:
            raise domain_model.DoesNotExist(hostname)
        with _lock:
            _cache[hostname] = (now + settings.TENANT_HOST_CACHE_SECONDS, tenant)
        return tenant


def connect_signals() -> None:
    from tenants.models import Domain, Entity

    for model in (Domain, Entity):
        post_save.connect(clear_host_cache, sender=model, dispatch_uid=f"hostcache-save-{model}")
        post_delete.connect(clear_host_cache, sender=model, dispatch_uid=f"hostcache-del-{model}")
