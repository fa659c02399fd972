"""Remissions of an expediente in ENI format (to a court through InSide, or to another
administration), each a job with its history."""

from __future__ import annotations

import uuid

from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from expedientes.choices import EstadoEni, EstadoRemision


def paquete_upload_to(instance: Remision, filename: str) -> str:
    # Under the schema name, like the documents: one entity's files move with it.
    return (f"expedientes/{connection.schema_name}/remisiones/{instance.pk}/"
            f"{uuid.uuid4().hex[:8]}-{filename}")


class Remision(models.Model):
    """An expediente sent as an ENI package through a transport (expedientes.eni)."""

    expediente = models.ForeignKey("expedientes.Expediente", verbose_name=_("expediente"),
                                   on_delete=models.PROTECT, related_name="remisiones")
    destino_codigo = models.CharField(_("código DIR3 del destino"), max_length=21,
                                      blank=True)
    destino_nombre = models.CharField(_("destino"), max_length=250)
    motivo = models.TextField(_("motivo de la remisión"), blank=True)
    transporte = models.CharField(_("transporte"), max_length=60)
    estado = models.CharField(_("estado"), max_length=20, choices=EstadoRemision.choices,
                              default=EstadoRemision.PENDIENTE)
    job_id = models.BigIntegerField(_("trabajo"), null=True, blank=True)
    referencia = models.CharField(_("referencia del envío"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    sha256_indice = models.CharField(_("huella del índice"), max_length=64, blank=True)
    documentos = models.PositiveIntegerField(_("documentos"), default=0)
    # What was sent (expedientes.eni): the expediente's ENI identifier and Estado (E03
    # when it was still open), and the package as a zip, kept for the clerk to download
    # (also when the transport failed, to deliver it by hand).
    identificador = models.CharField(_("identificador ENI"), max_length=60, blank=True)
    estado_eni = models.CharField(_("estado ENI enviado"), max_length=3,
                                  choices=EstadoEni.choices, blank=True)
    paquete = models.FileField(_("paquete ENI"), upload_to=paquete_upload_to, blank=True,
                               max_length=255)
    paquete_size = models.PositiveBigIntegerField(_("tamaño del paquete"), null=True,
                                                  blank=True)
    created_by_id = models.BigIntegerField(_("enviada por (id)"), null=True, blank=True)
    created_by_name = models.CharField(_("enviada por"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)
    sent_at = models.DateTimeField(_("enviada"), null=True, blank=True)

    class Meta:
        verbose_name = _("remisión del expediente")
        verbose_name_plural = _("remisiones de expedientes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.expediente.codigo} → {self.destino_nombre}"

    @property
    def is_retryable(self) -> bool:
        return self.estado == EstadoRemision.ERROR


class HistorialRemision(models.Model):
    """A step of a remission: prepared, sent, error, retried."""

    remision = models.ForeignKey(Remision, verbose_name=_("remisión"),
                                 on_delete=models.CASCADE, related_name="historial")
    estado = models.CharField(_("estado"), max_length=20, choices=EstadoRemision.choices)
    descripcion = models.TextField(_("descripción"))
    at = models.DateTimeField(_("fecha"), auto_now_add=True)

    class Meta:
        verbose_name = _("paso de la remisión")
        verbose_name_plural = _("pasos de la remisión")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_estado_display()}"
