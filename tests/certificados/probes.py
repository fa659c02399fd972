"""Certificados' objects for the isolation probes (tests/isolation): A and B adhere to the
service with their user administrators holding it (so A's cast reaches every page of the
section), and B has a certificate issued by the local CA, with a supporting document and a
petition, whose holder and órgano carry the marker."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.isolation.probe import Probe


def isolation_probe(province, secret: str) -> Probe:
    from certificados import actions
    from certificados.authorities.local import ensure_ca
    from tenants import actions as tenant_actions
    from tenants.choices import AdhesionState
    from tenants.demo import ACCEPTANCE_PDF
    from tenants.models import Adhesion, Membership
    from tests.conftest import _adhere

    for entity, admin in ((province.a, province.admin_a), (province.b, province.admin_b)):
        if not Adhesion.objects.filter(entity=entity, service__code="certificados",
                                       state=AdhesionState.APPROVED).exists():
            _adhere(entity, "certificados", province.provincial_admin)
        membership = Membership.objects.get(user=admin, entity=entity)
        if "certificados" not in membership.applications:
            tenant_actions.grant_application(membership, "certificados",
                                             acting_user=province.provincial_admin)
    ensure_ca(operator=province.provincial_admin)
    certificado = actions.solicitar(
        province.b, actions.NuevaSolicitud(
            kind="empleado", authority="local", holder_given_name="Persona",
            holder_surnames=secret, holder_nif="48123456G", holder_email="secreto@castalla.localhost",
            holder_position="Técnica", organo=f"Órgano {secret}",
            dir3_code=province.b.dir3_code),
        operator=province.admin_b,
        attachments=[SimpleUploadedFile("dni.pdf", ACCEPTANCE_PDF, content_type="application/pdf")])
    actions.acreditar(certificado, f"Nota {secret}", operator=province.provincial_admin)
    certificado = actions.emitir(certificado, operator=province.provincial_admin)
    assert certificado.serial_hex
    actions.pedir_operacion(certificado, "suspender", f"Motivo {secret}",
                            operator=province.admin_b)
    adjunto = certificado.adjuntos.get()
    return Probe(ids=[str(certificado.pk), str(adjunto.pk)],
                 secrets=["secreto@castalla.localhost", certificado.serial_hex],
                 values={"adjunto_pk": [str(adjunto.pk)], "kind": ["empleado", "sello"],
                         "name": ["acreditar", "suspender", "revocar"]})
