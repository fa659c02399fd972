"""Pages: filing with the KB first, bad attachments, the queue, conflicts, statistics."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from soporte import actions
from soporte.choices import Estado
from soporte.models import ArticuloKB, Configuracion, Evento, HistoricoAnual, Incidencia
from tests.conftest import HOST_A, HOST_PROVINCIAL

from .conftest import AGENT, madrid, pdf_upload, png_upload

pytestmark = pytest.mark.django_db


def test_clerk_sees_kb_answers_then_files_with_attachment(client_for, province):
    article = ArticuloKB.objects.create(title="Cómo renovar el certificado de empleado público",
                                        body="Solicite la renovación en la sede de la FNMT.",
                                        is_published=True)
    actions.refresh_kb_search(article)
    ArticuloKB.objects.create(title="Borrador sobre certificados", body="certificado", is_published=False)
    clerk = client_for(province.clerk_a, HOST_A)
    page = clerk.get("/gestion/soporte/nueva/", {"q": "certificados"}).content.decode()
    assert "Cómo renovar el certificado" in page
    assert "Borrador" not in page
    form = clerk.get("/gestion/soporte/nueva/").content.decode()
    assert "Padrón municipal" in form  # adhered
    assert "Certificados electrónicos" not in form  # not adhered
    response = clerk.post("/gestion/soporte/nueva/", {
        "subject": "Error al emitir volantes", "description": "Sale una página en blanco.",
        "priority": 3, "service": "", "attachments": [pdf_upload(), png_upload()]})
    incidencia = Incidencia.objects.get(subject="Error al emitir volantes")
    assert response.status_code == 302
    assert response["Location"] == f"/gestion/soporte/{incidencia.reference}/"
    assert incidencia.entity == province.a
    assert incidencia.reporter == province.clerk_a
    assert sorted(incidencia.adjuntos.values_list("kind", flat=True)) == ["pdf", "png"]


def test_forbidden_and_oversized_attachments_are_refused_with_nothing_written(client_for, province):
    Configuracion.objects.update_or_create(pk=1, defaults={"max_attachment_mb": 1})
    clerk = client_for(province.clerk_a, HOST_A)
    exe = SimpleUploadedFile("factura.pdf", b"MZ\x90\x00 not really a pdf")
    response = clerk.post("/gestion/soporte/nueva/", {
        "subject": "Con un ejecutable", "description": "x", "priority": 2, "attachments": [exe]})
    assert response.status_code == 200
    assert "«factura.pdf» no es un fichero PDF / PNG / JPEG / ZIP/Office" in response.content.decode()
    big = SimpleUploadedFile("grande.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    response = clerk.post("/gestion/soporte/nueva/", {
        "subject": "Con un fichero grande", "description": "x", "priority": 2, "attachments": [big]})
    assert "«grande.pdf» ocupa 1,0 MB; el máximo es 1,0 MB." in response.content.decode()
    assert not Incidencia.objects.filter(subject__startswith="Con un").exists()


def test_filing_about_a_service_not_adhered_is_refused(client_for, province):
    from tenants.models import Service

    clerk = client_for(province.clerk_a, HOST_A)
    service = Service.objects.get(code="certificados")
    response = clerk.post("/gestion/soporte/nueva/", {
        "subject": "Certificados", "description": "x", "priority": 2, "service": service.pk})
    assert response.status_code == 200
    assert "Escoja una opción válida" in response.content.decode()
    assert not Incidencia.objects.filter(subject="Certificados").exists()


def test_agent_queue_filters_search_and_breach_highlight(client_for, province, file_incidencia,
                                                          django_assert_max_num_queries):
    late = file_incidencia(subject="Servidor caído en el ayuntamiento", priority=4,
                           now=madrid(2025, 1, 7, 9))
    mine = file_incidencia(subject="Consulta sobre el padrón")
    actions.tomar(mine, acting_user=province.support_agent)
    for n in range(30):
        file_incidencia(subject=f"Relleno {n}")
    agent = client_for(province.support_agent, HOST_PROVINCIAL)
    with django_assert_max_num_queries(18):
        page = agent.get("/soporte/").content.decode()
    assert "Página 1 de 2" in page
    breaching = agent.get("/soporte/", {"vista": "incumplidas"}).content.decode()
    assert late.reference in breaching
    assert "sp-breach" in breaching
    assert mine.reference not in breaching
    mias = agent.get("/soporte/", {"vista": "mias"}).content.decode()
    assert mine.reference in mias
    assert late.reference not in mias
    found = agent.get("/soporte/", {"q": "servidores caídos"}).content.decode()  # stemmed
    assert late.reference in found
    assert mine.reference not in found
    by_ref = agent.get("/soporte/", {"q": late.reference}).content.decode()
    assert late.reference in by_ref
    assert mine.reference not in by_ref


def test_bulk_assign_from_the_queue(client_for, province, file_incidencia):
    one, two = file_incidencia(), file_incidencia()
    agent = client_for(province.support_agent, HOST_PROVINCIAL)
    response = agent.post("/soporte/acciones/", {"ids": [one.pk, two.pk], "action": "priority",
                                                 "priority": 4})
    assert response.status_code == 302
    assert set(Incidencia.objects.filter(pk__in=[one.pk, two.pk]).values_list("priority", flat=True)) == {4}
    response = agent.post("/soporte/acciones/", {"ids": [one.pk], "action": "state"}, follow=True)
    assert "Elija el valor que se aplicará." in response.content.decode()


def test_second_agent_on_a_stale_page_gets_a_conflict_message(client_for, province, file_incidencia):
    incidencia = file_incidencia()
    seen = incidencia.version
    first = client_for(province.support_agent, HOST_PROVINCIAL)
    second = client_for(province.provincial_admin, HOST_PROVINCIAL)
    first.post(f"/soporte/{incidencia.reference}/state/", {"state": "en_curso", "version": seen})
    response = second.post(f"/soporte/{incidencia.reference}/state/",
                           {"state": "cerrada", "version": seen}, follow=True)
    assert "Otra persona ha modificado la incidencia" in response.content.decode()
    incidencia.refresh_from_db()
    assert incidencia.state == Estado.EN_CURSO
    assert Evento.objects.filter(incidencia=incidencia, kind="estado").count() == 1


def test_agent_answers_and_reporter_reopens(client_for, province, file_incidencia):
    incidencia = file_incidencia()
    agent = client_for(province.support_agent, HOST_PROVINCIAL)
    agent.post(f"/soporte/{incidencia.reference}/reply/", {"body": "Pruebe a borrar la caché."})
    incidencia.refresh_from_db()
    agent.post(f"/soporte/{incidencia.reference}/state/", {"state": "resuelta",
                                                           "version": incidencia.version})
    clerk = client_for(province.clerk_a, HOST_A)
    page = clerk.get(f"/gestion/soporte/{incidencia.reference}/").content.decode()
    assert "Pruebe a borrar la caché." in page
    assert "puede reabrirla hasta el" in page
    incidencia.refresh_from_db()
    clerk.post(f"/gestion/soporte/{incidencia.reference}/state/", {"state": "en_curso",
                                                                   "version": incidencia.version})
    incidencia.refresh_from_db()
    assert incidencia.state == Estado.EN_CURSO
    assert incidencia.eventos.filter(kind="reapertura", actor=province.clerk_a).exists()


def test_phone_call_form_creates_the_incident(client_for, province):
    agent = client_for(province.support_agent, HOST_PROVINCIAL)
    response = agent.post("/soporte/llamada/", {
        "reference": "", "caller": "Secretaria de Castalla", "phone": "965560000",
        "started_at": "2026-03-02T09:15", "duration_minutes": 6, "summary": "No puede firmar.",
        "nueva-entity": province.b.pk, "nueva-reporter_email": province.clerk_b.email,
        "nueva-subject": "Portafirmas no firma", "nueva-description": "Error al firmar.",
        "nueva-priority": 3})
    incidencia = Incidencia.objects.get(subject="Portafirmas no firma")
    assert response["Location"] == f"/soporte/{incidencia.reference}/"
    assert incidencia.via == "telefono"
    assert incidencia.reporter == province.clerk_b
    call = incidencia.llamadas.get()
    assert (call.caller, call.duration_minutes) == ("Secretaria de Castalla", 6)
    response = agent.post("/soporte/llamada/", {
        "reference": incidencia.reference, "caller": "Otra vez", "started_at": "2026-03-02T10:00",
        "duration_minutes": 2, "summary": "Ya firma."})
    assert incidencia.llamadas.count() == 2


def test_statistics_for_a_known_data_set(client_for, province, file_incidencia):
    from django.utils import timezone

    from soporte import stats

    agent_user = province.support_agent
    a1 = file_incidencia(now=madrid(2026, 1, 12, 9), service_code="padron", priority=4)
    file_incidencia(now=madrid(2026, 1, 20, 9))
    b1 = file_incidencia(entity=province.b, reporter=province.clerk_b, now=madrid(2026, 3, 2, 9),
                         service_code="padron", priority=4)
    file_incidencia(now=madrid(2025, 6, 1, 9))
    actions.tomar(a1, acting_user=agent_user, now=madrid(2026, 1, 12, 9, 10))
    actions.responder(a1, author=agent_user, body="Mirando", role=AGENT, now=madrid(2026, 1, 12, 9, 20))
    actions.cambiar_estado(a1, Estado.RESUELTA, acting_user=agent_user, role=AGENT,
                           now=madrid(2026, 1, 12, 11))  # critical: 240 min, on time
    actions.tomar(b1, acting_user=agent_user, now=madrid(2026, 3, 2, 9, 5))
    actions.cambiar_estado(b1, Estado.RESUELTA, acting_user=agent_user, role=AGENT,
                           now=madrid(2026, 3, 3, 9))  # critical, late (and late first response)
    figures = stats.compute(2026)
    assert figures.total == 3
    assert figures.monthly == [2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert figures.by_service == [("Padrón municipal de habitantes e intercambio con el INE", 2), ("Consulta general", 1)]
    assert figures.by_entity == [("Ajuntament d'Agost", 2), ("Ajuntament de Castalla", 1)]
    assert figures.by_agent == [{"name": "Support Pruebas", "assigned": 2, "resolved": 2,
                                 "percent": 50.0}]
    assert figures.first_response == {"met": 1, "total": 2, "percent": 50.0}
    assert figures.resolution == {"met": 1, "total": 2, "percent": 50.0}
    yearly = {y["year"]: y for y in figures.yearly}
    assert yearly[2012] == {"year": 2012, "historic": 1936, "recorded": 0, "total": 1936}
    assert yearly[2017]["historic"] == 5303
    assert yearly[2018]["historic"] == 4829
    assert yearly[2025]["recorded"] == 1
    assert yearly[2026]["recorded"] == 3
    assert HistoricoAnual.objects.count() == 7
    # Every year between the first and the last is there: 2019-2024 without data.
    assert list(yearly) == list(range(2012, 2027))
    assert [y for y, row in yearly.items() if not stats.has_data(row)] == list(range(2019, 2025))
    agent = client_for(agent_user, HOST_PROVINCIAL)
    response = agent.get("/soporte/estadisticas/", {"year": 2026})
    page = response.content.decode()
    assert "<td class=\"num\" data-label=\"Cifra histórica\">5303</td>" in page
    assert '<th scope="row" class="primary">2019</th><td colspan="3" class="num muted">Sin datos' \
        '</td>' in page
    assert 'data-label="En plazo">50,0 %</td>' in page
    chart = response.context["charts"]["yearly"]
    assert [(b["label"], b["missing"]) for b in chart["bars"]][6:9] == [
        ("2018", False), ("2019", True), ("2020", True)]
    assert "2018 4829; 2019 sin datos; 2020 sin datos;" in page  # the text read aloud
    # The year box shows the year of the page, with or without ?year=.
    assert 'name="year" value="2026"' in page
    assert f'name="year" value="{timezone.localdate().year}"' in agent.get(
        "/soporte/estadisticas/").content.decode()
    export = agent.get("/soporte/estadisticas/exportar/", {"year": 2026})
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(export.content))
    rows = list(book["Por año"].iter_rows(values_only=True))
    assert rows[0] == ("Año", "Histórico", "Registradas", "Total")
    assert (2017, 5303, 0, 5303) in rows
    assert list(book["SLA"].iter_rows(values_only=True))[1] == ("Primera respuesta", 1, 2, 50)
