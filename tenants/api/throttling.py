"""Rate limit of service accounts on the REST API (`API_SERVICE_ACCOUNT_RATE`).

A fixed budget per account (not per IP: one program may call from several servers),
counted in the Django cache. People using the API with their session or personal token
are not counted here. If the cache fails, calls go through (as provincial.ratelimit does):
an outage of Redis must not stop the municipality's software.
"""

from __future__ import annotations

import logging

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from tenants.service_accounts import service_account_of

logger = logging.getLogger(__name__)


class ServiceAccountThrottle(SimpleRateThrottle):
    scope = "service_account"

    def get_rate(self) -> str | None:
        return settings.API_SERVICE_ACCOUNT_RATE or None

    def get_cache_key(self, request, view) -> str | None:
        account = service_account_of(request.user)
        return None if account is None else f"api-throttle:service-account:{account.pk}"

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:  # the cache (Redis) is down: let the call through
            logger.warning("API throttle: cache unavailable, call allowed", exc_info=True)
            return True
