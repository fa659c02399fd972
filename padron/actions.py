"""Every operation on the padrón: each one a transaction with its legal cause, date,
supporting documents and clerk, an immutable Movimiento, the residence periods that let
the padrón be rebuilt at any date, and an audit record."""

from __future__ import annotations

import datetime
import hashlib
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.es import dni as stdnum_dni
from stdnum.es import nie as stdnum_nie

from padron.choices import Causa, TipoDocumento, TipoMovimiento
from padron.models import (
    Domicilio,
    ErrorINE,
    Habitante,
    HojaPadronal,
    Movimiento,
    MovimientoAdjunto,
    PeriodoResidencia,
    Tramo,
    Via,
)
from padron.models.territorio import Vigencia
from provincial import audit

ADJUNTO_MAX_BYTES = 10 * 1024 * 1024
RENEWAL_YEARS = 2  # ENCSARP: art. 16.1 Ley 7/1985 (every two years)
PERSONAL_FIELDS = ["nombre", "particula1", "apellido1", "particula2", "apellido2", "sexo",
                   "fecha_nacimiento", "fecha_nacimiento_precision", "provincia_nacimiento", "municipio_nacimiento",
                   "pais_nacimiento", "nacionalidad", "nivel_estudios", "tipo_documento",
                   "documento", "identificador_electoral", "telefono", "email"]


class DuplicateHabitante(ValidationError):
    """An alta of a document already inscribed; `existing` is the inhabitant found."""

    def __init__(self, existing: Habitante) -> None:
        self.existing = existing
        super().__init__({"documento": _(
            "Este documento ya está empadronado: %(name)s (NIA %(nia)s).")
            % {"name": existing.full_name, "nia": existing.nia}}, code="duplicate")


def normalize(text: str) -> str:
    """Lowercase, accents removed, single spaces: what name search compares."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().replace("-", " ").split())


def normalize_document(tipo: str, documento: str) -> str:
    value = "".join(ch for ch in (documento or "").upper() if ch.isalnum())
    if tipo == TipoDocumento.DNI:
        if not stdnum_dni.is_valid(value):
            raise ValidationError({"documento": _(
                "El DNI %(value)s no es válido: compruebe los números y la letra.")
                % {"value": documento}})
    elif tipo == TipoDocumento.TARJETA_EXTRANJERO:
        if not stdnum_nie.is_valid(value):
            raise ValidationError({"documento": _(
                "El NIE %(value)s no es válido: debe empezar por X, Y o Z y la letra final "
                "debe corresponder.") % {"value": documento}})
    elif tipo == TipoDocumento.PASAPORTE:
        if not 5 <= len(value) <= 20:
            raise ValidationError({"documento": _("El número de pasaporte no es válido.")})
    elif value:
        raise ValidationError({"documento": _("Sin documento no lleva número.")})
    return value


def _normalize_birth(data: dict) -> None:
    """A birth date whose day (or day and month) is unknown is kept as the first day of its
    month (or year); see PrecisionFecha."""
    from padron.choices import PrecisionFecha

    birth, precision = data.get("fecha_nacimiento"), data.get("fecha_nacimiento_precision") or ""
    data["fecha_nacimiento_precision"] = precision
    if isinstance(birth, datetime.date) and precision == PrecisionFecha.SIN_DIA:
        data["fecha_nacimiento"] = datetime.date(birth.year, birth.month, 1)
    elif isinstance(birth, datetime.date) and precision == PrecisionFecha.SIN_DIA_MES:
        data["fecha_nacimiento"] = datetime.date(birth.year, 1, 1)


def document_nationality_mismatch(tipo_documento: str, nacionalidad: str) -> str:
    """Why the type of document does not fit the nationality ("" when it does).

    INE's rule for TIDEN against CNAC (Resolución de 17 de febrero de 2020, instrucciones
    técnicas sobre la gestión del padrón, identification documents): Spanish nationals
    (CNAC 108) are identified by their DNI (TIDEN 1), foreigners by their tarjeta de
    extranjero / NIE (TIDEN 3) or their passport (TIDEN 2). INE returns any other
    combination as an error, so it is refused here, before the alta."""
    from padron import codelists

    spanish = nacionalidad == codelists.SPAIN
    if tipo_documento == TipoDocumento.DNI and not spanish:
        return _("El DNI solo identifica a personas de nacionalidad española: una persona "
                 "extranjera se inscribe con su tarjeta de extranjero (NIE) o su pasaporte.")
    if tipo_documento == TipoDocumento.TARJETA_EXTRANJERO and spanish:
        return _("Una persona de nacionalidad española se inscribe con su DNI, no con una "
                 "tarjeta de extranjero (NIE).")
    if tipo_documento == TipoDocumento.PASAPORTE and spanish:
        return _("Una persona de nacionalidad española se inscribe con su DNI, no con el "
                 "pasaporte.")
    return ""


def _check_person(data: dict, fecha: datetime.date) -> None:
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    birth = data.get("fecha_nacimiento")
    if birth and birth > today:
        errors.setdefault("fecha_nacimiento", []).append(
            _("La fecha de nacimiento no puede ser futura."))
    if birth and birth.year < 1880:
        errors.setdefault("fecha_nacimiento", []).append(_("La fecha de nacimiento no es posible."))
    if fecha > today:
        errors.setdefault("fecha", []).append(_("La fecha de la variación no puede ser futura."))
    if birth and fecha < birth:
        errors.setdefault("fecha", []).append(
            _("La fecha de la variación es anterior al nacimiento."))
    from padron import codelists

    for name in ("nacionalidad", "pais_nacimiento"):
        if data.get(name) and not codelists.country_name(data[name]):
            errors.setdefault(name, []).append(
                _("%(code)s no es un código de país del INE.") % {"code": data[name]})
    if data.get("provincia_nacimiento") and not codelists.province_name(
            data["provincia_nacimiento"]):
        errors.setdefault("provincia_nacimiento", []).append(
            _("%(code)s no es un código de provincia del INE (01 a 52).")
            % {"code": data["provincia_nacimiento"]})
    if data.get("municipio_nacimiento") and not (
            str(data["municipio_nacimiento"]).isdigit() and len(data["municipio_nacimiento"]) == 3):
        errors.setdefault("municipio_nacimiento", []).append(
            _("El código de municipio del INE tiene tres cifras."))
    mismatch = document_nationality_mismatch(data.get("tipo_documento") or "",
                                             data.get("nacionalidad") or codelists.SPAIN)
    if mismatch:
        errors.setdefault("tipo_documento", []).append(mismatch)
    if errors:
        raise ValidationError(errors)


def validate_persona(datos: dict, fecha: datetime.date) -> dict:
    """The person's data checked all at once (document and dates); returns it normalized."""
    datos = dict(datos)
    errors: dict[str, list] = {}
    try:
        datos["documento"] = normalize_document(datos.get("tipo_documento", ""),
                                                datos.get("documento", ""))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    _normalize_birth(datos)
    try:
        _check_person(datos, fecha)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return datos


def _snapshot(habitante: Habitante) -> dict:
    data = {field: getattr(habitante, field) for field in PERSONAL_FIELDS}
    data["fecha_nacimiento"] = habitante.fecha_nacimiento.isoformat()
    data["nia"] = habitante.nia
    return data


def _next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [model._meta.db_table])
        return cursor.fetchone()[0]


def _requires_renewal(nacionalidad: str, residencia_permanente: bool) -> bool:
    from padron import codelists

    return not residencia_permanente and not codelists.is_eu_eea(nacionalidad)


# --- territory ----------------------------------------------------------------------


def locate_tramo(*, via: Via, number: int | None, qualifier: str = "",
                 date: datetime.date) -> Tramo:
    """The tramo of `via` containing the number (with its parity) on `date`."""
    numbering_hint = "0" if not number else ("1" if number % 2 else "2")
    for tramo in Tramo.objects.filter(Vigencia.valid_on(date), via=via, numbering=numbering_hint) \
            .select_related("seccion", "nucleo"):
        if tramo.contains(number, qualifier):
            return tramo
    raise ValidationError({"number": _(
        "El número %(number)s de %(via)s no está dentro de ningún tramo del callejero "
        "(compruebe el número y su paridad).") % {"number": f"{number or 's/n'}{qualifier}",
                                                   "via": via}})


def domicilio_for(*, via: Via, number: int | None, date: datetime.date, qualifier: str = "",
                  **details) -> Domicilio:
    """The address (created if new) after checking it falls inside a tramo of its vía."""
    tramo = locate_tramo(via=via, number=number, qualifier=qualifier, date=date)
    lookup = {"via": via, "pseudovia": None, "number": number or None,
              "qualifier": qualifier.upper(), "km": details.pop("km", None),
              "hm": details.pop("hm", None)}
    for key in ("bloque", "portal", "escalera", "planta", "puerta"):
        lookup[key] = (details.pop(key, "") or "").strip().upper()
    domicilio, _created = Domicilio.objects.get_or_create(
        **lookup, defaults={"tramo": tramo, **details})
    return domicilio


# --- operations ---------------------------------------------------------------------


@dataclass
class Contexto:
    """Who does the operation and what supports it (a description and scanned files)."""

    acting_user: object
    documentos: str = ""
    observaciones: str = ""
    adjuntos: list = field(default_factory=list)

    def check_adjuntos(self) -> None:
        """Refuse, before anything is written, files that are not PDF/JPEG/PNG or too big."""
        from provincial.uploads import check_upload

        errors = []
        for upload in self.adjuntos:
            try:
                check_upload(upload, allowed=("pdf", "jpeg", "png"), max_bytes=ADJUNTO_MAX_BYTES)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError({"adjuntos": errors})


def check_consulado(consulado: str, lugar: str, field: str) -> None:
    """A consulado (CCONS, 3 digits) only goes with a country as procedence or destination."""
    if not consulado:
        return
    if not (len(consulado) == 3 and consulado.isascii() and consulado.isdigit()):
        raise ValidationError({field: _("El código de consulado son tres cifras.")})
    if len((lugar or "").strip()) != 3:
        raise ValidationError({field: _(
            "Solo se indica consulado cuando la procedencia o el destino es un país "
            "extranjero (código de país de tres cifras).")})


def _movimiento(habitante: Habitante, *, causa: str, fecha: datetime.date, ctx: Contexto,
                procedencia_destino: str = "", consulado: str = "") -> Movimiento:
    movimiento = Movimiento.objects.create(
        habitante=habitante, tipo=Causa.tipo(causa), causa=causa, fecha=fecha,
        procedencia_destino=procedencia_destino, consulado=consulado,
        datos=_snapshot(habitante),
        domicilio=habitante.hoja.domicilio if habitante.hoja_id else None,
        hoja=habitante.hoja, documentos=ctx.documentos, observaciones=ctx.observaciones,
        clerk_id=getattr(ctx.acting_user, "pk", None), clerk_name=clerk_name(ctx.acting_user))
    for upload in ctx.adjuntos:
        _attach(movimiento, upload)
    return movimiento


def clerk_name(user) -> str:
    """The name "Tramitó" shows: the person's full name, the username only without one."""
    if user is None:
        return ""
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return (full or getattr(user, "username", "") or "")[:150]


def _attach(movimiento: Movimiento, upload) -> MovimientoAdjunto:
    from provincial.uploads import detect

    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    kind = detect(upload)
    adjunto = MovimientoAdjunto(
        movimiento=movimiento, name=upload.name[:200], sha256=digest.hexdigest(),
        size=upload.size, content_type={"pdf": "application/pdf", "jpeg": "image/jpeg",
                                        "png": "image/png"}.get(kind, "application/octet-stream"))
    adjunto.file.save(upload.name, upload, save=False)
    adjunto.save()
    return adjunto


def _open_period(habitante: Habitante, movimiento: Movimiento, fecha: datetime.date) -> None:
    hoja = habitante.hoja
    PeriodoResidencia.objects.create(habitante=habitante, hoja=hoja, domicilio=hoja.domicilio,
                                     seccion=hoja.domicilio.tramo.seccion, desde=fecha,
                                     alta=movimiento)


def _close_period(habitante: Habitante, movimiento: Movimiento, fecha: datetime.date) -> None:
    period = PeriodoResidencia.objects.select_for_update().filter(
        habitante=habitante, hasta__isnull=True).first()
    if period is None:
        return
    if fecha < period.desde:
        raise ValidationError({"fecha": _(
            "La fecha (%(fecha)s) es anterior al inicio de su residencia actual (%(desde)s).")
            % {"fecha": fecha.strftime("%d/%m/%Y"), "desde": period.desde.strftime("%d/%m/%Y")}})
    period.hasta = fecha
    period.fin = movimiento
    period.save(update_fields=["hasta", "fin"])


def new_hoja(domicilio: Domicilio) -> HojaPadronal:
    pk = _next_id(HojaPadronal)
    return HojaPadronal.objects.create(pk=pk, number=f"{pk:010d}", domicilio=domicilio)


def dar_de_alta(datos: dict, *, causa: str, fecha: datetime.date, domicilio: Domicilio,
                ctx: Contexto, hoja: HojaPadronal | None = None, procedencia: str = "",
                consulado: str = "",
                residencia_permanente: bool = False) -> Habitante:
    """Inscribe a person: by birth, by change of residence (from another municipality or
    from abroad) or by omission."""
    if Causa.tipo(causa) != TipoMovimiento.ALTA:
        raise ValidationError({"causa": _("La causa no es de alta.")})
    ctx.check_adjuntos()
    check_consulado(consulado, procedencia, "consulado")
    datos = validate_persona(datos, fecha)
    if causa == Causa.ALTA_NACIMIENTO and datos["fecha_nacimiento"] != fecha:
        raise ValidationError({"fecha": _("Un alta por nacimiento tiene la fecha del nacimiento.")})
    if hoja is not None and hoja.domicilio_id != domicilio.pk:
        raise ValidationError({"hoja": _("La hoja elegida está en otro domicilio.")})
    with transaction.atomic():
        if datos["documento"]:
            existing = Habitante.objects.select_for_update().filter(
                is_registered=True, tipo_documento=datos["tipo_documento"],
                documento=datos["documento"]).first()
            if existing is not None:
                raise DuplicateHabitante(existing)
        pk = _next_id(Habitante)
        habitante = Habitante(pk=pk, nia=f"{pk:015d}", fecha_alta=fecha,
                              hoja=hoja or new_hoja(domicilio), **datos)
        habitante.search_name = normalize(habitante.full_name)
        if _requires_renewal(habitante.nacionalidad, residencia_permanente):
            habitante.requires_renewal = True
            habitante.renewal_due = _add_years(fecha, RENEWAL_YEARS)
        habitante.save(force_insert=True)
        movimiento = _movimiento(habitante, causa=causa, fecha=fecha, ctx=ctx,
                                 procedencia_destino=procedencia, consulado=consulado)
        _open_period(habitante, movimiento, fecha)
        audit.record("padron.habitante.alta", user=ctx.acting_user, entity=_entity(),
                     obj=habitante, subject=habitante.documento, detail={"causa": causa})
    return habitante


def _locked(habitante: Habitante, expected_version: int | None) -> Habitante:
    """Lock the row; refuse if someone else saved it since the form was loaded."""
    current = Habitante.objects.select_for_update().get(pk=habitante.pk)
    if expected_version is not None and current.version != expected_version:
        raise ValidationError(_(
            "Otra persona ha modificado los datos de %(name)s mientras usted los editaba. "
            "Recargue la página para ver los datos actuales; no se ha guardado nada.")
            % {"name": current.full_name}, code="stale")
    return current


def _bump(habitante: Habitante, fields: list[str]) -> None:
    habitante.version = F("version") + 1
    habitante.save(update_fields=[*fields, "version", "updated_at"])
    habitante.refresh_from_db(fields=["version"])


def dar_de_baja(habitante: Habitante, *, causa: str, fecha: datetime.date, ctx: Contexto,
                destino: str = "", consulado: str = "",
                expected_version: int | None = None) -> Habitante:
    """Remove a person from the padrón (death, moving out, undue inscription, duplicate,
    caducidad). The history stays."""
    if Causa.tipo(causa) != TipoMovimiento.BAJA:
        raise ValidationError({"causa": _("La causa no es de baja.")})
    ctx.check_adjuntos()
    if fecha > timezone.localdate():
        raise ValidationError({"fecha": _("La fecha de la baja no puede ser futura.")})
    check_consulado(consulado, destino, "consulado")
    with transaction.atomic():
        habitante = _locked(habitante, expected_version)
        if not habitante.is_registered:
            raise ValidationError(_("%(name)s ya estaba de baja.") % {"name": habitante.full_name})
        if fecha < habitante.fecha_alta:
            raise ValidationError({"fecha": _(
                "La baja (%(baja)s) no puede ser anterior al alta (%(alta)s).")
                % {"baja": fecha.strftime("%d/%m/%Y"),
                   "alta": habitante.fecha_alta.strftime("%d/%m/%Y")}})
        if causa == Causa.BAJA_CADUCIDAD and not (habitante.requires_renewal
                                                  and habitante.renewal_due
                                                  and habitante.renewal_due <= fecha):
            raise ValidationError({"causa": _(
                "Solo caduca la inscripción no renovada de quien debe renovarla, una vez "
                "vencido el plazo.")})
        movimiento = _movimiento(habitante, causa=causa, fecha=fecha, ctx=ctx,
                                 procedencia_destino=destino, consulado=consulado)
        _close_period(habitante, movimiento, fecha)
        habitante.is_registered = False
        habitante.fecha_baja = fecha
        _bump(habitante, ["is_registered", "fecha_baja"])
        audit.record("padron.habitante.baja", user=ctx.acting_user, entity=_entity(),
                     obj=habitante, subject=habitante.documento, detail={"causa": causa})
    return habitante


def modificar_datos(habitante: Habitante, cambios: dict, *, fecha: datetime.date, ctx: Contexto,
                    expected_version: int | None = None,
                    causa: str = Causa.MODIFICACION_DATOS) -> Habitante:
    """Change personal data (name, document, studies…); the old values stay in the history."""
    ctx.check_adjuntos()
    with transaction.atomic():
        habitante = _locked(habitante, expected_version)
        if not habitante.is_registered:
            raise ValidationError(_("No se modifican los datos de quien está de baja."))
        cambios = {k: v for k, v in cambios.items() if k in PERSONAL_FIELDS}
        merged = {field: getattr(habitante, field) for field in PERSONAL_FIELDS} | cambios
        merged["documento"] = normalize_document(merged["tipo_documento"], merged["documento"])
        _normalize_birth(merged)
        _check_person(merged, fecha)
        changed = [f for f in PERSONAL_FIELDS if merged[f] != getattr(habitante, f)]
        if not changed:
            raise ValidationError(_("No ha cambiado ningún dato."))
        if merged["documento"] and Habitante.objects.filter(
                is_registered=True, tipo_documento=merged["tipo_documento"],
                documento=merged["documento"]).exclude(pk=habitante.pk).exists():
            raise DuplicateHabitante(Habitante.objects.get(
                is_registered=True, tipo_documento=merged["tipo_documento"],
                documento=merged["documento"]))
        for field in changed:
            setattr(habitante, field, merged[field])
        habitante.search_name = normalize(habitante.full_name)
        _bump(habitante, [*changed, "search_name"])
        _movimiento(habitante, causa=causa, fecha=fecha, ctx=ctx)
        audit.record("padron.habitante.modificacion", user=ctx.acting_user, entity=_entity(),
                     obj=habitante, subject=habitante.documento, detail={"campos": changed})
    return habitante


def cambiar_domicilio(habitante: Habitante, domicilio: Domicilio, *, fecha: datetime.date,
                      ctx: Contexto, hoja: HojaPadronal | None = None,
                      expected_version: int | None = None) -> Habitante:
    """Move a person to another address of the municipality (and household)."""
    if fecha > timezone.localdate():
        raise ValidationError({"fecha": _("La fecha del cambio no puede ser futura.")})
    ctx.check_adjuntos()
    with transaction.atomic():
        habitante = _locked(habitante, expected_version)
        if not habitante.is_registered:
            raise ValidationError(_("Quien está de baja no cambia de domicilio."))
        if hoja is not None and hoja.domicilio_id != domicilio.pk:
            raise ValidationError({"hoja": _("La hoja elegida está en otro domicilio.")})
        if habitante.hoja and habitante.hoja.domicilio_id == domicilio.pk and hoja in (None, habitante.hoja):
            raise ValidationError({"domicilio": _("Ya vive en ese domicilio.")})
        habitante.hoja = hoja or new_hoja(domicilio)
        movimiento = _movimiento(habitante, causa=Causa.CAMBIO_DOMICILIO, fecha=fecha, ctx=ctx)
        _close_period(habitante, movimiento, fecha)
        _bump(habitante, ["hoja"])
        _open_period(habitante, movimiento, fecha)
        audit.record("padron.habitante.cambio_domicilio", user=ctx.acting_user, entity=_entity(),
                     obj=habitante, subject=habitante.documento)
    return habitante


def cambiar_domicilio_hoja(hoja: HojaPadronal, domicilio: Domicilio, *, fecha: datetime.date,
                           ctx: Contexto, habitantes: list[int] | None = None,
                           expected_versions: dict[int, int] | None = None) -> HojaPadronal:
    """Move a household to another address of the municipality in one operation.

    Everyone inscribed in `hoja` (or the `habitantes` chosen among them) moves to one new
    hoja at `domicilio`; each person gets their own Movimiento (cambio de domicilio), the
    end of their residence period and a new one, and an audit record, and the move as a
    whole is audited on the old hoja. `expected_versions` is the household as the clerk saw
    it ({pk: version} of every person inscribed in the hoja): if anyone joined, left or was
    changed since, nothing is done. Everyone is checked before anything is written, and
    it all happens in one transaction: one person who cannot move stops the whole move.
    """
    if fecha > timezone.localdate():
        raise ValidationError({"fecha": _("La fecha del cambio no puede ser futura.")})
    ctx.check_adjuntos()
    if domicilio.pk == hoja.domicilio_id:
        raise ValidationError({"domicilio": _("La hoja ya está en ese domicilio.")})
    with transaction.atomic():
        # Locked in primary-key order, as every other operation locks inhabitants.
        household = list(Habitante.objects.select_for_update()
                         .filter(hoja=hoja, is_registered=True).order_by("pk"))
        if expected_versions is not None and \
                {h.pk: h.version for h in household} != dict(expected_versions):
            raise ValidationError(_(
                "Las personas de la hoja %(number)s o sus datos han cambiado mientras usted "
                "preparaba el traslado. Recargue la página; no se ha guardado nada.")
                % {"number": hoja.number}, code="stale")
        if habitantes is not None:
            chosen = set(habitantes)
            if chosen - {h.pk for h in household}:
                raise ValidationError({"habitantes": _(
                    "Alguna de las personas elegidas ya no está inscrita en esta hoja.")})
            household = [h for h in household if h.pk in chosen]
        if not household:
            raise ValidationError({"habitantes": _("No hay nadie inscrito en la hoja que "
                                                   "trasladar.")})
        periods = {p.habitante_id: p for p in PeriodoResidencia.objects.select_for_update()
                   .filter(habitante__in=household, hasta__isnull=True)}
        problems = []
        for person in household:
            period = periods.get(person.pk)
            if period is not None and fecha < period.desde:
                problems.append(_(
                    "%(name)s vive en este domicilio desde el %(desde)s: el cambio no puede "
                    "tener una fecha anterior.")
                    % {"name": person.full_name, "desde": period.desde.strftime("%d/%m/%Y")})
        if problems:
            raise ValidationError({"fecha": problems})
        nueva = new_hoja(domicilio)
        for person in household:
            person.hoja = nueva
            movimiento = _movimiento(person, causa=Causa.CAMBIO_DOMICILIO, fecha=fecha, ctx=ctx)
            _close_period(person, movimiento, fecha)
            _bump(person, ["hoja"])
            _open_period(person, movimiento, fecha)
            audit.record("padron.habitante.cambio_domicilio", user=ctx.acting_user,
                         entity=_entity(), obj=person, subject=person.documento,
                         detail={"hoja_anterior": hoja.number, "hoja": nueva.number})
        audit.record("padron.hoja.cambio_domicilio", user=ctx.acting_user, entity=_entity(),
                     obj=hoja, detail={"hoja_nueva": nueva.number, "domicilio": domicilio.pk,
                                       "fecha": fecha.isoformat(),
                                       "nias": [person.nia for person in household]})
    return nueva


def renovar(habitante: Habitante, *, fecha: datetime.date, ctx: Contexto,
            expected_version: int | None = None) -> Habitante:
    """ENCSARP renewal: the inscription is valid for two more years."""
    with transaction.atomic():
        habitante = _locked(habitante, expected_version)
        if not (habitante.is_registered and habitante.requires_renewal):
            raise ValidationError(_("Esta inscripción no necesita renovación."))
        if habitante.renewal_due and fecha > habitante.renewal_due:
            raise ValidationError(_("El plazo de renovación venció el %(date)s: corresponde la "
                                    "baja por caducidad.")
                                  % {"date": habitante.renewal_due.strftime("%d/%m/%Y")})
        habitante.renewal_due = _add_years(fecha, RENEWAL_YEARS)
        _bump(habitante, ["renewal_due"])
        _movimiento(habitante, causa=Causa.RENOVACION, fecha=fecha, ctx=ctx)
        audit.record("padron.habitante.renovacion", user=ctx.acting_user, entity=_entity(),
                     obj=habitante, subject=habitante.documento)
    return habitante


def renewals_due(within_days: int = 90, today: datetime.date | None = None):
    """Inscriptions to renew in the next `within_days` (INE warns three months before)."""
    today = today or timezone.localdate()
    return Habitante.objects.inscritos().filter(
        requires_renewal=True, renewal_due__gte=today,
        renewal_due__lte=today + datetime.timedelta(days=within_days)).order_by("renewal_due")


def caducadas(today: datetime.date | None = None):
    today = today or timezone.localdate()
    return Habitante.objects.inscritos().filter(requires_renewal=True, renewal_due__lt=today)


# --- INE errors and blocking ----------------------------------------------------------


def registrar_error_ine(habitante: Habitante, *, code: str, description: str) -> ErrorINE:
    return ErrorINE.objects.create(habitante=habitante, code=code, description=description)


def tratar_error_ine(error: ErrorINE, *, acting_user) -> ErrorINE:
    updated = ErrorINE.objects.filter(pk=error.pk, processed_at__isnull=True).update(
        processed_at=timezone.now(), processed_by=getattr(acting_user, "username", ""))
    if not updated:
        raise ValidationError(_("Este error ya estaba tratado."))
    error.refresh_from_db()
    audit.record("padron.error_ine.tratado", user=acting_user, entity=_entity(), obj=error,
                 subject=error.habitante.documento)
    return error


def check_can_certify(habitante: Habitante) -> None:
    """Volantes and certificados are refused while an INE error is pending."""
    pending = list(habitante.errores_ine.filter(processed_at__isnull=True))
    if pending:
        raise ValidationError(_(
            "No se puede expedir: %(name)s tiene errores del INE pendientes de tratar "
            "(%(codes)s). Trátelos en su ficha.")
            % {"name": habitante.full_name,
               "codes": ", ".join(f"{e.code} {e.description}" for e in pending)},
            code="blocked")


# --- the padrón at a date -------------------------------------------------------------


def padron_en_fecha(date: datetime.date):
    """Residence periods covering `date`: who lived where, on that day."""
    return PeriodoResidencia.objects.filter(PeriodoResidencia.covering(date)) \
        .select_related("habitante", "hoja", "domicilio", "seccion")


def convivientes(hoja: HojaPadronal, date: datetime.date) -> list[PeriodoResidencia]:
    """Everyone in the household on `date`."""
    return list(padron_en_fecha(date).filter(hoja=hoja)
                .order_by("habitante__fecha_nacimiento"))


def datos_en_fecha(habitante: Habitante, date: datetime.date) -> dict:
    """Personal data as recorded on `date` (from the last operation up to that day)."""
    prefetched = getattr(habitante, "_prefetched_objects_cache", {}).get("movimientos")
    if prefetched is not None:
        earlier = [m for m in prefetched if m.fecha <= date]
        movimiento = max(earlier, key=lambda m: (m.fecha, m.created_at), default=None)
    else:
        movimiento = habitante.movimientos.filter(fecha__lte=date) \
            .order_by("-fecha", "-created_at").first()
    return movimiento.datos if movimiento else _snapshot(habitante)


def search(query: str, qs=None):
    """Inhabitants by document (exact) or by name: every word must start a word of the
    name, accents and case ignored ("garcia lop" finds "García López")."""
    from django.contrib.postgres.search import SearchQuery, SearchVector

    qs = qs if qs is not None else Habitante.objects.all()
    text = (query or "").strip()
    if not text:
        return qs
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    if any(ch.isdigit() for ch in compact) and len(compact) >= 5:
        return qs.filter(Q(documento=compact) | Q(nia=compact.zfill(15)) | Q(nia=compact))
    words = [w for w in normalize(text).split() if w.isalnum() or w.replace("'", "").isalnum()]
    if not words:
        return qs.none()
    raw = " & ".join(f"{w.replace(chr(39), '')}:*" for w in words)
    return qs.annotate(_sv=SearchVector("search_name", config="simple")).filter(
        _sv=SearchQuery(raw, search_type="raw", config="simple"))


def _entity():
    from tenants.models import Entity

    return Entity.objects.filter(schema_name=connection.schema_name).first()


def _add_years(date: datetime.date, years: int) -> datetime.date:
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February
        return date.replace(year=date.year + years, day=28)
