"""The certification authorities a request goes to, behind one interface.

`get(code)` returns the `Authority` of a `certificados.choices.Autoridad` code. The
defaults are the platform's own CA (`local`) and the two registration-office authorities
(`fnmt`, `accv`), whose real process runs in their own registration applications: the
operator works there and records here what was done. A real automated connection plugs in
through the setting `CERTIFICADOS_AUTHORITIES` ({"fnmt": "dotted.path.Class"}).
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from certificados.authorities.base import Authority, AuthorityError, Issued

__all__ = ["Authority", "AuthorityError", "Issued", "get"]

DEFAULTS = {
    "local": "certificados.authorities.local.LocalAuthority",
    "fnmt": "certificados.authorities.registration.FNMTAuthority",
    "accv": "certificados.authorities.registration.ACCVAuthority",
}


@cache
def _load(path: str) -> Authority:
    return import_string(path)()


def get(code: str) -> Authority:
    paths = {**DEFAULTS, **getattr(settings, "CERTIFICADOS_AUTHORITIES", {})}
    try:
        return _load(paths[code])
    except KeyError as exc:
        raise AuthorityError(f"Autoridad de certificación desconocida: {code}") from exc
