"""The documents of the padrón: volantes and certificados, each refused while the person
has INE errors pending, rendered to PDF and stored once with its CSV (provincial.documents).

A volante informs; a certificado is a public document with full evidential value for
every administrative purpose (art. 16.1 LBRL), issued by the Secretaría with the visto
bueno of the Alcaldía (art. 61 RPDTEL, RD 1690/1986, and arts. 204-205 ROF).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from padron import actions, codelists
from padron.access import get_habitante_for
from padron.choices import Sexo, TipoDocumento
from padron.models import Habitante, PeriodoResidencia
from padron.models.habitantes import fecha_texto
from provincial.documents import kinds, services
from provincial.documents.models import IssuedDocument

if TYPE_CHECKING:
    from tenants.models import User

NAME_FIELDS = ("nombre", "particula1", "apellido1", "particula2", "apellido2")


# --- helpers --------------------------------------------------------------------------


def _name(datos: dict) -> str:
    return " ".join(datos[f] for f in NAME_FIELDS if datos.get(f))


def _document_label(tipo: str) -> str:
    return str(TipoDocumento(tipo).label) if tipo in TipoDocumento.values else ""


def masked_document(documento: str) -> str:
    """The document of someone other than the requester, as the AEPD's guidance on the
    fourth additional provision of LO 3/2018 shows it: four digits, the rest hidden
    (DNI ***4567**, NIE ****4567*)."""
    if not documento:
        return ""
    start = 4 if documento[0] in "XYZ" else 3
    visible = documento[start:start + 4]
    return "*" * start + visible + "*" * max(0, len(documento) - start - len(visible))


def _person(datos: dict) -> dict:
    """What a document prints about a person, from a data snapshot (Movimiento.datos)."""
    birth = datos.get("fecha_nacimiento")
    if isinstance(birth, str):
        birth = datetime.date.fromisoformat(birth)
    return {"name": _name(datos), "documento": datos.get("documento", ""),
            "tipo_documento": _document_label(datos.get("tipo_documento", "")),
            "fecha_nacimiento": birth,
            "fecha_nacimiento_texto": fecha_texto(birth, datos.get("fecha_nacimiento_precision", "")),
            # Names, never the INE codes the padrón stores.
            "lugar_nacimiento": codelists.birthplace(datos.get("provincia_nacimiento", ""),
                                                     datos.get("municipio_nacimiento", ""),
                                                     datos.get("pais_nacimiento", "")),
            "nacionalidad": codelists.country_name(datos.get("nacionalidad"))
            or datos.get("nacionalidad", ""),
            "mujer": datos.get("sexo") == Sexo.MUJER}


def _current_person(habitante: Habitante) -> dict:
    return _person({f: getattr(habitante, f) for f in actions.PERSONAL_FIELDS})


def _check_registered(habitante: Habitante) -> None:
    if not habitante.is_registered:
        raise ValidationError(_(
            "%(name)s no está inscrito/a en el padrón (baja el %(fecha)s): solo puede "
            "expedirse el certificado histórico.")
            % {"name": habitante.full_name,
               "fecha": habitante.fecha_baja.strftime("%d/%m/%Y") if habitante.fecha_baja
               else "—"}, code="not_registered")


def _current_period(habitante: Habitante) -> PeriodoResidencia:
    period = habitante.periodos.filter(hasta__isnull=True) \
        .select_related("hoja", "domicilio__via", "domicilio__pseudovia", "seccion__distrito") \
        .first()
    if period is None:
        raise ValidationError(_("No consta el domicilio actual de %(name)s.")
                              % {"name": habitante.full_name}, code="no_period")
    return period


def _issue(kind: kinds.DocumentKind, template: str, habitante: Habitante, context: dict, *,
           acting_user: User, metadata: dict) -> IssuedDocument:
    return services.issue_rendered(
        kind.code, template, {**context, "habitante": habitante}, title=str(kind.label),
        issuer=acting_user, subject_document=habitante.documento,
        subject_name=habitante.full_name, obj=habitante,
        metadata={"habitante": habitante.pk, "nia": habitante.nia, **metadata})


# --- the four documents ---------------------------------------------------------------


def volante_individual(habitante: Habitante, *, acting_user: User) -> IssuedDocument:
    """Volante de empadronamiento: the person's current inscription and address."""
    actions.check_can_certify(habitante)
    _check_registered(habitante)
    today = timezone.localdate()
    period = _current_period(habitante)
    address = period.domicilio.label(today)
    return _issue(kinds.VOLANTE_INDIVIDUAL, "padron/pdf/volante_individual.html", habitante, {
        "person": _current_person(habitante), "period": period, "address": address,
        "date": today}, acting_user=acting_user, metadata={
        "fecha": today, "domicilio": address, "hoja": period.hoja.number,
        "en_domicilio_desde": period.desde, "en_municipio_desde": habitante.fecha_alta})


def volante_convivencia(habitante: Habitante, *, acting_user: User,
                        fecha: datetime.date | None = None) -> IssuedDocument:
    """Volante de convivencia: everyone inscribed in the person's hoja on `fecha` (today
    by default), exactly those, with the data recorded for each on that day."""
    actions.check_can_certify(habitante)
    today = timezone.localdate()
    fecha = fecha or today
    if fecha > today:
        raise ValidationError(_("La fecha del volante de convivencia no puede ser futura."),
                              code="future")
    period = habitante.periodos.filter(PeriodoResidencia.covering(fecha)) \
        .select_related("hoja", "domicilio__via", "domicilio__pseudovia").first()
    if period is None:
        raise ValidationError(_("%(name)s no figuraba inscrito/a en el padrón el %(fecha)s.")
                              % {"name": habitante.full_name,
                                 "fecha": fecha.strftime("%d/%m/%Y")}, code="not_registered")
    members = []
    for conviviente in actions.convivientes(period.hoja, fecha):
        person = _person(actions.datos_en_fecha(conviviente.habitante, fecha))
        is_requester = conviviente.habitante_id == habitante.pk
        person["documento_impreso"] = person["documento"] if is_requester \
            else masked_document(person["documento"])
        person["is_requester"] = is_requester
        person["desde"] = conviviente.desde
        person["nia"] = conviviente.habitante.nia
        members.append(person)
    address = period.domicilio.label(fecha)
    return _issue(kinds.VOLANTE_CONVIVENCIA, "padron/pdf/volante_convivencia.html", habitante, {
        "person": _current_person(habitante), "members": members, "address": address,
        "hoja": period.hoja, "date": fecha}, acting_user=acting_user, metadata={
        "fecha": fecha, "domicilio": address, "hoja": period.hoja.number,
        "convivientes": [{"nia": m["nia"], "nombre": m["name"]} for m in members]})


def certificado(habitante: Habitante, *, acting_user: User) -> IssuedDocument:
    """Certificado de empadronamiento (art. 61 RPDTEL): the current inscription."""
    actions.check_can_certify(habitante)
    _check_registered(habitante)
    today = timezone.localdate()
    period = _current_period(habitante)
    address = period.domicilio.label(today)
    return _issue(kinds.CERTIFICADO, "padron/pdf/certificado.html", habitante, {
        "person": _current_person(habitante), "period": period, "address": address,
        "date": today}, acting_user=acting_user, metadata={
        "fecha": today, "domicilio": address, "hoja": period.hoja.number,
        "seccion": str(period.seccion), "en_domicilio_desde": period.desde,
        "en_municipio_desde": habitante.fecha_alta})


def certificado_historico(habitante: Habitante, *, acting_user: User) -> IssuedDocument:
    """Certificado histórico: every residence period in the municipality, each address
    written with the street name in force when the period began."""
    actions.check_can_certify(habitante)
    periods = list(habitante.periodos.select_related(
        "hoja", "domicilio__via", "domicilio__pseudovia", "seccion__distrito", "alta", "fin")
        .prefetch_related("domicilio__via__names__tipo").order_by("desde"))
    if not periods:
        raise ValidationError(_("No consta ningún periodo de residencia de %(name)s.")
                              % {"name": habitante.full_name}, code="no_period")
    rows = [{"desde": p.desde, "hasta": p.hasta, "address": p.domicilio.label(p.desde),
             "hoja": p.hoja.number, "alta": p.alta.get_causa_display(),
             "fin": p.fin.get_causa_display() if p.fin_id else ""} for p in periods]
    return _issue(kinds.CERTIFICADO_HISTORICO, "padron/pdf/certificado_historico.html",
                  habitante, {"person": _current_person(habitante), "rows": rows,
                              "date": timezone.localdate()},
                  acting_user=acting_user, metadata={
                      "periodos": [{"desde": r["desde"], "hasta": r["hasta"],
                                    "domicilio": r["address"]} for r in rows]})


BUILDERS: dict[str, Callable[..., IssuedDocument]] = {
    kinds.VOLANTE_INDIVIDUAL.code: volante_individual,
    kinds.VOLANTE_CONVIVENCIA.code: volante_convivencia,
    kinds.CERTIFICADO.code: certificado,
    kinds.CERTIFICADO_HISTORICO.code: certificado_historico,
}


# --- back office ----------------------------------------------------------------------
# (Kept next to the builders so the padrón's views module stays about operations.)


class ExpedirForm(forms.Form):
    kind = forms.ChoiceField(choices=[(code, code) for code in BUILDERS])
    fecha = forms.DateField(label=gettext_lazy("Fecha"), required=False)


@require_POST
def expedir(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue one document of the inhabitant and hand the clerk its PDF."""
    habitante = get_habitante_for(request, pk)
    form = ExpedirForm(request.POST)
    if not form.is_valid():
        if "kind" in form.errors:
            return HttpResponseBadRequest()
        messages.error(request, " ".join(form.errors.get("fecha", [])))
        return redirect("gestion:padron:detail", pk=habitante.pk)
    kind = form.cleaned_data["kind"]
    options = {}
    if kind == kinds.VOLANTE_CONVIVENCIA.code:
        options["fecha"] = form.cleaned_data["fecha"]
    try:
        document = BUILDERS[kind](habitante, acting_user=request.user, **options)
    except (ValidationError, services.SigningFailed) as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("gestion:padron:detail", pk=habitante.pk)
    return redirect("gestion:padron:documento", pk=document.pk)
