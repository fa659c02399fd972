"""The signing service's providers: `sello_for` gives the entity's current sello as an
identity that signs (and audits each use), never a revoked, suspended, expired or another
entity's one; `trust_material` gives the local CA's roots, issuing CA and CRLs."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from certificados import actions, sellos
from certificados.authorities.local import active_ca
from certificados.choices import MotivoRevocacion
from provincial.models import AuditEvent
from provincial.signing import base

pytestmark = pytest.mark.django_db


def test_an_entity_without_a_sello_has_none(province):
    assert sellos.sello_for(province.a) is None
    assert base.sello_for(province.a) is None


def test_the_sello_signs_and_each_use_is_audited(province):
    sello = actions.issue_local_sello(province.a, operator=province.provincial_admin)
    identity = base.sello_for(province.a)  # through the signing service's registry
    assert identity.label == "Sello electrónico del Ajuntament d'Agost"
    assert identity.reference == f"certificados.Certificado:{sello.pk}"
    assert identity.certificate == sello.certificate
    assert identity.chain == (active_ca().issuing_certificate,)
    data = b"Volante de empadronamiento CSV-1234"
    signature = identity.private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    identity.certificate.public_key().verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    identity.used_for("documento CSV-1234")
    event = AuditEvent.objects.get(action="certificados.sello.uso")
    assert (event.entity, event.object_id, event.detail["purpose"]) == \
        (province.a, str(sello.pk), "documento CSV-1234")
    assert sellos.sello_for(province.b) is None


def test_the_lookup_is_one_query_and_the_key_is_decrypted_once(province,
                                                             django_assert_num_queries):
    sello = actions.issue_local_sello(province.a, operator=province.provincial_admin)
    sellos.forget()
    found = []
    for _ in range(3):
        with django_assert_num_queries(1):
            found.append(sellos.sello_for(province.a))
    # The same decrypted key object each time: decrypted once, kept by (row, last change).
    assert found[0].private_key is found[1].private_key is found[2].private_key
    actions.suspender(sello, "Revisión.", operator=province.provincial_admin)
    actions.levantar_suspension(sello, "Revisada.", operator=province.provincial_admin)
    again = sellos.sello_for(province.a)
    assert again.private_key is not found[0].private_key  # the row changed: read again
    assert again.private_key.private_numbers() == found[0].private_key.private_numbers()


@pytest.mark.parametrize("end", ["revocar", "suspender", "caducar"])
def test_a_revoked_suspended_or_expired_sello_no_longer_signs(province, end):
    sello = actions.issue_local_sello(province.a, operator=province.provincial_admin)
    assert sellos.sello_for(province.a) is not None
    office = province.provincial_admin
    if end == "revocar":
        actions.revocar(sello, MotivoRevocacion.CLAVE_COMPROMETIDA, "Clave expuesta.",
                        operator=office)
        sello.refresh_from_db()
        assert sello.key_token == ""  # the key is destroyed with the revocation
    elif end == "suspender":
        actions.suspender(sello, "Revisión.", operator=office)
    else:
        with time_machine.travel(sello.not_after + datetime.timedelta(seconds=1), tick=False):
            assert sellos.sello_for(province.a) is None  # past its validity, even before the task
            assert actions.caducar(sello)
    assert sellos.sello_for(province.a) is None


def test_the_newest_sello_wins(province):
    first = actions.issue_local_sello(province.a, operator=province.provincial_admin)
    second = actions.issue_local_sello(province.a, operator=province.provincial_admin)
    assert second.not_after >= first.not_after
    assert sellos.sello_for(province.a).reference == f"certificados.Certificado:{second.pk}"


def test_trust_material_holds_the_local_ca_and_its_current_crls(province):
    assert sellos.trust_material().roots == ()
    sello = actions.issue_local_sello(province.a, operator=province.provincial_admin)
    actions.revocar(sello, MotivoRevocacion.SUSTITUIDO, "Sustituido.",
                    operator=province.provincial_admin)
    ca = active_ca()
    material = base.trust_material()
    assert ca.root_certificate in material.roots
    assert ca.issuing_certificate in material.intermediates
    issuing_crl = next(crl for crl in material.crls if crl.issuer == ca.issuing_certificate.subject)
    assert [entry.serial_number for entry in issuing_crl] == [sello.certificate.serial_number]
