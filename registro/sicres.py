"""SICRES 3.0: the fichero de intercambio and the mensaje of the SIR (NTI de Modelo de
Datos para el intercambio de asientos entre las Entidades Registrales).

Both are built with lxml and validated against the official XSDs copied in
`registro/xsd/`; incoming XML goes through `provincial.xmlsafe` (no DTD, no entities)
before the XSD. Anexos travel base64-encoded with the base64 SHA-256 of their bytes,
checked on import.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import re
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from provincial import xmlsafe
from provincial.documents.services import current_entity
from registro import services
from registro.calendario import MADRID
from registro.choices import Canal, EstadoIntercambio, Libro, TipoDocumento, TipoPersona
from registro.models import DIR3_REGEX, Asiento, UnidadOrganica
from registro.services import AnexoData, InteresadoData, RegistroError

XSD_DIR = Path(__file__).resolve().parent / "xsd"
APLICACION_VERSION = "1.0"
# The Identificador_Intercambio counter lives beside the books' counters, in a "book" of
# its own (ContadorRegistro.libro = "I"), so it is gap-free and locked the same way.
CONTADOR_INTERCAMBIO = "I"
MAX_FORMULARIO = 4000


class TipoAnotacion:
    PENDIENTE = "01"
    ENVIO = "02"
    REENVIO = "03"
    RECHAZO = "04"


class TipoMensaje:
    ACK = "01"
    ERROR = "02"
    CONFIRMACION = "03"


@cache
def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_DIR / name)))


def validar(root: etree._Element, xsd: str = "SICRES3_INTERCAMBIO_APL.xsd") -> None:
    """Raise RegistroError with the XSD's first complaints if `root` is not valid."""
    schema = _schema(xsd)
    if not schema.validate(root):
        errors = "; ".join(f"línea {e.line}: {e.message}" for e in list(schema.error_log)[:3])
        raise RegistroError(_("El fichero SICRES 3.0 no es válido según el XSD: %(e)s")
                            % {"e": errors})


def _fecha(value: datetime.datetime) -> str:
    return value.astimezone(MADRID).strftime("%Y%m%d%H%M%S")


def _parse_fecha(value: str) -> datetime.datetime:
    try:
        naive = datetime.datetime.strptime(value, "%Y%m%d%H%M%S")  # noqa: DTZ007 - Madrid
    except ValueError as exc:
        raise RegistroError(_("Fecha SICRES no válida: «%(v)s» (AAAAMMDDHHMMSS).")
                            % {"v": value}) from exc
    return naive.replace(tzinfo=MADRID)


def _add(parent: etree._Element, tag: str, value: str | None, max_length: int | None = None):
    if value is None or value == "":
        return None
    text = str(value)
    element = etree.SubElement(parent, tag)
    element.text = text[:max_length] if max_length else text
    return element


def nuevo_identificador(codigo_origen: str, when: datetime.datetime | None = None) -> str:
    """`<código entidad registral origen>_<AA>_<secuencial de 8 dígitos>` (max 33)."""
    year = (when or timezone.now()).astimezone(MADRID).year
    with transaction.atomic():
        numero = services.siguiente_numero(CONTADOR_INTERCAMBIO, year)
    return f"{codigo_origen[:21]}_{year % 100:02d}_{numero:08d}"


def _persona(segment, interesado, suffix: str) -> None:
    _add(segment, f"Tipo_Documento_Identificacion_{suffix}", interesado.tipo_documento)
    _add(segment, f"Documento_Identificacion_{suffix}", interesado.documento, 17)
    if interesado.tipo == TipoPersona.JURIDICA:
        _add(segment, f"Razon_Social_{suffix}", interesado.razon_social, 80)
    else:
        _add(segment, f"Nombre_{suffix}", interesado.nombre, 30)
        _add(segment, f"Primer_Apellido_{suffix}", interesado.apellido1, 30)
        _add(segment, f"Segundo_Apellido_{suffix}", interesado.apellido2, 30)


def _contacto(segment, interesado, suffix: str) -> None:
    if interesado is None:
        return
    _add(segment, f"Direccion_{suffix}", interesado.direccion, 160)
    _add(segment, f"Correo_Electronico_{suffix}", interesado.email, 160)
    _add(segment, f"Telefono_Contacto_{suffix}", interesado.telefono, 20)


def exportar(asiento: Asiento, *, destino_codigo: str, destino_nombre: str = "",
             unidad_destino_codigo: str = "", unidad_destino_nombre: str = "",
             identificador: str = "", tipo_anotacion: str = TipoAnotacion.ENVIO,
             descripcion_anotacion: str = "", prueba: bool = False,
             con_contenido: bool = True) -> bytes:
    """The Fichero_Intercambio_SICRES_3 of `asiento`, valid against the XSD."""
    entity = current_entity()
    origen = entity.dir3_code
    for label, texto in ((_("Expone"), asiento.expone), (_("Solicita"), asiento.solicita)):
        if len(texto) > MAX_FORMULARIO:
            raise RegistroError(_("«%(f)s» tiene %(n)s caracteres y SICRES 3.0 admite "
                                  "%(max)s: adjúntelo como documento para enviarlo por SIR.")
                                % {"f": label, "n": len(texto), "max": MAX_FORMULARIO})
    identificador = identificador or asiento.identificador_intercambio \
        or nuevo_identificador(origen)
    root = etree.Element("Fichero_Intercambio_SICRES_3")
    seg = etree.SubElement(root, "De_Origen_o_Remitente")
    _add(seg, "Codigo_Entidad_Registral_Origen", origen, 21)
    _add(seg, "Decodificacion_Entidad_Registral_Origen", entity.name, 80)
    _add(seg, "Numero_Registro_Entrada", asiento.numero_registro, 20)
    _add(seg, "Fecha_Hora_Entrada", _fecha(asiento.fecha_presentacion))
    if asiento.unidad_id:
        _add(seg, "Codigo_Unidad_Tramitacion_Origen", asiento.unidad.codigo_dir3, 21)
        _add(seg, "Decodificacion_Unidad_Tramitacion_Origen", asiento.unidad.nombre, 80)
    seg = etree.SubElement(root, "De_Destino")
    _add(seg, "Codigo_Entidad_Registral_Destino", destino_codigo, 21)
    _add(seg, "Decodificacion_Entidad_Registral_Destino", destino_nombre, 80)
    _add(seg, "Codigo_Unidad_Tramitacion_Destino", unidad_destino_codigo, 21)
    _add(seg, "Decodificacion_Unidad_Tramitacion_Destino", unidad_destino_nombre, 80)
    interesados = list(asiento.interesados.all())
    principales = [i for i in interesados if not i.es_representante]
    representantes = [i for i in interesados if i.es_representante]
    for index, interesado in enumerate(principales):
        # SICRES carries the representative inside the interesado's segment: the first
        # representative goes with the first interesado.
        rep = representantes[0] if index == 0 and representantes else None
        seg = etree.SubElement(root, "De_Interesado")
        _persona(seg, interesado, "Interesado")
        if rep is not None:
            _persona(seg, rep, "Representante")
        _contacto(seg, interesado, "Interesado")
        _contacto(seg, rep, "Representante")
    seg = etree.SubElement(root, "De_Asunto")
    _add(seg, "Resumen", asiento.resumen, 240)
    if len(asiento.procedimiento) <= 16:
        _add(seg, "Codigo_Asunto_Segun_Destino", asiento.procedimiento)
    for orden, anexo in enumerate(asiento.anexos.all(), start=1):
        with anexo.fichero.open("rb") as handle:
            contenido = handle.read()
        if hashlib.sha256(contenido).hexdigest() != anexo.sha256:
            raise RegistroError(_("El anexo «%(n)s» no coincide con su huella: no se envía.")
                                % {"n": anexo.nombre})
        extension = anexo.nombre.rsplit(".", 1)[-1].lower() if "." in anexo.nombre else "bin"
        seg = etree.SubElement(root, "De_Anexo")
        _add(seg, "Nombre_Fichero_Anexado", anexo.nombre, 80)
        _add(seg, "Identificador_Fichero", f"{identificador}_01_{orden:04d}.{extension}"[:50])
        _add(seg, "Validez_Documento", anexo.validez)
        _add(seg, "Tipo_Documento", anexo.tipo_documental)
        _add(seg, "Hash", base64.b64encode(bytes.fromhex(anexo.sha256)).decode("ascii"))
        if len(anexo.mime) <= 20:
            _add(seg, "Tipo_MIME", anexo.mime)
        if con_contenido:
            _add(seg, "Anexo", base64.b64encode(contenido).decode("ascii"))
    seg = etree.SubElement(root, "De_Internos_Control")
    _add(seg, "Nombre_Usuario", asiento.created_by_name, 80)
    _add(seg, "Identificador_Intercambio", identificador, 33)
    _add(seg, "Aplicacion_Version_Emisora", APLICACION_VERSION)
    _add(seg, "Tipo_Anotacion", tipo_anotacion)
    _add(seg, "Descripcion_Tipo_Anotacion", descripcion_anotacion, 80)
    _add(seg, "Tipo_Registro", "0" if asiento.libro == Libro.ENTRADA else "1")
    _add(seg, "Documentacion_Fisica", "3")
    _add(seg, "Indicador_Prueba", "1" if prueba else "0")
    _add(seg, "Codigo_Entidad_Registral_Inicio", origen, 21)
    _add(seg, "Decodificacion_Entidad_Registral_Inicio", entity.name, 80)
    seg = etree.SubElement(root, "De_Formulario_Generico")
    etree.SubElement(seg, "Expone").text = asiento.expone
    etree.SubElement(seg, "Solicita").text = asiento.solicita
    validar(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _parse(data: bytes, xsd: str) -> etree._Element:
    try:
        root = xmlsafe.parse(data)
    except ValidationError as exc:
        raise RegistroError(exc.messages[0]) from exc
    validar(root, xsd)
    return root


def _text(parent: etree._Element, tag: str) -> str:
    element = parent.find(tag)
    return (element.text or "").strip() if element is not None else ""


def _persona_data(seg, suffix: str, *, representante: bool) -> InteresadoData | None:
    documento = _text(seg, f"Documento_Identificacion_{suffix}")
    razon = _text(seg, f"Razon_Social_{suffix}")
    nombre = _text(seg, f"Nombre_{suffix}")
    if not (documento or razon or nombre):
        return None
    tipo_doc = _text(seg, f"Tipo_Documento_Identificacion_{suffix}") or TipoDocumento.OTRO
    contacto = {} if representante else {
        "direccion": _text(seg, "Direccion_Interesado"),
        "email": _text(seg, "Correo_Electronico_Interesado"),
        "telefono": _text(seg, "Telefono_Contacto_Interesado")}
    if representante:
        contacto = {"direccion": _text(seg, "Direccion_Representante"),
                    "email": _text(seg, "Correo_Electronico_Representante"),
                    "telefono": _text(seg, "Telefono_Contacto_Representante")}
    return InteresadoData(
        tipo=TipoPersona.JURIDICA if razon and not nombre else TipoPersona.FISICA,
        tipo_documento=tipo_doc, documento=documento, nombre=nombre,
        apellido1=_text(seg, f"Primer_Apellido_{suffix}"),
        apellido2=_text(seg, f"Segundo_Apellido_{suffix}"), razon_social=razon,
        es_representante=representante, **contacto)


def leer_fichero(data: bytes) -> etree._Element:
    """Parse an incoming fichero de intercambio safely, validate it against the XSD and
    check every anexo against its Hash; RegistroError (Spanish) if anything is wrong."""
    root = _parse(data, "SICRES3_INTERCAMBIO_APL.xsd")
    _anexos_de(root)
    return root


def _anexos_de(root: etree._Element) -> list[AnexoData]:
    anexos = []
    for seg in root.findall("De_Anexo"):
        nombre = _text(seg, "Nombre_Fichero_Anexado")
        if seg.find("Anexo") is None:
            raise RegistroError(_("El anexo «%(n)s» llega sin contenido.") % {"n": nombre})
        contenido = base64.b64decode(_text(seg, "Anexo"))
        esperado = base64.b64decode(_text(seg, "Hash"))
        if hashlib.sha256(contenido).digest() != esperado:
            raise RegistroError(_("El anexo «%(n)s» no coincide con su huella (Hash): el "
                                  "fichero está dañado.") % {"n": nombre})
        anexos.append(AnexoData(nombre=nombre, contenido=contenido,
                                tipo_documental=_text(seg, "Tipo_Documento"),
                                validez=_text(seg, "Validez_Documento")))
    return anexos


def importar(data: bytes, *, acting_user=None) -> Asiento:
    """Register an incoming fichero de intercambio as an entrada (canal SIR), state
    «recibido». The same Identificador_Intercambio imported twice gives one asiento."""
    root = _parse(data, "SICRES3_INTERCAMBIO_APL.xsd")
    origen = root.find("De_Origen_o_Remitente")
    destino = root.find("De_Destino")
    control = root.find("De_Internos_Control")
    identificador = _text(control, "Identificador_Intercambio")
    personas: list[InteresadoData] = []
    for seg in root.findall("De_Interesado"):
        for suffix, rep in (("Interesado", False), ("Representante", True)):
            persona = _persona_data(seg, suffix, representante=rep)
            if persona is not None:
                personas.append(persona)
    anexos = _anexos_de(root)
    codigo_unidad = _text(destino, "Codigo_Unidad_Tramitacion_Destino")
    unidad = UnidadOrganica.objects.filter(codigo_dir3=codigo_unidad, activa=True).first() \
        if codigo_unidad else None
    resumen = _text(root.find("De_Asunto"), "Resumen")
    formulario = root.find("De_Formulario_Generico")
    return services.registrar(
        libro=Libro.ENTRADA, canal=Canal.SIR, asunto=resumen, resumen=resumen,
        interesados=personas, anexos=anexos, expone=_text(formulario, "Expone"),
        solicita=_text(formulario, "Solicita"), unidad=unidad,
        procedimiento=_text(root.find("De_Asunto"), "Codigo_Asunto_Segun_Destino"),
        acting_user=acting_user, idempotency_key=f"sir:{identificador}",
        organismo_externo=_text(origen, "Decodificacion_Entidad_Registral_Origen"),
        organismo_externo_dir3=_text(origen, "Codigo_Entidad_Registral_Origen"),
        identificador_intercambio=identificador,
        numero_registro_origen=_text(origen, "Numero_Registro_Entrada"),
        fecha_registro_origen=_parse_fecha(_text(origen, "Fecha_Hora_Entrada")),
        estado_intercambio=EstadoIntercambio.RECIBIDO)


def mensaje(*, origen: str, destino: str, identificador: str, tipo: str,
            descripcion: str = "", numero_registro_destino: str = "",
            fecha_destino: datetime.datetime | None = None, codigo_error: str = "",
            identificadores_fichero: tuple[str, ...] = (), prueba: bool = False) -> bytes:
    """A SICRES 3.0 De_Mensaje (ACK, ERROR or CONFIRMACIÓN), valid against its XSD."""
    root = etree.Element("De_Mensaje")
    _add(root, "Codigo_Entidad_Registral_Origen", origen, 21)
    _add(root, "Codigo_Entidad_Registral_Destino", destino, 21)
    _add(root, "Identificador_Intercambio", identificador, 33)
    _add(root, "Tipo_Mensaje", tipo)
    _add(root, "Descripcion_Mensaje", descripcion, 1024)
    _add(root, "Numero_Registro_Entrada_Destino", numero_registro_destino, 20)
    if fecha_destino is not None:
        _add(root, "Fecha_Hora_Entrada_Destino", _fecha(fecha_destino))
    _add(root, "Indicador_Prueba", "1" if prueba else "0")
    for ident in identificadores_fichero[:10]:
        _add(root, "Identificador_Fichero", ident, 50)
    _add(root, "Codigo_Error", codigo_error, 4)
    validar(root, "SICRES3_MENSAJE_APL.xsd")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def leer_mensaje(data: bytes) -> dict[str, str]:
    root = _parse(data, "SICRES3_MENSAJE_APL.xsd")
    return {child.tag: (child.text or "").strip() for child in root}


def procesar_mensaje(data: bytes, *, acting_user=None) -> Asiento:
    """Apply a message about one of our sent asientos: ACK → ack, ERROR → error,
    CONFIRMACIÓN → aceptado (the destination's number is kept in the detail)."""
    campos = leer_mensaje(data)
    asiento = Asiento.objects.filter(
        identificador_intercambio=campos["Identificador_Intercambio"]).first()
    if asiento is None:
        raise RegistroError(_("No hay ningún asiento con el identificador de intercambio "
                              "«%(i)s».") % {"i": campos["Identificador_Intercambio"]})
    nuevo = {TipoMensaje.ACK: EstadoIntercambio.ACK, TipoMensaje.ERROR: EstadoIntercambio.ERROR,
             TipoMensaje.CONFIRMACION: EstadoIntercambio.ACEPTADO}.get(campos["Tipo_Mensaje"])
    if nuevo is None:
        raise RegistroError(_("Tipo de mensaje SICRES desconocido: «%(t)s».")
                            % {"t": campos["Tipo_Mensaje"]})
    detalle = " ".join(filter(None, [campos.get("Codigo_Error", ""),
                                     campos.get("Numero_Registro_Entrada_Destino", ""),
                                     campos.get("Descripcion_Mensaje", "")]))
    # Messages may cross on the network: a CONFIRMACIÓN can arrive before its ACK. The
    # confirmation implies the ACK (recorded as such), and the late ACK changes nothing.
    sent = (EstadoIntercambio.ENVIADO, EstadoIntercambio.REENVIADO)
    if nuevo == EstadoIntercambio.ACEPTADO and asiento.estado_intercambio in sent:
        asiento = services.cambiar_estado_intercambio(
            asiento, EstadoIntercambio.ACK, acting_user=acting_user,
            detalle=_("Implícito: la confirmación llegó antes que el ACK"))
    elif nuevo == EstadoIntercambio.ACK \
            and asiento.estado_intercambio == EstadoIntercambio.ACEPTADO:
        return asiento
    return services.cambiar_estado_intercambio(asiento, nuevo, detalle=detalle,
                                               acting_user=acting_user)


def enviar(asiento: Asiento, *, destino_codigo: str, destino_nombre: str = "",
           unidad_destino_codigo: str = "", acting_user=None, transporte=None) -> Asiento:
    """Send (or send again, after an error, rejection or return) an asiento through the
    transport, moving its exchange state: pendiente de envío → enviado, or → reenviado.

    The identifier is taken (and the asiento put «pendiente de envío») in its own
    transaction before the carrier is called: if the carrier fails, the asiento stays
    pending with its identifier and the next attempt reuses it.
    """
    from registro.transporte import transporte as default_transporte

    destino_codigo = (destino_codigo or "").strip().upper()
    if not re.fullmatch(DIR3_REGEX, destino_codigo):
        raise RegistroError(_("El código DIR3 de destino «%(c)s» no es válido (una o dos "
                              "letras y cifras, 9 caracteres).") % {"c": destino_codigo})
    if destino_codigo == current_entity().dir3_code:
        raise RegistroError(_("El destino es esta misma entidad: por SIR se envía a otra "
                              "administración."))
    carrier = transporte or default_transporte()
    if asiento.is_anulado:
        raise RegistroError(_("Un asiento anulado no se envía."))
    reenvio = asiento.estado_intercambio in (EstadoIntercambio.ERROR,
                                             EstadoIntercambio.RECHAZADO,
                                             EstadoIntercambio.DEVUELTO)
    if asiento.estado_intercambio == EstadoIntercambio.NINGUNO:
        identificador = nuevo_identificador(current_entity().dir3_code)
        asiento = services.cambiar_estado_intercambio(
            asiento, EstadoIntercambio.PENDIENTE_ENVIO, identificador=identificador,
            detalle=_("Destino %(d)s") % {"d": destino_codigo}, acting_user=acting_user)
    elif not reenvio and asiento.estado_intercambio != EstadoIntercambio.PENDIENTE_ENVIO:
        raise RegistroError(_("El asiento ya se ha enviado por SIR (estado «%(e)s»).")
                            % {"e": asiento.get_estado_intercambio_display()})
    Asiento.objects.filter(pk=asiento.pk).update(
        destino_sir_dir3=destino_codigo, destino_sir_nombre=destino_nombre[:80],
        unidad_destino_sir_dir3=(unidad_destino_codigo or "").strip().upper()[:21])
    asiento.refresh_from_db()
    contenido = exportar(asiento, destino_codigo=destino_codigo,
                         destino_nombre=destino_nombre,
                         unidad_destino_codigo=asiento.unidad_destino_sir_dir3,
                         tipo_anotacion=TipoAnotacion.REENVIO if reenvio else TipoAnotacion.ENVIO)
    try:
        carrier.enviar(f"{asiento.identificador_intercambio}.xml", contenido)
    except OSError as exc:
        raise RegistroError(_("El transporte SIR no ha aceptado el fichero (%(e)s); el "
                              "asiento queda como estaba y puede enviarse de nuevo.")
                            % {"e": exc.strerror or type(exc).__name__}) from exc
    return services.cambiar_estado_intercambio(
        asiento, EstadoIntercambio.REENVIADO if reenvio else EstadoIntercambio.ENVIADO,
        detalle=_("Destino %(d)s") % {"d": destino_codigo}, acting_user=acting_user)


def fichero_enviado(asiento: Asiento) -> bytes:
    """The fichero de intercambio of an asiento sent (or about to be sent) through SIR,
    rebuilt with its identifier and destination, for the clerk to download."""
    if not (asiento.identificador_intercambio and asiento.destino_sir_dir3):
        raise RegistroError(_("El asiento no se ha enviado por SIR."))
    reenvio = asiento.estado_intercambio == EstadoIntercambio.REENVIADO
    return exportar(asiento, destino_codigo=asiento.destino_sir_dir3,
                    destino_nombre=asiento.destino_sir_nombre,
                    unidad_destino_codigo=asiento.unidad_destino_sir_dir3,
                    identificador=asiento.identificador_intercambio,
                    tipo_anotacion=TipoAnotacion.REENVIO if reenvio else TipoAnotacion.ENVIO)


def rechazo(data: bytes, *, motivo: str) -> bytes:
    """The rejection of a received fichero de intercambio, to send back to its origin.

    SICRES 3.0 has no rejection *mensaje*: the De_Mensaje codes are 01 ACK, 02 ERROR and
    03 CONFIRMACIÓN (an ERROR means the file could not be processed, not that the
    destination refuses the asiento). A rejection is the fichero de intercambio itself
    returned to the entidad registral de inicio with Tipo_Anotacion 04 (rechazo) and the
    reason in Descripcion_Tipo_Anotacion (80 characters: the full reason stays in our
    bandeja), as AL-SIGM and REGWEB3 do.
    """
    root = leer_fichero(data)
    entity = current_entity()
    control = root.find("De_Internos_Control")
    inicio = _text(control, "Codigo_Entidad_Registral_Inicio")
    inicio_nombre = _text(control, "Decodificacion_Entidad_Registral_Inicio")
    origen = root.find("De_Origen_o_Remitente")
    destino = root.find("De_Destino")
    for seg in (origen, destino):
        for child in list(seg):
            if child.tag.startswith(("Codigo_Entidad", "Decodificacion_Entidad")):
                seg.remove(child)
    codigo = etree.Element("Codigo_Entidad_Registral_Origen")
    codigo.text = entity.dir3_code
    nombre = etree.Element("Decodificacion_Entidad_Registral_Origen")
    nombre.text = entity.name[:80]
    origen.insert(0, nombre)
    origen.insert(0, codigo)
    codigo = etree.Element("Codigo_Entidad_Registral_Destino")
    codigo.text = inicio
    destino.insert(0, codigo)
    if inicio_nombre:
        nombre = etree.Element("Decodificacion_Entidad_Registral_Destino")
        nombre.text = inicio_nombre
        destino.insert(1, nombre)
    control.find("Tipo_Anotacion").text = TipoAnotacion.RECHAZO
    descripcion = control.find("Descripcion_Tipo_Anotacion")
    if descripcion is None:
        descripcion = etree.Element("Descripcion_Tipo_Anotacion")
        control.find("Tipo_Anotacion").addnext(descripcion)
    descripcion.text = " ".join(motivo.split())[:80]
    _add_aplicacion(control)
    validar(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _add_aplicacion(control: etree._Element) -> None:
    version = control.find("Aplicacion_Version_Emisora")
    if version is not None:
        version.text = APLICACION_VERSION
