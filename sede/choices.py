"""Choices of the sede's models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SentidoSilencio(models.TextChoices):
    """Effect of the administration's silence when the deadline passes (arts. 24-25
    Ley 39/2015)."""

    ESTIMATORIO = "estimatorio", _("Estimatorio")
    DESESTIMATORIO = "desestimatorio", _("Desestimatorio")
    NO_APLICA = "no_aplica", _("No aplica")


class TipoFormulario(models.TextChoices):
    """Which form a procedure is started with at the sede."""

    INSTANCIA_GENERAL = "instancia_general", _("Instancia general")
    ESPECIFICO = "especifico", _("Formulario específico")


class NivelIdentificacion(models.TextChoices):
    """Level of assurance of an identification (eIDAS / Cl@ve: low, substantial, high)."""

    BAJO = "bajo", _("Bajo")
    SUSTANCIAL = "sustancial", _("Sustancial")
    ALTO = "alto", _("Alto")
