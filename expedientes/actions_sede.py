"""The expediente's actions that start at the sede: a submission that opens its expediente
(through the sede's hook, sede.hooks) and documents an interesado adds to an open one.
As expedientes.actions: one transaction, history, audit, `ExpedienteError` on refusal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from expedientes import flujo
from expedientes.actions import (
    abrir_desde_asiento,
    bloquear,
    copiar_anexos,
    remove_files,
    texto_valido,
)
from expedientes.choices import Origen
from expedientes.flujo import ExpedienteError
from expedientes.models import Documento, Expediente, Historial, Procedimiento
from provincial import audit
from provincial.documents.services import current_entity
from registro import services as registro
from registro.choices import Canal, Libro

if TYPE_CHECKING:
    from registro.models import Asiento


def abrir_desde_sede(presentacion, asiento: Asiento) -> Expediente | None:
    """The sede's hook (sede.hooks): a submission whose sede procedure is mapped to a
    procedure of the catalogue (`Procedimiento.sede_procedimiento`) opens its expediente
    as soon as it is registered. None when no procedure maps."""
    if not presentacion.procedimiento_id:
        return None
    procedimiento = (Procedimiento.objects.filter(
        sede_procedimiento_id=presentacion.procedimiento_id, is_active=True)
        .order_by("pk").first())
    if procedimiento is None:
        return None
    return abrir_desde_asiento(asiento, procedimiento, acting_user=None, origen=Origen.SEDE)



def _documento(persona: registro.InteresadoData) -> str:
    return "".join(ch for ch in (persona.documento or "").upper() if ch.isalnum())


def _clave(expediente: Expediente, persona: registro.InteresadoData,
           key: str | None) -> str | None:
    """The registro's idempotency key of an aportación: the form's key, bound to the
    expediente and the person, so that a key typed by hand never finds another's asiento."""
    if not key:
        return None
    return f"expediente:{expediente.pk}:{_documento(persona)}:{key.strip()[:40]}"


def aportar(expediente: Expediente, *, presentado_por: registro.InteresadoData, texto: str,
            anexos: Sequence[registro.AnexoData], idempotency_key: str | None = None
            ) -> Asiento:
    """A citizen (an interesado, identified at the sede) adds documents to an open
    expediente: an entrada is registered (canal sede, as any submission, with its
    justificante) and its anexos are incorporated into the expediente, linked to it.
    A second call with the same `idempotency_key` returns the same asiento."""
    texto = texto_valido(texto, _("Escrito"), max_length=registro.MAX_TEXTO, required=False,
                         field="texto")
    if not anexos:
        raise ExpedienteError(_("Adjunte al menos un documento."), field="anexos")
    with transaction.atomic():
        expediente = bloquear(expediente)
        flujo.exigir(expediente, flujo.APORTAR)
        try:
            asiento = registro.registrar(
                libro=Libro.ENTRADA, canal=Canal.SEDE,
                asunto=_("Aportación de documentos al expediente %(c)s") % {
                    "c": expediente.codigo},
                resumen=(_("Documentos para el expediente %(c)s: %(a)s")
                         % {"c": expediente.codigo, "a": expediente.asunto})[:240],
                expone=texto or _("Que aporta los documentos adjuntos al expediente %(c)s.")
                % {"c": expediente.codigo},
                solicita=_("Que se incorporen al expediente %(c)s.") % {"c": expediente.codigo},
                interesados=[presentado_por], anexos=list(anexos),
                procedimiento=expediente.procedimiento.code,
                idempotency_key=_clave(expediente, presentado_por, idempotency_key))
        except registro.RegistroError as exc:
            raise ExpedienteError(exc.message, field=exc.field) from exc
        principal = asiento.interesado_principal
        if principal is None or principal.documento != _documento(presentado_por):
            # A replayed key is someone else's asiento: never theirs to incorporate.
            raise ExpedienteError(_("No se ha podido registrar su aportación; vuelva a "
                                    "intentarlo desde el expediente."))
        if Documento.objects.filter(expediente=expediente, asiento_id=asiento.pk).exists():
            return asiento  # the same submission again
        orden = (expediente.documentos.aggregate(n=Max("orden"))["n"] or 0) + 1
        copias = copiar_anexos(expediente.pk, asiento, orden=orden)
        try:
            Documento.objects.bulk_create([c.documento for c in copias])
            nombre = " ".join(p for p in (presentado_por.nombre, presentado_por.apellido1,
                                          presentado_por.apellido2) if p)
            Historial.objects.create(
                expediente=expediente, accion="aportacion", user_name=nombre[:150],
                descripcion=_("%(n)s aportó %(docs)s documentos por la sede (registro de "
                              "entrada %(numero)s).")
                % {"n": nombre, "docs": len(copias), "numero": asiento.numero_registro})
            audit.record("expedientes.expediente.aportacion", entity=current_entity(),
                         obj=expediente, subject=principal.documento,
                         detail={"asiento": asiento.numero_registro,
                                 "documentos": len(copias)})
        except BaseException:
            remove_files([c.stored for c in copias])
            raise
    return asiento
