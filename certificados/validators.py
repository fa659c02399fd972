"""Checks of a request's identifiers: the holder's NIF (DNI or NIE, python-stdnum), the
órgano's DIR3 code against the entity's, the sede's host name."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.es import dni, nie
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

from tenants.validators import validate_dir3, validate_hostname


def clean_person_nif(value: str) -> str:
    """A person's NIF (DNI, or NIE for foreigners), compacted to 9 characters; a Spanish
    message that says what is wrong otherwise."""
    compact = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    if not compact:
        raise ValidationError(_("Escriba el NIF (DNI o NIE) de la persona."), code="nif_required")
    module = nie if compact[0] in "XYZ" else dni
    if compact[0].isalpha() and compact[0] not in "XYZ":
        raise ValidationError(
            _("%(value)s es el NIF de una persona jurídica; escriba el DNI o NIE de la persona.")
            % {"value": compact}, code="nif_not_person")
    try:
        return module.validate(compact)
    except InvalidChecksum as exc:
        expected = module.calc_check_digit(compact[:-1]) if len(compact) == 9 else "?"
        raise ValidationError(
            _("La letra del NIF %(value)s no corresponde a su número: debería ser %(letter)s.")
            % {"value": compact, "letter": expected}, code="nif_checksum") from exc
    except (InvalidLength, InvalidFormat) as exc:
        raise ValidationError(
            _("%(value)s no tiene la forma de un DNI (8 cifras y una letra) ni de un NIE (X, Y "
              "o Z, 7 cifras y una letra).") % {"value": compact}, code="nif_format") from exc
    except StdnumError as exc:
        raise ValidationError(_("%(value)s no es un DNI ni un NIE válido.") % {"value": compact},
                              code="nif_invalid") from exc


def clean_dir3(value: str, entity) -> str:
    """The DIR3 code of the órgano: the entity's own code, or one of its units (local
    entities' units are coded LA0…). The code of another entity is refused."""
    code = (value or "").strip().upper()
    validate_dir3(code)
    if code == entity.dir3_code or code.startswith("LA0"):
        return code
    if code[:1] == "L" and code[1:3].isdigit():
        raise ValidationError(
            _("%(code)s es el código DIR3 de otra entidad; el código %(entity)s es %(own)s (o el de "
              "una de sus unidades, LA0…).") % {"code": code, "entity": entity.name_after_de,
                                            "own": entity.dir3_code}, code="dir3_other_entity")
    raise ValidationError(
        _("%(code)s no es un código DIR3 de la Administración Local: use el de la entidad "
          "(%(own)s) o el de una de sus unidades (LA0…).") % {"code": code,
                                                            "own": entity.dir3_code},
        code="dir3_not_local")


def clean_sede_domain(value: str) -> str:
    host = (value or "").strip().lower().removeprefix("https://").removeprefix("http://").rstrip("/")
    validate_hostname(host)
    return host
