"""Enumerations of the certificates' lifecycle."""

from __future__ import annotations

from cryptography import x509
from django.db import models
from django.utils.translation import gettext_lazy as _


class Tipo(models.TextChoices):
    """The kinds FNMT's and ACCV's public-sector catalogues issue."""

    EMPLEADO = "empleado", _("Empleado público")
    SEDE = "sede", _("Sede electrónica")
    SELLO = "sello", _("Sello electrónico (actuación administrativa automatizada)")

    @property
    def short(self) -> str:
        return str({"empleado": _("Empleado público"), "sede": _("Sede electrónica"),
                    "sello": _("Sello electrónico")}[self.value])


class Autoridad(models.TextChoices):
    FNMT = "fnmt", _("FNMT-RCM (AC Sector Público)")
    ACCV = "accv", _("ACCV (Agencia de Tecnología y Certificación Electrónica)")
    LOCAL = "local", _("Autoridad de certificación de la plataforma")


class Estado(models.TextChoices):
    SOLICITADO = "solicitado", _("Solicitado")
    ACREDITADO = "acreditado", _("Identidad acreditada")
    ENVIADO = "enviado", _("Enviado a la autoridad")
    EMITIDO = "emitido", _("Emitido")
    SUSPENDIDO = "suspendido", _("Suspendido")
    REVOCADO = "revocado", _("Revocado")
    CADUCADO = "caducado", _("Caducado")
    RECHAZADO = "rechazado", _("Rechazado")
    ANULADO = "anulado", _("Anulado por la entidad")

    @classmethod
    def pending(cls) -> list[str]:
        """Requests still on their way to a certificate."""
        return [cls.SOLICITADO, cls.ACREDITADO, cls.ENVIADO]

    @classmethod
    def alive(cls) -> list[str]:
        """Certificates that exist and have not ended (suspension can be lifted)."""
        return [cls.EMITIDO, cls.SUSPENDIDO]


class Accion(models.TextChoices):
    """What an entry of a certificate's history records."""

    SOLICITUD = "solicitud", _("Solicitud")
    ADJUNTO = "adjunto", _("Documento añadido")
    ACREDITACION = "acreditacion", _("Acreditación de la identidad")
    RECHAZO = "rechazo", _("Rechazo")
    ENVIO = "envio", _("Envío a la autoridad")
    EMISION = "emision", _("Emisión")
    REGISTRO = "registro", _("Registro del certificado emitido")
    PETICION = "peticion", _("Petición de la entidad")
    PETICION_DESCARTADA = "peticion_descartada", _("Petición no atendida")
    SUSPENSION = "suspension", _("Suspensión")
    LEVANTAMIENTO = "levantamiento", _("Levantamiento de la suspensión")
    REVOCACION = "revocacion", _("Revocación")
    CADUCIDAD = "caducidad", _("Caducidad")
    ANULACION = "anulacion", _("Anulación de la solicitud")
    ENTREGA_CLAVE = "entrega_clave", _("Entrega de la clave al titular")
    AVISO = "aviso", _("Aviso de caducidad")


class Operacion(models.TextChoices):
    """What an entity may ask the registration office to do with a certificate."""

    SUSPENDER = "suspender", _("Suspensión")
    LEVANTAR = "levantar", _("Levantamiento de la suspensión")
    REVOCAR = "revocar", _("Revocación")

    @property
    def with_article(self) -> str:
        """The noun as a sentence uses it: «la suspensión», «el levantamiento…»."""
        return str({"suspender": _("la suspensión"),
                    "levantar": _("el levantamiento de la suspensión"),
                    "revocar": _("la revocación")}[self.value])


class Custodia(models.TextChoices):
    """Where the private key of a certificate is."""

    NINGUNA = "ninguna", _("La plataforma no guarda la clave")
    PLATAFORMA = "plataforma", _("Guardada cifrada por la plataforma para firmar")
    PENDIENTE_ENTREGA = "pendiente", _("Cifrada hasta su entrega única al titular")


class MotivoRevocacion(models.TextChoices):
    """RFC 5280 reason codes an operator may give (certificateHold is the suspension)."""

    SIN_ESPECIFICAR = "unspecified", _("Sin especificar")
    CLAVE_COMPROMETIDA = "key_compromise", _("Clave comprometida (pérdida, robo, copia)")
    CAMBIO_AFILIACION = "affiliation_changed", _("Cambio de puesto, cese o jubilación del titular")
    SUSTITUIDO = "superseded", _("Sustituido por otro certificado")
    CESE_ACTIVIDAD = "cessation_of_operation", _("Cese de la actividad (órgano o sede suprimidos)")

    @property
    def flag(self) -> x509.ReasonFlags:
        return x509.ReasonFlags[self.value]


class TipoDocumento(models.TextChoices):
    IDENTIDAD = "identidad", _("DNI o NIE del titular o del responsable")
    NOMBRAMIENTO = "nombramiento", _("Nombramiento o acreditación del cargo")
    CREACION_SELLO = "creacion_sello", _("Resolución de creación del sello o de la sede")
    FORMULARIO = "formulario", _("Formulario de solicitud firmado")
    OTRO = "otro", _("Otro documento")
