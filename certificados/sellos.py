"""What the signing service (provincial.signing.base) asks of this app, registered in
CertificadosConfig.ready():

- `sello_for(entity)`: the entity's current sello de órgano as a SigningIdentity: a sello
  certificate, emitido, within its validity, whose key the platform holds. One query per
  call (it runs for every document issued); the decrypted key and parsed certificates are
  kept per process, keyed by (row, last change), so a revocation or a new sello is seen at
  once.
- `signer_for(user, entity)`: the certificate `user` signs with for `entity` in the
  portafirmas: their empleado público certificate of that entity (matched by the user's
  NIF to the holder's), emitido, within its validity, whose key the platform holds
  (custody PLATAFORMA). Cached like the sellos; each use audited as
  `certificados.firma.uso`.
- `trust_material()`: the roots, issuing CAs and current CRLs of the platform's local CAs.
"""

from __future__ import annotations

import datetime
import threading
from collections import OrderedDict

from cryptography import x509
from django.utils import timezone
from django.utils.translation import gettext as _

from certificados.choices import Custodia, Estado, Tipo
from certificados.models import Certificado, LocalCA
from provincial import audit
from provincial.signing import keys
from provincial.signing.base import SigningIdentity, TrustMaterial

_MAX_CACHED = 256
_lock = threading.Lock()
_identities: OrderedDict[tuple[int, str], tuple] = OrderedDict()
_trust: dict[tuple, TrustMaterial] = {}


def _material(row: Certificado) -> tuple:
    """(certificate, private key, chain) of a sello row, decrypted once per change."""
    key = (row.pk, row.updated_at.isoformat())
    with _lock:
        found = _identities.get(key)
        if found is not None:
            _identities.move_to_end(key)
            return found
    certificate = x509.load_pem_x509_certificate(row.certificate_pem.encode())
    chain = tuple(x509.load_pem_x509_certificates(row.chain_pem.encode())) if row.chain_pem else ()
    found = (certificate, keys.decrypt_private_key(row.key_token), chain)
    with _lock:
        for stale in [k for k in _identities if k[0] == row.pk]:
            del _identities[stale]
        _identities[key] = found
        while len(_identities) > _MAX_CACHED:
            _identities.popitem(last=False)
    return found


def forget() -> None:
    """Drop what this process keeps decrypted (tests; key rotation)."""
    with _lock:
        _identities.clear()
        _trust.clear()


def sello_for(entity) -> SigningIdentity | None:
    """The sello de órgano that signs what `entity` issues, or None where it has none."""
    # Valid at the moment the key signs, which is the machine's clock (pyHanko's signing
    # time), even where the application's clock is moved (notificaciones.demo replays past
    # events through timezone.now).
    now = datetime.datetime.now(datetime.UTC)
    row = (Certificado.objects.filter(entity_id=entity.pk, kind=Tipo.SELLO, state=Estado.EMITIDO,
                                      key_custody=Custodia.PLATAFORMA, not_before__lte=now,
                                      not_after__gt=now)
           .exclude(key_token="").order_by("-not_after", "-pk").first())
    if row is None:
        return None
    certificate, private_key, chain = _material(row)

    def on_use(purpose: str, row=row) -> None:
        audit.record("certificados.sello.uso", entity=entity, obj=row,
                     detail={"purpose": str(purpose)[:200], "serial": row.serial_hex})

    return SigningIdentity(
        certificate=certificate, private_key=private_key,
        chain=tuple(c for c in chain if c.subject != c.issuer) or chain,
        label=_("Sello electrónico %(de_entity)s") % {"de_entity": entity.name_after_de},
        reference=f"certificados.Certificado:{row.pk}", on_use=on_use)


def signer_for(user, entity) -> SigningIdentity | None:
    """The personal certificate with which `user` signs for `entity`, or None where the
    platform holds none for them (no NIF, none issued, suspended, revoked, expired, or
    its key delivered to the holder)."""
    nif = (getattr(user, "nif", "") or "").strip().upper()
    if not nif or entity is None:
        return None
    now = timezone.now()
    row = (Certificado.objects.filter(entity_id=entity.pk, kind=Tipo.EMPLEADO,
                                      state=Estado.EMITIDO, key_custody=Custodia.PLATAFORMA,
                                      holder_nif=nif, not_before__lte=now, not_after__gt=now)
           .exclude(key_token="").order_by("-not_after", "-pk").first())
    if row is None:
        return None
    certificate, private_key, chain = _material(row)

    def on_use(purpose: str, row=row) -> None:
        audit.record("certificados.firma.uso", user=user, entity=entity, obj=row,
                     subject=row.holder_nif,
                     detail={"purpose": str(purpose)[:200], "serial": row.serial_hex})

    return SigningIdentity(
        certificate=certificate, private_key=private_key,
        chain=tuple(c for c in chain if c.subject != c.issuer) or chain,
        label=row.holder_name, reference=f"certificados.Certificado:{row.pk}", on_use=on_use)


def trust_material() -> TrustMaterial:
    """Roots, issuing CAs and CRLs of every local CA the platform has had (certificates of
    a replaced CA still validate)."""
    rows = list(LocalCA.objects.exclude(root_certificate_pem="").values_list(
        "pk", "crl_number", "root_crl_number", "root_certificate_pem", "issuing_certificate_pem",
        "crl_der", "root_crl_der").order_by("pk"))
    key = tuple((pk, crl, root_crl) for pk, crl, root_crl, *_rest in rows)
    with _lock:
        found = _trust.get(key)
    if found is not None:
        return found
    roots, intermediates, crls = [], [], []
    for _pk, _crl, _root_crl, root_pem, issuing_pem, crl_der, root_crl_der in rows:
        roots.append(x509.load_pem_x509_certificate(root_pem.encode()))
        intermediates.append(x509.load_pem_x509_certificate(issuing_pem.encode()))
        crls.extend(x509.load_der_x509_crl(bytes(der)) for der in (crl_der, root_crl_der) if der)
    found = TrustMaterial(roots=tuple(roots), intermediates=tuple(intermediates), crls=tuple(crls))
    with _lock:
        _trust.clear()
        _trust[key] = found
    return found
