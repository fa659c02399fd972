"""Files INE returns to the municipality and the incidencias they raise.

Loading a return file never changes an inhabitant: each record becomes an IncidenciaINE
that a clerk accepts (the proposed operation is applied through padron.actions and the
resulting Movimiento is linked) or rejects. A file is recognised by its SHA-256, so the
same file is never loaded twice; a job loads at most one file (a re-run finds it).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from padron.models.habitantes import ErrorINE, Habitante, Movimiento


class TipoRetornoINE(models.TextChoices):
    # Kept beside the model (not in padron/choices.py) to stay within this change's files.
    ERRORES = "errores", _("Errores y devoluciones")
    ALTAS_OTROS_MUNICIPIOS = "altas_otros_municipios", _("Altas en otros municipios")
    DEFUNCIONES = "defunciones", _("Defunciones (Registro Civil)")
    NACIMIENTOS = "nacimientos", _("Nacimientos (Registro Civil)")
    PREAVISOS_ENCSARP = "preavisos_encsarp", _("Preavisos de caducidad (ENCSARP)")


class EstadoRetornoINE(models.TextChoices):
    CARGADO = "cargado", _("Pendiente de revisar")
    RESUELTO = "resuelto", _("Revisado")


class AccionPropuesta(models.TextChoices):
    ERROR = "error", _("Error del INE")
    BAJA_CAMBIO_RESIDENCIA = "baja_cambio_residencia", _("Baja por cambio de residencia")
    BAJA_DEFUNCION = "baja_defuncion", _("Baja por defunción")
    ALTA_NACIMIENTO = "alta_nacimiento", _("Alta por nacimiento")
    PREAVISO = "preaviso", _("Preaviso de caducidad")


class EstadoIncidencia(models.TextChoices):
    PENDIENTE = "pendiente", _("Pendiente")
    ACEPTADA = "aceptada", _("Aceptada")
    RECHAZADA = "rechazada", _("Rechazada")


class Coincidencia(models.TextChoices):
    """How the record was matched to an inhabitant."""

    NIA = "nia", _("NIA")
    DOCUMENTO = "documento", _("Documento")
    NOMBRE = "nombre", _("Nombre y fecha de nacimiento")
    AMBIGUA = "ambigua", _("Varias personas posibles")
    NINGUNA = "ninguna", _("Sin coincidencia")


class RetornoINE(models.Model):
    """A file returned by INE (or the Registro Civil through INE), loaded once."""

    kind = models.CharField(_("tipo"), max_length=25, choices=TipoRetornoINE.choices)
    filename = models.CharField(_("fichero"), max_length=200)
    sha256 = models.CharField(_("huella SHA-256"), max_length=64, unique=True)
    records = models.PositiveIntegerField(_("registros"), default=0)
    state = models.CharField(_("estado"), max_length=10, choices=EstadoRetornoINE.choices,
                             default=EstadoRetornoINE.CARGADO, db_index=True)
    # provincial.Job lives in the public schema: an id, not a cross-schema foreign key.
    job_id = models.BigIntegerField(_("trabajo"), null=True, blank=True, unique=True)
    created_by_name = models.CharField(_("cargado por"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("cargado"), auto_now_add=True)

    class Meta:
        verbose_name = _("fichero devuelto por el INE")
        verbose_name_plural = _("ficheros devueltos por el INE")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.filename


class IncidenciaINE(models.Model):
    """One record of a returned file: what it proposes, for whom, and what the clerk did."""

    retorno = models.ForeignKey(RetornoINE, verbose_name=_("retorno del INE"),
                                on_delete=models.PROTECT, related_name="incidencias")
    line = models.PositiveIntegerField(_("línea"))
    datos = models.JSONField(_("datos del registro"))
    habitante = models.ForeignKey(Habitante, verbose_name=_("habitante"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="incidencias_ine")
    coincidencia = models.CharField(_("coincidencia"), max_length=10,
                                    choices=Coincidencia.choices)
    action = models.CharField(_("acción propuesta"), max_length=25,
                              choices=AccionPropuesta.choices)
    state = models.CharField(_("estado"), max_length=10, choices=EstadoIncidencia.choices,
                             default=EstadoIncidencia.PENDIENTE, db_index=True)
    error = models.ForeignKey(ErrorINE, verbose_name=_("error del INE"),
                              null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    resolved_by = models.CharField(_("resuelta por"), max_length=150, blank=True)
    resolved_at = models.DateTimeField(_("resuelta"), null=True, blank=True)
    movimiento = models.ForeignKey(Movimiento, verbose_name=_("movimiento"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    note = models.TextField(_("nota"), blank=True)
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)

    class Meta:
        verbose_name = _("incidencia del INE")
        verbose_name_plural = _("incidencias del INE")
        ordering = ["retorno", "line"]
        constraints = [
            models.UniqueConstraint(fields=["retorno", "line"], name="incidencia_linea_unica"),
            models.CheckConstraint(
                condition=Q(state="pendiente") | Q(resolved_at__isnull=False),
                name="incidencia_resuelta_con_fecha"),
        ]

    def __str__(self) -> str:
        return f"{self.retorno} #{self.line}"
