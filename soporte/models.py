"""The incident desk: incidents of every adhered entity, their conversation and history,
support groups and routing, the Diputación's working calendar, SLA targets, the
knowledge base, inbound mail kept for review and the historical yearly figures.

Everything lives in the public schema; rows that belong to an entity carry a FK to it
and every lookup made on someone's behalf goes through `Incidencia.objects.visible_to`.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from soporte.choices import Estado, EstadoCorreo, Prioridad, TipoEvento, Via


class Configuracion(models.Model):
    """Settings of the desk kept by provincial admins (one row)."""

    reopen_days = models.PositiveSmallIntegerField(
        _("días para reabrir"), default=10,
        help_text=_("Días naturales tras la resolución en los que el usuario puede reabrir."))
    max_attachment_mb = models.PositiveSmallIntegerField(_("tamaño máximo de un adjunto (MB)"),
                                                         default=10)

    class Meta:
        verbose_name = _("configuración del soporte")
        verbose_name_plural = _("configuración del soporte")

    def __str__(self) -> str:
        return str(_("Configuración del soporte"))

    @classmethod
    def current(cls) -> Configuracion:
        return cls.objects.order_by("pk").first() or cls()


class Categoria(models.Model):
    """A category of incident (consulta, error, petición de alta…), kept by provincial admins."""

    name = models.CharField(_("nombre"), max_length=80, unique=True)
    is_active = models.BooleanField(_("activa"), default=True)
    order = models.PositiveSmallIntegerField(_("orden"), default=0)

    class Meta:
        verbose_name = _("categoría")
        verbose_name_plural = _("categorías")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Grupo(models.Model):
    """A support group: its agents and the services it covers."""

    name = models.CharField(_("nombre"), max_length=80, unique=True)
    email = models.EmailField(_("correo del grupo"), blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("agentes"),
                                     related_name="grupos_soporte", blank=True,
                                     limit_choices_to={"is_support_agent": True})
    services = models.ManyToManyField("tenants.Service", verbose_name=_("servicios que atiende"),
                                      related_name="grupos_soporte", blank=True)

    class Meta:
        verbose_name = _("grupo de soporte")
        verbose_name_plural = _("grupos de soporte")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReglaAsignacion(models.Model):
    """Routing: incidents of a service and/or category go to a group (optionally to its
    agents in turn). The first matching rule by `order` wins."""

    order = models.PositiveSmallIntegerField(_("orden"), default=0)
    service = models.ForeignKey("tenants.Service", null=True, blank=True, on_delete=models.CASCADE,
                                verbose_name=_("servicio"), help_text=_("Vacío: cualquiera."))
    categoria = models.ForeignKey(Categoria, null=True, blank=True, on_delete=models.CASCADE,
                                  verbose_name=_("categoría"), help_text=_("Vacía: cualquiera."))
    grupo = models.ForeignKey(Grupo, on_delete=models.CASCADE, verbose_name=_("grupo"),
                              related_name="reglas")
    round_robin = models.BooleanField(_("asignar a los agentes por turno"), default=False)
    last_assigned = models.ForeignKey(settings.AUTH_USER_MODEL,
                                      verbose_name=_("último agente asignado"),
                                      null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        verbose_name = _("regla de asignación")
        verbose_name_plural = _("reglas de asignación")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.service or _('cualquier servicio')} · {self.categoria or _('cualquier categoría')} → {self.grupo}"


class Calendario(models.Model):
    """The Diputación's working calendar: business hours per weekday and holidays."""

    name = models.CharField(_("nombre"), max_length=80)
    is_default = models.BooleanField(_("calendario en vigor"), default=False)

    class Meta:
        verbose_name = _("calendario laboral")
        verbose_name_plural = _("calendarios laborales")
        ordering = ["-is_default", "name"]
        constraints = [models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True),
                                               name="soporte_one_default_calendar")]

    def __str__(self) -> str:
        return self.name


class Horario(models.Model):
    """A stretch of business hours on a weekday (0 = lunes)."""

    WEEKDAYS = [(0, _("Lunes")), (1, _("Martes")), (2, _("Miércoles")), (3, _("Jueves")),
                (4, _("Viernes")), (5, _("Sábado")), (6, _("Domingo"))]

    calendario = models.ForeignKey(Calendario, verbose_name=_("calendario"),
                                   on_delete=models.CASCADE, related_name="horarios")
    weekday = models.PositiveSmallIntegerField(_("día"), choices=WEEKDAYS)
    start = models.TimeField(_("desde"))
    end = models.TimeField(_("hasta"))

    class Meta:
        verbose_name = _("horario")
        verbose_name_plural = _("horarios")
        ordering = ["calendario", "weekday", "start"]
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")),
                                              name="soporte_horario_end_after_start")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class Festivo(models.Model):
    """A holiday of the calendar (no business hours that day)."""

    calendario = models.ForeignKey(Calendario, verbose_name=_("calendario"),
                                   on_delete=models.CASCADE, related_name="festivos")
    date = models.DateField(_("fecha"))
    name = models.CharField(_("festividad"), max_length=100)

    class Meta:
        verbose_name = _("festivo")
        verbose_name_plural = _("festivos")
        ordering = ["calendario", "date"]
        constraints = [models.UniqueConstraint(fields=["calendario", "date"],
                                               name="soporte_festivo_once")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class ObjetivoSLA(models.Model):
    """Service level targets of a priority, in business minutes."""

    priority = models.PositiveSmallIntegerField(_("prioridad"), choices=Prioridad.choices,
                                                unique=True)
    first_response_minutes = models.PositiveIntegerField(_("primera respuesta (minutos hábiles)"))
    resolution_minutes = models.PositiveIntegerField(_("resolución (minutos hábiles)"))

    class Meta:
        verbose_name = _("objetivo de servicio (SLA)")
        verbose_name_plural = _("objetivos de servicio (SLA)")
        ordering = ["-priority"]

    def __str__(self) -> str:
        return str(self.get_priority_display())


class Contador(models.Model):
    """Last reference number given in a year (gap-free, see actions.next_reference)."""

    year = models.PositiveSmallIntegerField(_("año"), primary_key=True)
    last = models.PositiveIntegerField(_("último número"), default=0)

    class Meta:
        verbose_name = _("contador de referencias")
        verbose_name_plural = _("contadores de referencias")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class IncidenciaQuerySet(models.QuerySet):
    def visible_to(self, user, entity=None) -> IncidenciaQuerySet:
        """The one visibility rule; see soporte.access.scope_for."""
        from soporte.access import scope_for

        scope = scope_for(user, entity)
        if scope.all_entities:
            return self
        if not scope.entity_ids:
            return self.none()
        return self.filter(entity_id__in=scope.entity_ids)

    def breaching(self, now: datetime.datetime) -> IncidenciaQuerySet:
        """Open incidents whose clock runs and whose first response or resolution is late."""
        return self.filter(state__in=Estado.clock_running()).filter(
            Q(first_response_at__isnull=True, first_response_due_at__lt=now)
            | Q(resolution_due_at__lt=now))


class Incidencia(models.Model):
    """An incident an entity filed with the provincial desk."""

    reference = models.CharField(_("referencia"), max_length=20, unique=True, editable=False)
    entity = models.ForeignKey("tenants.Entity", on_delete=models.PROTECT, related_name="incidencias",
                               verbose_name=_("entidad"))
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="incidencias_comunicadas", verbose_name=_("comunicada por"))
    service = models.ForeignKey("tenants.Service", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="incidencias", verbose_name=_("servicio"),
                                help_text=_("Vacío: consulta general."))
    categoria = models.ForeignKey(Categoria, null=True, blank=True, on_delete=models.PROTECT,
                                  verbose_name=_("categoría"))
    priority = models.PositiveSmallIntegerField(_("prioridad"), choices=Prioridad.choices,
                                                default=Prioridad.NORMAL)
    subject = models.CharField(_("asunto"), max_length=200)
    description = models.TextField(_("descripción"))
    via = models.CharField(_("canal"), max_length=10, choices=Via.choices, default=Via.WEB)
    state = models.CharField(_("estado"), max_length=10, choices=Estado.choices, default=Estado.NUEVA)
    grupo = models.ForeignKey(Grupo, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="incidencias", verbose_name=_("grupo"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="incidencias_asignadas",
                                 verbose_name=_("agente"))
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="duplicates", verbose_name=_("fusionada en"))
    related = models.ManyToManyField("self", blank=True, symmetrical=True,
                                     verbose_name=_("relacionadas"))
    # Optimistic locking: every change is a conditional UPDATE ... WHERE version = seen.
    version = models.PositiveIntegerField(_("versión"), default=1, editable=False)
    search = SearchVectorField(_("índice de búsqueda"), null=True, editable=False)
    # SLA (business-time deadlines; the clocks pause while pendiente del usuario).
    first_response_due_at = models.DateTimeField(_("primera respuesta antes de"), null=True)
    resolution_due_at = models.DateTimeField(_("resolución antes de"), null=True)
    first_response_at = models.DateTimeField(_("primera respuesta"), null=True, blank=True)
    paused_since = models.DateTimeField(_("en pausa desde"), null=True, blank=True, editable=False)
    paused_minutes = models.PositiveIntegerField(_("minutos hábiles en pausa"), default=0)
    first_response_breached = models.BooleanField(_("primera respuesta fuera de plazo"),
                                                  default=False)
    resolution_breached = models.BooleanField(_("resolución fuera de plazo"), default=False)
    created_at = models.DateTimeField(_("creada"), db_index=True)
    updated_at = models.DateTimeField(_("actualizada"))
    resolved_at = models.DateTimeField(_("resuelta"), null=True, blank=True)
    closed_at = models.DateTimeField(_("cerrada"), null=True, blank=True)

    objects = IncidenciaQuerySet.as_manager()

    class Meta:
        verbose_name = _("incidencia")
        verbose_name_plural = _("incidencias")
        ordering = ["-created_at"]
        indexes = [
            GinIndex(fields=["search"], name="soporte_incidencia_search"),
            models.Index(fields=["state", "-created_at"], name="soporte_inc_state_created"),
            models.Index(fields=["entity", "-created_at"], name="soporte_inc_entity_created"),
            models.Index(fields=["assignee", "state"], name="soporte_inc_assignee_state"),
            models.Index(fields=["resolution_due_at"], name="soporte_inc_resolution_due",
                         condition=Q(state__in=["nueva", "asignada", "en_curso"])),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.state in Estado.open_states()

    def reopen_deadline(self, config: Configuracion | None = None) -> datetime.datetime | None:
        if self.state != Estado.RESUELTA or self.resolved_at is None:
            return None
        config = config or Configuracion.current()
        return self.resolved_at + datetime.timedelta(days=config.reopen_days)


class Evento(models.Model):
    """One change of an incident (append-only: a trigger refuses UPDATE and DELETE)."""

    incidencia = models.ForeignKey(Incidencia, verbose_name=_("incidencia"),
                                   on_delete=models.PROTECT, related_name="eventos")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("autor"),
                              null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("tipo"), max_length=12, choices=TipoEvento.choices)
    old_value = models.CharField(_("antes"), max_length=200, blank=True)
    new_value = models.CharField(_("después"), max_length=200, blank=True)
    data = models.JSONField(_("datos"), default=dict, blank=True)
    created_at = models.DateTimeField(_("fecha"))

    class Meta:
        verbose_name = _("evento")
        verbose_name_plural = _("historial")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.incidencia.reference} {self.get_kind_display()}"

    @property
    def actor_display(self) -> str:
        """Who made the change; empty for the system (automatic assignment, SLA)."""
        return self.actor.display_name if self.actor else ""


class Mensaje(models.Model):
    """A public reply or an internal note in an incident's conversation."""

    incidencia = models.ForeignKey(Incidencia, verbose_name=_("incidencia"),
                                   on_delete=models.PROTECT, related_name="mensajes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+", verbose_name=_("autor"))
    is_internal = models.BooleanField(_("nota interna"), default=False)
    via = models.CharField(_("canal"), max_length=10, choices=Via.choices, default=Via.WEB)
    body = models.TextField(_("texto"))
    message_id = models.CharField(_("identificador del correo (Message-ID)"), max_length=250,
                                  blank=True, editable=False)
    created_at = models.DateTimeField(_("fecha"))

    class Meta:
        verbose_name = _("mensaje")
        verbose_name_plural = _("mensajes")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["message_id"], condition=~Q(message_id=""),
                                               name="soporte_mensaje_message_id_once")]

    def __str__(self) -> str:
        return f"{self.incidencia.reference} · {self.created_at:%d/%m/%Y %H:%M}"

    @property
    def author_display(self) -> str:
        """Who wrote it; empty when unknown (mail from an address of no user)."""
        return self.author.display_name if self.author else ""


def adjunto_upload_to(instance: Adjunto, filename: str) -> str:
    return f"soporte/{instance.incidencia.created_at:%Y}/{instance.incidencia.reference}/{instance.sha256[:16]}"


class Adjunto(models.Model):
    """A file attached to an incident (content-checked; served only to who sees the incident)."""

    incidencia = models.ForeignKey(Incidencia, verbose_name=_("incidencia"),
                                   on_delete=models.PROTECT, related_name="adjuntos")
    mensaje = models.ForeignKey(Mensaje, verbose_name=_("mensaje"),
                                null=True, blank=True, on_delete=models.PROTECT,
                                related_name="adjuntos")
    file = models.FileField(_("fichero"), upload_to=adjunto_upload_to)
    name = models.CharField(_("nombre"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=10)
    size = models.PositiveIntegerField(_("tamaño"))
    sha256 = models.CharField(_("huella SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("subido por"),
                                    null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("fecha"))

    class Meta:
        verbose_name = _("adjunto")
        verbose_name_plural = _("adjuntos")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Llamada(models.Model):
    """A phone call an agent took or made about an incident."""

    incidencia = models.ForeignKey(Incidencia, verbose_name=_("incidencia"),
                                   on_delete=models.PROTECT, related_name="llamadas")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("agente"))
    caller = models.CharField(_("quién llama"), max_length=120)
    phone = models.CharField(_("teléfono"), max_length=20, blank=True)
    started_at = models.DateTimeField(_("cuándo"))
    duration_minutes = models.PositiveSmallIntegerField(_("duración (minutos)"))
    summary = models.TextField(_("resumen"))
    created_at = models.DateTimeField(_("registrada"), auto_now_add=True)

    class Meta:
        verbose_name = _("llamada")
        verbose_name_plural = _("llamadas")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.incidencia.reference} · {self.caller}"


class ArticuloKBQuerySet(models.QuerySet):
    def published(self) -> ArticuloKBQuerySet:
        return self.filter(is_published=True)


class ArticuloKB(models.Model):
    """A published answer of the knowledge base, shown to clerks before they file."""

    title = models.CharField(_("título"), max_length=200)
    service = models.ForeignKey("tenants.Service", null=True, blank=True, on_delete=models.PROTECT,
                                verbose_name=_("servicio"), help_text=_("Vacío: general."))
    body = models.TextField(_("respuesta"))
    is_published = models.BooleanField(_("publicado"), default=False)
    search = SearchVectorField(_("índice de búsqueda"), null=True, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("autor"),
                               null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    objects = ArticuloKBQuerySet.as_manager()

    class Meta:
        verbose_name = _("artículo de la base de conocimiento")
        verbose_name_plural = _("base de conocimiento")
        ordering = ["title"]
        indexes = [GinIndex(fields=["search"], name="soporte_kb_search")]

    def __str__(self) -> str:
        return self.title


class CorreoEntrante(models.Model):
    """An inbound e-mail that could not be attached to an incident, kept for review."""

    received_at = models.DateTimeField(_("recibido"))
    sender = models.CharField(_("remitente"), max_length=250)
    subject = models.CharField(_("asunto"), max_length=250, blank=True)
    message_id = models.CharField(_("identificador del correo (Message-ID)"), max_length=250,
                                  blank=True)
    reason = models.CharField(_("motivo"), max_length=250)
    raw = models.BinaryField(_("mensaje original"))
    state = models.CharField(_("estado"), max_length=10, choices=EstadoCorreo.choices,
                             default=EstadoCorreo.PENDIENTE)
    incidencia = models.ForeignKey(Incidencia, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("incidencia"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("revisado por"),
                                    null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("correo entrante por revisar")
        verbose_name_plural = _("correo entrante por revisar")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject}"


class HistoricoAnual(models.Model):
    """Yearly figures from before the platform (the Diputación's reports)."""

    year = models.PositiveSmallIntegerField(_("año"), unique=True)
    count = models.PositiveIntegerField(_("incidencias atendidas"))
    source = models.CharField(_("fuente"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("cifra anual histórica")
        verbose_name_plural = _("cifras anuales históricas")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.count}"
