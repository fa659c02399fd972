"""The libro de resoluciones (decretos).

Every local entity keeps a Libro de Resoluciones with the formal guarantees of the Libro
de Actas: correlative numbering per book (one book per year), transcription by the
Secretaría, which guarantees authenticity and integrity (ROF, RD 2568/1986, arts. 199
and 200; RD 128/2018, art. 3.2.e). So:

- a resolución takes its number when the Alcaldía (or Presidencia) and the Secretaría
  have signed it (`transcribir`, called by the portafirmas), never at draft time; the
  number is the next of the year under the year's ContadorResolucion row locked FOR
  UPDATE: two decrees signed at once get N and N+1, and a rolled-back signature gives
  its number back (the counter's update rolls back with it), so there is no gap;
- an annulled resolución keeps its number, marked, with the reason (`anular_resolucion`);
- the book of a period is issued as a PDF with CSV, sealed with the sello de órgano
  (`emitir_libro`): diligencia de apertura, every resolución with number, date,
  extracto, expediente and SHA-256 of the signed document, the annulled ones marked,
  and the diligencia de cierre.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expedientes.choices import (
    Cargo,
    EstadoDocumento,
    EstadoFirmante,
    EstadoPeticion,
    EstadoResolucion,
)
from expedientes.models import ContadorResolucion, Documento, Firmante, Resolucion
from expedientes.portafirmas import historial, is_user_admin
from provincial import audit
from provincial.documents import services as documents
from provincial.documents.services import current_entity
from tenants import offices
from tenants.models import Entity, OfficeHolder

if TYPE_CHECKING:
    from provincial.documents.models import IssuedDocument

LIBRO_KIND = "libro_resoluciones"
MADRID = ZoneInfo("Europe/Madrid")
MAX_FILAS_PDF = 5000
MAX_DIAS = 366
VISTO_BUENO = frozenset({Cargo.ALCALDIA, Cargo.PRESIDENCIA})
FE_PUBLICA = frozenset({Cargo.SECRETARIA, Cargo.SECRETARIA_INTERVENCION})


def _firmantes(documento: Documento, firmantes: list[Firmante] | None) -> list[Firmante]:
    if firmantes is not None:
        return firmantes
    return list(Firmante.objects.filter(peticion__documento=documento,
                                        peticion__estado=EstadoPeticion.FIRMADA))


def requiere_transcripcion(documento: Documento, firmantes: list[Firmante] | None = None) -> bool:
    """A resolución signed by the Alcaldía (or Presidencia) and by the Secretaría (or
    Secretaría-Intervención), in their own name or by delegation."""
    if not documento.is_resolucion:
        return False
    cargos = {f.cargo for f in _firmantes(documento, firmantes)
              if f.estado == EstadoFirmante.FIRMADO}
    return bool(cargos & VISTO_BUENO) and bool(cargos & FE_PUBLICA)


def _siguiente_numero(year: int) -> int:
    # The first transcription of a year inserts the counter (ON CONFLICT DO NOTHING: two
    # at once do not collide); then everyone takes the row's lock, held until commit.
    ContadorResolucion.objects.bulk_create([ContadorResolucion(year=year)],
                                           ignore_conflicts=True)
    contador = ContadorResolucion.objects.select_for_update().get(year=year)
    contador.ultimo += 1
    contador.save(update_fields=["ultimo"])
    return contador.ultimo


def transcribir(documento: Documento, *, acting_user=None,
                firmantes: list[Firmante] | None = None) -> Resolucion:
    """Give a signed resolución the next number of the year's libro and transcribe it
    (once: a second call returns the same entry)."""
    entity = current_entity()
    with transaction.atomic():
        documento = (Documento.objects.select_for_update(of=("self",))
                     .select_related("expediente").get(pk=documento.pk))
        existing = Resolucion.objects.filter(documento=documento).first()
        if existing is not None:
            return existing
        if documento.estado != EstadoDocumento.FIRMADO or not documento.is_resolucion:
            raise ValidationError(_("Solo se transcribe al libro una resolución firmada."))
        signers = _firmantes(documento, firmantes)
        organo = next((Cargo(f.cargo).label for f in signers
                       if f.cargo in VISTO_BUENO and f.estado == EstadoFirmante.FIRMADO),
                      documento.expediente.procedimiento.organo_resolutorio or _("Alcaldía"))
        now = timezone.now()
        year = timezone.localtime(now, MADRID).year
        numero = _siguiente_numero(year)
        resolucion = Resolucion.objects.create(
            year=year, numero=numero, documento=documento, expediente=documento.expediente,
            organo=str(organo)[:200], extracto=documento.titulo[:500], sha256=documento.sha256,
            transcribed_at=now)
        historial(documento, _("Transcrita al libro de resoluciones"),
                  _("«%(titulo)s» transcrita al libro de resoluciones con el número %(codigo)s.")
                  % {"titulo": documento.titulo, "codigo": resolucion.codigo}, acting_user)
        audit.record("expedientes.resolucion.transcribir", user=acting_user, entity=entity,
                     obj=resolucion, detail={"codigo": resolucion.codigo,
                                             "documento": documento.pk,
                                             "sha256": documento.sha256})
    return resolucion


def puede_anotar(user, entity: Entity) -> bool:
    """Who annotates the libro (annulments): the holders of the Secretaría (custody of
    the book) and of the Alcaldía or Presidencia on the day, by the user's NIF, and the
    entity's user administrator."""
    if is_user_admin(user, entity):
        return True
    nif = (getattr(user, "nif", "") or "").upper()
    if not nif:
        return False
    wanted = offices.offices_for(offices.SECRETARIA) + offices.offices_for(offices.VISTO_BUENO)
    return OfficeHolder.objects.for_entity(entity).on(timezone.localdate()).filter(
        office__in=wanted, nif__iexact=nif).exists()


def anular_resolucion(resolucion: Resolucion, motivo: str, *, acting_user) -> Resolucion:
    """Mark a resolución as annulled, with the reason: it keeps its number and its place in
    the libro; the number is never given again."""
    entity = current_entity()
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationError(_("Diga por qué se anula: la anotación queda en el libro."),
                              code="required")
    if not puede_anotar(acting_user, entity):
        raise ValidationError(_("Solo la Secretaría, la Alcaldía o la persona administradora "
                                "de usuarios pueden anotar una anulación en el libro."),
                              code="not_allowed")
    with transaction.atomic():
        resolucion = (Resolucion.objects.select_for_update(of=("self",))
                      .select_related("documento").get(pk=resolucion.pk))
        if resolucion.estado == EstadoResolucion.ANULADA:
            raise ValidationError(_("La resolución %(codigo)s ya estaba anulada.")
                                  % {"codigo": resolucion.codigo}, code="done")
        resolucion.estado = EstadoResolucion.ANULADA
        resolucion.annulled_at = timezone.now()
        resolucion.motivo_anulacion = motivo[:2000]
        resolucion.annulled_by_name = (acting_user.display_name or "")[:150]
        resolucion.save(update_fields=["estado", "annulled_at", "motivo_anulacion",
                                       "annulled_by_name"])
        historial(resolucion.documento, _("Resolución anulada"),
                  _("La resolución %(codigo)s queda anulada en el libro. Motivo: %(motivo)s")
                  % {"codigo": resolucion.codigo, "motivo": motivo}, acting_user)
        audit.record("expedientes.resolucion.anular", user=acting_user, entity=entity,
                     obj=resolucion, detail={"codigo": resolucion.codigo,
                                             "motivo": motivo[:500]})
    return resolucion


def del_periodo(desde: datetime.date, hasta: datetime.date):
    """The resoluciones transcribed from `desde` to `hasta` (days in Madrid), in the
    libro's order."""
    start = datetime.datetime.combine(desde, datetime.time(0), tzinfo=MADRID)
    end = datetime.datetime.combine(hasta + datetime.timedelta(days=1), datetime.time(0),
                                    tzinfo=MADRID)
    return (Resolucion.objects.filter(transcribed_at__gte=start, transcribed_at__lt=end)
            .select_related("expediente").order_by("year", "numero"))


def emitir_libro(desde: datetime.date, hasta: datetime.date, *, acting_user) -> IssuedDocument:
    """Issue the libro of a period as a PDF with CSV, sealed by the entity's sello de
    órgano (provincial.documents), between its diligencias de apertura and cierre."""
    if hasta < desde:
        raise ValidationError({"hasta": [_("La fecha final es anterior a la inicial.")]})
    if (hasta - desde).days > MAX_DIAS:
        raise ValidationError({"hasta": [_("El periodo no puede pasar de un año.")]})
    filas = list(del_periodo(desde, hasta)[:MAX_FILAS_PDF + 1])
    if len(filas) > MAX_FILAS_PDF:
        raise ValidationError(_("El periodo tiene más de %(n)s resoluciones: elija uno más "
                                "corto.") % {"n": MAX_FILAS_PDF})
    anuladas = sum(1 for r in filas if r.estado == EstadoResolucion.ANULADA)
    title = _("Libro de resoluciones del %(desde)s al %(hasta)s") % {
        "desde": f"{desde:%d/%m/%Y}", "hasta": f"{hasta:%d/%m/%Y}"}
    context = {"resoluciones": filas, "desde": desde, "hasta": hasta,
               "primera": filas[0] if filas else None, "ultima": filas[-1] if filas else None,
               "total": len(filas), "anuladas": anuladas}
    document = documents.issue_rendered(
        LIBRO_KIND, "expedientes/libro/pdf/libro.html", context, title=title,
        issuer=acting_user,
        metadata={"desde": desde, "hasta": hasta, "resoluciones": len(filas),
                  "anuladas": anuladas,
                  "primera": filas[0].codigo if filas else "",
                  "ultima": filas[-1].codigo if filas else ""})
    audit.record("expedientes.libro.emitir", user=acting_user, entity=current_entity(),
                 obj=document, detail={"desde": desde.isoformat(), "hasta": hasta.isoformat(),
                                       "resoluciones": len(filas)})
    return document
