"""Certificates of the province's entities (FNMT, ACCV or the platform's own CA), from the
request to their end, and the platform's local certification authority.

Everything lives in the public schema: the Diputación is the registration office of every
entity, so rows that belong to an entity carry a FK to it, and every lookup made on
someone's behalf goes through `certificados.access`.

Private keys are never stored in clear: a key the platform holds (the sello de órgano, the
CA keys, an employee's key waiting for its one delivery) is a Fernet token of
`provincial.signing.keys`, whose encryption keys live outside the database.
"""

from __future__ import annotations

import datetime

from cryptography import x509
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificados.choices import (
    Accion,
    Autoridad,
    Custodia,
    Estado,
    MotivoRevocacion,
    Operacion,
    Tipo,
    TipoDocumento,
)


class LocalCA(models.Model):
    """The platform's own certification authority: a root and the issuing CA under it,
    with the CRL each publishes. Certificates it issued stay verifiable after it is
    replaced, so old ones are kept (not active)."""

    name = models.CharField(_("nombre"), max_length=200)
    is_active = models.BooleanField(_("en uso"), default=True)
    root_certificate_pem = models.TextField(_("certificado raíz (PEM)"), editable=False)
    root_key_token = models.TextField(_("clave de la raíz (cifrada)"), editable=False)
    issuing_certificate_pem = models.TextField(_("certificado de la AC emisora (PEM)"),
                                               editable=False)
    issuing_key_token = models.TextField(_("clave de la AC emisora (cifrada)"), editable=False)
    crl_der = models.BinaryField(_("CRL vigente de la AC emisora (DER)"), default=b"",
                                 editable=False)
    crl_number = models.PositiveIntegerField(_("número de la CRL"), default=0, editable=False)
    crl_next_update = models.DateTimeField(_("próxima actualización de la CRL"), null=True,
                                           editable=False)
    root_crl_der = models.BinaryField(_("CRL vigente de la raíz (DER)"), default=b"",
                                      editable=False)
    root_crl_number = models.PositiveIntegerField(_("número de la CRL de la raíz"), default=0,
                                                  editable=False)
    published_at = models.DateTimeField(_("CRL publicada"), null=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("creada por"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("creada"), default=timezone.now)
    updated_at = models.DateTimeField(_("actualizada"), auto_now=True)

    class Meta:
        verbose_name = _("autoridad de certificación local")
        verbose_name_plural = _("autoridades de certificación locales")
        ordering = ["-is_active", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True),
                                               name="certificados_one_active_local_ca")]

    def __str__(self) -> str:
        return self.name

    @property
    def root_certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.root_certificate_pem.encode())

    @property
    def issuing_certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.issuing_certificate_pem.encode())


class CertificadoQuerySet(models.QuerySet):
    def for_entity(self, entity) -> CertificadoQuerySet:
        return self.filter(entity_id=entity.pk)

    def alive(self) -> CertificadoQuerySet:
        return self.filter(state__in=Estado.alive())

    def expiring_between(self, start: datetime.datetime, end: datetime.datetime
                         ) -> CertificadoQuerySet:
        return self.filter(not_after__gte=start, not_after__lt=end)


class Certificado(models.Model):
    """A certificate of an entity, from its request to its end: one row and its history.

    Requested by the entity's user administrator; verified (acreditación), sent on and
    recorded, or issued by the local CA, by the Diputación's registration office.
    """

    entity = models.ForeignKey("tenants.Entity", on_delete=models.PROTECT,
                               related_name="certificados", verbose_name=_("entidad"))
    kind = models.CharField(_("tipo"), max_length=10, choices=Tipo.choices)
    authority = models.CharField(_("autoridad de certificación"), max_length=10,
                                 choices=Autoridad.choices)
    state = models.CharField(_("estado"), max_length=12, choices=Estado.choices,
                             default=Estado.SOLICITADO)
    # The employee for an empleado público certificate; the person responsible (who asks
    # and answers for it) for a sello or a sede.
    holder_given_name = models.CharField(_("nombre"), max_length=100)
    holder_surnames = models.CharField(_("apellidos"), max_length=150)
    holder_nif = models.CharField(_("NIF"), max_length=9)
    holder_email = models.EmailField(_("correo electrónico"))
    holder_position = models.CharField(_("cargo o puesto"), max_length=150)
    organo = models.CharField(_("órgano o unidad"), max_length=200,
                              help_text=_("Para un sello, el órgano que lo usa."))
    dir3_code = models.CharField(_("código DIR3 del órgano"), max_length=9)
    sede_domain = models.CharField(_("dominio de la sede"), max_length=253, blank=True)
    notes = models.TextField(_("observaciones de la entidad"), blank=True)
    renews = models.ForeignKey("self", verbose_name=_("renueva a"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="renewals")
    external_reference = models.CharField(_("código de la solicitud en la autoridad"),
                                          max_length=80, blank=True)
    local_ca = models.ForeignKey(LocalCA, verbose_name=_("emitido por la AC local"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="certificados")
    certificate_pem = models.TextField(_("certificado (PEM)"), blank=True, editable=False)
    chain_pem = models.TextField(_("cadena de certificación (PEM)"), blank=True, editable=False)
    serial_hex = models.CharField(_("número de serie"), max_length=64, blank=True, editable=False)
    subject = models.TextField(_("titular del certificado (sujeto)"), blank=True, editable=False)
    issuer = models.TextField(_("emisor"), blank=True, editable=False)
    not_before = models.DateTimeField(_("válido desde"), null=True, blank=True, editable=False)
    not_after = models.DateTimeField(_("válido hasta"), null=True, blank=True, editable=False)
    key_custody = models.CharField(_("custodia de la clave"), max_length=10,
                                   choices=Custodia.choices, default=Custodia.NINGUNA,
                                   editable=False)
    key_token = models.TextField(_("clave privada (cifrada)"), blank=True, editable=False)
    key_delivered_at = models.DateTimeField(_("clave entregada"), null=True, blank=True,
                                            editable=False)
    key_delivered_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                         verbose_name=_("clave descargada por"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="+",
                                         editable=False)
    requested_operation = models.CharField(_("petición pendiente de la entidad"), max_length=10,
                                           choices=Operacion.choices, blank=True, editable=False)
    requested_operation_reason = models.TextField(_("motivo de la petición"), blank=True,
                                                  editable=False)
    requested_operation_at = models.DateTimeField(_("fecha de la petición"), null=True,
                                                  blank=True, editable=False)
    requested_operation_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                               verbose_name=_("petición hecha por"), null=True,
                                               blank=True, on_delete=models.PROTECT,
                                               related_name="+", editable=False)
    revocation_reason = models.CharField(_("motivo de la revocación"), max_length=25,
                                         choices=MotivoRevocacion.choices, blank=True,
                                         editable=False)
    suspended_at = models.DateTimeField(_("suspendido desde"), null=True, blank=True,
                                        editable=False)
    revoked_at = models.DateTimeField(_("revocado"), null=True, blank=True, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("solicitado por"),
                                     on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("solicitado"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    objects = CertificadoQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificado")
        verbose_name_plural = _("certificados")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "-created_at"], name="certificados_state_created"),
            models.Index(fields=["entity", "-created_at"], name="certificados_entity_created"),
            models.Index(fields=["not_after"], name="certificados_alive_not_after",
                         condition=Q(state__in=["emitido", "suspendido"])),
            models.Index(fields=["entity", "kind"], name="certificados_sello_lookup",
                         condition=Q(state="emitido", kind="sello")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "serial_hex"], condition=~Q(serial_hex=""),
                                    name="certificados_one_row_per_certificate"),
            models.CheckConstraint(condition=~Q(key_custody="ninguna") | Q(key_token=""),
                                   name="certificados_no_key_without_custody"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.get_kind_display()} · {self.title}"

    @property
    def reference(self) -> str:
        return f"CER-{self.pk:06d}" if self.pk else "CER-(nuevo)"

    @property
    def holder_name(self) -> str:
        return f"{self.holder_given_name} {self.holder_surnames}".strip()

    @property
    def title(self) -> str:
        """What the certificate is for, as people name it: the employee, the sello's
        órgano, the sede's address."""
        if self.kind == Tipo.SEDE:
            return self.sede_domain
        if self.kind == Tipo.SELLO:
            return self.organo
        return self.holder_name

    @property
    def requested_operation_phrase(self) -> str:
        """The entity's pending petition with its article («la suspensión»), or ""."""
        return Operacion(self.requested_operation).with_article if self.requested_operation else ""

    @property
    def kind_short(self) -> str:
        return Tipo(self.kind).short

    @property
    def is_issued_here(self) -> bool:
        return self.authority == Autoridad.LOCAL

    @property
    def has_certificate(self) -> bool:
        return bool(self.certificate_pem)

    @property
    def certificate(self) -> x509.Certificate | None:
        if not self.certificate_pem:
            return None
        return x509.load_pem_x509_certificate(self.certificate_pem.encode())

    @property
    def chain(self) -> list[x509.Certificate]:
        if not self.chain_pem:
            return []
        return x509.load_pem_x509_certificates(self.chain_pem.encode())

    def days_left(self, now: datetime.datetime | None = None) -> int | None:
        """Whole days from today (Madrid) to the day the certificate stops being valid."""
        if self.not_after is None:
            return None
        from certificados.caducidad import days_between

        return days_between(now or timezone.now(), self.not_after)


class Evento(models.Model):
    """One step of a certificate's life (append-only: a trigger refuses UPDATE and DELETE)."""

    certificado = models.ForeignKey(Certificado, verbose_name=_("certificado"),
                                    on_delete=models.PROTECT, related_name="eventos")
    action = models.CharField(_("acción"), max_length=20, choices=Accion.choices)
    from_state = models.CharField(_("estado anterior"), max_length=12, choices=Estado.choices,
                                  blank=True)
    to_state = models.CharField(_("estado nuevo"), max_length=12, choices=Estado.choices,
                                blank=True)
    reason = models.TextField(_("motivo o nota"), blank=True)
    data = models.JSONField(_("datos"), default=dict, blank=True)
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("quién"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("fecha"), default=timezone.now)

    class Meta:
        verbose_name = _("paso del certificado")
        verbose_name_plural = _("historial de certificados")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.certificado.reference} {self.get_action_display()}"

    @property
    def operator_display(self) -> str:
        """Who did it; empty for the platform itself (expiry, warnings)."""
        return self.operator.display_name if self.operator else ""


def adjunto_upload_to(instance: Adjunto, filename: str) -> str:
    return f"certificados/{instance.certificado.entity_id}/{instance.certificado_id}/{instance.sha256[:20]}"


class Adjunto(models.Model):
    """A supporting document of a request (content-checked: PDF or image)."""

    certificado = models.ForeignKey(Certificado, verbose_name=_("certificado"),
                                    on_delete=models.PROTECT, related_name="adjuntos")
    doc_type = models.CharField(_("documento"), max_length=20, choices=TipoDocumento.choices,
                                default=TipoDocumento.OTRO)
    file = models.FileField(_("fichero"), upload_to=adjunto_upload_to)
    name = models.CharField(_("nombre"), max_length=200)
    kind = models.CharField(_("formato"), max_length=10)
    size = models.PositiveIntegerField(_("tamaño"))
    sha256 = models.CharField(_("huella SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("subido por"),
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("fecha"), default=timezone.now)

    class Meta:
        verbose_name = _("documento de una solicitud de certificado")
        verbose_name_plural = _("documentos de las solicitudes de certificado")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


class AvisoCaducidad(models.Model):
    """An expiry warning sent: one per certificate, threshold and expiry date, so the daily
    task never sends it twice."""

    certificado = models.ForeignKey(Certificado, verbose_name=_("certificado"),
                                    on_delete=models.PROTECT, related_name="avisos")
    days = models.PositiveSmallIntegerField(_("días de antelación"))
    not_after = models.DateTimeField(_("caducidad avisada"))
    recipients = models.JSONField(_("destinatarios"), default=list)
    sent_at = models.DateTimeField(_("enviado"), default=timezone.now)

    class Meta:
        verbose_name = _("aviso de caducidad")
        verbose_name_plural = _("avisos de caducidad")
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["certificado", "days", "not_after"],
                                               name="certificados_aviso_once")]

    def __str__(self) -> str:
        return f"{self.certificado.reference} · {self.days}"


class Registrador(models.Model):
    """A person of the Diputación's registration office (registrador, enrolled with FNMT
    and ACCV) who works the certificates' queue besides the provincial admins."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("usuario"),
                                on_delete=models.PROTECT, related_name="registrador")
    code = models.CharField(_("código de registrador"), max_length=40, blank=True,
                            help_text=_("El que le asignaron la FNMT o la ACCV, si lo tiene."))
    is_active = models.BooleanField(_("en activo"), default=True)
    notes = models.TextField(_("observaciones"), blank=True)
    created_at = models.DateTimeField(_("alta"), default=timezone.now)

    class Meta:
        verbose_name = _("registrador de la oficina de registro")
        verbose_name_plural = _("registradores de la oficina de registro")
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return self.user.display_name
