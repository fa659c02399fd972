"""Identification of citizens at the sede, pluggable.

A method is a backend class with a `code`, registered here; the methods a deployment
offers are named in the setting SEDE_IDENTIFICATION_METHODS. `identify(request)` returns
the person (`Ciudadano`) or None; the session then holds the person until they leave.
Levels follow the Cl@ve / eIDAS scale (bajo, sustancial, alto).
"""

from __future__ import annotations

import functools
import ipaddress
import logging
from dataclasses import asdict, dataclass
from typing import ClassVar
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from provincial import audit
from sede import certificates, conf

logger = logging.getLogger(__name__)

SESSION_KEY = "sede_ciudadano"


@dataclass(frozen=True)
class Ciudadano:
    """The person identified in this session."""

    documento: str
    nombre: str
    apellido1: str
    apellido2: str
    method: str
    level: str

    @property
    def nombre_completo(self) -> str:
        return " ".join(p for p in (self.nombre, self.apellido1, self.apellido2) if p)

    @property
    def method_label(self) -> str:
        return method_label(self.method)

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS.get(self.level, self.level))


class IdentificationError(Exception):
    """The method could not identify the person; the message (Spanish) is shown."""


class IdentificationBackend:
    """An identification method. Subclasses set `code`, `label`, `level` and implement
    `identify`; `interactive` methods show a form (`form_class`) on the sede."""

    code: ClassVar[str]
    label: ClassVar[str | Promise]
    description: ClassVar[str | Promise] = ""
    level: ClassVar[str]
    interactive: ClassVar[bool] = False

    def identify(self, request: HttpRequest) -> Ciudadano | None:
        raise NotImplementedError


_registry: dict[str, type[IdentificationBackend]] = {}


def register(backend: type[IdentificationBackend]) -> type[IdentificationBackend]:
    """Class decorator: make a method available to SEDE_IDENTIFICATION_METHODS."""
    _registry[backend.code] = backend
    return backend


def _from_trusted_proxy(request: HttpRequest) -> bool:
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    for network in conf.trusted_proxies():
        try:
            if address in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            logger.error("SEDE_TRUSTED_PROXIES: %r is not an address or network", network)
    return False


@register
class CertificateBackend(IdentificationBackend):
    """Electronic certificate (FNMT, DNIe…) presented to the TLS proxy, forwarded in a
    header and verified here against the trust store SEDE_TRUST_STORE."""

    code = "certificado"
    label = gettext_lazy("Certificado electrónico o DNIe")
    description = gettext_lazy("Su navegador le pedirá que elija el certificado.")
    level = "alto"

    def identify(self, request: HttpRequest) -> Ciudadano | None:
        header = "HTTP_" + conf.client_cert_header().upper().replace("-", "_")
        value = request.META.get(header, "")
        if not value:
            return None
        if not _from_trusted_proxy(request):
            # Anyone can copy a certificate (it is public): only the TLS proxy, which saw
            # the private key used in the handshake, may forward one.
            logger.warning("certificate header from %s, not a trusted proxy: refused",
                           request.META.get("REMOTE_ADDR"))
            raise IdentificationError(_(
                "El certificado no ha llegado a través del servidor seguro de la sede. "
                "Entre en la sede por su dirección oficial (https)."))
        try:
            cert = certificates.parse_header(value)
            certificates.verify_chain(cert, certificates.load_trust_store(conf.trust_store()))
            person = certificates.identity(cert)
        except certificates.CertificateError as exc:
            logger.info("certificate refused: %s", exc)
            raise IdentificationError(str(exc)) from exc
        return Ciudadano(documento=person.documento, nombre=person.nombre,
                         apellido1=person.apellido1, apellido2=person.apellido2,
                         method=self.code, level=self.level)


@register
class DevelopmentBackend(IdentificationBackend):
    """Type a DNI/NIE and a name: only for development and tests. It refuses to work when
    PRODUCTION is set, whatever the configuration says (and the app refuses to start)."""

    code = conf.DEVELOPMENT_METHOD
    label = gettext_lazy("Método de desarrollo (sin verificación)")
    description = gettext_lazy("Solo para pruebas: no verifica la identidad.")
    level = "bajo"
    interactive = True

    def identify(self, request: HttpRequest) -> Ciudadano | None:
        if settings.PRODUCTION:
            raise ImproperlyConfigured("the development identification method is disabled "
                                       "in production")
        from sede.forms import DevelopmentIdentificationForm

        form = DevelopmentIdentificationForm(request.POST)
        if not form.is_valid():
            raise IdentificationError(" ".join(
                str(e) for errors in form.errors.values() for e in errors))
        data = form.cleaned_data
        return Ciudadano(documento=data["documento"], nombre=data["nombre"],
                         apellido1=data["apellido1"], apellido2=data["apellido2"],
                         method=self.code, level=self.level)


@register
class ClaveBackend(IdentificationBackend):
    """Cl@ve, the State's identity broker (SAML 2.0, eIDAS profile): the citizen goes to
    Cl@ve from /sede/identificarse/clave/ and comes back, with a signed assertion, to the
    ACS view, which calls `identify`. The level is the one Cl@ve asserts (Cl@ve PIN,
    permanente, certificate…), at least the one requested (sede.clave)."""

    code = conf.CLAVE_METHOD
    label = gettext_lazy("Cl@ve")
    description = gettext_lazy("Cl@ve PIN, Cl@ve permanente, certificado o DNIe, a través "
                                "del sistema Cl@ve de la Administración General del Estado.")
    level = "alto"  # the highest it can assert; each session records the one asserted

    def identify(self, request: HttpRequest) -> Ciudadano | None:
        from sede.clave import sp

        result = sp.consume(request)
        request.clave_next = result.next_url
        return result.ciudadano


LEVELS = conf.CLAVE_LEVELS
LEVEL_LABELS = {"bajo": gettext_lazy("bajo"), "sustancial": gettext_lazy("sustancial"),
                "alto": gettext_lazy("alto")}


def meets(level: str, minimum: str) -> bool:
    """Whether a session of `level` may do what requires `minimum` (bajo < sustancial <
    alto); an unknown level meets nothing but bajo."""
    if (minimum or LEVELS[0]) == LEVELS[0]:
        return True
    rank = {name: i for i, name in enumerate(LEVELS)}
    return rank.get(level, -1) >= rank.get(minimum, len(LEVELS))


def method_label(code: str) -> str:
    """The name of a method for people (a submission keeps the code)."""
    backend = _registry.get(code)
    return str(backend.label) if backend else code


def check_configuration() -> None:
    """Refuse to start with an unknown method, with the development method in
    production, or with Cl@ve without its settings (SEDE_CLAVE_*)."""
    methods = conf.identification_methods()
    unknown = [m for m in methods if m not in _registry]
    if unknown:
        raise ImproperlyConfigured(f"SEDE_IDENTIFICATION_METHODS: unknown {unknown}")
    if settings.PRODUCTION and conf.DEVELOPMENT_METHOD in methods:
        raise ImproperlyConfigured("SEDE_IDENTIFICATION_METHODS: the development method "
                                   "cannot be enabled when PRODUCTION is set")
    if conf.CLAVE_METHOD in methods:
        from sede.clave import config as clave_config

        clave_config.check()


def enabled_backends() -> list[IdentificationBackend]:
    methods = conf.identification_methods()
    if settings.PRODUCTION:
        methods = [m for m in methods if m != conf.DEVELOPMENT_METHOD]
    return [_registry[m]() for m in methods if m in _registry]


def get_backend(code: str) -> IdentificationBackend:
    """An enabled method, or 404."""
    for backend in enabled_backends():
        if backend.code == code:
            return backend
    raise Http404


# --- the session ----------------------------------------------------------------------


def start_session(request: HttpRequest, ciudadano: Ciudadano) -> None:
    # A new session key: whatever the session held before identification is not carried
    # into the identified one (session fixation).
    request.session.cycle_key()
    # Bound to the entity: were a cookie ever shared between two entities' hosts, the
    # identification made at one sede would still mean nothing at the other.
    request.session[SESSION_KEY] = {**asdict(ciudadano),
                                    "entity": request.tenant.schema_name}
    audit.record("sede.ciudadano.identificacion", entity=request.tenant,
                 subject=ciudadano.documento,
                 detail={"method": ciudadano.method, "level": ciudadano.level})


def end_session(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()


def current(request: HttpRequest) -> Ciudadano | None:
    data = dict(request.session.get(SESSION_KEY) or {}) if hasattr(request, "session") else {}
    if not data or data.pop("entity", None) != request.tenant.schema_name:
        return None
    try:
        ciudadano = Ciudadano(**data)
    except TypeError:
        return None
    # A session opened with a method that is no longer enabled is not honoured.
    if ciudadano.method not in {b.code for b in enabled_backends()}:
        return None
    return ciudadano


def ciudadano_required(view):
    """The view runs with `request.ciudadano`; otherwise to identification and back."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        ciudadano = current(request)
        if ciudadano is None:
            return redirect(f"{reverse('sede:identificacion')}?"
                            f"{urlencode({'next': request.get_full_path()})}")
        request.ciudadano = ciudadano
        return view(request, *args, **kwargs)

    return wrapper


def describe_error(exc: Exception) -> str:
    return str(exc) or _("No se ha podido identificarle.")
