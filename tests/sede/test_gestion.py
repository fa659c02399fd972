"""The sede's back office (/gestion/sede/): the procedures catalogue and the tablón de
anuncios managed by clerks with the application 'sede', with the audit of every change."""

from __future__ import annotations

import datetime
import hashlib
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from provincial.models import AuditEvent
from sede.models import Edicto, Presentacion, Procedimiento
from tests.conftest import HOST_A, HOST_B
from tests.sede.conftest import pdf_bytes
from tests.test_documents import pdf_text

pytestmark = pytest.mark.django_db

BASE = "/gestion/sede"
DAY = datetime.timedelta(days=1)
# Session, user, membership, sections and the host's tenant, plus the page's own queries.
QUERIES_PER_PAGE = 14


def local(value: datetime.datetime, fmt: str = "%Y-%m-%dT%H:%M") -> str:
    return timezone.localtime(value).strftime(fmt)


def errors(response) -> list[str]:
    return re.findall(r'<ul class="errorlist"[^>]*><li>(.*?)</li>', response.content.decode())


def procedimiento_data(**overrides) -> dict:
    data = {"code": "VADO", "name": "Licencia de vado permanente",
            "description": "Autorización para reservar la entrada de vehículos.",
            "requisitos": "Plano de situación.", "plazo_resolucion": "3 meses",
            "sentido_silencio": "desestimatorio", "tasa": "45,00 € (Ordenanza fiscal 7)",
            "organo": "Alcaldía", "tipo_formulario": "especifico",
            "campos_text": "matricula | Matrícula del vehículo | obligatorio\n"
                           "plazas | Número de plazas",
            "is_active": "on"}
    data.update(overrides)
    return data


def edicto_data(start: datetime.datetime, end: datetime.datetime, **overrides) -> dict:
    data = {"title": "Aprobación inicial del presupuesto 2027", "organo": "Pleno",
            "body": "Se expone al público durante quince días hábiles.",
            "publish_from": local(start), "publish_until": local(end)}
    data.update(overrides)
    return data


@pytest.fixture
def clerk_a(province, client_for) -> Client:
    return client_for(province.clerk_a, HOST_A)


def _in_a(province, fn):
    with schema_context(province.a.schema_name):
        return fn()


def _edicto(start: datetime.datetime, end: datetime.datetime, title: str = "Edicto") -> Edicto:
    return Edicto.objects.create(title=title, body=f"Texto de {title}", publish_from=start,
                                 publish_until=end)


# --- procedures ---------------------------------------------------------------------------


def test_clerk_creates_edits_and_lists_the_catalogue(province, clerk_a,
                                                    django_assert_max_num_queries):
    home = clerk_a.get(f"{BASE}/")
    assert home.status_code == 200
    assert "Sede electrónica" in home.content.decode()
    response = clerk_a.post(f"{BASE}/procedimientos/nuevo/", procedimiento_data())
    assert response.status_code == 302, errors(response)
    procedimiento = _in_a(province, Procedimiento.objects.get)
    assert response["Location"] == f"{BASE}/procedimientos/{procedimiento.pk}/"
    assert (procedimiento.code, procedimiento.sentido_silencio, procedimiento.tasa,
            procedimiento.tipo_formulario, procedimiento.is_active) == (
        "VADO", "desestimatorio", "45,00 € (Ordenanza fiscal 7)", "especifico", True)
    assert procedimiento.campos == [
        {"name": "matricula", "label": "Matrícula del vehículo", "required": True},
        {"name": "plazas", "label": "Número de plazas", "required": False}]
    # The citizen's form asks the new questions.
    page = Client(HTTP_HOST=HOST_A).get("/sede/procedimientos/VADO/")
    assert page.status_code == 200
    response = clerk_a.post(f"{BASE}/procedimientos/{procedimiento.pk}/",
                            procedimiento_data(plazo_resolucion="2 meses", tasa=""))
    assert response.status_code == 302, errors(response)
    procedimiento = _in_a(province, Procedimiento.objects.get)
    assert (procedimiento.plazo_resolucion, procedimiento.tasa) == ("2 meses", "")
    event = AuditEvent.objects.filter(action="sede.procedimiento.update").latest("pk")
    assert event.detail == {"plazo_resolucion": ["3 meses", "2 meses"],
                            "tasa": ["45,00 € (Ordenanza fiscal 7)", ""]}
    assert (event.user_id, event.entity_id) == (province.clerk_a.pk, province.a.pk)
    assert AuditEvent.objects.filter(action="sede.procedimiento.create",
                                     object_id=str(procedimiento.pk)).count() == 1

    def more():
        for n in range(30):
            Procedimiento.objects.create(code=f"P{n:02}", name=f"Trámite {n:02}",
                                         description="-", plazo_resolucion="1 mes",
                                         sentido_silencio="estimatorio", organo="Alcaldía",
                                         is_active=n % 2 == 0)
    _in_a(province, more)
    # The same queries whatever the page holds (the submissions are counted in the list query).
    with django_assert_max_num_queries(QUERIES_PER_PAGE):
        first = clerk_a.get(f"{BASE}/procedimientos/").content.decode()
    assert "Página 1 de 2" in first
    assert "31 resultados" in first
    found = clerk_a.get(f"{BASE}/procedimientos/?q=vado").content.decode()
    assert "Licencia de vado permanente" in found
    assert "Trámite 01" not in found
    inactive = clerk_a.get(f"{BASE}/procedimientos/?estado=inactivos").content.decode()
    assert "15 resultados" in inactive
    assert "Licencia de vado permanente" not in inactive


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"code": "VADO PERM"}, "code",
     "El código solo admite letras sin tilde, números, guiones y guiones bajos."),
    ({"campos_text": "Matrícula | Matrícula"}, "campos_text",
     "Línea 1: el nombre interno «matrícula» solo admite minúsculas sin tilde, números y "
     "guiones bajos, y empieza por una letra."),
    ({"campos_text": ""}, "campos_text",
     "Un formulario específico necesita al menos un campo propio."),
    ({"campos_text": "a | A\na | B"}, "campos_text",
     "Línea 2: el nombre interno «a» está repetido."),
    ({"name": ""}, "name", "Este campo es requerido."),
])
def test_bad_procedure_data_is_refused_in_spanish(province, clerk_a, overrides, field, message):
    response = clerk_a.post(f"{BASE}/procedimientos/nuevo/", procedimiento_data(**overrides))
    assert response.status_code == 200
    assert message in errors(response)
    assert _in_a(province, Procedimiento.objects.count) == 0


def test_procedure_with_submissions_is_deactivated_not_deleted(province, clerk_a):
    def setup():
        used = Procedimiento.objects.create(
            code="OBRA", name="Licencia de obra menor", description="-",
            plazo_resolucion="1 mes", sentido_silencio="estimatorio", organo="Alcaldía")
        unused = Procedimiento.objects.create(
            code="NUEVO", name="Trámite sin uso", description="-", plazo_resolucion="1 mes",
            sentido_silencio="estimatorio", organo="Alcaldía")
        Presentacion.objects.create(key=uuid.uuid4(), documento="12345678Z", nombre="María",
                                    procedimiento=used, datos={}, asiento_id=1,
                                    numero_registro="E/2026/000001",
                                    registered_at=timezone.now())
        return used, unused

    used, unused = _in_a(province, setup)
    # The summary links the submission to the registro rather than repeating it.
    home = clerk_a.get(f"{BASE}/").content.decode()
    assert '<a href="/gestion/registro/asientos/1/"><strong>E/2026/000001</strong></a>' in home
    page = clerk_a.get(f"{BASE}/procedimientos/{used.pk}/").content.decode()
    assert "no se puede borrar" in page
    assert 'disabled' in re.search(r'<input[^>]*name="code"[^>]*>', page).group(0)
    response = clerk_a.post(f"{BASE}/procedimientos/{used.pk}/borrar/", follow=True)
    assert ("El procedimiento tiene presentaciones y no se puede borrar; desactívelo para que "
            "deje de ofrecerse en la sede.") in response.content.decode()
    assert _in_a(province, Procedimiento.objects.filter(pk=used.pk).exists)
    assert Client(HTTP_HOST=HOST_A).get("/sede/procedimientos/OBRA/").status_code == 200
    # Deactivating takes it out of the public catalogue at once.
    response = clerk_a.post(f"{BASE}/procedimientos/{used.pk}/estado/", {"activo": "0"})
    assert response.status_code == 302
    assert _in_a(province, lambda: Procedimiento.objects.get(pk=used.pk).is_active) is False
    public = Client(HTTP_HOST=HOST_A)
    assert public.get("/sede/procedimientos/OBRA/").status_code == 404
    assert "Licencia de obra menor" not in public.get("/sede/procedimientos/").content.decode()
    assert AuditEvent.objects.filter(action="sede.procedimiento.deactivate",
                                     object_id=str(used.pk)).count() == 1
    # The unused one can be deleted.
    response = clerk_a.post(f"{BASE}/procedimientos/{unused.pk}/borrar/")
    assert response["Location"] == f"{BASE}/procedimientos/"
    assert not _in_a(province, Procedimiento.objects.filter(pk=unused.pk).exists)
    assert AuditEvent.objects.filter(action="sede.procedimiento.delete",
                                     detail__code="NUEVO").count() == 1


# --- access -------------------------------------------------------------------------------


def test_clerk_without_the_sede_application_gets_403(province, client_for):
    client = client_for(province.shared_official, HOST_A)  # granted contabilidad only in A
    for path in (f"{BASE}/", f"{BASE}/procedimientos/", f"{BASE}/tablon/",
                 f"{BASE}/tablon/nuevo/"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Sede electrónica" in response.content.decode()
    response = client.post(f"{BASE}/procedimientos/nuevo/", procedimiento_data())
    assert response.status_code == 403
    assert _in_a(province, Procedimiento.objects.count) == 0
    assert client_for(None, HOST_A).get(f"{BASE}/").status_code == 302  # to the login


def test_clerk_of_b_cannot_reach_a_procedure_or_edicto(province, client_for):
    now = timezone.now()

    def setup():
        procedimiento = Procedimiento.objects.create(
            code="SECRETO", name="Procedimiento de A", description="-",
            plazo_resolucion="1 mes", sentido_silencio="estimatorio", organo="Alcaldía")
        scheduled = _edicto(now + DAY, now + 10 * DAY, "Edicto programado de A")
        current = _edicto(now - DAY, now + 10 * DAY, "Edicto vigente de A")
        return procedimiento, scheduled, current

    procedimiento, scheduled, current = _in_a(province, setup)
    with schema_context(province.b.schema_name):
        assert not Procedimiento.objects.filter(pk=procedimiento.pk).exists()
        assert not Edicto.objects.filter(pk__in=[scheduled.pk, current.pk]).exists()
    clerk_b = client_for(province.clerk_b, HOST_B)
    gets = [f"{BASE}/procedimientos/{procedimiento.pk}/", f"{BASE}/tablon/{scheduled.pk}/",
            f"{BASE}/tablon/{scheduled.pk}/editar/", f"{BASE}/tablon/{current.pk}/documento/"]
    posts = [(f"{BASE}/procedimientos/{procedimiento.pk}/", procedimiento_data()),
             (f"{BASE}/procedimientos/{procedimiento.pk}/estado/", {"activo": "0"}),
             (f"{BASE}/procedimientos/{procedimiento.pk}/borrar/", {}),
             (f"{BASE}/tablon/{current.pk}/retirar/", {"reason": "Error en el anuncio."}),
             (f"{BASE}/tablon/{scheduled.pk}/borrar/", {})]
    for path in gets:
        assert clerk_b.get(path).status_code == 404, path
    for path, data in posts:
        assert clerk_b.post(path, data).status_code == 404, path
    listing = clerk_b.get(f"{BASE}/tablon/").content.decode()
    assert "Edicto vigente de A" not in listing
    assert "Procedimiento de A" not in clerk_b.get(f"{BASE}/procedimientos/").content.decode()
    # On A's host clerk_b is nobody.
    on_a = client_for(province.clerk_b, HOST_A)
    assert on_a.get(f"{BASE}/procedimientos/{procedimiento.pk}/").status_code == 404
    assert on_a.post(f"{BASE}/tablon/{current.pk}/retirar/",
                     {"reason": "Error en el anuncio."}).status_code == 404
    # Nothing changed.
    def unchanged():
        assert Procedimiento.objects.get(pk=procedimiento.pk).is_active
        assert Edicto.objects.filter(pk=scheduled.pk).exists()
        assert Edicto.objects.get(pk=current.pk).withdrawn_at is None
    _in_a(province, unchanged)
    assert not AuditEvent.objects.filter(action__startswith="sede.").exists()


# --- tablón de anuncios ------------------------------------------------------------------


def test_clerk_publishes_schedules_and_edits_edictos(province, clerk_a,
                                                     django_assert_max_num_queries):
    now = timezone.now()
    pdf = pdf_bytes("Presupuesto 2027")
    response = clerk_a.post(f"{BASE}/tablon/nuevo/", {
        **edicto_data(now - datetime.timedelta(minutes=5), now + 20 * DAY),
        "upload": SimpleUploadedFile("presupuesto.pdf", pdf, "application/pdf")})
    assert response.status_code == 302, errors(response)
    current = _in_a(province, Edicto.objects.get)
    assert current.document_sha256 == hashlib.sha256(pdf).hexdigest()
    assert current.document.name.startswith(f"sede/{province.a.schema_name}/edictos/")
    public = Client(HTTP_HOST=HOST_A)
    assert "Aprobación inicial del presupuesto 2027" in public.get("/sede/tablon/").content.decode()
    assert b"".join(public.get(f"/sede/tablon/{current.pk}/documento/").streaming_content) == pdf
    # A current edicto cannot be edited any more.
    response = clerk_a.post(f"{BASE}/tablon/{current.pk}/editar/",
                            edicto_data(now + DAY, now + 20 * DAY, title="Otro"))
    assert response.status_code == 302
    assert _in_a(province, lambda: Edicto.objects.get(pk=current.pk).title) == (
        "Aprobación inicial del presupuesto 2027")
    # A scheduled one is not public, and can be edited and deleted.
    response = clerk_a.post(f"{BASE}/tablon/nuevo/", edicto_data(
        now + 2 * DAY, now + 12 * DAY, title="Convocatoria de pleno"))
    assert response.status_code == 302, errors(response)
    scheduled = _in_a(province, lambda: Edicto.objects.get(title="Convocatoria de pleno"))
    assert public.get(f"/sede/tablon/{scheduled.pk}/").status_code == 404
    response = clerk_a.post(f"{BASE}/tablon/{scheduled.pk}/editar/", edicto_data(
        now + 3 * DAY, now + 13 * DAY, title="Convocatoria de pleno ordinario"))
    assert response.status_code == 302, errors(response)
    edited = _in_a(province, lambda: Edicto.objects.get(pk=scheduled.pk))
    assert edited.title == "Convocatoria de pleno ordinario"
    assert local(edited.publish_from) == local(now + 3 * DAY)
    # The list counts each state.
    _in_a(province, lambda: _edicto(now - 30 * DAY, now - 10 * DAY, "Lista de admitidos"))
    with django_assert_max_num_queries(QUERIES_PER_PAGE):
        listing = clerk_a.get(f"{BASE}/tablon/").content.decode()
    counts = re.findall(r'(Expuestos|Programados|Finalizados) <span class="sg-count">(\d+)</span>',
                        listing)
    assert counts == [("Expuestos", "1"), ("Programados", "1"), ("Finalizados", "1")]
    assert "Aprobación inicial del presupuesto 2027" in listing
    assert "Convocatoria de pleno" not in listing
    assert "Convocatoria de pleno ordinario" in clerk_a.get(
        f"{BASE}/tablon/?estado=programados").content.decode()
    assert "Lista de admitidos" in clerk_a.get(
        f"{BASE}/tablon/?estado=finalizados&q=admitidos").content.decode()
    response = clerk_a.post(f"{BASE}/tablon/{scheduled.pk}/borrar/")
    assert response["Location"] == f"{BASE}/tablon/?estado=programados"
    assert not _in_a(province, Edicto.objects.filter(pk=scheduled.pk).exists)
    actions = list(AuditEvent.objects.filter(action__startswith="sede.edicto.")
                   .order_by("pk").values_list("action", flat=True))
    assert actions == ["sede.edicto.create", "sede.edicto.create", "sede.edicto.update",
                       "sede.edicto.delete"]


def test_bad_dates_and_a_fake_pdf_are_refused_in_spanish(province, clerk_a):
    now = timezone.now()
    cases = [
        (edicto_data(now + 5 * DAY, now + 2 * DAY), "publish_until",
         "El final de la publicación debe ser posterior a su inicio."),
        (edicto_data(now - 3 * DAY, now + 2 * DAY), "publish_from",
         "El inicio de la publicación no puede ser anterior a hoy."),
        ({**edicto_data(now + DAY, now + 9 * DAY),
          "upload": SimpleUploadedFile("edicto.pdf", b"esto no es un PDF, es texto",
                                       "application/pdf")}, "upload",
         "«edicto.pdf» no es un fichero PDF (se comprueba su contenido, no su extensión)."),
        (edicto_data(now + DAY, now + 9 * DAY, publish_from="ayer"), "publish_from",
         "Introduzca una fecha/hora válida."),
    ]
    for data, _field, message in cases:
        response = clerk_a.post(f"{BASE}/tablon/nuevo/", data)
        assert response.status_code == 200
        assert errors(response) == [message]
        assert "edicto_periodo_valido" not in response.content.decode()
    assert _in_a(province, Edicto.objects.count) == 0
    assert not AuditEvent.objects.filter(action__startswith="sede.").exists()


def test_withdrawal_hides_the_edicto_at_once_and_the_diligencia_tells_the_real_period(
        province, clerk_a):
    now = timezone.now()
    start, planned = now - 4 * DAY, now + 20 * DAY
    edicto = _in_a(province, lambda: _edicto(start, planned, "Licitación de la piscina"))
    public = Client(HTTP_HOST=HOST_A)
    assert "Licitación de la piscina" in public.get("/sede/tablon/").content.decode()
    # No diligencia while exposed; the reason is required.
    assert clerk_a.get(f"{BASE}/tablon/{edicto.pk}/diligencia/").status_code == 404
    response = clerk_a.post(f"{BASE}/tablon/{edicto.pk}/retirar/", {"reason": "error"})
    assert response.status_code == 400
    assert errors(response) == [
        "Explique el motivo de la retirada (al menos 10 caracteres)."]
    response = clerk_a.post(f"{BASE}/tablon/{edicto.pk}/retirar/",
                            {"reason": "Error en el importe de licitación."})
    assert response.status_code == 302
    edicto = _in_a(province, lambda: Edicto.objects.get(pk=edicto.pk))
    assert edicto.withdrawn_at is not None
    assert edicto.publish_until == edicto.withdrawn_at
    assert edicto.planned_until == planned
    assert "Licitación de la piscina" not in public.get("/sede/tablon/").content.decode()
    assert "Licitación de la piscina" in public.get("/sede/tablon/archivo/").content.decode()
    # A second withdrawal is refused.
    clerk_a.post(f"{BASE}/tablon/{edicto.pk}/retirar/", {"reason": "Otra vez por error."})
    assert AuditEvent.objects.filter(action="sede.edicto.withdraw").count() == 1
    event = AuditEvent.objects.get(action="sede.edicto.withdraw")
    assert event.detail["motivo"] == "Error en el importe de licitación."
    response = clerk_a.get(f"{BASE}/tablon/{edicto.pk}/diligencia/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (f"Expuesto desde {local(start, '%d/%m/%Y %H:%M')}",
                     f"Expuesto hasta {local(edicto.withdrawn_at, '%d/%m/%Y %H:%M')}",
                     f"su fin previsto era el {local(planned, '%d/%m/%Y %H:%M')}",
                     "Error en el importe de licitación.", "Días naturales 4"):
        assert expected in text, (expected, text)
    # The public diligencia is the same document.
    assert public.get(f"/sede/tablon/{edicto.pk}/diligencia/").content == response.content


def test_section_is_in_the_navigation_of_granted_clerks_only(province, client_for):
    body = client_for(province.clerk_a, HOST_A).get("/gestion/").content.decode()
    assert f'href="{BASE}/"' in body
    other = client_for(province.shared_official, HOST_A).get("/gestion/").content.decode()
    assert f'href="{BASE}/"' not in other
    connection.set_schema_to_public()
