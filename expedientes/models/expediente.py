"""Expedientes, their interesados, tasks, legal time-limit clock and history."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from expedientes.choices import (
    EstadoExpediente,
    EstadoTarea,
    Origen,
    RolInteresado,
    TipoEventoPlazo,
)


class ContadorExpediente(models.Model):
    """The last number given in a year; locked FOR UPDATE by each new expediente."""

    year = models.PositiveSmallIntegerField(_("año"), unique=True)
    ultimo = models.PositiveIntegerField(_("último número"), default=0)

    class Meta:
        verbose_name = _("contador de expedientes")
        verbose_name_plural = _("contadores de expedientes")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.ultimo}"


class Expediente(models.Model):
    """A case file: numbered without gaps per year (`339/2012`), of one procedure, with
    its interesados, documents, tasks and legal time limit."""

    year = models.PositiveSmallIntegerField(_("año"))
    numero = models.PositiveIntegerField(_("número"))
    procedimiento = models.ForeignKey("expedientes.Procedimiento",
                                      verbose_name=_("procedimiento"),
                                      on_delete=models.PROTECT, related_name="expedientes")
    asunto = models.CharField(_("asunto"), max_length=500)
    estado = models.CharField(_("estado"), max_length=20, choices=EstadoExpediente.choices,
                              default=EstadoExpediente.EN_TRAMITACION)
    fase = models.CharField(_("fase"), max_length=100, blank=True)
    origen = models.CharField(_("origen"), max_length=20, choices=Origen.choices,
                              default=Origen.DE_OFICIO)
    asiento = models.ForeignKey("registro.Asiento", verbose_name=_("asiento de entrada"),
                                null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    # Users live in the public schema: kept by id and name, as registro.Asiento does.
    responsable_id = models.BigIntegerField(_("responsable (id)"), null=True, blank=True)
    responsable_name = models.CharField(_("responsable"), max_length=150, blank=True)
    # The legal time limit: from `fecha_inicio` (the entrada in the registro, or the
    # agreement to open it), `fecha_vencimiento` after suspensions and extensions
    # (recomputed by expedientes.plazos on every EventoPlazo).
    fecha_inicio = models.DateField(_("inicio del plazo"))
    fecha_vencimiento = models.DateField(_("vencimiento del plazo"), null=True, blank=True)
    is_plazo_suspendido = models.BooleanField(_("plazo suspendido"), default=False)
    opened_at = models.DateTimeField(_("abierto"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resuelto"), null=True, blank=True)
    closed_at = models.DateTimeField(_("cerrado"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archivado"), null=True, blank=True)
    created_by_id = models.BigIntegerField(_("abierto por (id)"), null=True, blank=True)
    created_by_name = models.CharField(_("abierto por"), max_length=150, blank=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    class Meta:
        verbose_name = _("expediente")
        verbose_name_plural = _("expedientes")
        ordering = ["-year", "-numero"]
        constraints = [models.UniqueConstraint(fields=["year", "numero"],
                                               name="expedientes_numero_unico")]
        indexes = [models.Index(fields=["estado", "fecha_vencimiento"],
                                name="expediente_estado_plazo_idx")]

    def __str__(self) -> str:
        return f"{self.codigo} {self.asunto[:60]}"

    @staticmethod
    def format_codigo(year: int, numero: int) -> str:
        return f"{numero}/{year}"

    @property
    def codigo(self) -> str:
        """The number as clerks write it: `339/2012`."""
        return self.format_codigo(self.year, self.numero)

    @property
    def is_open(self) -> bool:
        return self.estado == EstadoExpediente.EN_TRAMITACION

    @property
    def situacion_plazo(self) -> str:
        """"vencido", "por_vencer", "suspendido" or "" (expedientes.plazos.situacion)."""
        from expedientes import plazos

        return plazos.situacion(self)

    @property
    def dias_restantes(self) -> int | None:
        """Calendar days from today to the end of the plazo (negative once past)."""
        if self.fecha_vencimiento is None:
            return None
        from django.utils import timezone

        return (self.fecha_vencimiento - timezone.localdate()).days


class InteresadoExpediente(models.Model):
    """A person or organisation with a role in an expediente."""

    expediente = models.ForeignKey(Expediente, verbose_name=_("expediente"),
                                   on_delete=models.CASCADE, related_name="interesados")
    rol = models.CharField(_("rol"), max_length=20, choices=RolInteresado.choices,
                           default=RolInteresado.INTERESADO)
    tipo_documento = models.CharField(_("tipo de documento"), max_length=10)
    documento = models.CharField(_("documento"), max_length=20, db_index=True)
    nombre = models.CharField(_("nombre o razón social"), max_length=200)
    apellido1 = models.CharField(_("primer apellido"), max_length=100, blank=True)
    apellido2 = models.CharField(_("segundo apellido"), max_length=100, blank=True)
    email = models.EmailField(_("correo electrónico"), blank=True)
    telefono = models.CharField(_("teléfono"), max_length=20, blank=True)
    direccion = models.CharField(_("dirección"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("añadido"), auto_now_add=True)

    class Meta:
        verbose_name = _("interesado del expediente")
        verbose_name_plural = _("interesados del expediente")
        ordering = ["expediente_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["expediente", "documento", "rol"],
                                               name="expedientes_interesado_unico")]

    def __str__(self) -> str:
        return self.nombre_completo

    @property
    def nombre_completo(self) -> str:
        return " ".join(p for p in (self.nombre, self.apellido1, self.apellido2) if p)


class Tarea(models.Model):
    """A task of an expediente assigned to a user, with a due date."""

    expediente = models.ForeignKey(Expediente, verbose_name=_("expediente"),
                                   on_delete=models.CASCADE, related_name="tareas")
    titulo = models.CharField(_("tarea"), max_length=250)
    descripcion = models.TextField(_("descripción"), blank=True)
    fase = models.CharField(_("fase"), max_length=100, blank=True)
    assigned_to_id = models.BigIntegerField(_("asignada a (id)"), null=True, blank=True)
    assigned_to_name = models.CharField(_("asignada a"), max_length=150, blank=True)
    due_date = models.DateField(_("fecha límite"), null=True, blank=True)
    estado = models.CharField(_("estado"), max_length=20, choices=EstadoTarea.choices,
                              default=EstadoTarea.PENDIENTE)
    done_at = models.DateTimeField(_("hecha"), null=True, blank=True)
    done_by_name = models.CharField(_("hecha por"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)

    class Meta:
        verbose_name = _("tarea")
        verbose_name_plural = _("tareas")
        ordering = ["estado", "due_date", "pk"]

    def __str__(self) -> str:
        return self.titulo


class EventoPlazo(models.Model):
    """A suspension, resumption or extension of the legal time limit, with its reason."""

    expediente = models.ForeignKey(Expediente, verbose_name=_("expediente"),
                                   on_delete=models.CASCADE, related_name="eventos_plazo")
    tipo = models.CharField(_("tipo"), max_length=20, choices=TipoEventoPlazo.choices)
    fecha = models.DateField(_("fecha"))
    # An extension: how many units it adds (art. 23: at most half the original limit).
    dias = models.PositiveSmallIntegerField(_("días"), null=True, blank=True)
    motivo = models.TextField(_("motivo"))
    created_by_name = models.CharField(_("registrado por"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("registrado"), auto_now_add=True)

    class Meta:
        verbose_name = _("cambio del plazo")
        verbose_name_plural = _("cambios del plazo")
        ordering = ["fecha", "pk"]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} {self.fecha:%d/%m/%Y}"


class Historial(models.Model):
    """What happened to an expediente or one of its documents, in order: opening, state
    changes, documents generated, sent to signature, each signature, rejections."""

    expediente = models.ForeignKey(Expediente, verbose_name=_("expediente"),
                                   on_delete=models.CASCADE, related_name="historial")
    documento = models.ForeignKey("expedientes.Documento", verbose_name=_("documento"),
                                  null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="historial")
    accion = models.CharField(_("acción"), max_length=60)
    descripcion = models.TextField(_("descripción"))
    user_id = models.BigIntegerField(_("usuario (id)"), null=True, blank=True)
    user_name = models.CharField(_("usuario"), max_length=150, blank=True)
    at = models.DateTimeField(_("fecha"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("historial")
        verbose_name_plural = _("historial")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.accion}"
