"""Every change of a certificate: one function per operation, in one transaction under the
row's lock, with its history entry (reason, date, who) and its audit record.

Views, the admin, commands and tasks all call these. A refusal is a ValidationError with a
Spanish message; an authority's refusal (AuthorityError) undoes the whole operation.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import (
    PrivateFormat,
    pkcs12,
)
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificados import authorities, conf, flujo, pki
from certificados.authorities import AuthorityError, Issued
from certificados.choices import (
    Accion,
    Autoridad,
    Custodia,
    Estado,
    MotivoRevocacion,
    Operacion,
    Tipo,
    TipoDocumento,
)
from certificados.models import Adjunto, Certificado, Evento, LocalCA
from certificados.validators import clean_dir3, clean_person_nif, clean_sede_domain
from provincial import audit
from provincial.signing import keys
from provincial.uploads import check_upload

ALLOWED_KINDS = ("pdf", "png", "jpeg")
PKCS12_MIN_PASSWORD = 12


@dataclass(frozen=True)
class NuevaSolicitud:
    """What the entity states in a request (validated by `solicitar`)."""

    kind: str
    authority: str
    holder_given_name: str
    holder_surnames: str
    holder_nif: str
    holder_email: str
    holder_position: str
    organo: str
    dir3_code: str
    sede_domain: str = ""
    notes: str = ""


def _lock(certificado: Certificado) -> Certificado:
    return Certificado.objects.select_for_update(of=("self",)).select_related(
        "entity", "local_ca").get(pk=certificado.pk)


def _event(certificado: Certificado, action: str, *, operator, old: str = "", new: str = "",
           reason: str = "", data: dict | None = None, now: datetime.datetime) -> Evento:
    return Evento.objects.create(certificado=certificado, action=action, from_state=old,
                                 to_state=new, reason=reason, data=data or {},
                                 operator=operator if operator is not None and operator.pk else None,
                                 created_at=now)


def _detail(certificado: Certificado, old: str, reason: str = "", **extra) -> dict:
    return {"reference": certificado.reference, "from": old, "to": certificado.state,
            "reason": reason[:500], **extra}


def _required(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(message, code="reason_required")
    return reason


def _authority_call(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except AuthorityError as exc:
        raise ValidationError(str(exc), code="authority") from exc


# --- the entity's side ------------------------------------------------------------------------


def check_attachments(uploads: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    """Accepted supporting documents (PDF or image, by content) with their kind."""
    uploads = [upload for upload in uploads if upload]
    if len(uploads) > conf.ATTACHMENTS_MAX:
        raise ValidationError(_("Adjunte como máximo %(n)s documentos.") % {"n": conf.ATTACHMENTS_MAX})
    return [(upload, check_upload(upload, allowed=ALLOWED_KINDS,
                                  max_bytes=conf.attachment_max_bytes())) for upload in uploads]


def _save_attachments(certificado: Certificado, checked: Iterable[tuple[UploadedFile, str]],
                      doc_type: str, *, operator, now: datetime.datetime) -> list[Adjunto]:
    saved = []
    for upload, kind in checked:
        upload.seek(0)
        content = upload.read()
        adjunto = Adjunto(certificado=certificado, doc_type=doc_type, name=upload.name[:200],
                          kind=kind, size=len(content),
                          sha256=hashlib.sha256(content).hexdigest(), uploaded_by=operator,
                          created_at=now)
        adjunto.file.save(upload.name, ContentFile(content), save=True)
        saved.append(adjunto)
    return saved


def validate_solicitud(entity, data: NuevaSolicitud) -> NuevaSolicitud:
    """The request with its identifiers normalised, or a ValidationError per field."""
    errors: dict[str, list] = {}
    cleaned = dict(data.__dict__)
    if data.kind not in Tipo.values:
        errors["kind"] = [_("Elija el tipo de certificado.")]
    if data.authority not in Autoridad.values:
        errors["authority"] = [_("Elija la autoridad de certificación.")]
    for name, check in (("holder_nif", clean_person_nif),
                        ("dir3_code", lambda value: clean_dir3(value, entity))):
        try:
            cleaned[name] = check(getattr(data, name))
        except ValidationError as exc:
            errors[name] = exc.messages
    for name, message in (("holder_given_name", _("Escriba el nombre.")),
                          ("holder_surnames", _("Escriba los apellidos.")),
                          ("holder_email", _("Escriba el correo electrónico.")),
                          ("holder_position", _("Escriba el cargo o puesto.")),
                          ("organo", _("Escriba el órgano o la unidad."))):
        cleaned[name] = (getattr(data, name) or "").strip()
        if not cleaned[name]:
            errors[name] = [message]
    if data.kind == Tipo.SEDE:
        try:
            cleaned["sede_domain"] = clean_sede_domain(data.sede_domain)
        except ValidationError as exc:
            errors["sede_domain"] = exc.messages
    else:
        cleaned["sede_domain"] = ""
    if errors:
        raise ValidationError(errors)
    return NuevaSolicitud(**cleaned)


def solicitar(entity, data: NuevaSolicitud, *, operator, attachments=(),
              doc_type: str = TipoDocumento.OTRO, renews: Certificado | None = None,
              now: datetime.datetime | None = None) -> Certificado:
    """The entity's user administrator requests a certificate for its staff, its sede or
    its sello."""
    now = now or timezone.now()
    data = validate_solicitud(entity, data)
    if renews is not None and renews.entity_id != entity.pk:
        raise ValidationError(_("Solo se renueva un certificado de la misma entidad."))
    checked = check_attachments(attachments)
    with transaction.atomic():
        certificado = Certificado.objects.create(entity=entity, requested_by=operator,
                                                 created_at=now, renews=renews, **data.__dict__)
        _event(certificado, Accion.SOLICITUD, operator=operator, new=Estado.SOLICITADO,
               reason=data.notes, now=now,
               data={"renews": renews.reference} if renews is not None else {})
        _save_attachments(certificado, checked, doc_type, operator=operator, now=now)
        audit.record("certificados.solicitud.crear", user=operator, entity=entity,
                     obj=certificado, subject=data.holder_nif,
                     detail={"reference": certificado.reference, "kind": data.kind,
                             "authority": data.authority})
    return certificado


def adjuntar(certificado: Certificado, uploads: Sequence[UploadedFile], doc_type: str, *,
             operator, now: datetime.datetime | None = None) -> list[Adjunto]:
    """Add supporting documents to a request not yet decided."""
    now = now or timezone.now()
    if doc_type not in TipoDocumento.values:
        raise ValidationError(_("Elija qué documento es."))
    checked = check_attachments(uploads)
    if not checked:
        raise ValidationError(_("Elija al menos un fichero."))
    with transaction.atomic():
        certificado = _lock(certificado)
        if certificado.state not in Estado.pending():
            raise ValidationError(_("%(ref)s ya no admite documentos: está «%(state)s».")
                                  % {"ref": certificado.reference,
                                     "state": certificado.get_state_display()})
        saved = _save_attachments(certificado, checked, doc_type, operator=operator, now=now)
        _event(certificado, Accion.ADJUNTO, operator=operator, now=now,
               reason=", ".join(a.name for a in saved), data={"adjuntos": [a.pk for a in saved]})
        audit.record("certificados.adjunto.subir", user=operator, entity=certificado.entity,
                     obj=certificado, detail={"files": [a.name for a in saved]})
    return saved


def anular(certificado: Certificado, reason: str, *, operator,
           now: datetime.datetime | None = None) -> Certificado:
    """The entity withdraws a request that has not reached the authority."""
    now = now or timezone.now()
    reason = _required(reason, _("Diga por qué anula la solicitud."))
    with transaction.atomic():
        certificado = _lock(certificado)
        old = certificado.state
        certificado.state = flujo.check("anular", certificado)
        certificado.save(update_fields=["state", "updated_at"])
        _event(certificado, Accion.ANULACION, operator=operator, old=old, new=certificado.state,
               reason=reason, now=now)
        audit.record("certificados.solicitud.anular", user=operator, entity=certificado.entity,
                     obj=certificado, detail=_detail(certificado, old, reason))
    return certificado


OPERATION_SOURCES = {Operacion.SUSPENDER: "suspender", Operacion.LEVANTAR: "levantar",
                     Operacion.REVOCAR: "revocar"}


def pedir_operacion(certificado: Certificado, operacion: str, reason: str, *, operator,
                    now: datetime.datetime | None = None) -> Certificado:
    """The entity asks the registration office to suspend, lift or revoke a certificate
    (the office decides; one petition pending at a time, a newer one replaces it)."""
    now = now or timezone.now()
    if operacion not in Operacion.values:
        raise ValidationError(_("Elija qué pide."))
    reason = _required(reason, _("Diga el motivo de la petición."))
    with transaction.atomic():
        certificado = _lock(certificado)
        if not flujo.allowed(OPERATION_SOURCES[Operacion(operacion)], certificado.state):
            raise ValidationError(
                _("No se puede pedir %(op)s de %(ref)s: está «%(state)s».")
                % {"op": Operacion(operacion).with_article, "ref": certificado.reference,
                   "state": certificado.get_state_display()})
        certificado.requested_operation = operacion
        certificado.requested_operation_reason = reason
        certificado.requested_operation_at = now
        certificado.requested_operation_by = operator
        certificado.save(update_fields=["requested_operation", "requested_operation_reason",
                                        "requested_operation_at", "requested_operation_by",
                                        "updated_at"])
        _event(certificado, Accion.PETICION, operator=operator, reason=reason, now=now,
               data={"operation": operacion})
        audit.record("certificados.peticion.crear", user=operator, entity=certificado.entity,
                     obj=certificado, detail={"operation": operacion, "reason": reason[:500]})
    return certificado


def _clear_petition(certificado: Certificado) -> list[str]:
    certificado.requested_operation = ""
    certificado.requested_operation_reason = ""
    certificado.requested_operation_at = None
    certificado.requested_operation_by = None
    return ["requested_operation", "requested_operation_reason", "requested_operation_at",
            "requested_operation_by"]


# --- the registration office ------------------------------------------------------------------


def acreditar(certificado: Certificado, note: str, *, operator,
              now: datetime.datetime | None = None) -> Certificado:
    """The registrador has verified the holder's identity and position (acreditación):
    the note says what was checked (document seen, appointment)."""
    now = now or timezone.now()
    note = _required(note, _("Anote qué comprobó (documento de identidad visto, "
                             "nombramiento…)."))
    with transaction.atomic():
        certificado = _lock(certificado)
        old = certificado.state
        certificado.state = flujo.check("acreditar", certificado)
        certificado.save(update_fields=["state", "updated_at"])
        _event(certificado, Accion.ACREDITACION, operator=operator, old=old,
               new=certificado.state, reason=note, now=now)
        audit.record("certificados.solicitud.acreditar", user=operator, entity=certificado.entity,
                     obj=certificado, subject=certificado.holder_nif,
                     detail=_detail(certificado, old, note))
    return certificado


def rechazar(certificado: Certificado, reason: str, *, operator,
             now: datetime.datetime | None = None) -> Certificado:
    """The office (or the authority, as the office records) refuses the request."""
    now = now or timezone.now()
    reason = _required(reason, _("Diga el motivo del rechazo: se comunica a la entidad."))
    with transaction.atomic():
        certificado = _lock(certificado)
        old = certificado.state
        certificado.state = flujo.check("rechazar", certificado)
        certificado.save(update_fields=["state", "updated_at"])
        _event(certificado, Accion.RECHAZO, operator=operator, old=old, new=certificado.state,
               reason=reason, now=now)
        audit.record("certificados.solicitud.rechazar", user=operator, entity=certificado.entity,
                     obj=certificado, detail=_detail(certificado, old, reason))
    return certificado


def enviar(certificado: Certificado, external_reference: str, note: str = "", *, operator,
           now: datetime.datetime | None = None) -> Certificado:
    """The operator has entered the request in the authority's registration application;
    records the request code it gave."""
    now = now or timezone.now()
    with transaction.atomic():
        certificado = _lock(certificado)
        if certificado.is_issued_here:
            raise ValidationError(_("La AC de la plataforma no recibe envíos: emita el "
                                    "certificado directamente."))
        old = certificado.state
        certificado.state = flujo.check("enviar", certificado)
        authority = authorities.get(certificado.authority)
        _authority_call(authority.submit, certificado, external_reference=external_reference)
        certificado.external_reference = external_reference.strip()
        certificado.save(update_fields=["state", "external_reference", "updated_at"])
        _event(certificado, Accion.ENVIO, operator=operator, old=old, new=certificado.state,
               reason=note, now=now, data={"external_reference": certificado.external_reference})
        audit.record("certificados.solicitud.enviar", user=operator, entity=certificado.entity,
                     obj=certificado, detail=_detail(certificado, old, note,
                                                     external=certificado.external_reference))
    return certificado


def _store(certificado: Certificado, issued: Issued, *, platform_custody: bool = False
           ) -> list[str]:
    """Keep the issued certificate on the row; a private key only encrypted, and only for a
    sello or an employee's signing key the platform holds (`platform_custody`, the
    portafirmas), or until its one delivery to the holder."""
    from certificados.authorities.local import pem

    certificate = issued.certificate
    certificado.certificate_pem = pem(certificate)
    certificado.chain_pem = "".join(pem(c) for c in issued.chain)
    certificado.serial_hex = format(certificate.serial_number, "X")
    certificado.subject = pki.readable(certificate.subject)
    certificado.issuer = pki.readable(certificate.issuer)
    certificado.not_before = certificate.not_valid_before_utc
    certificado.not_after = certificate.not_valid_after_utc
    if issued.private_key is None:
        certificado.key_custody, certificado.key_token = Custodia.NINGUNA, ""
    else:
        certificado.key_custody = (Custodia.PLATAFORMA
                                   if certificado.kind == Tipo.SELLO or platform_custody
                                   else Custodia.PENDIENTE_ENTREGA)
        certificado.key_token = keys.encrypt_private_key(issued.private_key)
    duplicate = Certificado.objects.filter(issuer=certificado.issuer,
                                           serial_hex=certificado.serial_hex) \
        .exclude(pk=certificado.pk).first()
    if duplicate is not None:
        raise ValidationError(_("Ese certificado ya está registrado en %(ref)s.")
                              % {"ref": duplicate.reference}, code="duplicate")
    return ["certificate_pem", "chain_pem", "serial_hex", "subject", "issuer", "not_before",
            "not_after", "key_custody", "key_token", "local_ca"]


def _save_issued(certificado: Certificado, fields: list[str]) -> None:
    try:
        with transaction.atomic():
            certificado.save(update_fields=[*fields, "state", "updated_at"])
    except IntegrityError as exc:
        raise ValidationError(_("Ese certificado ya está registrado en otra solicitud."),
                              code="duplicate") from exc


def emitir(certificado: Certificado, *, operator, csr_pem: bytes | None = None,
           note: str = "", now: datetime.datetime | None = None,
           platform_custody: bool = False) -> Certificado:
    """Issue the certificate of an accredited request with the platform's local CA.
    `platform_custody`: an employee's key is kept encrypted for signing on the platform
    (the portafirmas, `certificados.sellos.signer_for`) instead of delivered once."""
    now = now or timezone.now()
    with transaction.atomic():
        certificado = _lock(certificado)
        if not certificado.is_issued_here:
            raise ValidationError(_("Esta solicitud es para %(authority)s: envíela y registre "
                                    "el certificado que emita.")
                                  % {"authority": certificado.get_authority_display()})
        old = certificado.state
        certificado.state = flujo.check("emitir", certificado)
        if csr_pem and certificado.kind == Tipo.SELLO:
            raise ValidationError(_("La clave de un sello la genera la plataforma, que la "
                                    "guarda cifrada para firmar: no adjunte una petición."))
        issued = _authority_call(authorities.get(Autoridad.LOCAL).issue, certificado,
                                 csr_pem=csr_pem, now=now)
        _save_issued(certificado, _store(certificado, issued,
                                         platform_custody=platform_custody and not csr_pem))
        _event(certificado, Accion.EMISION, operator=operator, old=old, new=certificado.state,
               reason=note, now=now,
               data={"serial": certificado.serial_hex, "csr": bool(csr_pem),
                     "custody": certificado.key_custody})
        audit.record("certificados.certificado.emitir", user=operator, entity=certificado.entity,
                     obj=certificado, detail=_detail(certificado, old, note,
                                                     serial=certificado.serial_hex))
    return certificado


def registrar_emitido(certificado: Certificado, data: bytes, *, operator, password: str = "",
                      note: str = "", now: datetime.datetime | None = None) -> Certificado:
    """Record the certificate the authority issued for a request sent to it, after checking
    it is that request's (holder, entity, kind, dates); a sello's PKCS#12 key is kept
    encrypted."""
    now = now or timezone.now()
    if len(data) > conf.UPLOAD_CERTIFICATE_MAX_BYTES:
        raise ValidationError(_("El fichero ocupa demasiado para ser un certificado."))
    with transaction.atomic():
        certificado = _lock(certificado)
        old = certificado.state
        certificado.state = flujo.check("registrar", certificado)
        issued = _authority_call(authorities.get(certificado.authority).record_issued,
                                 certificado, data, password=password, now=now)
        _save_issued(certificado, _store(certificado, issued))
        _event(certificado, Accion.REGISTRO, operator=operator, old=old, new=certificado.state,
               reason=note, now=now,
               data={"serial": certificado.serial_hex, "custody": certificado.key_custody})
        audit.record("certificados.certificado.registrar", user=operator,
                     entity=certificado.entity, obj=certificado,
                     detail=_detail(certificado, old, note, serial=certificado.serial_hex))
    return certificado


def suspender(certificado: Certificado, reason: str, *, operator,
              now: datetime.datetime | None = None) -> Certificado:
    """Suspend a certificate (local CA: on its CRL as certificateHold; FNMT/ACCV: the
    operator has suspended it in their application)."""
    now = now or timezone.now()
    reason = _required(reason, _("Diga el motivo de la suspensión."))
    with transaction.atomic():
        certificado = _lock(certificado)
        old = certificado.state
        certificado.state = flujo.check("suspender", certificado)
        certificado.suspended_at = now
        fields = ["state", "suspended_at", "updated_at", *_clear_petition(certificado)]
        certificado.save(update_fields=fields)
        _authority_call(authorities.get(certificado.authority).suspend, certificado, now=now)
        _event(certificado, Accion.SUSPENSION, operator=operator, old=old, new=certificado.state,
               reason=reason, now=now)
        audit.record("certificados.certificado.suspender", user=operator,
                     entity=certificado.entity, obj=certificado,
                     detail=_detail(certificado, old, reason, serial=certificado.serial_hex))
    return certificado


def levantar_suspension(certificado: Certificado, reason: str, *, operator,
                        now: datetime.datetime | None = None) -> Certificado:
    """Lift a suspension: the certificate is valid again (off the CRL)."""
    now = now or timezone.now()
    reason = _required(reason, _("Diga por qué se levanta la suspensión."))
    with transaction.atomic():
        certificado = _lock(certificado)
        old = certificado.state
        certificado.state = flujo.check("levantar", certificado)
        certificado.suspended_at = None
        fields = ["state", "suspended_at", "updated_at", *_clear_petition(certificado)]
        certificado.save(update_fields=fields)
        _authority_call(authorities.get(certificado.authority).lift_suspension, certificado,
                        now=now)
        _event(certificado, Accion.LEVANTAMIENTO, operator=operator, old=old,
               new=certificado.state, reason=reason, now=now)
        audit.record("certificados.certificado.levantar", user=operator,
                     entity=certificado.entity, obj=certificado,
                     detail=_detail(certificado, old, reason, serial=certificado.serial_hex))
    return certificado


def revocar(certificado: Certificado, motivo: str, reason: str, *, operator,
            now: datetime.datetime | None = None) -> Certificado:
    """Revoke a certificate for good, with an RFC 5280 reason. A key the platform held is
    destroyed: nothing may sign with it again."""
    now = now or timezone.now()
    if motivo not in MotivoRevocacion.values:
        raise ValidationError(_("Elija el motivo de la revocación."))
    reason = _required(reason, _("Explique el motivo de la revocación."))
    with transaction.atomic():
        certificado = _lock(certificado)
        old = certificado.state
        certificado.state = flujo.check("revocar", certificado)
        certificado.revocation_reason = motivo
        certificado.revoked_at = now
        certificado.key_custody, certificado.key_token = Custodia.NINGUNA, ""
        fields = ["state", "revocation_reason", "revoked_at", "key_custody", "key_token",
                  "updated_at", *_clear_petition(certificado)]
        certificado.save(update_fields=fields)
        _authority_call(authorities.get(certificado.authority).revoke, certificado,
                        MotivoRevocacion(motivo), now=now)
        _event(certificado, Accion.REVOCACION, operator=operator, old=old, new=certificado.state,
               reason=reason, now=now, data={"motivo": motivo})
        audit.record("certificados.certificado.revocar", user=operator,
                     entity=certificado.entity, obj=certificado,
                     detail=_detail(certificado, old, reason, motivo=motivo,
                                    serial=certificado.serial_hex))
    return certificado


def descartar_peticion(certificado: Certificado, reason: str, *, operator,
                       now: datetime.datetime | None = None) -> Certificado:
    """The office declines the entity's petition (it stays in the history, with why)."""
    now = now or timezone.now()
    reason = _required(reason, _("Diga a la entidad por qué no se atiende su petición."))
    with transaction.atomic():
        certificado = _lock(certificado)
        operation = certificado.requested_operation
        if not operation:
            raise ValidationError(_("%(ref)s no tiene ninguna petición pendiente.")
                                  % {"ref": certificado.reference})
        certificado.save(update_fields=[*_clear_petition(certificado), "updated_at"])
        _event(certificado, Accion.PETICION_DESCARTADA, operator=operator, reason=reason,
               now=now, data={"operation": operation})
        audit.record("certificados.peticion.descartar", user=operator,
                     entity=certificado.entity, obj=certificado,
                     detail={"operation": operation, "reason": reason[:500]})
    return certificado


def caducar(certificado: Certificado, *, now: datetime.datetime | None = None) -> bool:
    """Mark a certificate whose validity ended as caducado (the daily task); a key the
    platform held is destroyed. False when it was not due (or already done)."""
    now = now or timezone.now()
    with transaction.atomic():
        certificado = _lock(certificado)
        if not flujo.allowed("caducar", certificado.state) or certificado.not_after is None \
                or certificado.not_after > now:
            return False
        old = certificado.state
        certificado.state = flujo.check("caducar", certificado)
        certificado.key_custody, certificado.key_token = Custodia.NINGUNA, ""
        certificado.save(update_fields=["state", "key_custody", "key_token", "updated_at",
                                        *_clear_petition(certificado)])
        _event(certificado, Accion.CADUCIDAD, operator=None, old=old, new=certificado.state,
               now=now, data={"not_after": certificado.not_after.isoformat()})
        audit.record("certificados.certificado.caducar", entity=certificado.entity,
                     obj=certificado, detail=_detail(certificado, old))
        if old == Estado.SUSPENDIDO and certificado.local_ca_id:
            from certificados.authorities.local import publish_crl

            publish_crl(certificado.local_ca, now=now)
    return True


def entregar_clave(certificado: Certificado, password: str, *, operator,
                   now: datetime.datetime | None = None) -> bytes:
    """The one delivery of a key the local CA generated for an employee or a sede: a
    PKCS#12 protected by the password the downloader chose (never stored), after which the
    platform forgets the key."""
    now = now or timezone.now()
    if len(password or "") < PKCS12_MIN_PASSWORD:
        raise ValidationError(_("La contraseña ha de tener al menos %(n)s caracteres.")
                              % {"n": PKCS12_MIN_PASSWORD})
    with transaction.atomic():
        certificado = _lock(certificado)
        if certificado.key_custody != Custodia.PENDIENTE_ENTREGA or not certificado.key_token:
            raise ValidationError(_("La clave de %(ref)s ya se entregó o no la generó la "
                                    "plataforma.") % {"ref": certificado.reference})
        if certificado.state != Estado.EMITIDO:
            raise ValidationError(_("%(ref)s está «%(state)s»: su clave ya no se entrega.")
                                  % {"ref": certificado.reference,
                                     "state": certificado.get_state_display()})
        key = keys.decrypt_private_key(certificado.key_token)
        encryption = (PrivateFormat.PKCS12.encryption_builder().kdf_rounds(100_000)
                      .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
                      .hmac_hash(hashes.SHA256()).build(password.encode()))
        bundle = pkcs12.serialize_key_and_certificates(
            name=certificado.title[:60].encode(), key=key, cert=certificado.certificate,
            cas=certificado.chain or None, encryption_algorithm=encryption)
        certificado.key_custody, certificado.key_token = Custodia.NINGUNA, ""
        certificado.key_delivered_at, certificado.key_delivered_by = now, operator
        certificado.save(update_fields=["key_custody", "key_token", "key_delivered_at",
                                        "key_delivered_by", "updated_at"])
        _event(certificado, Accion.ENTREGA_CLAVE, operator=operator, now=now)
        audit.record("certificados.clave.entregar", user=operator, entity=certificado.entity,
                     obj=certificado, subject=certificado.holder_nif,
                     detail={"reference": certificado.reference})
    return bundle


# --- one go, for the demo and for other apps' tests -------------------------------------------


def crear_ac_local(*, operator) -> LocalCA:
    """Create the platform's local CA (refused while one is active)."""
    from certificados.authorities.local import create_ca

    try:
        return create_ca(operator=operator)
    except AuthorityError as exc:
        raise ValidationError(str(exc)) from exc


def issue_local_sello(entity, *, operator, organo: str = "",
                      now: datetime.datetime | None = None) -> Certificado:
    """A sello de órgano for `entity` from the local CA, in one go: the CA made if missing,
    the request filed, accredited and issued. The key is kept encrypted and
    `certificados.sellos.sello_for` returns it."""
    from certificados.authorities.local import ensure_ca

    now = now or timezone.now()
    ensure_ca(operator=operator)
    with transaction.atomic():
        certificado = Certificado.objects.create(
            entity=entity, kind=Tipo.SELLO, authority=Autoridad.LOCAL,
            holder_given_name=operator.first_name or operator.username,
            holder_surnames=operator.last_name, holder_nif=operator.nif or "",
            holder_email=operator.email or entity.email or "",
            holder_position=_("Oficina de registro de la Diputación"),
            organo=entity.name, dir3_code=entity.dir3_code, requested_by=operator,
            created_at=now)
        _event(certificado, Accion.SOLICITUD, operator=operator, new=Estado.SOLICITADO, now=now,
               reason=_("Sello de órgano para la actuación administrativa automatizada."))
        audit.record("certificados.solicitud.crear", user=operator, entity=entity,
                     obj=certificado, detail={"reference": certificado.reference,
                                              "kind": Tipo.SELLO, "authority": Autoridad.LOCAL})
        acreditar(certificado, _("Sello solicitado por la propia oficina de registro."),
                  operator=operator, now=now)
        return emitir(certificado, operator=operator, now=now)


def issue_local_firma(entity, user, *, operator, position: str, organo: str,
                      now: datetime.datetime | None = None) -> Certificado:
    """An empleado público certificate for `user` (by their NIF) from the local CA, in one
    go, whose key the platform keeps encrypted to sign in the portafirmas: the request
    filed, accredited and issued with platform custody (demo and tests; a real province
    issues these through the registration office)."""
    from certificados.authorities.local import ensure_ca

    now = now or timezone.now()
    if not user.nif:
        raise ValidationError(_("%(name)s no tiene NIF: sin él no se emite su certificado.")
                              % {"name": user.get_full_name() or user.username})
    ensure_ca(operator=operator)
    with transaction.atomic():
        certificado = Certificado.objects.create(
            entity=entity, kind=Tipo.EMPLEADO, authority=Autoridad.LOCAL,
            holder_given_name=user.first_name or user.username, holder_surnames=user.last_name,
            holder_nif=user.nif.upper(), holder_email=user.email or entity.email or "",
            holder_position=position, organo=organo, dir3_code=entity.dir3_code,
            requested_by=operator, created_at=now)
        _event(certificado, Accion.SOLICITUD, operator=operator, new=Estado.SOLICITADO, now=now,
               reason=_("Certificado de firma custodiado por la plataforma (portafirmas)."))
        audit.record("certificados.solicitud.crear", user=operator, entity=entity,
                     obj=certificado, subject=certificado.holder_nif,
                     detail={"reference": certificado.reference, "kind": Tipo.EMPLEADO,
                             "authority": Autoridad.LOCAL})
        acreditar(certificado, _("Identidad y cargo comprobados por la oficina de registro."),
                  operator=operator, now=now)
        return emitir(certificado, operator=operator, now=now, platform_custody=True)
