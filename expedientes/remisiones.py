"""Remissions of an expediente in ENI format: the actions that create, run and retry them.

`remitir` records the remission and a job (provincial.jobs, queue «intercambios») in one
transaction; the job (expedientes.tasks_eni) calls `ejecutar`, which builds the package
(expedientes.eni), validates it against the XSDs and the NTI's rules, keeps it as a zip
and hands it to the transport. Each step leaves a HistorialRemision row; each change of
state an audit record and a line in the expediente's history.

A transport that fails (OSError) is a temporary error: the job retries with backoff, and
the remission shows ERROR meanwhile. A package that cannot be built or does not validate
(no sello, altered file) is not retried by itself: the clerk fixes the cause and asks
`reintentar`. Running twice is harmless: the package goes to a directory named after the
remission, replaced whole, and a remission already sent is not sent again.

Which Estado travels: an open expediente (en tramitación, resuelto) goes as E03 «índice
para remisión cerrado» (the índice is closed as of the remission; the expediente goes on
and a later remission sends a new índice); a closed, archived or annulled one as E02.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expedientes import flujo
from expedientes.choices import EstadoRemision
from expedientes.eni import expediente as eni_expediente
from expedientes.eni import transporte as eni_transporte
from expedientes.eni import validacion
from expedientes.eni.metadatos import EniError
from expedientes.flujo import ExpedienteError
from expedientes.models import Expediente, Historial, HistorialRemision, Remision
from provincial import audit, jobs
from provincial.choices import JobState

if TYPE_CHECKING:
    from tenants.models import Entity, User

REMITIR_JOB = "expedientes.eni.remitir"
DESTINO_CODIGO_RE = re.compile(r"^[A-Z0-9]{1,21}$")
MAX_MOTIVO = 2000


class RemisionError(ExpedienteError):
    """A remission refused; the message is in Spanish, for the clerk."""


def _entity() -> Entity:
    from provincial.documents.services import current_entity

    return current_entity()


def _user_fields(user: User | None) -> tuple[int | None, str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return None, ""
    return user.pk, (user.get_full_name() or user.username)[:150]


def _paso(remision: Remision, descripcion: str, estado: str | None = None) -> None:
    HistorialRemision.objects.create(remision=remision, estado=estado or remision.estado,
                                     descripcion=descripcion[:5000])


def _anotar(expediente: Expediente, descripcion: str, user: User | None) -> None:
    user_id, user_name = _user_fields(user)
    Historial.objects.create(expediente=expediente, accion="remision_eni",
                             descripcion=descripcion[:5000], user_id=user_id, user_name=user_name)


def remitir(expediente: Expediente, *, destino_codigo: str, destino_nombre: str, motivo: str,
            transporte: str, acting_user: User | None) -> Remision:
    """Send the expediente in ENI format to a court or another administration, as a job.

    Refused (RemisionError) when the state does not allow it, the destination is
    missing, the transport is not configured, the entity has no sello de órgano (the
    índice must be signed TF03) or there is no document to send."""
    destino_codigo = (destino_codigo or "").strip().upper()
    destino_nombre = " ".join((destino_nombre or "").split())
    motivo = (motivo or "").strip()
    if not destino_nombre:
        raise RemisionError(_("Indique a quién se remite el expediente."),
                            field="destino_nombre")
    if len(destino_nombre) > 250:
        raise RemisionError(_("El destino admite 250 caracteres como máximo."),
                            field="destino_nombre")
    if destino_codigo and not DESTINO_CODIGO_RE.match(destino_codigo):
        raise RemisionError(_("El código DIR3 del destino son letras y cifras (hasta 21)."),
                            field="destino_codigo")
    if len(motivo) > MAX_MOTIVO:
        raise RemisionError(_("El motivo admite %(n)s caracteres como máximo.")
                            % {"n": MAX_MOTIVO}, field="motivo")
    disponibles = eni_transporte.disponibles()
    if transporte not in disponibles:
        raise RemisionError(_("Elija un transporte de la lista."), field="transporte")
    entity = _entity()
    try:
        eni_expediente.sello(entity)
    except EniError as exc:
        raise RemisionError(exc.message) from exc

    user_id, user_name = _user_fields(acting_user)
    with transaction.atomic():
        locked = Expediente.objects.select_for_update(of=("self",)).get(pk=expediente.pk)
        flujo.exigir(locked, flujo.REMITIR)
        if not locked.documentos.filter(estado__in=eni_expediente.EXPORTADOS) \
                .exclude(contenido="").exists():
            raise RemisionError(_("El expediente %(codigo)s no tiene documentos firmados o "
                                  "incorporados: no hay nada que remitir.")
                                % {"codigo": locked.codigo})
        remision = Remision.objects.create(
            expediente=locked, destino_codigo=destino_codigo, destino_nombre=destino_nombre,
            motivo=motivo, transporte=transporte, created_by_id=user_id,
            created_by_name=user_name)
        job = jobs.enqueue(REMITIR_JOB, entity=entity, payload={"remision": remision.pk},
                           created_by=acting_user if user_id else None)
        Remision.objects.filter(pk=remision.pk).update(job_id=job.pk)
        remision.job_id = job.pk
        _paso(remision, _("Remisión a %(destino)s solicitada por %(user)s. Transporte: "
                          "%(transporte)s.")
              % {"destino": destino_nombre, "user": user_name or _("el sistema"),
                 "transporte": disponibles[transporte].nombre})
        _anotar(locked, _("Remisión en formato ENI a %(destino)s solicitada.")
                % {"destino": destino_nombre}, acting_user)
        audit.record("expedientes.remision.crear", user=acting_user, entity=entity,
                     obj=remision, detail={"expediente": locked.codigo,
                                           "destino": destino_codigo or destino_nombre,
                                           "transporte": transporte, "job": job.pk})
    return remision


def reintentar(remision: Remision, *, acting_user: User | None) -> Remision:
    """Run again a remission that ended in error, as a new job."""
    user_id, user_name = _user_fields(acting_user)
    entity = _entity()
    with transaction.atomic():
        remision = Remision.objects.select_for_update(of=("self",)) \
            .select_related("expediente").get(pk=remision.pk)
        if remision.estado != EstadoRemision.ERROR:
            raise RemisionError(_("Solo se reintenta una remisión que terminó con error."))
        from provincial.models import Job

        if Job.objects.filter(pk=remision.job_id, state__in=JobState.live()).exists():
            raise RemisionError(_("La remisión ya se está reintentando por sí sola; espere a "
                                  "que termine."))
        job = jobs.enqueue(REMITIR_JOB, entity=entity, payload={"remision": remision.pk},
                           created_by=acting_user if user_id else None)
        Remision.objects.filter(pk=remision.pk).update(job_id=job.pk,
                                                       estado=EstadoRemision.PENDIENTE, error="")
        remision.refresh_from_db()
        _paso(remision, _("Reintento solicitado por %(user)s.")
              % {"user": user_name or _("el sistema")})
        audit.record("expedientes.remision.reintentar", user=acting_user, entity=entity,
                     obj=remision, detail={"job": job.pk})
    return remision


# --- the job ----------------------------------------------------------------------------


def ejecutar(remision_id: int, ctx: jobs.JobContext) -> dict[str, Any]:
    """Build, validate, keep and send the package of a remission (the job's work)."""
    remision = Remision.objects.select_related("expediente").filter(pk=remision_id).first()
    if remision is None:
        return {"omitida": True}
    if remision.estado == EstadoRemision.ENVIADA:
        return {"remision": remision.pk, "ya_enviada": True}
    if remision.estado != EstadoRemision.PENDIENTE:  # an automatic retry after an error
        Remision.objects.filter(pk=remision.pk).update(estado=EstadoRemision.PENDIENTE)
        remision.estado = EstadoRemision.PENDIENTE
    _paso(remision, _("Preparando el paquete ENI (intento %(n)s).") % {"n": ctx.job.attempts})
    try:
        with tempfile.TemporaryDirectory(prefix="eni-") as tmp:
            paquete = _construir(remision, Path(tmp), ctx)
            ctx.progress(85, _("Validando el paquete"))
            resultado = validacion.validate_paquete(paquete.directory)
            for aviso in resultado.avisos[:20]:
                ctx.log(aviso)
            if not resultado.ok:
                _fallo(remision, _("El paquete no es válido: %(e)s")
                       % {"e": resultado.resumen()})
                raise jobs.JobError(resultado.resumen())
            _guardar(remision, paquete)
            _paso(remision, _("Paquete ENI validado: %(n)s documentos, índice firmado TF03 "
                              "(estado %(estado)s), 0 errores frente a los XSD oficiales.")
                  % {"n": paquete.documentos, "estado": paquete.estado})
            ctx.progress(92, _("Entregando al transporte"))
            destino = _entregar(remision, paquete)
    except jobs.JobError:
        raise
    except Exception:
        # Anything unforeseen: the job records it (provincial.jobs); the remission must
        # not stay «pendiente» for ever.
        _fallo(remision, _("Error interno al preparar la remisión; el equipo técnico ha sido "
                           "avisado. Puede reintentarla."))
        raise
    _enviada(remision, destino)
    return {"remision": remision.pk, "documentos": paquete.documentos,
            "identificador": paquete.identificador, "estado_eni": paquete.estado}


def _entregar(remision: Remision, paquete: eni_expediente.Paquete) -> str:
    """Hand the package to the remission's transport; where it went."""
    try:
        carrier = eni_transporte.elegir(remision.transporte)
        return carrier.enviar(f"{paquete.identificador}_R{remision.pk}", paquete.directory)
    except EniError as exc:
        _fallo(remision, exc.message)
        raise jobs.JobError(exc.message) from exc
    except OSError as exc:
        mensaje = _("El transporte no ha aceptado el paquete (%(e)s); se reintentará.") \
            % {"e": exc.strerror or type(exc).__name__}
        _fallo(remision, mensaje)
        raise jobs.TemporaryJobError(mensaje) from exc


def _construir(remision: Remision, tmp: Path, ctx: jobs.JobContext) -> eni_expediente.Paquete:
    def progress(done: int, total: int) -> None:
        if done == total or done % 10 == 0:
            ctx.progress(5 + int(75 * done / total),
                         _("Documento %(n)s de %(t)s") % {"n": done, "t": total})

    try:
        paquete = eni_expediente.escribir(remision.expediente, tmp / "paquete",
                                          para_remision=True, progress=progress)
    except EniError as exc:
        _fallo(remision, exc.message)
        raise jobs.JobError(exc.message) from exc
    if paquete.omitidos:
        ctx.log(_("%(n)s documentos en borrador, en firma o anulados no se incluyen.")
                % {"n": paquete.omitidos})
    return paquete


def _guardar(remision: Remision, paquete: eni_expediente.Paquete) -> None:
    """Keep the package as a zip on the remission (replacing an earlier attempt's)."""
    with tempfile.TemporaryFile() as handle:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for nombre in paquete.ficheros:
                archive.write(paquete.directory / nombre, nombre)
        size = handle.tell()
        handle.seek(0)
        anterior = remision.paquete.name if remision.paquete else ""
        remision.paquete.save(f"{paquete.identificador}.zip", File(handle), save=False)
    Remision.objects.filter(pk=remision.pk).update(
        paquete=remision.paquete.name, paquete_size=size, identificador=paquete.identificador,
        estado_eni=paquete.estado, sha256_indice=paquete.sha256_indice,
        documentos=paquete.documentos)
    if anterior and anterior != remision.paquete.name:
        remision.paquete.storage.delete(anterior)


def _fallo(remision: Remision, mensaje: str) -> None:
    with transaction.atomic():
        Remision.objects.filter(pk=remision.pk).update(estado=EstadoRemision.ERROR,
                                                       error=mensaje[:5000])
        remision.estado = EstadoRemision.ERROR
        _paso(remision, mensaje, EstadoRemision.ERROR)
        audit.record("expedientes.remision.error", entity=_entity(), obj=remision,
                     detail={"error": mensaje[:500]})


def _enviada(remision: Remision, destino: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        Remision.objects.filter(pk=remision.pk).update(
            estado=EstadoRemision.ENVIADA, error="", referencia=destino[:200], sent_at=now)
        remision.estado = EstadoRemision.ENVIADA
        _paso(remision, _("Entregada al transporte: %(d)s.") % {"d": destino},
              EstadoRemision.ENVIADA)
        _anotar(remision.expediente, _("Expediente remitido en formato ENI a %(destino)s.")
                % {"destino": remision.destino_nombre}, None)
        audit.record("expedientes.remision.enviada", entity=_entity(), obj=remision,
                     detail={"destino": remision.destino_codigo or remision.destino_nombre,
                             "referencia": destino[:200]})
