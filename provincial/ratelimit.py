"""Rate limits for public endpoints (login, the sede's forms, CSV verification).

A fixed window per client IP and endpoint, counted in Redis. If Redis is down the limit
is not applied (the page must still work; axes still locks out password guessing).
"""

from __future__ import annotations

import functools
import logging
import time

from django.core.cache import cache
from django.shortcuts import render

from provincial.audit import client_ip

logger = logging.getLogger(__name__)


def rate_limit(scope: str, *, limit: int, seconds: int, methods: tuple[str, ...] = ("POST",)):
    """Decorator: at most `limit` requests per `seconds` per IP for the given methods."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods and too_many(request, scope, limit, seconds):
                return render(request, "429.html", {"seconds": seconds}, status=429)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def too_many(request, scope: str, limit: int, seconds: int) -> bool:
    window = int(time.time() // seconds)
    key = f"ratelimit:{scope}:{client_ip(request)}:{window}"
    try:
        if cache.add(key, 1, timeout=seconds + 1):
            return False
        return cache.incr(key) > limit
    except Exception as exc:  # noqa: BLE001 - Redis down: fail open, log it
        logger.warning("rate limit not applied (%s): %s", scope, exc)
        return False
