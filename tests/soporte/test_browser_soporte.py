"""In a real browser: a clerk files an incident with an attachment, an agent answers on the
provincial host, the clerk sees the answer. Saves the screenshots of the agent queue and
of an incident under docs/screenshots/.

The web server is another process, so what it does is committed. The test works in an
entity, users and a support group of its own (names nothing else uses) and, when the
module ends, deletes every incident row it committed (history included) and its group,
so the other tests see the database as they would without it, whatever the order.
Like the other browser tests it is not a database test, so pytest-django runs it after
them: the entity it commits (and the spare schema it takes) never meets a test that
counts schemas or entities.
"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings

from tests import browser as browser_support
from tests.browser import SHOTS
from tests.conftest import PASSWORD

HOST = "soporte-navegador.localhost"
SLUG = "soporte-navegador"
GROUP = "Primer nivel (navegador)"
RECOVERY = "73915046"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def desk(province, django_db_blocker):
    """A committed entity with a clerk, an agent with a recovery code, and a realistic queue."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from soporte import actions, flujo
    from soporte.choices import Estado
    from soporte.models import Grupo
    from tenants import actions as tenant_actions
    from tenants.choices import MembershipRole
    from tenants.models import User
    from tests.conftest import _user

    entity = browser_support.provision_entity(
        province, django_db_blocker, slug=SLUG, name="Ajuntament de Benidorm",
        ine_code="030319", services=["soporte", "padron"])
    with django_db_blocker.unblock():
        admin = province.provincial_admin
        clerk = _user("clerk_altea")
        clerk.first_name, clerk.last_name = "Marta", "Llorca Ivars"
        clerk.save()
        tenant_actions.add_member(entity, acting_user=admin, email=clerk.email,
                                  role=MembershipRole.CLERK, applications=["soporte", "padron"])
        agent = User.objects.create_user("agente_navegador", "agente_navegador@pruebas.localhost",
                                         PASSWORD, first_name="Lucía", last_name="Ferrándiz",
                                         is_support_agent=True)
        TOTPDevice.objects.create(user=agent, name="app", confirmed=True)
        static = StaticDevice.objects.create(user=agent, name="recuperación", confirmed=True)
        static.token_set.create(token=RECOVERY)
        grupo = Grupo.objects.create(name=GROUP)
        grupo.members.add(agent)
        now = datetime.datetime.now(datetime.UTC)
        samples = [
            ("No se genera el fichero de variaciones del INE", "padron", 4, 30),
            ("El volante de convivencia sale sin firma", "padron", 3, 6),
            ("Alta de una nueva usuaria en la plataforma", None, 2, 2),
            ("Consulta sobre el calendario de formación", None, 1, 1),
            ("Error al dar de alta a un menor", "padron", 2, 0.2),
        ]
        from tenants.models import Service

        for index, (subject, code, priority, days_ago) in enumerate(samples):
            incidencia = actions.crear_incidencia(
                entity, actions.NuevaIncidencia(
                    subject=subject, description=f"{subject}. Ocurre desde esta semana.",
                    service=Service.objects.get(code=code) if code else None, priority=priority),
                reporter=clerk, acting_user=clerk, now=now - datetime.timedelta(days=days_ago))
            if index % 2 == 0:
                actions.tomar(incidencia, acting_user=agent)
            if index == 2:
                actions.cambiar_estado(incidencia, Estado.PENDIENTE, acting_user=agent,
                                       role=flujo.AGENT)
    yield {"entity": entity, "clerk": clerk, "agent": agent}
    with django_db_blocker.unblock():
        purge_soporte(entity, grupo)


def purge_soporte(entity, grupo=None) -> None:
    """Delete the incidents of `entity` (with their history, messages, files and the
    notification jobs of that history) and the group, in one transaction. The history is
    append-only for the application; a test may lift the trigger inside its transaction."""
    from django.db import connection, transaction

    from provincial.models import Job
    from soporte.models import Adjunto, CorreoEntrante, Evento, Incidencia, Llamada, Mensaje

    incidencias = Incidencia.objects.filter(entity=entity)
    eventos = Evento.objects.filter(incidencia__entity=entity)
    with transaction.atomic():
        Job.objects.filter(kind="soporte.notificar",
                           payload__evento_id__in=list(eventos.values_list("pk", flat=True))).delete()
        for adjunto in Adjunto.objects.filter(incidencia__entity=entity):
            adjunto.file.delete(save=False)
            adjunto.delete()
        Mensaje.objects.filter(incidencia__entity=entity).delete()
        Llamada.objects.filter(incidencia__entity=entity).delete()
        CorreoEntrante.objects.filter(incidencia__entity=entity).update(incidencia=None)
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE soporte_evento DISABLE TRIGGER soporte_evento_append_only")
            eventos.delete()
            cursor.execute("ALTER TABLE soporte_evento ENABLE TRIGGER soporte_evento_append_only")
        incidencias.update(merged_into=None)
        for incidencia in incidencias:
            incidencia.related.clear()
        incidencias.delete()
        if grupo is not None:
            grupo.delete()


@pytest.fixture(scope="module")
def web(desk, django_db_blocker):
    with browser_support.web_server(django_db_blocker, host=HOST) as port:
        yield port


@pytest.fixture
def chromium(web):
    # After the desk is committed: Django refuses synchronous queries once Playwright's
    # event loop runs in this thread.
    with browser_support.chromium() as instance:
        yield instance


def _login(page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}{next_path}")
    page.get_by_label("Usuario").fill(username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()


def test_clerk_files_agent_answers_clerk_sees_the_answer(chromium, web, desk, tmp_path):
    from tenants.demo import ACCEPTANCE_PDF

    SHOTS.mkdir(parents=True, exist_ok=True)
    attachment = tmp_path / "captura-error.pdf"
    attachment.write_bytes(ACCEPTANCE_PDF)
    entity_base = f"http://{HOST}:{web}"
    clerk = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _login(clerk, entity_base, "clerk_altea", "/gestion/soporte/nueva/")
    clerk.wait_for_url(f"{entity_base}/gestion/soporte/nueva/")
    clerk.get_by_label("Servicio").select_option(label="Padrón municipal de habitantes e intercambio con el INE")
    clerk.get_by_label("Prioridad").select_option(label="Alta")
    clerk.get_by_label("Asunto").fill("No puedo imprimir certificados de empadronamiento")
    clerk.get_by_label("Descripción").fill("Al pulsar «Imprimir» aparece una página en blanco.")
    clerk.get_by_label("Adjuntos").set_input_files(str(attachment))
    clerk.get_by_role("button", name="Enviar la incidencia").click()
    clerk.wait_for_url(f"{entity_base}/gestion/soporte/INC-*/")
    reference = clerk.url.rstrip("/").rsplit("/", 1)[1]
    assert "captura-error.pdf" in clerk.content()

    desk_base = f"http://{settings.PROVINCIAL_DOMAIN}:{web}"
    agent = chromium.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    _login(agent, desk_base, "agente_navegador", "/soporte/")
    agent.get_by_label("Código").fill(RECOVERY)
    agent.get_by_role("button", name="Verificar").click()
    agent.wait_for_url(f"{desk_base}/soporte/")
    assert reference in agent.content()
    agent.screenshot(path=str(SHOTS / "soporte-cola.png"), full_page=True)
    # On a 1280 px screen the whole queue fits: no column is cut off or scrolled away.
    agent.set_viewport_size({"width": 1280, "height": 800})
    geometry = agent.evaluate("""() => {
        const wrap = document.querySelector('.sp-queue').closest('.table-wrap');
        const last = document.querySelector('.sp-queue thead th:last-child');
        return {right: last.getBoundingClientRect().right,
                wrapRight: wrap.getBoundingClientRect().right,
                hidden: wrap.scrollWidth - wrap.clientWidth,
                page: document.documentElement.scrollWidth, text: last.textContent};
    }""")
    agent.screenshot(path=str(SHOTS / "soporte-cola-1280.png"), full_page=True)
    assert geometry["text"] == "Resolución"
    assert geometry["right"] <= geometry["wrapRight"] <= 1280
    assert geometry["hidden"] == 0
    assert geometry["page"] <= 1280
    agent.get_by_role("link", name="No puedo imprimir certificados de empadronamiento").click()
    agent.wait_for_url(f"{desk_base}/soporte/{reference}/")
    agent.get_by_role("button", name="Tomarla yo").click()
    agent.get_by_label("Mensaje").fill("Hemos actualizado la plantilla del certificado; "
                                       "pruebe de nuevo, por favor.")
    agent.get_by_role("button", name="Enviar").click()
    agent.wait_for_selector("text=Respuesta enviada.")
    agent.screenshot(path=str(SHOTS / "soporte-incidencia.png"), full_page=True)

    clerk.reload()
    assert "Hemos actualizado la plantilla del certificado" in clerk.content()
    assert "En curso" in clerk.content()
