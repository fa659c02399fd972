"""Enumerations of the tenancy app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EntityKind(models.TextChoices):
    DIPUTACION = "diputacion", _("Diputación provincial")
    AYUNTAMIENTO = "ayuntamiento", _("Ayuntamiento")
    ELM = "elm", _("Entidad local menor")
    MANCOMUNIDAD = "mancomunidad", _("Mancomunidad")


class Application(models.TextChoices):
    """Applications a user administrator can grant to a colleague (MISSION.md rows 3-16)."""

    PADRON = "padron", _("Padrón de habitantes")
    CONTABILIDAD = "contabilidad", _("Contabilidad")
    REGISTRO = "registro", _("Registro de entrada y salida")
    EXPEDIENTES = "expedientes", _("Expedientes")
    SEDE = "sede", _("Sede electrónica")
    PORTALES = "portales", _("Portal web")
    CORREO = "correo", _("Correo electrónico")
    CERTIFICADOS = "certificados", _("Certificados electrónicos")
    SOPORTE = "soporte", _("Soporte e incidencias")
    FORMACION = "formacion", _("Formación")
    NUBE = "nube", _("Ayuntamiento en la nube")
    LICENCIAS = "licencias", _("Acuerdos de licencias")


class AdhesionState(models.TextChoices):
    REQUESTED = "requested", _("Solicitada")
    APPROVED = "approved", _("Aprobada")
    REFUSED = "refused", _("Denegada")
    WITHDRAWN = "withdrawn", _("Baja")


class MembershipRole(models.TextChoices):
    CLERK = "clerk", _("Personal de la entidad")
    USER_ADMIN = "user_admin", _("Administrador de usuarios")
    TIC = "tic", _("Operador TIC de la mancomunidad")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pendiente")
    SENT = "sent", _("Entregado al servidor de correo")
    FAILED = "failed", _("Fallido")


class Office(models.TextChoices):
    """Offices of an entity whose holders documents name (OfficeHolder)."""

    ALCALDIA = "alcaldia", _("Alcaldía")
    PRESIDENCIA = "presidencia", _("Presidencia (mancomunidad, entidad local menor)")
    SECRETARIA = "secretaria", _("Secretaría")
    INTERVENCION = "intervencion", _("Intervención")
    SECRETARIA_INTERVENCION = "secretaria_intervencion", _("Secretaría-Intervención")
    TESORERIA = "tesoreria", _("Tesorería")


class Wording(models.TextChoices):
    """How a document words the holder's title."""

    FEMININE = "feminine", _("Femenino (la Alcaldesa, la Secretaria-Interventora)")
    MASCULINE = "masculine", _("Masculino (el Alcalde, el Secretario-Interventor)")
    NEUTRAL = "neutral", _("Neutro (la persona titular de la Alcaldía)")
