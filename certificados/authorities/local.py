"""The platform's own certification authority (for tests, and for a province that runs
one): a root and an issuing CA made with `cryptography`, their keys encrypted at rest with
`provincial.signing.keys`, and the CRLs served on the provincial host
(`/certificados/crl/<pk>.crl`, `…/<pk>-raiz.crl`; the CA certificates at
`/certificados/ac/<pk>.cer`, `…/<pk>-raiz.cer`).

Suspension is a CRL entry with reason certificateHold, lifting it removes the entry, and a
revocation is an entry with the reason given. Every change publishes a new CRL (a higher
CRL number) at once; the daily task republishes before `nextUpdate`.
"""

from __future__ import annotations

import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certificados import conf, pki
from certificados.authorities.base import Authority, AuthorityError, Issued
from certificados.choices import Estado, MotivoRevocacion
from certificados.models import Certificado, LocalCA
from provincial.signing import keys

PUBLIC_URLCONF = "provincial.urls_public"


def diputacion():
    from tenants.models import Entity

    entity = Entity.objects.filter(schema_name="public").prefetch_related("domains").first()
    if entity is None:
        raise AuthorityError(_("La Diputación no está dada de alta en la plataforma "
                               "(manage.py setup_province): la AC local lleva su nombre y NIF."))
    return entity


def public_url(path: str) -> str:
    """`path` on the provincial host as the world reaches it (printed in certificates)."""
    base = conf.public_url()
    if base:
        return base + path
    from django.conf import settings

    entity = diputacion()
    if entity.public_base_url or entity.primary_domain():
        return entity.public_url(path)
    return f"{settings.PUBLIC_URL_SCHEME}://{settings.PROVINCIAL_DOMAIN}{path}"


def urls(ca: LocalCA, *, root: bool) -> pki.Urls:
    """Where the CRL and the certificate of the issuing CA (root=False) or of the root are."""
    suffix = "_raiz" if root else ""
    return pki.Urls(
        crl=public_url(reverse(f"certificados_prov:crl{suffix}", kwargs={"pk": ca.pk},
                               urlconf=PUBLIC_URLCONF)),
        issuer_certificate=public_url(reverse(f"certificados_prov:ac{suffix}",
                                              kwargs={"pk": ca.pk}, urlconf=PUBLIC_URLCONF)))


def pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(Encoding.PEM).decode("ascii")


def active_ca() -> LocalCA | None:
    return LocalCA.objects.filter(is_active=True).first()


def create_ca(*, operator=None, now: datetime.datetime | None = None) -> LocalCA:
    """Make the local CA (root, issuing CA, first CRLs) in the Diputación's name. Refused
    while another is active."""
    from provincial import audit

    now = now or timezone.now()
    entity = diputacion()
    root_key = pki.new_key(conf.ca_key_bits())
    issuing_key = pki.new_key(conf.ca_key_bits())
    try:
        with transaction.atomic():
            ca = LocalCA.objects.create(
                name=_("AC local de %(name)s") % {"name": entity.name}, is_active=True,
                root_key_token=keys.encrypt_private_key(root_key),
                issuing_key_token=keys.encrypt_private_key(issuing_key),
                created_by=operator, created_at=now)
            root = pki.build_root(pki.ca_name(f"AC RAIZ {pki.fold(entity.name)}", entity.name,
                                              entity.cif),
                                  root_key, now=now, days=conf.ROOT_VALIDITY_DAYS)
            issuing = pki.build_issuing(
                pki.ca_name(f"AC ENTIDADES LOCALES {pki.fold(entity.name)}", entity.name,
                            entity.cif),
                issuing_key, root=root, root_key=root_key, urls=urls(ca, root=True), now=now,
                days=conf.ISSUING_VALIDITY_DAYS)
            ca.root_certificate_pem = pem(root)
            ca.issuing_certificate_pem = pem(issuing)
            ca.save(update_fields=["root_certificate_pem", "issuing_certificate_pem"])
            publish_crl(ca, now=now)
            audit.record("certificados.ac.crear", user=operator, obj=ca,
                         detail={"root": format(root.serial_number, "X"),
                                 "issuing": format(issuing.serial_number, "X")})
    except IntegrityError as exc:
        raise AuthorityError(_("Ya hay una autoridad de certificación local en uso.")) from exc
    return LocalCA.objects.get(pk=ca.pk)


def ensure_ca(*, operator=None) -> LocalCA:
    """The active local CA, made first if there is none (two callers at once: the unique
    constraint lets one make it and the other use it)."""
    ca = active_ca()
    if ca is not None:
        return ca
    try:
        return create_ca(operator=operator)
    except AuthorityError:
        ca = active_ca()
        if ca is None:
            raise
        return ca


def _entries(ca: LocalCA) -> list[pki.Revoked]:
    entries = []
    rows = Certificado.objects.filter(local_ca=ca, state__in=[Estado.SUSPENDIDO, Estado.REVOCADO]) \
        .exclude(serial_hex="").order_by("pk")
    for row in rows:
        if row.state == Estado.SUSPENDIDO:
            entries.append(pki.Revoked(int(row.serial_hex, 16), row.suspended_at,
                                       x509.ReasonFlags.certificate_hold))
        else:
            reason = MotivoRevocacion(row.revocation_reason or MotivoRevocacion.SIN_ESPECIFICAR)
            entries.append(pki.Revoked(int(row.serial_hex, 16), row.revoked_at, reason.flag))
    return entries


def publish_crl(ca: LocalCA, *, now: datetime.datetime | None = None) -> LocalCA:
    """Publish new CRLs of the issuing CA (from the certificates' states) and of the root,
    under the CA row's lock, so CRL numbers only grow."""
    now = now or timezone.now()
    with transaction.atomic():
        ca = LocalCA.objects.select_for_update().get(pk=ca.pk)
        next_update = now + datetime.timedelta(days=conf.crl_days())
        issuing_key = keys.decrypt_private_key(ca.issuing_key_token)
        root_key = keys.decrypt_private_key(ca.root_key_token)
        crl = pki.build_crl(ca.issuing_certificate, issuing_key, _entries(ca),
                            number=ca.crl_number + 1, now=now, next_update=next_update)
        # The root has issued one CA and revokes nothing; its CRL still has to exist.
        root_crl = pki.build_crl(ca.root_certificate, root_key, [],
                                 number=ca.root_crl_number + 1, now=now, next_update=next_update)
        ca.crl_der = crl.public_bytes(Encoding.DER)
        ca.crl_number += 1
        ca.root_crl_der = root_crl.public_bytes(Encoding.DER)
        ca.root_crl_number += 1
        ca.crl_next_update = next_update
        ca.published_at = now
        ca.save(update_fields=["crl_der", "crl_number", "root_crl_der", "root_crl_number",
                               "crl_next_update", "published_at", "updated_at"])
    return ca


def holder_of(certificado: Certificado) -> pki.Holder:
    entity = certificado.entity
    return pki.Holder(kind=certificado.kind, entity_name=entity.name, entity_cif=entity.cif,
                      given_name=certificado.holder_given_name,
                      surnames=certificado.holder_surnames, nif=certificado.holder_nif,
                      email=certificado.holder_email, position=certificado.holder_position,
                      organo=certificado.organo, sede_domain=certificado.sede_domain)


def public_key_of_csr(csr_pem: bytes):
    """The public key of a certificate request the holder made (their key never reaches
    the platform), checked: a readable PKCS#10 signed by that key, RSA ≥ 2048 or EC."""
    try:
        csr = x509.load_pem_x509_csr(csr_pem) if b"-----BEGIN" in csr_pem \
            else x509.load_der_x509_csr(csr_pem)
    except ValueError as exc:
        raise AuthorityError(_("El fichero no es una petición de certificado (PKCS#10, "
                               ".csr o .req) legible.")) from exc
    try:
        if not csr.is_signature_valid:
            raise AuthorityError(_("La firma de la petición de certificado no es válida: "
                                   "genérela de nuevo."))
    except InvalidSignature as exc:  # pragma: no cover - cryptography answers False
        raise AuthorityError(_("La firma de la petición de certificado no es válida.")) from exc
    key = csr.public_key()
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < 2048:
        raise AuthorityError(_("La clave de la petición tiene %(bits)s bits; el mínimo es 2048.")
                             % {"bits": key.key_size})
    if not isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        raise AuthorityError(_("La clave de la petición debe ser RSA o de curva elíptica."))
    return key


class LocalAuthority(Authority):
    code = "local"
    label = gettext_lazy("la AC de la plataforma")
    issues_here = True

    def issue(self, certificado: Certificado, *, csr_pem: bytes | None = None,
              now: datetime.datetime) -> Issued:
        """Sign a certificate of the request's kind with the active CA's issuing key. The
        key pair is the holder's (from `csr_pem`) or made here (the action keeps it
        encrypted: a sello's for signing, anyone else's until its one delivery)."""
        ca = active_ca()
        if ca is None:
            raise AuthorityError(_("No hay autoridad de certificación local: créela antes."))
        private_key = None
        if csr_pem:
            public_key = public_key_of_csr(csr_pem)
        else:
            private_key = pki.new_key(conf.key_bits())
            public_key = private_key.public_key()
        issuing = ca.issuing_certificate
        certificate = pki.build_end_entity(
            holder_of(certificado), public_key, issuer=issuing,
            issuer_key=keys.decrypt_private_key(ca.issuing_key_token), urls=urls(ca, root=False),
            now=now, days=conf.VALIDITY_DAYS[certificado.kind])
        certificado.local_ca = ca
        return Issued(certificate=certificate, chain=(issuing, ca.root_certificate),
                      private_key=private_key)

    def _republish(self, certificado: Certificado, now: datetime.datetime) -> None:
        if certificado.local_ca_id is None:
            raise AuthorityError(_("Este certificado no lo emitió la AC local."))
        publish_crl(certificado.local_ca, now=now)

    def suspend(self, certificado: Certificado, *, now: datetime.datetime) -> None:
        self._republish(certificado, now)

    def lift_suspension(self, certificado: Certificado, *, now: datetime.datetime) -> None:
        self._republish(certificado, now)

    def revoke(self, certificado: Certificado, reason: MotivoRevocacion, *,
               now: datetime.datetime) -> None:
        self._republish(certificado, now)

    def fetch(self, certificado: Certificado) -> Issued | None:
        if not certificado.certificate_pem:
            return None
        return Issued(certificate=certificado.certificate, chain=tuple(certificado.chain))
