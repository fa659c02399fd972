"""Labels of the audit actions of the certificates' lifecycle."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from provincial.audit_labels import labels

labels.register({
    "certificados.solicitud.crear": _("Solicitud de un certificado electrónico"),
    "certificados.solicitud.anular": _("Anulación de una solicitud de certificado"),
    "certificados.adjunto.subir": _("Documento añadido a una solicitud de certificado"),
    "certificados.adjunto.descargar": _("Descarga de un documento de una solicitud de certificado"),
    "certificados.solicitud.acreditar": _("Acreditación de la identidad de un solicitante de certificado"),
    "certificados.solicitud.rechazar": _("Rechazo de una solicitud de certificado"),
    "certificados.solicitud.enviar": _("Envío de una solicitud a la autoridad de certificación"),
    "certificados.certificado.emitir": _("Emisión de un certificado por la AC de la plataforma"),
    "certificados.certificado.registrar": _("Registro de un certificado emitido por la FNMT o la ACCV"),
    "certificados.certificado.suspender": _("Suspensión de un certificado"),
    "certificados.certificado.levantar": _("Levantamiento de la suspensión de un certificado"),
    "certificados.certificado.revocar": _("Revocación de un certificado"),
    "certificados.certificado.caducar": _("Caducidad de un certificado"),
    "certificados.peticion.crear": _("Petición de suspensión, levantamiento o revocación de un certificado"),
    "certificados.peticion.descartar": _("Petición sobre un certificado no atendida"),
    "certificados.clave.entregar": _("Entrega única de la clave de un certificado (PKCS#12)"),
    "certificados.sello.uso": _("Uso del sello de órgano para firmar"),
    "certificados.firma.uso": _("Uso de un certificado de empleado público custodiado para firmar"),
    "certificados.ac.crear": _("Creación de la autoridad de certificación local"),
    "certificados.aviso.enviar": _("Aviso de caducidad de un certificado"),
})
labels.register_area("certificados", _("certificados electrónicos"))
