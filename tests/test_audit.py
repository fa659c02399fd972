"""The audit trail: queried by the entity and the province, exported, and answering a
person's right of access, without ever showing another entity's events."""

import csv
import io

import pytest

from provincial import audit
from provincial.models import AuditEvent
from tenants.models import Membership
from tests.conftest import HOST_A, HOST_B, HOST_PROVINCIAL

pytestmark = pytest.mark.django_db


def test_viewing_a_colleague_is_audited_under_their_document(province, client_for):
    membership = Membership.objects.get(user=province.clerk_a, entity=province.a)
    membership.user.nif = "12345678Z"
    membership.user.save()
    client_for(province.admin_a, HOST_A).get(f"/gestion/usuarios/{membership.pk}/")
    event = AuditEvent.objects.get(action="tenants.membership.view")
    assert event.user == province.admin_a
    assert event.entity == province.a
    assert event.subject_ref == audit.subject_ref("12345678-z")
    assert "12345678Z" not in str(event.detail)
    assert event.subject_ref != "12345678Z"


def test_entity_audit_page_shows_only_its_own_events(province, client_for):
    audit.record("padron.habitante.view", user=province.clerk_a, entity=province.a,
                 detail={}, subject="11111111H")
    audit.record("registro.asiento.consulta", user=province.clerk_b, entity=province.b)
    page = client_for(province.admin_a, HOST_A).get("/gestion/auditoria/").content.decode()
    assert "<td data-label=\"Acción\">Consulta de un habitante</td>" in page
    assert "Consulta de un asiento" not in page
    assert "padron.habitante.view" not in page.replace('value="padron.habitante.view"', "")
    assert client_for(province.clerk_a, HOST_A).get("/gestion/auditoria/").status_code == 403
    assert client_for(province.admin_a, HOST_B).get("/gestion/auditoria/").status_code == 404


def test_right_of_access_lists_who_looked_at_a_person(province, client_for):
    audit.record("padron.habitante.view", user=province.clerk_a, entity=province.a,
                 subject="11111111H")
    audit.record("padron.habitante.view", user=province.clerk_a, entity=province.a,
                 subject="22222222J")
    admin = client_for(province.admin_a, HOST_A)
    response = admin.get("/gestion/auditoria/?documento=11111111-h&formato=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Fecha", "Entidad", "Usuario", "Acción", "Objeto", "IP de origen"]
    assert [row[2] for row in rows[1:]] == ["clerk_a"]
    # The query itself is audited, under the same person.
    assert AuditEvent.objects.filter(action="provincial.audit.export",
                                     subject_ref=audit.subject_ref("11111111H")).exists()


def test_provincial_page_filters_by_entity_for_provincial_admins_only(province, client_for):
    audit.record("registro.festivo.alta", entity=province.a)
    audit.record("registro.festivo.baja", entity=province.b)
    admin = client_for(province.provincial_admin, HOST_PROVINCIAL)
    page = admin.get(f"/auditoria/?entidad={province.b.pk}").content.decode()
    assert "Baja de un día inhábil" in page
    assert "Alta de un día inhábil" not in page
    assert client_for(province.sender, HOST_PROVINCIAL).get("/auditoria/").status_code == 403
