"""The signer provider of certificados (the user's empleado público certificate held by the
platform, by NIF) and the portafirmas demo; and the cast the portafirmas and libro tests
share (`make_cast`): in entity A an alcaldesa and a secretaria-interventora recorded as
office holders with their NIF, each a member with the expedientes application and a
certificate of the local CA with platform custody; clerk_a as técnico, also with one; the
two circuits of the demo."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context
from stdnum.es import dni

from certificados import actions as certificados
from certificados import sellos
from certificados.choices import Custodia, MotivoRevocacion
from expedientes import portafirmas
from expedientes.choices import Cargo, TipoDocumental
from expedientes.models import CircuitoFirma, Documento, Expediente, Procedimiento
from provincial.models import AuditEvent
from provincial.signing import base, keys
from tenants import actions as tenant_actions
from tenants.choices import Office, Wording
from tenants.models import Entity, OfficeHolder, User
from tests.conftest import PASSWORD
from tests.expedientes.conftest import make_documento

DOCUMENT_HTML = """<!DOCTYPE html><html lang="es"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 34mm 20mm 42mm 20mm; }
html { font-family: "DejaVu Sans", sans-serif; font-size: 10.5pt; }
</style></head><body><h1>RESOLUCIÓN DE ALCALDÍA</h1>
<p>Se concede la licencia de obra menor solicitada para la reforma de la cocina.</p>
</body></html>"""


def nif(number: str) -> str:
    return number + dni.calc_check_digit(number)


@cache
def pdf_bytes() -> bytes:
    """A one-page A4 document (WeasyPrint, rendered once)."""
    from weasyprint import HTML

    return HTML(string=DOCUMENT_HTML).write_pdf()


@dataclass
class Cast:
    entity: Entity
    admin: User
    alcalde: User
    secretario: User
    tecnico: User
    decretos: CircuitoFirma
    tres: CircuitoFirma


def fast_keys(settings) -> None:
    """2048-bit CA keys and an encryption key of the test's own."""
    settings.CERTIFICADOS_CA_KEY_BITS = 2048
    settings.CERTIFICADOS_KEY_BITS = 2048
    settings.SIGNING_KEY_ENCRYPTION_KEYS = Fernet.generate_key().decode()
    keys.reset_cache()
    sellos.forget()


def member(entity: Entity, admin: User, username: str, first: str, last: str,
           nif_value: str) -> User:
    return tenant_actions.add_member(
        entity, acting_user=admin, email=f"{username}@pruebas.localhost", first_name=first,
        last_name=last, nif=nif_value, password=PASSWORD, applications=["expedientes"]).user


def make_cast(province) -> Cast:
    """Run inside entity A's schema (fixture `in_a`), after `fast_keys`."""
    entity, admin = province.a, province.provincial_admin
    alcalde = member(entity, admin, "alcaldesa_a", "Carme", "Navarro Jover", nif("21000001"))
    secretario = member(entity, admin, "secretaria_a", "Marta", "Boronat Climent",
                        nif("21000002"))
    tecnico = province.clerk_a
    tecnico.nif = nif("21000003")
    tecnico.save(update_fields=["nif"])
    for office, user, start in ((Office.ALCALDIA, alcalde, datetime.date(2023, 6, 17)),
                                (Office.SECRETARIA_INTERVENCION, secretario,
                                 datetime.date(2021, 3, 1))):
        tenant_actions.add_office_holder(entity, tenant_actions.OfficeHolderData(
            office=office, name=user.get_full_name(), start_date=start, nif=user.nif,
            wording=Wording.FEMININE), acting_user=admin)
    for user, position in ((alcalde, "Alcaldesa"), (secretario, "Secretaria-Interventora"),
                           (tecnico, "Técnico de administración general")):
        certificados.issue_local_firma(entity, user, operator=admin, position=position,
                                       organo=position)
    decretos = portafirmas.guardar_circuito(
        None, name="Secretaría → Alcaldía (decretos)", acting_user=admin,
        pasos=[portafirmas.PasoData(1, Cargo.SECRETARIA), portafirmas.PasoData(2, Cargo.ALCALDIA)])
    tres = portafirmas.guardar_circuito(
        None, name="Técnico → Secretaría → Alcaldía", acting_user=admin,
        pasos=[portafirmas.PasoData(1, Cargo.TECNICO, tecnico),
               portafirmas.PasoData(2, Cargo.SECRETARIA),
               portafirmas.PasoData(3, Cargo.ALCALDIA)])
    return Cast(entity=entity, admin=admin, alcalde=alcalde, secretario=secretario,
                tecnico=tecnico, decretos=decretos, tres=tres)


def procedimiento_decretos() -> Procedimiento:
    """A procedure without templates (the portafirmas tests sign PDFs they bring)."""
    return Procedimiento.objects.create(
        code="DECRETOS", sia_code="2045679", name="Resoluciones de la Alcaldía",
        familia="secretaria", plazo_cantidad=3, plazo_unidad="meses",
        sentido_silencio="estimatorio", organo_resolutorio="Alcaldía")


def documento(expediente: Expediente, titulo: str = "Resolución de concesión de licencia",
              *, resolucion: bool = True, content: bytes | None = None) -> Documento:
    return make_documento(expediente, titulo, content=content or pdf_bytes(),
                          tipo_documental=TipoDocumental.RESOLUCION, is_resolucion=resolucion,
                          origen="1", nombre_fichero="resolucion.pdf")


def read(documento: Documento) -> bytes:
    documento.refresh_from_db()
    with documento.contenido.open("rb") as handle:
        return handle.read()


# --- the signer provider ------------------------------------------------------------------


@pytest.fixture
def keys_of_the_test(settings):
    fast_keys(settings)
    yield
    keys.reset_cache()
    sellos.forget()


def test_the_signer_is_the_users_platform_held_certificate_of_that_entity(
        province, db, keys_of_the_test):
    admin = province.provincial_admin
    user = member(province.a, admin, "firmante_a", "Ana", "Gil Soler", nif("21000009"))
    assert base.signer_for(user, province.a) is None  # none issued yet
    issued = certificados.issue_local_firma(province.a, user, operator=admin,
                                            position="Alcaldesa", organo="Alcaldía")
    assert issued.key_custody == Custodia.PLATAFORMA
    assert issued.key_token

    identity = base.signer_for(user, province.a)  # through the signing service's registry
    assert identity.label == "Ana Gil Soler"
    assert identity.reference == f"certificados.Certificado:{issued.pk}"
    assert identity.certificate == issued.certificate
    assert f"IDCES-{user.nif}" in identity.certificate.subject.rfc4514_string()
    identity.used_for("PAdES documento 7")
    event = AuditEvent.objects.get(action="certificados.firma.uso")
    assert (event.object_id, event.detail["purpose"], event.user_id) == \
        (str(issued.pk), "PAdES documento 7", user.pk)
    # Another entity's, another NIF's, and a revoked one: none.
    assert base.signer_for(user, province.b) is None
    assert base.signer_for(province.clerk_a, province.a) is None
    certificados.revocar(issued, MotivoRevocacion.CAMBIO_AFILIACION, "Cese.", operator=admin)
    assert base.signer_for(user, province.a) is None


def test_an_employee_certificate_issued_for_delivery_does_not_sign(province, db,
                                                                   keys_of_the_test):
    admin = province.provincial_admin
    user = member(province.a, admin, "firmante_a", "Ana", "Gil Soler", nif("21000009"))
    issued = certificados.issue_local_firma(province.a, user, operator=admin,
                                            position="Alcaldesa", organo="Alcaldía")
    issued.key_custody = Custodia.PENDIENTE_ENTREGA  # the default of an employee's key
    issued.save(update_fields=["key_custody"])
    assert base.signer_for(user, province.a) is None


# --- the demo -----------------------------------------------------------------------------


def test_the_demo_prepares_signers_and_circuits_once(province, db, keys_of_the_test):
    from expedientes import demo_portafirmas

    admin = province.provincial_admin
    for office, name in ((Office.ALCALDIA, "Carme Navarro Jover"),
                         (Office.SECRETARIA_INTERVENCION, "Marta Boronat Climent")):
        tenant_actions.add_office_holder(province.a, tenant_actions.OfficeHolderData(
            office=office, name=name, start_date=datetime.date(2023, 6, 17)), acting_user=admin)
    said = []
    signers = demo_portafirmas.load_demo(province.a, operator=admin, say=said.append)
    again = demo_portafirmas.load_demo(province.a, operator=admin, say=said.append)

    assert {role: user.get_full_name() for role, user in signers.items()} == {
        "alcaldia": "Carme Navarro Jover", "secretaria": "Marta Boronat Climent",
        "tecnico": "Clerk Pruebas"}
    assert {role: user.pk for role, user in again.items()} == \
        {role: user.pk for role, user in signers.items()}
    holders = OfficeHolder.objects.for_entity(province.a)
    assert sorted(holders.values_list("nif", flat=True)) == sorted(
        [signers["alcaldia"].nif, signers["secretaria"].nif])
    for role in ("alcaldia", "secretaria"):
        assert base.signer_for(signers[role], province.a) is not None
    assert said[0].endswith("2 certificados de firma, 2 circuitos\n")
    assert said[1].endswith("0 certificados de firma, 0 circuitos\n")
    with schema_context(province.a.schema_name):
        circuitos = {c.name: [(p.orden, p.cargo, p.user_id) for p in c.pasos.all()]
                     for c in CircuitoFirma.objects.all()}
    connection.set_schema_to_public()
    assert circuitos == {
        "Técnico → Secretaría → Alcaldía": [(1, "tecnico", province.clerk_a.pk),
                                            (2, "secretaria", None), (3, "alcaldia", None)],
        "Secretaría → Alcaldía (decretos)": [(1, "secretaria", None), (2, "alcaldia", None)]}


def test_a_circuit_step_resolves_to_whoever_holds_the_post_on_the_day(province, in_a,
                                                                      settings):
    fast_keys(settings)
    cast = make_cast(province)
    admin = cast.admin
    paso = cast.decretos.pasos.get(cargo=Cargo.ALCALDIA)
    assert portafirmas.resolver_paso(paso, cast.entity, timezone.localdate()) == cast.alcalde
    holder = OfficeHolder.objects.for_entity(cast.entity).get(office=Office.ALCALDIA)
    tenant_actions.end_office_holder(holder, datetime.date(2024, 1, 1), acting_user=admin)
    with pytest.raises(Exception, match="Nadie ocupa hoy el cargo «Alcaldía»"):
        portafirmas.resolver_paso(paso, cast.entity, timezone.localdate())
    # On a date when she held it, she is still the one.
    assert portafirmas.resolver_paso(paso, cast.entity, datetime.date(2023, 12, 1)) == \
        cast.alcalde


# --- for the isolation probes (tests/expedientes/probes.py) ---------------------------------


def isolation_objects(province, secret: str) -> tuple[list[str], list[str]]:
    """Entity B's portafirmas and libro objects, each carrying the marker: a circuit, a
    signature request with a pending signer (clerk_b), a delegation and a resolución of the
    libro. Returns their ids (every portafirmas URL names its object `pk`; the document
    is `doc_pk`) and the texts that must never show in A."""
    from expedientes.choices import EstadoFirmante
    from expedientes.models import Delegacion, Firmante, PasoCircuito, PeticionFirma, Resolucion
    from tests.expedientes.conftest import make_expediente

    with schema_context(province.b.schema_name):
        procedimiento = Procedimiento.objects.create(
            code=f"PF-{secret[-6:]}", name=f"Decretos {secret}", sentido_silencio="estimatorio")
        expediente = make_expediente(procedimiento, asunto=f"Decretos {secret}")
        doc = make_documento(expediente, f"Decreto {secret}", is_resolucion=True)
        circuito = CircuitoFirma.objects.create(name=f"Circuito {secret}")
        PasoCircuito.objects.create(circuito=circuito, orden=1, cargo=Cargo.ALCALDIA)
        peticion = PeticionFirma.objects.create(documento=doc, circuito_name=circuito.name)
        firmante = Firmante.objects.create(
            peticion=peticion, orden=1, cargo=Cargo.ALCALDIA, user_id=province.clerk_b.pk,
            user_name=f"Firmante {secret}", estado=EstadoFirmante.PENDIENTE)
        today = timezone.localdate()
        delegacion = Delegacion.objects.create(
            titular_id=province.clerk_b.pk, titular_name=f"Titular {secret}",
            delegado_id=province.admin_b.pk, delegado_name="Delegada", desde=today,
            hasta=today, motivo=f"Motivo {secret}")
        resolucion = Resolucion.objects.create(
            year=today.year, numero=1, documento=doc, expediente=expediente, organo="Alcaldía",
            extracto=f"Resolución {secret}", sha256=doc.sha256, transcribed_at=timezone.now())
    connection.set_schema_to_public()
    ids = [str(pk) for pk in (expediente.pk, doc.pk, circuito.pk, peticion.pk, firmante.pk,
                              delegacion.pk, resolucion.pk)]
    return ids, [circuito.name, firmante.user_name, delegacion.motivo, resolucion.extracto]


def test_the_isolation_objects_live_in_b_only(province, db):
    from expedientes.models import Firmante, Resolucion

    ids, secrets = isolation_objects(province, "MARCA-123456")
    with schema_context(province.b.schema_name):
        assert CircuitoFirma.objects.get(pk=ids[2]).name == secrets[0]
        assert Firmante.objects.get(pk=ids[4]).user_name == "Firmante MARCA-123456"
        assert Resolucion.objects.get(pk=ids[6]).extracto == "Resolución MARCA-123456"
    with schema_context(province.a.schema_name):
        assert not CircuitoFirma.objects.filter(name=secrets[0]).exists()
        assert not Resolucion.objects.filter(extracto__contains="MARCA-123456").exists()
    connection.set_schema_to_public()
