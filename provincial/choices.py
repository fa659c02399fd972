"""Enumerations of the cross-cutting pieces."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    PENDING = "pending", _("Pendiente de enviar a la cola")
    QUEUED = "queued", _("En cola")
    RUNNING = "running", _("En curso")
    SUCCEEDED = "succeeded", _("Terminado")
    FAILED = "failed", _("Fallido")
    CANCELLED = "cancelled", _("Cancelado")

    @classmethod
    def live(cls) -> list[str]:
        return [cls.PENDING, cls.QUEUED, cls.RUNNING]


class FileDirection(models.TextChoices):
    INPUT = "in", _("Entrada")
    OUTPUT = "out", _("Salida")
