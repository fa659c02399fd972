"""Code lists of the expedientes. Where the ENI (NTI de Documento y Expediente
electrónico) has a code, the stored value is that code."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Familia(models.TextChoices):
    """Area a procedure belongs to (how the catalogue is grouped)."""

    URBANISMO = "urbanismo", _("Urbanismo y obras")
    ACTIVIDADES = "actividades", _("Actividades y licencias")
    VIA_PUBLICA = "via_publica", _("Vía pública")
    HACIENDA = "hacienda", _("Hacienda y tributos")
    CONTRATACION = "contratacion", _("Contratación")
    SUBVENCIONES = "subvenciones", _("Subvenciones")
    PATRIMONIO = "patrimonio", _("Patrimonio")
    RESPONSABILIDAD = "responsabilidad", _("Responsabilidad patrimonial")
    PERSONAL = "personal", _("Personal")
    POBLACION = "poblacion", _("Población y padrón")
    SECRETARIA = "secretaria", _("Secretaría y órganos de gobierno")
    MEDIO_AMBIENTE = "medio_ambiente", _("Medio ambiente")
    SERVICIOS_SOCIALES = "servicios_sociales", _("Servicios sociales")
    GENERAL = "general", _("General")


class UnidadPlazo(models.TextChoices):
    """How a procedure's maximum time to resolve is counted (art. 30 Ley 39/2015)."""

    DIAS_HABILES = "dias_habiles", _("días hábiles")
    DIAS_NATURALES = "dias_naturales", _("días naturales")
    MESES = "meses", _("meses")


class Origen(models.TextChoices):
    """How an expediente was opened."""

    DE_OFICIO = "de_oficio", _("De oficio")
    REGISTRO = "registro", _("A instancia de parte (registro de entrada)")
    SEDE = "sede", _("A instancia de parte (sede electrónica)")


class EstadoExpediente(models.TextChoices):
    """Life of an expediente (Gestiona: instrucción → resuelto; GESEXP: abierto, cerrado,
    anulado). What each state allows is in expedientes.flujo."""

    EN_TRAMITACION = "en_tramitacion", _("En tramitación")
    RESUELTO = "resuelto", _("Resuelto")
    CERRADO = "cerrado", _("Cerrado")
    ARCHIVADO = "archivado", _("Archivado")
    ANULADO = "anulado", _("Anulado")


class EstadoEni(models.TextChoices):
    """ENI metadato «Estado» of an expediente."""

    ABIERTO = "E01", _("Abierto")
    CERRADO = "E02", _("Cerrado")
    INDICE_REMISION = "E03", _("Índice para remisión cerrado")


class RolInteresado(models.TextChoices):
    SOLICITANTE = "solicitante", _("Solicitante")
    INTERESADO = "interesado", _("Interesado")
    REPRESENTANTE = "representante", _("Representante")
    TITULAR = "titular", _("Titular")
    NOTIFICADO = "notificado", _("A notificar")


class EstadoTarea(models.TextChoices):
    PENDIENTE = "pendiente", _("Pendiente")
    HECHA = "hecha", _("Hecha")
    CANCELADA = "cancelada", _("Cancelada")


class TipoEventoPlazo(models.TextChoices):
    """What changes the legal time-limit clock (arts. 22 and 23 Ley 39/2015)."""

    SUSPENSION = "suspension", _("Suspensión")
    REANUDACION = "reanudacion", _("Reanudación")
    AMPLIACION = "ampliacion", _("Ampliación")


class EstadoDocumento(models.TextChoices):
    """A document of an expediente: a draft is editable; once sent to signature (or
    incorporated, if it came from outside) its bytes and hash are frozen."""

    BORRADOR = "borrador", _("Borrador")
    EN_FIRMA = "en_firma", _("En firma")
    FIRMADO = "firmado", _("Firmado")
    RECHAZADO = "rechazado", _("Firma rechazada")
    INCORPORADO = "incorporado", _("Incorporado")
    ANULADO = "anulado", _("Anulado")


class OrigenEni(models.TextChoices):
    """ENI metadato «Origen» (0 ciudadano, 1 administración)."""

    CIUDADANO = "0", _("Ciudadano")
    ADMINISTRACION = "1", _("Administración")


class EstadoElaboracion(models.TextChoices):
    """ENI metadato «EstadoElaboracion»."""

    ORIGINAL = "EE01", _("Original")
    COPIA_CAMBIO_FORMATO = "EE02", _("Copia electrónica auténtica con cambio de formato")
    COPIA_PAPEL = "EE03", _("Copia electrónica auténtica de documento papel")
    COPIA_PARCIAL = "EE04", _("Copia electrónica parcial auténtica")
    OTROS = "EE99", _("Otros")


class TipoDocumental(models.TextChoices):
    """ENI metadato «TipoDocumental» (NTI de Documento electrónico, anexo I)."""

    RESOLUCION = "TD01", _("Resolución")
    ACUERDO = "TD02", _("Acuerdo")
    CONTRATO = "TD03", _("Contrato")
    CONVENIO = "TD04", _("Convenio")
    DECLARACION = "TD05", _("Declaración")
    COMUNICACION = "TD06", _("Comunicación")
    NOTIFICACION = "TD07", _("Notificación")
    PUBLICACION = "TD08", _("Publicación")
    ACUSE_RECIBO = "TD09", _("Acuse de recibo")
    ACTA = "TD10", _("Acta")
    CERTIFICADO = "TD11", _("Certificado")
    DILIGENCIA = "TD12", _("Diligencia")
    INFORME = "TD13", _("Informe")
    SOLICITUD = "TD14", _("Solicitud")
    DENUNCIA = "TD15", _("Denuncia")
    ALEGACION = "TD16", _("Alegación")
    RECURSOS = "TD17", _("Recursos")
    COMUNICACION_CIUDADANO = "TD18", _("Comunicación ciudadano")
    FACTURA = "TD19", _("Factura")
    OTROS_INCAUTADOS = "TD20", _("Otros incautados")
    OTROS = "TD99", _("Otros")


class Cargo(models.TextChoices):
    """Who signs a step of a circuit: a post (resolved to whoever holds it on the day,
    tenants.OfficeHolder) or a named user (TECNICO with `user_id`)."""

    ALCALDIA = "alcaldia", _("Alcaldía")
    PRESIDENCIA = "presidencia", _("Presidencia")
    SECRETARIA = "secretaria", _("Secretaría")
    INTERVENCION = "intervencion", _("Intervención")
    SECRETARIA_INTERVENCION = "secretaria_intervencion", _("Secretaría-Intervención")
    TESORERIA = "tesoreria", _("Tesorería")
    TECNICO = "tecnico", _("Técnico o persona designada")


class EstadoPeticion(models.TextChoices):
    """A document's passage through a signature circuit."""

    EN_CURSO = "en_curso", _("En curso")
    FIRMADA = "firmada", _("Firmada")
    RECHAZADA = "rechazada", _("Rechazada")
    RETIRADA = "retirada", _("Retirada")


class EstadoFirmante(models.TextChoices):
    EN_ESPERA = "en_espera", _("En espera de los pasos anteriores")
    PENDIENTE = "pendiente", _("Pendiente de firma")
    FIRMADO = "firmado", _("Firmado")
    RECHAZADO = "rechazado", _("Rechazado")
    OMITIDO = "omitido", _("No llegó a firmar")


class EstadoResolucion(models.TextChoices):
    VIGENTE = "vigente", _("Vigente")
    ANULADA = "anulada", _("Anulada")


class EstadoRemision(models.TextChoices):
    PENDIENTE = "pendiente", _("Pendiente")
    ENVIADA = "enviada", _("Enviada")
    ERROR = "error", _("Error")
