"""Incoming INE exchange: each kind of returned file raises the right incidencias, which a
clerk accepts (applying the operation with its history) or rejects; files refused whole,
loaded once, loaded by a job that survives a killed worker; pages scoped to the entity."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_context

from padron import actions
from padron import documents as padron_documents
from padron.choices import Causa
from padron.ine import registro, retornos
from padron.ine.registro import HabitanteRecord
from padron.models import ErrorINE, Habitante, IncidenciaINE, Movimiento, RetornoINE
from provincial import jobs
from provincial.choices import FileDirection, JobState
from provincial.models import AuditEvent, Job
from tests.conftest import HOST_A, HOST_B
from tests.padron.test_operaciones import alta

D = datetime.date
CPRO, CMUN = "03", "002"  # Agost, entity A
DEFUNCION = D(2024, 2, 1)
NACIMIENTO = D(2024, 2, 10)


def identifica(habitante: Habitante, *, nia: bool = True, **changes) -> HabitanteRecord:
    """A record whose identifying block names `habitante` as INE has it."""
    tiden, lextr, iden, dc, ndocu = registro.split_document(habitante.tipo_documento,
                                                            habitante.documento)
    values = dict(cpro=CPRO, cmun=CMUN, nomb=registro.ine_text(habitante.nombre),
                  ape1=registro.ine_text(habitante.apellido1),
                  ape2=registro.ine_text(habitante.apellido2),
                  fnac=habitante.fecha_nacimiento, tiden=tiden, lextr=lextr, iden=iden, dc=dc,
                  ndocu=ndocu, nia=habitante.nia if nia else "")
    values.update(changes)
    return HabitanteRecord(**values)


def defuncion(habitante, fecha=DEFUNCION, **kw) -> HabitanteRecord:
    return identifica(habitante, fvar=fecha, cvar="B", cauv="DF", **kw)


def nacimiento(madre=None, fecha=NACIMIENTO, **changes) -> HabitanteRecord:
    child = dict(fvar=fecha, cvar="A", cauv="NA", nomb_dv="LUCÍA", ape1_dv="GARCÍA",
                 ape2_dv="LÓPEZ", sexo="6", fnac_dv=fecha, cprona_dv="03", cmunna_dv="014",
                 tiden_dv="0", cnac="108")
    child.update(changes)
    if madre is None:
        return HabitanteRecord(cpro=CPRO, cmun=CMUN, **child)
    return identifica(madre, **child)


@pytest.fixture
def vecinos(callejero, ctx):
    maria = alta(callejero, ctx, fecha=D(2020, 3, 1))
    pau = alta(callejero, ctx, fecha=D(2020, 3, 1), number=7, nombre="Pau", sexo="1",
               documento="87654321X")
    return {"maria": maria, "pau": pau}


def cargar(kind: str, records, filename="RETORNO.P03002", **kw) -> RetornoINE:
    return retornos.load_retorno(kind, registro.write_file(records), filename, **kw)


def nothing_loaded() -> bool:
    return not (RetornoINE.objects.exists() or IncidenciaINE.objects.exists()
                or ErrorINE.objects.exists())


# --- each kind ------------------------------------------------------------------------------


def test_defunciones_propose_a_baja_that_acceptance_applies_with_history(vecinos, province):
    maria = vecinos["maria"]
    retorno = cargar("defunciones", [defuncion(maria)])
    incidencia = retorno.incidencias.get()
    assert (incidencia.line, incidencia.action, incidencia.coincidencia, incidencia.state,
            incidencia.habitante) == (1, "baja_defuncion", "nia", "pendiente", maria)
    maria.refresh_from_db()
    assert maria.is_registered  # loading changes nobody
    assert maria.movimientos.count() == 1
    retornos.aceptar(incidencia, province.clerk_a)
    maria.refresh_from_db()
    incidencia.refresh_from_db()
    movimiento = maria.movimientos.order_by("-pk").first()
    assert (maria.is_registered, maria.fecha_baja) == (False, D(2024, 2, 1))
    assert (movimiento.tipo, movimiento.causa, movimiento.fecha) == ("B", "BD", D(2024, 2, 1))
    assert movimiento.documentos == "Fichero del INE RETORNO.P03002, línea 1"
    assert (incidencia.state, incidencia.movimiento, incidencia.resolved_by) == (
        "aceptada", movimiento, "clerk_a")
    assert maria.periodos.get().hasta == D(2024, 2, 1)  # the period is closed
    retorno.refresh_from_db()
    assert retorno.state == "resuelto"
    assert AuditEvent.objects.filter(action="padron.ine.incidencia.aceptada",
                                     object_id=str(incidencia.pk)).count() == 1
    with pytest.raises(ValidationError, match="ya está aceptada"):
        retornos.aceptar(incidencia, province.clerk_a)
    assert maria.movimientos.count() == 2


def test_altas_in_other_municipalities_propose_baja_por_cambio_de_residencia(vecinos, province):
    pau = vecinos["pau"]
    # No NIA: matched by the document.
    record = identifica(pau, nia=False, fvar=D(2024, 3, 5), cvar="B", cauv="CR", cprop="03",
                        cmunp="065")
    incidencia = cargar("altas_otros_municipios", [record]).incidencias.get()
    assert (incidencia.action, incidencia.coincidencia, incidencia.habitante) == (
        "baja_cambio_residencia", "documento", pau)
    assert not retornos.es_obvia(incidencia)  # not an exact NIA match
    retornos.aceptar(incidencia, province.clerk_a)
    movimiento = Movimiento.objects.filter(habitante=pau).order_by("-pk").first()
    assert (movimiento.causa, movimiento.fecha, movimiento.procedencia_destino) == (
        Causa.BAJA_CAMBIO_RESIDENCIA, D(2024, 3, 5), "03065")
    pau.refresh_from_db()
    assert not pau.is_registered
    assert pau.periodos.get().hasta == D(2024, 3, 5)


def test_a_person_matched_by_name_and_birth_date_or_not_at_all(vecinos):
    maria = vecinos["maria"]
    by_name = defuncion(maria, nia="", tiden="0", iden="", dc="")
    stranger = defuncion(maria, nia="", tiden="0", iden="", dc="", nomb="ROSA")
    first, second = cargar("defunciones", [by_name, stranger]).incidencias.order_by("line")
    assert (first.habitante, first.coincidencia) == (maria, "nombre")
    assert (second.habitante, second.coincidencia, second.note) == (
        None, "ninguna", "No se encuentra a la persona en el padrón.")


def test_a_nacimiento_goes_to_the_mothers_hoja(vecinos, province):
    maria = vecinos["maria"]
    incidencia = cargar("nacimientos", [nacimiento(maria)]).incidencias.get()
    assert (incidencia.action, incidencia.habitante, incidencia.note) == (
        "alta_nacimiento", maria, "")
    assert retornos.es_obvia(incidencia)
    retornos.aceptar(incidencia, province.clerk_a)
    lucia = Habitante.objects.get(nombre="Lucía")
    movimiento = lucia.movimientos.get()
    assert (lucia.hoja, lucia.fecha_nacimiento, lucia.apellido1, lucia.sexo) == (
        maria.hoja, D(2024, 2, 10), "García", "6")
    assert (movimiento.tipo, movimiento.causa, movimiento.fecha) == ("A", "AN", D(2024, 2, 10))
    incidencia.refresh_from_db()
    assert incidencia.movimiento == movimiento


def test_a_nacimiento_without_mother_waits_for_the_clerk_to_pick_the_hoja(vecinos, province):
    incidencia = cargar("nacimientos", [nacimiento()]).incidencias.get()
    assert (incidencia.habitante, incidencia.state) == (None, "pendiente")
    assert incidencia.note.startswith("No consta la madre")
    assert not retornos.es_obvia(incidencia)
    with pytest.raises(ValidationError, match="Elija la hoja padronal"):
        retornos.aceptar(incidencia, province.clerk_a)
    assert not Habitante.objects.filter(nombre="Lucía").exists()
    hoja = vecinos["pau"].hoja
    retornos.aceptar(incidencia, province.clerk_a, hoja=hoja)
    assert Habitante.objects.get(nombre="Lucía").hoja == hoja


def test_errors_block_volantes_until_the_incidencia_is_accepted(vecinos, province):
    maria = vecinos["maria"]
    record = identifica(maria, tipoinf="E", cdev="12", fvar=D(2020, 3, 1), cvar="B",
                        cauv="CR", cprop="03", cmunp="014")
    incidencia = cargar("errores", [record]).incidencias.get()
    error = ErrorINE.objects.get()
    assert (incidencia.action, incidencia.error, error.habitante, error.code) == (
        "error", error, maria, "12")
    assert error.description.startswith("Devuelto por el INE (tipo E, causa 12)")
    assert maria.is_blocked
    with pytest.raises(ValidationError, match="errores del INE pendientes"):
        padron_documents.volante_individual(maria, acting_user=province.clerk_a)
    assert not retornos.es_obvia(incidencia)  # errors always need a look
    with pytest.raises(ValidationError, match="no se rechaza"):
        retornos.rechazar(incidencia, province.clerk_a)
    retornos.aceptar(incidencia, province.clerk_a)
    error.refresh_from_db()
    assert (error.processed_by, maria.is_blocked) == ("clerk_a", False)
    assert maria.movimientos.count() == 1  # treating an error is not an operation


def test_preavisos_inform_the_encsarp_due_date_and_change_nothing(vecinos, province):
    pau = vecinos["pau"]
    record = identifica(pau, fvar=D(2024, 6, 30))
    incidencia = cargar("preavisos_encsarp", [record]).incidencias.get()
    assert (incidencia.action, incidencia.note) == (
        "preaviso", "El INE avisa de que la inscripción caduca el 30/06/2024 si no se renueva.")
    retornos.aceptar(incidencia, province.clerk_a)
    incidencia.refresh_from_db()
    assert (incidencia.state, incidencia.movimiento) == ("aceptada", None)
    assert pau.movimientos.count() == 1


def test_rejecting_changes_nothing_and_keeps_the_reason(vecinos, province):
    maria = vecinos["maria"]
    incidencia = cargar("defunciones", [defuncion(maria)]).incidencias.get()
    retornos.rechazar(incidencia, province.clerk_a, motivo="Comparece en persona")
    incidencia.refresh_from_db()
    maria.refresh_from_db()
    assert (incidencia.state, incidencia.note, maria.is_registered) == (
        "rechazada", "Comparece en persona", True)
    assert maria.movimientos.count() == 1


def test_bulk_acceptance_takes_only_the_obvious_ones(vecinos, province):
    maria, pau = vecinos["maria"], vecinos["pau"]
    actions.dar_de_baja(pau, causa=Causa.BAJA_CAMBIO_RESIDENCIA, fecha=D(2023, 1, 1),
                        ctx=actions.Contexto(acting_user=province.clerk_a), destino="03065")
    retorno = cargar("defunciones", [
        defuncion(maria),                      # exact NIA, registered: obvious
        defuncion(pau),                        # already de baja: conflict
        defuncion(maria, nia="", nomb="ROSA", tiden="0", iden="", dc=""),  # no match
    ])
    accepted, failed = retornos.aceptar_obvias(retorno, province.clerk_a)
    assert ([i.line for i in accepted], failed) == ([1], [])
    states = list(retorno.incidencias.order_by("line").values_list("state", flat=True))
    assert states == ["aceptada", "pendiente", "pendiente"]
    assert retorno.incidencias.get(line=2).note.startswith("Pau García López ya está de baja")
    assert Movimiento.objects.filter(causa=Causa.BAJA_DEFUNCION).count() == 1


# --- bad input ------------------------------------------------------------------------------


def test_a_malformed_line_rejects_the_whole_file_naming_it(vecinos):
    lines = registro.write_file([defuncion(vecinos["maria"]), defuncion(vecinos["pau"])])
    broken = lines[:554 + 2 + 160] + b"2024X201" + lines[554 + 2 + 168:]  # FVAR of line 2
    with pytest.raises(ValidationError) as excinfo:
        retornos.load_retorno("defunciones", broken, "DEF.P03002")
    assert excinfo.value.messages == [
        "DEF.P03002, línea 2: el campo FVAR (posiciones 161-168) debe ser numérico y "
        "contiene «2024X201»."]
    assert nothing_loaded()
    assert Movimiento.objects.count() == 2


def test_a_record_lacking_what_its_kind_needs_rejects_the_file(vecinos):
    records = [identifica(vecinos["maria"], tipoinf="E", cdev="12"),
               identifica(vecinos["pau"], tipoinf="E")]
    with pytest.raises(ValidationError) as excinfo:
        cargar("errores", records, filename="ERR.P03002")
    assert excinfo.value.messages == [
        "ERR.P03002, línea 2: el campo CDEV (posiciones 159-160) es obligatorio en un "
        "fichero de errores y devoluciones y está en blanco."]
    assert nothing_loaded()


def test_a_file_of_another_municipality_is_rejected(vecinos):
    record = dataclasses.replace(defuncion(vecinos["maria"]), cmun="053")
    with pytest.raises(ValidationError) as excinfo:
        cargar("defunciones", [record], filename="DEF.P03053")
    assert excinfo.value.messages == [
        "DEF.P03053, línea 1: el registro es del municipio 03053 y el fichero es del 03002."]
    assert nothing_loaded()


def test_the_same_file_loaded_twice_is_recognised_and_not_applied_twice(vecinos, province):
    records = [identifica(vecinos["maria"], tipoinf="E", cdev="12")]
    first = cargar("errores", records)
    with pytest.raises(ValidationError) as excinfo:
        cargar("errores", records, filename="OTRO-NOMBRE.txt")
    assert excinfo.value.code == "already_loaded"
    assert "ya se cargó" in excinfo.value.messages[0]
    assert first.sha256 in excinfo.value.messages[0]
    assert (RetornoINE.objects.count(), IncidenciaINE.objects.count(),
            ErrorINE.objects.count()) == (1, 1, 1)


# --- the job --------------------------------------------------------------------------------


def _job(province, kind: str, content: bytes, name="DEF.P03002") -> Job:
    job = jobs.enqueue(retornos.JOB_KIND, entity=province.a, created_by=province.clerk_a,
                       payload={"kind": kind})
    jobs.JobContext(job).add_file(name, content, direction=FileDirection.INPUT)
    return job


def test_the_job_loads_its_input_file_and_a_rerun_loads_nothing_more(vecinos, province):
    job = _job(province, "defunciones", registro.write_file([defuncion(vecinos["maria"])]))
    assert job.queue == "intercambios"
    assert jobs.run(job.pk) == JobState.SUCCEEDED
    job.refresh_from_db()
    retorno = RetornoINE.objects.get(job_id=job.pk)
    assert (job.result["retorno"], job.result["records"], job.progress) == (retorno.pk, 1, 100)
    assert job.result["lineas"] == [{"line": 1, "action": "baja_defuncion",
                                     "coincidencia": "nia", "nia": vecinos["maria"].nia,
                                     "state": "pendiente", "note": ""}]
    assert "Línea 1: Baja por defunción; coincidencia: NIA" in job.log
    assert retorno.created_by_name == "Clerk Pruebas"  # the full name, not the username
    again = retornos.cargar_job(jobs.JobContext(job))  # a redelivered message
    assert again["retorno"] == retorno.pk
    assert IncidenciaINE.objects.count() == 1


def test_a_worker_killed_mid_load_leaves_nothing_and_the_rerun_loads_once(
        vecinos, province, monkeypatch):
    job = _job(province, "errores", registro.write_file(
        [identifica(vecinos["maria"], tipoinf="E", cdev="12")]))

    def killed():
        raise SystemExit("worker killed")

    with monkeypatch.context() as patch:
        patch.setattr(retornos, "_entity", killed)  # at the end of the load transaction
        with pytest.raises(SystemExit):
            retornos.cargar_job(jobs.JobContext(job))
    assert nothing_loaded()
    assert jobs.run(job.pk) == JobState.SUCCEEDED
    assert (RetornoINE.objects.count(), IncidenciaINE.objects.count(),
            ErrorINE.objects.count()) == (1, 1, 1)


def test_the_job_of_a_bad_file_fails_naming_the_line(vecinos, province):
    job = _job(province, "defunciones", b"corta\r\n")
    assert jobs.run(job.pk) == JobState.FAILED
    job.refresh_from_db()
    assert job.error.startswith("DEF.P03002, línea 1: el registro mide 5 caracteres")
    assert "línea 1" in job.log
    assert nothing_loaded()


# --- pages ----------------------------------------------------------------------------------


def test_clerk_uploads_a_file_and_resolves_its_incidencias(vecinos, province, client_for):
    content = registro.write_file([defuncion(vecinos["maria"]), defuncion(vecinos["pau"])])
    client = client_for(province.clerk_a, HOST_A)
    response = client.post("/gestion/padron/ine/retornos/cargar/", {
        "kind": "defunciones", "fichero": SimpleUploadedFile("DEF.P03002", content)})
    job = Job.objects.get(kind=retornos.JOB_KIND, entity=province.a)
    assert response["Location"] == f"/gestion/trabajos/{job.pk}/"
    assert (job.payload, job.queue, job.created_by) == (
        {"kind": "defunciones"}, "intercambios", province.clerk_a)
    assert job.files.get().direction == FileDirection.INPUT
    assert jobs.run(job.pk) == JobState.SUCCEEDED
    connection.set_schema(province.a.schema_name)
    retorno = RetornoINE.objects.get()
    page = client.get(f"/gestion/padron/ine/retornos/{retorno.pk}/")
    assert page.status_code == 200
    assert "Aceptar las evidentes" in page.content.decode()
    assert "DEF.P03002" in client.get("/gestion/padron/ine/retornos/").content.decode()
    first, second = retorno.incidencias.order_by("line")
    client.post(f"/gestion/padron/ine/incidencias/{second.pk}/rechazar/", {"motivo": "No"})
    client.post(f"/gestion/padron/ine/retornos/{retorno.pk}/aceptar-evidentes/")
    connection.set_schema(province.a.schema_name)
    assert list(retorno.incidencias.order_by("line").values_list("state", flat=True)) == [
        "aceptada", "rechazada"]
    # The same file again is recognised at once.
    response = client.post("/gestion/padron/ine/retornos/cargar/", {
        "kind": "defunciones", "fichero": SimpleUploadedFile("DEF2.P03002", content)})
    assert response["Location"] == f"/gestion/padron/ine/retornos/{retorno.pk}/"
    assert Job.objects.filter(kind=retornos.JOB_KIND).count() == 1


def test_clerk_of_b_cannot_see_or_resolve_incidencias_of_a(vecinos, province, client_for):
    retorno = cargar("defunciones", [defuncion(vecinos["maria"])])
    incidencia = retorno.incidencias.get()
    for host in (HOST_B, HOST_A):
        client = client_for(province.clerk_b, host)
        assert client.get(f"/gestion/padron/ine/retornos/{retorno.pk}/").status_code == 404
        for verb in ("aceptar", "rechazar"):
            assert client.post(
                f"/gestion/padron/ine/incidencias/{incidencia.pk}/{verb}/").status_code == 404
        assert client.post(
            f"/gestion/padron/ine/retornos/{retorno.pk}/aceptar-evidentes/").status_code == 404
    with schema_context(province.a.schema_name):
        incidencia.refresh_from_db()
        assert incidencia.state == "pendiente"
        assert Habitante.objects.get(pk=vecinos["maria"].pk).is_registered


def test_loading_matches_a_chunk_of_records_in_a_few_queries(callejero, ctx, province,
                                                            django_assert_max_num_queries):
    """Matching and writing are per chunk (retornos.LOAD_CHUNK), not per record: 30 error
    records, found by NIA, by document and by name, cost the same few queries as one."""
    people = [alta(callejero, ctx, fecha=D(2020, 3, 1), number=1 + index, nombre=f"Persona{index}",
                   documento=f"{30000000 + index}{'TRWAGMYFPDXBNJZSQVHLCKE'[(30000000 + index) % 23]}")
              for index in range(30)]
    records = []
    for index, habitante in enumerate(people):
        by = index % 3  # NIA / document only / name and birth date only
        record = identifica(habitante, nia=by == 0, tipoinf="E", cdev="12", cvar="M",
                            cauv="MD", fvar=D(2024, 1, 1))
        if by == 2:
            record = dataclasses.replace(record, tiden="", lextr="", iden="", dc="", ndocu="")
        records.append(record)
    with django_assert_max_num_queries(20):
        retorno = cargar("errores", records)
    incidencias = list(retorno.incidencias.order_by("line"))
    assert [i.habitante for i in incidencias] == people
    assert [i.coincidencia for i in incidencias] == ["nia", "documento", "nombre"] * 10
    assert ErrorINE.objects.filter(habitante__in=people, processed_at__isnull=True).count() == 30
    assert all(i.error.habitante_id == i.habitante_id for i in incidencias)
