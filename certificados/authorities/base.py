"""What every certification authority offers the lifecycle (certificados.actions)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cryptography import x509
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from certificados.choices import MotivoRevocacion
    from certificados.models import Certificado


class AuthorityError(Exception):
    """The authority refused or cannot do the operation; the message is Spanish, for the
    operator."""


@dataclass(frozen=True)
class Issued:
    """A certificate as it came out of the authority: the certificate, the chain of its
    issuers (nearest first) and, when the platform made or received it, the private key."""

    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()
    private_key: object | None = field(default=None, repr=False)


class Authority:
    """One certification authority. Each method is called by an action inside its
    transaction, after the row changed state, and raises AuthorityError to undo it."""

    code = ""
    label = ""
    # True: the platform issues the certificate itself (local CA). False: the registration
    # office obtains it from the authority and records it (`record_issued`).
    issues_here = False

    def submit(self, certificado: Certificado, *, external_reference: str) -> None:
        """The request leaves the registration office for the authority."""

    def issue(self, certificado: Certificado, *, csr_pem: bytes | None = None,
              now: datetime.datetime) -> Issued:
        raise AuthorityError(_("%(authority)s no emite desde la plataforma: registre el "
                               "certificado que le entregó.") % {"authority": self.label})

    def record_issued(self, certificado: Certificado, data: bytes, *, password: str = "",
                      now: datetime.datetime) -> Issued:
        raise AuthorityError(_("%(authority)s emite desde la plataforma: use «Emitir».")
                             % {"authority": self.label})

    def suspend(self, certificado: Certificado, *, now: datetime.datetime) -> None:
        """The certificate is suspended (it must stop being trusted until lifted)."""

    def lift_suspension(self, certificado: Certificado, *, now: datetime.datetime) -> None:
        """The suspension ends; the certificate is trusted again."""

    def revoke(self, certificado: Certificado, reason: MotivoRevocacion, *,
               now: datetime.datetime) -> None:
        """The certificate is revoked for good."""

    def fetch(self, certificado: Certificado) -> Issued | None:
        """Ask the authority for the certificate of a request sent to it."""
        raise AuthorityError(_("%(authority)s no ofrece a la plataforma una consulta "
                               "automática: descargue el certificado en su aplicación de "
                               "registro y regístrelo aquí.") % {"authority": self.label})
