"""Fixtures of the notificaciones tests: entity schemas, an expediente with a signed
resolution to notify, destinatarios and the people who appear at the sede."""

from __future__ import annotations

import pytest

from expedientes.choices import EstadoDocumento, RolInteresado, TipoDocumental
from expedientes.models import Documento, Expediente, InteresadoExpediente
from notificaciones.actions import Actor, Destinatario
from tests.expedientes.conftest import (  # noqa: F401 (fixtures)
    CIF,
    DNI,
    NIE,
    in_a,
    in_b,
    make_documento,
    make_expediente,
    make_procedimiento,
)

OTHER_DNI = "87654321X"
REPRESENTANTE_DNI = "11111111H"


@pytest.fixture
def expediente(in_a) -> Expediente:  # noqa: F811
    expediente = make_expediente(make_procedimiento(), asunto="Licencia de obra menor en C/ Mayor 1")
    InteresadoExpediente.objects.create(
        expediente=expediente, rol=RolInteresado.SOLICITANTE, tipo_documento="NIF",
        documento=DNI, nombre="Lucía", apellido1="Pérez", apellido2="Gómez",
        email="lucia@example.org", telefono="600111222")
    return expediente


@pytest.fixture
def resolucion(expediente) -> Documento:
    """A signed resolution of the expediente (the content notified)."""
    return make_documento(expediente, titulo="Resolución de concesión de licencia",
                          tipo_documental=TipoDocumental.RESOLUCION,
                          estado=EstadoDocumento.FIRMADO, is_resolucion=True,
                          nombre_fichero="resolucion.pdf")


def lucia(**overrides) -> Destinatario:
    """A natural person who chose electronic notification."""
    data = {"tipo_documento": "NIF", "documento": DNI, "nombre": "Lucía",
            "apellido1": "Pérez", "apellido2": "Gómez", "email": "lucia@example.org",
            "telefono": "600111222", "eligio_electronica": True}
    data.update(overrides)
    return Destinatario(**data)


def empresa(**overrides) -> Destinatario:
    """A company: obliged to electronic means (art. 14.2.a)."""
    data = {"tipo_documento": "CIF", "documento": CIF, "nombre": "Construcciones Biar SL",
            "email": "admin@construccionesbiar.example"}
    data.update(overrides)
    return Destinatario(**data)


def actor(documento: str = DNI, nombre: str = "Lucía Pérez Gómez", metodo: str = "clave",
          nivel: str = "sustancial") -> Actor:
    return Actor(documento=documento, nombre=nombre, metodo=metodo, nivel=nivel,
                 ip="192.0.2.10", user_agent="pytest")


# --- added by the core (actions, acuses, avisos) -------------------------------------------


@pytest.fixture(autouse=True)
def sms_sink(settings, tmp_path):
    """The development SMS sender writes to this test's own sink, never to .data/."""
    settings.NOTIFICACIONES_SMS_SINK = str(tmp_path / "sms.jsonl")
    return tmp_path / "sms.jsonl"


def papel(**overrides) -> Destinatario:
    """A natural person neither obliged nor who chose electronic means: paper."""
    data = {"tipo_documento": "NIF", "documento": OTHER_DNI, "nombre": "Tomás",
            "apellido1": "Ruiz", "direccion": "C/ Mayor 3, 03698 Agost",
            "email": "tomas@example.org"}
    data.update(overrides)
    return Destinatario(**data)


def notificar(documento, *destinatarios, concepto: str = "Resolución de la licencia de obra",
              acting_user=None, **kwargs):
    """A remesa of `documento` to `destinatarios` (default: Lucía), as a clerk makes it;
    returns its notifications in order."""
    from notificaciones.actions import crear_remesa

    remesa = crear_remesa(documento=documento, concepto=concepto,
                          destinatarios=list(destinatarios) or [lucia()],
                          acting_user=acting_user, **kwargs)
    return list(remesa.notificaciones.order_by("pk"))
