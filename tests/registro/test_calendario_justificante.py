"""Working days and cómputo (arts. 30-31 LPAC); the justificante and its hashes."""

from __future__ import annotations

import datetime
import hashlib
import io
import re
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from provincial.documents import services as documents
from registro import calendario, services
from registro.models import Festivo
from registro.services import AnexoData, registrar

from .conftest import PNG, datos, pdf_anexo, persona

MADRID = ZoneInfo("Europe/Madrid")


def madrid(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=MADRID)


def test_weekends_and_holidays_are_not_working_days(in_a):
    Festivo.objects.create(fecha=datetime.date(2026, 3, 19), descripcion="Sant Josep",
                           ambito="autonomico")
    assert calendario.es_habil(datetime.date(2026, 3, 18)) is True
    assert calendario.es_habil(datetime.date(2026, 3, 19)) is False  # holiday (Thursday)
    assert calendario.es_habil(datetime.date(2026, 3, 21)) is False  # Saturday
    assert calendario.siguiente_habil(datetime.date(2026, 3, 18)) == datetime.date(2026, 3, 20)
    assert calendario.siguiente_habil(datetime.date(2026, 3, 20)) == datetime.date(2026, 3, 23)
    dias = calendario.dias_habiles(2026)
    assert datetime.date(2026, 3, 19) not in dias
    assert len(dias) == 261 - 1  # 2026 has 261 weekdays


def test_a_submission_on_a_non_working_day_counts_from_the_next_working_day(in_a):
    Festivo.objects.create(fecha=datetime.date(2026, 4, 6), descripcion="Lunes de Pascua",
                           ambito="autonomico")
    # Saturday 4 April 23:50 → Tuesday 7 April 00:00 (Monday is a holiday).
    assert calendario.computo_desde(madrid(2026, 4, 4, 23, 50)) == madrid(2026, 4, 7, 0, 0)
    # A working day counts from the moment itself.
    assert calendario.computo_desde(madrid(2026, 4, 8, 9, 15)) == madrid(2026, 4, 8, 9, 15)
    # Friday 22:30 UTC is already Saturday in Madrid (summer time, UTC+2).
    utc = datetime.datetime(2026, 4, 10, 22, 30, tzinfo=datetime.UTC)
    assert calendario.computo_desde(utc) == madrid(2026, 4, 13, 0, 0)
    asiento = registrar(**datos(canal="sede", presentado_en=madrid(2026, 4, 4, 23, 50)))
    assert asiento.fecha_computo == madrid(2026, 4, 7, 0, 0)
    assert asiento.fecha_presentacion == madrid(2026, 4, 4, 23, 50)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_justificante_lists_attachments_with_hashes_that_match_the_files(in_a):
    ficheros = [pdf_anexo("solicitud firmada.pdf"), AnexoData("plano.png", PNG),
                AnexoData("nota.txt", "Texto con acentos: «año»\n".encode())]
    asiento = registrar(**datos(anexos=ficheros, interesados=[
        persona(), persona(documento="X1234567L", tipo_documento="nie", nombre="Ana",
                           apellido1="Gil", apellido2="", es_representante=True)]))
    document = services.justificante(asiento)
    assert services.justificante(asiento).pk == document.pk  # issued once
    assert document.kind == "justificante_registro"
    content = documents.read_verified(document)
    text = pdf_text(content)
    compact = re.sub(r"\s+", "", text)
    for anexo, fichero in zip(asiento.anexos.all(), ficheros, strict=True):
        assert anexo.sha256 == hashlib.sha256(fichero.contenido).hexdigest()
        assert f"SHA-256:{anexo.sha256}" in compact
        assert anexo.nombre.replace(" ", "") in compact
        assert str(anexo.tamano) in text
    printed = set(re.findall(r"SHA-256:([0-9a-f]{64})", compact))
    assert printed == {hashlib.sha256(f.contenido).hexdigest() for f in ficheros}
    assert asiento.numero_registro in text
    assert "Lucía Pérez Sanz" in text
    assert "12345678Z" in text
    assert "Ana Gil" in text
    assert "Representante" in text
    assert document.csv.replace("-", "") in compact.replace("-", "")
    assert documents.verify(document.csv).pk == document.pk
