"""Incident pages whose history has no actor (automatic assignment, SLA events, mail from
an unknown sender) open for every audience: a template never reaches through a missing
user in a filter argument."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import timezone

from soporte.choices import TipoEvento
from soporte.models import Evento, Grupo, Incidencia, Mensaje, ReglaAsignacion
from tests.conftest import HOST_A, HOST_PROVINCIAL, ROOT

pytestmark = pytest.mark.django_db


def _without_actors(incidencia: Incidencia) -> None:
    now = timezone.now()
    Evento.objects.create(incidencia=incidencia, actor=None, kind=TipoEvento.ASIGNACION,
                          new_value="Primer nivel", created_at=now)
    Evento.objects.create(incidencia=incidencia, actor=None, kind=TipoEvento.RESPUESTA,
                          created_at=now)
    Mensaje.objects.create(incidencia=incidencia, author=None, body="Respuesta sin autor.",
                           via="correo", created_at=now)


def test_events_and_messages_without_actor_render_for_the_agent(client_for, province,
                                                                 file_incidencia):
    incidencia = file_incidencia()
    _without_actors(incidencia)
    response = client_for(province.support_agent, HOST_PROVINCIAL).get(
        f"/soporte/{incidencia.reference}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Respuesta sin autor." in page
    assert "<strong>Desconocido</strong>" in page
    assert page.count("· sistema</span>") == 2


def test_events_and_messages_without_actor_render_for_the_clerk(client_for, province,
                                                                 file_incidencia):
    incidencia = file_incidencia()
    _without_actors(incidencia)
    response = client_for(province.clerk_a, HOST_A).get(f"/gestion/soporte/{incidencia.reference}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Respuesta sin autor." in page
    assert "<strong>Desconocido</strong>" in page
    assert page.count("· sistema</span>") == 2
    assert "· Clerk Pruebas</span>" in page  # the filing event names its actor


def test_an_incident_filed_from_the_back_office_and_routed_automatically_opens(client_for,
                                                                               province):
    grupo = Grupo.objects.create(name="Primer nivel", email="primer@diputacion.localhost")
    ReglaAsignacion.objects.create(order=1, grupo=grupo)
    clerk = client_for(province.clerk_a, HOST_A)
    response = clerk.post("/gestion/soporte/nueva/", {
        "subject": "No abre el padrón", "description": "Da un error.", "priority": 2,
        "service": ""})
    incidencia = Incidencia.objects.get(subject="No abre el padrón")
    assert response["Location"] == f"/gestion/soporte/{incidencia.reference}/"
    assignment = incidencia.eventos.get(kind=TipoEvento.ASIGNACION)
    assert assignment.actor is None
    page = clerk.get(response["Location"])
    assert page.status_code == 200
    assert "· sistema</span>" in page.content.decode()
    agent = client_for(province.support_agent, HOST_PROVINCIAL)
    assert agent.get(f"/soporte/{incidencia.reference}/").status_code == 200


def test_the_notice_of_a_reply_without_author_names_the_support_team(province, file_incidencia):
    from django.template.loader import render_to_string

    incidencia = file_incidencia()
    evento = Evento.objects.create(incidencia=incidencia, actor=None, kind=TipoEvento.RESPUESTA,
                                   created_at=timezone.now())
    body = render_to_string("soporte/email/notificacion.txt", {
        "user": province.clerk_a, "evento": evento, "incidencia": incidencia,
        "mensaje": Mensaje(body="Hecho."), "marker": "", "link": "http://x/"})
    assert "Hola, Clerk Pruebas:" in body
    assert "el equipo de soporte ha respondido:" in body


# A filter argument that reaches through a related object (`default:e.actor.username`)
# raises when that object is None; the page then answers 500.
THROUGH_RELATED = re.compile(r"\|\s*\w+\s*:\s*([A-Za-z_]\w*(?:\.\w+){2,})")


def test_no_template_reaches_through_an_object_in_a_filter_argument():
    offenders = []
    for path in sorted(Path(ROOT).rglob("templates/**/*")):
        if not path.is_file() or ".venv" in path.parts or path.suffix not in {
                ".html", ".txt", ".xml", ".svg"}:
            continue
        for lineno, line in enumerate(path.read_text().splitlines(), start=1):
            offenders += [f"{path.relative_to(ROOT)}:{lineno}: {match.group(1)}"
                          for match in THROUGH_RELATED.finditer(line)]
    assert offenders == []
