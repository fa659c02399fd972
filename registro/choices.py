"""Code lists of the registro. Where SICRES 3.0 has a code, the stored value is that code."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Libro(models.TextChoices):
    ENTRADA = "E", _("Entrada")
    SALIDA = "S", _("Salida")


class Canal(models.TextChoices):
    PRESENCIAL = "presencial", _("Presencial")
    SEDE = "sede", _("Sede electrónica")
    SIR = "sir", _("SIR (intercambio registral)")
    CORREO = "correo", _("Correo postal")


class EstadoAsiento(models.TextChoices):
    REGISTRADO = "registrado", _("Registrado")
    DISTRIBUIDO = "distribuido", _("Distribuido")
    ANULADO = "anulado", _("Anulado")


class EstadoIntercambio(models.TextChoices):
    """States of an asiento exchanged through SIR (AL-SIGM EstadoAsientoRegistralEnum)."""

    NINGUNO = "", _("Sin intercambio")
    PENDIENTE_ENVIO = "pendiente_envio", _("Pendiente de envío")
    ENVIADO = "enviado", _("Enviado")
    ACK = "ack", _("Enviado y recibido (ACK)")
    ERROR = "error", _("Error en el envío")
    ACEPTADO = "aceptado", _("Aceptado por el destino")
    RECHAZADO = "rechazado", _("Rechazado por el destino")
    REENVIADO = "reenviado", _("Reenviado")
    DEVUELTO = "devuelto", _("Devuelto al origen")
    RECIBIDO = "recibido", _("Recibido de otra oficina")


E = EstadoIntercambio
# Allowed transitions of the exchange. Outgoing: pendiente → enviado → ACK/error; after
# the ACK the destination accepts, rejects or returns it (a rejection may also arrive
# before its ACK, which is not guaranteed to reach us first); an error, a rejection or a
# return may be corrected and sent again (reenvío). Incoming: recibido → aceptado /
# rechazado (the rejection goes back to the origin).
TRANSICIONES_INTERCAMBIO: dict[str, frozenset[str]] = {
    E.NINGUNO: frozenset({E.PENDIENTE_ENVIO, E.RECIBIDO}),
    E.PENDIENTE_ENVIO: frozenset({E.ENVIADO}),
    E.ENVIADO: frozenset({E.ACK, E.ERROR, E.RECHAZADO}),
    E.REENVIADO: frozenset({E.ACK, E.ERROR, E.RECHAZADO}),
    E.ACK: frozenset({E.ACEPTADO, E.RECHAZADO, E.DEVUELTO}),
    E.ERROR: frozenset({E.REENVIADO}),
    E.RECHAZADO: frozenset({E.REENVIADO}),
    E.DEVUELTO: frozenset({E.REENVIADO}),
    E.RECIBIDO: frozenset({E.ACEPTADO, E.RECHAZADO}),
    E.ACEPTADO: frozenset(),
}


class TipoPersona(models.TextChoices):
    FISICA = "fisica", _("Persona física")
    JURIDICA = "juridica", _("Persona jurídica")


class TipoDocumento(models.TextChoices):
    """Tipo_Documento_Identificacion of SICRES 3.0."""

    NIF = "N", _("NIF / DNI")
    CIF = "C", _("CIF")
    PASAPORTE = "P", _("Pasaporte")
    NIE = "E", _("NIE")
    OTRO = "X", _("Otro documento de persona física")


class TipoDocumental(models.TextChoices):
    """Tipo_Documento of an anexo in SICRES 3.0."""

    FORMULARIO = "01", _("Formulario")
    ADJUNTO = "02", _("Documento adjunto")
    TECNICO = "03", _("Fichero técnico interno")


class Validez(models.TextChoices):
    """Validez_Documento of an anexo in SICRES 3.0."""

    COPIA = "01", _("Copia")
    COPIA_COMPULSADA = "02", _("Copia auténtica")
    COPIA_ORIGINAL = "03", _("Copia original")
    ORIGINAL = "04", _("Original")


class AmbitoFestivo(models.TextChoices):
    NACIONAL = "nacional", _("Nacional")
    AUTONOMICO = "autonomico", _("Autonómico")
    LOCAL = "local", _("Local")
