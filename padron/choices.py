"""Code lists of the padrón. Where INE publishes a code, the value is INE's."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sexo(models.TextChoices):
    # INE padrón files: 1 varón, 6 mujer.
    HOMBRE = "1", _("Hombre")
    MUJER = "6", _("Mujer")


class PrecisionFecha(models.TextChoices):
    """How much of a birth date is known: INE files write an unknown day, or day and month,
    as 00 (AAAAMM00, AAAA0000). The date is kept as the first day of the month or year."""

    COMPLETA = "", _("Fecha completa")
    SIN_DIA = "sin_dia", _("Se desconoce el día")
    SIN_DIA_MES = "sin_dia_mes", _("Se desconocen el día y el mes")


class TipoDocumento(models.TextChoices):
    """TIDEN of the INE record."""

    SIN_DOCUMENTO = "0", _("Sin documento")
    DNI = "1", _("DNI")
    PASAPORTE = "2", _("Pasaporte")
    TARJETA_EXTRANJERO = "3", _("Tarjeta de extranjero (NIE)")


class TipoNumeracion(models.TextChoices):
    """TINUM of the INE tramos file."""

    SIN_NUMERACION = "0", _("Sin numeración")
    IMPAR = "1", _("Impar")
    PAR = "2", _("Par")


class TipoMovimiento(models.TextChoices):
    """CVAR of the INE record (plus the operations INE does not distinguish)."""

    ALTA = "A", _("Alta")
    BAJA = "B", _("Baja")
    MODIFICACION = "M", _("Modificación")


class Causa(models.TextChoices):
    """Legal cause of each operation (Resolución de 17 de febrero de 2020, INE).

    Codes are ours and stable; padron.ine maps them to INE's CAUV when it writes files.
    """

    ALTA_NACIMIENTO = "AN", _("Alta por nacimiento")
    ALTA_CAMBIO_RESIDENCIA = "AC", _("Alta por cambio de residencia desde otro municipio")
    ALTA_EXTRANJERO = "AE", _("Alta por cambio de residencia desde el extranjero")
    ALTA_OMISION = "AO", _("Alta por omisión")
    BAJA_DEFUNCION = "BD", _("Baja por defunción")
    BAJA_CAMBIO_RESIDENCIA = "BC", _("Baja por cambio de residencia a otro municipio")
    BAJA_EXTRANJERO = "BE", _("Baja por cambio de residencia al extranjero")
    BAJA_INSCRIPCION_INDEBIDA = "BI", _("Baja por inscripción indebida")
    BAJA_DUPLICADO = "BU", _("Baja por duplicado")
    BAJA_CADUCIDAD = "BK", _("Baja por caducidad (ENCSARP)")
    MODIFICACION_DATOS = "MD", _("Modificación de datos personales")
    CAMBIO_DOMICILIO = "CD", _("Cambio de domicilio en el municipio")
    RENOVACION = "RN", _("Renovación de la inscripción (ENCSARP)")
    RECTIFICACION_TERRITORIAL = "MT", _("Rectificación por modificaciones territoriales")

    @classmethod
    def tipo(cls, causa: str) -> str:
        if causa.startswith("A"):
            return TipoMovimiento.ALTA
        if causa.startswith("B"):
            return TipoMovimiento.BAJA
        return TipoMovimiento.MODIFICACION

    @classmethod
    def altas(cls) -> list[tuple[str, str]]:
        return [(c.value, c.label) for c in cls if c.value.startswith("A")]

    @classmethod
    def bajas(cls) -> list[tuple[str, str]]:
        return [(c.value, c.label) for c in cls if c.value.startswith("B")]


class NivelEstudios(models.TextChoices):
    """Nivel de estudios terminados, INE codes of the padrón."""

    NO_SABE_LEER = "11", _("No sabe leer ni escribir")
    SIN_ESTUDIOS = "21", _("Sin estudios")
    PRIMARIA_INCOMPLETA = "22", _("Enseñanza primaria incompleta")
    PRIMARIA = "31", _("Bachiller elemental, graduado escolar, EGB o ESO completa")
    FP1 = "32", _("Formación profesional de primer grado")
    FP2 = "41", _("Formación profesional de segundo grado")
    BACHILLER = "42", _("Bachiller superior, BUP, bachillerato")
    OTROS_MEDIOS = "43", _("Otros titulados medios")
    DIPLOMADO = "44", _("Diplomado universitario, arquitecto o ingeniero técnico")
    LICENCIADO = "45", _("Licenciado universitario, arquitecto o ingeniero superior")
    TITULOS_SUPERIORES = "46", _("Titulados de estudios superiores no universitarios")
    DOCTORADO = "47", _("Doctorado o estudios de postgrado")
    NO_APLICABLE = "99", _("No aplicable (menor de 16 años)")
