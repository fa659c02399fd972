"""Labels of the audit actions of the padrón and its exchange with the INE."""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from padron.models.ine import EstadoFicheroINE
from padron.models.retornos import EstadoIncidencia
from provincial.audit_labels import labels

labels.register({
    "padron.habitante.alta": _("Alta en el padrón"),
    "padron.habitante.baja": _("Baja en el padrón"),
    "padron.habitante.modificacion": _("Modificación de los datos de un habitante"),
    "padron.habitante.cambio_domicilio": _("Cambio de domicilio"),
    "padron.hoja.cambio_domicilio": _("Cambio de domicilio de toda una hoja"),
    "padron.habitante.renovacion": _("Renovación de la inscripción"),
    "padron.habitante.view": _("Consulta de un habitante"),
    "padron.habitante.busqueda": _("Habitante mostrado en una búsqueda de la API"),
    "padron.verificacion.residencia": _("Verificación de residencia (responde sí o no)"),
    "padron.verificacion.convivencia": _("Verificación de convivencia (responde sí o no)"),
    "padron.verificacion.censo": _("Verificación del censo para Consul (responde sí o no)"),
    "padron.adjunto.descarga": _("Descarga de un documento de un habitante"),
    "padron.error_ine.tratado": _("Error comunicado por el INE, tratado"),
    "padron.demo.generado": _("Generación del padrón de demostración"),
    "padron.exportacion": _("Exportación de habitantes"),
    "padron.exportacion.descarga": _("Descarga de una exportación de habitantes"),
    "padron.trabajo.fichero.descarga": _("Descarga de un fichero de un trabajo del padrón"),
    "padron.ine.fichero.solicitar": _("Petición de un fichero para el INE"),
    "padron.ine.fichero.generar": _("Generación de un fichero para el INE"),
    "padron.ine.fichero.descarga": _("Descarga de un fichero para el INE"),
    "padron.ine.fichero.vista": _("Consulta de un fichero para el INE"),
    "padron.ine.mes.lanzar": _("Generación del mes del INE para todas las entidades"),
    "padron.ine.retorno.solicitar": _("Petición de carga de un fichero devuelto por el INE"),
    "padron.ine.retorno.cargar": _("Carga de un fichero devuelto por el INE"),
})
# `padron.ine.fichero.<state>` and `padron.ine.incidencia.<state>`: one per state.
labels.register({
    f"padron.ine.fichero.{state.value}": format_lazy(_("Fichero para el INE: {state}"),
                                                     state=state.label.lower())
    for state in EstadoFicheroINE})
labels.register({
    f"padron.ine.incidencia.{state.value}": format_lazy(_("Incidencia devuelta por el INE: {state}"),
                                                        state=state.label.lower())
    for state in EstadoIncidencia})
