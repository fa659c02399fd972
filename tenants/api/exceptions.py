"""The REST API's exception handler (`REST_FRAMEWORK["EXCEPTION_HANDLER"]`): DRF's, with
the rate-limit answer worded in Spanish (DRF's own translation reads "Solicitud fue
regulada (throttled)"), and every 404 saying "No encontrado." whatever raised it."""

from __future__ import annotations

import math

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler


def handler(exc, context):
    if isinstance(exc, Http404):
        # DRF would pass on the message of get_object_or_404 ("No Habitante matches the
        # given query."): English, and naming the model.
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if isinstance(exc, exceptions.Throttled) and response is not None:
        if exc.wait is None:
            message = _("Demasiadas peticiones. Espere un poco antes de volver a intentarlo.")
        else:
            message = _("Demasiadas peticiones. Vuelva a intentarlo dentro de %(seconds)s "
                        "segundos.") % {"seconds": max(1, math.ceil(exc.wait))}
        response.data = {"detail": message}
    return response
