"""Security review of the incident desk: e-mail built from what entities type."""

from __future__ import annotations

import pytest

from soporte.models import Evento, Incidencia
from soporte.tasks import build_message
from tests.conftest import HOST_A

pytestmark = pytest.mark.django_db


def test_a_subject_with_line_breaks_is_one_line_and_the_notice_still_goes(client_for,
                                                                         province):
    """The subject goes into the e-mail's Subject header: a line break typed (or posted)
    in it must neither add headers nor make every notice of the incident fail."""
    clerk = client_for(province.clerk_a, HOST_A)
    response = clerk.post("/gestion/soporte/nueva/", {
        "subject": "Impresora\r\nBcc: espia@malo.example\r\n\r\nCuerpo falso",
        "description": "No imprime.", "priority": 2, "service": ""})
    assert response.status_code == 302
    incidencia = Incidencia.objects.get(reporter=province.clerk_a,
                                        description="No imprime.")
    assert incidencia.subject == "Impresora Bcc: espia@malo.example Cuerpo falso"
    evento = Evento.objects.get(incidencia=incidencia, kind="creada")
    message = build_message(evento, province.clerk_a, "entity").message()
    assert message["Subject"] == (f"[{incidencia.reference}] Impresora Bcc: "
                                  "espia@malo.example Cuerpo falso")
    assert message["Bcc"] is None


def test_a_stored_subject_with_line_breaks_does_not_break_the_notice(province,
                                                                     file_incidencia):
    """Incidents filed before the fix (or through another door) may hold line breaks."""
    incidencia = file_incidencia(subject="Fallo")
    Incidencia.objects.filter(pk=incidencia.pk).update(subject="Fallo\nBcc: x@malo.example")
    incidencia.refresh_from_db()
    evento = Evento.objects.get(incidencia=incidencia, kind="creada")
    message = build_message(evento, province.clerk_a, "entity").message()
    assert message["Subject"] == f"[{incidencia.reference}] Fallo Bcc: x@malo.example"
    assert message["Bcc"] is None


def _leave_entity(user, entity) -> None:
    from tenants.models import Membership

    assert Membership.objects.filter(user=user, entity=entity).update(is_active=False) == 1


def test_a_reporter_who_left_the_entity_gets_no_more_notices_nor_writes_by_mail(
        province, file_incidencia):
    """The desk's answers carry the entity's data: once the reporter's membership ends
    (a shared official who moved on, a dismissed clerk) they no longer see the incident
    on the web, and must not keep reading it by e-mail or writing into it."""
    from soporte import actions, correo
    from soporte.tasks import _recipients
    from tests.soporte.conftest import AGENT
    from tests.soporte.test_correo import reply

    incidencia = file_incidencia()
    _leave_entity(province.clerk_a, province.a)
    actions.responder(incidencia, author=province.support_agent,
                      body="La contraseña del padrón es Hola123", role=AGENT)
    evento = Evento.objects.filter(incidencia=incidencia, kind="respuesta").get()
    assert [u.pk for u, _a in _recipients(evento)] == []
    outcome = correo.receive(reply(sender=province.clerk_a.email,
                                   subject=f"RE: [{incidencia.reference}]",
                                   body="Gracias, ya entro."))
    assert outcome.mensaje is None
    assert outcome.kept is not None
    assert not incidencia.mensajes.filter(author=province.clerk_a).exists()
