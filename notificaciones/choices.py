"""Enumerations of the notificaciones electrónicas (Ley 39/2015, arts. 40–43)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Canal(models.TextChoices):
    """How the notification is practised (art. 41.1)."""

    SEDE = "sede", _("Comparecencia en la sede electrónica")
    PAPEL = "papel", _("En papel")


class MotivoCanal(models.TextChoices):
    """Why the channel: the interesado is obliged to electronic means (art. 14.2), chose
    them (art. 14.1), or neither, and is notified on paper."""

    PERSONA_JURIDICA = "juridica", _("Obligado: persona jurídica (art. 14.2.a)")
    ENTIDAD_SIN_PERSONALIDAD = "sin_personalidad", _(
        "Obligado: entidad sin personalidad jurídica (art. 14.2.b)")
    PROFESIONAL = "profesional", _("Obligado: profesional colegiado (art. 14.2.c)")
    REPRESENTANTE = "representante", _("Obligado: representante de un obligado (art. 14.2.d)")
    EMPLEADO_PUBLICO = "empleado", _("Obligado: empleado público (art. 14.2.e)")
    ELECCION = "eleccion", _("Ha elegido la notificación electrónica (art. 14.1)")
    NO_OBLIGADO = "no_obligado", _("No obligado ni ha elegido medios electrónicos: en papel")


class EstadoNotificacion(models.TextChoices):
    """Per destinatario. Electronic: puesta a disposición → accedida | rechazada (express,
    or by 10 calendar days without access, art. 43.2) | expirada; paper: pendiente de
    entrega → entregada | rechazada | fallida. The first terminal event counts (art. 41.7);
    later ones are recorded only."""

    PUESTA_DISPOSICION = "puesta", _("Puesta a disposición")
    ACCEDIDA = "accedida", _("Accedida (notificada)")
    RECHAZADA = "rechazada", _("Rechazada expresamente")
    RECHAZADA_PLAZO = "rechazada_plazo", _("Rechazada por transcurso del plazo")
    EXPIRADA = "expirada", _("Expirada")
    PENDIENTE_PAPEL = "pendiente_papel", _("Pendiente de entrega en papel")
    ENTREGADA_PAPEL = "entregada_papel", _("Entregada en papel")
    FALLIDA_PAPEL = "fallida_papel", _("Entrega en papel fallida")
    ANULADA = "anulada", _("Anulada")

    @classmethod
    def pendientes(cls) -> list[str]:
        return [cls.PUESTA_DISPOSICION, cls.PENDIENTE_PAPEL]

    @classmethod
    def terminales(cls) -> list[str]:
        return [s for s in cls.values if s not in cls.pendientes()]


class TipoEvento(models.TextChoices):
    """The evidence kept for a notification; each state change issues an acuse."""

    PUESTA_DISPOSICION = "puesta", _("Puesta a disposición")
    AVISO_ENVIADO = "aviso", _("Aviso enviado")
    AVISO_FALLIDO = "aviso_fallido", _("Aviso no entregado")
    ACCESO = "acceso", _("Acceso al contenido (comparecencia)")
    RECHAZO = "rechazo", _("Rechazo expreso")
    RECHAZO_PLAZO = "rechazo_plazo", _("Rechazo por transcurso de diez días naturales")
    EXPIRACION = "expiracion", _("Expiración")
    ENTREGA_PAPEL = "entrega_papel", _("Entrega en papel")
    ENTREGA_PAPEL_FALLIDA = "entrega_papel_fallida", _("Entrega en papel fallida")
    ANULACION = "anulacion", _("Anulación")
    CONSULTA_POSTERIOR = "consulta", _("Consulta posterior del contenido")


class ResultadoPapel(models.TextChoices):
    """What the postal or municipal notifier records (art. 42)."""

    ENTREGADA = "entregada", _("Entregada")
    REHUSADA = "rehusada", _("Rehusada")
    AUSENTE = "ausente", _("Ausente (dos intentos)")
    DESCONOCIDO = "desconocido", _("Desconocido en la dirección")
    DIRECCION_INCORRECTA = "direccion_incorrecta", _("Dirección incorrecta")
    FALLECIDO = "fallecido", _("Fallecido")


class CanalAviso(models.TextChoices):
    EMAIL = "email", _("Correo electrónico")
    SMS = "sms", _("SMS")


class EstadoAviso(models.TextChoices):
    PENDIENTE = "pendiente", _("Pendiente")
    ENVIADO = "enviado", _("Enviado")
    FALLIDO = "fallido", _("Fallido")
