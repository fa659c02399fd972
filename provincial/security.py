"""HTTP headers Django does not set by itself."""

from __future__ import annotations

from django.conf import settings


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and a restrictive Permissions-Policy."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.csp = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy",
                                    "camera=(), microphone=(), geolocation=(), payment=()")
        return response
