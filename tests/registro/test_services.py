"""registrar / anular / distribuir: numbering, validation, nothing half-written."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.db import InternalError, connection, transaction

from provincial.models import AuditEvent
from registro import services
from registro.models import (
    Anexo,
    Asiento,
    AsientoDeleteRefused,
    ContadorRegistro,
    Festivo,
    Interesado,
    UnidadOrganica,
)
from registro.services import AnexoData, RegistroError, registrar

from .conftest import PNG, XML, datos, empresa, odt_bytes, pdf_anexo, persona

MADRID = datetime.timezone(datetime.timedelta(hours=1))


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "registro"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def counts() -> tuple[int, int, int, int]:
    return (Asiento.objects.count(), Interesado.objects.count(), Anexo.objects.count(),
            len(stored_files()))


def test_registrar_numbers_per_book_and_year_and_stores_everything(in_a, province):
    first = registrar(**datos(anexos=[pdf_anexo(), AnexoData("foto.png", PNG),
                                      AnexoData("datos.xml", XML),
                                      AnexoData("memoria.odt", odt_bytes())],
                              interesados=[persona(), persona(
                                  documento="X1234567L", tipo_documento="nie", nombre="Ana",
                                  apellido1="Gil", es_representante=True)]),
                      acting_user=province.clerk_a)
    second = registrar(**datos())
    salida = registrar(**datos(libro="S"))
    year = first.year
    assert (first.numero_registro, second.numero_registro, salida.numero_registro) == (
        f"{year}/E/000001", f"{year}/E/000002", f"{year}/S/000001")
    assert first.created_by_name == "Clerk Pruebas"
    anexos = list(first.anexos.all())
    assert [(a.nombre, a.mime) for a in anexos] == [
        ("solicitud.pdf", "application/pdf"), ("foto.png", "image/png"),
        ("datos.xml", "application/xml"),
        ("memoria.odt", "application/vnd.oasis.opendocument.text")]
    assert anexos[0].fichero.name.startswith(f"registro/{province.a.schema_name}/")
    assert anexos[0].fichero.read() == pdf_anexo().contenido
    assert [(i.documento, i.es_representante) for i in first.interesados.all()] == [
        ("12345678Z", False), ("X1234567L", True)]
    assert AuditEvent.objects.filter(action="registro.asiento.alta",
                                     object_id=str(first.pk)).count() == 1


def test_numbers_restart_each_year_by_legal_date(in_a):
    old = registrar(**datos(presentado_en=datetime.datetime(2025, 12, 31, 23, 30,
                                                            tzinfo=MADRID)))
    assert old.numero_registro == "2025/E/000001"
    assert ContadorRegistro.objects.get(libro="E", year=2025).ultimo == 1


def test_idempotency_key_returns_the_same_asiento(in_a):
    one = registrar(**datos(idempotency_key="envio-abc"))
    two = registrar(**datos(idempotency_key="envio-abc"))
    assert one.pk == two.pk
    assert Asiento.objects.count() == 1


def test_persona_juridica_with_cif(in_a):
    asiento = registrar(**datos(interesados=[empresa()]))
    assert asiento.interesado_principal.nombre_completo == "Construcciones Agost SL"


@pytest.mark.parametrize(("overrides", "message"), [
    ({"expone": "x" * 100_000}, "«Expone» tiene 100.000 caracteres; el máximo es 10.000"),
    ({"asunto": "   "}, "El campo «Asunto» es obligatorio."),
    ({"canal": "sede", "expone": ""}, "El campo «Expone» es obligatorio."),
    ({"interesados": [persona(documento="12345678A")]},
     "El DNI/NIF «12345678A» no es válido (compruebe la letra)."),
    ({"interesados": [persona(tipo_documento="nie", documento="X1234567A")]},
     "El NIE «X1234567A» no es válido"),
    ({"interesados": [empresa(documento="B12345670")]}, "El CIF «B12345670» no es válido"),
    ({"interesados": [empresa(tipo_documento="dni", documento="12345678Z")]},
     "Una persona jurídica se identifica con su CIF."),
    ({"interesados": []}, "El asiento necesita al menos un interesado."),
    ({"interesados": [persona(email="no-es-correo")]}, "no es válido"),
    ({"anexos": [pdf_anexo(), AnexoData("falso.pdf", b"%PDF-1.4 no soy un pdf")]},
     "«falso.pdf» no es un fichero PDF válido"),
    ({"anexos": [AnexoData("texto.pdf", b"hola, soy texto")]},
     "«texto.pdf» no es un fichero PDF válido"),
    ({"anexos": [AnexoData("virus.exe", b"MZ\x90\x00")]}, "«virus.exe»: formato no admitido"),
    ({"anexos": [AnexoData("foto.png", b"\xff\xd8\xff\xe0 jpeg")]},
     "«foto.png» no es un fichero PNG válido"),
    ({"anexos": [AnexoData("bomba.xml", b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x '
                                        b'"y">]><a>&x;</a>')]},
     "«bomba.xml»: El XML declara un DOCTYPE o entidades"),
    ({"anexos": [AnexoData("vacio.pdf", b"")]}, "«vacio.pdf» está vacío."),
    ({"anexos": [AnexoData("grande.txt", b"a" * (10 * 1024 * 1024 + 1))]},
     "«grande.txt» ocupa 10,0 MB; el máximo por fichero es 10,0 MB."),
    ({"anexos": [AnexoData(f"parte{i}.txt", b"a" * (4 * 1024 * 1024)) for i in range(4)]},
     "Los anexos suman 16,0 MB; el máximo por asiento es 15,0 MB."),
])
def test_bad_input_is_refused_with_a_message_and_nothing_is_written(in_a, overrides, message):
    before = counts()
    with pytest.raises(RegistroError) as excinfo:
        registrar(**datos(**overrides))
    assert message in str(excinfo.value)
    assert counts() == before == (0, 0, 0, 0)
    assert not ContadorRegistro.objects.filter(ultimo__gt=0).exists()


def test_database_failure_after_files_were_written_leaves_nothing(in_a):
    registrar(**datos())
    # A trigger makes the insert of the second anexo fail, after the first file was
    # stored: the asiento, its interesados, the first anexo and the file must all vanish.
    with connection.cursor() as cursor:
        cursor.execute("""
            CREATE FUNCTION registro_test_fail() RETURNS trigger AS $$
            BEGIN IF NEW.orden = 1 THEN RAISE unique_violation USING MESSAGE = 'fallo';
            END IF; RETURN NEW; END; $$ LANGUAGE plpgsql;
            CREATE TRIGGER registro_test_fail BEFORE INSERT ON registro_anexo
                FOR EACH ROW EXECUTE FUNCTION registro_test_fail();""")
    before = counts()
    with pytest.raises(RegistroError, match="no se ha guardado nada"):
        registrar(**datos(anexos=[pdf_anexo(), AnexoData("foto.png", PNG)]))
    assert counts() == before == (1, 1, 0, 0)
    assert ContadorRegistro.objects.get(libro="E").ultimo == 1
    # The number was given back: the next asiento takes 2.
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER registro_test_fail ON registro_anexo")
    assert registrar(**datos()).numero == 2


def test_anulacion_keeps_the_asiento_and_delete_is_refused(in_a, province):
    asiento = registrar(**datos())
    with pytest.raises(RegistroError, match="obligatorio"):
        services.anular(asiento, motivo=" ", acting_user=province.clerk_a)
    services.anular(asiento, motivo="Duplicado del 2026/E/000002", acting_user=province.clerk_a)
    asiento.refresh_from_db()
    assert (asiento.estado, asiento.motivo_anulacion, asiento.anulado_por_nombre) == (
        "anulado", "Duplicado del 2026/E/000002", "Clerk Pruebas")
    with pytest.raises(RegistroError, match="ya está anulado"):
        services.anular(asiento, motivo="otra vez", acting_user=province.clerk_a)
    with pytest.raises(AsientoDeleteRefused):
        asiento.delete()
    with pytest.raises(AsientoDeleteRefused):
        Asiento.objects.all().delete()
    with pytest.raises(InternalError, match="no se borran"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("DELETE FROM registro_asiento")
    assert Asiento.objects.filter(pk=asiento.pk).exists() is True


def test_distribuir_to_a_unit(in_a, unidad, province):
    asiento = registrar(**datos())
    services.distribuir(asiento, unidad=unidad, acting_user=province.clerk_a)
    asiento.refresh_from_db()
    assert (asiento.estado, asiento.unidad) == ("distribuido", unidad)
    assert asiento.distribuciones.get().usuario_nombre == "Clerk Pruebas"
    services.anular(asiento, motivo="error", acting_user=province.clerk_a)
    with pytest.raises(RegistroError, match="Un asiento anulado no se distribuye."):
        services.distribuir(asiento, unidad=unidad, acting_user=province.clerk_a)




def test_demo_populate_is_complete_and_idempotent(in_a):
    from registro import demo

    demo.populate(in_a)
    demo.populate(in_a)
    assert Asiento.objects.count() == 40
    assert UnidadOrganica.objects.count() == 6
    assert Festivo.objects.filter(fecha__year=2026).count() == 14
    assert Asiento.objects.filter(estado="anulado").count() == 1
    numeros = sorted(Asiento.objects.filter(libro="E").values_list("numero", flat=True))
    assert numeros == list(range(1, 33))  # 32 entradas, 8 salidas, all in one year
