"""The sede home kept rendered for anonymous visitors (provincial.page_cache): served
without a query, with the official time live, new at once after every write that
changes it, and never mixed between entities or with an identified citizen's page."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from registro.models import Festivo
from sede import actions_gestion
from sede.models import Edicto, Procedimiento
from tests.conftest import HOST_A, HOST_B
from tests.sede.conftest import citizen

pytestmark = pytest.mark.django_db

MADRID = zoneinfo.ZoneInfo("Europe/Madrid")
HOUR = datetime.timedelta(hours=1)
# Thursday 19 March 2026, a working day.
THURSDAY = datetime.datetime(2026, 3, 19, 10, 0, 0, tzinfo=MADRID)


def get(host: str = HOST_A, path: str = "/sede/", client: Client | None = None):
    """(response, body, whether the view rendered it)."""
    response = (client or Client(HTTP_HOST=host)).get(path)
    assert response.status_code == 200, (host, path, response.status_code)
    return response, response.content.decode(), bool(response.templates)


def in_schema(entity, fn):
    with schema_context(entity.schema_name):
        result = fn()
    connection.set_schema_to_public()
    return result


def _edicto(title: str, start: datetime.datetime, end: datetime.datetime) -> Edicto:
    return Edicto(title=title, body=f"Texto de {title}", organo="Alcaldía",
                  publish_from=start, publish_until=end)


def _publish(province, title: str, start: datetime.datetime, end: datetime.datetime,
             entity=None) -> Edicto:
    return in_schema(entity or province.a, lambda: actions_gestion.create_edicto(
        _edicto(title, start, end), content=None, sha256="", acting_user=province.clerk_a))


def _procedimiento(code: str) -> Procedimiento:
    return Procedimiento(code=code, name=f"Trámite {code}", description="Descripción.",
                         plazo_resolucion="3 meses", sentido_silencio="estimatorio",
                         organo="Alcaldía")


def test_second_anonymous_visit_is_served_without_a_query_and_with_the_same_page(
        province, django_assert_max_num_queries):
    with time_machine.travel(THURSDAY, tick=False):
        first, first_body, rendered = get()
        assert rendered
        with django_assert_max_num_queries(0):
            second, second_body, rendered_again = get()
    assert not rendered_again
    assert second_body == first_body
    assert "Sede electrónica del Ajuntament d&#x27;Agost" in second_body
    for header in ("Content-Type", "Content-Security-Policy", "X-Frame-Options", "Vary",
                   "Permissions-Policy", "X-Content-Type-Options", "Referrer-Policy"):
        assert second[header] == first[header], header
    assert second["Vary"] == "Cookie"
    assert int(second["Content-Length"]) == len(second.content)
    assert not second.cookies


def test_official_time_stays_live_on_the_kept_page(province, django_assert_max_num_queries):
    with time_machine.travel(THURSDAY, tick=False):
        _, body, rendered = get()
    assert rendered
    assert '<time datetime="2026-03-19T10:00:00+01:00">19/03/2026 10:00</time>' in body
    assert "jueves, 19 de marzo de 2026 · 10:00:00" in body
    later = THURSDAY + datetime.timedelta(minutes=2, seconds=7)
    with time_machine.travel(later, tick=False), django_assert_max_num_queries(0):
        _, body, rendered = get()
    assert not rendered
    assert '<time datetime="2026-03-19T10:02:07+01:00">19/03/2026 10:02</time>' in body
    assert "jueves, 19 de marzo de 2026 · 10:02:07" in body
    assert "10:00:00" not in body


def test_published_edicto_appears_at_once_and_a_withdrawn_one_leaves_at_once(province):
    with time_machine.travel(THURSDAY, tick=False):
        get()
        assert not get()[2]  # kept
        edicto = _publish(province, "Bases de la bolsa de empleo", THURSDAY - HOUR,
                          THURSDAY + 30 * 24 * HOUR)
        _, body, rendered = get()
        assert rendered
        assert "Bases de la bolsa de empleo" in body
        assert not get()[2]
        in_schema(province.a, lambda: actions_gestion.retirar_edicto(
            edicto, reason="Error en las bases.", acting_user=province.clerk_a))
        _, body, rendered = get()
    assert rendered
    assert "Bases de la bolsa de empleo" not in body
    assert "No hay anuncios en exposición." in body


def test_edicto_published_by_the_clerks_form_appears_at_once(province, client_for):
    get()
    clerk = client_for(province.clerk_a, HOST_A)
    now = datetime.datetime.now(MADRID).replace(second=0, microsecond=0)
    response = clerk.post("/gestion/sede/tablon/nuevo/", {
        "title": "Convocatoria de ayudas al alquiler", "organo": "Alcaldía",
        "body": "Plazo de solicitud: un mes.",
        # From this minute (an hour earlier would be yesterday between 00:00 and 01:00, which
        # the form refuses).
        "publish_from": now.strftime("%Y-%m-%dT%H:%M"),
        "publish_until": (now + 48 * HOUR).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    _, body, rendered = get()
    assert rendered
    assert "Convocatoria de ayudas al alquiler" in body


def test_scheduled_edicto_appears_when_its_exposure_starts_and_leaves_when_it_ends(
        province, django_assert_max_num_queries):
    start, end = THURSDAY + 2 * HOUR, THURSDAY + 5 * HOUR
    with time_machine.travel(THURSDAY, tick=False):
        _publish(province, "Corte de agua programado", start, end)
        _, body, _ = get()
        assert "Corte de agua programado" not in body
    # No write in between: the page knew when it would change.
    with time_machine.travel(start - datetime.timedelta(seconds=1), tick=False):
        with django_assert_max_num_queries(0):
            _, body, rendered = get()
        assert not rendered
        assert "Corte de agua programado" not in body
    with time_machine.travel(start, tick=False):
        _, body, rendered = get()
        assert rendered
        assert "Corte de agua programado" in body
        assert not get()[2]
    with time_machine.travel(end, tick=False):
        _, body, rendered = get()
    assert rendered
    assert "Corte de agua programado" not in body


def test_procedure_changes_appear_at_once(province, client_for):
    with time_machine.travel(THURSDAY, tick=False):
        assert "0 procedimientos con sus requisitos y plazos." in get()[1]
        procedimiento = in_schema(province.a, lambda: actions_gestion.save_procedimiento(
            _procedimiento("VADO"), acting_user=province.clerk_a))
        _, body, rendered = get()
        assert rendered
        assert "1 procedimiento con sus requisitos y plazos." in body
        assert not get()[2]
        # Hidden through an UPDATE (no post_save): the action invalidates itself.
        assert in_schema(province.a, lambda: actions_gestion.set_procedimiento_active(
            procedimiento, False, acting_user=province.clerk_a))
        _, body, rendered = get()
    assert rendered
    assert "0 procedimientos con sus requisitos y plazos." in body


def test_working_day_follows_holidays_at_once_and_the_date_at_midnight(province):
    friday_night = datetime.datetime(2026, 3, 20, 23, 59, 59, tzinfo=MADRID)
    with time_machine.travel(friday_night, tick=False):
        assert "Hoy es día hábil." in get()[1]
        assert not get()[2]
    with time_machine.travel(friday_night + datetime.timedelta(seconds=1), tick=False):
        _, body, rendered = get()  # Saturday
    assert rendered
    assert "Hoy es día inhábil" in body
    with time_machine.travel(THURSDAY, tick=False):
        assert "Hoy es día hábil." in get()[1]
        in_schema(province.a, lambda: Festivo.objects.create(
            fecha=THURSDAY.date(), descripcion="San José", ambito="local"))
        _, body, rendered = get()
    assert rendered
    assert "Hoy es día inhábil" in body


def test_entity_data_change_appears_at_once_although_routing_keeps_the_old_row(province):
    from provincial import routing

    get()
    assert not get()[2]
    # Edited in another process: this one's host routing still holds the old Entity
    # (for TENANT_HOST_CACHE_SECONDS).
    routed = dict(routing._cache)
    entity = type(province.a).objects.get(pk=province.a.pk)
    entity.name = "Ajuntament d'Agost (Alacant)"
    entity.address = "Plaça d'Espanya, 1"
    entity.save()
    routing._cache.update(routed)
    _, body, rendered = get()
    assert rendered
    assert "Sede electrónica del Ajuntament d&#x27;Agost (Alacant)" in body
    assert "Plaça d&#x27;Espanya, 1" in body


def test_two_entities_homes_never_mix_and_a_write_in_one_keeps_the_other(
        province, django_assert_max_num_queries):
    with time_machine.travel(THURSDAY, tick=False):
        _, body_a, _ = get(HOST_A)
        _, body_b, _ = get(HOST_B)
        assert "Ajuntament d&#x27;Agost" in body_a
        assert "Castalla" not in body_a
        assert "Ajuntament de Castalla" in body_b
        assert "Agost" not in body_b
        _publish(province, "Edicto solo de Agost", THURSDAY - HOUR, THURSDAY + 24 * HOUR)
        with django_assert_max_num_queries(0):
            _, kept_b, rendered_b = get(HOST_B)
        assert not rendered_b
        assert kept_b == body_b
        _, body_a, rendered_a = get(HOST_A)
        assert rendered_a
        assert "Edicto solo de Agost" in body_a
        # The same path, a forwarded host naming A: still B's page.
        response = Client(HTTP_HOST=HOST_B).get("/sede/", HTTP_X_FORWARDED_HOST=HOST_A)
        assert response.content.decode() == body_b


def test_identified_citizen_gets_their_page_and_never_fills_the_anonymous_copy(province):
    with time_machine.travel(THURSDAY, tick=False):
        maria = citizen(HOST_A)
        # The citizen first: rendered for her, never kept.
        _, body, rendered = get(client=maria)
        assert rendered
        assert "Identificado/a: María García López" in body
        _, body, rendered = get()
        assert rendered
        assert "Identificado/a" not in body
        assert "García" not in body
        assert not get()[2]  # the anonymous page is kept now
        # The kept page never reaches her.
        _, body, rendered = get(client=maria)
        assert rendered
        assert "Identificado/a: María García López" in body
        _, body, rendered = get()
    assert not rendered
    assert "Identificado/a" not in body


def test_logged_in_clerk_always_gets_the_view(province, client_for):
    get()
    clerk = client_for(province.clerk_a, HOST_A)
    _, body, rendered = get(client=clerk)
    assert rendered
    assert "Sede electrónica del Ajuntament d&#x27;Agost" in body


def test_a_write_during_a_render_never_leaves_a_stale_page(province, monkeypatch):
    """The render reads the edictos, a clerk publishes one, the render finishes: that
    page is kept under the old token and the next visitor gets a fresh render."""
    from registro import calendario

    es_habil = calendario.es_habil

    def es_habil_while_a_clerk_publishes(fecha, **kwargs):
        monkeypatch.setattr(calendario, "es_habil", es_habil)
        _publish(province, "Publicado durante el render", THURSDAY - HOUR,
                 THURSDAY + 24 * HOUR)
        connection.set_schema_to_public()
        connection.set_tenant(province.a)
        return es_habil(fecha, **kwargs)

    with time_machine.travel(THURSDAY, tick=False):
        monkeypatch.setattr(calendario, "es_habil", es_habil_while_a_clerk_publishes)
        _, body, _ = get()
        assert "Publicado durante el render" not in body
        _, body, rendered = get()
    assert rendered
    assert "Publicado durante el render" in body


@pytest.mark.parametrize(("path", "headers"), [
    ("/sede/?utm_source=boletin", {}),
    ("/sede/", {"HTTP_COOKIE": "sessionid=caducada"}),
    ("/sede/", {"HTTP_COOKIE": "messages=algo"}),
    ("/sede/", {"HTTP_AUTHORIZATION": "Token abc"}),
])
def test_requests_that_may_differ_are_never_served_the_kept_page(province, path, headers):
    get()
    assert not get()[2]
    response = Client(HTTP_HOST=HOST_A, **headers).get(path)
    assert response.status_code == 200
    assert response.templates


def test_csrf_cookie_alone_still_gets_the_kept_page(province):
    get()
    response = Client(HTTP_HOST=HOST_A, HTTP_COOKIE="csrftoken=abc").get("/sede/")
    assert response.status_code == 200
    assert not response.templates


def test_home_still_works_when_the_pages_cache_is_down(province, settings):
    settings.CACHES = {**settings.CACHES, "pages": {
        **settings.CACHES["pages"], "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}
    for _ in range(2):
        _, body, rendered = get()
        assert rendered
        assert "Sede electrónica del Ajuntament d&#x27;Agost" in body


def test_a_write_replaces_the_token_again_when_its_transaction_commits(
        province, django_capture_on_commit_callbacks):
    """A render between the write and its commit reads the old rows under the first new
    token: the second one, at commit, drops what it kept."""
    from django.db import transaction

    from provincial import page_cache

    schema = province.a.schema_name
    before = page_cache._read_versions(page_cache._store(), schema)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        page_cache.invalidate(schema)
        during = page_cache._read_versions(page_cache._store(), schema)
    after = page_cache._read_versions(page_cache._store(), schema)
    assert len(callbacks) == 1
    assert before[0] == during[0] == after[0]  # the platform's token is untouched
    assert len({before[1], during[1], after[1]}) == 3
