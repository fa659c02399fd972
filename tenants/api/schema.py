"""What the OpenAPI schema says of every operation besides its own answers: the errors
any call may get (400, 401, 403, 404, 429), each with its body (`DEFAULT_SCHEMA_CLASS`)."""

from __future__ import annotations

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """An error that is not about one field: the reason, in Spanish."""

    detail = serializers.CharField(help_text="El motivo, en español.")


# A refused input: each field (or `non_field_errors`, or `detail` for an unreadable body)
# with its messages in Spanish. Free-form, because the fields are the operation's own.
VALIDATION_ERROR = {"type": "object", "additionalProperties": {},
                    "description": "Cada campo con sus mensajes de error, en español."}

ERRORS: dict[str, tuple[object, str]] = {
    "400": (VALIDATION_ERROR, "Datos o parámetros no válidos."),
    "401": (ErrorSerializer, "Sin credenciales, o con un token no válido, revocado o de otra "
                             "entidad (la respuesta es la misma en los tres casos)."),
    "403": (ErrorSerializer, "Autenticado, pero sin acceso a esta operación: aplicación no "
                             "concedida a la cuenta o al usuario, o no es miembro de la entidad."),
    "404": (ErrorSerializer, "No existe, no es de esta entidad, o la entidad no presta el "
                             "servicio al que pertenece la operación."),
    "429": (ErrorSerializer, "Demasiadas peticiones de esta cuenta de servicio; la cabecera "
                             "Retry-After dice cuántos segundos esperar."),
}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema, with the common errors added to every operation that
    does not describe them itself; and read-only addresses (e-mail, web) without a format,
    since a blank one is a value (drf-spectacular says `format: email`, which "" does not
    match: an entity or an interesado without an address would answer against its own
    schema)."""

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        # A read-only address comes from a model field with blank=True: "" is a value.
        if field.read_only and schema.get("format") in ("email", "uri"):
            del schema["format"]

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        if direction != "response":
            return bodies
        for code, (body, description) in ERRORS.items():
            if code not in bodies:
                bodies[code] = self._get_response_for_code(
                    OpenApiResponse(response=body, description=description), code,
                    media_types=["application/json"], direction=direction)
        return bodies
