"""Actions on the documents of an expediente: drafts generated from the procedure's
templates, their edition until they go to signature, freezing (the draft rendered to PDF,
its hash recorded), files incorporated from outside (checked by content as the registro
checks anexos), annulment of drafts, and availability to the interesados.

Each action runs in one transaction, asks `flujo.exigir` whether the expediente's state
allows it, writes a `Historial` row and the audit record, and raises `ExpedienteError`
with a Spanish message for refused input (nothing changes then). Locks are taken in one
order — the expediente, then a document — and an action on an existing document locks
only the document (the portafirmas calls `congelar` holding the document's lock).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from expedientes import flujo, hooks, plantillas
from expedientes.actions import anotar, bloquear, remove_files
from expedientes.choices import (
    EstadoDocumento,
    EstadoElaboracion,
    OrigenEni,
    TipoDocumental,
)
from expedientes.flujo import ExpedienteError
from expedientes.models import Documento, Expediente, Plantilla
from provincial import audit, xmlsafe
from provincial.documents import services as documents
from provincial.uploads import megabytes
from registro import formatos
from registro import services as registro

if TYPE_CHECKING:
    from tenants.models import User

logger = logging.getLogger(__name__)

PDF_TEMPLATE = "expedientes/pdf/documento.html"
MAX_TITULO = 250
CONGELADO = gettext_lazy("Un documento firmado o enviado a firma no puede cambiar.")
# Documents that may be made available to the interesados in their carpeta ciudadana.
PUBLICABLES = frozenset({EstadoDocumento.FIRMADO, EstadoDocumento.INCORPORADO})


def _user_fields(user: User | None) -> tuple[int | None, str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return None, ""
    return user.pk, (user.get_full_name() or user.username)[:150]


def _bloquear_documento(documento: Documento) -> Documento:
    return (Documento.objects.select_for_update(of=("self",))
            .select_related("expediente", "expediente__procedimiento").get(pk=documento.pk))


def _siguiente_orden(expediente: Expediente) -> int:
    last = Documento.objects.filter(expediente=expediente).aggregate(n=Max("orden"))["n"]
    return 0 if last is None else last + 1


def _detalle(documento: Documento, **detail: Any) -> dict[str, Any]:
    return {"expediente": documento.expediente.codigo, **detail}


# --- drafts from templates ---------------------------------------------------------------


def plantillas_de(expediente: Expediente) -> QuerySet[Plantilla]:
    """Templates an expediente may generate: its procedure's and the entity's generic ones,
    active, in order."""
    return (Plantilla.objects.filter(Q(procedimiento_id=expediente.procedimiento_id)
                                     | Q(procedimiento__isnull=True), is_active=True)
            .order_by("procedimiento_id", "orden", "name"))


def _generar(expediente: Expediente, plantilla: Plantilla, contexto: dict[str, Any],
             orden: int, acting_user: User | None) -> Documento:
    if not plantilla.is_active or plantilla.procedimiento_id not in (
            None, expediente.procedimiento_id):
        raise ExpedienteError(_("La plantilla «%(name)s» no es del procedimiento de este "
                                "expediente o está desactivada.") % {"name": plantilla.name})
    try:
        cuerpo = plantillas.render(plantilla.cuerpo, contexto)
    except plantillas.PlantillaError as exc:
        raise ExpedienteError(_("No se ha podido generar «%(name)s». %(error)s")
                              % {"name": plantilla.name, "error": exc.message}) from exc
    user_id, user_name = _user_fields(acting_user)
    documento = Documento.objects.create(
        expediente=expediente, titulo=plantilla.name[:MAX_TITULO],
        tipo_documental=plantilla.tipo_documental, plantilla=plantilla,
        estado=EstadoDocumento.BORRADOR, cuerpo=cuerpo, is_resolucion=plantilla.is_resolucion,
        origen=OrigenEni.ADMINISTRACION, estado_elaboracion=EstadoElaboracion.ORIGINAL,
        orden=orden, created_by_id=user_id, created_by_name=user_name)
    anotar(expediente, "documento", _("Borrador «%(t)s» generado desde la plantilla.")
           % {"t": documento.titulo}, user=acting_user, documento=documento)
    audit.record("expedientes.documento.generacion", user=acting_user,
                 entity=documents.current_entity(), obj=documento,
                 detail=_detalle(documento, plantilla=plantilla.pk))
    return documento


def generar(expediente: Expediente, plantilla: Plantilla, *,
            acting_user: User | None) -> Documento:
    """A draft document of `expediente` from `plantilla` (its procedure's or a generic
    one): the template merged with the expediente's data, editable until it goes to
    signature."""
    with transaction.atomic():
        expediente = bloquear(expediente)
        flujo.exigir(expediente, flujo.DOCUMENTOS)
        return _generar(expediente, plantilla, plantillas.contexto(expediente),
                        _siguiente_orden(expediente), acting_user)


@dataclass
class Generacion:
    """What «Generar todos» did: the drafts made, and the templates skipped because the
    expediente already has a (not annulled) document from them."""

    creados: list[Documento] = field(default_factory=list)
    omitidas: list[str] = field(default_factory=list)


def generar_todas(expediente: Expediente, *, acting_user: User | None,
                  plantillas_ids: list[int] | None = None) -> Generacion:
    """A draft from each active template of the expediente's procedure (or of those of
    `plantillas_ids`), in the procedure's order, skipping the templates the expediente
    already has a document from."""
    with transaction.atomic():
        expediente = bloquear(expediente)
        flujo.exigir(expediente, flujo.DOCUMENTOS)
        candidatas = list(Plantilla.objects.filter(procedimiento_id=expediente.procedimiento_id,
                                                   is_active=True).order_by("orden", "name"))
        if plantillas_ids is not None:
            candidatas = [p for p in candidatas if p.pk in set(plantillas_ids)]
        if not candidatas:
            raise ExpedienteError(_("El procedimiento «%(name)s» no tiene plantillas activas "
                                    "que generar.") % {"name": expediente.procedimiento.name})
        hechas = set(Documento.objects.filter(expediente=expediente, plantilla__isnull=False)
                     .exclude(estado=EstadoDocumento.ANULADO)
                     .values_list("plantilla_id", flat=True))
        resultado = Generacion()
        contexto = plantillas.contexto(expediente)
        orden = _siguiente_orden(expediente)
        for plantilla in candidatas:
            if plantilla.pk in hechas:
                resultado.omitidas.append(plantilla.name)
                continue
            resultado.creados.append(_generar(expediente, plantilla, contexto, orden,
                                              acting_user))
            orden += 1
    return resultado


def editar_borrador(documento: Documento, cuerpo: str, *, acting_user: User | None,
                    titulo: str | None = None) -> Documento:
    """Change a draft's text (cleaned to simple layout) and, optionally, its title.
    Refused once the document is frozen (sent to signature, signed or incorporated)."""
    with transaction.atomic():
        documento = _bloquear_documento(documento)
        _exigir_editable(documento)
        flujo.exigir(documento.expediente, flujo.DOCUMENTOS)
        if len(cuerpo or "") > plantillas.MAX_CUERPO:
            raise ExpedienteError(_("El texto es demasiado largo: el máximo es %(max)s "
                                    "caracteres.") % {"max": plantillas.MAX_CUERPO},
                                  field="cuerpo")
        limpio = str(plantillas.limpiar_html(cuerpo))
        nuevo_titulo = documento.titulo if titulo is None else " ".join(titulo.split())
        if not nuevo_titulo:
            raise ExpedienteError(_("Indique el título del documento."), field="titulo")
        if len(nuevo_titulo) > MAX_TITULO:
            raise ExpedienteError(_("El título admite como máximo %(max)s caracteres.")
                                  % {"max": MAX_TITULO}, field="titulo")
        if limpio == documento.cuerpo and nuevo_titulo == documento.titulo:
            return documento
        antes = len(documento.cuerpo)
        documento.cuerpo, documento.titulo = limpio, nuevo_titulo
        documento.save(update_fields=["cuerpo", "titulo", "updated_at"])
        anotar(documento.expediente, "documento", _("Borrador «%(t)s» modificado.")
               % {"t": documento.titulo}, user=acting_user, documento=documento)
        audit.record("expedientes.documento.edicion", user=acting_user,
                     entity=documents.current_entity(), obj=documento,
                     detail=_detalle(documento, caracteres_antes=antes,
                                     caracteres_despues=len(limpio)))
    return documento


def _exigir_editable(documento: Documento) -> None:
    if documento.estado == EstadoDocumento.ANULADO:
        raise ExpedienteError(_("El documento está anulado y no puede cambiar."))
    if documento.estado == EstadoDocumento.INCORPORADO:
        raise ExpedienteError(_("Un documento incorporado no puede cambiar: su contenido es "
                                "el que se aportó."))
    if not documento.is_editable:
        raise ExpedienteError(str(CONGELADO))


# --- freezing ----------------------------------------------------------------------------


def _pdf(documento: Documento, *, borrador: bool,
         now: datetime.datetime | None = None) -> bytes:
    """The document rendered: a draft marked BORRADOR and without CSV (a preview is never
    verifiable); the definitive PDF with the CSV already given to `documento`, where to
    verify it and the QR of that address in every page's footer, as issued documents do."""
    entity = documents.current_entity()
    expediente = documento.expediente
    now = now or timezone.now()
    stamp = None
    if not borrador and documento.csv:
        url = documents.verification_url(entity, documento.csv)
        stamp = documents.Stamp(entity=entity, csv=documento.csv, issued_at=now,
                                verification_url=url,
                                verification_base_url=documents.verification_base_url(entity),
                                qr=documents.qr_data_uri(url))
    return documents.render_pdf(PDF_TEMPLATE, {
        "entity": entity, "documento": documento, "expediente": expediente,
        "procedimiento": expediente.procedimiento, "title": documento.titulo,
        "cuerpo": plantillas.limpiar_html(documento.cuerpo), "borrador": borrador,
        "stamp": stamp, "rendered_at": now})


# Tries at a fresh code before giving up: with 120 random bits a second try is already
# beyond belief; a loop that could spin on a broken generator is not wanted either.
CSV_INTENTOS = 5


def nuevo_csv() -> str:
    """A CSV no document of the entity has: neither another document of an expediente
    nor an issued document (`provincial.documents`: one space of codes, one verification
    page)."""
    for _intento in range(CSV_INTENTOS):
        csv = documents.new_csv()
        if not Documento.objects.filter(csv=csv).exists() and not documents.csv_in_use(csv):
            return csv
    raise ExpedienteError(_("No se ha podido generar un código seguro de verificación "
                            "único. Inténtelo de nuevo."))


def pdf_borrador(documento: Documento) -> bytes:
    """The draft as its PDF would look, marked BORRADOR, without storing or freezing it."""
    return _pdf(documento, borrador=True)


def nombre_pdf(titulo: str) -> str:
    return f"{(slugify(titulo) or 'documento')[:80]}.pdf"


def congelar(documento: Documento, *, acting_user: User | None) -> Documento:
    """Render a draft to PDF and freeze it: the document gets its código seguro de
    verificación (printed in the footer with the verification address and its QR: art.
    27.3.a Ley 39/2015, art. 42 Ley 40/2015), the bytes are stored with their SHA-256
    (`sha256` and `sha256_original`) and `frozen_at`; from then on only a signature adds
    to them. The portafirmas calls this before sending a draft to signature. A document
    already frozen is returned as it is."""
    with transaction.atomic():
        documento = _bloquear_documento(documento)
        if documento.is_frozen:
            return documento
        if documento.estado == EstadoDocumento.ANULADO:
            raise ExpedienteError(_("El documento está anulado."))
        flujo.exigir(documento.expediente, flujo.DOCUMENTOS)
        if not plantillas.limpiar_html(documento.cuerpo).strip():
            raise ExpedienteError(_("El borrador «%(t)s» está vacío: escriba su texto antes "
                                    "de firmarlo.") % {"t": documento.titulo})
        now = timezone.now()
        documento.csv = nuevo_csv()
        pdf = _pdf(documento, borrador=False, now=now)
        digest = hashlib.sha256(pdf).hexdigest()
        documento.contenido.save(nombre_pdf(documento.titulo), ContentFile(pdf), save=False)
        try:
            documento.nombre_fichero = nombre_pdf(documento.titulo)
            documento.mime_type = "application/pdf"
            documento.size = len(pdf)
            documento.sha256 = documento.sha256_original = digest
            documento.frozen_at = documento.fecha_captura = now
            documento.save(update_fields=[
                "contenido", "nombre_fichero", "mime_type", "size", "sha256",
                "sha256_original", "csv", "frozen_at", "fecha_captura", "updated_at"])
            anotar(documento.expediente, "documento",
                   _("Documento «%(t)s» convertido en PDF definitivo (huella SHA-256 "
                     "%(h)s…).") % {"t": documento.titulo, "h": digest[:12]},
                   user=acting_user, documento=documento)
            audit.record("expedientes.documento.congelacion", user=acting_user,
                         entity=documents.current_entity(), obj=documento,
                         detail=_detalle(documento, sha256=digest, size=len(pdf),
                                         csv=documents.csv_reference(documento.csv)))
        except BaseException:
            remove_files([documento.contenido.name])
            raise
    return documento


def leer(documento: Documento) -> bytes:
    """The stored bytes of a frozen document, checked against its SHA-256."""
    if not documento.contenido:
        raise ExpedienteError(_("El documento «%(t)s» aún no tiene fichero: es un borrador.")
                              % {"t": documento.titulo})
    with documento.contenido.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != documento.sha256:
        logger.error("expedientes: stored file of documento %s does not match its hash",
                     documento.pk)
        raise ExpedienteError(_("El fichero guardado de «%(t)s» no coincide con su huella: no "
                                "se entrega. Avise al soporte.") % {"t": documento.titulo})
    return content


# --- files from outside ------------------------------------------------------------------


def _validar_fichero(nombre: str, contenido: bytes) -> tuple[str, formatos.Formato]:
    """The name (with the extension of its format) and format of a file to incorporate,
    judged as the registro judges anexos; ExpedienteError in Spanish otherwise."""
    nombre = (nombre or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not nombre:
        raise ExpedienteError(_("El fichero no tiene nombre."), field="fichero")
    if not contenido:
        raise ExpedienteError(_("«%(name)s» está vacío.") % {"name": nombre}, field="fichero")
    maximo = registro.max_bytes_anexo()
    if len(contenido) > maximo:
        raise ExpedienteError(_("«%(name)s» ocupa %(size)s MB; el máximo por fichero es "
                                "%(max)s MB.") % {"name": nombre,
                                                  "size": megabytes(len(contenido)),
                                                  "max": megabytes(maximo)}, field="fichero")
    try:
        admitido = formatos.admitir(nombre, contenido, max_length=200)
    except formatos.FormatoNoAdmitido as exc:
        raise ExpedienteError(str(exc), field="fichero") from exc
    if admitido.formato.codigo == "xml":
        try:
            xmlsafe.parse(contenido, max_bytes=maximo)
        except ValidationError as exc:
            raise ExpedienteError(_("«%(name)s»: %(error)s")
                                  % {"name": nombre, "error": exc.messages[0]},
                                  field="fichero") from exc
    return admitido.nombre, admitido.formato


def incorporar_fichero(expediente: Expediente, nombre: str, contenido: bytes, *,
                       tipo_documental: str, acting_user: User | None, origen: str,
                       titulo: str = "",
                       estado_elaboracion: str = EstadoElaboracion.ORIGINAL,
                       is_visible_ciudadano: bool = False) -> Documento:
    """Add a file to the expediente as a document frozen at once (INCORPORADO), after
    checking it by content as the registro checks anexos (admitted formats, the name's
    extension agreeing with the content, size, safe XML)."""
    nombre, formato = _validar_fichero(nombre, contenido)
    if tipo_documental not in TipoDocumental.values:
        raise ExpedienteError(_("Tipo documental desconocido: «%(t)s».")
                              % {"t": tipo_documental}, field="tipo_documental")
    if origen not in OrigenEni.values:
        raise ExpedienteError(_("Origen desconocido: «%(o)s».") % {"o": origen},
                              field="origen")
    if estado_elaboracion not in EstadoElaboracion.values:
        raise ExpedienteError(_("Estado de elaboración desconocido: «%(e)s».")
                              % {"e": estado_elaboracion}, field="estado_elaboracion")
    titulo = " ".join((titulo or nombre.rsplit(".", 1)[0]).split())[:MAX_TITULO] or nombre
    digest = hashlib.sha256(contenido).hexdigest()
    user_id, user_name = _user_fields(acting_user)
    now = timezone.now()
    documento = Documento(
        titulo=titulo, tipo_documental=tipo_documental, estado=EstadoDocumento.INCORPORADO,
        nombre_fichero=nombre, mime_type=formato.mime, size=len(contenido), sha256=digest,
        sha256_original=digest, origen=origen, estado_elaboracion=estado_elaboracion,
        fecha_captura=now, frozen_at=now, is_visible_ciudadano=is_visible_ciudadano,
        created_by_id=user_id, created_by_name=user_name)
    # The file first (random name under the schema): removed below if the row is not
    # written, so a refusal stores nothing.
    documento.expediente_id = expediente.pk
    documento.contenido.save(nombre, ContentFile(contenido), save=False)
    try:
        with transaction.atomic():
            expediente = bloquear(expediente)
            flujo.exigir(expediente, flujo.DOCUMENTOS)
            documento.expediente = expediente
            documento.orden = _siguiente_orden(expediente)
            documento.save(force_insert=True)
            anotar(expediente, "documento", _("Fichero «%(n)s» incorporado (%(f)s, huella "
                                              "SHA-256 %(h)s…).")
                   % {"n": nombre, "f": formato.etiqueta, "h": digest[:12]},
                   user=acting_user, documento=documento)
            audit.record("expedientes.documento.incorporacion", user=acting_user,
                         entity=documents.current_entity(), obj=documento,
                         detail=_detalle(documento, sha256=digest,
                                         formato=formato.codigo, size=len(contenido)))
    except BaseException:
        remove_files([documento.contenido.name])
        raise
    return documento


# --- annulment and availability ----------------------------------------------------------


def anular_documento(documento: Documento, *, acting_user: User | None,
                     motivo: str = "") -> Documento:
    """Annul a draft: it stays in the expediente, marked, and no longer counts for
    «Generar todos». A frozen document is never annulled here (a signed resolution is
    annulled in the libro de resoluciones)."""
    motivo = " ".join((motivo or "").split())[:2000]
    with transaction.atomic():
        documento = _bloquear_documento(documento)
        if documento.estado == EstadoDocumento.ANULADO:
            raise ExpedienteError(_("El documento ya está anulado."))
        if documento.is_frozen:
            raise ExpedienteError(_("Solo se anulan borradores: «%(t)s» está firmado, en "
                                    "firma o incorporado.") % {"t": documento.titulo})
        flujo.exigir(documento.expediente, flujo.DOCUMENTOS)
        documento.estado = EstadoDocumento.ANULADO
        documento.is_visible_ciudadano = False
        documento.save(update_fields=["estado", "is_visible_ciudadano", "updated_at"])
        anotar(documento.expediente, "documento",
               _("Borrador «%(t)s» anulado%(m)s.")
               % {"t": documento.titulo, "m": f": {motivo}" if motivo else ""},
               user=acting_user, documento=documento)
        audit.record("expedientes.documento.anulacion", user=acting_user,
                     entity=documents.current_entity(), obj=documento,
                     detail=_detalle(documento, motivo=motivo))
    return documento


def cambiar_visibilidad(documento: Documento, visible: bool, *,
                        acting_user: User | None) -> Documento:
    """Make a signed or incorporated document available to the interesados in their
    carpeta ciudadana, or withdraw it. Another app may forbid making it visible for now
    (expedientes.hooks: e.g. while a notification of it is pending); withdrawing is always
    allowed."""
    with transaction.atomic():
        documento = _bloquear_documento(documento)
        if visible and documento.estado not in PUBLICABLES:
            raise ExpedienteError(_("Solo se ponen a disposición de los interesados "
                                    "documentos firmados o incorporados; «%(t)s» está "
                                    "«%(e)s».") % {"t": documento.titulo,
                                                   "e": documento.get_estado_display()})
        if visible and not documento.is_visible_ciudadano:
            motivo = hooks.bloquea_visibilidad(documento)
            if motivo:
                raise ExpedienteError(motivo)
        if documento.is_visible_ciudadano == visible:
            return documento
        documento.is_visible_ciudadano = visible
        documento.save(update_fields=["is_visible_ciudadano", "updated_at"])
        anotar(documento.expediente, "documento",
               (_("«%(t)s» puesto a disposición de los interesados.") if visible
                else _("«%(t)s» retirado de la vista de los interesados."))
               % {"t": documento.titulo}, user=acting_user, documento=documento)
        audit.record("expedientes.documento.visibilidad", user=acting_user,
                     entity=documents.current_entity(), obj=documento,
                     detail=_detalle(documento, visible=visible))
    return documento


# --- verification by CSV at the sede -----------------------------------------------------

# What verifies: a document the administration signed (FIRMADO), and one annulled after
# being frozen, which verifies saying so. A draft has no CSV; a document still in the
# portafirmas (or whose signature was rejected) is not yet a document of the entity and
# gets the same answer as an unknown code.
VERIFICABLES = frozenset({EstadoDocumento.FIRMADO, EstadoDocumento.ANULADO})


def verificable(csv: str) -> documents.Verificable | None:
    """The verification source of the expedientes (registered in setup_csv): the signed
    document of the active entity with this (normalized) CSV as the sede's verification
    page shows it — title, type, date, state, its signatures and its current bytes —
    never the expediente or its interesados. None for anything else."""
    from expedientes.choices import EstadoResolucion
    from expedientes.models import Resolucion

    documento = (Documento.objects.filter(csv=csv, estado__in=VERIFICABLES,
                                          frozen_at__isnull=False)
                 .exclude(contenido="").first())
    if documento is None:
        return None
    resolucion = Resolucion.objects.filter(documento=documento).first()
    anulada = resolucion is not None and resolucion.estado == EstadoResolucion.ANULADA
    annulled = documento.estado == EstadoDocumento.ANULADO or anulada
    note = ""
    if anulada and resolucion.annulled_at is not None:
        note = _("Resolución anulada el %(fecha)s.") % {
            "fecha": timezone.localtime(resolucion.annulled_at).strftime("%d/%m/%Y")}
    signed = documento.sha256 != documento.sha256_original

    def read() -> bytes:
        try:
            return leer(documento)
        except ExpedienteError as exc:
            raise documents.DocumentError(
                f"stored file of documento {documento.pk} does not match its hash") from exc

    def report() -> dict[str, Any] | None:
        if not signed or documento.mime_type != "application/pdf":
            return None
        return documents.cached_signature_report(documento.csv, documento.sha256, read)

    return documents.Verificable(
        obj=documento, csv=documento.csv, title=documento.titulo,
        kind_label=documento.get_tipo_documental_display(), issued_at=documento.frozen_at,
        sha256=documento.sha256, mime_type=documento.mime_type or "application/pdf",
        download_name=documento.nombre_fichero or nombre_pdf(documento.titulo),
        read=read, report=report,
        state_label=(gettext_lazy("Anulado") if annulled
                     else documento.get_estado_display()),
        is_annulled=annulled, annulment_note=note, is_signed=signed)
