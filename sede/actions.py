"""The sede's state changes: a citizen's submission, from the form to the asiento."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from provincial import jobs
from provincial.documents.services import current_entity
from registro import services
from registro.choices import Canal, Libro
from sede import hooks
from sede.forms import InstanciaForm
from sede.identificacion import Ciudadano
from sede.models import Presentacion, PresentacionAnexo, Procedimiento
from sede.tasks import ACUSE_JOB


def preparar(ciudadano: Ciudadano, form: InstanciaForm, *,
             procedimiento: Procedimiento | None = None) -> Presentacion:
    """Keep what the citizen filled in until they confirm it (nothing is registered yet)."""
    data = form.cleaned_data
    datos = {
        "expone": data["expone"], "solicita": data["solicita"], "email": data["email"],
        "telefono": data.get("telefono", ""),
        "apellido1": ciudadano.apellido1, "apellido2": ciudadano.apellido2,
        "nombre_pila": ciudadano.nombre, "method": ciudadano.method,
        "representado": {
            "documento": data["representado_documento"],
            "nombre": data["representado_nombre"],
            "apellido1": data["representado_apellido1"],
            "apellido2": data["representado_apellido2"],
            "juridica": data["representado_juridica"],
        } if data.get("representa") else None,
        "campos": form.specific_answers(),
    }
    with transaction.atomic():
        # Housekeeping: drafts nobody confirmed within a day (and their bytes) go.
        Presentacion.objects.stale().delete()
        presentacion = Presentacion.objects.create(
            key=uuid.uuid4(), documento=ciudadano.documento,
            nombre=ciudadano.nombre_completo, procedimiento=procedimiento, datos=datos,
            metodo_identificacion=ciudadano.method, nivel_identificacion=ciudadano.level)
        PresentacionAnexo.objects.bulk_create([
            PresentacionAnexo(presentacion=presentacion, nombre=a.nombre, mime=a.mime,
                              size=len(a.contenido), sha256=a.sha256, contenido=a.contenido)
            for a in data["anexos"]])
    return presentacion


def get_presentacion(ciudadano: Ciudadano, key: uuid.UUID) -> Presentacion:
    """The citizen's own submission; 404 for anyone else's or a missing one."""
    presentacion = Presentacion.objects.select_related("procedimiento").filter(
        key=key, documento=ciudadano.documento).first()
    if presentacion is None:
        raise Http404
    return presentacion


def _interesados(presentacion: Presentacion) -> list[services.InteresadoData]:
    datos = presentacion.datos
    email, telefono = datos.get("email", ""), datos.get("telefono", "")
    tipo_doc = "nie" if presentacion.documento[:1] in "XYZ" else "dni"
    presenter = services.InteresadoData(
        tipo="fisica", tipo_documento=tipo_doc, documento=presentacion.documento,
        nombre=datos["nombre_pila"], apellido1=datos["apellido1"],
        apellido2=datos.get("apellido2", ""), email=email, telefono=telefono)
    representado = datos.get("representado")
    if not representado:
        return [presenter]
    presenter.es_representante = True
    if representado["juridica"]:
        principal = services.InteresadoData(
            tipo="juridica", tipo_documento="cif", documento=representado["documento"],
            nombre=representado["nombre"], razon_social=representado["nombre"])
    else:
        principal = services.InteresadoData(
            tipo="fisica",
            tipo_documento="nie" if representado["documento"][:1] in "XYZ" else "dni",
            documento=representado["documento"], nombre=representado["nombre"],
            apellido1=representado["apellido1"], apellido2=representado["apellido2"])
    return [principal, presenter]


def _texts(presentacion: Presentacion) -> tuple[str, str, str]:
    datos = presentacion.datos
    procedimiento = presentacion.procedimiento
    asunto = procedimiento.name if procedimiento else _("Instancia general")
    expone = datos["expone"]
    if datos.get("campos"):
        answers = "\n".join(f"{c['label']}: {c['value']}" for c in datos["campos"])
        expone = f"{answers}\n\n{expone}"
    resumen = " ".join(datos["solicita"].split())
    if len(resumen) > 240:
        resumen = resumen[:239] + "…"
    return asunto[:240], resumen, expone


class NivelInsuficiente(services.RegistroError):
    """The session's level of assurance is below what the procedure requires."""


def presentar(presentacion: Presentacion, ciudadano: Ciudadano | None = None) -> Presentacion:
    """Register the submission in the libro de entrada (canal sede) and schedule the
    acknowledgement e-mail, all in one transaction: if anything fails, nothing is
    registered and the draft stays for another try. A second call with the same
    submission (a double click) waits on the row lock and returns the same asiento.

    With `ciudadano` (the person confirming), the submission records their method and
    level of identification, which must reach the procedure's nivel_minimo."""
    from sede.identificacion import LEVEL_LABELS, meets

    with transaction.atomic():
        locked = Presentacion.objects.select_for_update(of=("self",)).select_related(
            "procedimiento").get(pk=presentacion.pk)
        if locked.asiento_id:
            return locked
        if ciudadano is not None:
            locked.metodo_identificacion = ciudadano.method
            locked.nivel_identificacion = ciudadano.level
        minimo = locked.procedimiento.nivel_minimo if locked.procedimiento else ""
        if minimo and not meets(locked.nivel_identificacion, minimo):
            raise NivelInsuficiente(_(
                "Este procedimiento exige identificarse con nivel de seguridad %(nivel)s o "
                "superior.") % {"nivel": LEVEL_LABELS[minimo]})
        asunto, resumen, expone = _texts(locked)
        anexos = [services.AnexoData(nombre=a.nombre, contenido=bytes(a.contenido),
                                     mime=a.mime) for a in locked.anexos.all()]
        asiento = services.registrar(
            libro=Libro.ENTRADA, canal=Canal.SEDE, asunto=asunto, resumen=resumen,
            interesados=_interesados(locked), anexos=anexos, expone=expone,
            solicita=locked.datos["solicita"],
            procedimiento=locked.procedimiento.code if locked.procedimiento else "",
            metodo_identificacion=locked.metodo_identificacion,
            nivel_identificacion=locked.nivel_identificacion,
            idempotency_key=f"sede:{locked.key}")
        locked.asiento_id = asiento.pk
        locked.numero_registro = asiento.numero_registro
        locked.registered_at = timezone.now()
        locked.save(update_fields=["asiento_id", "numero_registro", "registered_at",
                                   "metodo_identificacion", "nivel_identificacion"])
        # What other apps do with a registered submission (e.g. open its expediente).
        hooks.presentacion_registrada(locked, asiento)
        # The bytes are in the registro now.
        locked.anexos.all().delete()
        if locked.datos.get("email"):
            jobs.enqueue(ACUSE_JOB, entity=current_entity(),
                         payload={"asiento": asiento.pk, "email": locked.datos["email"]})
    return locked
