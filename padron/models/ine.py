"""The files exchanged with INE (fichero de variaciones, parte negativo, padrón a fecha) and
which operations went in which file.

A Movimiento is immutable, so "was it sent?" is not a flag on it: it is an EnvioMovimiento
row linking it to the FicheroINE that carried it. A movement is in at most one live
(not released) link — a partial unique constraint — so nothing is sent twice; rejecting a
file releases its links and the movements go in the next file, so nothing is forgotten.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from padron.models.habitantes import Movimiento


class TipoFicheroINE(models.TextChoices):
    # Kept beside the model (not in padron/choices.py) to stay within this change's files.
    VARIACIONES = "variaciones", _("Variaciones del mes")
    NEGATIVO = "negativo", _("Parte negativo")
    PADRON_A_FECHA = "padron_a_fecha", _("Padrón a fecha")


class EstadoFicheroINE(models.TextChoices):
    GENERADO = "generado", _("Generado")
    ENVIADO = "enviado", _("Enviado")
    ACEPTADO = "aceptado", _("Aceptado")
    RECHAZADO = "rechazado", _("Rechazado")


def fichero_ine_upload_to(instance: FicheroINE, filename: str) -> str:
    from django.db import connection

    return f"padron/{connection.schema_name}/ine/{filename}"


class FicheroINE(models.Model):
    """One file generated for INE: its kind, period, content hash and state of delivery."""

    kind = models.CharField(_("tipo"), max_length=15, choices=TipoFicheroINE.choices)
    period_start = models.DateField(_("desde"), null=True, blank=True,
                                    help_text=_("Vacío en el primer fichero de variaciones."))
    period_end = models.DateField(_("hasta"), null=True, blank=True)
    fecha = models.DateField(_("fecha de referencia"), null=True, blank=True,
                             help_text=_("Solo en el padrón a fecha."))
    state = models.CharField(_("estado"), max_length=10, choices=EstadoFicheroINE.choices,
                             default=EstadoFicheroINE.GENERADO, db_index=True)
    name = models.CharField(_("nombre"), max_length=100)
    file = models.FileField(_("fichero"), upload_to=fichero_ine_upload_to)
    sha256 = models.CharField(_("huella SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("tamaño en bytes"), default=0)
    records = models.PositiveIntegerField(_("registros"), default=0)
    # provincial.Job lives in the public schema: an id, not a cross-schema foreign key.
    job_id = models.BigIntegerField(_("trabajo"), null=True, blank=True)
    transport = models.CharField(_("transporte"), max_length=60, blank=True)
    transport_reference = models.CharField(_("referencia del envío"), max_length=100,
                                           blank=True)
    rejection_reason = models.TextField(_("motivo del rechazo"), blank=True)
    created_by_name = models.CharField(_("generado por"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("generado"), auto_now_add=True)
    sent_at = models.DateTimeField(_("enviado"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("aceptado"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rechazado"), null=True, blank=True)

    class Meta:
        verbose_name = _("fichero del INE")
        verbose_name_plural = _("ficheros del INE")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A job produces at most one file: a re-run finds it instead of writing another.
            models.UniqueConstraint(fields=["job_id"], condition=Q(job_id__isnull=False),
                                    name="fichero_ine_un_fichero_por_trabajo"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_live(self) -> bool:
        """Counts as sent (or about to be): its movements are not offered again."""
        return self.state != EstadoFicheroINE.RECHAZADO


class EnvioMovimiento(models.Model):
    """A Movimiento carried by a FicheroINE. Released when that file is rejected."""

    fichero = models.ForeignKey(FicheroINE, verbose_name=_("fichero"),
                                on_delete=models.PROTECT, related_name="envios")
    movimiento = models.ForeignKey(Movimiento, verbose_name=_("movimiento"),
                                   on_delete=models.PROTECT,
                                   related_name="envios_ine")
    position = models.PositiveIntegerField(_("registro"))
    # Denormalised from fichero.state == rechazado: a partial unique constraint cannot join.
    is_released = models.BooleanField(_("liberado"), default=False)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)

    class Meta:
        verbose_name = _("movimiento enviado al INE")
        verbose_name_plural = _("movimientos enviados al INE")
        ordering = ["fichero", "position"]
        constraints = [
            models.UniqueConstraint(fields=["movimiento"], condition=Q(is_released=False),
                                    name="movimiento_en_un_solo_fichero_vivo"),
            models.UniqueConstraint(fields=["fichero", "position"],
                                    name="envio_posicion_unica"),
        ]

    def __str__(self) -> str:
        return f"{self.fichero} #{self.position}"
