"""E-mail out through a real SMTP server, replies by e-mail threaded into the incident,
and inbound messages that must be kept for review."""

from __future__ import annotations

import email
import email.policy
import io
from email.message import EmailMessage

import pytest
from django.core.management import call_command

from provincial import jobs
from provincial.models import Job
from soporte import actions, correo
from soporte.models import CorreoEntrante, Mensaje
from tenants.demo import ACCEPTANCE_PDF
from tests.conftest import HOST_A, HOST_PROVINCIAL

from .conftest import AGENT

pytestmark = pytest.mark.django_db


def _run_notifications() -> None:
    for job in Job.objects.filter(kind="soporte.notificar", state="pending").order_by("pk"):
        assert jobs.run(job.pk) == "succeeded", job.error


@pytest.fixture
def smtp(settings, smtp_server):
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    smtp_server.messages.clear()
    return smtp_server


def _received(smtp_server) -> list[tuple[list[str], EmailMessage]]:
    return [(rcpt, email.message_from_bytes(content, policy=email.policy.default))
            for _from, rcpt, content in smtp_server.messages]


def reply(*, sender: str, subject: str, body: str, attachment: bytes | None = None,
          message_id: str = "<respuesta-1@agost.localhost>") -> bytes:
    message = EmailMessage()
    message["From"] = f"Alguien <{sender}>"
    message["To"] = "soporte@diputacion.localhost"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message.set_content(body)
    message.add_alternative(f"<p>{body}</p><p>HTML que no se usa</p>", subtype="html")
    if attachment is not None:
        message.add_attachment(attachment, maintype="application", subtype="pdf",
                               filename="justificante.pdf")
    return message.as_bytes()


def test_notifications_go_out_over_smtp_with_the_reference(province, grupo, file_incidencia, smtp):
    incidencia = file_incidencia()
    actions.tomar(incidencia, acting_user=province.support_agent)
    actions.responder(incidencia, author=province.support_agent, body="¿Qué navegador usa?", role=AGENT)
    actions.responder(incidencia, author=province.support_agent, body="Nota solo para el equipo",
                      role=AGENT, is_internal=True)
    _run_notifications()
    received = _received(smtp)
    subjects = {m["Subject"] for _r, m in received}
    assert subjects == {f"[{incidencia.reference}] No puedo entrar en el padrón"}
    to_reporter = [m for rcpt, m in received if rcpt == [province.clerk_a.email]]
    # Acknowledgement, assignment, reply and "en curso" (the reply's own state change is
    # not a second e-mail); never the internal note.
    bodies = [m.get_content() for m in to_reporter]
    assert len(bodies) == 3
    assert "Se ha registrado la incidencia" in bodies[0]
    assert "¿Qué navegador usa?" in bodies[2]
    assert not any("Nota solo para el equipo" in b for b in bodies)
    assert to_reporter[0]["Reply-To"] == "soporte@diputacion.localhost"
    assert f"/gestion/soporte/{incidencia.reference}/" in bodies[0]
    # The agent is told of the new incident only: the rest were the agent's own doing.
    to_agent = [m for rcpt, m in received if rcpt == [province.support_agent.email]]
    assert len(to_agent) == 1
    assert "Se ha registrado la incidencia" in to_agent[0].get_content()
    assert f"/soporte/{incidencia.reference}/" in to_agent[0].get_content()
    # Running the jobs again (a redelivery) sends nothing twice.
    count = len(smtp.messages)
    for job in Job.objects.filter(kind="soporte.notificar"):
        Job.objects.filter(pk=job.pk).update(state="pending", attempts=0)
    _run_notifications()
    assert len(smtp.messages) == count


def test_reply_by_email_lands_in_the_conversation(province, file_incidencia, smtp):
    incidencia = file_incidencia()
    actions.tomar(incidencia, acting_user=province.support_agent)
    actions.responder(incidencia, author=province.support_agent, body="¿Qué navegador usa?", role=AGENT)
    _run_notifications()
    sent = next(m for rcpt, m in _received(smtp) if "¿Qué navegador" in m.get_content())
    quoted = "\n".join("> " + line for line in sent.get_content().splitlines())
    raw = reply(sender=province.clerk_a.email.upper(), subject=f"RE: {sent['Subject']}",
                body=f"Uso Firefox 128.\n\nEl lun, 2 mar 2026 a las 9:00, Diputación escribió:\n{quoted}",
                attachment=ACCEPTANCE_PDF)
    smtp.messages.clear()
    outcome = correo.receive(raw)
    assert outcome.mensaje is not None
    mensaje = outcome.mensaje
    assert mensaje.body == "Uso Firefox 128."
    assert mensaje.author == province.clerk_a
    assert mensaje.via == "email"
    assert not mensaje.is_internal
    assert [a.name for a in mensaje.adjuntos.all()] == ["justificante.pdf"]
    # The assignee is told; the same message delivered twice by the MTA is not added twice.
    _run_notifications()
    assert [rcpt for rcpt, _m in _received(smtp)] == [[province.support_agent.email]]
    assert correo.receive(raw).duplicate
    assert Mensaje.objects.filter(incidencia=incidencia, via="email").count() == 1


def test_forged_reference_or_unknown_sender_is_kept_for_review(province, file_incidencia):
    incidencia = file_incidencia()
    forged = reply(sender=province.clerk_b.email, subject=f"Re: [{incidencia.reference}] hola",
                   body="Soy de Castalla", message_id="<forjado@castalla>")
    unknown = reply(sender="desconocido@example.org", subject=f"[{incidencia.reference}]",
                    body="Hola", message_id="<desconocido@example.org>")
    missing = reply(sender=province.clerk_a.email, subject="Re: [INC-2026-999999] algo",
                    body="Hola", message_id="<inexistente@agost>")
    no_reference = reply(sender=province.clerk_a.email, subject="Consulta", body="Hola",
                         message_id="<sinref@agost>")
    reasons = [correo.receive(raw).kept.reason for raw in (forged, unknown, missing, no_reference)]
    assert reasons == [
        f"El remitente {province.clerk_b.email} no participa en {incidencia.reference}.",
        f"El remitente desconocido@example.org no participa en {incidencia.reference}.",
        "La referencia INC-2026-999999 no existe.",
        "El asunto no lleva la referencia de una incidencia.",
    ]
    assert not Mensaje.objects.filter(incidencia=incidencia).exists()
    assert CorreoEntrante.objects.filter(state="pendiente").count() == 4
    assert bytes(CorreoEntrante.objects.get(message_id="<forjado@castalla>").raw) == forged


def test_forbidden_attachment_in_a_reply_is_dropped_and_said(province, file_incidencia):
    incidencia = file_incidencia()
    raw = reply(sender=province.clerk_a.email, subject=f"[{incidencia.reference}]", body="Va adjunto",
                attachment=b"MZ\x90\x00 programa")
    outcome = correo.receive(raw)
    assert outcome.mensaje.adjuntos.count() == 0
    assert "Adjuntos no admitidos: «justificante.pdf» no es un fichero PDF" in outcome.mensaje.body


def test_management_command_reads_a_file_and_stdin(province, file_incidencia, tmp_path, monkeypatch):
    incidencia = file_incidencia()
    path = tmp_path / "mensaje.eml"
    path.write_bytes(reply(sender=province.clerk_a.email, subject=f"[{incidencia.reference}]",
                           body="Desde el MTA"))
    out = io.StringIO()
    call_command("soporte_correo", str(path), stdout=out)
    assert f"Añadido a {incidencia.reference}." in out.getvalue()
    stdin = io.TextIOWrapper(io.BytesIO(reply(sender="nadie@example.org", subject="x", body="y",
                                              message_id="<stdin@example.org>")))
    monkeypatch.setattr("sys.stdin", stdin)
    out = io.StringIO()
    call_command("soporte_correo", stdout=out)
    assert "Guardado para revisión" in out.getvalue()


def test_management_command_reads_a_maildir(province, file_incidencia, tmp_path):
    import mailbox

    incidencia = file_incidencia()
    box = mailbox.Maildir(tmp_path / "Maildir", create=True)
    box.add(reply(sender=province.clerk_a.email, subject=f"[{incidencia.reference}]", body="Uno",
                  message_id="<m1@agost>"))
    call_command("soporte_correo", maildir=str(tmp_path / "Maildir"), stdout=io.StringIO())
    call_command("soporte_correo", maildir=str(tmp_path / "Maildir"), stdout=io.StringIO())
    assert Mensaje.objects.filter(incidencia=incidencia).count() == 1


# --- review of kept messages («Correo por revisar») -----------------------------------------


def _review_state(kept: CorreoEntrante) -> tuple:
    kept.refresh_from_db()
    return kept.state, kept.incidencia_id, kept.reviewed_by_id


def test_agent_attaches_a_kept_message_of_a_participant_as_their_public_message(
        province, client_for, file_incidencia):
    from provincial.models import AuditEvent
    from soporte.models import Evento

    incidencia = file_incidencia()
    kept = correo.receive(reply(sender=province.clerk_a.email, subject="Sigue sin funcionar",
                                body="Lo he probado otra vez y nada.",
                                attachment=ACCEPTANCE_PDF)).kept
    agent = client_for(province.support_agent, HOST_PROVINCIAL)
    listing = agent.get("/soporte/correo/").content.decode()
    assert f"/soporte/correo/{kept.pk}/" in listing
    page = agent.get(f"/soporte/correo/{kept.pk}/").content.decode()
    assert "Lo he probado otra vez y nada." in page
    assert "El asunto no lleva la referencia de una incidencia." in page
    assert "justificante.pdf" in page
    response = agent.post(f"/soporte/correo/{kept.pk}/asociar/",
                          {"reference": incidencia.reference.lower()}, follow=True)
    assert f"Correo añadido a {incidencia.reference} como mensaje de su remitente." in \
        response.content.decode()
    mensaje = Mensaje.objects.get(incidencia=incidencia)
    assert (mensaje.author, mensaje.is_internal, mensaje.via, mensaje.body) == \
        (province.clerk_a, False, "email", "Lo he probado otra vez y nada.")
    assert [a.name for a in mensaje.adjuntos.all()] == ["justificante.pdf"]
    assert _review_state(kept) == ("asociado", incidencia.pk, province.support_agent.pk)
    evento = Evento.objects.get(incidencia=incidencia, kind="respuesta")
    assert evento.actor == province.clerk_a
    assert evento.new_value == f"correo de {province.clerk_a.email} revisado por Support Pruebas"
    assert evento.data["correo_id"] == kept.pk
    assert AuditEvent.objects.filter(action="soporte.correo.asociar",
                                     user=province.support_agent).count() == 1
    # The clerk sees it in the conversation, with the review in the history.
    clerk_page = client_for(province.clerk_a, HOST_A).get(
        f"/gestion/soporte/{incidencia.reference}/").content.decode()
    assert "Lo he probado otra vez y nada." in clerk_page
    # Reviewed once: a second attempt (another tab) changes nothing.
    again = agent.post(f"/soporte/correo/{kept.pk}/asociar/", {"reference": incidencia.reference},
                       follow=True)
    assert "Ese correo ya se revisó (Asociado a una incidencia)." in again.content.decode()
    assert Mensaje.objects.filter(incidencia=incidencia).count() == 1


def test_message_of_someone_outside_the_incident_becomes_an_internal_note(
        province, client_for, file_incidencia):
    from soporte.models import Evento

    incidencia = file_incidencia()
    forged = correo.receive(reply(sender=province.clerk_b.email,
                                  subject=f"Re: [{incidencia.reference}] hola",
                                  body="Soy de Castalla", message_id="<forjado@castalla>")).kept
    agent = client_for(province.support_agent, HOST_PROVINCIAL)
    response = agent.post(f"/soporte/correo/{forged.pk}/asociar/",
                          {"reference": incidencia.reference}, follow=True)
    assert "como nota interna: el remitente no participa en ella." in response.content.decode()
    note = Mensaje.objects.get(incidencia=incidencia)
    assert note.is_internal
    assert note.author == province.support_agent
    assert note.body.startswith(f"Correo de {province.clerk_b.email} (asunto «Re: "
                                f"[{incidencia.reference}] hola»), incorporado como nota interna")
    assert note.body.endswith("Soy de Castalla")
    assert Evento.objects.get(incidencia=incidencia, kind="nota").data["correo_id"] == forged.pk
    assert _review_state(forged) == ("asociado", incidencia.pk, province.support_agent.pk)
    clerk_page = client_for(province.clerk_a, HOST_A).get(
        f"/gestion/soporte/{incidencia.reference}/").content.decode()
    assert "Soy de Castalla" not in clerk_page
    # The review page prefilled the reference found in the subject.
    other = correo.receive(reply(sender="nadie@example.org", subject=f"[{incidencia.reference}]",
                                 body="x", message_id="<otro@example.org>")).kept
    page = agent.get(f"/soporte/correo/{other.pk}/").content.decode()
    assert f'value="{incidencia.reference}"' in page


def test_bad_reference_closed_incident_and_outsiders_change_nothing(
        province, client_for, file_incidencia):
    incidencia = file_incidencia()
    actions.cambiar_estado(incidencia, "cerrada", acting_user=province.clerk_a, role="reporter")
    kept = correo.receive(reply(sender="nadie@example.org", subject="Hola", body="Texto")).kept
    agent = client_for(province.support_agent, HOST_PROVINCIAL)
    for reference, text in [
        ("12345", "Escriba una referencia como INC-2026-000123."),
        ("INC-2026-999999", "No existe la incidencia INC-2026-999999."),
        (incidencia.reference, f"La incidencia {incidencia.reference} está cerrada; comunique una nueva."),
    ]:
        page = agent.post(f"/soporte/correo/{kept.pk}/asociar/", {"reference": reference},
                          follow=True).content.decode()
        assert text in page
    for user, host in [(province.clerk_a, HOST_PROVINCIAL), (province.clerk_a, HOST_A)]:
        client = client_for(user, host)
        assert client.post(f"/soporte/correo/{kept.pk}/asociar/",
                           {"reference": incidencia.reference}).status_code == 404
        assert client.post(f"/soporte/correo/{kept.pk}/descartar/").status_code == 404
        assert client.get(f"/soporte/correo/{kept.pk}/").status_code == 404
    assert _review_state(kept) == ("pendiente", None, None)
    assert not Mensaje.objects.filter(incidencia=incidencia).exists()


def test_agent_discards_a_kept_message_once(province, client_for):
    kept = correo.receive(reply(sender="spam@example.org", subject="Oferta", body="Compre")).kept
    agent = client_for(province.support_agent, HOST_PROVINCIAL)
    response = agent.post(f"/soporte/correo/{kept.pk}/descartar/", follow=True)
    assert "Correo descartado." in response.content.decode()
    assert _review_state(kept) == ("descartado", None, province.support_agent.pk)
    assert "Oferta" not in agent.get("/soporte/correo/").content.decode()
    again = agent.post(f"/soporte/correo/{kept.pk}/descartar/", follow=True).content.decode()
    assert "Ese correo ya se revisó (Descartado)." in again
