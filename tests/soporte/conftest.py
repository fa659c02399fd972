"""Soporte fixtures: a mancomunidad whose members are A and C, with its TIC operator
(built once per session, like the province), and helpers to file incidents."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from soporte import actions, flujo
from soporte.actions import NuevaIncidencia
from soporte.models import Grupo, Incidencia
from tenants import actions as tenant_actions
from tenants.choices import EntityKind, MembershipRole
from tenants.demo import ACCEPTANCE_PDF
from tenants.models import Entity, Service, User
from tests.conftest import PASSWORD, _adhere

HOST_MANC = "mancomunitat.localhost"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class Mancomunidad:
    entity: Entity
    tic: User


@pytest.fixture(scope="session")
def mancomunidad(province, django_db_blocker) -> Mancomunidad:
    with django_db_blocker.unblock():
        admin = province.provincial_admin
        manc = tenant_actions.provision_entity(
            name="Mancomunitat de Proves", slug="mancomunitat-proves", kind=EntityKind.MANCOMUNIDAD,
            dir3_code="L03030099", cif="P5300190E", province="Alicante", comarca="Alcoià",
            domains=[HOST_MANC], members=[province.a, province.c], acting_user=admin).entity
        _adhere(manc, "soporte", admin)
        tic = User(username="tic_manc", email="tic_manc@pruebas.localhost", first_name="Tic",
                   last_name="Pruebas")
        tic.set_password(PASSWORD)
        tic.save()
        tenant_actions.add_member(manc, acting_user=admin, email=tic.email, role=MembershipRole.TIC,
                                  applications=["soporte"])
    return Mancomunidad(entity=manc, tic=tic)


def pdf_upload(name: str = "captura.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ACCEPTANCE_PDF, content_type="application/pdf")


def png_upload(name: str = "pantalla.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def file_incidencia(province, db):
    """`file_incidencia(entity=A, reporter=clerk_a, **fields)` files an incident."""

    def make(entity=None, reporter=None, *, subject="No puedo entrar en el padrón",
             description="Al entrar aparece un error de permisos.", service_code=None,
             priority=2, attachments=(), now=None, acting_user=None) -> Incidencia:
        entity = entity or province.a
        reporter = reporter or province.clerk_a
        service = Service.objects.get(code=service_code) if service_code else None
        return actions.crear_incidencia(
            entity, NuevaIncidencia(subject=subject, description=description, service=service,
                                    priority=priority),
            reporter=reporter, acting_user=acting_user or reporter, attachments=attachments, now=now)

    return make


@pytest.fixture
def grupo(province, db) -> Grupo:
    grupo = Grupo.objects.create(name="Primer nivel", email="primer@diputacion.localhost")
    grupo.members.add(province.support_agent)
    return grupo


AGENT, REPORTER = flujo.AGENT, flujo.REPORTER


def madrid(*args) -> datetime.datetime:
    from soporte.sla import MADRID

    return datetime.datetime(*args, tzinfo=MADRID)
