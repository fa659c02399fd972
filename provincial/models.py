"""Persisted jobs (every piece of asynchronous work) and the append-only audit trail.

Both live in the public schema and carry the entity they belong to.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from provincial.choices import FileDirection, JobState


class JobQuerySet(models.QuerySet):
    def for_entity(self, entity) -> JobQuerySet:
        """Jobs of one entity; the only way views list or fetch an entity's jobs."""
        return self.filter(entity=entity)

    def provincial(self) -> JobQuerySet:
        return self.filter(entity__isnull=True)


class Job(models.Model):
    """One piece of asynchronous work: what, for whom, state, attempts, progress, files, log."""

    kind = models.CharField(_("tipo"), max_length=60)
    entity = models.ForeignKey("tenants.Entity", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="jobs", verbose_name=_("entidad"))
    queue = models.CharField(_("cola"), max_length=20, default="default")
    state = models.CharField(_("estado"), max_length=10, choices=JobState.choices,
                             default=JobState.PENDING, db_index=True)
    payload = models.JSONField(_("datos"), default=dict, blank=True)
    result = models.JSONField(_("resultado"), default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(_("intentos"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("intentos máximos"), default=5)
    progress = models.PositiveSmallIntegerField(_("progreso (%)"), default=0)
    progress_message = models.CharField(_("fase"), max_length=200, blank=True)
    log = models.TextField(_("registro"), blank=True)
    error = models.TextField(_("error"), blank=True)
    celery_task_id = models.CharField(_("tarea de Celery"), max_length=50, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("solicitado por"))
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    dispatched_at = models.DateTimeField(_("enviado a la cola"), null=True, blank=True)
    started_at = models.DateTimeField(_("iniciado"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminado"), null=True, blank=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("trabajo")
        verbose_name_plural = _("trabajos")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["entity", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.label} #{self.pk}"

    @property
    def label(self) -> str:
        from provincial.jobs import registry

        return registry.label(self.kind)

    @property
    def queue_label(self) -> str:
        from provincial.jobs import queue_label

        return queue_label(self.queue)

    @property
    def is_finished(self) -> bool:
        return self.state in (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


def job_file_upload_to(instance: JobFile, filename: str) -> str:
    owner = instance.job.entity.schema_name if instance.job.entity_id else "public"
    return f"trabajos/{owner}/{instance.job_id}/{instance.direction}/{filename}"


class JobFile(models.Model):
    """A file a job read or produced (e.g. the INE file sent, the return file loaded)."""

    job = models.ForeignKey(Job, verbose_name=_("trabajo"),
                            on_delete=models.CASCADE, related_name="files")
    direction = models.CharField(_("sentido"), max_length=3, choices=FileDirection.choices)
    name = models.CharField(_("nombre"), max_length=200)
    file = models.FileField(_("fichero"), upload_to=job_file_upload_to)
    sha256 = models.CharField(_("huella SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("tamaño en bytes"))
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)

    class Meta:
        ordering = ["job", "direction", "name"]
        verbose_name = _("fichero de un trabajo")
        verbose_name_plural = _("ficheros de los trabajos")

    def __str__(self) -> str:
        return self.name


class IdempotencyKey(models.Model):
    """An effect already applied (see provincial.jobs.apply_once): a retried job skips it."""

    key = models.CharField(_("clave"), max_length=200, unique=True)
    job = models.ForeignKey(Job, verbose_name=_("trabajo"),
                            null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("efecto ya aplicado")
        verbose_name_plural = _("efectos ya aplicados (reintentos de trabajos)")

    def __str__(self) -> str:
        return self.key


class AuditEvent(models.Model):
    """Who did or read what, where and when. Append-only: a database trigger refuses
    UPDATE and DELETE, so not even a provincial admin can rewrite history."""

    entity = models.ForeignKey("tenants.Entity", null=True, blank=True,
                               on_delete=models.DO_NOTHING, db_constraint=False,
                               related_name="+", verbose_name=_("entidad"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+", verbose_name=_("usuario"))
    username = models.CharField(_("nombre de usuario"), max_length=150, blank=True)
    action = models.CharField(_("acción"), max_length=80, db_index=True)
    object_type = models.CharField(_("tipo de objeto"), max_length=80, blank=True)
    object_id = models.CharField(_("identificador"), max_length=64, blank=True)
    object_repr = models.CharField(_("objeto"), max_length=200, blank=True)
    detail = models.JSONField(_("detalle"), default=dict, blank=True)
    # Keyed hash of the document (DNI/NIE/passport) of the person whose data was read or
    # changed: answers "who looked at my data" without storing the document in clear.
    subject_ref = models.CharField(_("persona afectada (huella)"), max_length=64, blank=True,
                                   db_index=True)
    source_ip = models.GenericIPAddressField(_("IP de origen"), null=True, blank=True)
    created_at = models.DateTimeField(_("fecha"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("evento de auditoría")
        verbose_name_plural = _("auditoría")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["entity", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.username} · {self.action_label} · {self.object_repr}"

    @property
    def action_label(self) -> str:
        """What people read instead of the code (see `provincial.audit_labels`)."""
        from provincial.audit_labels import labels

        return labels.label(self.action)

    @property
    def object_type_label(self) -> str:
        """The Spanish name of the object's model ("" when there is no object)."""
        from django.apps import apps

        if not self.object_type:
            return ""
        try:
            return str(apps.get_model(self.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return str(_("otro objeto"))


class SchemaMigrationState(models.Model):
    """Migration state of one schema, recorded by migrate_schemas for the admin dashboard."""

    schema_name = models.CharField(_("esquema"), max_length=63, unique=True)
    applied = models.PositiveIntegerField(_("migraciones aplicadas"), default=0)
    pending = ArrayField(models.CharField(max_length=200), verbose_name=_("pendientes"),
                         default=list, blank=True)
    checked_at = models.DateTimeField(_("comprobado"))
    migrated_at = models.DateTimeField(_("migrado por última vez"), null=True, blank=True)

    class Meta:
        verbose_name = _("estado de migraciones")
        verbose_name_plural = _("estado de migraciones por esquema")
        ordering = ["schema_name"]

    def __str__(self) -> str:
        return self.schema_name

    @property
    def is_up_to_date(self) -> bool:
        return not self.pending
