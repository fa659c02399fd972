"""POST /api/v1/firma/validar/: the validation report of a signed PDF or XML sent as
multipart `fichero`, as JSON (`ValidationReport.as_dict()`), for the entity's members and
service accounts. Nothing sent is stored: the file is held in memory for the request."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sede import views_firma
from tenants.api.schema import ErrorSerializer


class FicheroSerializer(serializers.Serializer):
    fichero = serializers.FileField(help_text="El documento firmado: PDF (PAdES) o XML "
                                              "(XAdES / XMLDSig), de hasta 20 MB.")


class CertificadoSerializer(serializers.Serializer):
    subject = serializers.CharField(help_text="Sujeto del certificado (RFC 4514).")
    common_name = serializers.CharField(help_text="Nombre común (CN).")
    issuer = serializers.CharField(help_text="Emisor (RFC 4514).")
    serial = serializers.CharField(help_text="Número de serie, en hexadecimal.")
    not_before = serializers.DateTimeField(help_text="Válido desde.")
    not_after = serializers.DateTimeField(help_text="Válido hasta.")
    nif = serializers.CharField(help_text="NIF del titular, si el certificado lo lleva.")


class FirmaSerializer(serializers.Serializer):
    field_name = serializers.CharField(help_text="Campo de firma del PDF, o Id de la firma XML.")
    signer = CertificadoSerializer(allow_null=True, help_text="Certificado del firmante.")
    signing_time = serializers.DateTimeField(allow_null=True,
                                             help_text="Fecha de la firma declarada por el "
                                                       "firmante.")
    timestamp_time = serializers.DateTimeField(allow_null=True,
                                               help_text="Hora del sello de tiempo, si lo hay.")
    chain = CertificadoSerializer(many=True, help_text="El firmante y sus emisores, en orden.")
    intact = serializers.BooleanField(help_text="La firma corresponde al contenido firmado.")
    trusted = serializers.BooleanField(help_text="La cadena llega a una autoridad de confianza "
                                                 "y el certificado no está revocado.")
    revoked = serializers.BooleanField()
    expired_at_signing = serializers.BooleanField()
    coverage = serializers.CharField(help_text="Qué cubre la firma: «documento completo», "
                                               "«revisión completa, con cambios posteriores» o "
                                               "«parcial».")
    modified_after_signing = serializers.BooleanField(
        help_text="El documento cambió después de la firma (otras cosas que firmas "
                  "posteriores y datos de validación).")
    problems = serializers.ListField(child=serializers.CharField(),
                                     help_text="Por qué no es válida, en español.")
    summary = serializers.CharField()
    ok = serializers.BooleanField(help_text="Íntegra, de confianza, no revocada y sin cambios "
                                            "posteriores.")


class InformeFirmaSerializer(serializers.Serializer):
    format = serializers.CharField(help_text="«PDF» o «XML».")
    ok = serializers.BooleanField(help_text="Todas las firmas son válidas.")
    summary = serializers.CharField(help_text="El resultado, en español.")
    signatures = FirmaSerializer(many=True)


class FileTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class ValidarFirmaView(APIView):
    """Validate the electronic signatures of a PDF or XML."""

    service_account_access = True
    # Part of the sede's service: granted with it, like the validation page of /gestion/.
    required_application = "sede"
    parser_classes = [MultiPartParser]
    renderer_classes = [JSONRenderer]

    def initial(self, request: Request, *args, **kwargs) -> None:
        # Before anything reads the body (session authentication's CSRF check does): a
        # body over the limit is refused unread, and an upload stays in memory.
        if request.method == "POST" and views_firma.body_too_large(request._request):
            raise FileTooLarge(views_firma.too_large_message())
        views_firma.keep_uploads_in_memory(request._request)
        super().initial(request, *args, **kwargs)

    @extend_schema(
        summary="Validar la firma electrónica de un PDF o un XML",
        description="Informe de cada firma: firmante, fecha, sello de tiempo, cadena de "
                    "certificados, integridad y, en un PDF, si cambió después de firmarse. "
                    "El fichero no se guarda. Un fichero que no es PDF ni XML, un XML con "
                    "DOCTYPE o entidades, uno dañado o uno sin firmas recibe 400.",
        request={"multipart/form-data": FicheroSerializer},
        responses={200: InformeFirmaSerializer,
                   413: OpenApiResponse(ErrorSerializer, description="Fichero demasiado "
                                                                    "grande.")})
    def post(self, request: Request) -> Response:
        serializer = FicheroSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            report = views_firma.validate_upload(serializer.validated_data["fichero"])
        except ValidationError as exc:
            if exc.code == "too_large":
                raise FileTooLarge(exc.messages[0]) from exc
            raise serializers.ValidationError({"fichero": exc.messages}) from exc
        return Response(report.as_dict())
