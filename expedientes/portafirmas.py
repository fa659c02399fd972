"""The portafirmas: documents of an expediente go through a signature circuit, each
signer signs (PAdES, through provincial.signing) or rejects with a reason, and a signer
absent for a period delegates.

Every change is an action here, in one transaction, with its audit record and a
`Historial` row on the expediente and the document:

- `enviar_a_firma(documento, circuito)`: a draft is rendered and frozen first (the
  documents part's `congelar`); the circuit's steps are resolved *today* to users (a
  post through `tenants.OfficeHolder` → the member of the entity with the holder's NIF;
  or a named user) and copied as `Firmante`s, so later changes to the circuit do not
  move a document already on its way. The lowest `orden` is pending; steps with the same
  `orden` sign in parallel.
- `firmar(firmante)`: the signer's (or their delegate's) personal certificate held by
  the platform (`provincial.signing.base.signer_for`) adds a PAdES signature as an
  incremental revision of the frozen PDF: the bytes signed before stay as they were
  (`sha256_original` never changes; `sha256` is that of the current bytes). The
  Documento row is locked FOR UPDATE first, so two signers of a parallel step take turns
  and neither signs bytes the other is replacing. When the last step has signed, the
  request is FIRMADA, the document FIRMADO and, for a resolución signed by the Alcaldía
  (or Presidencia) and the Secretaría, transcribed into the libro (expedientes.libro).
- `firmar_lote`, `rechazar`, `retirar`, circuits (`guardar_circuito`) and delegations
  (`crear_delegacion`, `revocar_delegacion`).

Client-side signing (AutoFirma-style), later. The platform-held key is one way to
produce the signature bytes; everything after them is `_registrar_firma` (store the new
revision, mark the signer, advance the circuit, transcribe). A signer on the user's own
device plugs in as two phases around it, with pyHanko's interrupted signing:

1. `preparar_firma_externa(firmante, certificate_der, *, acting_user)`: the same checks
   as `firmar` (turn, delegation, request in course) plus the certificate's (that of the
   user's NIF, valid, trusted: `certvalidation.check_signer_certificate`); then
   `PdfSigner(meta, signer=ExternalSigner(certificate, chain, signature_value=bytes(256)))
   .digest_doc_for_signing(writer)` gives the document with its signature placeholder
   and the digest of the signed attributes to sign. Kept server side (not in the
   browser), keyed by a one-use token, with the document's `sha256` at that moment.
2. The client signs the signed attributes (AutoFirma's "firma trifásica": pre-sign on
   the server, PKCS#1 on the device, post-sign on the server) and posts back the raw
   signature value.
3. `completar_firma_externa(token, signature_value, *, acting_user)`: under the
   Documento lock, refused if `sha256` moved since step 1 (another signer's revision
   arrived: prepare again); `PdfTBSDocument.finish_signing` embeds the CMS; the result
   must pass `provincial.signing.validation.validate_pdf`; then `_registrar_firma`.

What that needs: a URL pair (prepare/complete) and an AutoFirma protocol launcher
(`afirma://sign?...` with the trifásica server's URLs), a short-lived store for the
prepared state (the PostgreSQL table of the tenant, not the cache: web replicas), and a
`Firmante.certificate_*` filled from the client's certificate instead of the
platform's. No change to the circuit model, the inbox or the libro.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import io
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from expedientes import flujo
from expedientes.choices import Cargo, EstadoDocumento, EstadoFirmante, EstadoPeticion
from expedientes.models import (
    CircuitoFirma,
    Delegacion,
    Documento,
    Expediente,
    Firmante,
    Historial,
    PasoCircuito,
    PeticionFirma,
)
from provincial import audit
from provincial.documents.services import current_entity
from provincial.signing import base as signing
from provincial.signing.base import SigningError, SigningIdentity
from tenants import offices
from tenants.choices import MembershipRole, Office
from tenants.models import Entity, Membership, OfficeHolder, User

logger = logging.getLogger(__name__)

APPLICATION = "expedientes"
# A document goes to signature from these states (a rejected one, once corrected).
ENVIABLES = frozenset({EstadoDocumento.BORRADOR, EstadoDocumento.INCORPORADO,
                       EstadoDocumento.RECHAZADO})
MAX_MOTIVO = 2000
MM = 72 / 25.4
# Visible stamps of the portafirmas: three to a row in the strip below the documents'
# footer (provincial.signing.pades), further rows above it.
STAMP_COLUMNS = 3
STAMP_BOTTOM, STAMP_HEIGHT, STAMP_MARGIN, STAMP_GAP = 3 * MM, 12 * MM, 20 * MM, 2 * MM

# The offices that fill each post of a circuit, the post's own first (a Secretaría step
# is signed by the Secretaría-Intervención where the entity has one).
CARGO_OFFICES: dict[str, list[str]] = {
    Cargo.ALCALDIA: [Office.ALCALDIA, Office.PRESIDENCIA],
    Cargo.PRESIDENCIA: [Office.PRESIDENCIA, Office.ALCALDIA],
    Cargo.SECRETARIA: [Office.SECRETARIA, *offices.offices_for(offices.SECRETARIA)],
    Cargo.INTERVENCION: [Office.INTERVENCION, *offices.offices_for(offices.INTERVENCION)],
    Cargo.SECRETARIA_INTERVENCION: [Office.SECRETARIA_INTERVENCION],
    Cargo.TESORERIA: [Office.TESORERIA],
}


def _name(user) -> str:
    if user is None:
        return ""
    return (getattr(user, "display_name", "") or str(user))[:150]


def _required(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(message, code="required")
    if len(text) > MAX_MOTIVO:
        raise ValidationError(_("Escriba como máximo %(n)s caracteres.") % {"n": MAX_MOTIVO})
    return text


def historial(documento: Documento, accion: str, descripcion: str, user) -> Historial:
    """A row of the expediente's history about one of its documents."""
    return Historial.objects.create(
        expediente_id=documento.expediente_id, documento=documento, accion=accion[:60],
        descripcion=descripcion, user_id=getattr(user, "pk", None), user_name=_name(user))


def is_member(user_id: int, entity: Entity) -> bool:
    return Membership.objects.filter(user_id=user_id, entity=entity, is_active=True,
                                     user__is_active=True).exists()


# --- who signs ---------------------------------------------------------------------------


def resolver_paso(paso: PasoCircuito, entity: Entity, fecha: datetime.date) -> User:
    """The user who signs a step on `fecha`: the named user, or the member of the entity
    whose NIF is that of whoever holds the post that day. ValidationError, in Spanish,
    saying what to fix when there is nobody."""
    if paso.user_id:
        user = User.objects.filter(pk=paso.user_id).first()
        if user is None or not is_member(user.pk, entity):
            raise ValidationError(
                _("%(name)s, del paso %(orden)s del circuito, ya no es usuario de la entidad: "
                  "cambie el circuito.") % {"name": paso.user_name or paso.user_id,
                                            "orden": paso.orden})
        return user
    cargo = Cargo(paso.cargo)
    wanted = CARGO_OFFICES.get(cargo, [])
    holders = sorted(OfficeHolder.objects.for_entity(entity).on(fecha).filter(office__in=wanted),
                     key=lambda holder: wanted.index(holder.office))
    if not holders:
        raise ValidationError(
            _("Nadie ocupa hoy el cargo «%(cargo)s» (paso %(orden)s del circuito): regístrelo "
              "en los cargos de la entidad o cambie el circuito.")
            % {"cargo": cargo.label, "orden": paso.orden})
    holder = holders[0]
    user = None
    if holder.nif:
        user = (User.objects.filter(nif__iexact=holder.nif, is_active=True,
                                    memberships__entity=entity, memberships__is_active=True)
                .order_by("pk").first())
    if user is None:
        raise ValidationError(
            _("%(name)s (%(cargo)s) no es usuario de la plataforma en esta entidad con el mismo "
              "NIF que consta en los cargos: no se sabe quién firma el paso %(orden)s.")
            % {"name": holder.name, "cargo": cargo.label, "orden": paso.orden})
    return user


def titulares_delegantes(user_id: int, fecha: datetime.date) -> list[int]:
    """Whose signatures `user_id` may make on `fecha` by delegation."""
    return list(Delegacion.objects.filter(delegado_id=user_id, revoked_at__isnull=True,
                                          desde__lte=fecha, hasta__gte=fecha)
                .values_list("titular_id", flat=True))


def delegacion_para(firmante: Firmante, user, fecha: datetime.date) -> Delegacion | None:
    """None when `user` is the signer; the delegation in force under which they sign in
    the signer's place; ValidationError when they may not sign it."""
    if firmante.user_id == user.pk:
        return None
    delegacion = (Delegacion.objects.filter(titular_id=firmante.user_id, delegado_id=user.pk,
                                            revoked_at__isnull=True, desde__lte=fecha,
                                            hasta__gte=fecha).order_by("-desde", "-pk").first())
    if delegacion is None:
        raise ValidationError(_("No le corresponde firmar este documento, ni tiene una "
                                "delegación en vigor de %(name)s.") % {"name": firmante.user_name},
                              code="not_yours")
    return delegacion


def bandeja(user, *, fecha: datetime.date | None = None) -> QuerySet[Firmante]:
    """Every signature item `user` can see: their own, and those of whoever delegates in
    them today (pending items of the titular; what was signed by delegation stays visible
    to the delegate)."""
    fecha = fecha or timezone.localdate()
    titulares = titulares_delegantes(user.pk, fecha)
    mine = Q(user_id=user.pk) | Q(signed_by_id=user.pk)
    if titulares:
        mine |= Q(user_id__in=titulares, estado=EstadoFirmante.PENDIENTE)
    return (Firmante.objects.filter(mine)
            .select_related("peticion__documento__expediente", "delegacion"))


def pendientes(user, *, fecha: datetime.date | None = None) -> QuerySet[Firmante]:
    """What `user` has to sign now, in their own name or by delegation."""
    return bandeja(user, fecha=fecha).filter(estado=EstadoFirmante.PENDIENTE,
                                             peticion__estado=EstadoPeticion.EN_CURSO)


# --- sending to signature ----------------------------------------------------------------


def _congelar(documento: Documento, acting_user) -> Documento:
    """Render a draft to PDF and freeze it (the documents part owns how)."""
    from expedientes.documentos import congelar

    try:
        congelar(documento, acting_user=acting_user)
    except flujo.ExpedienteError as exc:
        raise ValidationError(exc.message, code="congelar") from exc
    return (Documento.objects.select_for_update(of=("self",)).select_related("expediente")
            .get(pk=documento.pk))


def enviar_a_firma(documento: Documento, circuito: CircuitoFirma, *, acting_user) -> PeticionFirma:
    """Send a document of an open expediente through `circuito` (a draft is frozen first).
    Refused for a document already in a circuit, signed, annulled or not a PDF."""
    entity = current_entity()
    today = timezone.localdate()
    if not circuito.is_active:
        raise ValidationError(_("El circuito «%(name)s» está desactivado.") % {"name": circuito.name})
    pasos = list(circuito.pasos.all())
    if not pasos:
        raise ValidationError(_("El circuito «%(name)s» no tiene pasos.") % {"name": circuito.name})
    signers = [(paso, resolver_paso(paso, entity, today)) for paso in pasos]
    with transaction.atomic():
        # The expediente first, then the document: the order of the expediente's actions.
        expediente = Expediente.objects.select_for_update(of=("self",)).get(
            pk=documento.expediente_id)
        try:
            flujo.exigir(expediente, flujo.DOCUMENTOS)
        except flujo.ExpedienteError as exc:
            raise ValidationError(exc.message, code="flujo") from exc
        documento = (Documento.objects.select_for_update(of=("self",))
                     .select_related("expediente").get(pk=documento.pk))
        if PeticionFirma.objects.filter(documento=documento,
                                        estado=EstadoPeticion.EN_CURSO).exists():
            raise ValidationError(_("«%(titulo)s» ya está en un circuito de firma.")
                                  % {"titulo": documento.titulo}, code="en_firma")
        if documento.estado not in ENVIABLES:
            raise ValidationError(_("«%(titulo)s» está «%(estado)s»: no se puede enviar a firma.")
                                  % {"titulo": documento.titulo,
                                     "estado": documento.get_estado_display()})
        previo = documento.estado
        if not documento.is_frozen:
            documento = _congelar(documento, acting_user)
        if documento.mime_type != "application/pdf" or not documento.contenido:
            raise ValidationError(_("Solo se firman documentos PDF: «%(titulo)s» no lo es.")
                                  % {"titulo": documento.titulo})
        peticion = PeticionFirma.objects.create(
            documento=documento, circuito_name=circuito.name, estado=EstadoPeticion.EN_CURSO,
            created_by_id=acting_user.pk, created_by_name=_name(acting_user),
            documento_estado_previo=previo)
        first = min(paso.orden for paso, _user in signers)
        Firmante.objects.bulk_create([
            Firmante(peticion=peticion, orden=paso.orden, cargo=paso.cargo, user_id=user.pk,
                     user_name=_name(user),
                     estado=EstadoFirmante.PENDIENTE if paso.orden == first
                     else EstadoFirmante.EN_ESPERA)
            for paso, user in signers])
        documento.estado = EstadoDocumento.EN_FIRMA
        documento.save(update_fields=["estado", "updated_at"])
        names = ", ".join(_name(user) for _paso, user in signers)
        historial(documento, _("Enviado a firma"),
                  _("«%(titulo)s» enviado al circuito «%(circuito)s»: %(names)s.")
                  % {"titulo": documento.titulo, "circuito": circuito.name, "names": names},
                  acting_user)
        audit.record("expedientes.firma.enviar", user=acting_user, entity=entity, obj=peticion,
                     detail={"documento": documento.pk, "circuito": circuito.name,
                             "firmantes": [user.pk for _paso, user in signers],
                             "sha256": documento.sha256})
    return peticion


# --- signing ----------------------------------------------------------------------------


def sin_certificado(user, entity: Entity) -> str:
    return _("%(name)s no tiene un certificado de empleado público %(de_entity)s, vigente y "
             "custodiado por la plataforma, con el que firmar. Pídalo a la oficina de registro "
             "de certificados de la Diputación a través de la persona administradora de "
             "usuarios.") % {"name": _name(user), "de_entity": entity.name_after_de}


def _lock(firmante: Firmante) -> tuple[Documento, PeticionFirma, list[Firmante], Firmante]:
    """Lock in a fixed order: the document, its request, the request's signers."""
    documento_id = Firmante.objects.filter(pk=firmante.pk).values_list(
        "peticion__documento_id", flat=True).first()
    if documento_id is None:
        raise ValidationError(_("Esa firma ya no existe."))
    documento = (Documento.objects.select_for_update(of=("self",)).select_related("expediente")
                 .get(pk=documento_id))
    peticion = PeticionFirma.objects.select_for_update().get(pk=firmante.peticion_id)
    firmantes = list(Firmante.objects.select_for_update().filter(peticion=peticion)
                     .order_by("orden", "pk"))
    current = next(f for f in firmantes if f.pk == firmante.pk)
    return documento, peticion, firmantes, current


def _check_turn(peticion: PeticionFirma, firmante: Firmante) -> None:
    if peticion.estado != EstadoPeticion.EN_CURSO:
        raise ValidationError(_("La petición de firma ya no está en curso: está «%(estado)s».")
                              % {"estado": peticion.get_estado_display()}, code="closed")
    if firmante.estado == EstadoFirmante.EN_ESPERA:
        raise ValidationError(_("Aún no le toca: faltan las firmas de los pasos anteriores."),
                              code="waiting")
    if firmante.estado != EstadoFirmante.PENDIENTE:
        raise ValidationError(_("Esta firma ya está «%(estado)s».")
                              % {"estado": firmante.get_estado_display()}, code="done")


def _read(documento: Documento) -> bytes:
    with documento.contenido.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != documento.sha256:
        raise ValidationError(_("El fichero de «%(titulo)s» no coincide con su huella: no se "
                                "firma. Avise al soporte.") % {"titulo": documento.titulo})
    return content


def _stamp_box(pdf: bytes, slot: int) -> tuple[float, float, float, float] | None:
    """Where the `slot`-th signature's stamp goes on the last page."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        page = reader.root["/Pages"]
        last = reader.find_page_for_modification(-1)[0].get_object()
        left, bottom, right, _top = (float(v) for v in last.get("/MediaBox")
                                     or page.get("/MediaBox"))
    except Exception:  # noqa: BLE001 - an odd page tree: pyHanko places it itself
        return None
    width = (right - left - 2 * STAMP_MARGIN - (STAMP_COLUMNS - 1) * STAMP_GAP) / STAMP_COLUMNS
    column, row = slot % STAMP_COLUMNS, slot // STAMP_COLUMNS
    x = left + STAMP_MARGIN + column * (width + STAMP_GAP)
    y = bottom + STAMP_BOTTOM + row * (STAMP_HEIGHT + STAMP_GAP)
    return (x, y, x + width, y + STAMP_HEIGHT)


def _existing_signatures(pdf: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        return len(PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures)
    except Exception:  # noqa: BLE001 - counted only to place the stamp
        return 0


def signer_label(identity: SigningIdentity, firmante: Firmante,
                 delegacion: Delegacion | None) -> str:
    """Who signs, as the stamp prints it: «Ana Gil Soler (Alcaldía)», and «por delegación
    de …» when a delegate signs."""
    name = identity.label or identity.certificate.subject.rfc4514_string()
    if firmante.cargo != Cargo.TECNICO:
        name = f"{name} ({Cargo(firmante.cargo).label})"
    if delegacion is not None:
        name = _("%(name)s, por delegación de %(titular)s") % {"name": name,
                                                                "titular": firmante.user_name}
    return name


def _sign_bytes(content: bytes, identity: SigningIdentity, documento: Documento,
                firmante: Firmante, entity: Entity) -> bytes:
    from provincial.signing import pades
    from provincial.signing.timestamps import TimestampError

    with translation.override(settings.LANGUAGE_CODE):
        arguments = {
            "csv": documento.csv, "location": entity.province,
            "reason": _("Firma como %(cargo)s en el expediente %(codigo)s")
            % {"cargo": Cargo(firmante.cargo).label, "codigo": documento.expediente.codigo},
            "field_name": f"Firma-{firmante.pk}",
            "box": _stamp_box(content, _existing_signatures(content)),
            "purpose": f"PAdES expediente {documento.expediente.codigo} documento {documento.pk}"}
        try:
            try:
                return pades.sign_pdf(content, identity, **arguments)
            except TimestampError as exc:
                if getattr(settings, "SIGNING_TSA_REQUIRED", False):
                    raise
                logger.warning("portafirmas signature without a timestamp: %s", exc)
                return pades.sign_pdf(content, identity, timestamper=None, **arguments)
        except SigningError as exc:
            raise ValidationError(str(exc), code="signing") from exc


def _registrar_firma(documento: Documento, peticion: PeticionFirma, firmantes: list[Firmante],
                     firmante: Firmante, signed: bytes, certificate, *,
                     delegacion: Delegacion | None, acting_user, entity: Entity) -> None:
    """Everything after the signature bytes exist (the seam of a client-side signer):
    store the revision, mark the signer, advance the circuit, transcribe."""
    from expedientes import libro
    from provincial.signing.validation import CertificateInfo

    now = timezone.now()
    old_name = documento.contenido.name
    documento.contenido.save("documento", ContentFile(signed), save=False)
    documento.sha256 = hashlib.sha256(signed).hexdigest()
    documento.size = len(signed)
    documento.save(update_fields=["contenido", "sha256", "size", "updated_at"])
    storage = documento.contenido.storage
    # The earlier revision is a prefix of the new bytes: drop its file once committed.
    transaction.on_commit(lambda: storage.delete(old_name) if old_name else None)

    info = CertificateInfo.from_certificate(certificate)
    firmante.estado = EstadoFirmante.FIRMADO
    firmante.signed_by_id, firmante.signed_by_name = acting_user.pk, _name(acting_user)
    firmante.signed_at = now
    firmante.certificate_subject = info.subject[:300]
    firmante.certificate_serial = info.serial[:64]
    firmante.delegacion = delegacion
    firmante.sha256_firmado = documento.sha256
    firmante.save(update_fields=["estado", "signed_by_id", "signed_by_name", "signed_at",
                                 "certificate_subject", "certificate_serial", "delegacion",
                                 "sha256_firmado"])
    quien = _name(acting_user) if delegacion is None else \
        _("%(name)s por delegación de %(titular)s") % {"name": _name(acting_user),
                                                        "titular": firmante.user_name}
    historial(documento, _("Firmado"),
              _("Firmado por %(quien)s como %(cargo)s con el certificado %(cn)s (n.º de serie "
                "%(serial)s).") % {"quien": quien, "cargo": firmante.get_cargo_display(),
                                   "cn": info.common_name or info.subject,
                                   "serial": info.serial}, acting_user)
    audit.record("expedientes.firma.firmar", user=acting_user, entity=entity, obj=firmante,
                 detail={"documento": documento.pk, "peticion": peticion.pk,
                         "titular": firmante.user_id,
                         "delegacion": delegacion.pk if delegacion else None,
                         "certificado": info.serial, "sha256": documento.sha256})
    _advance(documento, peticion, firmantes, now=now, acting_user=acting_user)
    if peticion.estado == EstadoPeticion.FIRMADA and libro.requiere_transcripcion(
            documento, firmantes):
        libro.transcribir(documento, firmantes=firmantes, acting_user=acting_user)


def _advance(documento: Documento, peticion: PeticionFirma, firmantes: list[Firmante], *,
             now: datetime.datetime, acting_user) -> None:
    """Open the next step when every signer of the current one has signed; close the
    request when none is left."""
    if any(f.estado == EstadoFirmante.PENDIENTE for f in firmantes):
        return
    waiting = [f for f in firmantes if f.estado == EstadoFirmante.EN_ESPERA]
    if waiting:
        nxt = min(f.orden for f in waiting)
        for f in waiting:
            if f.orden == nxt:
                f.estado = EstadoFirmante.PENDIENTE
                f.save(update_fields=["estado"])
        return
    peticion.estado, peticion.finished_at = EstadoPeticion.FIRMADA, now
    peticion.save(update_fields=["estado", "finished_at"])
    documento.estado = EstadoDocumento.FIRMADO
    documento.save(update_fields=["estado", "updated_at"])
    historial(documento, _("Firma completa"),
              _("«%(titulo)s» tiene todas las firmas del circuito «%(circuito)s».")
              % {"titulo": documento.titulo, "circuito": peticion.circuito_name}, acting_user)


def firmar(firmante: Firmante, *, acting_user) -> Firmante:
    """Sign one pending item, in the signer's name or by delegation. ValidationError, in
    Spanish, when it is not the user's turn or they have no usable certificate."""
    entity = current_entity()
    today = timezone.localdate()
    with transaction.atomic():
        documento, peticion, firmantes, firmante = _lock(firmante)
        _check_turn(peticion, firmante)
        delegacion = delegacion_para(firmante, acting_user, today)
        identity = signing.signer_for(acting_user, entity)
        if identity is None:
            raise ValidationError(sin_certificado(acting_user, entity), code="no_certificate")
        identity = dataclasses.replace(identity,
                                       label=signer_label(identity, firmante, delegacion))
        signed = _sign_bytes(_read(documento), identity, documento, firmante, entity)
        _registrar_firma(documento, peticion, firmantes, firmante, signed, identity.certificate,
                         delegacion=delegacion, acting_user=acting_user, entity=entity)
    return firmante


@dataclass(frozen=True)
class ResultadoFirma:
    """How one item of a batch went."""

    firmante_id: int
    titulo: str
    ok: bool
    mensaje: str = ""


def firmar_lote(firmantes: list[Firmante], *, acting_user) -> list[ResultadoFirma]:
    """Sign each item in its own transaction: a failure is reported and the rest go on."""
    results = []
    for firmante in firmantes:
        titulo = firmante.peticion.documento.titulo
        try:
            firmar(firmante, acting_user=acting_user)
        except ValidationError as exc:
            results.append(ResultadoFirma(firmante.pk, titulo, False, " ".join(exc.messages)))
        else:
            results.append(ResultadoFirma(firmante.pk, titulo, True))
    return results


def rechazar(firmante: Firmante, motivo: str, *, acting_user) -> Firmante:
    """Reject signing, with a reason: the request ends (RECHAZADA), whoever had not signed
    is left out, and the document is «firma rechazada» (its frozen bytes stay)."""
    entity = current_entity()
    motivo = _required(motivo, _("Diga por qué rechaza la firma: se anota en el expediente."))
    with transaction.atomic():
        documento, peticion, firmantes, firmante = _lock(firmante)
        _check_turn(peticion, firmante)
        delegacion = delegacion_para(firmante, acting_user, timezone.localdate())
        now = timezone.now()
        firmante.estado, firmante.motivo_rechazo = EstadoFirmante.RECHAZADO, motivo
        firmante.signed_by_id, firmante.signed_by_name = acting_user.pk, _name(acting_user)
        firmante.signed_at, firmante.delegacion = now, delegacion
        firmante.save(update_fields=["estado", "motivo_rechazo", "signed_by_id",
                                     "signed_by_name", "signed_at", "delegacion"])
        _close(documento, peticion, firmantes, EstadoPeticion.RECHAZADA, EstadoDocumento.RECHAZADO,
               now=now)
        historial(documento, _("Firma rechazada"),
                  _("%(name)s (%(cargo)s) rechaza firmar «%(titulo)s». Motivo: %(motivo)s")
                  % {"name": _name(acting_user), "cargo": firmante.get_cargo_display(),
                     "titulo": documento.titulo, "motivo": motivo}, acting_user)
        audit.record("expedientes.firma.rechazar", user=acting_user, entity=entity, obj=firmante,
                     detail={"documento": documento.pk, "peticion": peticion.pk,
                             "motivo": motivo[:500],
                             "delegacion": delegacion.pk if delegacion else None})
    return firmante


def _close(documento: Documento, peticion: PeticionFirma, firmantes: list[Firmante],
           estado_peticion: str, estado_documento: str, *, now: datetime.datetime) -> None:
    for f in firmantes:
        if f.estado in (EstadoFirmante.PENDIENTE, EstadoFirmante.EN_ESPERA):
            f.estado = EstadoFirmante.OMITIDO
            f.save(update_fields=["estado"])
    peticion.estado, peticion.finished_at = estado_peticion, now
    peticion.save(update_fields=["estado", "finished_at", "motivo_retirada"])
    documento.estado = estado_documento
    documento.save(update_fields=["estado", "updated_at"])


def puede_retirar(peticion: PeticionFirma, user, entity: Entity) -> bool:
    """Who sent it, or the entity's user administrator."""
    return peticion.created_by_id == user.pk or Membership.objects.filter(
        user_id=user.pk, entity=entity, is_active=True, role=MembershipRole.USER_ADMIN).exists()


def retirar(peticion: PeticionFirma, motivo: str, *, acting_user) -> PeticionFirma:
    """Withdraw a request in course (whoever sent it, or the user administrator): the
    document goes back to the state it had (signatures already made stay in its bytes)."""
    entity = current_entity()
    motivo = _required(motivo, _("Diga por qué retira el documento del portafirmas."))
    if not puede_retirar(peticion, acting_user, entity):
        raise ValidationError(_("Solo quien lo envió a firma o la persona administradora de "
                                "usuarios puede retirarlo."), code="not_yours")
    with transaction.atomic():
        documento = Documento.objects.select_for_update(of=("self",)).get(
            pk=peticion.documento_id)
        peticion = PeticionFirma.objects.select_for_update().get(pk=peticion.pk)
        firmantes = list(Firmante.objects.select_for_update().filter(peticion=peticion))
        if peticion.estado != EstadoPeticion.EN_CURSO:
            raise ValidationError(_("La petición de firma ya está «%(estado)s».")
                                  % {"estado": peticion.get_estado_display()}, code="closed")
        peticion.motivo_retirada = motivo
        _close(documento, peticion, firmantes, EstadoPeticion.RETIRADA,
               peticion.documento_estado_previo or EstadoDocumento.RECHAZADO, now=timezone.now())
        historial(documento, _("Retirado del portafirmas"),
                  _("«%(titulo)s» retirado del circuito «%(circuito)s». Motivo: %(motivo)s")
                  % {"titulo": documento.titulo, "circuito": peticion.circuito_name,
                     "motivo": motivo}, acting_user)
        audit.record("expedientes.firma.retirar", user=acting_user, entity=entity, obj=peticion,
                     detail={"documento": documento.pk, "motivo": motivo[:500]})
    return peticion


# --- circuits -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PasoData:
    """One step as a form gives it: a post, or a named user (required for TECNICO)."""

    orden: int
    cargo: str
    user: User | None = None


def _clean_pasos(pasos: list[PasoData], entity: Entity) -> list[PasoData]:
    if not pasos:
        raise ValidationError({"pasos": [_("Añada al menos un paso al circuito.")]})
    for paso in pasos:
        if paso.cargo not in Cargo.values:
            raise ValidationError({"pasos": [_("Elija el cargo de cada paso.")]})
        if paso.orden < 1:
            raise ValidationError({"pasos": [_("El orden de cada paso es un número desde 1.")]})
        if paso.cargo == Cargo.TECNICO and paso.user is None:
            raise ValidationError({"pasos": [_("Un paso de técnico o persona designada "
                                               "necesita a la persona que firma.")]})
        if paso.user is not None and not is_member(paso.user.pk, entity):
            raise ValidationError({"pasos": [_("%(name)s no es usuario de la entidad.")
                                             % {"name": _name(paso.user)}]})
    return sorted(pasos, key=lambda paso: paso.orden)


def guardar_circuito(circuito: CircuitoFirma | None, *, name: str, pasos: list[PasoData],
                     acting_user, description: str = "", is_active: bool = True
                     ) -> CircuitoFirma:
    """Create a circuit or replace one's data and steps (requests already on their way
    keep the signers they were given)."""
    entity = current_entity()
    name = " ".join((name or "").split())[:200]
    if not name:
        raise ValidationError({"name": [_("Ponga un nombre al circuito.")]})
    pasos = _clean_pasos(pasos, entity)
    taken = CircuitoFirma.objects.filter(name__iexact=name)
    if circuito is not None:
        taken = taken.exclude(pk=circuito.pk)
    if taken.exists():
        raise ValidationError({"name": [_("Ya hay un circuito con ese nombre.")]})
    created = circuito is None
    with transaction.atomic():
        if circuito is None:
            circuito = CircuitoFirma.objects.create(name=name, description=description,
                                                    is_active=is_active)
        else:
            circuito = CircuitoFirma.objects.select_for_update().get(pk=circuito.pk)
            circuito.name, circuito.description, circuito.is_active = name, description, is_active
            circuito.save(update_fields=["name", "description", "is_active", "updated_at"])
            circuito.pasos.all().delete()
        PasoCircuito.objects.bulk_create([
            PasoCircuito(circuito=circuito, orden=paso.orden, cargo=paso.cargo,
                         user_id=paso.user.pk if paso.user else None,
                         user_name=_name(paso.user)) for paso in pasos])
        audit.record("expedientes.circuito.crear" if created else "expedientes.circuito.modificar",
                     user=acting_user, entity=entity, obj=circuito,
                     detail={"name": name, "is_active": is_active,
                             "pasos": [[p.orden, p.cargo, p.user.pk if p.user else None]
                                       for p in pasos]})
    return circuito


# --- delegations --------------------------------------------------------------------------


def is_user_admin(user, entity: Entity) -> bool:
    return Membership.objects.filter(user_id=user.pk, entity=entity, is_active=True,
                                     role=MembershipRole.USER_ADMIN).exists()


def crear_delegacion(*, titular: User, delegado: User, desde: datetime.date,
                     hasta: datetime.date, acting_user, motivo: str = "") -> Delegacion:
    """During [desde, hasta] `delegado` signs what reaches `titular`'s inbox. Made by the
    titular, or by the entity's user administrator; one delegation at a time per titular."""
    entity = current_entity()
    if acting_user.pk != titular.pk and not is_user_admin(acting_user, entity):
        raise ValidationError(_("Solo puede delegar su propia firma."), code="not_yours")
    errors: dict[str, list[str]] = {}
    if delegado.pk == titular.pk:
        errors["delegado"] = [_("Elija a otra persona: no puede delegar en sí misma.")]
    elif not Membership.objects.filter(user_id=delegado.pk, entity=entity, is_active=True,
                                       applications__contains=[APPLICATION]).exists():
        errors["delegado"] = [_("%(name)s no usa los expedientes en esta entidad.")
                              % {"name": _name(delegado)}]
    if hasta < desde:
        errors["hasta"] = [_("La fecha final es anterior a la inicial.")]
    elif hasta < timezone.localdate():
        errors["hasta"] = [_("El periodo ya ha terminado.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Serialises the titular's delegations: the overlap check and the insert are one step.
        list(Delegacion.objects.select_for_update().filter(titular_id=titular.pk))
        clash = Delegacion.objects.filter(titular_id=titular.pk, revoked_at__isnull=True,
                                          desde__lte=hasta, hasta__gte=desde).first()
        if clash is not None:
            raise ValidationError({"desde": [
                _("Ya delega en %(name)s del %(desde)s al %(hasta)s: revóquela antes o cambie "
                  "las fechas.") % {"name": clash.delegado_name,
                                    "desde": f"{clash.desde:%d/%m/%Y}",
                                    "hasta": f"{clash.hasta:%d/%m/%Y}"}]})
        delegacion = Delegacion.objects.create(
            titular_id=titular.pk, titular_name=_name(titular), delegado_id=delegado.pk,
            delegado_name=_name(delegado), desde=desde, hasta=hasta, motivo=motivo[:250])
        audit.record("expedientes.delegacion.crear", user=acting_user, entity=entity,
                     obj=delegacion, detail={"titular": titular.pk, "delegado": delegado.pk,
                                             "desde": desde.isoformat(),
                                             "hasta": hasta.isoformat()})
    return delegacion


def revocar_delegacion(delegacion: Delegacion, *, acting_user) -> Delegacion:
    """End a delegation now (the titular, the delegate or the user administrator)."""
    entity = current_entity()
    if acting_user.pk not in (delegacion.titular_id, delegacion.delegado_id) \
            and not is_user_admin(acting_user, entity):
        raise ValidationError(_("Solo la persona titular, la delegada o la administradora de "
                                "usuarios pueden revocarla."), code="not_yours")
    with transaction.atomic():
        delegacion = Delegacion.objects.select_for_update().get(pk=delegacion.pk)
        if delegacion.revoked_at is not None:
            raise ValidationError(_("Esa delegación ya estaba revocada."), code="done")
        delegacion.revoked_at = timezone.now()
        delegacion.save(update_fields=["revoked_at"])
        audit.record("expedientes.delegacion.revocar", user=acting_user, entity=entity,
                     obj=delegacion, detail={"titular": delegacion.titular_id,
                                             "delegado": delegacion.delegado_id})
    return delegacion
