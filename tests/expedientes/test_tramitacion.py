"""The expediente's actions: opening de oficio, from a registro asiento and from a sede
submission; interesados; phases; tasks; and the state matrix, whose refusals change
nothing."""

from __future__ import annotations

import datetime
import hashlib
import uuid

import pytest
from django.utils import timezone

from expedientes import actions, flujo
from expedientes.actions import ExpedienteError, InteresadoData
from expedientes.choices import (
    EstadoDocumento,
    EstadoExpediente,
    EstadoTarea,
    Origen,
    OrigenEni,
    RolInteresado,
)
from expedientes.models import Documento, Expediente, Historial
from provincial.models import AuditEvent
from registro import services as registro
from registro.services import AnexoData
from registro.services import InteresadoData as PersonaRegistro
from tenants.demo import ACCEPTANCE_PDF

from .conftest import CIF, DNI, NIE, make_procedimiento

pytestmark = pytest.mark.django_db

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff"
       b"\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")


def lucia(**overrides) -> InteresadoData:
    data = {"tipo_documento": "dni", "documento": DNI.lower(), "nombre": "Lucía",
            "apellido1": "Pérez", "apellido2": "Sanz", "rol": RolInteresado.SOLICITANTE}
    data.update(overrides)
    return InteresadoData(**data)


def asiento_de_entrada(**overrides):
    data = {"libro": "E", "canal": "presencial", "asunto": "Licencia de obra menor",
            "resumen": "Reforma de cocina en C/ Major 3",
            "interesados": [
                PersonaRegistro(tipo="fisica", tipo_documento="dni", documento=DNI,
                                nombre="Lucía", apellido1="Pérez", apellido2="Sanz",
                                email="lucia@example.org"),
                PersonaRegistro(tipo="juridica", tipo_documento="cif", documento=CIF,
                                nombre="", razon_social="Construcciones Agost SL"),
                PersonaRegistro(tipo="fisica", tipo_documento="nie", documento=NIE,
                                nombre="John", apellido1="Smith", es_representante=True)],
            "anexos": [AnexoData(nombre="solicitud.pdf", contenido=ACCEPTANCE_PDF,
                                 tipo_documental="01", validez="04"),
                       AnexoData(nombre="plano.png", contenido=PNG)]}
    data.update(overrides)
    return registro.registrar(**data)


def test_opening_de_oficio_numbers_per_year_and_records_history(procedimiento, province):
    first = actions.abrir(procedimiento, asunto="Inspección de la terraza",
                          interesados=[lucia()], acting_user=province.clerk_a,
                          responsable=province.clerk_a)
    second = actions.abrir(procedimiento, asunto="Otra inspección", interesados=[],
                           acting_user=province.clerk_a)
    year = timezone.localdate().year
    assert (first.year, first.numero, first.codigo) == (year, 1, f"1/{year}")
    assert (second.numero, second.codigo) == (2, f"2/{year}")
    assert first.origen == Origen.DE_OFICIO
    assert first.fase == "Inicio"
    assert first.responsable_name == province.clerk_a.get_full_name()
    assert first.fecha_inicio == timezone.localdate()
    assert first.fecha_vencimiento is not None
    interesado = first.interesados.get()
    assert (interesado.documento, interesado.tipo_documento, interesado.rol) == (
        DNI, "N", RolInteresado.SOLICITANTE)
    assert Historial.objects.filter(expediente=first, accion="apertura").count() == 1
    assert AuditEvent.objects.filter(action="expedientes.expediente.apertura",
                                     object_id=str(first.pk)).exists()


@pytest.mark.parametrize(("data", "message"), [
    ({"documento": "12345678A"}, "no es válido"),
    ({"tipo_documento": "nie", "documento": "X1234567A"}, "no es válido"),
    ({"apellido1": ""}, "Primer apellido"),
    ({"email": "no-es-correo"}, "no es válido"),
    ({"rol": "juez"}, "Rol desconocido"),
])
def test_a_bad_interesado_refuses_the_opening_and_nothing_is_written(procedimiento, province,
                                                                     data, message):
    with pytest.raises(ExpedienteError, match=message):
        actions.abrir(procedimiento, asunto="Algo", interesados=[lucia(**data)],
                      acting_user=province.clerk_a)
    assert not Expediente.objects.exists()
    from expedientes.models import ContadorExpediente

    assert not ContadorExpediente.objects.filter(ultimo__gt=0).exists()


def test_opening_refuses_a_future_start_and_a_responsable_outside_the_application(
        procedimiento, province):
    with pytest.raises(ExpedienteError, match="futura"):
        actions.abrir(procedimiento, asunto="Algo", interesados=[],
                      acting_user=province.clerk_a,
                      fecha_inicio=timezone.localdate() + datetime.timedelta(days=1))
    # admin_a is a member of A without the expedientes application; clerk_b is B's.
    for user in (province.admin_a, province.clerk_b):
        with pytest.raises(ExpedienteError, match="aplicación de expedientes"):
            actions.abrir(procedimiento, asunto="Algo", interesados=[],
                          acting_user=province.clerk_a, responsable=user)
    assert not Expediente.objects.exists()


def test_opening_from_an_asiento_copies_interesados_and_documents_with_their_hashes(
        procedimiento, province):
    asiento = asiento_de_entrada()
    expediente = actions.abrir_desde_asiento(asiento, procedimiento,
                                             acting_user=province.clerk_a)
    assert expediente.asiento_id == asiento.pk
    assert expediente.origen == Origen.REGISTRO
    assert expediente.fecha_inicio == timezone.localtime(asiento.fecha_computo).date()
    assert expediente.asunto == "Licencia de obra menor: Reforma de cocina en C/ Major 3"
    assert [(i.documento, i.rol, i.nombre_completo) for i in expediente.interesados.all()] == [
        (DNI, RolInteresado.SOLICITANTE, "Lucía Pérez Sanz"),
        (CIF, RolInteresado.INTERESADO, "Construcciones Agost SL"),
        (NIE, RolInteresado.REPRESENTANTE, "John Smith")]
    documentos = list(expediente.documentos.order_by("orden"))
    anexos = list(asiento.anexos.order_by("orden"))
    assert len(documentos) == 2
    for documento, anexo in zip(documentos, anexos, strict=True):
        content = documento.contenido.read()
        assert content == anexo.fichero.open("rb").read()
        assert documento.sha256 == documento.sha256_original == anexo.sha256 == \
            hashlib.sha256(content).hexdigest()
        assert documento.estado == EstadoDocumento.INCORPORADO
        assert documento.origen == OrigenEni.CIUDADANO
        assert documento.asiento_id == asiento.pk
        assert documento.is_frozen
    assert (documentos[0].mime_type, documentos[0].tipo_documental,
            documentos[0].estado_elaboracion) == ("application/pdf", "TD14", "EE01")
    assert documentos[1].mime_type == "image/png"
    historial = Historial.objects.get(expediente=expediente, accion="apertura")
    assert asiento.numero_registro in historial.descripcion


def test_an_asiento_opens_one_expediente_and_an_annulled_one_none(procedimiento, province):
    asiento = asiento_de_entrada(anexos=[])
    first = actions.abrir_desde_asiento(asiento, procedimiento, acting_user=province.clerk_a)
    with pytest.raises(ExpedienteError, match=f"ya está en el expediente {first.codigo}"):
        actions.abrir_desde_asiento(asiento, procedimiento, acting_user=province.clerk_a)
    # Once that expediente is annulled, the asiento may open another.
    actions.anular(first, motivo="Procedimiento equivocado", acting_user=province.clerk_a)
    second = actions.abrir_desde_asiento(asiento, procedimiento, acting_user=province.clerk_a)
    assert second.numero == first.numero + 1
    anulado = asiento_de_entrada(anexos=[])
    registro.anular(anulado, motivo="Duplicado", acting_user=province.clerk_a)
    with pytest.raises(ExpedienteError, match="está anulado"):
        actions.abrir_desde_asiento(anulado, procedimiento, acting_user=province.clerk_a)
    salida = asiento_de_entrada(libro="S", anexos=[])
    with pytest.raises(ExpedienteError, match="Solo un asiento de entrada"):
        actions.abrir_desde_asiento(salida, procedimiento, acting_user=province.clerk_a)
    assert Expediente.objects.count() == 2


def test_a_tampered_attachment_is_not_incorporated(procedimiento, province):
    asiento = asiento_de_entrada()
    anexo = asiento.anexos.order_by("orden").first()
    with open(anexo.fichero.path, "ab") as handle:
        handle.write(b"alterado")
    with pytest.raises(ExpedienteError, match="no coincide con su huella"):
        actions.abrir_desde_asiento(asiento, procedimiento, acting_user=province.clerk_a)
    assert not Expediente.objects.exists()
    assert not Documento.objects.exists()


def test_a_sede_submission_of_a_mapped_procedure_opens_its_expediente(in_a, province):
    from sede import actions as sede_actions
    from sede.models import Presentacion, PresentacionAnexo
    from sede.models import Procedimiento as SedeProcedimiento

    sede_proc = SedeProcedimiento.objects.create(
        code="OBRA-MENOR", name="Licencia de obra menor", description="Obras pequeñas.",
        plazo_resolucion="1 mes", sentido_silencio="estimatorio", organo="Alcaldía")
    procedimiento = make_procedimiento(sede_procedimiento=sede_proc)
    otro = SedeProcedimiento.objects.create(
        code="QUEJAS", name="Quejas", description="Quejas.", plazo_resolucion="1 mes",
        sentido_silencio="desestimatorio", organo="Alcaldía")

    def presentar(sede_procedimiento):
        presentacion = Presentacion.objects.create(
            key=uuid.uuid4(), documento=DNI, nombre="Lucía Pérez Sanz",
            procedimiento=sede_procedimiento,
            datos={"expone": "Que quiero reformar la cocina.", "solicita": "Licencia.",
                   "email": "", "nombre_pila": "Lucía", "apellido1": "Pérez",
                   "apellido2": "Sanz", "campos": []})
        PresentacionAnexo.objects.create(
            presentacion=presentacion, nombre="memoria.pdf", mime="application/pdf",
            size=len(ACCEPTANCE_PDF), sha256=hashlib.sha256(ACCEPTANCE_PDF).hexdigest(),
            contenido=ACCEPTANCE_PDF)
        return sede_actions.presentar(presentacion)

    presentacion = presentar(sede_proc)
    expediente = Expediente.objects.get(asiento_id=presentacion.asiento_id)
    assert expediente.procedimiento == procedimiento
    assert expediente.origen == Origen.SEDE
    assert expediente.interesados.get().documento == DNI
    assert expediente.documentos.get().sha256 == hashlib.sha256(ACCEPTANCE_PDF).hexdigest()
    # A procedure nobody mapped: registered, no expediente.
    presentacion = presentar(otro)
    assert presentacion.asiento_id
    assert not Expediente.objects.filter(asiento_id=presentacion.asiento_id).exists()


def test_a_failing_hook_leaves_the_submission_registered(in_a, province, monkeypatch):
    from sede import hooks

    calls = []

    def broken(presentacion, asiento):
        calls.append(asiento.pk)
        raise RuntimeError("roto")

    monkeypatch.setattr(hooks, "_hooks", {"roto": broken})
    from sede import actions as sede_actions
    from sede.models import Presentacion

    presentacion = Presentacion.objects.create(
        key=uuid.uuid4(), documento=DNI, nombre="Lucía Pérez Sanz",
        datos={"expone": "Expone.", "solicita": "Solicita.", "email": "",
               "nombre_pila": "Lucía", "apellido1": "Pérez", "apellido2": "", "campos": []})
    registered = sede_actions.presentar(presentacion)
    assert registered.asiento_id
    assert calls == [registered.asiento_id]


def test_interesados_are_added_validated_and_removed(expediente, province):
    actions.anadir_interesado(expediente, InteresadoData(
        tipo_documento="C", documento=CIF, nombre="Construcciones Agost SL",
        rol=RolInteresado.TITULAR), acting_user=province.clerk_a)
    fila = actions.anadir_interesado(expediente, lucia(rol=RolInteresado.NOTIFICADO),
                                     acting_user=province.clerk_a)
    with pytest.raises(ExpedienteError, match="ya figura en el expediente"):
        actions.anadir_interesado(expediente, lucia(rol=RolInteresado.NOTIFICADO),
                                  acting_user=province.clerk_a)
    with pytest.raises(ExpedienteError, match="CIF"):
        actions.anadir_interesado(expediente, lucia(tipo_documento="cif",
                                                    documento="B12345670"),
                                  acting_user=province.clerk_a)
    assert expediente.interesados.count() == 2
    actions.quitar_interesado(fila, acting_user=province.clerk_a)
    assert list(expediente.interesados.values_list("documento", flat=True)) == [CIF]
    assert Historial.objects.filter(expediente=expediente, accion="interesado").count() == 3


def test_phase_changes_only_to_a_phase_of_the_procedure(expediente, province):
    with pytest.raises(ExpedienteError, match="no es una fase del procedimiento"):
        actions.cambiar_fase(expediente, "Inventada", acting_user=province.clerk_a)
    with pytest.raises(ExpedienteError, match="ya está en la fase"):
        actions.cambiar_fase(expediente, "Inicio", acting_user=province.clerk_a)
    actions.cambiar_fase(expediente, "Instrucción", acting_user=province.clerk_a)
    expediente.refresh_from_db()
    assert expediente.fase == "Instrucción"


def test_tasks_are_assigned_to_members_done_and_cancelled(expediente, province):
    manana = timezone.localdate() + datetime.timedelta(days=1)
    tarea = actions.crear_tarea(expediente, titulo="Informe técnico",
                                asignada_a=province.clerk_a, due_date=manana,
                                acting_user=province.clerk_a)
    assert (tarea.assigned_to_id, tarea.fase, tarea.due_date) == (province.clerk_a.pk,
                                                                  "Inicio", manana)
    with pytest.raises(ExpedienteError, match="aplicación de expedientes"):
        actions.asignar_tarea(tarea, province.clerk_b, acting_user=province.clerk_a)
    with pytest.raises(ExpedienteError, match="anterior a hoy"):
        actions.crear_tarea(expediente, titulo="Tarde", acting_user=province.clerk_a,
                            due_date=timezone.localdate() - datetime.timedelta(days=1))
    actions.completar_tarea(tarea, acting_user=province.clerk_a)
    tarea.refresh_from_db()
    assert tarea.estado == EstadoTarea.HECHA
    assert tarea.done_at is not None
    with pytest.raises(ExpedienteError, match="ya está «Hecha»"):
        actions.cancelar_tarea(tarea, acting_user=province.clerk_a)
    otra = actions.crear_tarea(expediente, titulo="Visita", acting_user=province.clerk_a)
    actions.asignar_tarea(otra, None, acting_user=province.clerk_a)
    actions.cancelar_tarea(otra, motivo="No hace falta", acting_user=province.clerk_a)
    otra.refresh_from_db()
    assert otra.estado == EstadoTarea.CANCELADA


def test_the_state_matrix_refuses_in_spanish_and_changes_nothing(expediente, province):
    clerk = province.clerk_a
    actions.resolver(expediente, motivo="Decreto 12/2026 favorable", acting_user=clerk)
    expediente.refresh_from_db()
    assert expediente.estado == EstadoExpediente.RESUELTO
    assert expediente.resolved_at
    actions.crear_tarea(expediente, titulo="Notificar", acting_user=clerk)
    actions.cerrar(expediente, motivo="Notificado y firme", acting_user=clerk)
    expediente.refresh_from_db()
    assert expediente.estado == EstadoExpediente.CERRADO
    # Closing cancelled the pending task.
    assert expediente.tareas.get().estado == EstadoTarea.CANCELADA
    historial = Historial.objects.filter(expediente=expediente).count()
    refusals = [
        (lambda: actions.cambiar_fase(expediente, "Instrucción", acting_user=clerk),
         "está «Cerrado» y no permite cambiar de fase"),
        (lambda: actions.anular(expediente, motivo="x", acting_user=clerk),
         "no permite anularlo"),
        (lambda: actions.resolver(expediente, motivo="x", acting_user=clerk),
         "no permite marcarlo como resuelto"),
        (lambda: actions.anadir_interesado(expediente, lucia(), acting_user=clerk),
         "no permite cambiar los interesados"),
        (lambda: actions.crear_tarea(expediente, titulo="x", acting_user=clerk),
         "no permite gestionar tareas"),
        (lambda: actions.suspender_plazo(expediente, motivo="x", acting_user=clerk),
         "no permite suspender, reanudar o ampliar el plazo"),
        (lambda: actions.editar(expediente, asunto="Nuevo", responsable=None,
                                acting_user=clerk), "no permite modificar los datos"),
    ]
    for call, message in refusals:
        with pytest.raises(ExpedienteError, match=message):
            call()
    expediente.refresh_from_db()
    assert (expediente.estado, expediente.fase, expediente.asunto) == (
        EstadoExpediente.CERRADO, "Inicio", "Reforma de cocina")
    assert not expediente.interesados.exists()
    assert expediente.tareas.count() == 1
    assert Historial.objects.filter(expediente=expediente).count() == historial
    with pytest.raises(ExpedienteError, match="obligatorio"):
        actions.archivar(expediente, motivo="  ", acting_user=clerk)
    actions.archivar(expediente, motivo="Al archivo", acting_user=clerk)
    actions.reabrir(expediente, motivo="Recurso de reposición", acting_user=clerk)
    expediente.refresh_from_db()
    assert expediente.estado == EstadoExpediente.EN_TRAMITACION
    assert (expediente.resolved_at, expediente.closed_at, expediente.archived_at) == (
        None, None, None)
    actions.anular(expediente, motivo="Duplicado", acting_user=clerk)
    expediente.refresh_from_db()
    assert flujo.acciones(expediente) == {flujo.REMITIR}
    assert [h.accion for h in expediente.historial.all()] == ["estado", "tarea", *["estado"] * 4]


def test_every_state_has_a_row_of_the_matrix():
    assert set(flujo.MATRIZ) == set(EstadoExpediente.values)
    for accion, destino in flujo.DESTINO.items():
        assert destino in EstadoExpediente.values
        assert accion in flujo.LABELS
