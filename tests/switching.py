"""A browser for tests that cross hosts: one cookie jar per host, redirects followed.

Django's test client keeps one cookie jar for every host; a real browser keeps a host's
cookies to that host. `Browser` gives each host its own client, so a cookie set by one
host never reaches another, as in a browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from tests.conftest import totp_device


@dataclass
class Hop:
    method: str
    url: str
    response: object


@dataclass
class Browser:
    """One browser: a cookie jar per host, redirects followed across hosts."""

    clients: dict[str, Client] = field(default_factory=dict)
    hops: list[Hop] = field(default_factory=list)

    def on(self, host: str) -> Client:
        return self.clients.setdefault(host, Client(HTTP_HOST=host))

    def request(self, method: str, url: str, *, follow: bool = True):
        parts = urlsplit(url)
        host = parts.hostname
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = getattr(self.on(host), method)(path)
        self.hops.append(Hop(method, url, response))
        while follow and response.status_code in (301, 302, 303):
            location = response["Location"]
            url = location if location.startswith("http") else f"http://{host}{location}"
            parts = urlsplit(url)
            host = parts.hostname
            response = self.on(host).get(parts.path + (f"?{parts.query}" if parts.query else ""))
            self.hops.append(Hop("get", url, response))
        return response

    def user_on(self, host: str) -> int | None:
        value = self.on(host).session.get("_auth_user_id")
        return int(value) if value else None


def logged_in(user, host: str, *, verified: bool = True) -> Browser:
    """A browser logged in as `user` on `host` (second factor verified unless told)."""
    browser = Browser()
    client = browser.on(host)
    client.force_login(user)
    if verified:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
        session.save()
    return browser
