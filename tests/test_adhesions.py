"""Service catalogue thresholds, exceptions and the applications adhesions unlock."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from provincial.models import AuditEvent
from tenants import actions
from tenants.choices import AdhesionState
from tenants.models import Adhesion, Membership, Service
from tests.conftest import HOST_A, pdf

pytestmark = pytest.mark.django_db


def service(code):
    return Service.objects.get(code=code)


def test_catalogue_has_the_seed_thresholds(province):
    limits = {s.code: (s.min_population, s.max_population) for s in Service.objects.all()}
    assert limits["nube"] == (None, 10000)
    assert limits["padron"] == (None, 20000)
    assert limits["portales"] == (None, 20000)
    assert limits["eadmin"] == (2000, 20000)
    assert limits["eadmin-simplificada"] == (None, 2000)
    assert limits["certificados"] == (None, 50000)
    assert limits["soporte"] == (None, None)


def test_adhesion_within_thresholds_is_requested_with_the_document_hash(province):
    adhesion = actions.request_adhesion(province.a, service("nube"),
                                        acting_user=province.provincial_admin,
                                        acceptance_document=pdf())
    assert adhesion.state == AdhesionState.REQUESTED
    import hashlib

    from tenants.demo import ACCEPTANCE_PDF

    assert adhesion.acceptance_sha256 == hashlib.sha256(ACCEPTANCE_PDF).hexdigest()
    actions.approve_adhesion(adhesion, acting_user=province.provincial_admin)
    adhesion.refresh_from_db()
    assert adhesion.state == AdhesionState.APPROVED
    assert adhesion.approved_by == province.provincial_admin


def test_adhesion_above_the_threshold_is_refused_with_the_reason(province):
    with pytest.raises(ValidationError) as excinfo:
        actions.request_adhesion(province.c, service("padron"), acting_user=province.provincial_admin,
                                 acceptance_document=pdf())
    assert excinfo.value.messages == [
        "«Padrón municipal de habitantes e intercambio con el INE» es para ayuntamientos de menos "
        "de 20.000 habitantes; Ajuntament d'Alcoi tiene 60.283. Solo un administrador provincial "
        "puede registrar una excepción justificada."]
    assert not Adhesion.objects.filter(entity=province.c, service__code="padron").exists()


def test_adhesion_below_the_minimum_is_refused(province):
    actions.record_population(province.a, year=2025, population=1500,
                              acting_user=province.provincial_admin)
    with pytest.raises(ValidationError, match="de 2.000 habitantes o más; Ajuntament d'Agost tiene 1.500"):
        actions.request_adhesion(province.a, service("eadmin"), acting_user=province.provincial_admin)
    adhesion = actions.request_adhesion(province.a, service("eadmin-simplificada"),
                                        acting_user=province.provincial_admin)
    assert adhesion.state == AdhesionState.REQUESTED


def test_provincial_admin_records_a_justified_exception(province):
    adhesion = actions.request_adhesion(
        province.c, service("padron"), acting_user=province.provincial_admin,
        acceptance_document=pdf(), exception_justification="Convenio singular de 2026")
    assert adhesion.is_exception
    assert adhesion.exception_by == province.provincial_admin
    assert AuditEvent.objects.filter(action="tenants.adhesion.request", object_id=str(adhesion.pk),
                                     detail__exception=True).exists()


def test_only_a_provincial_admin_may_record_an_exception(province):
    with pytest.raises(PermissionDenied):
        actions.request_adhesion(province.c, service("padron"), acting_user=province.admin_a,
                                 exception_justification="porque sí")


def test_a_second_live_adhesion_to_the_same_service_is_refused(province):
    with pytest.raises(ValidationError, match="ya tiene una adhesión en curso"):
        actions.request_adhesion(province.a, service("padron"), acting_user=province.provincial_admin)


def test_acceptance_document_must_really_be_a_pdf(province):
    fake = SimpleUploadedFile("aceptacion.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as excinfo:
        actions.request_adhesion(province.a, service("nube"), acting_user=province.provincial_admin,
                                 acceptance_document=fake)
    assert excinfo.value.message_dict["acceptance_document"] == [
        "«aceptacion.pdf» no es un fichero PDF (se comprueba su contenido, no su extensión)."]


def test_oversized_acceptance_document_is_refused(province, settings):
    settings.ADHESION_DOCUMENT_MAX_BYTES = 100
    big = SimpleUploadedFile("aceptacion.pdf", b"%PDF-" + b"0" * 200)
    with pytest.raises(ValidationError, match="el máximo es"):
        actions.request_adhesion(province.a, service("nube"), acting_user=province.provincial_admin,
                                 acceptance_document=big)


def test_approval_needs_the_signed_acceptance(province):
    adhesion = actions.request_adhesion(province.a, service("nube"),
                                        acting_user=province.provincial_admin)
    with pytest.raises(ValidationError, match="Falta la aceptación firmada"):
        actions.approve_adhesion(adhesion, acting_user=province.provincial_admin)


def test_withdrawal_removes_the_applications_from_the_entity(province, client_for):
    membership = Membership.objects.get(user=province.shared_official, entity=province.a)
    assert "contabilidad" in membership.applications
    adhesion = Adhesion.objects.get(entity=province.a, service__code="contabilidad",
                                    state=AdhesionState.APPROVED)
    assert "Contabilidad" in client_for(province.shared_official, HOST_A).get("/gestion/").content.decode()
    actions.end_adhesion(adhesion, acting_user=province.provincial_admin, reason="Baja voluntaria")
    adhesion.refresh_from_db()
    assert adhesion.state == AdhesionState.WITHDRAWN
    assert adhesion.end_reason == "Baja voluntaria"
    assert "contabilidad" not in actions.entity_applications(province.a)
    page = client_for(province.shared_official, HOST_A).get("/gestion/").content.decode()
    assert "Aún no tiene aplicaciones concedidas" in page


def test_withdrawal_requires_a_reason_and_a_provincial_admin(province):
    adhesion = Adhesion.objects.get(entity=province.a, service__code="padron")
    with pytest.raises(PermissionDenied):
        actions.end_adhesion(adhesion, acting_user=province.admin_a, reason="x")
    with pytest.raises(ValidationError):
        actions.end_adhesion(adhesion, acting_user=province.provincial_admin, reason="  ")
