"""Job handlers of the padrón, imported by Celery's autodiscovery and by the app."""

from padron import exports  # noqa: F401 - registers padron.exportar
from padron.ine import (
    intercambio,  # noqa: F401 - registers padron.ine.generar
    retornos,  # noqa: F401 - registers padron.ine.cargar
)
