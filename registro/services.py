"""The registro's actions: every change to an asiento goes through here.

Called by the clerk's views, by the sede (instancia general and procedure forms) and by
the SIR import. Every function validates first, writes in one transaction, records the
audit event, and raises `RegistroError` with a Spanish message for refused input.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.es import cif, dni, nie
from stdnum.exceptions import ValidationError as StdnumError

from provincial import audit, xmlsafe
from provincial.documents import services as documents
from provincial.uploads import megabytes
from registro import busqueda, calendario, formatos
from registro.choices import (
    TRANSICIONES_INTERCAMBIO,
    Canal,
    EstadoAsiento,
    EstadoIntercambio,
    Libro,
    TipoDocumental,
    TipoDocumento,
    TipoPersona,
    Validez,
)
from registro.models import (
    Anexo,
    Asiento,
    ContadorRegistro,
    Distribucion,
    HistorialIntercambio,
    Interesado,
    UnidadOrganica,
)

if TYPE_CHECKING:
    from provincial.documents.models import IssuedDocument
    from tenants.models import User

logger = logging.getLogger(__name__)

JUSTIFICANTE_KIND = "justificante_registro"
MAX_TEXTO = 10_000  # expone / solicita
MAX_MOTIVO = 2_000
MB = 1024 * 1024


def max_bytes_anexo() -> int:
    return getattr(settings, "REGISTRO_ANEXO_MAX_BYTES", 10 * MB)


def max_bytes_asiento() -> int:
    return getattr(settings, "REGISTRO_ASIENTO_MAX_BYTES", 15 * MB)


def max_anexos() -> int:
    return getattr(settings, "REGISTRO_MAX_ANEXOS", 20)


class RegistroError(Exception):
    """Refused input or operation; `str()` is a Spanish message for the person."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class InteresadoData:
    """An interesado (or representative) as given to `registrar`. `tipo` is "fisica" or
    "juridica"; `tipo_documento` a SICRES code (N, E, C, P, X) or a name (dni, nif, nie,
    cif, pasaporte, otro)."""

    tipo: str
    tipo_documento: str
    documento: str
    nombre: str
    apellido1: str = ""
    apellido2: str = ""
    razon_social: str = ""
    email: str = ""
    telefono: str = ""
    direccion: str = ""
    es_representante: bool = False


@dataclass
class AnexoData:
    """A file to attach. `mime` is ignored: the type is detected from the content."""

    nombre: str
    contenido: bytes
    tipo_documental: str = ""
    mime: str = ""
    validez: str = ""


_DOC_ALIASES = {"dni": "N", "nif": "N", "n": "N", "nie": "E", "e": "E", "cif": "C",
                "c": "C", "pasaporte": "P", "p": "P", "otro": "X", "x": "X"}


def _texto(value: str, label: str, *, max_length: int, required: bool, field: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RegistroError(_("El campo «%(field)s» es obligatorio.") % {"field": label},
                            field=field)
    if len(value) > max_length:
        raise RegistroError(
            _("El campo «%(field)s» tiene %(length)s caracteres; el máximo es %(max)s.")
            % {"field": label, "length": f"{len(value):,}".replace(",", "."),
               "max": f"{max_length:,}".replace(",", ".")}, field=field)
    if "\x00" in value:
        raise RegistroError(_("El campo «%(field)s» contiene caracteres no válidos.")
                            % {"field": label}, field=field)
    return value


def validar_documento(tipo_documento: str, documento: str) -> tuple[str, str]:
    """The SICRES code and the compact document number; RegistroError if not valid."""
    code = _DOC_ALIASES.get((tipo_documento or "").strip().lower())
    if code is None:
        raise RegistroError(_("Tipo de documento de identidad desconocido: «%(tipo)s».")
                            % {"tipo": tipo_documento}, field="tipo_documento")
    numero = "".join(ch for ch in (documento or "").upper() if ch.isalnum())
    if not numero:
        raise RegistroError(_("Falta el número del documento de identidad."), field="documento")
    validators = {"N": (dni, _("El DNI/NIF «%(doc)s» no es válido (compruebe la letra).")),
                  "E": (nie, _("El NIE «%(doc)s» no es válido (compruebe la letra).")),
                  "C": (cif, _("El CIF «%(doc)s» no es válido (compruebe el dígito de "
                               "control)."))}
    if code in validators:
        module, message = validators[code]
        try:
            numero = module.validate(numero)
        except StdnumError as exc:
            raise RegistroError(message % {"doc": documento.strip()}, field="documento") from exc
    elif len(numero) > 17:
        raise RegistroError(_("El documento «%(doc)s» es demasiado largo (máximo 17 "
                              "caracteres).") % {"doc": documento.strip()}, field="documento")
    return code, numero


def _interesado(data: InteresadoData, orden: int) -> Interesado:
    quien = _("representante") if data.es_representante else _("interesado")
    tipo = (data.tipo or "").strip().lower()
    if tipo not in TipoPersona.values:
        raise RegistroError(_("Indique si el %(who)s es persona física o jurídica.")
                            % {"who": quien}, field="tipo")
    code, numero = validar_documento(data.tipo_documento, data.documento)
    interesado = Interesado(orden=orden, es_representante=data.es_representante, tipo=tipo,
                            tipo_documento=code, documento=numero)
    if tipo == TipoPersona.JURIDICA:
        if code != TipoDocumento.CIF:
            raise RegistroError(_("Una persona jurídica se identifica con su CIF."),
                                field="tipo_documento")
        interesado.razon_social = _texto(data.razon_social or data.nombre, _("Razón social"),
                                         max_length=200, required=True, field="razon_social")
    else:
        if code == TipoDocumento.CIF:
            raise RegistroError(_("Una persona física no se identifica con un CIF."),
                                field="tipo_documento")
        interesado.nombre = _texto(data.nombre, _("Nombre"), max_length=80, required=True,
                                   field="nombre")
        interesado.apellido1 = _texto(data.apellido1, _("Primer apellido"), max_length=80,
                                      required=True, field="apellido1")
        interesado.apellido2 = _texto(data.apellido2, _("Segundo apellido"), max_length=80,
                                      required=False, field="apellido2")
    interesado.email = _texto(data.email, _("Correo electrónico"), max_length=160,
                              required=False, field="email")
    if interesado.email:
        try:
            validate_email(interesado.email)
        except ValidationError as exc:
            raise RegistroError(_("El correo electrónico «%(email)s» no es válido.")
                                % {"email": interesado.email}, field="email") from exc
    interesado.telefono = _texto(data.telefono, _("Teléfono"), max_length=20, required=False,
                                 field="telefono")
    interesado.direccion = _texto(data.direccion, _("Dirección"), max_length=160,
                                  required=False, field="direccion")
    return interesado


def validar_interesado(data: InteresadoData) -> None:
    """RegistroError if `registrar` would refuse this person, so that a caller can say
    which of several people was refused (the API prefixes the field)."""
    _interesado(data, 0)


@dataclass
class _AnexoValidado:
    nombre: str
    contenido: bytes
    formato: formatos.Formato
    sha256: str
    tipo_documental: str
    validez: str


def validar_anexos(anexos: Sequence[AnexoData]) -> list[_AnexoValidado]:
    """The anexos as `registrar` will take them (count, sizes, names, formats, safe XML),
    or RegistroError: the sede runs it when the citizen attaches, so confirming never
    finds a new objection."""
    if len(anexos) > max_anexos():
        raise RegistroError(_("Se admiten como máximo %(max)s anexos por asiento.")
                            % {"max": max_anexos()}, field="anexos")
    validados = []
    total = 0
    for data in anexos:
        nombre = (data.nombre or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
        if not nombre:
            raise RegistroError(_("Un anexo no tiene nombre de fichero."), field="anexos")
        nombre = _texto(nombre, _("Nombre del fichero"), max_length=200, required=True,
                        field="anexos")
        contenido = bytes(data.contenido or b"")
        if not contenido:
            raise RegistroError(_("«%(name)s» está vacío.") % {"name": nombre}, field="anexos")
        if len(contenido) > max_bytes_anexo():
            raise RegistroError(_("«%(name)s» ocupa %(size)s MB; el máximo por fichero es "
                                  "%(max)s MB.")
                                % {"name": nombre, "size": megabytes(len(contenido)),
                                   "max": megabytes(max_bytes_anexo())}, field="anexos")
        total += len(contenido)
        try:
            formato = formatos.comprobar(nombre, contenido)
        except formatos.FormatoNoAdmitido as exc:
            raise RegistroError(str(exc), field="anexos") from exc
        if formato.codigo == "xml":
            try:
                xmlsafe.parse(contenido, max_bytes=max_bytes_anexo())
            except ValidationError as exc:
                raise RegistroError(_("«%(name)s»: %(error)s")
                                    % {"name": nombre, "error": exc.messages[0]},
                                    field="anexos") from exc
        tipo_documental = data.tipo_documental or TipoDocumental.ADJUNTO
        if tipo_documental not in TipoDocumental.values:
            raise RegistroError(_("Tipo documental desconocido: «%(tipo)s».")
                                % {"tipo": tipo_documental}, field="anexos")
        validez = data.validez or Validez.COPIA
        if validez not in Validez.values:
            raise RegistroError(_("Validez del documento desconocida: «%(v)s».")
                                % {"v": validez}, field="anexos")
        validados.append(_AnexoValidado(nombre, contenido, formato,
                                        hashlib.sha256(contenido).hexdigest(),
                                        tipo_documental, validez))
    if total > max_bytes_asiento():
        raise RegistroError(_("Los anexos suman %(size)s MB; el máximo por asiento es "
                              "%(max)s MB.") % {"size": megabytes(total),
                                                "max": megabytes(max_bytes_asiento())},
                            field="anexos")
    return validados


def _user_fields(user: User | None) -> tuple[int | None, str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return None, ""
    return user.pk, (user.get_full_name() or user.username)[:150]


def _entity():
    return documents.current_entity()


def siguiente_numero(libro: str, year: int) -> int:
    """The next number of (libro, year); its counter row stays locked until commit.

    One `UPDATE … RETURNING` both locks the row and increments it (a SELECT FOR UPDATE
    and an UPDATE would be two round trips with the lock held). Concurrent submissions
    queue on the row, and a rolled-back submission gives its number back, so numbers
    have no gaps. The row of a new book or year is created on first use (ON CONFLICT DO
    NOTHING: two first submissions of a year do not collide; the second waits for the
    first's insert and then updates the row it made).
    """
    sql = (f"UPDATE {connection.ops.quote_name(ContadorRegistro._meta.db_table)} "
           "SET ultimo = ultimo + 1 WHERE libro = %s AND year = %s RETURNING ultimo")
    with connection.cursor() as cursor:
        cursor.execute(sql, [libro, year])
        row = cursor.fetchone()
        if row is None:
            ContadorRegistro.objects.bulk_create([ContadorRegistro(libro=libro, year=year)],
                                                 ignore_conflicts=True)
            cursor.execute(sql, [libro, year])
            row = cursor.fetchone()
    return row[0]


def _reservar_id() -> int:
    """An id for an asiento not yet inserted, so that its rows can be written first."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))",
                       [Asiento._meta.db_table])
        return cursor.fetchone()[0]


def registrar(*, libro: str, canal: str, asunto: str, resumen: str,
              interesados: Sequence[InteresadoData], anexos: Sequence[AnexoData] = (),
              expone: str = "", solicita: str = "", unidad: UnidadOrganica | None = None,
              procedimiento: str = "", es_factura: bool = False,
              acting_user: User | None = None, presentado_en: datetime.datetime | None = None,
              idempotency_key: str | None = None, **extra: Any) -> Asiento:
    """Register an asiento with its interesados and anexos, numbered gap-free per book
    and year. With an `idempotency_key` already used, the asiento it made is returned.

    `extra` carries the SIR fields set by the SICRES import (organismo_externo…).
    """
    if idempotency_key:
        idempotency_key = idempotency_key.strip()[:100]
        existing = Asiento.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    else:
        idempotency_key = None

    if libro not in Libro.values:
        raise RegistroError(_("Libro de registro desconocido: «%(libro)s».") % {"libro": libro})
    if canal not in Canal.values:
        raise RegistroError(_("Canal de presentación desconocido: «%(canal)s».")
                            % {"canal": canal})
    asunto = _texto(asunto, _("Asunto"), max_length=240, required=True, field="asunto")
    resumen = _texto(resumen, _("Resumen"), max_length=240, required=True, field="resumen")
    # The instancia general of the sede is its expone and solicita (art. 66 LPAC).
    required = canal == Canal.SEDE
    expone = _texto(expone, _("Expone"), max_length=MAX_TEXTO, required=required,
                    field="expone")
    solicita = _texto(solicita, _("Solicita"), max_length=MAX_TEXTO, required=required,
                      field="solicita")
    procedimiento = _texto(procedimiento, _("Procedimiento"), max_length=80, required=False,
                           field="procedimiento")
    if not interesados or all(i.es_representante for i in interesados):
        raise RegistroError(_("El asiento necesita al menos un interesado."),
                            field="interesados")
    filas = [_interesado(data, orden) for orden, data in enumerate(interesados)]
    validados = validar_anexos(list(anexos))
    if unidad is not None and (
            not isinstance(unidad, UnidadOrganica)
            or not UnidadOrganica.objects.filter(pk=unidad.pk, activa=True).exists()):
        raise RegistroError(_("La unidad de destino no existe o no está activa."),
                                field="unidad")
    now = timezone.now()
    presentado_en = presentado_en or now
    if timezone.is_naive(presentado_en):
        raise RegistroError(_("La fecha de presentación debe llevar zona horaria."))
    if presentado_en > now + datetime.timedelta(minutes=1):
        raise RegistroError(_("La fecha de presentación no puede ser futura."))
    local = presentado_en.astimezone(calendario.MADRID)
    user_id, user_name = _user_fields(acting_user)
    entity = _entity()
    asiento = Asiento(
        libro=libro, year=local.year, fecha_presentacion=presentado_en,
        fecha_computo=calendario.computo_desde(presentado_en), canal=canal, asunto=asunto,
        resumen=resumen, expone=expone, solicita=solicita, unidad=unidad,
        procedimiento=procedimiento, es_factura=es_factura, idempotency_key=idempotency_key,
        created_by_id=user_id, created_by_name=user_name, **extra)
    asiento.busqueda_texto = busqueda.texto_indexado(
        asiento.asunto, asiento.resumen, asiento.expone, asiento.solicita,
        asiento.organismo_externo)
    asiento.busqueda_interesados = busqueda.interesados_indexados(filas)
    principal = next(f for f in filas if not f.es_representante)

    # Everything that does not need the number happens before the counter is locked, so
    # that concurrent submissions queue only for the numbering itself: the files are
    # written to storage first (random names; removed below if the asiento is not
    # written), then the interesados and anexo rows under an id reserved from the
    # sequence (Django's foreign keys on PostgreSQL are DEFERRABLE INITIALLY DEFERRED,
    # checked at commit, by when the asiento exists). The lock is held only for: next
    # number, insert of the asiento, its audit record, commit.
    stored: list[str] = []
    try:
        filas_anexo = []
        for orden, anexo in enumerate(validados):
            fila = Anexo(orden=orden, nombre=anexo.nombre, mime=anexo.formato.mime,
                         tamano=len(anexo.contenido), sha256=anexo.sha256,
                         tipo_documental=anexo.tipo_documental, validez=anexo.validez)
            fila.fichero.save(anexo.nombre, ContentFile(anexo.contenido), save=False)
            stored.append(fila.fichero.name)
            filas_anexo.append(fila)
        with transaction.atomic():
            asiento.pk = _reservar_id()
            for fila in [*filas, *filas_anexo]:
                fila.asiento_id = asiento.pk
            Interesado.objects.bulk_create(filas)
            Anexo.objects.bulk_create(filas_anexo)
            # From here until commit the counter row of (libro, year) is locked.
            asiento.numero = siguiente_numero(libro, local.year)
            asiento.numero_registro = Asiento.format_numero(local.year, libro, asiento.numero)
            # A double click that got past the check above meets the unique
            # idempotency_key here, once the first submission has committed: its insert
            # fails, everything rolls back (its number too) and the first is returned.
            asiento.save(force_insert=True)
            audit.record("registro.asiento.alta", user=acting_user, entity=entity,
                         obj=asiento, subject=principal.documento,
                         detail={"libro": libro, "canal": canal, "anexos": len(validados)})
    except IntegrityError as exc:
        _remove_files(stored)
        if idempotency_key:
            existing = Asiento.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        logger.exception("registro: asiento not written")
        raise RegistroError(_("No se ha podido registrar por un error interno; no se ha "
                              "guardado nada. Inténtelo de nuevo.")) from exc
    except BaseException:
        _remove_files(stored)
        raise
    return asiento


def _remove_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # pragma: no cover - logged, nothing else to do
            logger.exception("registro: could not remove %s", name)


def _locked(asiento: Asiento) -> Asiento:
    return Asiento.objects.select_for_update().get(pk=asiento.pk)


def anular(asiento: Asiento, *, motivo: str, acting_user: User | None) -> Asiento:
    """Annul an asiento: it stays in the book, with the reason, who and when."""
    motivo = _texto(motivo, _("Motivo de la anulación"), max_length=MAX_MOTIVO,
                    required=True, field="motivo")
    user_id, user_name = _user_fields(acting_user)
    with transaction.atomic():
        asiento = _locked(asiento)
        if asiento.is_anulado:
            raise RegistroError(_("El asiento %(numero)s ya está anulado.")
                                % {"numero": asiento.numero_registro})
        asiento.estado = EstadoAsiento.ANULADO
        asiento.motivo_anulacion = motivo
        asiento.anulado_por_id, asiento.anulado_por_nombre = user_id, user_name
        asiento.anulado_en = timezone.now()
        asiento.save(update_fields=["estado", "motivo_anulacion", "anulado_por_id",
                                    "anulado_por_nombre", "anulado_en", "updated_at"])
        audit.record("registro.asiento.anulacion", user=acting_user, entity=_entity(),
                     obj=asiento, detail={"motivo": motivo})
    return asiento


def distribuir(asiento: Asiento, *, unidad: UnidadOrganica, acting_user: User | None) -> Asiento:
    """Send an asiento to a unit of the organigram to deal with it."""
    if unidad is None or not UnidadOrganica.objects.filter(pk=unidad.pk, activa=True).exists():
        raise RegistroError(_("La unidad de destino no existe o no está activa."),
                            field="unidad")
    user_id, user_name = _user_fields(acting_user)
    with transaction.atomic():
        asiento = _locked(asiento)
        if asiento.is_anulado:
            raise RegistroError(_("Un asiento anulado no se distribuye."))
        asiento.unidad = unidad
        asiento.estado = EstadoAsiento.DISTRIBUIDO
        asiento.save(update_fields=["unidad", "estado", "updated_at"])
        Distribucion.objects.create(asiento=asiento, unidad=unidad, usuario_id=user_id,
                                    usuario_nombre=user_name)
        audit.record("registro.asiento.distribucion", user=acting_user, entity=_entity(),
                     obj=asiento, detail={"unidad": unidad.codigo_dir3})
    return asiento


def cambiar_estado_intercambio(asiento: Asiento, nuevo: str, *, detalle: str = "",
                               identificador: str = "",
                               acting_user: User | None = None) -> Asiento:
    """Move the SIR exchange of an asiento to `nuevo`, if the state machine allows it."""
    if nuevo not in EstadoIntercambio.values:
        raise RegistroError(_("Estado de intercambio desconocido: «%(e)s».") % {"e": nuevo})
    with transaction.atomic():
        asiento = _locked(asiento)
        actual = asiento.estado_intercambio
        if nuevo not in TRANSICIONES_INTERCAMBIO.get(actual, frozenset()):
            raise RegistroError(
                _("El intercambio del asiento %(numero)s no puede pasar de «%(de)s» a "
                  "«%(a)s».") % {"numero": asiento.numero_registro,
                                "de": EstadoIntercambio(actual).label,
                                "a": EstadoIntercambio(nuevo).label})
        asiento.estado_intercambio = nuevo
        asiento.intercambio_detalle = detalle[:1024]
        fields = ["estado_intercambio", "intercambio_detalle", "updated_at"]
        if identificador:
            asiento.identificador_intercambio = identificador
            fields.append("identificador_intercambio")
        asiento.save(update_fields=fields)
        HistorialIntercambio.objects.create(asiento=asiento, estado_anterior=actual,
                                            estado=nuevo, detalle=detalle[:1024],
                                            usuario_nombre=_user_fields(acting_user)[1])
        audit.record("registro.intercambio.estado", user=acting_user, entity=_entity(),
                     obj=asiento, detail={"de": actual, "a": nuevo, "detalle": detalle[:200]})
    return asiento


def justificante(asiento: Asiento) -> IssuedDocument:
    """The justificante de registro (art. 16.3 LPAC) of an asiento, issued once."""
    from provincial.documents.models import IssuedDocument

    with transaction.atomic():
        asiento = _locked(asiento)
        existing = IssuedDocument.objects.filter(
            kind=JUSTIFICANTE_KIND, object_type=Asiento._meta.label,
            object_id=str(asiento.pk)).first()
        if existing is not None:
            return existing
        from registro.justificante import emitir

        return emitir(asiento)
