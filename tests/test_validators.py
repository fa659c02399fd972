import pytest
from django.core.exceptions import ValidationError

from tenants.validators import (
    ine_control_digit,
    validate_cif,
    validate_dir3,
    validate_hostname,
    validate_ine_code,
)


@pytest.mark.parametrize(("code", "digit"), [("28079", 6), ("08019", 3), ("03014", 9),
                                             ("41091", 7), ("03009", 2)])
def test_ine_control_digit_matches_published_codes(code, digit):
    assert ine_control_digit(code) == digit


def test_ine_code_with_wrong_control_digit_names_the_right_one():
    with pytest.raises(ValidationError) as excinfo:
        validate_ine_code("030091")
    assert excinfo.value.messages == ["El dígito de control del código INE 03009 debería ser 2."]


@pytest.mark.parametrize("value", ["03009", "0300922", "ABCDEF", ""])
def test_ine_code_must_have_six_digits(value):
    with pytest.raises(ValidationError, match="seis cifras"):
        validate_ine_code(value)


def test_ine_code_with_unknown_province_is_refused():
    with pytest.raises(ValidationError, match="99 no es un código de provincia"):
        validate_ine_code("99001" + str(ine_control_digit("99001")))


def test_cif_of_an_ayuntamiento_is_checked():
    validate_cif("P0300900H")
    with pytest.raises(ValidationError, match="el carácter de control no corresponde"):
        validate_cif("P0300900A")


@pytest.mark.parametrize("value", ["L0103009", "l01030092", "L01-30092"])
def test_dir3_format(value):
    with pytest.raises(ValidationError, match="nueve caracteres"):
        validate_dir3(value)
    validate_dir3("L01030092")


@pytest.mark.parametrize("value", ["http://alcoi.es", "alcoi", "alcoi.es/sede", "ALCOI.ES",
                                   "-alcoi.es", "alcoi..es"])
def test_bad_hostnames_are_refused(value):
    with pytest.raises(ValidationError):
        validate_hostname(value)
    validate_hostname("sede.alcoi.es")
