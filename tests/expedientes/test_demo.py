"""The expedientes' demo loader: a dozen realistic expedientes per entity (some from the
registro, some overdue, some closed), tasks, and the application granted to the clerks
who hold the registro. Run twice, it adds nothing."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from expedientes import demo
from expedientes.choices import EstadoExpediente, Origen
from expedientes.models import Expediente, Tarea
from tenants import actions as tenant_actions
from tenants.models import Membership

pytestmark = pytest.mark.django_db


def test_the_demo_opens_realistic_expedientes_once(province):
    from registro import demo as registro_demo

    with schema_context(province.a.schema_name):
        registro_demo.populate(province.a, asientos=24, seed=7)
        opened = demo.populate(province.a, [province.clerk_a])
        assert opened >= 10
        assert Expediente.objects.count() == opened
        assert Expediente.objects.filter(origen=Origen.REGISTRO).exists()
        assert Expediente.objects.filter(estado__in=[EstadoExpediente.CERRADO,
                                                     EstadoExpediente.ARCHIVADO]).exists()
        from expedientes import plazos

        assert plazos.vencidos(Expediente.objects.all()).exists()
        assert Tarea.objects.filter(assigned_to_id=province.clerk_a.pk).exists()
        # The citizen of the registro's demo finds an expediente of theirs.
        assert Expediente.objects.filter(interesados__documento="12345678Z").exists()
        assert demo.populate(province.a, [province.clerk_a]) == 0
        assert Expediente.objects.count() == opened


def test_the_demo_grants_the_application_to_clerks_with_the_registro(province):
    membership = tenant_actions.add_member(
        province.a, acting_user=province.provincial_admin, email="registro@pruebas.localhost",
        first_name="Rosa", last_name="Registro", password="clave-de-prueba-2026",
        applications=["registro"])
    users = demo._grant(province.a, province.provincial_admin)
    membership = Membership.objects.get(pk=membership.pk)
    assert "expedientes" in membership.applications
    assert membership.user in users
    assert province.clerk_a in users
    # Entity C has no e-administración: nobody is granted anything there.
    assert demo._grant(province.c, province.provincial_admin) == []
