"""The whole OpenAPI schema, tried property-based by schemathesis against a live server
(`manage.py runserver` on the test database, as the browser tests run it) with a service
account's token of an entity of its own, with data in every application: no answer may
be a server error, and every answer must match the schema (status, content type, body).

Bounded to a minute or so: a fixed seed, a few examples per operation and a time budget.
"""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys

import pytest
from django.test import override_settings

from tests.browser import provision_entity, web_server
from tests.conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

HOST = "apiprueba.localhost"
MAX_EXAMPLES = 8
TIME_BUDGET = 60  # seconds for the whole run (fuzzing stops when it is spent)


def _fill(entity, clerk) -> dict[str, list[str]]:
    """A padrón, a registro and a sede with a little of everything, in `entity`'s schema;
    the values of its path parameters (NIA, asiento number, codes, ids)."""
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from expedientes import actions as expedientes
    from padron import actions as padron
    from padron.choices import Causa
    from registro import services as registro
    from registro.models import UnidadOrganica
    from sede.models import Edicto, Procedimiento
    from tenants.demo import ACCEPTANCE_PDF
    from tests.expedientes.conftest import make_procedimiento
    from tests.padron.conftest import build_callejero, persona

    now = timezone.now()
    with schema_context(entity.schema_name):
        streets = build_callejero()
        ctx = padron.Contexto(acting_user=clerk)
        address = padron.domicilio_for(via=streets["mayor"], number=5,
                                       date=datetime.date(2020, 1, 1))
        first = padron.dar_de_alta(persona(), causa=Causa.ALTA_OMISION,
                                   fecha=datetime.date(2020, 1, 1), domicilio=address, ctx=ctx)
        padron.dar_de_alta(persona(nombre="Pau", documento="87654321X"),
                           causa=Causa.ALTA_OMISION, fecha=datetime.date(2021, 1, 1),
                           domicilio=address, ctx=ctx, hoja=first.hoja)
        unidad = UnidadOrganica.objects.create(nombre="Urbanismo", codigo_dir3="LA0012345")
        asiento = registro.registrar(
            libro="E", canal="presencial", asunto="Solicitud de licencia", resumen="Obra menor",
            interesados=[registro.InteresadoData(tipo="fisica", tipo_documento="N",
                                                 documento="12345678Z", nombre="María",
                                                 apellido1="García")],
            anexos=[registro.AnexoData(nombre="solicitud.pdf", contenido=ACCEPTANCE_PDF)],
            unidad=unidad)
        Procedimiento.objects.create(
            code="LIC-OBRA", name="Licencia de obra menor", description="Obras sin proyecto.",
            plazo_resolucion="1 mes", sentido_silencio="estimatorio", organo="Alcaldía",
            campos=[{"name": "referencia", "label": "Referencia catastral"}])
        edicto = Edicto.objects.create(title="Bando", body="Texto", publish_from=now,
                                       publish_until=now + datetime.timedelta(days=3))
        expediente = expedientes.abrir_desde_asiento(asiento, make_procedimiento(),
                                                     acting_user=clerk)
        documento = expediente.documentos.get()
    return {"nia": [first.nia],
            "referencia": [f"{asiento.year}-E-{asiento.numero:06d}",
                           f"{expediente.year}-{expediente.numero}"],
            "code": ["00010", "LIC-OBRA"], "id": [str(edicto.pk)],
            "doc_pk": [str(documento.pk)]}


def _config(values: dict[str, list[str]]) -> str:
    """schemathesis.toml: half of the time a path parameter is an existing object's, so that
    detail operations are tried past their 404."""
    lines = []
    for name, candidates in values.items():
        quoted = ", ".join(f'"{value}"' for value in candidates)
        lines += [f"[dictionaries.{name}]", f"values = [{quoted}]", ""]
    lines.append("[parameters]")
    lines += [f'"path.{name}" = {{ dictionary = "{name}", probability = 0.5 }}'
              for name in values]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    """The files of the test entity, for this process and the server's."""
    return tmp_path_factory.mktemp("api-media")


@pytest.fixture(scope="module")
def api_entity(province, django_db_blocker, media_root):
    """An entity of its own (committed: the server process must see it), with data and a
    service account for the padrón, the registro and the sede: its token and the values of
    the path parameters."""
    from tenants import actions, service_accounts
    from tenants.choices import AdhesionState
    from tenants.models import Adhesion

    entity = provision_entity(province, django_db_blocker, slug="apiprueba",
                              name="Ajuntament de Proves de l'API", ine_code="030015",
                              services=["padron", "eadmin"])
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media_root)):
        values = _fill(entity, province.provincial_admin)
        created = service_accounts.create_service_account(
            entity, name="Schemathesis",
            applications=["padron", "registro", "expedientes", "sede"],
            acting_user=province.provincial_admin)
    yield created.token, values
    # What later tests of the session count (entities with the padrón, live accounts) is
    # as before: the token revoked, the adhesions withdrawn.
    with django_db_blocker.unblock():
        service_accounts.revoke_service_account(created.account,
                                                acting_user=province.provincial_admin)
        for adhesion in Adhesion.objects.filter(entity=entity, state=AdhesionState.APPROVED):
            actions.end_adhesion(adhesion, acting_user=province.provincial_admin,
                                 reason="Fin de la prueba de la API")


def test_every_operation_of_the_schema_survives_schemathesis(api_entity, django_db_blocker,
                                                              media_root, tmp_path):
    token, values = api_entity
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(values))
    with pytest.MonkeyPatch.context() as patch:
        # The run makes hundreds of calls a minute; the limit itself is tested elsewhere.
        patch.setenv("API_SERVICE_ACCOUNT_RATE", "")
        patch.setenv("MEDIA_ROOT", str(media_root))
        with web_server(django_db_blocker, host=HOST) as port:
            command = [
                os.path.join(os.path.dirname(sys.executable), "schemathesis"),
                "--config-file", str(config), "run",
                f"http://127.0.0.1:{port}/api/schema/?format=json",
                "--header", f"Host: {HOST}:{port}",
                "--header", f"Authorization: Bearer {token}",
                "--checks", "not_a_server_error,status_code_conformance,"
                            "content_type_conformance,response_schema_conformance",
                "--max-examples", str(MAX_EXAMPLES), "--seed", "20260101",
                "--max-time", str(TIME_BUDGET), "--workers", "1",
                "--phases", "examples,coverage,fuzzing",
                "--request-timeout", "30", "--generation-database", "none",
                "--suppress-health-check", "all", "--no-color",
            ]
            run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True,
                                 timeout=TIME_BUDGET * 4, check=False,
                                 env={**os.environ, "PYTHONPATH": str(ROOT)})
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-20000:]
    operations = re.search(r"Selected: (\d+)/(\d+)\s+Tested: (\d+)", output)
    assert operations is not None, output[-5000:]
    assert operations[1] == operations[2] == operations[3]
    cases = re.search(r"(\d+) generated, (\d+) passed", output)
    assert cases is not None, output[-5000:]
    assert int(cases[1]) == int(cases[2]) >= 300
