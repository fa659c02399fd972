"""Validators for identifiers of Spanish local entities."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.es import cif as stdnum_cif
from stdnum.exceptions import ValidationError as StdnumError

# INE's control digit for municipality codes (CPRO+CMUN): each digit is weighted by
# one of three permutation tables, chosen by its position, and the check digit
# completes the sum to a multiple of ten. Checked against published codes such as
# Madrid 28079-6, Barcelona 08019-3, Alicante/Alacant 03014-9.
_INE_TABLES = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (0, 3, 8, 2, 7, 4, 1, 5, 9, 6),
    (0, 2, 4, 6, 8, 1, 3, 5, 7, 9),
)

_HOSTNAME_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_DIR3 = re.compile(r"^[A-Z][A-Z0-9]{8}$")


def ine_control_digit(code5: str) -> int:
    """Return INE's control digit for a five-digit municipality code."""
    total = sum(_INE_TABLES[2 - index % 3][int(digit)] for index, digit in enumerate(code5))
    return (10 - total % 10) % 10


def validate_ine_code(value: str) -> None:
    """An INE municipality code: 2 digits of province, 3 of municipality, 1 control digit."""
    if not re.fullmatch(r"\d{6}", value or ""):
        raise ValidationError(
            _("El código INE tiene seis cifras: provincia (2), municipio (3) y dígito de control (1)."),
            code="ine_format",
        )
    province = int(value[:2])
    if not 1 <= province <= 52:
        raise ValidationError(
            _("%(province)s no es un código de provincia del INE (01 a 52)."),
            params={"province": value[:2]},
            code="ine_province",
        )
    expected = ine_control_digit(value[:5])
    if int(value[5]) != expected:
        raise ValidationError(
            _("El dígito de control del código INE %(code)s debería ser %(expected)s."),
            params={"code": value[:5], "expected": expected},
            code="ine_control_digit",
        )


def validate_cif(value: str) -> None:
    """A Spanish CIF (entities of public law use the letters P, Q or S)."""
    try:
        stdnum_cif.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("El CIF %(value)s no es válido: %(reason)s"),
            params={"value": value, "reason": _cif_reason(exc)},
            code="cif_invalid",
        ) from exc


def _cif_reason(exc: StdnumError) -> str:
    name = type(exc).__name__
    return {
        "InvalidChecksum": str(_("el carácter de control no corresponde")),
        "InvalidLength": str(_("debe tener nueve caracteres")),
        "InvalidFormat": str(_("el formato no es el de un CIF")),
        "InvalidComponent": str(_("la letra inicial no es válida")),
    }.get(name, str(_("no supera la validación")))


def validate_dir3(value: str) -> None:
    """A DIR3 code of the common directory of organic units (nine characters)."""
    if not _DIR3.fullmatch(value or ""):
        raise ValidationError(
            _("El código DIR3 tiene nueve caracteres: una letra y ocho letras o cifras (p. ej. L01030149)."),
            code="dir3_format",
        )


def validate_hostname(value: str) -> None:
    """A bare host name: no scheme, port or path; lowercase letters, digits and hyphens."""
    host = value or ""
    if len(host) > 253 or "." not in host:
        raise ValidationError(
            _("«%(value)s» no es un nombre de dominio válido (p. ej. sede.alcoi.es)."),
            params={"value": value},
            code="hostname_invalid",
        )
    if not all(_HOSTNAME_LABEL.fullmatch(label) for label in host.split(".")):
        raise ValidationError(
            _("«%(value)s» no es un nombre de dominio válido: use solo minúsculas, cifras, "
              "guiones y puntos, sin http:// ni rutas."),
            params={"value": value},
            code="hostname_invalid",
        )


def validate_postal_code(value: str) -> None:
    """A Spanish postal code: five digits, the first two a province (01 to 52)."""
    if not re.fullmatch(r"\d{5}", value or "") or not 1 <= int(value[:2]) <= 52:
        raise ValidationError(
            _("El código postal tiene cinco cifras y empieza por el número de la provincia "
              "(p. ej. 03420)."),
            code="postal_code_format",
        )


_BASE_URL = re.compile(r"^(?P<scheme>https?)://(?P<host>[a-z0-9.-]+)(?::(?P<port>\d{1,5}))?/?$")


def validate_public_base_url(value: str) -> None:
    """Scheme, host and optional port where people reach the entity, with nothing after
    them (e.g. https://sede.castalla.es or http://castalla.localhost:8000)."""
    match = _BASE_URL.fullmatch((value or "").strip())
    if match is None or (match["port"] and not 0 < int(match["port"]) < 65536):
        raise ValidationError(
            _("«%(value)s» no es una dirección base válida: escriba el protocolo, el dominio "
              "y, si hace falta, el puerto, sin ruta (p. ej. https://sede.castalla.es)."),
            params={"value": value},
            code="public_base_url_invalid",
        )
    validate_hostname(match["host"])
