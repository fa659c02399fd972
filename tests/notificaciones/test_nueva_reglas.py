"""The clerk's «Notificar» page after the review: a double submit makes one remesa (the
second is refused with its message), a legal person without an apoderamiento for the
procedure is warned about (nobody could appear for it), a malformed or huge `?documento=`
is 400, and an expiry before the ten days of an electronic notification is refused."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from expedientes.choices import RolInteresado
from notificaciones import actions
from notificaciones.choices import MotivoCanal
from notificaciones.models import Notificacion, Remesa
from tests.conftest import HOST_A

from .conftest import CIF, REPRESENTANTE_DNI

BASE = "/gestion/notificaciones/"
pytestmark = pytest.mark.django_db
AVISO_SIN_PODER = ("Esta persona jurídica no tiene apoderamiento registrado para este "
                   "procedimiento: nadie podrá comparecer en su nombre y se entenderá rechazada "
                   "a los diez días. Registre el apoderamiento antes de notificar.")


@pytest.fixture
def clerk(client_for, province):
    return client_for(province.clerk_a, HOST_A)


def _in_a(province):
    return schema_context(province.a.schema_name)


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_double_submit_makes_one_remesa_and_says_why_the_second_is_refused(
        clerk, province, expediente, resolucion):
    with _in_a(province):
        lucia_pk = expediente.interesados.get().pk
    url = f"{BASE}nueva/?documento={resolucion.pk}"
    data = {"concepto": "Resolución de concesión", f"sel_{lucia_pk}": "on",
            f"motivo_{lucia_pk}": MotivoCanal.ELECCION}
    assert clerk.post(url, data).status_code == 302
    second = clerk.post(url, data)
    assert second.status_code == 400
    with _in_a(province):
        [n] = Notificacion.objects.all()
        assert Remesa.objects.count() == 1
    assert (f"Lucía Pérez Gómez ({n.documento}) ya tiene pendiente la notificación "
            f"{n.referencia} de este mismo documento: no se notifica dos veces.") in _text(second)


def test_a_legal_person_without_apoderamiento_is_warned_about(clerk, province, expediente,
                                                              resolucion):
    with _in_a(province):
        expediente.interesados.create(rol=RolInteresado.INTERESADO, tipo_documento="CIF",
                                      documento=CIF, nombre="Construcciones Biar SL",
                                      email="admin@construccionesbiar.example")
    url = f"{BASE}nueva/?documento={resolucion.pk}"
    page = _text(clerk.get(url))
    assert page.count(AVISO_SIN_PODER) == 1  # the company's row, not Lucía's
    link = re.search(r'<a href="([^"]+)">Registrar el apoderamiento</a>', page)
    assert link is not None
    assert link.group(1).startswith(f"{BASE}apoderamientos/nuevo/?")
    # The link opens the form with the company and the procedure filled in.
    form = _text(clerk.get(link.group(1)))
    assert f'value="{CIF}"' in form
    assert 'value="Construcciones Biar SL"' in form
    assert re.search(r'<option value="OBRA-MENOR"[^>]* selected>', form)
    # One for another procedure does not count; a general one, or one for this, does.
    with _in_a(province):
        poder = {"poderdante_tipo_documento": "CIF", "poderdante_documento": CIF,
                 "poderdante_nombre": "Construcciones Biar SL",
                 "apoderado_tipo_documento": "NIF", "apoderado_documento": REPRESENTANTE_DNI,
                 "apoderado_nombre": "Marta Vidal",
                 "valido_desde": timezone.localdate() - datetime.timedelta(days=1)}
        actions.registrar_apoderamiento(acting_user=None, **poder, procedimiento_code="OTRO")
    assert AVISO_SIN_PODER in _text(clerk.get(url))
    with _in_a(province):
        actions.registrar_apoderamiento(acting_user=None, **poder,
                                        procedimiento_code="OBRA-MENOR")
    assert AVISO_SIN_PODER not in _text(clerk.get(url))


@pytest.mark.parametrize("raw", ["99999999999999999999999", "9223372036854775808", "²", "-1",
                                 "1e3"])
def test_a_malformed_or_huge_documento_is_400(clerk, in_a, raw):
    response = clerk.get(f"{BASE}nueva/", {"documento": raw})
    assert response.status_code == 400
    assert "El documento indicado no es válido" in _text(response)


def test_an_expiry_before_the_ten_days_of_an_electronic_one_is_refused(clerk, province,
                                                                        expediente, resolucion):
    with _in_a(province):
        lucia_pk = expediente.interesados.get().pk
    caduca = timezone.localtime() + datetime.timedelta(days=3)
    response = clerk.post(f"{BASE}nueva/?documento={resolucion.pk}", {
        "concepto": "Resolución", f"sel_{lucia_pk}": "on",
        f"motivo_{lucia_pk}": MotivoCanal.ELECCION, "caduca_at": f"{caduca:%Y-%m-%dT%H:%M}"})
    assert response.status_code == 400
    assert "es anterior al fin de los diez días naturales" in _text(response)
    with _in_a(province):
        assert not Remesa.objects.exists()
