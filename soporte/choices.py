"""Enumerations of the incident desk."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Estado(models.TextChoices):
    NUEVA = "nueva", _("Nueva")
    ASIGNADA = "asignada", _("Asignada")
    EN_CURSO = "en_curso", _("En curso")
    PENDIENTE = "pendiente", _("Pendiente del usuario")
    RESUELTA = "resuelta", _("Resuelta")
    CERRADA = "cerrada", _("Cerrada")

    @classmethod
    def open_states(cls) -> list[str]:
        """States in which the desk still owes work (the default queue)."""
        return [cls.NUEVA, cls.ASIGNADA, cls.EN_CURSO, cls.PENDIENTE]

    @classmethod
    def clock_running(cls) -> list[str]:
        """States in which the SLA clocks run (pendiente del usuario pauses them)."""
        return [cls.NUEVA, cls.ASIGNADA, cls.EN_CURSO]


class Prioridad(models.IntegerChoices):
    BAJA = 1, _("Baja")
    NORMAL = 2, _("Normal")
    ALTA = 3, _("Alta")
    CRITICA = 4, _("Crítica")


class Via(models.TextChoices):
    WEB = "web", _("Web")
    EMAIL = "email", _("Correo electrónico")
    TELEFONO = "telefono", _("Teléfono")


class TipoEvento(models.TextChoices):
    CREADA = "creada", _("Creada")
    ESTADO = "estado", _("Cambio de estado")
    ASIGNACION = "asignacion", _("Asignación")
    PRIORIDAD = "prioridad", _("Cambio de prioridad")
    RESPUESTA = "respuesta", _("Respuesta pública")
    NOTA = "nota", _("Nota interna")
    ADJUNTO = "adjunto", _("Adjunto")
    FUSION = "fusion", _("Fusión de duplicada")
    RELACION = "relacion", _("Incidencia relacionada")
    LLAMADA = "llamada", _("Llamada telefónica")
    REAPERTURA = "reapertura", _("Reapertura")

    @classmethod
    def public(cls) -> list[str]:
        """Changes the reporter is told about by e-mail."""
        return [cls.CREADA, cls.ESTADO, cls.ASIGNACION, cls.PRIORIDAD, cls.RESPUESTA,
                cls.FUSION, cls.REAPERTURA]


class EstadoCorreo(models.TextChoices):
    PENDIENTE = "pendiente", _("Pendiente de revisión")
    ASOCIADO = "asociado", _("Asociado a una incidencia")
    DESCARTADO = "descartado", _("Descartado")
