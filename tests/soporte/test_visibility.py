"""Who sees which incidents: list, search, URL, REST API and attachment URL."""

from __future__ import annotations

import pytest

from soporte import actions
from soporte.models import Adjunto, Incidencia
from tests.conftest import HOST_A, HOST_B, HOST_PROVINCIAL

from .conftest import AGENT, HOST_MANC, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(province, file_incidencia):
    a = file_incidencia(subject="Impresora de Agost atascada", attachments=[pdf_upload()])
    b = file_incidencia(entity=province.b, reporter=province.clerk_b,
                        subject="Impresora de Castalla sin tóner", attachments=[pdf_upload("b.pdf")])
    return a, b


def test_visible_to_is_the_one_rule(province, mancomunidad, file_incidencia, two):
    a, b = two
    c = file_incidencia(entity=province.c, reporter=province.support_agent,
                        acting_user=province.support_agent)
    visible = Incidencia.objects.visible_to
    assert set(visible(province.clerk_a, province.a)) == {a}
    assert set(visible(province.clerk_b, province.b)) == {b}
    assert not visible(province.clerk_a, province.b).exists()  # not a member of B
    assert not visible(province.clerk_a, None).exists()  # the provincial desk is for agents
    assert not visible(province.admin_a, province.a).exists()  # soporte not granted
    assert set(visible(province.support_agent, None)) >= {a, b, c}
    assert set(visible(province.support_agent, province.a)) == set()  # agents work on the desk
    # The TIC operator sees exactly the mancomunidad's members (A and C), not B.
    assert set(visible(mancomunidad.tic, mancomunidad.entity)) == {a, c}
    assert not visible(mancomunidad.tic, None).exists()


def test_clerk_of_a_cannot_reach_b_by_list_search_url_api_or_attachment(client_for, province, two):
    a, b = two
    clerk = client_for(province.clerk_a, HOST_A)
    listing = clerk.get("/gestion/soporte/?estado=todas").content.decode()
    assert a.reference in listing
    assert b.reference not in listing
    found = clerk.get("/gestion/soporte/", {"q": "impresora", "estado": "todas"}).content.decode()
    assert "Impresora de Agost" in found
    assert "Castalla" not in found
    assert clerk.get(f"/gestion/soporte/{a.reference}/").status_code == 200
    assert clerk.get(f"/gestion/soporte/{b.reference}/").status_code == 404
    api = clerk.get("/api/v1/incidencias/").json()
    assert [row["reference"] for row in api["results"]] == [a.reference]
    assert clerk.get(f"/api/v1/incidencias/{b.reference}/").status_code == 404
    file_a = Adjunto.objects.get(incidencia=a)
    file_b = Adjunto.objects.get(incidencia=b)
    download = clerk.get(f"/gestion/soporte/{a.reference}/adjuntos/{file_a.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert clerk.get(f"/gestion/soporte/{a.reference}/adjuntos/{file_b.pk}/").status_code == 404
    assert clerk.get(f"/gestion/soporte/{b.reference}/adjuntos/{file_b.pk}/").status_code == 404
    # Acting on B's incident from A's host changes nothing.
    before = Incidencia.objects.get(pk=b.pk).version
    response = clerk.post(f"/gestion/soporte/{b.reference}/reply/", {"body": "hola"})
    assert response.status_code == 404
    assert Incidencia.objects.get(pk=b.pk).version == before
    # On B's host clerk_a is not a member at all.
    assert client_for(province.clerk_a, HOST_B).get(f"/gestion/soporte/{b.reference}/").status_code == 404


def test_provincial_desk_is_for_agents_only(client_for, province, two):
    a, _b = two
    for user in (province.clerk_a, province.admin_a):
        client = client_for(user, HOST_PROVINCIAL)
        assert client.get("/soporte/").status_code == 404
        assert client.get(f"/soporte/{a.reference}/").status_code == 404
    anonymous = client_for(None, HOST_PROVINCIAL).get("/soporte/")
    assert anonymous.status_code == 302
    agent = client_for(province.support_agent, HOST_PROVINCIAL)
    assert agent.get(f"/soporte/{a.reference}/").status_code == 200


def test_internal_notes_and_their_files_hidden_from_the_entity(client_for, province, two):
    a, _b = two
    note = actions.responder(a, author=province.support_agent, body="Parece un fallo del driver.",
                             role=AGENT, is_internal=True, attachments=[pdf_upload("interno.pdf")])
    clerk = client_for(province.clerk_a, HOST_A)
    page = clerk.get(f"/gestion/soporte/{a.reference}/").content.decode()
    assert "Parece un fallo del driver" not in page
    assert "interno.pdf" not in page
    internal_file = Adjunto.objects.get(mensaje=note)
    assert clerk.get(f"/gestion/soporte/{a.reference}/adjuntos/{internal_file.pk}/").status_code == 404
    agent = client_for(province.support_agent, HOST_PROVINCIAL)
    assert "Parece un fallo del driver" in agent.get(f"/soporte/{a.reference}/").content.decode()


def test_tic_operator_works_member_incidents_from_the_mancomunidad(client_for, province,
                                                                   mancomunidad, two):
    a, b = two
    tic = client_for(mancomunidad.tic, HOST_MANC)
    listing = tic.get("/gestion/soporte/?estado=todas").content.decode()
    assert a.reference in listing
    assert b.reference not in listing
    assert tic.get(f"/gestion/soporte/{b.reference}/").status_code == 404
    response = tic.post(f"/gestion/soporte/{a.reference}/reply/",
                        {"body": "Revisado en remoto.", "is_internal": "on"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.mensajes.get().is_internal
    response = tic.post(f"/gestion/soporte/{a.reference}/state/", {"state": "en_curso",
                                                                   "version": a.version})
    a.refresh_from_db()
    assert a.state == "en_curso"
    # Agent-only actions are not there for the TIC operator.
    assert tic.post(f"/gestion/soporte/{a.reference}/take/", {"version": a.version}).status_code == 404
