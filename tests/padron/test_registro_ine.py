"""INE fichero de habitantes / variaciones (554 characters): layout, writing byte by byte,
reading back, files refused whole, and records built from the padrón of Agost (03 002).

The expected lines are built here field by field with the widths of docs/standards README
§1.2, independently of the layout under test.
"""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.core.exceptions import ValidationError

from padron import actions
from padron.choices import Causa, TipoDocumento
from padron.ine import registro
from padron.ine.registro import HabitanteRecord
from tenants.validators import ine_control_digit
from tests.padron.conftest import persona

D = datetime.date
CPRO, CMUN = "03", "002"  # Agost, entity A of the test province
CONTROL = str(ine_control_digit("0001"))  # D of CUN 00 01 D 01
FILE = "VARIACIONES.P03002"


# The code lists (countries, causes…) live in the database (codigos.Codigo).
pytestmark = pytest.mark.django_db


def a(text: str, length: int) -> str:
    assert len(text) <= length, text
    return text.ljust(length)


def n(text: str, length: int) -> str:
    assert len(text) == length, text
    return text


def modificacion(**changes) -> HabitanteRecord:
    """A correction of the first surname MUNOZ → MUÑOZ, every block filled."""
    values = dict(
        cpro=CPRO, cmun=CMUN, nomb="JOSÉ IÑAKI", part1="DE LA", ape1="MUNOZ", part2="",
        ape2="GARÇON", cprona="03", cmunna="014", fnac=D(1980, 5, 17), tiden="1", lextr="",
        iden="12345678", dc="Z", ndocu="", nia="000000000000042", idel="",
        tipoinf="", cdev="", fvar=D(2024, 3, 1), cvar="M", cauv="MD",
        dist="01", secc="001", lsecc="", cun_ec="00", cun_es="01", cun_d=CONTROL, cun_nn="01",
        nentcoc="", nentsic="AGOST", nnuclec="AGOST", cvia="00010", tvia="CALLE",
        nviac="MAYOR", cpsvia="00000", dpsvia="", tinum="1", numer=5, knumer="B", numers=None,
        knumers="", kmt=None, hmt=None, bloq="", port="", esca="", plan="1", puer="A", tloc="",
        nia_dv="000000000000042", nhoja="0000000007", idel_dv="", nomb_dv="JOSÉ IÑAKI",
        part1_dv="DE LA", ape1_dv="MUÑOZ", part2_dv="", ape2_dv="GARÇON", sexo="1",
        cprona_dv="03", cmunna_dv="014", fnac_dv=D(1980, 5, 17), tiden_dv="1", lextr_dv="",
        iden_dv="12345678", dc_dv="Z", ndocu_dv="", nies="45", cnac="108", cprop="", cmunp="",
        ccons="")
    values.update(changes)
    return HabitanteRecord(**values)


def expected_modificacion_line() -> str:
    line = (
        # identifying block, 1-157
        "03" + "002" + a("JOSÉ IÑAKI", 20) + a("DE LA", 6) + a("MUNOZ", 25) + a("", 6)
        + a("GARÇON", 25) + "03" + "014" + "19800517" + "1" + " " + "12345678" + "Z"
        + a("", 20) + a("000000000000042", 15) + a("", 11)
        # control, 158-171
        + " " + "  " + "20240301" + "M" + "MD"
        # variation block, 172-554
        + "01" + "001" + " " + "00" + "01" + CONTROL + "01" + a("", 25) + a("AGOST", 25)
        + a("AGOST", 25) + "00010" + a("CALLE", 5) + a("MAYOR", 25) + "00000" + a("", 50)
        + "1" + "0005" + "B" + "    " + " " + "   " + " " + "  " + "  " + "  " + a("1", 3)
        + a("A", 4) + " " + a("000000000000042", 15) + a("0000000007", 10) + a("", 11)
        + a("JOSÉ IÑAKI", 20) + a("DE LA", 6) + a("MUÑOZ", 25) + a("", 6) + a("GARÇON", 25)
        + "1" + "03" + "014" + "19800517" + "1" + " " + "12345678" + "Z" + a("", 20)
        + "45" + "108" + "  " + "   " + "   ")
    assert len(line) == 554
    return line


def alta_ascii(nia: str) -> HabitanteRecord:
    """An alta in plain ASCII: identifying block blank but CPRO/CMUN."""
    return HabitanteRecord(
        cpro=CPRO, cmun=CMUN, fvar=D(2024, 2, 1), cvar="A", cauv="CR", dist="01", secc="002",
        cun_ec="00", cun_es="01", cun_d=CONTROL, cun_nn="01", nentsic="AGOST", nnuclec="AGOST",
        cvia="00010", tvia="CALLE", nviac="MAYOR", cpsvia="00000", tinum="2", numer=12,
        nia_dv=nia, nhoja="0000000003", nomb_dv="PEDRO", ape1_dv="GARCIA", ape2_dv="PEREZ",
        sexo="1", cprona_dv="03", cmunna_dv="014", fnac_dv=D(1975, 1, 31), tiden_dv="0",
        nies="31", cnac="108", cprop="03", cmunp="014")


def baja() -> HabitanteRecord:
    return HabitanteRecord(
        cpro=CPRO, cmun=CMUN, nomb="MARÍA", ape1="GARCÍA", ape2="LÓPEZ", cprona="03",
        cmunna="014", fnac=D(1980, 5, 17), tiden="1", iden="12345678", dc="Z",
        nia="000000000000009", fvar=D(2024, 3, 15), cvar="B", cauv="CX", cprop="66",
        cmunp="228")


def file_of(*lines: str, encoding: str = "iso-8859-1") -> bytes:
    return b"".join(line.encode(encoding) + b"\r\n" for line in lines)


def read(data: bytes) -> list[HabitanteRecord]:
    return registro.read_file(data, filename=FILE, expected_cpro=CPRO, expected_cmun=CMUN)


# --- Layout ---------------------------------------------------------------------------------


def test_layout_is_contiguous_and_has_the_readme_positions():
    assert registro.LAYOUT[0].start == 1
    assert registro.LAYOUT[-1].end == registro.RECORD_LENGTH == 554
    for previous, following in zip(registro.LAYOUT, registro.LAYOUT[1:], strict=False):
        assert following.start == previous.end + 1
    positions = {spec.mnemonic: (spec.start, spec.end) for spec in registro.LAYOUT}
    assert positions["CPRO"] == (1, 2)
    assert positions["NOMB"] == (6, 25)
    assert positions["FNAC"] == (93, 100)
    assert positions["NIA"] == (132, 146)
    assert positions["FVAR"] == (161, 168)
    assert positions["CVAR"] == (169, 169)
    assert positions["CAUV"] == (170, 171)
    assert positions["CUN.D"] == (182, 182)
    assert positions["CVIA"] == (260, 264)
    assert positions["NIA(DV)"] == (379, 393)
    assert positions["FNAC(DV)"] == (503, 510)
    assert positions["CCONS"] == (552, 554)


def test_every_cause_has_a_two_character_cauv_unique_within_its_cvar():
    assert set(registro.CAUV) == set(Causa.values)
    assert all(len(code) == 2 for code in registro.CAUV.values())
    assert len(registro.CAUSA_POR_CAUV) == len(registro.CAUV)


# --- Writing --------------------------------------------------------------------------------


def test_a_record_is_written_at_its_exact_positions():
    line = registro.write_record(modificacion())
    assert line == expected_modificacion_line()
    assert len(line) == 554
    assert line[0:2] == "03"
    assert line[2:5] == "002"
    assert line[5:25] == "JOSÉ IÑAKI          "
    assert line[25:31] == "DE LA "
    assert line[92:100] == "19800517"
    assert line[160:168] == "20240301"
    assert line[168] == "M"
    assert line[169:171] == "MD"
    assert line[177:184] == "0001" + CONTROL + "01"
    assert line[350:354] == "0005"
    assert line[378:393] == "000000000000042"


def test_other_records_byte_by_byte():
    alta = registro.write_record(alta_ascii("000000000000077"))
    assert alta == n("03002" + " " * 152, 157) + " " + "  " + "20240201" + "A" + "CR" + (
        "01" + "002" + " " + "0001" + CONTROL + "01" + a("", 25) + a("AGOST", 25)
        + a("AGOST", 25) + "00010" + a("CALLE", 5) + a("MAYOR", 25) + "00000" + a("", 50)
        + "2" + "0012" + " " + "    " + " " + "   " + " " + " " * 14  # BLOQ..TLOC blank
        + a("000000000000077", 15) + a("0000000003", 10) + a("", 11) + a("PEDRO", 20)
        + a("", 6) + a("GARCIA", 25) + a("", 6) + a("PEREZ", 25) + "1" + "03" + "014"
        + "19750131" + "0" + " " + " " * 8 + " " + a("", 20) + "31" + "108" + "03" + "014"
        + "   ")
    line = registro.write_record(baja())
    assert line[5:25] == a("MARÍA", 20)
    assert line[31:56] == a("GARCÍA", 25)
    assert line[92:111] == "19800517" + "1" + " " + "12345678" + "Z"
    assert line[168:171] == "BCX"
    assert line[171:546] == " " * 375  # a baja carries no variation data…
    assert line[546:554] == "66228   "  # …but its destination


def test_the_file_is_iso_8859_1_with_crlf_after_each_record():
    data = registro.write_file([modificacion(), alta_ascii("000000000000077"), baja()])
    assert len(data) == 3 * 556
    lines = data.split(b"\r\n")
    assert lines[-1] == b""
    assert [len(line) for line in lines[:-1]] == [554, 554, 554]
    first = lines[0]
    assert first[5:25] == b"JOS\xc9 I\xd1AKI          "
    assert first[440:445] == b"MU\xd1OZ"  # APE1(DV) 441-465
    assert first[62:68] == b"GAR\xc7ON"  # APE2 63-87
    assert first[25:31] == b"DE LA "  # PART1 26-31
    assert first[434:440] == b"DE LA "  # PART1(DV) 435-440
    assert b"\xc3" not in data  # nothing UTF-8


def test_text_is_uppercased_as_ine_writes_it():
    lower = modificacion(nomb="josé iñaki", ape2="garçon", part1="de  la", nviac="mayor")
    assert registro.write_record(lower) == expected_modificacion_line()


@pytest.mark.parametrize(("value", "expected"), [
    ("Muñoz", "MUÑOZ"),
    ("garçon", "GARÇON"),
    ("José María", "JOSÉ MARÍA"),
    ("Müller", "MÜLLER"),
    ("d’Ors", "D'ORS"),
    ("Łukasz", "LUKASZ"),
    ("Ștefan", "STEFAN"),
    ("Ñúñez  de   la", "ÑÚÑEZ DE LA"),
    ("Strauß", "STRAUSS"),
])
def test_ine_text(value, expected):
    assert registro.ine_text(value) == expected


def test_a_character_outside_iso_8859_1_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as excinfo:
        registro.write_record(modificacion(ape2_dv="王"))
    message = " ".join(excinfo.value.messages)
    assert "«王»" in message
    assert "APE2(DV)" in message
    assert "ISO-8859-1" in message


def test_values_that_do_not_fit_or_are_not_codes_are_refused():
    with pytest.raises(ValidationError, match="no cabe en el campo NOMB"):
        registro.write_record(modificacion(nomb="MARIA DE LOS ANGELES ISABEL"))
    with pytest.raises(ValidationError, match="SECC"):
        registro.write_record(modificacion(secc="1A"))
    with pytest.raises(ValidationError, match="CAUV «ZZ» desconocida"):
        registro.write_record(modificacion(cauv="ZZ"))


@pytest.mark.parametrize(("particula", "apellido", "expected"), [
    ("", "de la Fuente", ("DE LA", "FUENTE")),
    ("", "del Río", ("DEL", "RÍO")),
    ("", "de los Santos", ("DE LOS", "SANTOS")),
    ("de", "la Vega", ("DE", "LA VEGA")),  # the clerk's split is kept
    ("", "Delgado", ("", "DELGADO")),
    ("", "de", ("", "DE")),  # a particle alone is the surname
])
def test_particles_go_to_their_own_field(particula, apellido, expected):
    assert registro.split_particle(particula, apellido) == expected


# --- Reading --------------------------------------------------------------------------------


def test_reading_back_what_was_written_gives_the_same_records():
    records = [modificacion(), alta_ascii("000000000000077"), baja()]
    back = read(registro.write_file(records))
    assert back == records
    assert [r.line for r in back] == [1, 2, 3]
    assert [r.causa for r in back] == [Causa.MODIFICACION_DATOS, Causa.ALTA_CAMBIO_RESIDENCIA,
                                       Causa.BAJA_EXTRANJERO]
    assert back[0].cun == "0001" + CONTROL + "01"
    assert back[0].documento_dv == "12345678Z"


def test_an_empty_file_is_a_parte_negativo():
    assert read(b"") == []


def _corrupt(position: int, text: str):
    def change(line: str) -> str:
        return line[:position - 1] + text + line[position - 1 + len(text):]
    return change


@pytest.mark.parametrize(("change", "reason"), [
    (lambda line: line[:-1], "el registro mide 553 caracteres y el diseño del INE exige 554"),
    (lambda line: line + " ", "el registro mide 555 caracteres"),
    (_corrupt(93, "19800230"), "FNAC (posiciones 93-100) no es una fecha AAAAMMDD válida: "
                               "«19800230»"),
    (_corrupt(503, "2024133 "), "FNAC(DV) (posiciones 503-510) debe ser numérico"),
    (_corrupt(3, "065"), "el registro es del municipio 03065 y el fichero es del 03002"),
    (_corrupt(169, "X"), "código de variación CVAR «X» desconocido"),
    (_corrupt(170, "ZZ"), "causa de variación CAUV «ZZ» desconocida para CVAR M"),
    (_corrupt(174, "0A1"), "SECC (posiciones 174-176) debe ser numérico y contiene «0A1»"),
    (_corrupt(497, "2"), "sexo «2» desconocido"),
    (_corrupt(544, "999"), "nacionalidad CNAC «999» no es un código de país del INE"),
    (_corrupt(182, str((int(CONTROL) + 1) % 10)), "el dígito de control del CUN"),
    (_corrupt(1, "  "), "CPRO (posiciones 1-2) es obligatorio"),
])
def test_a_file_with_one_malformed_line_is_refused_whole(change, reason):
    lines = [registro.write_record(alta_ascii("000000000000001")),
             registro.write_record(modificacion()),
             registro.write_record(alta_ascii("000000000000003"))]
    lines[1] = change(lines[1])
    with pytest.raises(ValidationError) as excinfo:
        read(file_of(*lines))
    messages = excinfo.value.messages
    assert all(m.startswith(f"{FILE}, línea 2: ") for m in messages), messages
    assert any(reason in m for m in messages), messages


def test_a_utf8_file_is_refused_naming_the_line():
    lines = [registro.write_record(alta_ascii("000000000000001")),
             registro.write_record(modificacion()),  # MUÑOZ: C3 91 in UTF-8
             registro.write_record(alta_ascii("000000000000003"))]
    with pytest.raises(ValidationError) as excinfo:
        read(file_of(*lines, encoding="utf-8"))
    assert excinfo.value.messages == [
        f"{FILE}, línea 2: codificación incorrecta (parece UTF-8; el INE exige ISO-8859-1)."]
    # Mojibake (UTF-8 read as ISO-8859-1 and saved again) is UTF-8 too.
    mojibake = lines[1].encode("utf-8").decode("iso-8859-1")
    with pytest.raises(ValidationError, match="parece UTF-8"):
        read(file_of(lines[0], mojibake[:554]))
    with pytest.raises(ValidationError, match="línea 1: codificación incorrecta"):
        read(b"\xef\xbb\xbf" + file_of(lines[0]))


def test_windows_1252_and_bare_lf_are_refused():
    good = registro.write_record(alta_ascii("000000000000001"))
    quote = good[:440] + "D\x92ORS" + good[445:]  # 0x92: Windows-1252 right quote
    with pytest.raises(ValidationError, match="línea 2: codificación incorrecta: el byte 0x92 "
                                              "de la posición 442"):
        read(file_of(good, quote))
    with pytest.raises(ValidationError, match="línea 1: la línea termina en LF sin CR"):
        read(good.encode("ascii") + b"\n" + good.encode("ascii") + b"\r\n")


def test_every_wrong_line_is_listed():
    good = registro.write_record(alta_ascii("000000000000001"))
    with pytest.raises(ValidationError) as excinfo:
        read(file_of(good, good[:100], good, _corrupt(169, "X")(good)))
    assert [m.split(":")[0] for m in excinfo.value.messages] == [
        f"{FILE}, línea 2", f"{FILE}, línea 4"]


# --- From the padrón models -----------------------------------------------------------------

FECHA_ALTA = D(2020, 3, 1)


def alta(callejero, ctx, *, number=5, fecha=FECHA_ALTA, causa=Causa.ALTA_CAMBIO_RESIDENCIA,
         procedencia="03014", **person):
    domicilio = actions.domicilio_for(via=callejero["mayor"], number=number, date=fecha,
                                      planta="1", puerta="A")
    return actions.dar_de_alta(persona(**person), causa=causa, fecha=fecha,
                               domicilio=domicilio, ctx=ctx, procedencia=procedencia)


def build(habitante, **kwargs) -> HabitanteRecord:
    movimiento = habitante.movimientos.order_by("pk").last()
    return registro.record_from_habitante(habitante, movimiento, cpro=CPRO, cmun=CMUN, **kwargs)


def test_record_of_an_alta(callejero, ctx):
    habitante = alta(callejero, ctx, nombre="José Iñaki", particula1="de la",
                     apellido1="Muñoz", apellido2="Garçon", sexo="1")
    record = build(habitante)
    assert (record.cpro, record.cmun, record.cvar, record.cauv, record.fvar) == (
        "03", "002", "A", "CR", FECHA_ALTA)
    # INE has nobody yet: the identifying block is blank but for the municipality.
    assert all(getattr(record, name) in ("", None)
               for name in registro.IDENTIFYING_FIELDS if name not in ("cpro", "cmun"))
    # The address by INE codes: sección 01-001, CUN 00 01 D 01, Calle Mayor (00010) 5.
    assert (record.dist, record.secc, record.lsecc) == ("01", "001", "")
    assert record.cun == "0001" + CONTROL + "01"
    assert (record.nentsic, record.nnuclec) == ("AGOST", "AGOST")
    assert (record.cvia, record.tvia, record.nviac, record.cpsvia) == (
        "00010", "CALLE", "MAYOR", "00000")
    assert (record.tinum, record.numer, record.plan, record.puer) == ("1", 5, "1", "A")
    assert (record.nomb_dv, record.part1_dv, record.ape1_dv, record.ape2_dv) == (
        "JOSÉ IÑAKI", "DE LA", "MUÑOZ", "GARÇON")
    assert (record.tiden_dv, record.iden_dv, record.dc_dv) == ("1", "12345678", "Z")
    assert (record.nia_dv, record.nhoja) == (habitante.nia, habitante.hoja.number)
    assert (record.sexo, record.cprona_dv, record.cmunna_dv, record.fnac_dv) == (
        "1", "03", "014", D(1980, 5, 17))
    assert (record.nies, record.cnac, record.cprop, record.cmunp) == ("99", "108", "03", "014")
    line = registro.write_record(record)
    assert line[171:184] == "01" + "001" + " " + "0001" + CONTROL + "01"
    assert line[259:264] == "00010"
    assert line[349:354] == "10005"
    assert line[440:445] == "MUÑOZ"
    data = registro.write_file([record])
    assert data[440:445] == b"MU\xd1OZ"
    assert read(data) == [record]


def test_record_of_a_modification_carries_the_data_before_and_after(callejero, ctx):
    habitante = alta(callejero, ctx, apellido1="Munoz")
    habitante = actions.modificar_datos(habitante, {"apellido1": "Muñoz"}, fecha=D(2021, 1, 10),
                                        ctx=ctx)
    record = build(habitante)
    assert (record.cvar, record.cauv, record.fvar) == ("M", "MD", D(2021, 1, 10))
    assert (record.ape1, record.ape1_dv) == ("MUNOZ", "MUÑOZ")
    assert (record.nomb, record.nomb_dv) == ("MARÍA", "MARÍA")
    assert record.nia == record.nia_dv == habitante.nia
    assert record.documento == record.documento_dv == "12345678Z"
    assert (record.secc, record.numer) == ("001", 5)
    # The data INE has can be given explicitly.
    movimiento = habitante.movimientos.order_by("pk").last()
    before = registro.previous_datos(movimiento)
    assert build(habitante, previous=before) == record
    assert build(habitante, previous={**before, "apellido1": "Otro"}).ape1 == "OTRO"
    assert read(registro.write_file([record])) == [record]


def test_record_of_a_change_of_address(callejero, ctx):
    habitante = alta(callejero, ctx, apellido1="de la Fuente")
    nuevo = actions.domicilio_for(via=callejero["mayor"], number=12, date=D(2022, 1, 1))
    habitante = actions.cambiar_domicilio(habitante, nuevo, fecha=D(2022, 1, 15), ctx=ctx)
    record = build(habitante)
    assert (record.cvar, record.cauv) == ("M", "CD")
    assert (record.part1, record.ape1, record.part1_dv, record.ape1_dv) == (
        "DE LA", "FUENTE", "DE LA", "FUENTE")
    assert (record.dist, record.secc, record.tinum, record.numer) == ("01", "002", "2", 12)
    assert (record.plan, record.puer) == ("", "")
    assert record.nhoja == habitante.hoja.number


def test_record_of_a_baja_abroad(callejero, ctx):
    habitante = alta(callejero, ctx)
    habitante = actions.dar_de_baja(habitante, causa=Causa.BAJA_EXTRANJERO, fecha=D(2023, 6, 30),
                                    ctx=ctx, destino="228")
    record = build(habitante)
    assert (record.cvar, record.cauv, record.fvar) == ("B", "CX", D(2023, 6, 30))
    assert (record.nomb, record.ape1, record.ape2, record.nia) == (
        "MARÍA", "GARCÍA", "LÓPEZ", habitante.nia)
    assert (record.cprop, record.cmunp) == ("66", "228")
    blank = dataclasses.replace(record, cprop="", cmunp="")
    assert all(getattr(blank, name) in ("", None) for name in registro.VARIATION_FIELDS)


def test_record_of_a_foreigner_born_abroad(callejero, ctx):
    habitante = alta(callejero, ctx, causa=Causa.ALTA_EXTRANJERO, procedencia="228",
                     nombre="Fatima", apellido1="El Amrani", apellido2="",
                     tipo_documento=TipoDocumento.TARJETA_EXTRANJERO, documento="X1234567L",
                     nacionalidad="228", pais_nacimiento="228", provincia_nacimiento="",
                     municipio_nacimiento="")
    record = build(habitante)
    assert (record.cvar, record.cauv) == ("A", "CX")
    assert (record.tiden_dv, record.lextr_dv, record.iden_dv, record.dc_dv) == (
        "3", "X", "01234567", "L")
    assert record.documento_dv == "X1234567L"
    assert (record.cprona_dv, record.cmunna_dv, record.cnac) == ("66", "228", "228")
    assert (record.cprop, record.cmunp) == ("66", "228")
    assert read(registro.write_file([record])) == [record]


def test_names_outside_iso_8859_1_are_transliterated_or_refused(callejero, ctx):
    habitante = alta(callejero, ctx, nombre="Łucja", apellido1="Wałęsa", apellido2="Nguyễn")
    record = build(habitante)
    assert (record.nomb_dv, record.ape1_dv, record.ape2_dv) == ("LUCJA", "WALESA", "NGUYEN")
    other = alta(callejero, ctx, number=7, nombre="美玲", documento="",
                 tipo_documento=TipoDocumento.SIN_DOCUMENTO)
    with pytest.raises(ValidationError) as excinfo:
        build(other)
    assert excinfo.value.messages == [
        f"Habitante {other.nia}, movimiento del 01/03/2020: el carácter «美» no existe en "
        "ISO-8859-1, el juego de caracteres de los ficheros del INE."]


def test_the_fast_text_path_gives_what_the_character_by_character_rules_give():
    """ine_text takes a regex fast path for text that needs no replacement; every Latin-1
    character and the replaced ones must come out exactly as the per-character rules say."""
    samples = ["".join(chr(c) for c in range(0x20, 0x100)), "josé iñaki de la muñoz",
               "Ça\u00a0va\u00adbien ‘x’ “y” – — Łódź Œuvre ß ı ẞ `z`", "a\tb\r\nc  d ", "µÿ"]
    def outcome(function, text):
        try:
            return function(text)
        except registro.NotLatin1 as exc:
            return ("NotLatin1", exc.char)

    for text in samples:
        assert outcome(registro.ine_text, text) == outcome(
            registro._ine_text_per_character, text)
    assert outcome(registro.ine_text, samples[0]) == ("NotLatin1", "\x7f")
    assert registro.ine_text("josé iñaki de la muñoz") == "JOSÉ IÑAKI DE LA MUÑOZ"
