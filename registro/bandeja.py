"""The SIR bandeja: SICRES 3.0 files that arrive, from the transport's inbox (job
`registro.sir.recibir`) or uploaded by a clerk, and what the clerk decides about them.

`recibir` is idempotent by the SHA-256 of the bytes: a file processed twice is one row
and never registers anything twice. A fichero de intercambio waits «pendiente» until a
clerk accepts it (it becomes an entrada through `sicres.importar` and the origin gets a
CONFIRMACIÓN) or rejects it (the fichero goes back to the origin with Tipo_Anotacion 04).
A mensaje (ACK, ERROR, CONFIRMACIÓN) or a rejection of one of our own sent asientos is
applied at once to that asiento.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from provincial import audit
from provincial.documents.services import current_entity
from registro import services, sicres
from registro.choices import EstadoIntercambio
from registro.models import Asiento, IntercambioRecibido
from registro.services import RegistroError, _user_fields

if TYPE_CHECKING:
    from tenants.models import User

MAX_BYTES_FICHERO = 30 * 1024 * 1024  # base64 anexos of a 15 MB asiento, and margin
MAX_MOTIVO = 2000
Estado = IntercambioRecibido.Estado
Tipo = IntercambioRecibido.Tipo


@dataclass
class Recepcion:
    recibido: IntercambioRecibido
    nuevo: bool


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _leer(data: bytes) -> tuple[str, etree._Element]:
    """Which SICRES document `data` is, parsed and checked (XSD, anexo hashes)."""
    if not data:
        raise RegistroError(_("El fichero está vacío."))
    if len(data) > sicres_max_bytes():
        raise RegistroError(_("El fichero ocupa más de %(max)s MB.")
                            % {"max": sicres_max_bytes() // (1024 * 1024)})
    from django.core.exceptions import ValidationError

    from provincial import xmlsafe

    try:
        root = xmlsafe.parse(data, max_bytes=sicres_max_bytes())
    except ValidationError as exc:
        raise RegistroError(exc.messages[0]) from exc
    if root.tag == "Fichero_Intercambio_SICRES_3":
        return Tipo.FICHERO, sicres.leer_fichero(data)
    if root.tag == "De_Mensaje":
        sicres.validar(root, "SICRES3_MENSAJE_APL.xsd")
        return Tipo.MENSAJE, root
    raise RegistroError(_("No es un fichero SICRES 3.0: el elemento raíz es «%(tag)s» y se "
                          "espera Fichero_Intercambio_SICRES_3 o De_Mensaje.")
                        % {"tag": str(root.tag)[:60]})


def sicres_max_bytes() -> int:
    from django.conf import settings

    return getattr(settings, "REGISTRO_SIR_MAX_BYTES", MAX_BYTES_FICHERO)


def _t(root: etree._Element, path: str) -> str:
    return (root.findtext(path) or "").strip()


def recibir(nombre: str, data: bytes, *, acting_user: User | None = None,
            transporte=None) -> Recepcion:
    """Take in one SICRES file. Returns the row and whether it is new; RegistroError
    (nothing written) if the file is not a valid SICRES 3.0 document."""
    sha = _sha256(data)
    existing = IntercambioRecibido.objects.filter(sha256=sha).first()
    if existing is not None:
        return Recepcion(existing, False)
    tipo, root = _leer(data)
    fila = IntercambioRecibido(
        tipo=tipo, nombre_fichero=(nombre or "sicres.xml").replace("\\", "/")
        .rsplit("/", 1)[-1][:200], sha256=sha, tamano=len(data),
        recibido_por=_user_fields(acting_user)[1])
    ack = None
    try:
        with transaction.atomic():
            if tipo == Tipo.MENSAJE:
                fila.identificador_intercambio = _t(root, "Identificador_Intercambio")
                fila.tipo_anotacion = _t(root, "Tipo_Mensaje")
                fila.origen_dir3 = _t(root, "Codigo_Entidad_Registral_Origen")
                fila.resumen = _t(root, "Descripcion_Mensaje")
                fila.asiento = sicres.procesar_mensaje(data, acting_user=acting_user)
                fila.estado = Estado.PROCESADO
            else:
                fila.identificador_intercambio = _t(
                    root, "De_Internos_Control/Identificador_Intercambio")
                fila.tipo_anotacion = _t(root, "De_Internos_Control/Tipo_Anotacion")
                fila.origen_dir3 = _t(root, "De_Origen_o_Remitente/"
                                            "Codigo_Entidad_Registral_Origen")
                fila.origen_nombre = _t(root, "De_Origen_o_Remitente/"
                                              "Decodificacion_Entidad_Registral_Origen")
                fila.numero_registro_origen = _t(root, "De_Origen_o_Remitente/"
                                                       "Numero_Registro_Entrada")
                fila.resumen = _t(root, "De_Asunto/Resumen")
                propio = Asiento.objects.filter(
                    identificador_intercambio=fila.identificador_intercambio) \
                    .exclude(destino_sir_dir3="").first()
                if fila.tipo_anotacion == sicres.TipoAnotacion.RECHAZO and propio:
                    motivo = _t(root, "De_Internos_Control/Descripcion_Tipo_Anotacion")
                    fila.asiento = services.cambiar_estado_intercambio(
                        propio, EstadoIntercambio.RECHAZADO,
                        detalle=motivo or _("Rechazado por el destino"),
                        acting_user=acting_user)
                    fila.estado = Estado.PROCESADO
                elif fila.tipo_anotacion == sicres.TipoAnotacion.RECHAZO:
                    raise RegistroError(_("Llega un rechazo del intercambio «%(i)s», que no "
                                          "es un envío de esta entidad.")
                                        % {"i": fila.identificador_intercambio})
                else:
                    ack = _ack(fila)
            fila.fichero.save(fila.nombre_fichero, ContentFile(data), save=False)
            fila.save(force_insert=True)
            audit.record("registro.sir.recepcion", user=acting_user, entity=current_entity(),
                         obj=fila, detail={"tipo": tipo, "sha256": sha,
                                           "identificador": fila.identificador_intercambio})
            if ack is not None:
                transaction.on_commit(lambda: _enviar(transporte, *ack))
    except IntegrityError:
        if fila.fichero.name:
            fila.fichero.storage.delete(fila.fichero.name)
        existing = IntercambioRecibido.objects.filter(sha256=sha).first()
        if existing is None:
            raise
        return Recepcion(existing, False)
    return Recepcion(fila, True)


def _ack(fila: IntercambioRecibido) -> tuple[str, bytes]:
    """The ACK that tells the origin its fichero arrived (SICRES 3.0 mensaje 01).

    The description carries the moment of reception and the anotación: the ACK of a
    resend must not be byte-identical to the first ACK, or the origin, which recognises
    files by their hash, would take it for the same file seen twice."""
    contenido = sicres.mensaje(
        origen=current_entity().dir3_code, destino=fila.origen_dir3,
        identificador=fila.identificador_intercambio, tipo=sicres.TipoMensaje.ACK,
        descripcion=_("Recibido el %(f)s (anotación %(t)s)")
        % {"f": timezone.localtime().strftime("%d/%m/%Y %H:%M:%S.%f"),
           "t": fila.tipo_anotacion})
    return f"{fila.identificador_intercambio}_ACK_{fila.sha256[:8]}.xml", contenido


def _enviar(transporte, nombre: str, contenido: bytes) -> None:
    from registro.transporte import transporte as default_transporte

    (transporte or default_transporte()).enviar(nombre, contenido)


def _pendiente(fila: IntercambioRecibido) -> IntercambioRecibido:
    fila = IntercambioRecibido.objects.select_for_update().get(pk=fila.pk)
    if fila.tipo != Tipo.FICHERO or fila.estado != Estado.PENDIENTE:
        raise RegistroError(_("Este intercambio ya está %(e)s.")
                            % {"e": fila.get_estado_display().lower()})
    return fila


def aceptar(fila: IntercambioRecibido, *, acting_user: User | None,
            transporte=None) -> IntercambioRecibido:
    """Register the received fichero as an entrada (state aceptado) and confirm it to
    the origin with a CONFIRMACIÓN carrying our registry number."""
    stored: list = []  # the anexo files the import wrote, removed if the rest fails
    try:
        return _aceptar(fila, acting_user=acting_user, transporte=transporte, stored=stored)
    except BaseException:
        for fichero in stored:
            fichero.storage.delete(fichero.name)
        raise


def _aceptar(fila: IntercambioRecibido, *, acting_user, transporte, stored: list
             ) -> IntercambioRecibido:
    with transaction.atomic():
        fila = _pendiente(fila)
        with fila.fichero.open("rb") as handle:
            data = handle.read()
        asiento = sicres.importar(data, acting_user=acting_user)
        stored.extend(anexo.fichero for anexo in asiento.anexos.all())
        # Once committed the files are the asiento's: nothing to remove, even if sending
        # the confirmation (the next on-commit callback) then fails.
        transaction.on_commit(stored.clear)
        if asiento.estado_intercambio == EstadoIntercambio.RECIBIDO:
            asiento = services.cambiar_estado_intercambio(
                asiento, EstadoIntercambio.ACEPTADO, detalle=asiento.numero_registro,
                acting_user=acting_user)
        fila.estado = Estado.ACEPTADO
        fila.asiento = asiento
        fila.resuelto_por = _user_fields(acting_user)[1]
        fila.resuelto_en = timezone.now()
        fila.save(update_fields=["estado", "asiento", "resuelto_por", "resuelto_en"])
        confirmacion = sicres.mensaje(
            origen=current_entity().dir3_code, destino=fila.origen_dir3,
            identificador=fila.identificador_intercambio,
            tipo=sicres.TipoMensaje.CONFIRMACION,
            numero_registro_destino=asiento.numero_registro,
            fecha_destino=asiento.fecha_presentacion)
        audit.record("registro.sir.aceptar", user=acting_user, entity=current_entity(),
                     obj=fila, detail={"asiento": asiento.numero_registro})
        nombre = f"{fila.identificador_intercambio}_CONFIRMACION.xml"
        transaction.on_commit(lambda: _enviar(transporte, nombre, confirmacion))
    return fila


def rechazar(fila: IntercambioRecibido, *, motivo: str, acting_user: User | None,
             transporte=None) -> IntercambioRecibido:
    """Refuse the received fichero: nothing is registered, and the fichero goes back to
    its origin as a rejection (Tipo_Anotacion 04) with the reason."""
    motivo = services._texto(motivo, _("Motivo del rechazo"), max_length=MAX_MOTIVO,
                             required=True, field="motivo")
    with transaction.atomic():
        fila = _pendiente(fila)
        with fila.fichero.open("rb") as handle:
            devolucion = sicres.rechazo(handle.read(), motivo=motivo)
        fila.estado = Estado.RECHAZADO
        fila.motivo_rechazo = motivo
        fila.resuelto_por = _user_fields(acting_user)[1]
        fila.resuelto_en = timezone.now()
        fila.save(update_fields=["estado", "motivo_rechazo", "resuelto_por", "resuelto_en"])
        audit.record("registro.sir.rechazar", user=acting_user, entity=current_entity(),
                     obj=fila, detail={"motivo": motivo[:200]})
        nombre = f"{fila.identificador_intercambio}_RECHAZO.xml"
        transaction.on_commit(lambda: _enviar(transporte, nombre, devolucion))
    return fila
