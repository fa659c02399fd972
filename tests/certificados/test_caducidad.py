"""Expiry: the daily pass warns the holder and the entity's user administrators 60, 30 and
7 days before, each warning once, and marks what ended as caducado; the provincial
dashboard counts what expires in the period by entity and kind."""

from __future__ import annotations

import datetime
import email

import pytest
import time_machine
from django.core import mail

from certificados import actions, caducidad
from certificados.authorities.local import ensure_ca
from certificados.choices import Autoridad, Estado, MotivoRevocacion, Tipo
from certificados.models import AvisoCaducidad
from tests.certificados.conftest import solicitud
from tests.conftest import HOST_PROVINCIAL

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
EXPIRY = datetime.datetime(2027, 3, 15, 11, 0, tzinfo=UTC)
THREE_YEARS = datetime.timedelta(days=3 * 365)


def issued_expiring(province, entity, expires: datetime.datetime, kind=Tipo.EMPLEADO, **fields):
    """A certificate of the local CA whose validity ends at `expires`."""
    ensure_ca(operator=province.provincial_admin)
    validity = datetime.timedelta(days=397) if kind == Tipo.SEDE else THREE_YEARS
    admin = province.admin_a if entity == province.a else province.admin_b
    certificado = actions.solicitar(entity, solicitud(entity, kind, Autoridad.LOCAL, **fields),
                                    operator=admin)
    actions.acreditar(certificado, "DNI visto", operator=province.provincial_admin)
    certificado = actions.emitir(certificado, operator=province.provincial_admin,
                                 now=expires - validity)
    assert certificado.not_after == expires
    return certificado


def _run(at: datetime.datetime) -> caducidad.Revision:
    with time_machine.travel(at, tick=False):
        return caducidad.revisar()


def test_warnings_at_60_30_and_7_days_each_once_then_caducado(province):
    certificado = issued_expiring(province, province.a, EXPIRY)
    days = datetime.timedelta(days=1)
    sent = []
    for offset, warned in ((61, 0), (60, 1), (60, 0), (45, 0), (31, 0), (30, 1), (29, 0),
                           (7, 1), (7, 0), (1, 0)):
        result = _run(EXPIRY - offset * days)
        assert (offset, result.warned, result.failed) == (offset, warned, [])
        sent += mail.outbox
        mail.outbox.clear()
    assert [m.subject for m in sent] == [
        f"[{certificado.reference}] Empleado público de Laura Payà Rico: caduca el 15/03/2027"] * 3
    assert [m.to for m in sent] == [["laura.paya@pruebas.localhost",
                                     "admin_a@pruebas.localhost"]] * 3
    assert "Quedan 60 días." in sent[0].body
    assert "Quedan 30 días." in sent[1].body
    assert "Quedan 7 días." in sent[2].body
    assert f"http://agost.localhost/gestion/certificados/{certificado.pk}/" in sent[0].body
    assert sorted(AvisoCaducidad.objects.filter(certificado=certificado)
                  .values_list("days", flat=True)) == [7, 30, 60]
    result = _run(EXPIRY + datetime.timedelta(seconds=1))
    assert (result.expired, result.warned) == (1, 0)
    certificado.refresh_from_db()
    assert certificado.state == Estado.CADUCADO
    assert certificado.eventos.last().action == "caducidad"
    assert mail.outbox == []
    assert _run(EXPIRY + days).expired == 0


def test_a_certificate_recorded_late_gets_only_the_current_warning(province):
    issued_expiring(province, province.a, EXPIRY)
    assert _run(EXPIRY - datetime.timedelta(days=20)).warned == 1
    assert list(AvisoCaducidad.objects.values_list("days", flat=True)) == [30]


def test_revoked_and_suspended_ones_and_other_entities_people(province):
    revoked = issued_expiring(province, province.a, EXPIRY)
    actions.revocar(revoked, MotivoRevocacion.SUSTITUIDO, "Sustituido.",
                    operator=province.provincial_admin)
    suspended = issued_expiring(province, province.b, EXPIRY, holder_email="b@pruebas.localhost")
    actions.suspender(suspended, "Revisión.", operator=province.provincial_admin)
    assert _run(EXPIRY - datetime.timedelta(days=30)).warned == 1
    # A suspension can be lifted: its holder and B's administrator are warned; nobody of A.
    assert mail.outbox[0].to == ["b@pruebas.localhost", "admin_b@pruebas.localhost"]


def test_a_mail_server_that_refuses_leaves_the_warning_for_the_next_run(province, settings,
                                                                        smtp_server):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    certificado = issued_expiring(province, province.a, EXPIRY)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port
    result = _run(EXPIRY - datetime.timedelta(days=60))
    assert result.warned == 0
    assert len(result.failed) == 1
    assert result.failed[0].startswith(f"{certificado.reference}: ")
    assert not AvisoCaducidad.objects.exists()
    settings.EMAIL_PORT = smtp_server.port
    before = len(smtp_server.messages)
    assert _run(EXPIRY - datetime.timedelta(days=59)).warned == 1
    assert _run(EXPIRY - datetime.timedelta(days=58)).warned == 0
    received = smtp_server.messages[before:]
    assert len(received) == 1
    sender, recipients, raw = received[0]
    assert recipients == ["laura.paya@pruebas.localhost", "admin_a@pruebas.localhost"]
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert "caduca el 15/03/2027" in str(parsed["Subject"])


def _dashboard_data(province):
    """Certificates expiring around Q1 2027, seen on 10/02/2027."""
    a, b = province.a, province.b
    d = datetime.datetime
    employee = issued_expiring(province, a, d(2027, 3, 15, 11, tzinfo=UTC))
    issued_expiring(province, a, d(2027, 2, 20, 11, tzinfo=UTC), kind=Tipo.SELLO,
                    organo="Alcaldía")
    issued_expiring(province, b, d(2027, 3, 30, 11, tzinfo=UTC), kind=Tipo.SEDE,
                    sede_domain="sede.castalla.es", dir3_code=b.dir3_code)
    issued_expiring(province, b, d(2027, 5, 1, 11, tzinfo=UTC), dir3_code=b.dir3_code)
    revoked = issued_expiring(province, a, d(2027, 3, 1, 11, tzinfo=UTC))
    actions.revocar(revoked, MotivoRevocacion.SUSTITUIDO, "Sustituido.",
                    operator=province.provincial_admin)
    expired = issued_expiring(province, a, d(2027, 1, 20, 11, tzinfo=UTC))
    actions.caducar(expired, now=d(2027, 1, 21, tzinfo=UTC))
    actions.solicitar(a, solicitud(a), operator=province.admin_a, renews=employee)
    return employee


SEEN = datetime.datetime(2027, 2, 10, 9, 0, tzinfo=UTC)


def _counts(board) -> dict:
    return {e["entity"].slug: (e["empleado"], e["sede"], e["sello"], e["total"])
            for e in board.by_entity}


def test_the_dashboard_counts_the_quarter_the_next_90_days_and_the_next_quarter(province):
    employee = _dashboard_data(province)
    quarter = caducidad.dashboard("trimestre", now=SEEN)
    assert (quarter.start.isoformat(), quarter.end.isoformat()) == \
        ("2027-01-01T00:00:00+01:00", "2027-04-01T00:00:00+02:00")
    assert _counts(quarter) == {"agost": (2, 0, 1, 3), "castalla": (0, 1, 0, 1)}
    assert [e["entity"].slug for e in quarter.by_entity] == ["agost", "castalla"]
    assert [e["percent"] for e in quarter.by_entity] == [100.0, 33.33]
    assert quarter.totals == {"empleado": 2, "sede": 1, "sello": 1}
    assert [(r.not_after.date().isoformat(), r.state, r.renewal_requested)
            for r in quarter.rows] == [
        ("2027-01-20", Estado.CADUCADO, False), ("2027-02-20", Estado.EMITIDO, False),
        ("2027-03-15", Estado.EMITIDO, True), ("2027-03-30", Estado.EMITIDO, False)]
    assert next(r for r in quarter.rows if r.pk == employee.pk).days_to_expiry == 33
    ninety = caducidad.dashboard("90dias", now=SEEN)
    assert _counts(ninety) == {"agost": (1, 0, 1, 2), "castalla": (1, 1, 0, 2)}
    following = caducidad.dashboard("siguiente", now=SEEN)
    assert _counts(following) == {"castalla": (1, 0, 0, 1)}
    assert _counts(caducidad.dashboard("trimestre", kind=Tipo.SELLO, now=SEEN)) == \
        {"agost": (0, 0, 1, 1)}


def test_the_dashboard_page_shows_the_figures_and_exports_them(province, client_for):
    _dashboard_data(province)
    with time_machine.travel(SEEN, tick=False):
        client = client_for(province.provincial_admin, HOST_PROVINCIAL)  # a session of that day
        page = client.get("/certificados/caducidad/").content.decode()
        csv = client.get("/certificados/caducidad/", {"formato": "csv"}).content.decode("utf-8-sig")
    assert "Este trimestre: del 01/01/2027 al 01/04/2027 (sin incluir)." in page
    assert '<div class="value">4</div><div class="label">Caducan en el periodo</div>' in page
    assert ('<tr><th scope="row">Ajuntament d&#x27;Agost</th><td class="num">2</td>'
            '<td class="num">0</td><td class="num">1</td><td class="num"><strong>3</strong></td>'
            '</tr>') in page
    assert 'style="width: 100.0%"' in page
    assert 'style="width: 33.33%"' in page
    lines = csv.strip().splitlines()
    assert lines[0] == ("Referencia;Entidad;Tipo;Certificado;Autoridad;Estado;Caduca;Días;"
                        "Renovación pedida")
    assert len(lines) == 5
    assert lines[3].endswith(";15/03/2027;33;Sí")
