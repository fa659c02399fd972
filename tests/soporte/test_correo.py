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
