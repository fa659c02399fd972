"""Which roles an entity's people may have, and who keeps the user administration."""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import ValidationError

from tenants import actions
from tenants.choices import MembershipRole
from tenants.models import Membership
from tests.conftest import HOST_A

pytestmark = pytest.mark.django_db

SELF = "No puede quitarse a sí mismo la administración de usuarios."
LAST = ("Es el único administrador de usuarios de la entidad: antes de quitarle ese perfil o "
        "el acceso, dé el perfil de administrador de usuarios a otra persona.")


def test_an_ayuntamiento_is_not_offered_the_mancomunidad_tic_role(province, client_for):
    body = client_for(province.admin_a, HOST_A).get("/gestion/usuarios/nuevo/").content.decode()
    assert 'value="clerk"' in body
    assert 'value="user_admin"' in body
    assert "Operador TIC" not in body
    with pytest.raises(ValidationError) as excinfo:
        actions.add_member(province.a, acting_user=province.admin_a,
                           email="nueva@pruebas.localhost", password="clave-larga-2026-x",
                           role=MembershipRole.TIC)
    assert excinfo.value.message_dict["role"] == [
        "El perfil «Operador TIC de la mancomunidad» solo existe en las mancomunidades."]
    assert not Membership.objects.filter(user__email="nueva@pruebas.localhost").exists()


def test_a_user_admin_cannot_demote_or_deactivate_herself(province, client_for):
    own = Membership.objects.get(user=province.admin_a, entity=province.a)
    client = client_for(province.admin_a, HOST_A)
    page = client.get(f"/gestion/usuarios/{own.pk}/").content.decode()
    # The page shows her role and access without letting her change them…
    assert '<select name="role" disabled aria-describedby="id_role_helptext" id="id_role">' in page
    assert '<input type="checkbox" name="is_active" disabled id="id_is_active" checked>' in page
    assert html.escape("No puede quitarse a sí mismo la administración de usuarios: otro "
                       "administrador de la entidad puede hacerlo.") in page
    # …and a forged post changes nothing (disabled fields keep their initial values).
    response = client.post(f"/gestion/usuarios/{own.pk}/", {"role": "clerk", "job_title": "",
                                                            "applications": []})
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.role, own.is_active) == (MembershipRole.USER_ADMIN, True)
    # The action refuses it whatever the form.
    for role, is_active in ((MembershipRole.CLERK, True), (MembershipRole.USER_ADMIN, False)):
        with pytest.raises(ValidationError) as excinfo:
            actions.update_membership(own, acting_user=province.admin_a, role=role,
                                      applications=[], is_active=is_active)
        assert excinfo.value.message_dict["role"] == [SELF]


def test_the_last_user_admin_of_an_entity_is_never_left_out(province):
    own = Membership.objects.get(user=province.admin_a, entity=province.a)
    # Not even by a provincial administrator: the entity would have nobody to manage it.
    for role, is_active in ((MembershipRole.CLERK, True), (MembershipRole.USER_ADMIN, False)):
        with pytest.raises(ValidationError) as excinfo:
            actions.update_membership(own, acting_user=province.provincial_admin, role=role,
                                      applications=[], is_active=is_active)
        assert excinfo.value.message_dict["role"] == [LAST]
    own.refresh_from_db()
    assert (own.role, own.is_active) == (MembershipRole.USER_ADMIN, True)
    # With a second administrator, the first one can be made a clerk by the other.
    clerk = Membership.objects.get(user=province.clerk_a, entity=province.a)
    actions.update_membership(clerk, acting_user=province.admin_a,
                              role=MembershipRole.USER_ADMIN, applications=[])
    actions.update_membership(own, acting_user=province.clerk_a, role=MembershipRole.CLERK,
                              applications=[])
    own.refresh_from_db()
    assert own.role == MembershipRole.CLERK
