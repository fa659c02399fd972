"""Actions on the entity's procedures catalogue: adopt a provincial model (copy it into
the entity's Procedimiento and Plantilla rows), update an adopted procedure to a newer
version of its model, and save a procedure or a template the entity writes or adapts.

Each runs in one transaction and writes the audit record; refused input raises
ValidationError with Spanish messages (per field where there is one), and nothing
changes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from expedientes import plantillas
from expedientes.catalogo import modelos
from expedientes.catalogo.modelo import ModeloProcedimiento
from expedientes.models import Plantilla, Procedimiento
from provincial import audit
from provincial.documents.services import current_entity

if TYPE_CHECKING:
    from tenants.models import User


def _modelo(codigo: str) -> ModeloProcedimiento:
    modelo = modelos.get(codigo)
    if modelo is None:
        raise ValidationError(_("No hay ningún procedimiento «%(codigo)s» en el catálogo "
                                "provincial.") % {"codigo": codigo})
    return modelo


def adoptado(codigo: str) -> Procedimiento | None:
    """The entity's procedure adopted from model `codigo`, if any."""
    return Procedimiento.objects.filter(modelo_codigo=codigo).first()


def _copiar_plantilla(procedimiento: Procedimiento, modelo_plantilla, orden: int) -> Plantilla:
    return Plantilla(procedimiento=procedimiento, code=modelo_plantilla.code,
                     name=modelo_plantilla.name,
                     tipo_documental=modelo_plantilla.tipo_documental,
                     cuerpo=modelo_plantilla.cuerpo,
                     is_resolucion=modelo_plantilla.is_resolucion, orden=orden,
                     modelo_huella=modelo_plantilla.huella)


def adoptar(codigo: str, *, acting_user: User | None) -> Procedimiento:
    """Copy model `codigo` of the provincial catalogue into the entity's procedures, with
    its templates (modelo_codigo, modelo_version recorded). Refused if the entity already
    adopted it or has a procedure with the same code."""
    modelo = _modelo(codigo)
    if adoptado(codigo) is not None:
        raise ValidationError(_("«%(name)s» ya está adoptado: adapte su copia o actualícela "
                                "desde su página.") % {"name": modelo.name})
    if Procedimiento.objects.filter(code=modelo.codigo).exists():
        raise ValidationError(_("Ya hay un procedimiento propio con el código «%(code)s»: "
                                "cámbiele el código para adoptar el modelo.")
                              % {"code": modelo.codigo})
    procedimiento = Procedimiento(
        code=modelo.codigo, sia_code=modelo.sia_code, name=modelo.name,
        familia=modelo.familia, description=modelo.description,
        base_legal=modelo.base_legal, plazo_cantidad=modelo.plazo_cantidad,
        plazo_unidad=modelo.plazo_unidad, sentido_silencio=modelo.sentido_silencio,
        organo_resolutorio=modelo.organo_resolutorio,
        documentos_requeridos=[dict(d) for d in modelo.documentos_requeridos],
        fases=list(modelo.fases), modelo_codigo=modelo.codigo,
        modelo_version=modelo.version)
    procedimiento.full_clean()
    try:
        with transaction.atomic():
            procedimiento.save(force_insert=True)
            Plantilla.objects.bulk_create([_copiar_plantilla(procedimiento, p, orden)
                                           for orden, p in enumerate(modelo.plantillas)])
            audit.record("expedientes.procedimiento.adopcion", user=acting_user,
                         entity=current_entity(), obj=procedimiento,
                         detail={"modelo": modelo.codigo, "version": modelo.version,
                                 "plantillas": len(modelo.plantillas)})
    except IntegrityError as exc:
        # Another clerk adopted it (or took the code) at the same moment.
        raise ValidationError(_("«%(name)s» ya está adoptado.") % {"name": modelo.name}) \
            from exc
    return procedimiento


def adoptar_todos(*, acting_user: User | None) -> list[Procedimiento]:
    """Adopt every model the entity has not adopted yet (the demo, a new entity that
    takes the whole starter set). Models whose code the entity already uses are skipped."""
    hechos = []
    usados = set(Procedimiento.objects.values_list("code", flat=True))
    adoptados = set(Procedimiento.objects.exclude(modelo_codigo="")
                    .values_list("modelo_codigo", flat=True))
    for modelo in modelos.TODOS:
        if modelo.codigo in adoptados or modelo.codigo in usados:
            continue
        hechos.append(adoptar(modelo.codigo, acting_user=acting_user))
    return hechos


def version_nueva(procedimiento: Procedimiento) -> ModeloProcedimiento | None:
    """The model of an adopted procedure when it has a newer version than the adopted one."""
    if not procedimiento.modelo_codigo:
        return None
    modelo = modelos.get(procedimiento.modelo_codigo)
    if modelo is None or modelo.version <= (procedimiento.modelo_version or 0):
        return None
    return modelo


@dataclass
class Actualizacion:
    """What updating an adopted procedure to a newer model version did."""

    version: int
    sustituidas: list[str] = field(default_factory=list)
    anadidas: list[str] = field(default_factory=list)
    conservadas: list[str] = field(default_factory=list)  # adapted by the entity: kept


def actualizar_desde_modelo(procedimiento: Procedimiento, *,
                            acting_user: User | None) -> Actualizacion:
    """Bring an adopted procedure to its model's newer version: the legal fields (base
    legal, time limit, silence, documents, phases) are taken from the model; templates the
    entity never changed are replaced, new ones are added, and those it adapted are kept
    as they are (for the entity to review against the model)."""
    with transaction.atomic():
        procedimiento = Procedimiento.objects.select_for_update().get(pk=procedimiento.pk)
        modelo = version_nueva(procedimiento)
        if modelo is None:
            raise ValidationError(_("«%(name)s» ya está en la última versión de su modelo.")
                                  % {"name": procedimiento.name})
        resultado = Actualizacion(version=modelo.version)
        procedimiento.base_legal = modelo.base_legal
        procedimiento.plazo_cantidad = modelo.plazo_cantidad
        procedimiento.plazo_unidad = modelo.plazo_unidad
        procedimiento.sentido_silencio = modelo.sentido_silencio
        procedimiento.documentos_requeridos = [dict(d) for d in modelo.documentos_requeridos]
        procedimiento.fases = list(modelo.fases)
        procedimiento.modelo_version = modelo.version
        procedimiento.full_clean()
        procedimiento.save()
        actuales = {p.code: p for p in procedimiento.plantillas.select_for_update()}
        siguiente = max((p.orden for p in actuales.values()), default=-1) + 1
        for orden, nueva in enumerate(modelo.plantillas):
            actual = actuales.get(nueva.code)
            if actual is None:
                _copiar_plantilla(procedimiento, nueva, siguiente + orden).save()
                resultado.anadidas.append(nueva.name)
            elif actual.cuerpo == nueva.cuerpo:
                if actual.modelo_huella != nueva.huella:
                    actual.modelo_huella = nueva.huella
                    actual.save(update_fields=["modelo_huella", "updated_at"])
            elif actual.modelo_huella and actual.modelo_huella == _huella(actual.cuerpo):
                actual.name, actual.cuerpo = nueva.name, nueva.cuerpo
                actual.tipo_documental = nueva.tipo_documental
                actual.is_resolucion = nueva.is_resolucion
                actual.modelo_huella = nueva.huella
                actual.save()
                resultado.sustituidas.append(nueva.name)
            else:
                resultado.conservadas.append(actual.name)
        audit.record("expedientes.procedimiento.actualizacion", user=acting_user,
                     entity=current_entity(), obj=procedimiento,
                     detail={"modelo": modelo.codigo, "version": modelo.version,
                             "sustituidas": resultado.sustituidas,
                             "anadidas": resultado.anadidas,
                             "conservadas": resultado.conservadas})
    return resultado


def _huella(cuerpo: str) -> str:
    return hashlib.sha256(cuerpo.encode()).hexdigest()


def es_adaptada(plantilla: Plantilla) -> bool:
    """Whether an adopted template's body differs from the model's one it was copied from."""
    return bool(plantilla.modelo_huella) and plantilla.modelo_huella != _huella(plantilla.cuerpo)


def guardar_procedimiento(procedimiento: Procedimiento, *,
                          acting_user: User | None) -> Procedimiento:
    """Create or change one of the entity's procedures (validated by the model's rules)."""
    nuevo = procedimiento.pk is None
    procedimiento.full_clean()
    try:
        with transaction.atomic():
            procedimiento.save()
            audit.record("expedientes.procedimiento.alta" if nuevo
                         else "expedientes.procedimiento.cambio",
                         user=acting_user, entity=current_entity(), obj=procedimiento,
                         detail={"code": procedimiento.code})
    except IntegrityError as exc:
        raise ValidationError({"code": _("Ya hay un procedimiento con este código.")}) from exc
    return procedimiento


def guardar_plantilla(plantilla: Plantilla, *, acting_user: User | None) -> Plantilla:
    """Create or change a template; its body must compile in the merge engine."""
    nueva = plantilla.pk is None
    try:
        plantillas.comprobar(plantilla.cuerpo)
    except plantillas.PlantillaError as exc:
        raise ValidationError({"cuerpo": exc.message}) from exc
    plantilla.full_clean()
    try:
        with transaction.atomic():
            plantilla.save()
            audit.record("expedientes.plantilla.alta" if nueva
                         else "expedientes.plantilla.cambio",
                         user=acting_user, entity=current_entity(), obj=plantilla,
                         detail={"procedimiento": plantilla.procedimiento_id,
                                 "code": plantilla.code})
    except IntegrityError as exc:
        raise ValidationError({"code": _("El procedimiento ya tiene una plantilla con este "
                                         "código.")}) from exc
    return plantilla
