"""A password validator for the patterns found first in breached-password lists."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Fragments that make a password guessable whatever surrounds them: keyboard walks,
# counting, the word "password" in the languages of the province, and the institution.
_FRAGMENTS = (
    "password", "passw0rd", "contrasena", "contrasenya", "clave", "qwerty", "asdfgh", "zxcvbn",
    "123456", "654321", "abc123", "111111", "000000", "iloveyou", "admin", "letmein",
    "diputacion", "diputacio", "ayuntamiento", "ajuntament", "bienvenido", "benvingut",
)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


class BreachedPatternValidator:
    """Refuses passwords built on breached patterns or on the user's own names."""

    def validate(self, password: str, user=None) -> None:
        folded = _fold(password)
        for fragment in _FRAGMENTS:
            if fragment in folded:
                raise ValidationError(
                    _("La contraseña contiene «%(fragment)s», un patrón de las contraseñas "
                      "filtradas más comunes."), params={"fragment": fragment},
                    code="password_breached_pattern")
        if re.fullmatch(r"(.)\1*", folded) or len(set(folded)) < 4:
            raise ValidationError(_("La contraseña repite muy pocos caracteres distintos."),
                                  code="password_low_variety")
        if user is not None:
            for attribute in ("username", "first_name", "last_name", "nif"):
                value = _fold(str(getattr(user, attribute, "") or ""))
                for part in re.split(r"[\W_]+", value):
                    if len(part) >= 4 and part in folded:
                        raise ValidationError(
                            _("La contraseña no puede contener su nombre, usuario o NIF."),
                            code="password_personal")

    def get_help_text(self) -> str:
        return _("No use palabras como «contraseña», secuencias de teclado ni su nombre.")
