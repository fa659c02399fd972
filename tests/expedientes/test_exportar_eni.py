"""`manage.py exportar_eni ENTIDAD NUMERO --out DIR`."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from expedientes.choices import EstadoExpediente
from expedientes.eni import esquemas, validacion
from provincial.models import AuditEvent
from tests.expedientes import eni_support
from tests.expedientes.eni_support import llenar

# The ENI fixtures (tests/expedientes/eni_support.py).
sello_a = eni_support.sello_a


def _run(*args, **options) -> str:
    out = io.StringIO()
    call_command("exportar_eni", *args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def test_the_command_writes_the_package_and_it_validates(expediente, sello_a, tmp_path,
                                                         province):
    llenar(expediente)
    expediente.estado = EstadoExpediente.CERRADO
    expediente.save()
    salida = tmp_path / "salida"
    output = _run("agost", expediente.codigo, out=str(salida))

    nombres = sorted(p.name for p in salida.iterdir())
    assert nombres == ["documento-001.xml", "documento-002.xml", "documento-003.xml",
                       "documento-004.xml", "expediente.xml", "metadatos-adicionales.xml"]
    identificador = f"ES_L01030020_{expediente.year}_EXP_{expediente.numero:030d}"
    assert output.strip() == (f"Expediente {expediente.codigo} de Ajuntament d'Agost: "
                              f"{identificador}, estado E02, 4 documentos en {salida}.")
    schema = esquemas.schema("documentoEni.xsd")
    from lxml import etree

    for path in salida.glob("documento-*.xml"):
        assert schema.validate(etree.parse(str(path))), schema.error_log
        assert b"<enifile:ValorBinario>" in path.read_bytes()  # contents inline
    assert validacion.validate_paquete(salida).errores == []
    assert AuditEvent.objects.filter(action="expedientes.eni.exportar",
                                     object_id=str(expediente.pk)).count() == 1


def test_the_command_accepts_the_schema_and_marks_an_open_expediente_for_remission(
        expediente, sello_a, tmp_path, province):
    llenar(expediente, sin_firma=1, firmados=0, con_csv=0)
    output = _run(province.a.schema_name, f" {expediente.numero} / {expediente.year} ",
                  "--remision", out=str(tmp_path))
    assert "estado E03, 1 documentos" in output


def test_the_command_explains_what_is_wrong(expediente, sello_a, tmp_path):
    llenar(expediente, sin_firma=1, firmados=0, con_csv=0)
    with pytest.raises(CommandError, match="No existe la entidad «villarriba»"):
        _run("villarriba", "1/2026", out=str(tmp_path))
    with pytest.raises(CommandError, match="«doce» no es un número de expediente"):
        _run("agost", "doce", out=str(tmp_path))
    with pytest.raises(CommandError, match="Ajuntament d'Agost no tiene el expediente 999/2026"):
        _run("agost", "999/2026", out=str(tmp_path))
    fichero = tmp_path / "fichero"
    fichero.write_text("x")
    with pytest.raises(CommandError, match="existe y no es una carpeta"):
        _run("agost", expediente.codigo, out=str(fichero))
    assert not list(tmp_path.glob("*.xml"))
