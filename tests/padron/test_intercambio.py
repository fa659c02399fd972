"""Outgoing INE exchange: variations files, parte negativo, padrón a fecha, the job, the
clerk's and the provincial pages, and a month processed by a real worker."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import schema_context

from padron import actions
from padron.choices import Causa, TipoDocumento
from padron.ine import intercambio, registro
from padron.ine.transporte import DescargaManual, ResultadoEnvio, get_transporte
from padron.models import EnvioMovimiento, FicheroINE, Movimiento
from provincial import jobs
from provincial.choices import JobState
from provincial.models import AuditEvent, Job, JobFile
from tests.conftest import HOST_A, HOST_B, HOST_PROVINCIAL, wait_for
from tests.padron.conftest import persona
from tests.padron.test_operaciones import alta

D = datetime.date
ENERO = D(2024, 1, 31)


def leer(fichero: FicheroINE) -> list[registro.HabitanteRecord]:
    with fichero.file.open("rb") as handle:
        return registro.read_file(handle.read(), filename=fichero.name, expected_cpro="03",
                                  expected_cmun="002")


def contenido(fichero: FicheroINE) -> bytes:
    with fichero.file.open("rb") as handle:
        return handle.read()


def test_variations_file_holds_exactly_the_operations_of_the_period(enero, province):
    fichero = intercambio.generar_variaciones(ENERO, acting_user=province.clerk_a)
    records = leer(fichero)
    maria, pau = enero["maria"], enero["pau"]
    assert [(r.cvar, r.cauv, r.fvar, r.nia or r.nia_dv) for r in records] == [
        ("A", "CR", D(2024, 1, 10), maria.nia),
        ("A", "CR", D(2024, 1, 15), pau.nia),
        ("M", "CD", D(2024, 1, 20), maria.nia),
        ("M", "MD", D(2024, 1, 25), pau.nia),
    ]
    alta_maria, _alta_pau, domicilio, datos = records
    assert (alta_maria.nomb, alta_maria.nomb_dv, alta_maria.numer) == ("", "MARÍA", 5)
    assert (domicilio.nomb, domicilio.nomb_dv, domicilio.numer, domicilio.secc) == (
        "MARÍA", "MARÍA", 12, "002")
    # The previous identifying data in the first block, the new ones in the variation block.
    assert (datos.nomb, datos.nomb_dv) == ("PAU", "PABLO")
    assert (fichero.kind, fichero.state, fichero.records, fichero.period_start,
            fichero.period_end) == ("variaciones", "generado", 4, None, ENERO)
    assert fichero.name == f"INE-03002-variaciones-20240131-{fichero.pk:06d}.txt"
    assert fichero.file.name == f"padron/agost/ine/{fichero.name}"
    carried = list(fichero.envios.order_by("position").values_list("movimiento_id", flat=True))
    assert carried == list(Movimiento.objects.filter(fecha__lte=ENERO)
                           .order_by("fecha", "pk").values_list("pk", flat=True))
    assert AuditEvent.objects.filter(action="padron.ine.fichero.generar",
                                     object_id=str(fichero.pk)).count() == 1


def test_a_second_generation_sends_nothing_twice_and_is_a_parte_negativo(enero):
    first = intercambio.generar_variaciones(ENERO)
    second = intercambio.generar_variaciones(ENERO)
    assert (second.kind, second.records, contenido(second), second.period_start) == (
        "negativo", 0, b"", ENERO)
    assert second.name == f"INE-03002-negativo-20240131-{second.pk:06d}.txt"
    assert not second.envios.exists()
    febrero = intercambio.generar_variaciones(D(2024, 2, 29))
    assert [r.nomb_dv for r in leer(febrero)] == ["EVA"]
    assert febrero.period_start == D(2024, 2, 1)
    assert EnvioMovimiento.objects.filter(is_released=False).count() == 5
    assert first.envios.count() == 4


def test_a_rejected_file_releases_its_operations_for_the_next_one(enero, province):
    first = intercambio.generar_variaciones(ENERO)
    with pytest.raises(ValidationError):
        intercambio.marcar_aceptado(first)  # never sent
    intercambio.marcar_enviado(first, acting_user=province.clerk_a)
    intercambio.marcar_rechazado(first, acting_user=province.clerk_a, motivo="Error de formato")
    first.refresh_from_db()
    assert (first.state, first.rejection_reason) == ("rechazado", "Error de formato")
    assert first.envios.filter(is_released=True).count() == 4
    again = intercambio.generar_variaciones(ENERO)
    assert (again.kind, again.records, again.period_start) == ("variaciones", 4, None)
    assert contenido(again) == contenido(first)
    intercambio.marcar_enviado(again)
    intercambio.marcar_aceptado(again)
    again.refresh_from_db()
    assert again.state == "aceptado"
    assert again.sent_at is not None
    assert again.accepted_at is not None
    with pytest.raises(ValidationError):
        intercambio.marcar_rechazado(again)  # accepted is final


def test_regeneration_is_byte_identical_even_after_later_changes(enero, ctx):
    fichero = intercambio.generar_variaciones(ENERO)
    actions.modificar_datos(enero["maria"], {"nombre": "Marina"}, fecha=D(2024, 3, 1), ctx=ctx)
    assert intercambio.regenerar(fichero) == contenido(fichero)
    assert intercambio.is_intact(fichero)
    negativo = intercambio.generar_variaciones(ENERO)
    assert intercambio.regenerar(negativo) == b"" == contenido(negativo)
    padron = intercambio.generar_padron_a_fecha(D(2024, 1, 31))
    assert intercambio.regenerar(padron) == contenido(padron)


def test_padron_a_fecha_has_one_record_per_inhabitant_on_that_date(callejero, ctx):
    uno = alta(callejero, ctx, fecha=D(2020, 3, 1))
    dos = alta(callejero, ctx, fecha=D(2020, 3, 1), number=7, nombre="Pau", sexo="1",
               documento="87654321X")
    actions.dar_de_baja(dos, causa=Causa.BAJA_DEFUNCION, fecha=D(2022, 5, 1), ctx=ctx)
    tres = alta(callejero, ctx, fecha=D(2023, 1, 1), number=9, nombre="Eva",
                documento="", tipo_documento=TipoDocumento.SIN_DOCUMENTO)
    en_2021 = intercambio.generar_padron_a_fecha(D(2021, 6, 1))
    records = leer(en_2021)
    assert [(r.nia_dv, r.cvar, r.cauv, r.fvar, r.nomb) for r in records] == [
        (uno.nia, "", "", D(2021, 6, 1), ""), (dos.nia, "", "", D(2021, 6, 1), "")]
    assert (en_2021.kind, en_2021.fecha, en_2021.records) == ("padron_a_fecha", D(2021, 6, 1), 2)
    assert [r.nia_dv for r in leer(intercambio.generar_padron_a_fecha(D(2024, 1, 1)))] == [
        uno.nia, tres.nia]
    # Operations are not linked: a padrón file does not consume the monthly variations.
    assert not EnvioMovimiento.objects.exists()


def test_the_job_generates_attaches_and_a_rerun_returns_the_same_file(enero, province):
    job = jobs.enqueue(intercambio.JOB_KIND, entity=province.a, created_by=province.clerk_a,
                       payload={"kind": "variaciones", "period_end": "2024-01-31"})
    assert job.queue == "intercambios"
    assert jobs.run(job.pk) == JobState.SUCCEEDED
    job.refresh_from_db()
    fichero = FicheroINE.objects.get(job_id=job.pk)
    assert job.result == intercambio.summary(fichero)
    assert (job.result["records"], job.result["kind"], job.progress) == (4, "variaciones", 100)
    job_file = job.files.get()
    assert (job_file.name, job_file.sha256) == (fichero.name, fichero.sha256)
    assert "listo para descargar y subir a IDA-Padrón" in job.log
    assert fichero.created_by_name == "Clerk Pruebas"  # the full name, not the username
    assert fichero.transport == "descarga_manual"
    # A re-run (redelivered message) finds the file instead of writing another.
    again = intercambio.generar_job(jobs.JobContext(job))
    assert again["fichero"] == fichero.pk
    assert FicheroINE.objects.count() == 1
    assert JobFile.objects.filter(job=job).count() == 1


def test_a_job_with_an_unknown_kind_fails_with_a_message(province, in_a):
    job = jobs.enqueue(intercambio.JOB_KIND, entity=province.a, payload={"kind": "otro"})
    assert jobs.run(job.pk) == JobState.FAILED
    job.refresh_from_db()
    assert job.error == "Tipo de fichero del INE desconocido: otro"
    assert not FicheroINE.objects.exists()


def test_transport_is_chosen_by_a_dotted_path_setting(in_a, enero, settings):
    assert isinstance(get_transporte(), DescargaManual)
    settings.PADRON_INE_TRANSPORT = "tests.padron.test_intercambio.TransporteInstantaneo"
    fichero = intercambio.generar_variaciones(ENERO)
    result = intercambio.enviar(fichero)
    fichero.refresh_from_db()
    assert result.reference == "INE-42"
    assert (fichero.state, fichero.transport, fichero.transport_reference) == (
        "enviado", "instantaneo", "INE-42")


class TransporteInstantaneo:
    """A stand-in for the future real-time INE service."""

    name = "instantaneo"

    def send(self, fichero):
        return ResultadoEnvio(sent=True, message="Entregado", reference="INE-42")


def test_clerk_generates_downloads_and_marks_states(enero, province, client_for):
    fichero = intercambio.generar_variaciones(ENERO)
    client = client_for(province.clerk_a, HOST_A)
    response = client.get("/gestion/padron/ine/")
    assert response.status_code == 200
    assert fichero.name in response.content.decode()
    response = client.get(f"/gestion/padron/ine/{fichero.pk}/descargar/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == contenido(fichero)
    connection.set_schema(province.a.schema_name)
    assert AuditEvent.objects.filter(action="padron.ine.fichero.descarga",
                                     object_id=str(fichero.pk), user=province.clerk_a).exists()
    response = client.post(f"/gestion/padron/ine/{fichero.pk}/estado/", {"estado": "enviado"})
    assert response.status_code == 302
    connection.set_schema(province.a.schema_name)
    fichero.refresh_from_db()
    assert fichero.state == "enviado"
    response = client.post("/gestion/padron/ine/generar/",
                           {"kind": "padron_a_fecha", "fecha": "2024-01-31"})
    job = Job.objects.get(kind=intercambio.JOB_KIND, entity=province.a)
    assert response["Location"] == f"/gestion/trabajos/{job.pk}/"
    assert (job.payload, job.created_by, job.queue) == (
        {"kind": "padron_a_fecha", "fecha": "2024-01-31"}, province.clerk_a, "intercambios")


def test_clerk_of_b_cannot_download_or_change_a_file_of_a(enero, province, client_for):
    fichero = intercambio.generar_variaciones(ENERO)
    url = f"/gestion/padron/ine/{fichero.pk}/descargar/"
    for host in (HOST_B, HOST_A):
        client = client_for(province.clerk_b, host)
        assert client.get(url).status_code == 404
        assert client.post(f"/gestion/padron/ine/{fichero.pk}/estado/",
                           {"estado": "rechazado"}).status_code == 404
    with schema_context(province.a.schema_name):
        fichero.refresh_from_db()
        assert fichero.state == "generado"
        assert not AuditEvent.objects.filter(action__startswith="padron.ine.fichero.descarga") \
            .exists()
        assert not AuditEvent.objects.filter(action="padron.ine.fichero.rechazado").exists()


def test_provincial_launch_enqueues_one_job_per_padron_entity_once(province, client_for, db):
    client = client_for(province.provincial_admin, HOST_PROVINCIAL)
    response = client.get("/intercambio-ine/?mes=2024-01")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ajuntament d&#x27;Agost" in page
    assert "Ajuntament de Castalla" in page
    assert "Ajuntament d&#x27;Alcoi" not in page  # not adhered to the padrón
    confirm = {"mes": "2024-01", "confirmar": "si"}
    assert client.post("/intercambio-ine/generar/", confirm).status_code == 302
    launched = Job.objects.filter(kind=intercambio.JOB_KIND)
    assert sorted((job.entity.slug, job.queue, job.payload["period_end"]) for job in launched) == [
        ("agost", "intercambios", "2024-01-31"), ("castalla", "intercambios", "2024-01-31")]
    client.post("/intercambio-ine/generar/", confirm)
    assert launched.count() == 2  # not launched twice
    for user in (province.clerk_a, province.support_agent):
        assert client_for(user, HOST_PROVINCIAL).post(
            "/intercambio-ine/generar/", {"mes": "2024-02", "confirmar": "si"}).status_code == 404
    assert launched.count() == 2


def test_provincial_page_shows_each_file_state_and_pending_returns(province, client_for,
                                                                 callejero, ctx):
    """States recorded in the entity's schema after the job (enviado, aceptado) and the
    errors still to process reach the provincial page (one statement over all schemas)."""
    from padron.ine import resumen

    a, b = province.a.schema_name, province.b.schema_name
    january, february = datetime.date(2024, 1, 31), datetime.date(2024, 2, 29)
    maria = alta(callejero, ctx, fecha=datetime.date(2024, 1, 10))  # in A's schema
    fichero = intercambio.generar_variaciones(january)

    def page() -> str:
        with schema_context("public"):
            return client_for(province.provincial_admin, HOST_PROVINCIAL).get(
                "/intercambio-ine/?mes=2024-01").content.decode()

    assert "Generado (1 registros)" in page()
    with schema_context(a):
        intercambio.marcar_enviado(fichero, acting_user=province.clerk_a)
        intercambio.marcar_aceptado(fichero, acting_user=province.clerk_a)
        actions.registrar_error_ine(maria, code="12", description="Documento erróneo")
    with schema_context("public"):
        estados = resumen.estado_del_mes([a, b], january)
        assert estados[a] == resumen.EstadoMes("aceptado", "variaciones", 1, 0, 1)
        assert estados[b] == resumen.EstadoMes(None, None, 0, 0, 0)
        assert resumen.estado_del_mes([a], february)[a].file_state is None
    text = page()
    assert "Aceptado por el INE (1 registros)" in text
    assert "errores del INE sin tratar: 1" in text


# --- a real worker -----------------------------------------------------------------------


def _callejero_minimo():
    from padron.choices import TipoNumeracion
    from padron.models import (
        Distrito,
        EntidadColectiva,
        EntidadSingular,
        Nucleo,
        Seccion,
        TipoVia,
        Tramo,
        Via,
        ViaNombre,
    )

    since = D(2000, 1, 1)
    colectiva = EntidadColectiva.objects.create(code="00", name="Casco", valid_from=since)
    singular = EntidadSingular.objects.create(colectiva=colectiva, code="01", name="Casco",
                                              valid_from=since)
    nucleo = Nucleo.objects.create(singular=singular, code="01", name="Casco", valid_from=since)
    distrito = Distrito.objects.create(code="01", valid_from=since)
    seccion = Seccion.objects.create(distrito=distrito, code="001", valid_from=since)
    via = Via.objects.create(code="00010", valid_from=since)
    ViaNombre.objects.create(via=via, tipo=TipoVia.objects.create(code="CALLE",
                                                                  description="Calle"),
                             name="Mayor", short_name="MAYOR", valid_from=since)
    tramo = Tramo(seccion=seccion, nucleo=nucleo, via=via, postal_code="03000",
                  numbering=TipoNumeracion.IMPAR, number_from=1, number_to=99, valid_from=since)
    tramo.full_clean()
    tramo.save()
    return via


def _padron_tables(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s "
                       "AND tablename LIKE 'padron\\_%%'", [schema])
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def committed_padron(province, django_db_blocker):
    """One inhabitant (and a callejero) committed in A's and B's schemas; the padrón tables
    of both schemas, the new jobs and the worker's files are removed afterwards."""
    from django.core.files.storage import FileSystemStorage

    from provincial import settings as project_settings

    schemas = (province.a.schema_name, province.b.schema_name)
    with django_db_blocker.unblock():
        for schema in schemas:
            with schema_context(schema):
                if Movimiento.objects.exists() or FicheroINE.objects.exists():
                    raise AssertionError(f"the padrón of {schema} is not empty: a previous test left committed rows")
        before_jobs = set(Job.objects.values_list("pk", flat=True))
        try:
            for schema in schemas:
                with schema_context(schema):
                    via = _callejero_minimo()
                    domicilio = actions.domicilio_for(via=via, number=3, date=D(2024, 1, 10))
                    actions.dar_de_alta(
                        persona(), causa=Causa.ALTA_CAMBIO_RESIDENCIA, fecha=D(2024, 1, 10),
                        domicilio=domicilio, procedencia="03014",
                        ctx=actions.Contexto(acting_user=province.clerk_a))
            yield
        finally:
            worker_media = FileSystemStorage(location=project_settings.MEDIA_ROOT)
            for job_file in JobFile.objects.exclude(job_id__in=before_jobs):
                worker_media.delete(job_file.file.name)
            Job.objects.exclude(pk__in=before_jobs).delete()
            for schema in schemas:
                with schema_context(schema):
                    for name in FicheroINE.objects.values_list("file", flat=True):
                        worker_media.delete(name)
                    tables = _padron_tables(schema)
                    with connection.cursor() as cursor:
                        cursor.execute("TRUNCATE {} RESTART IDENTITY CASCADE".format(
                            ", ".join(f'"{schema}"."{table}"' for table in tables)))


@pytest.mark.worker
def test_a_real_worker_processes_the_month_of_each_entity_in_its_own_schema(
        province, celery_worker_process, committed_padron, client_for):
    response = client_for(province.provincial_admin, HOST_PROVINCIAL).post(
        "/intercambio-ine/generar/", {"mes": "2024-01", "confirmar": "si"})
    assert response.status_code == 302
    launched = {job.entity.slug: job for job in Job.objects.filter(
        kind=intercambio.JOB_KIND, payload__period_end="2024-01-31")}
    assert set(launched) == {"agost", "castalla"}
    for job in launched.values():
        wait_for(lambda job=job: Job.objects.get(pk=job.pk).is_finished, timeout=120)
    for slug, municipio in (("agost", "03002"), ("castalla", "03053")):
        job = Job.objects.get(pk=launched[slug].pk)
        assert job.state == JobState.SUCCEEDED, job.error
        assert (job.result["kind"], job.result["records"]) == ("variaciones", 1)
        assert job.celery_task_id
        with schema_context(slug):
            fichero = FicheroINE.objects.get(job_id=job.pk)
            assert fichero.name.startswith(f"INE-{municipio}-variaciones-20240131-")
            assert fichero.envios.count() == 1
            assert job.result["fichero"] == fichero.pk
        assert job.files.get().sha256 == fichero.sha256


def test_the_full_padron_file_costs_no_query_per_inhabitant(callejero, ctx,
                                                           django_assert_max_num_queries):
    from tests.padron.test_operaciones import alta

    for index in range(12):
        number = 1 + 2 * index
        alta(callejero, ctx, number=number, nombre=f"Persona{index}",
             documento=f"{10000000 + index}{'TRWAGMYFPDXBNJZSQVHLCKE'[(10000000 + index) % 23]}")
    with django_assert_max_num_queries(30):
        fichero = intercambio.generar_padron_a_fecha(datetime.date(2024, 1, 1))
    assert fichero.records == 12


def test_a_large_file_is_written_through_disk_with_the_same_bytes(callejero, ctx, monkeypatch):
    """The writer spools to a temporary file past SPOOL_BYTES (constant memory for the
    padrón of a large entity); what is stored and attached is the same file, byte for byte."""
    from tests.padron.test_operaciones import alta

    for index in range(3):
        alta(callejero, ctx, number=1 + 2 * index, nombre=f"Persona{index}",
             documento=f"{20000000 + index}{'TRWAGMYFPDXBNJZSQVHLCKE'[(20000000 + index) % 23]}")
    in_memory = intercambio.generar_padron_a_fecha(datetime.date(2024, 1, 1))
    rolled = []
    original_add = intercambio._Salida.add

    def add(self, record):
        original_add(self, record)
        rolled.append(self.file._rolled)

    monkeypatch.setattr(intercambio._Salida, "SPOOL_BYTES", 600)  # about one record
    monkeypatch.setattr(intercambio._Salida, "add", add)
    on_disk = intercambio.generar_padron_a_fecha(datetime.date(2024, 1, 1))
    assert rolled == [False, True, True]
    assert (on_disk.sha256, on_disk.size, on_disk.records) == (
        in_memory.sha256, in_memory.size, 3)
    assert on_disk.size == 3 * 556
    assert contenido(on_disk) == contenido(in_memory)
    assert intercambio.is_intact(on_disk)


def test_a_consulado_goes_in_ccons_and_only_with_a_country(callejero, ctx):
    """CCONS (552-554): the consulado (PERE) of a Spaniard arriving from abroad."""
    domicilio = actions.domicilio_for(via=callejero["mayor"], number=9,
                                      date=datetime.date(2024, 1, 5))
    with pytest.raises(ValidationError, match="Solo se indica consulado"):
        actions.dar_de_alta(persona(documento="11111111H"), causa=Causa.ALTA_CAMBIO_RESIDENCIA,
                            fecha=datetime.date(2024, 1, 5), domicilio=domicilio, ctx=ctx,
                            procedencia="03014", consulado="123")
    with pytest.raises(ValidationError, match="tres cifras"):
        actions.dar_de_alta(persona(documento="11111111H"), causa=Causa.ALTA_CAMBIO_RESIDENCIA,
                            fecha=datetime.date(2024, 1, 5), domicilio=domicilio, ctx=ctx,
                            procedencia="340", consulado="12A")
    assert not Movimiento.objects.exists()
    actions.dar_de_alta(persona(documento="11111111H"), causa=Causa.ALTA_CAMBIO_RESIDENCIA,
                        fecha=datetime.date(2024, 1, 5), domicilio=domicilio, ctx=ctx,
                        procedencia="340", consulado="123")
    line = contenido(intercambio.generar_variaciones(datetime.date(2024, 1, 31)))
    assert line[546:554] == b"66340123"  # CPROP 66 (abroad), CMUNP country, CCONS
    record = registro.read_file(line, filename="V", expected_cpro="03",
                                expected_cmun="002")[0]
    assert (record.cprop, record.cmunp, record.ccons) == ("66", "340", "123")
