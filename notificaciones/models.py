"""Notificaciones electrónicas: a remesa (one act notified: a signed document of an
expediente, or of a salida in the registro) has one notificación per destinatario, each
with its own state, evidence (eventos, each with its sealed acuse) and avisos. The
registro de apoderamientos says who may appear for whom."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from notificaciones.choices import (
    Canal,
    CanalAviso,
    EstadoAviso,
    EstadoNotificacion,
    MotivoCanal,
    ResultadoPapel,
    TipoEvento,
)


class Remesa(models.Model):
    """One act notified to one or more destinatarios. The content is the signed document
    (`documento`, of an expediente) or the first anexo of a salida (`asiento_origen`);
    its SHA-256 is fixed when the remesa is made, and every acuse prints it."""

    expediente = models.ForeignKey("expedientes.Expediente", verbose_name=_("expediente"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="remesas")
    documento = models.ForeignKey("expedientes.Documento", verbose_name=_("documento notificado"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="remesas")
    asiento_origen = models.ForeignKey("registro.Asiento",
                                       verbose_name=_("asiento de salida de origen"),
                                       null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="remesas_origen")
    concepto = models.CharField(_("concepto"), max_length=250)
    procedimiento_code = models.CharField(_("código del procedimiento"), max_length=30,
                                          blank=True)
    # The contents notified, frozen: name, type and hash of the bytes read at creation.
    contenido_nombre = models.CharField(_("nombre del fichero notificado"), max_length=200)
    contenido_mime = models.CharField(_("tipo del fichero notificado"), max_length=100,
                                      default="application/pdf")
    contenido_sha256 = models.CharField(_("huella SHA-256 del contenido"), max_length=64)
    # Where a procedure says so, pending notifications expire at this moment.
    caduca_at = models.DateTimeField(_("caduca"), null=True, blank=True)
    created_by_id = models.BigIntegerField(_("creada por (id)"), null=True, blank=True)
    created_by_name = models.CharField(_("creada por"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)

    class Meta:
        verbose_name = _("remesa de notificaciones")
        verbose_name_plural = _("remesas de notificaciones")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(
            condition=Q(documento__isnull=False) | Q(asiento_origen__isnull=False),
            name="notificaciones_remesa_con_contenido")]

    def __str__(self) -> str:
        return self.concepto


class Apoderamiento(models.Model):
    """A representation registered at the entity (registro de apoderamientos, art. 6): the
    apoderado may appear for the poderdante in the procedures it covers (all of them when
    `procedimiento_code` is blank), between its dates, unless revoked."""

    poderdante_tipo_documento = models.CharField(_("tipo de documento del poderdante"),
                                                 max_length=10)
    poderdante_documento = models.CharField(_("documento del poderdante"), max_length=20,
                                            db_index=True)
    poderdante_nombre = models.CharField(_("nombre o razón social del poderdante"),
                                         max_length=250)
    apoderado_tipo_documento = models.CharField(_("tipo de documento del apoderado"),
                                                max_length=10)
    apoderado_documento = models.CharField(_("documento del apoderado"), max_length=20,
                                           db_index=True)
    apoderado_nombre = models.CharField(_("nombre del apoderado"), max_length=250)
    apoderado_email = models.EmailField(_("correo electrónico del apoderado"), blank=True)
    apoderado_telefono = models.CharField(_("teléfono del apoderado"), max_length=20,
                                          blank=True)
    procedimiento_code = models.CharField(
        _("procedimiento"), max_length=30, blank=True,
        help_text=_("Código del procedimiento; en blanco, todos los procedimientos."))
    valido_desde = models.DateField(_("válido desde"))
    valido_hasta = models.DateField(_("válido hasta"), null=True, blank=True)
    revocado_at = models.DateTimeField(_("revocado"), null=True, blank=True)
    revocado_motivo = models.CharField(_("motivo de la revocación"), max_length=250, blank=True)
    referencia = models.CharField(_("referencia del poder"), max_length=100, blank=True,
                                  help_text=_("Escritura, apud acta o número del REA."))
    created_by_id = models.BigIntegerField(_("registrado por (id)"), null=True, blank=True)
    created_by_name = models.CharField(_("registrado por"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("registrado"), auto_now_add=True)

    class Meta:
        verbose_name = _("apoderamiento")
        verbose_name_plural = _("apoderamientos")
        ordering = ["poderdante_nombre", "pk"]

    def __str__(self) -> str:
        return f"{self.apoderado_nombre} → {self.poderdante_nombre}"


class Notificacion(models.Model):
    """The notification of a remesa to one destinatario (interesado), with a
    representative when an apoderamiento covers it. `estado` moves only through
    notificaciones.actions; `vence_at` is the end of the ten calendar days (art. 43.2)."""

    remesa = models.ForeignKey(Remesa, verbose_name=_("remesa"), on_delete=models.PROTECT,
                               related_name="notificaciones")
    referencia = models.CharField(_("referencia"), max_length=30, unique=True)
    tipo_documento = models.CharField(_("tipo de documento"), max_length=10)
    documento = models.CharField(_("documento del destinatario"), max_length=20, db_index=True)
    nombre = models.CharField(_("nombre o razón social"), max_length=200)
    apellido1 = models.CharField(_("primer apellido"), max_length=100, blank=True)
    apellido2 = models.CharField(_("segundo apellido"), max_length=100, blank=True)
    email = models.EmailField(_("correo electrónico para el aviso"), blank=True)
    telefono = models.CharField(_("teléfono móvil para el aviso"), max_length=20, blank=True)
    direccion = models.CharField(_("dirección postal"), max_length=300, blank=True)
    canal = models.CharField(_("canal"), max_length=10, choices=Canal.choices)
    motivo_canal = models.CharField(_("motivo del canal"), max_length=20,
                                    choices=MotivoCanal.choices)
    apoderamiento = models.ForeignKey(Apoderamiento, verbose_name=_("apoderamiento"),
                                      null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="notificaciones")
    representante_documento = models.CharField(_("documento del representante"),
                                               max_length=20, blank=True, db_index=True)
    representante_nombre = models.CharField(_("representante"), max_length=250, blank=True)
    estado = models.CharField(_("estado"), max_length=20, choices=EstadoNotificacion.choices,
                              db_index=True)
    asiento_salida = models.ForeignKey("registro.Asiento", verbose_name=_("asiento de salida"),
                                       null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="notificaciones")
    puesta_at = models.DateTimeField(_("puesta a disposición"), null=True, blank=True)
    vence_at = models.DateTimeField(_("rechazo por plazo"), null=True, blank=True,
                                    db_index=True)
    practicada_at = models.DateTimeField(_("practicada o rechazada"), null=True, blank=True)
    # Who appeared (comparecencia) or rejected: the person identified, how, at what level.
    actor_documento = models.CharField(_("documento de quien comparece"), max_length=20,
                                       blank=True)
    actor_nombre = models.CharField(_("nombre de quien comparece"), max_length=250, blank=True)
    actor_metodo = models.CharField(_("método de identificación"), max_length=20, blank=True)
    actor_nivel = models.CharField(_("nivel de seguridad"), max_length=20, blank=True)
    resultado_papel = models.CharField(_("resultado de la entrega en papel"), max_length=30,
                                       choices=ResultadoPapel.choices, blank=True)
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizada"), auto_now=True)

    class Meta:
        verbose_name = _("notificación")
        verbose_name_plural = _("notificaciones")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["estado", "vence_at"],
                                name="notif_estado_vence_idx")]

    def __str__(self) -> str:
        return f"{self.referencia} — {self.nombre_completo}"

    @property
    def nombre_completo(self) -> str:
        return " ".join(p for p in (self.nombre, self.apellido1, self.apellido2) if p)

    @property
    def is_pendiente(self) -> bool:
        return self.estado in EstadoNotificacion.pendientes()


class Evento(models.Model):
    """Evidence of one thing that happened to a notification, with the acuse issued for it
    (sealed PDF with CSV) and, when there is an expediente, that acuse's copy in it."""

    notificacion = models.ForeignKey(Notificacion, verbose_name=_("notificación"),
                                     on_delete=models.PROTECT, related_name="eventos")
    tipo = models.CharField(_("tipo"), max_length=30, choices=TipoEvento.choices)
    at = models.DateTimeField(_("fecha y hora"))
    estado_resultante = models.CharField(_("estado resultante"), max_length=20,
                                         choices=EstadoNotificacion.choices, blank=True)
    # True when it changed nothing: a later event after the first terminal one (art. 41.7).
    is_sin_efecto = models.BooleanField(_("sin efecto"), default=False)
    actor_documento = models.CharField(_("documento"), max_length=20, blank=True)
    actor_nombre = models.CharField(_("nombre"), max_length=250, blank=True)
    actor_metodo = models.CharField(_("método de identificación"), max_length=20, blank=True)
    actor_nivel = models.CharField(_("nivel de seguridad"), max_length=20, blank=True)
    actor_user_id = models.BigIntegerField(_("usuario (id)"), null=True, blank=True)
    actor_user_name = models.CharField(_("usuario"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("dirección IP"), null=True, blank=True)
    user_agent = models.CharField(_("navegador"), max_length=300, blank=True)
    detalle = models.JSONField(_("detalle"), default=dict, blank=True)
    acuse = models.OneToOneField("documentos.IssuedDocument", verbose_name=_("acuse"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="evento_notificacion")
    documento_expediente = models.ForeignKey("expedientes.Documento",
                                             verbose_name=_("acuse en el expediente"),
                                             null=True, blank=True, on_delete=models.PROTECT,
                                             related_name="eventos_notificacion")

    class Meta:
        verbose_name = _("evento de notificación")
        verbose_name_plural = _("eventos de notificación")
        ordering = ["notificacion_id", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.notificacion.referencia}: {self.get_tipo_display()}"


class Aviso(models.Model):
    """An aviso of puesta a disposición (art. 41.6): it carries no content, and its failure
    does not invalidate the notification."""

    notificacion = models.ForeignKey(Notificacion, verbose_name=_("notificación"),
                                     on_delete=models.PROTECT, related_name="avisos")
    canal = models.CharField(_("canal"), max_length=10, choices=CanalAviso.choices)
    destino = models.CharField(_("destino"), max_length=254)
    estado = models.CharField(_("estado"), max_length=10, choices=EstadoAviso.choices,
                              default=EstadoAviso.PENDIENTE)
    error = models.CharField(_("error"), max_length=500, blank=True)
    proveedor_id = models.CharField(_("identificador del proveedor"), max_length=100,
                                    blank=True)
    is_reenvio = models.BooleanField(_("reenvío"), default=False)
    created_by_name = models.CharField(_("pedido por"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    sent_at = models.DateTimeField(_("enviado"), null=True, blank=True)

    class Meta:
        verbose_name = _("aviso de notificación")
        verbose_name_plural = _("avisos de notificación")
        ordering = ["notificacion_id", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_canal_display()} → {self.destino}"


class ContadorNotificacion(models.Model):
    """Gap-free numbering of the references per year (N-2026-000001)."""

    year = models.PositiveIntegerField(_("año"), unique=True)
    last = models.PositiveIntegerField(_("último número"), default=0)

    class Meta:
        verbose_name = _("contador de notificaciones")
        verbose_name_plural = _("contadores de notificaciones")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
